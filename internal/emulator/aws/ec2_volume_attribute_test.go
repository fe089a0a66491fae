package awsemu_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestEC2DescribeVolumeAttribute(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "eu-west-1", awsemu.KindEC2Volume, 4, func(i int) *awsemu.Resource {
		attrs := map[string]any{"Size": int32(8)}
		if i < 2 {
			attrs["AutoEnableIO"] = i == 0
		}
		return &awsemu.Resource{ID: fmt.Sprintf("vol-0attr%012d", i), Attributes: attrs}
	})
	client := ec2.NewFromConfig(e.cfg("eu-west-1"))
	on, off := 0, 0
	for _, r := range e.resources(e.mgmt, "eu-west-1", awsemu.KindEC2Volume) {
		out, err := client.DescribeVolumeAttribute(e.ctx, &ec2.DescribeVolumeAttributeInput{
			VolumeId: aws.String(r.ID), Attribute: ec2types.VolumeAttributeNameAutoEnableIO})
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		if aws.ToString(out.VolumeId) != r.ID || out.AutoEnableIO == nil || out.AutoEnableIO.Value == nil ||
			*out.AutoEnableIO.Value != awsemu.EC2VolumeAutoEnableIO(r) {
			t.Fatalf("%s: decoded %+v, want AutoEnableIO %v", r.ID, out, awsemu.EC2VolumeAutoEnableIO(r))
		}
		if *out.AutoEnableIO.Value {
			on++
		} else {
			off++
		}
		if r.ID == "vol-0attr000000000000" && !*out.AutoEnableIO.Value || r.ID == "vol-0attr000000000001" && *out.AutoEnableIO.Value {
			t.Fatalf("%s: the resource's AutoEnableIO is not served", r.ID)
		}
	}
	if on == 0 || off == 0 {
		t.Fatalf("AutoEnableIO on %d, off %d: want both", on, off)
	}

	out, err := client.DescribeVolumeAttribute(e.ctx, &ec2.DescribeVolumeAttributeInput{
		VolumeId: aws.String("vol-0attr000000000000"), Attribute: ec2types.VolumeAttributeNameProductCodes})
	if err != nil || out.AutoEnableIO != nil || out.ProductCodes == nil {
		t.Fatalf("productCodes: %+v, %v", out, err)
	}

	_, err = client.DescribeVolumeAttribute(e.ctx, &ec2.DescribeVolumeAttributeInput{
		VolumeId: aws.String("vol-0nope"), Attribute: ec2types.VolumeAttributeNameAutoEnableIO})
	svcAPIError(t, err, "InvalidVolume.NotFound", http.StatusBadRequest)
	_, err = client.DescribeVolumeAttribute(e.ctx, &ec2.DescribeVolumeAttributeInput{
		VolumeId: aws.String("vol-0attr000000000000"), Attribute: "bogus"})
	svcAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest)
	// Another region's volume does not exist here.
	_, err = ec2.NewFromConfig(e.cfg("us-east-1")).DescribeVolumeAttribute(e.ctx, &ec2.DescribeVolumeAttributeInput{
		VolumeId: aws.String("vol-0attr000000000000"), Attribute: ec2types.VolumeAttributeNameAutoEnableIO})
	svcAPIError(t, err, "InvalidVolume.NotFound", http.StatusBadRequest)

	// Faults and the request log see the operation like any other.
	e.srv.ResetRequests()
	e.srv.Faults().Add(awsemu.FaultRule{Service: "ec2", Operation: "DescribeVolumeAttribute", Status: 403, Code: "UnauthorizedOperation", Message: "no"})
	_, err = client.DescribeVolumeAttribute(e.ctx, &ec2.DescribeVolumeAttributeInput{
		VolumeId: aws.String("vol-0attr000000000000"), Attribute: ec2types.VolumeAttributeNameAutoEnableIO})
	svcAPIError(t, err, "UnauthorizedOperation", http.StatusForbidden)
	e.clearFaults()
	var logged bool
	for _, r := range e.srv.Requests() {
		logged = logged || r.Operation == "DescribeVolumeAttribute" && r.Service == "ec2" && r.Status == http.StatusForbidden && r.Region == "eu-west-1"
	}
	if !logged {
		t.Fatalf("request log: %+v", e.srv.Requests())
	}
}
