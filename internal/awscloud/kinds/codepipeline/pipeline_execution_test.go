package codepipeline_test

import (
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// since is the default 30-day window ending at the generated history's end.
var since = awstest.DefaultWindowSince

func TestPipelineExecutionKind(t *testing.T) {
	k, _ := awscloud.LookupKind("AWS::CodePipeline::PipelineExecution")
	if !awscloud.IsHistory(k) {
		t.Fatal("pipeline executions are history")
	}
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	inWindow, older, multiPage, pipelines := 0, 0, false, 0
	srv.ResetRequests()
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			res := awstest.Resources(srv, acct.ID, region, awsemu.KindCodePipelinePipelineExecution)
			pipelines += len(awstest.Resources(srv, acct.ID, region, awsemu.KindCodePipelinePipeline))
			all, _ := collect(t, p, "AWS::CodePipeline::PipelineExecution", acct, region, 100, time.Time{})
			if len(all) != len(res) {
				t.Fatalf("%s %s: %d executions without a window, want %d", acct.ID, region, len(all), len(res))
			}
			srv.ResetRequests()
			items, pages := collect(t, p, "AWS::CodePipeline::PipelineExecution", acct, region, 1, since)
			multiPage = multiPage || pages > 1
			want, old := awstest.CheckWindow(t, res, items, "PipelineExecutionId", "execution", since, func(r *awsemu.Resource, it map[string]any, ok bool) {
				if !ok || it["Type"] != "AWS::CodePipeline::PipelineExecution" {
					t.Fatalf("execution %s: %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				// Summary fields (StartTime, SourceRevisions) and details (PipelineName, ArtifactRevisions) merged.
				if pr["PipelineName"] != r.Parent || pr["Status"] != r.AttrString("Status") ||
					pr["StartTime"] != r.CreatedAt.UTC().Format(time.RFC3339Nano) || pr["PipelineVersion"] != int(r.AttrInt("PipelineVersion")) ||
					len(pr["SourceRevisions"].([]any)) != 1 || len(pr["ArtifactRevisions"].([]any)) != 1 ||
					pr["Trigger"].(map[string]any)["triggerType"] != r.AttrString("TriggerType") {
					t.Fatalf("execution props %v", pr)
				}
			})
			older += old
			if len(items) != want {
				t.Fatalf("%s %s: %d executions in the window, want %d", acct.ID, region, len(items), want)
			}
			// Paging stops at the first older execution: one call per execution
			// in the window, plus at most one per pipeline that finds an older one or none.
			n := len(awstest.Resources(srv, acct.ID, region, awsemu.KindCodePipelinePipeline))
			if calls := len(awstest.Ops(srv, "ListPipelineExecutions")); calls > want+n {
				t.Fatalf("%d ListPipelineExecutions calls for %d executions of %d pipelines in the window", calls, want, n)
			}
			inWindow += want
		}
	}
	if inWindow == 0 || older == 0 || !multiPage {
		t.Fatalf("%d in the window, %d older, paged %v", inWindow, older, multiPage)
	}
}

func TestPipelineExecutionDeletedSinceTheListing(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct, region, want := firstWith(t, srv, awstest.OrgAccounts(t, srv, p), awsemu.KindCodePipelinePipelineExecution)
	srv.Faults().Add(awsemu.FaultRule{Service: "codepipeline", Operation: "GetPipelineExecution", AccountID: acct.ID, Status: 400,
		Code: "PipelineExecutionNotFoundException", Message: "gone since the listing", Count: 1})
	if items, _ := collect(t, p, "AWS::CodePipeline::PipelineExecution", acct, region, 100, time.Time{}); len(items) != want-1 {
		t.Fatalf("%d items, want %d (one gone)", len(items), want-1)
	}
}
