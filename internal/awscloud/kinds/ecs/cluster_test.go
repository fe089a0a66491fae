package ecs_test

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"
)

func TestECSClusterKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total := 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := awstest.CollectAll(t, p, "AWS::ECS::Cluster", acct, region, 2)
			res := awstest.Resources(srv, acct.ID, region, "AWS::ECS::Cluster")
			if len(items) != len(res) || pages != max(1, (len(res)+1)/2) {
				t.Fatalf("%s %s: %d clusters in %d pages, want %d", acct.ID, region, len(items), pages, len(res))
			}
			got := awstest.ByKey(items, "ClusterArn")
			for _, r := range res {
				it := got[r.ARN]
				if it == nil {
					t.Fatalf("cluster %s missing", r.ARN)
				}
				pr := awstest.PropsOf(it)
				if pr["ClusterName"] != r.ID || pr["Status"] != "ACTIVE" || pr["RegisteredContainerInstancesCount"] != int(r.AttrInt("RegisteredContainerInstancesCount")) {
					t.Fatalf("cluster props %v", pr)
				}
				for _, f := range []string{"CapacityProviders", "ClusterSettings", "Tags", "Statistics", "Attachments", "DefaultCapacityProviderStrategy"} {
					if _, ok := pr[f].([]any); !ok {
						t.Fatalf("%s should be a list, props %v", f, pr)
					}
				}
				// Nested members keep ECS's own camelCase, as boto returns them.
				tags := map[string]any{}
				for _, tg := range pr["Tags"].([]any) {
					m := tg.(map[string]any)
					tags[m["key"].(string)] = m["value"]
				}
				if len(tags) != len(r.Tags) || tags["Name"] != r.Tags["Name"] {
					t.Fatalf("tags %v, want %v", pr["Tags"], r.Tags)
				}
				if ex := awstest.ExtraOf(it); ex["Region"] != region || ex["AccountId"] != acct.ID {
					t.Fatalf("extra %v", ex)
				}
			}
			total += len(items)
		}
	}
	if total == 0 {
		t.Fatal("no clusters generated")
	}
}
