package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// CodePipeline speaks awsJson1_1: POST / with X-Amz-Target
// "CodePipeline_20150709.<Op>", lowerCamel JSON members (tags are
// {"key","value"}), epoch-second timestamps, errors as {"__type","message"}.
//
// Served: ListPipelines (maxResults 1–1000, default 100), GetPipeline,
// ListTagsForResource (pipeline ARNs), ListPipelineExecutions and
// ListActionExecutions (maxResults 1–100, default 100; newest first;
// ListActionExecutions filters by pipelineExecutionId), GetPipelineExecution.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::CodePipeline::Pipeline  ID = Name = pipeline name, ARN arn:P:codepipeline:R:A:NAME;
//	  Version int, PipelineType ("V1"|"V2"), ExecutionMode ("SUPERSEDED"|"QUEUED"|"PARALLEL"),
//	  RoleArn, ArtifactBucket string, Updated time.Time, Actions []string: one
//	  "STAGE/ACTION/CATEGORY/PROVIDER/RUNORDER" per action, in stage order (the stages are
//	  the distinct STAGEs); Config.<ACTION>.<KEY> string: the action's configuration
//	AWS::CodePipeline::PipelineExecution  ID = execution id, Parent = pipeline name,
//	  CreatedAt = startTime; Status string, LastUpdateTime time.Time, TriggerType,
//	  TriggerDetail string, RevisionId string (the source commit), PipelineVersion int
//	AWS::CodePipeline::ActionExecution  ID = action execution id, Parent = pipeline
//	  execution id, CreatedAt = startTime; Pipeline, StageName, ActionName, Category,
//	  Provider, Status string, LastUpdateTime time.Time, PipelineVersion int,
//	  ExternalExecutionId string
//
// Stages and actions (AWS::CodePipeline::Stage, ::Action) are parts of a
// pipeline's declaration, not resources of their own.

// CodePipeline kinds the generator stores.
const (
	KindCodePipelinePipeline          = "AWS::CodePipeline::Pipeline"
	KindCodePipelinePipelineExecution = "AWS::CodePipeline::PipelineExecution"
	KindCodePipelineActionExecution   = "AWS::CodePipeline::ActionExecution"
)

const codepipelineTargetPrefix = "CodePipeline_20150709."

type codepipelineService struct{}

func init() { Register(codepipelineService{}) }

func (codepipelineService) SigningName() string { return "codepipeline" }
func (codepipelineService) Protocol() Protocol  { return ProtocolJSON11 }
func (codepipelineService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (codepipelineService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), codepipelineTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "ListPipelines", "GetPipeline", "ListTagsForResource", "ListPipelineExecutions", "GetPipelineExecution", "ListActionExecutions":
		return op, true
	}
	return op, false
}

func (codepipelineService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListPipelines":
		cpListPipelines(c)
	case "GetPipeline":
		cpGetPipeline(c)
	case "ListTagsForResource":
		cpListTags(c)
	case "ListPipelineExecutions":
		cpListPipelineExecutions(c)
	case "GetPipelineExecution":
		cpGetPipelineExecution(c)
	case "ListActionExecutions":
		cpListActionExecutions(c)
	}
}

func cpInvalid(c *Call, msg string) { c.Error(http.StatusBadRequest, "ValidationException", msg) }

// cpPage pages n items with maxResults in [1, max] (default def).
func cpPage(c *Call, n int, token string, maxResults *int, max, def int) (start, end int, next string, ok bool) {
	size := def
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > max {
			cpInvalid(c, fmt.Sprintf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", *maxResults, max))
			return 0, 0, "", false
		}
		size = *maxResults
	}
	start, end, next, err := Page(n, token, size, def)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidNextTokenException", "The next token was specified in an invalid format. Make sure that the next token you provide is the token returned by a previous call.")
		return 0, 0, "", false
	}
	return start, end, next, true
}

// cpRendered renders the page of rs that token and maxResults (in [1, max],
// default 100) ask for, [] when empty; ok is false when the call has been
// answered with an error.
func cpRendered(c *Call, rs []*Resource, token string, maxResults *int, max int, render func(*Resource) map[string]any) (items []map[string]any, next string, ok bool) {
	start, end, next, ok := cpPage(c, len(rs), token, maxResults, max, 100)
	if !ok {
		return nil, "", false
	}
	items = []map[string]any{}
	for _, r := range rs[start:end] {
		items = append(items, render(r))
	}
	return items, next, true
}

// cpDecodePipeline decodes the request into in and finds the pipeline *name
// (a member of in) names; nil when the call has been answered with an error.
func cpDecodePipeline(c *Call, in any, name *string) *Resource {
	if !svcDecodeJSON(c, in) {
		return nil
	}
	return cpPipeline(c, *name)
}

// cpExecutionNotFound answers that pipeline has no execution id.
func cpExecutionNotFound(c *Call, id, pipeline string) {
	c.Error(http.StatusBadRequest, "PipelineExecutionNotFoundException",
		"Pipeline execution with id '"+id+"' does not exist in pipeline with name '"+pipeline+"'")
}

func cpPipeline(c *Call, name string) *Resource {
	for _, r := range svcResources(c, KindCodePipelinePipeline) {
		if r.ID == name {
			return r
		}
	}
	c.Error(http.StatusBadRequest, "PipelineNotFoundException", "Account '"+c.AccountID+"' does not have a pipeline with name '"+name+"'")
	return nil
}

func cpARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":codepipeline:" + c.Region + ":" + c.AccountID + ":" + r.ID
}

func cpUpdated(r *Resource) time.Time { return svcTime(r, "Updated", svcCreated(r)) }

func cpListPipelines(c *Call) {
	var in struct {
		MaxResults *int   `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	ps := append([]*Resource(nil), svcResources(c, KindCodePipelinePipeline)...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	items, next, ok := cpRendered(c, ps, in.NextToken, in.MaxResults, 1000, func(r *Resource) map[string]any {
		return map[string]any{
			"name": r.ID, "version": svcInt(r, "Version", 1), "pipelineType": svcStr(r, "PipelineType", "V2"),
			"executionMode": svcStr(r, "ExecutionMode", "SUPERSEDED"), "created": ecsEpoch(svcCreated(r)), "updated": ecsEpoch(cpUpdated(r)),
		}
	})
	if !ok {
		return
	}
	c.JSON(struct {
		Pipelines []map[string]any `json:"pipelines"`
		NextToken string           `json:"nextToken,omitempty"`
	}{Pipelines: items, NextToken: next})
}

// cpAction is one action of a pipeline's declaration.
type cpAction struct {
	Stage, Name, Category, Provider string
	RunOrder                        int
}

func cpActions(r *Resource) []cpAction {
	var out []cpAction
	for _, s := range svcStrings(r, "Actions", nil) {
		p := strings.Split(s, "/")
		if len(p) != 5 {
			continue
		}
		order := 1
		fmt.Sscan(p[4], &order)
		out = append(out, cpAction{Stage: p[0], Name: p[1], Category: p[2], Provider: p[3], RunOrder: order})
	}
	return out
}

func cpActionConfig(r *Resource, action string) map[string]string {
	cfg := map[string]string{}
	prefix := "Config." + action + "."
	for k := range r.Attributes {
		if key, ok := strings.CutPrefix(k, prefix); ok {
			cfg[key] = r.AttrString(k)
		}
	}
	return cfg
}

func cpOwner(provider string) string {
	if provider == "Manual" || provider == "CodeStarSourceConnection" || provider == "CodeBuild" || provider == "CodeDeploy" ||
		provider == "ECS" || provider == "CloudFormation" || provider == "S3" || provider == "CodeCommit" {
		return "AWS"
	}
	return "Custom"
}

func cpDeclaration(c *Call, r *Resource) map[string]any {
	var stages []map[string]any
	idx := map[string]int{}
	artifact := map[string]string{"Source": "SourceArtifact", "Build": "BuildArtifact"}
	for _, a := range cpActions(r) {
		i, ok := idx[a.Stage]
		if !ok {
			i = len(stages)
			idx[a.Stage] = i
			stages = append(stages, map[string]any{"name": a.Stage, "actions": []map[string]any{}})
			if a.Stage == "Deploy" && svcStr(r, "PipelineType", "V2") == "V2" {
				stages[i]["onFailure"] = map[string]any{"result": "ROLLBACK"}
			}
		}
		act := map[string]any{
			"name":            a.Name,
			"actionTypeId":    map[string]any{"category": a.Category, "owner": cpOwner(a.Provider), "provider": a.Provider, "version": "1"},
			"runOrder":        a.RunOrder,
			"configuration":   cpActionConfig(r, a.Name),
			"outputArtifacts": []map[string]any{},
			"inputArtifacts":  []map[string]any{},
			"region":          c.Region,
		}
		switch a.Category {
		case "Source":
			act["outputArtifacts"] = []map[string]any{{"name": artifact["Source"]}}
			act["namespace"] = "SourceVariables"
		case "Build":
			act["inputArtifacts"] = []map[string]any{{"name": artifact["Source"]}}
			act["outputArtifacts"] = []map[string]any{{"name": artifact["Build"]}}
			act["namespace"] = "BuildVariables"
		case "Deploy", "Test":
			act["inputArtifacts"] = []map[string]any{{"name": artifact["Build"]}}
		case "Approval":
			delete(act, "configuration")
			act["timeoutInMinutes"] = 1440
		}
		stages[i]["actions"] = append(stages[i]["actions"].([]map[string]any), act)
	}
	if stages == nil {
		stages = []map[string]any{}
	}
	d := map[string]any{
		"name":          r.ID,
		"roleArn":       svcStr(r, "RoleArn", "arn:"+svcPartition(c)+":iam::"+c.AccountID+":role/service-role/AWSCodePipelineServiceRole-"+c.Region+"-"+r.ID),
		"artifactStore": map[string]any{"type": "S3", "location": svcStr(r, "ArtifactBucket", "codepipeline-"+c.Region+"-"+c.AccountID)},
		"stages":        stages,
		"version":       svcInt(r, "Version", 1),
		"executionMode": svcStr(r, "ExecutionMode", "SUPERSEDED"),
		"pipelineType":  svcStr(r, "PipelineType", "V2"),
	}
	if d["pipelineType"] == "V2" {
		d["variables"] = []map[string]any{{"name": "DeployEnv", "defaultValue": "prod", "description": "Target environment"}}
	}
	return d
}

func cpGetPipeline(c *Call) {
	var in struct {
		Name    string `json:"name"`
		Version *int   `json:"version"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	r := cpPipeline(c, in.Name)
	if r == nil {
		return
	}
	if in.Version != nil && int64(*in.Version) != svcInt(r, "Version", 1) {
		c.Error(http.StatusBadRequest, "PipelineVersionNotFoundException", fmt.Sprintf("Pipeline '%s' does not have version %d", in.Name, *in.Version))
		return
	}
	c.JSON(map[string]any{
		"pipeline": cpDeclaration(c, r),
		"metadata": map[string]any{"pipelineArn": cpARN(c, r), "created": ecsEpoch(svcCreated(r)), "updated": ecsEpoch(cpUpdated(r))},
	})
}

func cpListTags(c *Call) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
		MaxResults  *int   `json:"maxResults"`
		NextToken   string `json:"nextToken"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	parts := strings.SplitN(in.ResourceArn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "codepipeline" {
		c.Error(http.StatusBadRequest, "InvalidArnException", "The specified resource ARN is not valid: "+in.ResourceArn)
		return
	}
	if parts[4] != c.AccountID {
		c.Error(http.StatusBadRequest, "AccessDeniedException", "User: "+c.Principal+" is not authorized to perform: codepipeline:ListTagsForResource on resource: "+in.ResourceArn)
		return
	}
	var r *Resource
	if parts[3] == c.Region {
		for _, p := range svcResources(c, KindCodePipelinePipeline) {
			if p.ID == parts[5] {
				r = p
			}
		}
	}
	if r == nil {
		c.Error(http.StatusBadRequest, "ResourceNotFoundException", "The resource with the ARN "+in.ResourceArn+" cannot be found.")
		return
	}
	tags := svcSortedTags(r.Tags)
	start, end, next, ok := cpPage(c, len(tags), in.NextToken, in.MaxResults, 100, 100)
	if !ok {
		return
	}
	out := map[string]any{"tags": []map[string]string{}}
	list := []map[string]string{}
	for _, t := range tags[start:end] {
		list = append(list, map[string]string{"key": t.Key, "value": t.Value})
	}
	out["tags"] = list
	if next != "" {
		out["nextToken"] = next
	}
	c.JSON(out)
}

// cpNewestFirst orders history records by start time, newest first.
func cpNewestFirst(rs []*Resource) {
	sort.SliceStable(rs, func(i, j int) bool {
		if !rs[i].CreatedAt.Equal(rs[j].CreatedAt) {
			return rs[i].CreatedAt.After(rs[j].CreatedAt)
		}
		return rs[i].ID < rs[j].ID
	})
}

func cpExecutionsOf(c *Call, pipeline string) []*Resource {
	var out []*Resource
	for _, r := range svcResources(c, KindCodePipelinePipelineExecution) {
		if r.Parent == pipeline {
			out = append(out, r)
		}
	}
	cpNewestFirst(out)
	return out
}

func cpTrigger(e *Resource) map[string]any {
	return map[string]any{"triggerType": svcStr(e, "TriggerType", "StartPipelineExecution"),
		"triggerDetail": svcStr(e, "TriggerDetail", "arn:aws:sts::000000000000:assumed-role/Admin/user")}
}

func cpSummary(e *Resource, p *Resource) map[string]any {
	m := map[string]any{
		"pipelineExecutionId": e.ID,
		"status":              svcStr(e, "Status", "Succeeded"),
		"startTime":           ecsEpoch(svcCreated(e)),
		"lastUpdateTime":      ecsEpoch(svcTime(e, "LastUpdateTime", svcCreated(e))),
		"trigger":             cpTrigger(e),
		"executionMode":       svcStr(p, "ExecutionMode", "SUPERSEDED"),
		"executionType":       "STANDARD",
		"sourceRevisions":     []map[string]any{},
	}
	if rev := svcStr(e, "RevisionId", ""); rev != "" {
		m["sourceRevisions"] = []map[string]any{{"actionName": "Source", "revisionId": rev,
			"revisionSummary": `{"ProviderType":"GitHub","CommitMessage":"Release ` + rev[:7] + `"}`}}
	}
	if m["status"] == "Stopped" {
		m["stopTrigger"] = map[string]any{"reason": "Stopped by user"}
	}
	return m
}

func cpListPipelineExecutions(c *Call) {
	var in struct {
		PipelineName string `json:"pipelineName"`
		MaxResults   *int   `json:"maxResults"`
		NextToken    string `json:"nextToken"`
	}
	p := cpDecodePipeline(c, &in, &in.PipelineName)
	if p == nil {
		return
	}
	items, next, ok := cpRendered(c, cpExecutionsOf(c, p.ID), in.NextToken, in.MaxResults, 100,
		func(e *Resource) map[string]any { return cpSummary(e, p) })
	if !ok {
		return
	}
	c.JSON(struct {
		Summaries []map[string]any `json:"pipelineExecutionSummaries"`
		NextToken string           `json:"nextToken,omitempty"`
	}{Summaries: items, NextToken: next})
}

func cpGetPipelineExecution(c *Call) {
	var in struct {
		PipelineName        string `json:"pipelineName"`
		PipelineExecutionID string `json:"pipelineExecutionId"`
	}
	p := cpDecodePipeline(c, &in, &in.PipelineName)
	if p == nil {
		return
	}
	var e *Resource
	for _, r := range cpExecutionsOf(c, p.ID) {
		if r.ID == in.PipelineExecutionID {
			e = r
		}
	}
	if e == nil {
		cpExecutionNotFound(c, in.PipelineExecutionID, p.ID)
		return
	}
	m := map[string]any{
		"pipelineName":        p.ID,
		"pipelineVersion":     svcInt(e, "PipelineVersion", svcInt(p, "Version", 1)),
		"pipelineExecutionId": e.ID,
		"status":              svcStr(e, "Status", "Succeeded"),
		"trigger":             cpTrigger(e),
		"executionMode":       svcStr(p, "ExecutionMode", "SUPERSEDED"),
		"executionType":       "STANDARD",
		"artifactRevisions":   []map[string]any{},
	}
	if rev := svcStr(e, "RevisionId", ""); rev != "" {
		m["artifactRevisions"] = []map[string]any{{"name": "SourceArtifact", "revisionId": rev,
			"revisionSummary": "Release " + rev[:7], "created": ecsEpoch(svcCreated(e))}}
	}
	if svcStr(p, "PipelineType", "V2") == "V2" {
		m["variables"] = []map[string]any{{"name": "DeployEnv", "resolvedValue": "prod"}}
	}
	if st := svcStr(e, "Status", "Succeeded"); st == "Failed" {
		m["statusSummary"] = "Action Build failed"
	}
	c.JSON(map[string]any{"pipelineExecution": m})
}

func cpListActionExecutions(c *Call) {
	var in struct {
		PipelineName string `json:"pipelineName"`
		Filter       *struct {
			PipelineExecutionID string `json:"pipelineExecutionId"`
		} `json:"filter"`
		MaxResults *int   `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	p := cpDecodePipeline(c, &in, &in.PipelineName)
	if p == nil {
		return
	}
	execs := map[string]bool{}
	for _, e := range cpExecutionsOf(c, p.ID) {
		execs[e.ID] = true
	}
	if in.Filter != nil && in.Filter.PipelineExecutionID != "" && !execs[in.Filter.PipelineExecutionID] {
		cpExecutionNotFound(c, in.Filter.PipelineExecutionID, p.ID)
		return
	}
	var acts []*Resource
	for _, a := range svcResources(c, KindCodePipelineActionExecution) {
		if execs[a.Parent] && (in.Filter == nil || in.Filter.PipelineExecutionID == "" || a.Parent == in.Filter.PipelineExecutionID) {
			acts = append(acts, a)
		}
	}
	cpNewestFirst(acts)
	items, next, ok := cpRendered(c, acts, in.NextToken, in.MaxResults, 100,
		func(a *Resource) map[string]any { return cpRenderActionExecution(c, p, a) })
	if !ok {
		return
	}
	c.JSON(struct {
		Details   []map[string]any `json:"actionExecutionDetails"`
		NextToken string           `json:"nextToken,omitempty"`
	}{Details: items, NextToken: next})
}

func cpRenderActionExecution(c *Call, p, a *Resource) map[string]any {
	name := svcStr(a, "ActionName", "Source")
	provider := svcStr(a, "Provider", "CodeBuild")
	input := map[string]any{
		"actionTypeId":          map[string]any{"category": svcStr(a, "Category", "Build"), "owner": cpOwner(provider), "provider": provider, "version": "1"},
		"configuration":         cpActionConfig(p, name),
		"resolvedConfiguration": cpActionConfig(p, name),
		"region":                c.Region,
		"inputArtifacts":        []map[string]any{},
	}
	bucket := svcStr(p, "ArtifactBucket", "codepipeline-"+c.Region+"-"+c.AccountID)
	output := map[string]any{"outputArtifacts": []map[string]any{}, "outputVariables": map[string]string{}}
	status := svcStr(a, "Status", "Succeeded")
	if status != "InProgress" {
		res := map[string]any{"externalExecutionId": svcStr(a, "ExternalExecutionId", a.ID), "externalExecutionSummary": status}
		if status == "Failed" {
			res["errorDetails"] = map[string]any{"code": "JobFailed", "message": "Build terminated with state: FAILED"}
		}
		output["executionResult"] = res
	}
	if svcStr(a, "Category", "Build") == "Source" {
		output["outputArtifacts"] = []map[string]any{{"name": "SourceArtifact",
			"s3location": map[string]any{"bucket": bucket, "key": p.ID + "/SourceArti/" + svcHex(7, a.ID)}}}
		output["outputVariables"] = map[string]string{"CommitId": svcHex(40, a.Parent)}
	}
	return map[string]any{
		"pipelineExecutionId": a.Parent,
		"actionExecutionId":   a.ID,
		"pipelineVersion":     svcInt(a, "PipelineVersion", svcInt(p, "Version", 1)),
		"stageName":           svcStr(a, "StageName", "Source"),
		"actionName":          name,
		"startTime":           ecsEpoch(svcCreated(a)),
		"lastUpdateTime":      ecsEpoch(svcTime(a, "LastUpdateTime", svcCreated(a))),
		"updatedBy":           "arn:" + svcPartition(c) + ":iam::" + c.AccountID + ":role/service-role/codepipeline",
		"status":              status,
		"input":               input,
		"output":              output,
	}
}

// ---- generation

// genCodePipeline: pipelines of 3–4 stages, 0–4 executions each spread over
// the 90 days before HistoryEnd, and an action execution per action run.
func (g *generator) genCodePipeline(a *Account, region string) {
	rng := g.sideRNG(a, region, KindCodePipelinePipeline)
	n := g.sideCount(rng)
	if n == 0 {
		return
	}
	end := g.historyEnd()
	pkey := ResourceKey{Region: region, Kind: KindCodePipelinePipeline}
	ekey := ResourceKey{Region: region, Kind: KindCodePipelinePipelineExecution}
	akey := ResourceKey{Region: region, Kind: KindCodePipelineActionExecution}
	var cdGroups []*Resource
	cdGroups = append(cdGroups, a.Resources[ResourceKey{Region: region, Kind: KindCodeDeployDeploymentGroup}]...)
	for i := 0; i < n; i++ {
		team, word := genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))]
		name := fmt.Sprintf("%s-%s-pipeline-%d", team, word, i+1)
		version := int64(1 + rng.IntN(12))
		attrs := map[string]any{
			"Version":        version,
			"PipelineType":   []string{"V2", "V2", "V1"}[rng.IntN(3)],
			"ExecutionMode":  []string{"SUPERSEDED", "QUEUED"}[rng.IntN(2)],
			"ArtifactBucket": "codepipeline-" + region + "-" + a.ID,
		}
		actions := []string{}
		if rng.IntN(3) == 0 {
			actions = append(actions, "Source/Source/Source/S3/1")
			attrs["Config.Source.S3Bucket"], attrs["Config.Source.S3ObjectKey"] = "releases-"+a.ID, name+"/source.zip"
		} else {
			actions = append(actions, "Source/Source/Source/CodeStarSourceConnection/1")
			attrs["Config.Source.ConnectionArn"] = g.arn("codestar-connections", region, a.ID, "connection/"+svcUUID(a.ID, region, "conn"))
			attrs["Config.Source.FullRepositoryId"] = "example-org/" + team + "-" + word
			attrs["Config.Source.BranchName"] = "main"
		}
		actions = append(actions, "Build/Build/Build/CodeBuild/1")
		attrs["Config.Build.ProjectName"] = team + "-" + word + "-build"
		if rng.IntN(2) == 0 {
			actions = append(actions, "Approval/Approve/Approval/Manual/1")
		}
		switch {
		case len(cdGroups) > 0 && rng.IntN(2) == 0:
			grp := cdGroups[rng.IntN(len(cdGroups))]
			actions = append(actions, "Deploy/Deploy/Deploy/CodeDeploy/1")
			attrs["Config.Deploy.ApplicationName"], attrs["Config.Deploy.DeploymentGroupName"] = grp.Parent, grp.Name
		case rng.IntN(2) == 0:
			actions = append(actions, "Deploy/Deploy/Deploy/ECS/1")
			attrs["Config.Deploy.ClusterName"], attrs["Config.Deploy.ServiceName"] = a.Tags["env"]+"-cluster", word+"-svc"
		default:
			actions = append(actions, "Deploy/Deploy/Deploy/CloudFormation/1")
			attrs["Config.Deploy.ActionMode"], attrs["Config.Deploy.StackName"] = "CREATE_UPDATE", team+"-"+word
		}
		if rng.IntN(3) == 0 {
			actions = append(actions, "Deploy/SmokeTest/Test/CodeBuild/2")
			attrs["Config.SmokeTest.ProjectName"] = team + "-" + word + "-smoke"
		}
		attrs["Actions"] = actions
		created := a.JoinedAt.Add(time.Duration(rng.Int64N(300*24*3600)) * time.Second)
		attrs["Updated"] = created.Add(time.Duration(version) * 72 * time.Hour)
		tags := map[string]string{"Name": name, "env": a.Tags["env"], "team": team}
		if rng.IntN(3) == 0 {
			tags = map[string]string{}
		}
		p := &Resource{ID: name, Name: name, ARN: g.arn("codepipeline", region, a.ID, name), CreatedAt: created, Tags: tags, Attributes: attrs}
		a.Resources[pkey] = append(a.Resources[pkey], p)

		for k, runs := 0, rng.IntN(5); k < runs; k++ {
			start := end.Add(-time.Duration(rng.Int64N(90*24*3600)) * time.Second)
			id := svcUUID(a.ID, region, name, fmt.Sprint("exec", k))
			status := []string{"Succeeded", "Succeeded", "Succeeded", "Failed", "Stopped", "Superseded", "InProgress"}[rng.IntN(7)]
			eattrs := map[string]any{"Status": status, "PipelineVersion": version,
				"TriggerType": []string{"Webhook", "StartPipelineExecution", "CloudWatchEvent"}[rng.IntN(3)],
				"RevisionId":  svcHex(40, a.ID, region, name, fmt.Sprint("rev", k))}
			step := time.Duration(60+rng.IntN(240)) * time.Second
			at := start
			for j, s := range actions {
				parts := strings.Split(s, "/")
				// A run that did not succeed ends at the build: the source
				// succeeded, the build failed, runs on or was abandoned, and
				// nothing after it ran (a superseded run stops after the source).
				astatus := "Succeeded"
				if status != "Succeeded" && j > 0 {
					if j > 1 || status == "Superseded" {
						break
					}
					astatus = map[string]string{"Failed": "Failed", "InProgress": "InProgress", "Stopped": "Abandoned"}[status]
				}
				aid := svcUUID(id, parts[1])
				a.Resources[akey] = append(a.Resources[akey], &Resource{ID: aid, Name: parts[1], Parent: id, CreatedAt: at,
					Attributes: map[string]any{"Pipeline": name, "StageName": parts[0], "ActionName": parts[1], "Category": parts[2],
						"Provider": parts[3], "Status": astatus, "LastUpdateTime": at.Add(step), "PipelineVersion": version,
						"ExternalExecutionId": svcUUID(aid, "external")}})
				at = at.Add(step + time.Second)
			}
			eattrs["LastUpdateTime"] = at
			a.Resources[ekey] = append(a.Resources[ekey], &Resource{ID: id, Name: id, Parent: name, CreatedAt: start, Attributes: eattrs})
		}
	}
}
