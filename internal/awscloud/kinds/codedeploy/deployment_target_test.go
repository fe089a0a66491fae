package codedeploy_test

import (
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

var targetField = map[string]string{"InstanceTarget": "InstanceTarget", "LambdaTarget": "LambdaTarget", "ECSTarget": "EcsTarget"}

func TestDeploymentTargetKind(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::CodeDeploy::DeploymentTarget")
	if !awscloud.IsHistory(k) {
		t.Fatal("deployment targets are history")
	}
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, older, multiPage, notStarted := 0, 0, false, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			created := map[string]time.Time{}
			for _, d := range awstest.Resources(srv, acct.ID, region, awsemu.KindCodeDeployDeployment) {
				created[d.ID] = d.CreatedAt
				if d.AttrString("Status") == "Created" && !d.CreatedAt.Before(since) {
					notStarted++
				}
			}
			items, pages, _ := collect(t, p, "AWS::CodeDeploy::DeploymentTarget", acct, region, 2, since)
			multiPage = multiPage || pages > 1
			got := map[string]map[string]any{}
			for _, it := range items {
				pr := awstest.PropsOf(it)
				typ := pr["DeploymentTargetType"].(string)
				body := pr[targetField[typ]].(map[string]any)
				if body["deploymentId"] != pr["DeploymentId"] || it["Type"] != "AWS::CodeDeploy::DeploymentTarget" {
					t.Fatalf("target %v", pr)
				}
				got[pr["DeploymentId"].(string)+"/"+body["targetId"].(string)] = it
			}
			want := 0
			for _, r := range awstest.Resources(srv, acct.ID, region, awsemu.KindCodeDeployDeploymentTarget) {
				it, ok := got[r.Parent+"/"+r.ID]
				if created[r.Parent].Before(since) {
					older++
					if ok {
						t.Fatalf("target %s of an older deployment", r.ID)
					}
					continue
				}
				want++
				if !ok {
					t.Fatalf("target %s/%s missing", r.Parent, r.ID)
				}
				pr := awstest.PropsOf(it)
				body := pr[targetField[r.AttrString("TargetType")]].(map[string]any)
				events := body["lifecycleEvents"].([]any)
				if body["status"] != r.AttrString("Status") || body["targetArn"] != r.ARN || len(events) == 0 ||
					events[0].(map[string]any)["lifecycleEventName"] == nil {
					t.Fatalf("target props %v", pr)
				}
			}
			if len(items) != want {
				t.Fatalf("%s %s: %d targets, want %d", acct.ID, region, len(items), want)
			}
			total += want
		}
	}
	if total == 0 || older == 0 || !multiPage || notStarted == 0 {
		t.Fatalf("%d targets, %d older, paged %v, %d deployments not started", total, older, multiPage, notStarted)
	}
}
