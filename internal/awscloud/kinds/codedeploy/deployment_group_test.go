package codedeploy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestDeploymentGroupKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, untagged, noRollback, withTagFilter := 0, false, 0, 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages, omitted := collect(t, p, "AWS::CodeDeploy::DeploymentGroup", acct, region, 1, time.Time{}, "GetDeploymentGroupTags")
			multiPage = multiPage || pages > 2
			res := awstest.Resources(srv, acct.ID, region, awsemu.KindCodeDeployDeploymentGroup)
			if len(items) != len(res) || omitted != 0 {
				t.Fatalf("%s %s: %d groups (%d omitted), want %d", acct.ID, region, len(items), omitted, len(res))
			}
			got := map[string]map[string]any{}
			for _, it := range items {
				pr := awstest.PropsOf(it)
				got[pr["ApplicationName"].(string)+"/"+pr["DeploymentGroupName"].(string)] = it
			}
			for _, r := range res {
				it := got[r.ID]
				if it == nil || it["Type"] != "AWS::CodeDeploy::DeploymentGroup" || awstest.ExtraOf(it)["Region"] != region {
					t.Fatalf("group %s: %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				style := pr["DeploymentStyle"].(map[string]any)
				if pr["DeploymentGroupId"] != r.AttrString("DeploymentGroupId") || pr["DeploymentConfigName"] != r.AttrString("DeploymentConfigName") ||
					pr["ServiceRoleArn"] != r.AttrString("ServiceRoleArn") || style["deploymentType"] != r.AttrString("DeploymentType") {
					t.Fatalf("group props %v", pr)
				}
				// Tag filters keep CodeDeploy's PascalCase members; other nested members are camelCase.
				if k := r.AttrString("Ec2TagKey"); k != "" {
					withTagFilter++
					f := pr["Ec2TagFilters"].([]any)[0].(map[string]any)
					if f["Key"] != k || f["Type"] != "KEY_AND_VALUE" {
						t.Fatalf("tag filters %v", pr["Ec2TagFilters"])
					}
				}
				if r.Has("AutoRollback") {
					if pr["AutoRollbackConfiguration"].(map[string]any)["enabled"] != r.AttrBool("AutoRollback") {
						t.Fatalf("auto rollback %v", pr)
					}
				} else if _, has := pr["AutoRollbackConfiguration"]; has {
					t.Fatalf("auto rollback without one %v", pr)
				} else {
					noRollback++
				}
				if last, ok := pr["LastAttemptedDeployment"].(map[string]any); ok && !strings.HasPrefix(last["deploymentId"].(string), "d-") {
					t.Fatalf("last attempted deployment %v", last)
				}
				if len(r.Tags) == 0 {
					untagged++
				}
				checkTags(t, pr["Tags"], r.Tags)
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage || untagged == 0 || noRollback == 0 || withTagFilter == 0 {
		t.Fatalf("%d groups, paged %v, %d untagged, %d without rollback, %d with tag filters", total, multiPage, untagged, noRollback, withTagFilter)
	}

	// Without the action: no tags, and no ListTagsForResource call.
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region, want := withResources(t, srv, acct.ID, awsemu.KindCodeDeployDeploymentGroup)
	srv.ResetRequests()
	items, _, _ := collect(t, p, "AWS::CodeDeploy::DeploymentGroup", acct, region, 100, time.Time{})
	for _, it := range items {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatal("Tags without GetDeploymentGroupTags")
		}
	}
	if len(items) != want || len(awstest.Ops(srv, "ListTagsForResource")) != 0 {
		t.Fatalf("%d groups, %d tag calls", len(items), len(awstest.Ops(srv, "ListTagsForResource")))
	}
}

func TestDeploymentGroupTagsDeniedOrDeleted(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region, want := withResources(t, srv, acct.ID, awsemu.KindCodeDeployDeploymentGroup)
	srv.Faults().Add(awsemu.FaultRule{Service: "codedeploy", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400,
		Code: "AccessDeniedException", Message: "not authorized"})
	items, _, omitted := collect(t, p, "AWS::CodeDeploy::DeploymentGroup", acct, region, 100, time.Time{}, "GetDeploymentGroupTags")
	if len(items) != want || omitted != want {
		t.Fatalf("denied tags: %d groups of %d, %d omitted", len(items), want, omitted)
	}
	for _, it := range items {
		if _, has := awstest.PropsOf(it)["Tags"]; has {
			t.Fatal("denied, yet Tags set")
		}
	}
	srv.Faults().Clear()
	srv.Faults().Add(awsemu.FaultRule{Service: "codedeploy", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400,
		Code: "DeploymentGroupDoesNotExistException", Message: "gone since the listing", Count: 1})
	if items, _, _ := collect(t, p, "AWS::CodeDeploy::DeploymentGroup", acct, region, 100, time.Time{}, "GetDeploymentGroupTags"); len(items) != want-1 {
		t.Fatalf("%d items, want %d (one gone)", len(items), want-1)
	}
}
