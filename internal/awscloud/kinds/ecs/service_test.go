package ecs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestECSServiceKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage := 0, false
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::ECS::Service", acct, region, 2)
			res := awstest.Resources(srv, acct.ID, region, "AWS::ECS::Service")
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d services, want %d", acct.ID, region, len(items), len(res))
			}
			multiPage = multiPage || pages > 1
			got := awstest.ByKey(items, "ServiceArn")
			for _, r := range res {
				it := got[r.ARN]
				if it == nil {
					t.Fatalf("service %s missing", r.ARN)
				}
				if it["Type"] != "AWS::ECS::Service" {
					t.Fatalf("type %v", it["Type"])
				}
				pr := awstest.PropsOf(it)
				if pr["ServiceName"] != r.ID || pr["ClusterArn"] != r.Parent || pr["TaskDefinition"] != r.AttrString("TaskDefinition") ||
					pr["DesiredCount"] != int(r.AttrInt("DesiredCount")) || pr["RunningCount"] != int(r.AttrInt("RunningCount")) ||
					pr["LaunchType"] != r.AttrString("LaunchType") || pr["Status"] != "ACTIVE" || pr["CreatedAt"] == nil {
					t.Fatalf("service props %v, resource %+v", pr, r)
				}
				// Only Ocean's model fields, nested members in ECS's camelCase.
				for k := range pr {
					if k == "ServiceConnectConfiguration" || k == "CurrentServiceDeployment" || strings.ToUpper(k[:1]) != k[:1] {
						t.Fatalf("field %s is not in Ocean's model", k)
					}
				}
				deps := pr["Deployments"].([]any)
				if len(deps) != 1 || deps[0].(map[string]any)["rolloutState"] == nil {
					t.Fatalf("deployments %v", deps)
				}
				tags := map[string]any{}
				for _, tg := range pr["Tags"].([]any) {
					m := tg.(map[string]any)
					tags[m["key"].(string)] = m["value"]
				}
				if len(tags) != len(r.Tags) {
					t.Fatalf("tags %v, want %v", pr["Tags"], r.Tags)
				}
				if ex := awstest.ExtraOf(it); ex["Region"] != region || ex["AccountId"] != acct.ID || ex["ClusterArn"] != r.Parent {
					t.Fatalf("extra %v", ex)
				}
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage {
		t.Fatalf("%d services, multi-page %v", total, multiPage)
	}
}

// Services of several clusters, more than one DescribeServices batch in one
// cluster, empty clusters between them: every service once, pages of the
// asked size, one DescribeServices per 10.
func TestECSServicesAcrossClustersAndBatches(t *testing.T) {
	spec := awstest.KindSpec
	spec.ResourcesPerKind = 0
	srv := awstest.StartEmu(t, spec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region := "us-east-1"
	arn := func(res string) string { return "arn:aws:ecs:" + region + ":" + acct.ID + ":" + res }
	perCluster := []int{23, 0, 0, 1, 0, 12}
	want := map[string]bool{}
	srv.Update(func(o *awsemu.Org) {
		for c, n := range perCluster {
			name := fmt.Sprintf("c%d", c)
			_ = o.AddResource(acct.ID, awsemu.ResourceKey{Region: region, Kind: awsemu.KindECSCluster},
				&awsemu.Resource{ID: name, Name: name, ARN: arn("cluster/" + name)})
			for i := 0; i < n; i++ {
				s := fmt.Sprintf("s%d-%d", c, i)
				want[arn("service/"+name+"/"+s)] = true
				_ = o.AddResource(acct.ID, awsemu.ResourceKey{Region: region, Kind: awsemu.KindECSService},
					&awsemu.Resource{ID: s, Name: s, ARN: arn("service/" + name + "/" + s), Parent: arn("cluster/" + name),
						Attributes: map[string]any{"ClusterName": name}})
			}
		}
	})
	for _, size := range []int32{100, 7} {
		srv.ResetRequests()
		items, pages := awstest.CollectAll(t, p, "AWS::ECS::Service", acct, region, size)
		seen := map[string]bool{}
		for _, it := range items {
			a := awstest.PropsOf(it)["ServiceArn"].(string)
			if seen[a] || !want[a] {
				t.Fatalf("size %d: service %s twice or unknown", size, a)
			}
			seen[a] = true
			if !strings.HasPrefix(a, strings.Replace(awstest.ExtraOf(it)["ClusterArn"].(string), ":cluster/", ":service/", 1)+"/") {
				t.Fatalf("service %s with cluster %v", a, awstest.ExtraOf(it)["ClusterArn"])
			}
		}
		if len(seen) != len(want) {
			t.Fatalf("size %d: %d services, want %d", size, len(seen), len(want))
		}
		// 100: one page per non-empty cluster; 7: 4+1+2 pages.
		wantPages := map[int32]int{100: 3, 7: 7}[size]
		if pages != wantPages {
			t.Fatalf("size %d: %d pages, want %d", size, pages, wantPages)
		}
		if size == 100 && len(awstest.Ops(srv, "DescribeServices")) != 3+1+2 {
			t.Fatalf("%d DescribeServices calls, want one per 10 services of a cluster", len(awstest.Ops(srv, "DescribeServices")))
		}
	}

	k, _ := awscloud.LookupKind("AWS::ECS::Service")
	cfg, err := p.Config(awstest.Ctx(t), acct.Target(), region)
	if err != nil {
		t.Fatal(err)
	}
	// The page token names its cluster: when a cluster before it goes away,
	// paging goes on where it was; when its own cluster goes away, paging
	// goes on with the next one.
	first, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region, PageSize: 20})
	if err != nil || len(first.Items) != 20 || first.Next == "" {
		t.Fatalf("first page: %d items, err %v", len(first.Items), err)
	}
	second, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region, PageSize: 20, Token: first.Next})
	if err != nil || len(second.Items) != 3 || second.Next == "" {
		t.Fatalf("second page: %d items, err %v", len(second.Items), err)
	}
	// second.Next points at c1 (index 1); c0 goes: c1 is now index 0.
	srv.Update(func(o *awsemu.Org) {
		o.RemoveResource(acct.ID, awsemu.ResourceKey{Region: region, Kind: awsemu.KindECSCluster}, "c0")
	})
	third, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region, PageSize: 20, Token: second.Next})
	if err != nil || len(third.Items) != 1 || !strings.Contains(awstest.PropsOf(third.Items[0])["ServiceArn"].(string), "/c3/") {
		t.Fatalf("after a cluster before the token went away: %d items, err %v", len(third.Items), err)
	}
	// third.Next points at c4; c4 goes: c5 follows.
	srv.Update(func(o *awsemu.Org) {
		o.RemoveResource(acct.ID, awsemu.ResourceKey{Region: region, Kind: awsemu.KindECSCluster}, "c4")
	})
	fourth, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region, PageSize: 20, Token: third.Next})
	if err != nil || len(fourth.Items) != 12 || fourth.Next != "" {
		t.Fatalf("after the token's cluster went away: %d items, next %q, err %v", len(fourth.Items), fourth.Next, err)
	}

	// A service deleted between ListServices and DescribeServices is left out.
	srv.Faults().Add(awsemu.FaultRule{Service: "ecs", Operation: "DescribeServices", Status: 400, Code: "ClusterNotFoundException", Message: "Cluster not found.", Count: 1})
	// (c1 is empty; c3's one service is gone with its cluster; c5 follows.)
	page, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region, PageSize: 10})
	if err != nil || len(page.Items) != 10 || !strings.Contains(awstest.PropsOf(page.Items[0])["ServiceArn"].(string), "/c5/") {
		t.Fatalf("cluster gone before DescribeServices: %d items, next %q, err %v", len(page.Items), page.Next, err)
	}
	// Any other failure fails the page.
	srv.Faults().Add(awsemu.FaultRule{Service: "ecs", Operation: "DescribeServices", Status: 400, Code: "InvalidParameterException", Message: "boom", Count: 1})
	if _, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region}); err == nil || !strings.Contains(err.Error(), "InvalidParameterException") {
		t.Fatalf("failed DescribeServices: %v", err)
	}
	// A bad token is an error, not a silent restart.
	if _, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region, Token: "nope"}); err == nil {
		t.Fatal("bad token accepted")
	}
}
