package codepipeline_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestActionKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, configured := 0, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, _ := collect(t, p, "AWS::CodePipeline::Action", acct, region, 2, time.Time{})
			got := map[string]map[string]any{}
			for _, it := range items {
				pr := awstest.PropsOf(it)
				got[fmt.Sprint(pr["PipelineName"], "/", pr["StageName"], "/", pr["Name"])] = pr
			}
			want := 0
			for _, r := range awstest.Resources(srv, acct.ID, region, awsemu.KindCodePipelinePipeline) {
				for _, a := range r.AttrStrings("Actions") {
					want++
					parts := strings.Split(a, "/")
					pr := got[r.ID+"/"+parts[0]+"/"+parts[1]]
					if pr == nil {
						t.Fatalf("action %s of %s missing", a, r.ID)
					}
					// Ocean's model types ActionTypeId: its members are PascalCase.
					at := pr["ActionTypeId"].(map[string]any)
					if at["Category"] != parts[2] || at["Provider"] != parts[3] || at["Owner"] != "AWS" ||
						pr["PipelineArn"] != r.ARN || pr["PipelineVersion"] != int(r.AttrInt("Version")) || pr["Region"] != region ||
						fmt.Sprint(pr["RunOrder"]) != parts[4] {
						t.Fatalf("action props %v", pr)
					}
					if cfg, ok := pr["Configuration"].(map[string]any); ok {
						for k, v := range cfg {
							configured++
							if r.AttrString("Config."+parts[1]+"."+k) != v { // configuration keys are data, never renamed
								t.Fatalf("configuration %v", cfg)
							}
						}
					}
				}
			}
			if len(items) != want {
				t.Fatalf("%s %s: %d actions, want %d", acct.ID, region, len(items), want)
			}
			total += want
		}
	}
	if total == 0 || configured == 0 {
		t.Fatalf("%d actions, %d configuration values", total, configured)
	}
}
