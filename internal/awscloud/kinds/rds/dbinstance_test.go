package rds_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func tagMap(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tg := range v.([]any) {
		m := tg.(map[string]any)
		out[m["Key"].(string)] = m["Value"].(string)
	}
	return out
}

func TestRDSDBInstanceKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, untagged, members := 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, _ := awstest.CollectAll(t, p, "AWS::RDS::DBInstance", acct, region, 100, "ListTagsForResourceAction")
			res := awstest.Resources(srv, acct.ID, region, "AWS::RDS::DBInstance")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d instances, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "DBInstanceArn")
			for _, r := range res {
				it := got[r.ARN]
				if it == nil || it["Type"] != "AWS::RDS::DBInstance" {
					t.Fatalf("instance %s: %v", r.ARN, it)
				}
				pr := awstest.PropsOf(it)
				if pr["DBInstanceIdentifier"] != r.ID || pr["Engine"] != r.AttrString("Engine") || pr["EngineVersion"] != r.AttrString("EngineVersion") ||
					pr["MultiAZ"] != r.AttrBool("MultiAZ") || pr["InstanceCreateTime"] == nil || pr["DBSubnetGroup"] == nil {
					t.Fatalf("props %v, resource %+v", pr, r)
				}
				// Ocean's renames, and nothing outside its model.
				for _, f := range []string{"Port", "EnableIAMDatabaseAuthentication", "EnablePerformanceInsights", "VPCSecurityGroups"} {
					if _, ok := pr[f]; !ok {
						t.Fatalf("%s missing: %v", f, pr)
					}
				}
				for _, f := range []string{"DbInstancePort", "IAMDatabaseAuthenticationEnabled", "VpcSecurityGroups", "TagList", "DBClusterIdentifier", "StatusInfos"} {
					if _, ok := pr[f]; ok {
						t.Fatalf("%s is not in Ocean's model: %v", f, pr)
					}
				}
				if sg := pr["VPCSecurityGroups"].([]any)[0].(map[string]any); sg["VpcSecurityGroupId"] == nil {
					t.Fatalf("nested members keep RDS's names: %v", sg)
				}
				if r.AttrString("DBClusterIdentifier") != "" {
					members++
				}
				tags := tagMap(t, pr["Tags"])
				if len(tags) != len(r.Tags) {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
				if len(tags) == 0 {
					untagged++
				}
				if ex := awstest.ExtraOf(it); ex["Region"] != region || ex["AccountId"] != acct.ID {
					t.Fatalf("extra %v", ex)
				}
			}
			total += len(items)
		}
	}
	if total == 0 || untagged == 0 || members == 0 {
		t.Fatalf("%d instances, %d untagged, %d cluster members", total, untagged, members)
	}
}

// addInstances gives an account 45 more instances in us-east-1.
func addInstances(srv *awsemu.Server, account string) {
	srv.Update(func(o *awsemu.Org) {
		for i := 0; i < 45; i++ {
			id := fmt.Sprintf("zz-db-%02d", i)
			_ = o.AddResource(account, awsemu.ResourceKey{Region: "us-east-1", Kind: awsemu.KindRDSDBInstance},
				&awsemu.Resource{ID: id, Name: id, Tags: map[string]string{"n": id}})
		}
	})
}

func TestRDSDBInstancePagesAndTagsAction(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[1]
	addInstances(srv, acct.ID)
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::RDS::DBInstance"))

	// Without the action: one DescribeDBInstances per page of 20 (RDS's
	// smallest), no Tags.
	srv.ResetRequests()
	items, pages := awstest.CollectAll(t, p, "AWS::RDS::DBInstance", acct, "us-east-1", 5)
	if len(items) != want || pages != (want+19)/20 || len(awstest.Ops(srv, "DescribeDBInstances")) != pages || len(awstest.Ops(srv, "ListTagsForResource")) != 0 {
		t.Fatalf("%d items in %d pages with %d calls, want %d", len(items), pages, len(srv.Requests()), want)
	}
	for _, it := range items {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatal("Tags without the action")
		}
	}

	// Denied: the instances stay, without Tags, counted.
	srv.Faults().Add(awsemu.FaultRule{Service: "rds", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 403, Code: "AccessDenied", Message: "no"})
	pagesOut, err := awstest.CollectPages(t, p, "AWS::RDS::DBInstance", acct, "us-east-1", "ListTagsForResourceAction")
	if err != nil {
		t.Fatal(err)
	}
	awstest.CheckDenied(t, pagesOut, "Tags", "ListTagsForResourceAction denied for db instance arn:", want)

	// Deleted since the listing: left out. Other failures fail the page.
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "rds", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 404, Code: "DBInstanceNotFound", Message: "gone", Count: 1})
	items, _ = awstest.CollectAll(t, p, "AWS::RDS::DBInstance", acct, "us-east-1", 100, "ListTagsForResourceAction")
	if len(items) != want-1 {
		t.Fatalf("%d items, want %d (one gone)", len(items), want-1)
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "rds", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400, Code: "InvalidParameterValue", Message: "boom", Count: 1})
	k, _ := awscloud.LookupKind("AWS::RDS::DBInstance")
	cfg, err := p.Config(awstest.Ctx(t), acct.Target(), "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: "us-east-1", IncludeActions: []string{"ListTagsForResourceAction"}}); err == nil ||
		!strings.Contains(err.Error(), "InvalidParameterValue") {
		t.Fatalf("failed ListTagsForResource: %v", err)
	}
}
