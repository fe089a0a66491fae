package ec2_test

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

func TestEC2InstanceKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total := 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, _ := awstest.CollectAll(t, p, "AWS::EC2::Instance", acct, region, 5)
			res := awstest.Resources(srv, acct.ID, region, "AWS::EC2::Instance")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d instances, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "InstanceId")
			for _, r := range res {
				it := got[r.ID]
				if it == nil {
					t.Fatalf("instance %s missing", r.ID)
				}
				pr := awstest.PropsOf(it)
				state, _ := pr["State"].(map[string]any)
				if pr["InstanceType"] != r.AttrString("InstanceType") || state["Name"] != r.AttrString("State") ||
					pr["PrivateIpAddress"] != r.AttrString("PrivateIpAddress") || pr["VpcId"] != r.AttrString("VpcId") {
					t.Fatalf("instance props %v, resource %v", pr, r.Attributes)
				}
				if _, isInt := state["Code"].(int); !isInt {
					t.Fatalf("State.Code should be a number: %v", state)
				}
				if r.Has("PublicIpAddress") != (pr["PublicIpAddress"] != nil) {
					t.Fatalf("PublicIpAddress present %v vs %v", pr["PublicIpAddress"], r.Has("PublicIpAddress"))
				}
				ex := awstest.ExtraOf(it)
				if ex["AccountId"] != acct.ID || ex["Region"] != region || ex["OwnerId"] != acct.ID || ex["ReservationId"] != r.AttrString("ReservationId") {
					t.Fatalf("extra %v", ex)
				}
				if _, has := pr["noSmithyDocumentSerde"]; has {
					t.Fatal("SDK internals leaked into properties")
				}
			}
			total += len(items)
		}
	}
	if total == 0 {
		t.Fatal("no instances generated")
	}
}
