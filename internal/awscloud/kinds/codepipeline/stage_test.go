package codepipeline_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestStageKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage := 0, false
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := collect(t, p, "AWS::CodePipeline::Stage", acct, region, 1, time.Time{})
			multiPage = multiPage || pages > 1
			got := map[string]map[string]any{}
			for _, it := range items {
				pr := awstest.PropsOf(it)
				got[fmt.Sprint(pr["PipelineName"], "/", pr["Name"])] = pr
			}
			want := 0
			for _, r := range awstest.Resources(srv, acct.ID, region, awsemu.KindCodePipelinePipeline) {
				stages, actions := stagesOf(r)
				for i, s := range stages {
					want++
					pr := got[r.ID+"/"+s]
					if pr == nil || pr["Order"] != i+1 || pr["PipelineArn"] != r.ARN || len(pr["Actions"].([]any)) != len(actions[s]) {
						t.Fatalf("stage %s/%s: %v", r.ID, s, pr)
					}
					// Inside a stage, actions keep CodePipeline's camelCase.
					first := pr["Actions"].([]any)[0].(map[string]any)
					if first["actionTypeId"].(map[string]any)["category"] == nil || first["runOrder"] == nil {
						t.Fatalf("stage actions %v", first)
					}
				}
			}
			if len(items) != want {
				t.Fatalf("%s %s: %d stages, want %d", acct.ID, region, len(items), want)
			}
			total += want
		}
	}
	if total == 0 || !multiPage {
		t.Fatalf("%d stages, paged %v", total, multiPage)
	}
}
