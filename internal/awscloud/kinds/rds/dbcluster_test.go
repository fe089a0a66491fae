package rds_test

import (
	"fmt"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestRDSDBClusterKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, untagged := 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			for _, actions := range [][]string{nil, {"ListTagsForResourceAction"}} {
				items, _ := awstest.CollectAll(t, p, "AWS::RDS::DBCluster", acct, region, 100, actions...)
				res := awstest.Resources(srv, acct.ID, region, "AWS::RDS::DBCluster")
				if len(items) != len(res) {
					t.Fatalf("%s %s: %d clusters, want %d", acct.ID, region, len(items), len(res))
				}
				got := awstest.ByKey(items, "DBClusterArn")
				for _, r := range res {
					it := got[r.ARN]
					if it == nil || it["Type"] != "AWS::RDS::DBCluster" {
						t.Fatalf("cluster %s: %v", r.ARN, it)
					}
					pr := awstest.PropsOf(it)
					members := pr["DBClusterMembers"].([]any)
					if pr["DBClusterIdentifier"] != r.ID || pr["Engine"] != r.AttrString("Engine") || len(members) != len(r.AttrStrings("Members")) ||
						members[0].(map[string]any)["IsClusterWriter"] != true || pr["ClusterCreateTime"] == nil || pr["Endpoint"] == nil {
						t.Fatalf("props %v, resource %+v", pr, r)
					}
					// Ocean keeps every member; TagList with or without the action, Tags never.
					if _, has := pr["Tags"]; has {
						t.Fatal("Tags set: Ocean's action fills TagList")
					}
					tags := tagMap(t, pr["TagList"])
					if len(tags) != len(r.Tags) {
						t.Fatalf("TagList %v, want %v", tags, r.Tags)
					}
					if len(tags) == 0 && actions == nil {
						untagged++
					}
				}
				total += len(items)
			}
		}
	}
	if total == 0 || untagged == 0 {
		t.Fatalf("%d clusters, %d untagged", total, untagged)
	}
}

func TestRDSDBClusterPagesAndTagsAction(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	srv.Update(func(o *awsemu.Org) {
		for i := 0; i < 30; i++ {
			id := fmt.Sprintf("zz-aurora-%02d", i)
			_ = o.AddResource(acct.ID, awsemu.ResourceKey{Region: "eu-west-1", Kind: awsemu.KindRDSDBCluster},
				&awsemu.Resource{ID: id, Name: id, Tags: map[string]string{"n": id}, Attributes: map[string]any{"Members": []string{id + "-1"}}})
		}
	})
	want := len(awstest.Resources(srv, acct.ID, "eu-west-1", "AWS::RDS::DBCluster"))
	items, pages := awstest.CollectAll(t, p, "AWS::RDS::DBCluster", acct, "eu-west-1", 20)
	if len(items) != want || pages != (want+19)/20 || pages < 2 {
		t.Fatalf("%d clusters in %d pages, want %d", len(items), pages, want)
	}
	// Denied keeps the describe answer's TagList; gone leaves the cluster out.
	srv.Faults().Add(awsemu.FaultRule{Service: "rds", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 403, Code: "AccessDenied", Message: "no", Count: 1})
	pg, err := awstest.CollectPages(t, p, "AWS::RDS::DBCluster", acct, "eu-west-1", "ListTagsForResourceAction")
	if err != nil || pg[0].Omitted != 1 {
		t.Fatalf("denied once: %v, %+v", err, pg)
	}
	for _, it := range pg[0].Items {
		if _, ok := awstest.PropsOf(it)["TagList"]; !ok {
			t.Fatal("TagList lost")
		}
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "rds", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 404, Code: "DBClusterNotFoundFault", Message: "gone", Count: 1})
	items, _ = awstest.CollectAll(t, p, "AWS::RDS::DBCluster", acct, "eu-west-1", 100, "ListTagsForResourceAction")
	if len(items) != want-1 {
		t.Fatalf("%d clusters, want %d (one gone)", len(items), want-1)
	}
}
