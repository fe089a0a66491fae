package ec2_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestEC2VolumeKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, autoOn := 0, false, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::EC2::Volume", acct, region, 5, "DescribeVolumeAttributeAction")
			res := awstest.Resources(srv, acct.ID, region, "AWS::EC2::Volume")
			if len(items) != len(res) || pages != max(1, (len(res)+4)/5) {
				t.Fatalf("%s %s: %d volumes in %d pages, want %d", acct.ID, region, len(items), pages, len(res))
			}
			multiPage = multiPage || pages > 1
			got := awstest.ByKey(items, "VolumeId")
			for _, r := range res {
				it := got[r.ID]
				if it == nil {
					t.Fatalf("volume %s missing", r.ID)
				}
				if it["Type"] != "AWS::EC2::Volume" {
					t.Fatalf("type %v", it["Type"])
				}
				pr := awstest.PropsOf(it)
				if pr["Size"] != int(r.AttrInt("Size")) || pr["VolumeType"] != r.AttrString("VolumeType") ||
					pr["State"] != r.AttrString("State") || pr["AvailabilityZone"] != r.AttrString("AvailabilityZone") ||
					pr["Encrypted"] != r.AttrBool("Encrypted") {
					t.Fatalf("volume props %v, resource %v", pr, r.Attributes)
				}
				if _, ok := pr["CreateTime"]; !ok {
					t.Fatalf("no CreateTime: %v", pr)
				}
				atts, _ := pr["Attachments"].([]any)
				if inst := r.AttrString("Attachments"); (inst != "") != (len(atts) == 1) ||
					(inst != "" && atts[0].(map[string]any)["InstanceId"] != inst) {
					t.Fatalf("attachments %v, want instance %q", pr["Attachments"], inst)
				}
				tags := map[string]any{}
				for _, tg := range pr["Tags"].([]any) {
					m := tg.(map[string]any)
					tags[m["Key"].(string)] = m["Value"]
				}
				if len(tags) != len(r.Tags) || tags["Name"] != r.Tags["Name"] {
					t.Fatalf("tags %v, want %v", pr["Tags"], r.Tags)
				}
				if pr["AutoEnableIO"] != awsemu.EC2VolumeAutoEnableIO(r) {
					t.Fatalf("AutoEnableIO %v, want %v", pr["AutoEnableIO"], awsemu.EC2VolumeAutoEnableIO(r))
				}
				if pr["AutoEnableIO"] == true {
					autoOn++
				}
				ex := awstest.ExtraOf(it)
				if ex["AccountId"] != acct.ID || ex["Region"] != region || ex["Partition"] != "aws" || len(ex) != 3 {
					t.Fatalf("extra %v", ex)
				}
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage || autoOn == 0 || autoOn == total {
		t.Fatalf("%d volumes (multi-page %v), %d with AutoEnableIO: the org does not exercise the kind", total, multiPage, autoOn)
	}

	// Without the action: no DescribeVolumeAttribute call, no AutoEnableIO.
	srv.ResetRequests()
	acct := awstest.OrgAccounts(t, srv, p)[0]
	items, _ := awstest.CollectAll(t, p, "AWS::EC2::Volume", acct, "us-east-1", 500)
	for _, it := range items {
		if _, has := awstest.PropsOf(it)["AutoEnableIO"]; has {
			t.Fatal("AutoEnableIO without DescribeVolumeAttributeAction")
		}
	}
	if n := len(awstest.Ops(srv, "DescribeVolumeAttribute")); n != 0 {
		t.Fatalf("DescribeVolumeAttribute calls without the action: %d", n)
	}
}

func TestEC2VolumeAttributeDeniedKeepsTheVolume(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region := ""
	for _, r := range awstest.KindSpec.Regions {
		if len(awstest.Resources(srv, acct.ID, r, "AWS::EC2::Volume")) > 1 {
			region = r
			break
		}
	}
	if region == "" {
		t.Fatal("no volumes to test with")
	}
	vols := awstest.Resources(srv, acct.ID, region, "AWS::EC2::Volume")
	srv.Faults().Add(awsemu.FaultRule{Service: "ec2", Operation: "DescribeVolumeAttribute", AccountID: acct.ID, Status: 403,
		Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation.", Count: 1})
	pages, err := awstest.CollectPages(t, p, "AWS::EC2::Volume", acct, region, "DescribeVolumeAttributeAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	without := 0
	items, omitted, examples := awstest.Tally(pages, func(it map[string]any) {
		if _, ok := awstest.PropsOf(it)["AutoEnableIO"]; !ok {
			without++
		}
	})
	if items != len(vols) || omitted != 1 || without != 1 || len(examples) != 1 ||
		!strings.HasPrefix(examples[0], "DescribeVolumeAttributeAction denied for volume vol-") ||
		!strings.HasSuffix(examples[0], ": UnauthorizedOperation: You are not authorized to perform this operation.") {
		t.Fatalf("%d volumes of %d, omitted %d, %d without AutoEnableIO, examples %q", items, len(vols), omitted, without, examples)
	}

	// Any other failure of the action fails the page.
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "ec2", Operation: "DescribeVolumeAttribute", AccountID: acct.ID, Status: 400,
		Code: "InvalidParameterValue", Message: "boom"})
	if _, err := awstest.CollectPages(t, p, "AWS::EC2::Volume", acct, region, "DescribeVolumeAttributeAction"); err == nil ||
		awscloud.Classify(err) == awscloud.ErrDenied || !strings.Contains(err.Error(), "InvalidParameterValue") {
		t.Fatalf("InvalidParameterValue on the optional action: %v", err)
	}
}
