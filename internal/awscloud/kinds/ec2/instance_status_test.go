package ec2_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

var statusFields = []string{"InstanceStatus", "SystemStatus", "InstanceState", "AttachedEbsStatus"}

func TestEC2InstanceStatusAction(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, stopped, impaired, withEvents := 0, 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			srv.ResetRequests()
			items, pages := awstest.CollectAll(t, p, "AWS::EC2::Instance", acct, region, 5, "DescribeInstanceStatusAction")
			res := awstest.Resources(srv, acct.ID, region, "AWS::EC2::Instance")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d instances, want %d", acct.ID, region, len(items), len(res))
			}
			// One call per instance, as Ocean, each for that instance only.
			calls := awstest.Ops(srv, "DescribeInstanceStatus")
			if len(calls) != len(res) || len(awstest.Ops(srv, "DescribeInstances")) != pages {
				t.Fatalf("%d DescribeInstanceStatus calls for %d instances", len(calls), len(res))
			}
			got := awstest.ByKey(items, "InstanceId")
			for _, r := range res {
				pr := awstest.PropsOf(got[r.ID])
				for _, f := range statusFields {
					if _, ok := pr[f].(map[string]any); !ok {
						t.Fatalf("%s: %s missing: %v", r.ID, f, pr)
					}
				}
				st := pr["InstanceStatus"].(map[string]any)["Status"]
				state := pr["InstanceState"].(map[string]any)
				if state["Name"] != r.AttrString("State") || pr["State"].(map[string]any)["Name"] != r.AttrString("State") {
					t.Fatalf("%s: InstanceState %v, want %s", r.ID, state, r.AttrString("State"))
				}
				switch {
				case r.AttrString("State") != "running":
					stopped++
					if st != "not-applicable" {
						t.Fatalf("stopped instance status %v", st)
					}
				case st == "impaired":
					impaired++
				case st != "ok":
					t.Fatalf("running instance status %v", st)
				}
				if _, has := pr["Events"]; has {
					withEvents++
				}
				if pr["InstanceType"] != r.AttrString("InstanceType") || pr["AvailabilityZone"] != r.AttrString("AvailabilityZone") {
					t.Fatalf("instance fields lost in the merge: %v", pr)
				}
			}
			total += len(items)
		}
	}
	if total == 0 || stopped == 0 || impaired == 0 || withEvents == 0 {
		t.Fatalf("%d instances: %d stopped, %d impaired, %d with events; each case should occur", total, stopped, impaired, withEvents)
	}

	// Off: no status call and none of the fields.
	acct := awstest.OrgAccounts(t, srv, p)[0]
	srv.ResetRequests()
	items, _ := awstest.CollectAll(t, p, "AWS::EC2::Instance", acct, "us-east-1", 100)
	if len(awstest.Ops(srv, "DescribeInstanceStatus")) != 0 {
		t.Fatal("DescribeInstanceStatus called without its action")
	}
	for _, it := range items {
		for _, f := range statusFields {
			if _, has := awstest.PropsOf(it)[f]; has {
				t.Fatalf("%s without the action", f)
			}
		}
	}
}

func TestEC2InstanceStatusDeniedKeepsTheInstances(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::EC2::Instance"))
	if want == 0 {
		t.Fatal("no instances to test with")
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "ec2", Operation: "DescribeInstanceStatus", AccountID: acct.ID, Status: 403,
		Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."})
	pages, err := awstest.CollectPages(t, p, "AWS::EC2::Instance", acct, "us-east-1", "DescribeInstanceStatusAction")
	if err != nil {
		t.Fatalf("a denied optional action fails the page: %v", err)
	}
	items, omitted, examples := awstest.Tally(pages, func(it map[string]any) {
		if _, has := awstest.PropsOf(it)["InstanceStatus"]; has {
			t.Fatalf("denied, yet InstanceStatus set: %v", awstest.PropsOf(it))
		}
	})
	if items != want || omitted != want || len(examples) == 0 ||
		!strings.HasPrefix(examples[0], "DescribeInstanceStatusAction denied for instance i-") {
		t.Fatalf("%d items of %d, omitted %d, examples %q", items, want, omitted, examples)
	}
	// Any other failure fails the page.
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "ec2", Operation: "DescribeInstanceStatus", AccountID: acct.ID, Status: 400,
		Code: "InvalidParameterValue", Message: "boom"})
	if _, err := awstest.CollectPages(t, p, "AWS::EC2::Instance", acct, "us-east-1", "DescribeInstanceStatusAction"); err == nil ||
		!strings.Contains(err.Error(), "InvalidParameterValue") {
		t.Fatalf("InvalidParameterValue on the optional action: %v", err)
	}
}
