package elasticache_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestElastiCacheClusterKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, untagged, memcached, grouped := 0, 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			for _, actions := range [][]string{nil, {"ListTagsForResourceAction"}} {
				items, _ := awstest.CollectAll(t, p, "AWS::ElastiCache::Cluster", acct, region, 100, actions...)
				res := awstest.Resources(srv, acct.ID, region, "AWS::ElastiCache::Cluster")
				if len(items) != len(res) {
					t.Fatalf("%s %s: %d clusters, want %d", acct.ID, region, len(items), len(res))
				}
				got := awstest.ByKey(items, "ARN")
				for _, r := range res {
					it := got[r.ARN]
					if it == nil || it["Type"] != "AWS::ElastiCache::Cluster" {
						t.Fatalf("cluster %s: %v", r.ARN, it)
					}
					pr := awstest.PropsOf(it)
					nodes := pr["CacheNodes"].([]any)
					if pr["CacheClusterId"] != r.ID || pr["Engine"] != r.AttrString("Engine") || pr["CacheClusterCreateTime"] == nil ||
						len(nodes) != int(max(1, r.AttrInt("NumCacheNodes"))) || nodes[0].(map[string]any)["Endpoint"].(map[string]any)["Address"] == nil {
						t.Fatalf("props %v, resource %+v", pr, r)
					}
					if g := r.AttrString("ReplicationGroupId"); g != "" {
						grouped++
						if pr["ReplicationGroupId"] != g {
							t.Fatalf("replication group %v", pr["ReplicationGroupId"])
						}
					} else if r.AttrString("Engine") == "memcached" {
						memcached++
						if pr["ConfigurationEndpoint"] == nil {
							t.Fatalf("memcached without configuration endpoint: %v", pr)
						}
					}
					if awstest.CheckTagList(t, it, r, acct.ID, region, actions != nil) {
						untagged++
					}
				}
				total += len(items)
			}
		}
	}
	if total == 0 || untagged == 0 || memcached == 0 || grouped == 0 {
		t.Fatalf("%d clusters, %d untagged, %d memcached, %d in replication groups", total, untagged, memcached, grouped)
	}
}

func TestElastiCachePagesAndTagsAction(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[2]
	srv.Update(func(o *awsemu.Org) {
		for i := 0; i < 41; i++ {
			id := fmt.Sprintf("zz-cache-%02d", i)
			_ = o.AddResource(acct.ID, awsemu.ResourceKey{Region: "us-east-1", Kind: awsemu.KindElastiCacheCluster},
				&awsemu.Resource{ID: id, Name: id, Tags: map[string]string{"n": id}})
		}
	})
	want := len(awstest.Resources(srv, acct.ID, "us-east-1", "AWS::ElastiCache::Cluster"))
	items, pages := awstest.CollectAll(t, p, "AWS::ElastiCache::Cluster", acct, "us-east-1", 20)
	if len(items) != want || pages != (want+19)/20 || pages < 3 {
		t.Fatalf("%d clusters in %d pages, want %d", len(items), pages, want)
	}
	srv.Faults().Add(awsemu.FaultRule{Service: "elasticache", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 403, Code: "AccessDenied", Message: "no"})
	pg, err := awstest.CollectPages(t, p, "AWS::ElastiCache::Cluster", acct, "us-east-1", "ListTagsForResourceAction")
	if err != nil {
		t.Fatal(err)
	}
	awstest.CheckDenied(t, pg, "TagList", "ListTagsForResourceAction denied for cache cluster arn:", want)
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "elasticache", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400, Code: "InvalidARN", Message: "boom", Count: 1})
	if _, err := awstest.CollectPages(t, p, "AWS::ElastiCache::Cluster", acct, "us-east-1", "ListTagsForResourceAction"); err == nil || !strings.Contains(err.Error(), "InvalidARN") {
		t.Fatalf("InvalidARN: %v", err)
	}
}
