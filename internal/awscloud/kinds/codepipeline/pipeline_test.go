package codepipeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud/awstest"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// collect pages through kind for one account and region from since (zero:
// all history) and counts the pages.
func collect(t *testing.T, p *awscloud.Provider, kind string, acct awscloud.Account, region string, size int32, since time.Time) ([]map[string]any, int) {
	t.Helper()
	items, pages, _ := awstest.Collect(t, p, kind, awscloud.PageRequest{Account: acct, Region: region, PageSize: size, Since: since})
	return items, pages
}

// firstWith is the first account and region holding resources of kind, and how many.
func firstWith(t *testing.T, srv *awsemu.Server, accts []awscloud.Account, kind string) (awscloud.Account, string, int) {
	t.Helper()
	for _, a := range accts {
		for _, r := range awstest.KindSpec.Regions {
			if n := len(awstest.Resources(srv, a.ID, r, kind)); n > 0 {
				return a, r, n
			}
		}
	}
	t.Fatalf("no %s to test with", kind)
	return awscloud.Account{}, "", 0
}

// stagesOf lists a generated pipeline's stages and its actions per stage.
func stagesOf(r *awsemu.Resource) ([]string, map[string][]string) {
	var stages []string
	actions := map[string][]string{}
	for _, a := range r.AttrStrings("Actions") {
		p := strings.Split(a, "/")
		if _, ok := actions[p[0]]; !ok {
			stages = append(stages, p[0])
		}
		actions[p[0]] = append(actions[p[0]], a)
	}
	return stages, actions
}

func TestPipelineKind(t *testing.T) {
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	total, multiPage, untagged := 0, false, 0
	for _, acct := range awstest.OrgAccounts(t, srv, p) {
		for _, region := range awstest.KindSpec.Regions {
			items, pages := collect(t, p, "AWS::CodePipeline::Pipeline", acct, region, 2, time.Time{})
			multiPage = multiPage || pages > 1
			res := awstest.Resources(srv, acct.ID, region, awsemu.KindCodePipelinePipeline)
			if len(items) != len(res) {
				t.Fatalf("%s %s: %d pipelines, want %d", acct.ID, region, len(items), len(res))
			}
			got := awstest.ByKey(items, "Name")
			for _, r := range res {
				it := got[r.ID]
				if it == nil || it["Type"] != "AWS::CodePipeline::Pipeline" || awstest.ExtraOf(it)["Region"] != region {
					t.Fatalf("pipeline %s: %v", r.ID, it)
				}
				pr := awstest.PropsOf(it)
				stages, _ := stagesOf(r)
				if pr["PipelineArn"] != r.ARN || pr["Version"] != int(r.AttrInt("Version")) || pr["PipelineType"] != r.AttrString("PipelineType") ||
					pr["Created"] != r.CreatedAt.UTC().Format(time.RFC3339Nano) || len(pr["Stages"].([]any)) != len(stages) ||
					pr["ArtifactStore"].(map[string]any)["location"] != r.AttrString("ArtifactBucket") || pr["RoleArn"] == nil {
					t.Fatalf("pipeline props %v", pr)
				}
				tags := pr["Tags"].([]any)
				if len(tags) != len(r.Tags) {
					t.Fatalf("tags %v, want %v", tags, r.Tags)
				}
				for _, tg := range tags {
					kv := tg.(map[string]any)
					if r.Tags[kv["key"].(string)] != kv["value"] {
						t.Fatalf("tag %v", kv)
					}
				}
				if len(r.Tags) == 0 {
					untagged++
				}
			}
			total += len(items)
		}
	}
	if total == 0 || !multiPage || untagged == 0 {
		t.Fatalf("%d pipelines, paged %v, %d untagged", total, multiPage, untagged)
	}
}

// A pipeline deleted since the listing is left out of every pipeline-based
// kind; a denied default call (the tags) fails the page.
func TestPipelineDeletedOrDenied(t *testing.T) {
	for _, kind := range []string{"AWS::CodePipeline::Pipeline", "AWS::CodePipeline::Stage", "AWS::CodePipeline::Action"} {
		t.Run(kind, func(t *testing.T) {
			srv := awstest.StartEmu(t, awstest.KindSpec)
			p := awstest.StaticProvider(t, srv, nil)
			acct, region, _ := firstWith(t, srv, awstest.OrgAccounts(t, srv, p), awsemu.KindCodePipelinePipeline)
			all, _ := collect(t, p, kind, acct, region, 100, time.Time{})
			srv.Faults().Add(awsemu.FaultRule{Service: "codepipeline", Operation: "GetPipeline", AccountID: acct.ID, Status: 400,
				Code: "PipelineNotFoundException", Message: "gone since the listing", Count: 1})
			items, _ := collect(t, p, kind, acct, region, 100, time.Time{})
			if len(items) >= len(all) || (kind == "AWS::CodePipeline::Pipeline" && len(items) != len(all)-1) {
				t.Fatalf("%d items with one pipeline gone, %d without", len(items), len(all))
			}
		})
	}
	srv := awstest.StartEmu(t, awstest.KindSpec)
	p := awstest.StaticProvider(t, srv, nil)
	acct, region, _ := firstWith(t, srv, awstest.OrgAccounts(t, srv, p), awsemu.KindCodePipelinePipeline)
	srv.Faults().Add(awsemu.FaultRule{Service: "codepipeline", Operation: "ListTagsForResource", AccountID: acct.ID, Status: 400,
		Code: "AccessDeniedException", Message: "not authorized"})
	k, _ := awscloud.LookupKind("AWS::CodePipeline::Pipeline")
	cfg, _ := p.Config(awstest.Ctx(t), acct.Target(), region)
	if _, err := k.Collect(awstest.Ctx(t), cfg, awscloud.PageRequest{Account: acct, Region: region}); awscloud.Classify(err) != awscloud.ErrDenied {
		t.Fatalf("a denied default call: %v", err)
	}
}
