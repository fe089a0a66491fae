package codedeploy_test

import (
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// since is the default 30-day window ending at the generated history's end.
var since = awstest.DefaultWindowSince

func TestDeploymentKind(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::CodeDeploy::Deployment")
	if !awscloud.IsHistory(k) {
		t.Fatal("deployments are history")
	}
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	inWindow, older, multiPage, failed := 0, 0, false, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			res := awstest.Resources(srv, acct.ID, region, awsemu.KindCodeDeployDeployment)
			all, _, _ := collect(t, p, "AWS::CodeDeploy::Deployment", acct, region, 100, time.Time{})
			if len(all) != len(res) {
				t.Fatalf("%s %s: %d deployments without a window, want %d", acct.ID, region, len(all), len(res))
			}
			items, pages, _ := collect(t, p, "AWS::CodeDeploy::Deployment", acct, region, 2, since)
			multiPage = multiPage || pages > 1
			want, old := awstest.CheckWindow(t, res, items, "DeploymentId", "deployment", since, func(r *awsemu.Resource, it map[string]any, ok bool) {
				if !ok || it["Type"] != "AWS::CodeDeploy::Deployment" || awstest.ExtraOf(it)["AccountId"] != acct.ID {
					t.Fatalf("deployment %s: %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				app, group := splitParent(r.Parent)
				if pr["Status"] != r.AttrString("Status") || pr["CreateTime"] != r.CreatedAt.UTC().Format(time.RFC3339Nano) ||
					pr["ApplicationName"] != app || pr["DeploymentGroupName"] != group ||
					pr["Revision"].(map[string]any)["s3Location"].(map[string]any)["key"] != r.AttrString("RevisionKey") {
					t.Fatalf("deployment props %v", pr)
				}
				if r.AttrString("Status") == "Failed" {
					failed++
					if pr["ErrorInformation"].(map[string]any)["code"] != r.AttrString("ErrorCode") {
						t.Fatalf("error information %v", pr)
					}
				}
				// deploymentOverview's counts are PascalCase on the wire.
				if ov, ok := pr["DeploymentOverview"].(map[string]any); ok {
					if _, has := ov["Succeeded"]; !has {
						t.Fatalf("overview %v", ov)
					}
				}
			})
			older += old
			if len(items) != want {
				t.Fatalf("%s %s: %d deployments in the window, want %d", acct.ID, region, len(items), want)
			}
			inWindow += want
		}
	}
	if inWindow == 0 || older == 0 || !multiPage || failed == 0 {
		t.Fatalf("%d in the window, %d older, paged %v, %d failed", inWindow, older, multiPage, failed)
	}
}

func TestDeploymentDeletedSinceTheListing(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct := awstest.OrgAccounts(t, srv, p)[0]
	region, want := withResources(t, srv, acct.ID, awsemu.KindCodeDeployDeployment)
	srv.Faults().Add(awsemu.FaultRule{Service: "codedeploy", Operation: "GetDeployment", AccountID: acct.ID, Status: 400,
		Code: "DeploymentDoesNotExistException", Message: "gone since the listing", Count: 1})
	if items, _, _ := collect(t, p, "AWS::CodeDeploy::Deployment", acct, region, 100, time.Time{}); len(items) != want-1 {
		t.Fatalf("%d items, want %d (one gone)", len(items), want-1)
	}
}

func splitParent(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
