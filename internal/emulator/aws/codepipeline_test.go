package awsemu_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
	cptypes "github.com/aws/aws-sdk-go-v2/service/codepipeline/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// cpOrg: three pipelines (the first tagged, with an approval stage), three
// executions of the first a day apart, each with an action execution per action.
func cpOrg(t *testing.T, e *svcEnv, region string) (execs []string, start time.Time) {
	t.Helper()
	e.srv.Update(func(o *awsemu.Org) {
		for _, k := range []string{awsemu.KindCodePipelinePipeline, awsemu.KindCodePipelinePipelineExecution, awsemu.KindCodePipelineActionExecution} {
			delete(o.Accounts[e.mgmt].Resources, awsemu.ResourceKey{Region: region, Kind: k})
		}
	})
	e.add(t, e.mgmt, region, awsemu.KindCodePipelinePipeline, 3, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("pipe-%d", i)
		r := &awsemu.Resource{ID: name, Name: name, ARN: "arn:aws:codepipeline:" + region + ":" + e.mgmt + ":" + name,
			CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
			Attributes: map[string]any{"Version": int64(3), "PipelineType": "V2",
				"Actions":             []string{"Source/Src/Source/S3/1", "Build/Build/Build/CodeBuild/1", "Deploy/Deploy/Deploy/ECS/1"},
				"Config.Src.S3Bucket": "b", "Config.Build.ProjectName": "proj"}}
		if i == 0 {
			r.Tags = map[string]string{"team": "web"}
			r.Attributes["Actions"] = []string{"Source/Src/Source/S3/1", "Build/Build/Build/CodeBuild/1", "Approval/Ok/Approval/Manual/1", "Deploy/Deploy/Deploy/ECS/1"}
		}
		return r
	})
	start = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		id := fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i)
		execs = append(execs, id)
		at := start.Add(time.Duration(i) * 24 * time.Hour)
		e.add(t, e.mgmt, region, awsemu.KindCodePipelinePipelineExecution, 1, func(int) *awsemu.Resource {
			return &awsemu.Resource{ID: id, Name: id, Parent: "pipe-0", CreatedAt: at,
				Attributes: map[string]any{"Status": "Succeeded", "RevisionId": "0123456789abcdef", "LastUpdateTime": at.Add(10 * time.Minute)}}
		})
		e.add(t, e.mgmt, region, awsemu.KindCodePipelineActionExecution, 4, func(j int) *awsemu.Resource {
			name := []string{"Src", "Build", "Ok", "Deploy"}[j]
			return &awsemu.Resource{ID: fmt.Sprintf("%s-a%d", id, j), Name: name, Parent: id, CreatedAt: at.Add(time.Duration(j) * time.Minute),
				Attributes: map[string]any{"Pipeline": "pipe-0", "StageName": name, "ActionName": name, "Category": "Build", "Provider": "CodeBuild", "Status": "Succeeded"}}
		})
	}
	return execs, start
}

func TestCodePipelinePipelines(t *testing.T) {
	e := svcStart(t)
	region := "us-west-2"
	cpOrg(t, e, region)
	client := codepipeline.NewFromConfig(e.cfg(region))

	var names []string
	pages := 0
	p := codepipeline.NewListPipelinesPaginator(client, &codepipeline.ListPipelinesInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list pipelines: %v", err)
		}
		pages++
		for _, s := range out.Pipelines {
			names = append(names, aws.ToString(s.Name))
			if aws.ToInt32(s.Version) != 3 || s.PipelineType != cptypes.PipelineTypeV2 || s.Created == nil {
				t.Fatalf("summary %+v", s)
			}
		}
	}
	if pages != 2 || fmt.Sprint(names) != "[pipe-0 pipe-1 pipe-2]" {
		t.Fatalf("%d pages: %v", pages, names)
	}
	_, err := client.ListPipelines(e.ctx, &codepipeline.ListPipelinesInput{MaxResults: aws.Int32(1001)})
	svcAPIError(t, err, "ValidationException", 400)

	got, err := client.GetPipeline(e.ctx, &codepipeline.GetPipelineInput{Name: aws.String("pipe-0")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Metadata.PipelineArn) != "arn:aws:codepipeline:"+region+":"+e.mgmt+":pipe-0" || len(got.Pipeline.Stages) != 4 ||
		aws.ToString(got.Pipeline.Stages[2].Name) != "Approval" || got.Pipeline.Stages[0].Actions[0].Configuration["S3Bucket"] != "b" ||
		got.Pipeline.Stages[1].Actions[0].ActionTypeId.Category != cptypes.ActionCategoryBuild ||
		aws.ToString(got.Pipeline.Stages[1].Actions[0].InputArtifacts[0].Name) != "SourceArtifact" || aws.ToInt32(got.Pipeline.Version) != 3 {
		t.Fatalf("pipeline %+v", got.Pipeline)
	}
	_, err = client.GetPipeline(e.ctx, &codepipeline.GetPipelineInput{Name: aws.String("nope")})
	svcAPIError(t, err, "PipelineNotFoundException", 400)

	tags, err := client.ListTagsForResource(e.ctx, &codepipeline.ListTagsForResourceInput{ResourceArn: got.Metadata.PipelineArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Fatalf("tags %+v, %v", tags, err)
	}
	_, err = client.ListTagsForResource(e.ctx, &codepipeline.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:codepipeline:" + region + ":" + e.mgmt + ":gone")})
	svcAPIError(t, err, "ResourceNotFoundException", 400)
}

func TestCodePipelineExecutions(t *testing.T) {
	e := svcStart(t)
	region := "us-west-2"
	execs, start := cpOrg(t, e, region)
	client := codepipeline.NewFromConfig(e.cfg(region))

	var ids []string
	p := codepipeline.NewListPipelineExecutionsPaginator(client, &codepipeline.ListPipelineExecutionsInput{PipelineName: aws.String("pipe-0"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.PipelineExecutionSummaries {
			ids = append(ids, aws.ToString(s.PipelineExecutionId))
			if s.StartTime == nil || s.Status != cptypes.PipelineExecutionStatusSucceeded || len(s.SourceRevisions) != 1 {
				t.Fatalf("summary %+v", s)
			}
		}
	}
	if fmt.Sprint(ids) != fmt.Sprint([]string{execs[2], execs[1], execs[0]}) { // newest first
		t.Fatalf("executions %v", ids)
	}
	ex, err := client.GetPipelineExecution(e.ctx, &codepipeline.GetPipelineExecutionInput{PipelineName: aws.String("pipe-0"), PipelineExecutionId: aws.String(execs[0])})
	if err != nil || aws.ToString(ex.PipelineExecution.PipelineName) != "pipe-0" || aws.ToInt32(ex.PipelineExecution.PipelineVersion) != 3 ||
		len(ex.PipelineExecution.ArtifactRevisions) != 1 {
		t.Fatalf("execution %+v, %v", ex, err)
	}
	_, err = client.GetPipelineExecution(e.ctx, &codepipeline.GetPipelineExecutionInput{PipelineName: aws.String("pipe-0"), PipelineExecutionId: aws.String("nope")})
	svcAPIError(t, err, "PipelineExecutionNotFoundException", 400)
	none, err := client.ListPipelineExecutions(e.ctx, &codepipeline.ListPipelineExecutionsInput{PipelineName: aws.String("pipe-1")})
	if err != nil || len(none.PipelineExecutionSummaries) != 0 {
		t.Fatalf("pipe-1 executions %+v, %v", none, err)
	}

	var acts []cptypes.ActionExecutionDetail
	pa := codepipeline.NewListActionExecutionsPaginator(client, &codepipeline.ListActionExecutionsInput{PipelineName: aws.String("pipe-0"), MaxResults: aws.Int32(5)})
	for pa.HasMorePages() {
		out, err := pa.NextPage(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		acts = append(acts, out.ActionExecutionDetails...)
	}
	if len(acts) != 12 || !acts[0].StartTime.Equal(start.Add(48*time.Hour+3*time.Minute)) || aws.ToString(acts[0].PipelineExecutionId) != execs[2] ||
		acts[0].Input == nil || acts[0].Output == nil || acts[0].Output.ExecutionResult == nil {
		t.Fatalf("%d action executions, first %+v", len(acts), acts[0])
	}
	one, err := client.ListActionExecutions(e.ctx, &codepipeline.ListActionExecutionsInput{PipelineName: aws.String("pipe-0"),
		Filter: &cptypes.ActionExecutionFilter{PipelineExecutionId: aws.String(execs[1])}})
	if err != nil || len(one.ActionExecutionDetails) != 4 {
		t.Fatalf("filtered action executions %+v, %v", one, err)
	}
	_, err = client.ListActionExecutions(e.ctx, &codepipeline.ListActionExecutionsInput{PipelineName: aws.String("gone")})
	svcAPIError(t, err, "PipelineNotFoundException", 400)
}

func TestCodePipelineGeneratedAndFaults(t *testing.T) {
	org := awsemu.Generate(awsemu.Spec{Seed: 5, Accounts: 4, ResourcesPerKind: 3, Regions: []string{"us-east-1"}})
	var pipelines, execs, acts, older, toCodeDeploy int
	for _, a := range org.OrderedAccounts() {
		k := func(kind string) []*awsemu.Resource {
			return a.Resources[awsemu.ResourceKey{Region: "us-east-1", Kind: kind}]
		}
		names := map[string]bool{}
		for _, p := range k(awsemu.KindCodePipelinePipeline) {
			names[p.ID] = true
			if p.AttrString("Config.Deploy.DeploymentGroupName") != "" {
				toCodeDeploy++
			}
		}
		ids := map[string]bool{}
		for _, x := range k(awsemu.KindCodePipelinePipelineExecution) {
			ids[x.ID] = true
			if !names[x.Parent] {
				t.Fatalf("execution %s of an unknown pipeline %s", x.ID, x.Parent)
			}
			if x.CreatedAt.Before(awsemu.DefaultHistoryEnd.Add(-30 * 24 * time.Hour)) {
				older++
			}
		}
		for _, ae := range k(awsemu.KindCodePipelineActionExecution) {
			if !ids[ae.Parent] {
				t.Fatalf("action execution %s of an unknown execution", ae.ID)
			}
		}
		pipelines += len(names)
		execs += len(ids)
		acts += len(k(awsemu.KindCodePipelineActionExecution))
	}
	if pipelines == 0 || execs == 0 || acts == 0 || older == 0 || older == execs || toCodeDeploy == 0 {
		t.Fatalf("%d pipelines (%d deploy with CodeDeploy), %d executions (%d older than 30 days), %d action executions",
			pipelines, toCodeDeploy, execs, older, acts)
	}

	e := svcStart(t)
	e.srv.Faults().Add(awsemu.FaultRule{Service: "codepipeline", Operation: "ListPipelines", Status: 400, Code: "ThrottlingException", Message: "Rate exceeded", Count: 1})
	_, err := codepipeline.NewFromConfig(e.cfg("us-east-1")).ListPipelines(e.ctx, &codepipeline.ListPipelinesInput{})
	svcAPIError(t, err, "ThrottlingException", 400)
	if _, err := codepipeline.NewFromConfig(e.cfg("us-east-1")).ListPipelines(e.ctx, &codepipeline.ListPipelinesInput{}); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
}
