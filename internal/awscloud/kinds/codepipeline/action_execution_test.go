package codepipeline_test

import (
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestActionExecutionKind(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::CodePipeline::ActionExecution")
	if !awscloud.IsHistory(k) {
		t.Fatal("action executions are history")
	}
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	inWindow, older, multiPage := 0, 0, false
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			res := awstest.Resources(srv, acct.ID, region, awsemu.KindCodePipelineActionExecution)
			all, _ := collect(t, p, "AWS::CodePipeline::ActionExecution", acct, region, 100, time.Time{})
			if len(all) != len(res) {
				t.Fatalf("%s %s: %d action executions without a window, want %d", acct.ID, region, len(all), len(res))
			}
			items, pages := collect(t, p, "AWS::CodePipeline::ActionExecution", acct, region, 2, since)
			multiPage = multiPage || pages > 1
			want, old := awstest.CheckWindow(t, res, items, "ActionExecutionId", "action execution", since, func(r *awsemu.Resource, it map[string]any, ok bool) {
				if !ok {
					t.Fatalf("action execution %s missing", r.ID)
				}
				pr := awstest.PropsOf(it)
				in := pr["Input"].(map[string]any)
				if pr["PipelineExecutionId"] != r.Parent || pr["ActionName"] != r.AttrString("ActionName") || pr["StageName"] != r.AttrString("StageName") ||
					pr["Status"] != r.AttrString("Status") || pr["StartTime"] != r.CreatedAt.UTC().Format(time.RFC3339Nano) ||
					in["actionTypeId"].(map[string]any)["provider"] != r.AttrString("Provider") || pr["Output"] == nil {
					t.Fatalf("action execution props %v", pr)
				}
			})
			older += old
			if len(items) != want {
				t.Fatalf("%s %s: %d action executions in the window, want %d", acct.ID, region, len(items), want)
			}
			inWindow += want
		}
	}
	if inWindow == 0 || older == 0 || !multiPage {
		t.Fatalf("%d in the window, %d older, paged %v", inWindow, older, multiPage)
	}
}
