package awsemu_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestEC2DescribeInstanceStatus(t *testing.T) {
	e := svcStart(t)
	const region = "ap-south-1" // only what the test adds
	e.srv.Update(func(o *awsemu.Org) { o.Accounts[e.mgmt].Regions[region] = awsemu.RegionEnabled })
	e.add(t, e.mgmt, region, awsemu.KindEC2Instance, 12, func(i int) *awsemu.Resource {
		r := ec2Instance(i) // i%5 == 4 is stopped
		r.Attributes["AvailabilityZone"] = region + "b"
		r.Attributes["InstanceStatus"], r.Attributes["ScheduledEvent"] = "ok", ""
		if i == 1 {
			r.Attributes["InstanceStatus"], r.Attributes["ScheduledEvent"] = "impaired", "system-reboot"
		}
		return r
	})
	client := ec2.NewFromConfig(e.cfg(region))

	// Without IncludeAllInstances: the running ones only.
	var running []ec2types.InstanceStatus
	for p := ec2.NewDescribeInstanceStatusPaginator(client, &ec2.DescribeInstanceStatusInput{MaxResults: aws.Int32(5)}); p.HasMorePages(); {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("describe status: %v", err)
		}
		running = append(running, out.InstanceStatuses...)
	}
	if len(running) != 10 {
		t.Fatalf("%d running statuses, want 10", len(running))
	}
	all, err := client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{IncludeAllInstances: aws.Bool(true)})
	if err != nil || len(all.InstanceStatuses) != 12 {
		t.Fatalf("IncludeAllInstances: %v, %d", err, len(all.InstanceStatuses))
	}

	// One instance at a time, as Ocean asks.
	one := func(id string) ec2types.InstanceStatus {
		out, err := client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{id}, IncludeAllInstances: aws.Bool(true)})
		if err != nil || len(out.InstanceStatuses) != 1 {
			t.Fatalf("status of %s: %v %+v", id, err, out)
		}
		return out.InstanceStatuses[0]
	}
	ok := one("i-0test000000000000")
	if aws.ToString(ok.InstanceId) != "i-0test000000000000" || aws.ToString(ok.AvailabilityZone) != region+"b" ||
		ok.InstanceState == nil || ok.InstanceState.Name != ec2types.InstanceStateNameRunning || aws.ToInt32(ok.InstanceState.Code) != 16 ||
		ok.InstanceStatus.Status != ec2types.SummaryStatusOk || ok.SystemStatus.Status != ec2types.SummaryStatusOk ||
		len(ok.InstanceStatus.Details) != 1 || ok.InstanceStatus.Details[0].Status != ec2types.StatusTypePassed ||
		ok.AttachedEbsStatus == nil || ok.Operator == nil || len(ok.Events) != 0 {
		t.Fatalf("running instance status %+v", ok)
	}
	bad := one("i-0test000000000001")
	if bad.InstanceStatus.Status != ec2types.SummaryStatusImpaired || bad.InstanceStatus.Details[0].Status != ec2types.StatusTypeFailed ||
		len(bad.Events) != 1 || bad.Events[0].Code != ec2types.EventCodeSystemReboot || bad.Events[0].NotBefore == nil {
		t.Fatalf("impaired instance status %+v", bad)
	}
	stopped := one("i-0test000000000004")
	if stopped.InstanceState.Name != ec2types.InstanceStateNameStopped || stopped.InstanceStatus.Status != ec2types.SummaryStatusNotApplicable ||
		len(stopped.InstanceStatus.Details) != 0 || stopped.SystemStatus.Status != ec2types.SummaryStatusNotApplicable {
		t.Fatalf("stopped instance status %+v", stopped)
	}
	// A stopped instance asked for without IncludeAllInstances: nothing.
	out, err := client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0test000000000004"}})
	if err != nil || len(out.InstanceStatuses) != 0 {
		t.Fatalf("stopped without IncludeAllInstances: %v %+v", err, out.InstanceStatuses)
	}
	filtered, err := client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-status.status"), Values: []string{"impaired"}}}})
	if err != nil || len(filtered.InstanceStatuses) != 1 {
		t.Fatalf("filter impaired: %v %d", err, len(filtered.InstanceStatuses))
	}

	_, err = client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0nope"}})
	svcAPIError(t, err, "InvalidInstanceID.NotFound", http.StatusBadRequest)
	_, err = client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0test000000000000"}, MaxResults: aws.Int32(5)})
	svcAPIError(t, err, "InvalidParameterCombination", http.StatusBadRequest)
	_, err = client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{Filters: []ec2types.Filter{{Name: aws.String("nope"), Values: []string{"x"}}}})
	svcAPIError(t, err, "InvalidParameterValue", http.StatusBadRequest)

	e.srv.Faults().Add(awsemu.FaultRule{Service: "ec2", Operation: "DescribeInstanceStatus", Status: 403, Code: "UnauthorizedOperation", Message: "no", Count: 1})
	_, err = client.DescribeInstanceStatus(e.ctx, &ec2.DescribeInstanceStatusInput{})
	svcAPIError(t, err, "UnauthorizedOperation", http.StatusForbidden)
}
