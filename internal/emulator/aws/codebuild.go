package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// CodeBuild speaks awsJson1_1: POST / with X-Amz-Target
// "CodeBuild_20161006.<Op>", camelCase members, timestamps epoch seconds.
//
//	ListProjects      names, 100 a page (no page size parameter), sortBy NAME
//	                  (default) | CREATED_TIME | LAST_MODIFIED_TIME, sortOrder
//	BatchGetProjects  names or ARNs (1–100); unknown ones in projectsNotFound
//	ListBuilds        build ids, 100 a page, newest first unless sortOrder ASCENDING
//	BatchGetBuilds    ids (1–100); unknown ones in buildsNotFound
//
// A bad nextToken or batch answers InvalidInputException.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::CodeBuild::Project  ID = Name = project name, ARN arn:P:codebuild:R:A:project/NAME;
//	  Description string, SourceType string ("GITHUB"|"CODECOMMIT"|"S3"|"NO_SOURCE"),
//	  Image string, ComputeType string, ArtifactsType string ("NO_ARTIFACTS"|"S3"),
//	  VpcId string (absent: no vpcConfig), Webhook bool, ConcurrentBuildLimit int,
//	  LastModified time.Time
//	AWS::CodeBuild::BuildRun  ID = "PROJECT:UUID", ARN arn:P:codebuild:R:A:build/ID,
//	  CreatedAt = start time; ProjectName string, BuildNumber int, BuildStatus string
//	  ("SUCCEEDED"|"FAILED"|"FAULT"|"STOPPED"|"IN_PROGRESS"), DurationSeconds int,
//	  SourceVersion string, Initiator string

// The CodeBuild kinds.
const (
	KindCodeBuildProject  = "AWS::CodeBuild::Project"
	KindCodeBuildBuildRun = "AWS::CodeBuild::BuildRun"
)

const codebuildTargetPrefix = "CodeBuild_20161006."

type codebuildService struct{}

func init() { Register(codebuildService{}) }

func (codebuildService) SigningName() string { return "codebuild" }
func (codebuildService) Protocol() Protocol  { return ProtocolJSON11 }
func (codebuildService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (codebuildService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), codebuildTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "ListProjects", "BatchGetProjects", "ListBuilds", "BatchGetBuilds":
		return op, true
	}
	return op, false
}

func (codebuildService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListProjects":
		codebuildListProjects(c)
	case "BatchGetProjects":
		codebuildBatchGetProjects(c)
	case "ListBuilds":
		codebuildListBuilds(c)
	case "BatchGetBuilds":
		codebuildBatchGetBuilds(c)
	}
}

const codebuildPage = 100

func codebuildListProjects(c *Call) {
	var in struct {
		SortBy    string `json:"sortBy"`
		SortOrder string `json:"sortOrder"`
		NextToken string `json:"nextToken"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		c.Error(http.StatusBadRequest, "InvalidInputException", "Invalid request body")
		return
	}
	ps := append([]*Resource(nil), svcResources(c, KindCodeBuildProject)...)
	key := func(r *Resource) string { return r.ID }
	switch in.SortBy {
	case "", "NAME":
	case "CREATED_TIME":
		key = func(r *Resource) string { return svcCreated(r).UTC().Format(time.RFC3339Nano) + r.ID }
	case "LAST_MODIFIED_TIME":
		key = func(r *Resource) string { return codebuildModified(r).UTC().Format(time.RFC3339Nano) + r.ID }
	default:
		c.Error(http.StatusBadRequest, "InvalidInputException", "1 validation error detected: Value '"+in.SortBy+"' at 'sortBy' failed to satisfy constraint")
		return
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if in.SortOrder == "DESCENDING" {
			return key(ps[i]) > key(ps[j])
		}
		return key(ps[i]) < key(ps[j])
	})
	start, end, next, err := Page(len(ps), in.NextToken, codebuildPage, codebuildPage)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidInputException", "Invalid next token")
		return
	}
	out := map[string]any{"projects": []string{}}
	names := []string{}
	for _, r := range ps[start:end] {
		names = append(names, r.ID)
	}
	out["projects"] = names
	if next != "" {
		out["nextToken"] = next
	}
	c.JSON(out)
}

// codebuildBatch reads a batch of 1–100 names or ids; it answers the error
// itself and returns ok=false.
func codebuildBatch(c *Call, member string) ([]string, bool) {
	var in map[string][]string
	if err := c.DecodeJSON(&in); err != nil || len(in[member]) == 0 {
		c.Error(http.StatusBadRequest, "InvalidInputException", "1 validation error detected: Value null at '"+member+"' failed to satisfy constraint: Member must not be null")
		return nil, false
	}
	if len(in[member]) > 100 {
		c.Error(http.StatusBadRequest, "InvalidInputException", "1 validation error detected: Value at '"+member+"' failed to satisfy constraint: Member must have length less than or equal to 100")
		return nil, false
	}
	return in[member], true
}

func codebuildARN(c *Call, r *Resource, kind string) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":codebuild:" + c.Region + ":" + c.AccountID + ":" + kind + "/" + r.ID
}

func codebuildModified(r *Resource) time.Time { return svcTime(r, "LastModified", svcCreated(r)) }

func codebuildBatchGetProjects(c *Call) {
	names, ok := codebuildBatch(c, "names")
	if !ok {
		return
	}
	out := map[string]any{"projects": []any{}, "projectsNotFound": []string{}}
	var found []any
	var missing []string
	for _, n := range names {
		var hit *Resource
		for _, r := range svcResources(c, KindCodeBuildProject) {
			if r.ID == n || codebuildARN(c, r, "project") == n {
				hit = r
				break
			}
		}
		if hit == nil {
			missing = append(missing, n)
			continue
		}
		found = append(found, codebuildProject(c, hit))
	}
	if found != nil {
		out["projects"] = found
	}
	if missing != nil {
		out["projectsNotFound"] = missing
	}
	c.JSON(out)
}

func codebuildTags(r *Resource) []any {
	tags := []any{}
	for _, t := range svcSortedTags(r.Tags) {
		tags = append(tags, map[string]string{"key": t.Key, "value": t.Value})
	}
	return tags
}

func codebuildSource(c *Call, p *Resource) map[string]any {
	typ := svcStr(p, "SourceType", "GITHUB")
	src := map[string]any{"type": typ, "insecureSsl": false}
	switch typ {
	case "GITHUB":
		src["location"] = "https://github.com/example-org/" + p.ID + ".git"
		src["gitCloneDepth"] = 1
		src["reportBuildStatus"] = true
		src["gitSubmodulesConfig"] = map[string]any{"fetchSubmodules": false}
	case "CODECOMMIT":
		src["location"] = "https://git-codecommit." + c.Region + ".amazonaws.com/v1/repos/" + p.ID
		src["gitCloneDepth"] = 1
		src["gitSubmodulesConfig"] = map[string]any{"fetchSubmodules": false}
	case "S3":
		src["location"] = "codebuild-sources-" + c.AccountID + "/" + p.ID + ".zip"
	}
	if typ != "NO_SOURCE" {
		src["buildspec"] = "buildspec.yml"
	} else {
		src["buildspec"] = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo build\n"
	}
	return src
}

func codebuildEnvironment(p *Resource) map[string]any {
	return map[string]any{
		"type":                     "LINUX_CONTAINER",
		"image":                    svcStr(p, "Image", "aws/codebuild/standard:7.0"),
		"computeType":              svcStr(p, "ComputeType", "BUILD_GENERAL1_SMALL"),
		"environmentVariables":     []any{map[string]any{"name": "STAGE", "value": "build", "type": "PLAINTEXT"}},
		"privilegedMode":           false,
		"imagePullCredentialsType": "CODEBUILD",
	}
}

func codebuildProject(c *Call, p *Resource) map[string]any {
	arn := codebuildARN(c, p, "project")
	part := svcPartition(c)
	out := map[string]any{
		"name":                    p.ID,
		"arn":                     arn,
		"source":                  codebuildSource(c, p),
		"secondarySources":        []any{},
		"secondarySourceVersions": []any{},
		"artifacts":               map[string]any{"type": svcStr(p, "ArtifactsType", "NO_ARTIFACTS")},
		"secondaryArtifacts":      []any{},
		"cache":                   map[string]any{"type": "NO_CACHE"},
		"environment":             codebuildEnvironment(p),
		"serviceRole":             "arn:" + part + ":iam::" + c.AccountID + ":role/service-role/codebuild-" + p.ID + "-service-role",
		"timeoutInMinutes":        60,
		"queuedTimeoutInMinutes":  480,
		"encryptionKey":           "arn:" + part + ":kms:" + c.Region + ":" + c.AccountID + ":alias/aws/s3",
		"tags":                    codebuildTags(p),
		"created":                 float64(svcCreated(p).Unix()),
		"lastModified":            float64(codebuildModified(p).Unix()),
		"badge":                   map[string]any{"badgeEnabled": false},
		"logsConfig": map[string]any{
			"cloudWatchLogs": map[string]any{"status": "ENABLED"},
			"s3Logs":         map[string]any{"status": "DISABLED", "encryptionDisabled": false},
		},
		"projectVisibility": "PRIVATE",
	}
	if out["artifacts"].(map[string]any)["type"] == "S3" {
		out["artifacts"] = map[string]any{"type": "S3", "location": "codebuild-artifacts-" + c.AccountID, "name": p.ID,
			"packaging": "ZIP", "namespaceType": "BUILD_ID", "encryptionDisabled": false, "overrideArtifactName": false}
	}
	if d := svcStr(p, "Description", ""); d != "" {
		out["description"] = d
	}
	if vpc := svcStr(p, "VpcId", ""); vpc != "" {
		out["vpcConfig"] = map[string]any{"vpcId": vpc, "subnets": []string{"subnet-" + svcHex(17, arn, "subnet")},
			"securityGroupIds": []string{"sg-" + svcHex(17, arn, "sg")}}
	}
	if svcBool(p, "Webhook", false) {
		out["webhook"] = map[string]any{"url": "https://codebuild." + c.Region + ".amazonaws.com/webhooks?t=" + svcHex(24, arn, "hook"),
			"buildType": "BUILD", "filterGroups": []any{[]any{map[string]any{"type": "EVENT", "pattern": "PUSH", "excludeMatchedPattern": false}}},
			"lastModifiedSecret": float64(svcCreated(p).Unix())}
	}
	if n := svcInt(p, "ConcurrentBuildLimit", 0); n > 0 {
		out["concurrentBuildLimit"] = n
	}
	return out
}

// codebuildBuilds lists the region's builds newest first (by start time).
func codebuildBuilds(c *Call) []*Resource {
	bs := append([]*Resource(nil), svcResources(c, KindCodeBuildBuildRun)...)
	sort.SliceStable(bs, func(i, j int) bool {
		ti, tj := svcCreated(bs[i]), svcCreated(bs[j])
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return bs[i].ID > bs[j].ID
	})
	return bs
}

func codebuildListBuilds(c *Call) {
	var in struct {
		SortOrder string `json:"sortOrder"`
		NextToken string `json:"nextToken"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		c.Error(http.StatusBadRequest, "InvalidInputException", "Invalid request body")
		return
	}
	bs := codebuildBuilds(c)
	if in.SortOrder == "ASCENDING" {
		for i, j := 0, len(bs)-1; i < j; i, j = i+1, j-1 {
			bs[i], bs[j] = bs[j], bs[i]
		}
	}
	start, end, next, err := Page(len(bs), in.NextToken, codebuildPage, codebuildPage)
	if err != nil {
		c.Error(http.StatusBadRequest, "InvalidInputException", "Invalid next token")
		return
	}
	ids := []string{}
	for _, r := range bs[start:end] {
		ids = append(ids, r.ID)
	}
	out := map[string]any{"ids": ids}
	if next != "" {
		out["nextToken"] = next
	}
	c.JSON(out)
}

func codebuildBatchGetBuilds(c *Call) {
	ids, ok := codebuildBatch(c, "ids")
	if !ok {
		return
	}
	byID := map[string]*Resource{}
	for _, r := range svcResources(c, KindCodeBuildBuildRun) {
		byID[r.ID] = r
		byID[codebuildARN(c, r, "build")] = r
	}
	projects := map[string]*Resource{}
	for _, p := range svcResources(c, KindCodeBuildProject) {
		projects[p.ID] = p
	}
	out := map[string]any{"builds": []any{}, "buildsNotFound": []string{}}
	var found []any
	var missing []string
	for _, id := range ids {
		b := byID[id]
		if b == nil {
			missing = append(missing, id)
			continue
		}
		found = append(found, codebuildBuild(c, b, projects[svcStr(b, "ProjectName", "")]))
	}
	if found != nil {
		out["builds"] = found
	}
	if missing != nil {
		out["buildsNotFound"] = missing
	}
	c.JSON(out)
}

func codebuildBuild(c *Call, b *Resource, p *Resource) map[string]any {
	project := svcStr(b, "ProjectName", strings.SplitN(b.ID, ":", 2)[0])
	if p == nil { // the project was deleted since: the build remains
		p = &Resource{ID: project, Name: project}
	}
	arn := codebuildARN(c, b, "build")
	part := svcPartition(c)
	status := svcStr(b, "BuildStatus", "SUCCEEDED")
	start := svcCreated(b)
	done := status != "IN_PROGRESS"
	end := start.Add(time.Duration(svcInt(b, "DurationSeconds", 120)) * time.Second)
	stream := b.ID[strings.LastIndex(b.ID, ":")+1:]
	group := "/aws/codebuild/" + project
	phaseNames := []string{"SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"}
	// Every phase ends before the next starts; the last one (COMPLETED, or
	// BUILD while running) has a start only, as AWS reports them.
	last := len(phaseNames) - 1
	if !done {
		last = 6
	}
	step := end.Sub(start) / time.Duration(len(phaseNames)-1)
	var phases []any
	for i := 0; i <= last; i++ {
		t := start.Add(time.Duration(i) * step)
		ph := map[string]any{"phaseType": phaseNames[i], "startTime": float64(t.Unix())}
		if i < last {
			phStatus := "SUCCEEDED"
			if phaseNames[i] == "BUILD" && status != "SUCCEEDED" {
				phStatus = status
			}
			ph["phaseStatus"] = phStatus
			ph["endTime"] = float64(t.Add(step).Unix())
			ph["durationInSeconds"] = int64(step / time.Second)
		}
		phases = append(phases, ph)
	}
	out := map[string]any{
		"id":                      b.ID,
		"arn":                     arn,
		"buildNumber":             svcInt(b, "BuildNumber", 1),
		"startTime":               float64(start.Unix()),
		"currentPhase":            map[bool]string{true: "COMPLETED", false: "BUILD"}[done],
		"buildStatus":             status,
		"projectName":             project,
		"phases":                  phases,
		"source":                  codebuildSource(c, p),
		"secondarySources":        []any{},
		"secondarySourceVersions": []any{},
		"artifacts":               map[string]any{"location": ""},
		"secondaryArtifacts":      []any{},
		"cache":                   map[string]any{"type": "NO_CACHE"},
		"environment":             codebuildEnvironment(p),
		"serviceRole":             "arn:" + part + ":iam::" + c.AccountID + ":role/service-role/codebuild-" + project + "-service-role",
		"logs": map[string]any{
			"groupName":         group,
			"streamName":        stream,
			"deepLink":          "https://console.aws.amazon.com/cloudwatch/home?region=" + c.Region + "#logsV2:log-groups/log-group/" + group + "/log-events/" + stream,
			"cloudWatchLogsArn": "arn:" + part + ":logs:" + c.Region + ":" + c.AccountID + ":log-group:" + group + ":log-stream:" + stream,
			"cloudWatchLogs":    map[string]any{"status": "ENABLED"},
			"s3Logs":            map[string]any{"status": "DISABLED", "encryptionDisabled": false},
		},
		"timeoutInMinutes":       60,
		"queuedTimeoutInMinutes": 480,
		"buildComplete":          done,
		"initiator":              svcStr(b, "Initiator", "user"),
		"encryptionKey":          "arn:" + part + ":kms:" + c.Region + ":" + c.AccountID + ":alias/aws/s3",
		"fileSystemLocations":    []any{},
	}
	if done {
		out["endTime"] = float64(end.Unix())
	}
	if v := svcStr(b, "SourceVersion", ""); v != "" {
		out["sourceVersion"] = v
		out["resolvedSourceVersion"] = svcHex(40, arn, "commit")
	}
	return out
}

// genCodeBuild generates projects and, for most of them, a history of builds
// (some still running, some failed), each kind from a side stream.
func (g *generator) genCodeBuild(a *Account, region string) {
	if g.spec.ResourcesPerKind <= 0 {
		return
	}
	rng := g.sideRNG(a, region, KindCodeBuildProject)
	var projects []*Resource
	for i, n := 0, g.sideCount(rng); i < n; i++ {
		name := fmt.Sprintf("%s-%s-build-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		created := a.JoinedAt.Add(time.Duration(rng.Int64N(300*24*3600)) * time.Second)
		attrs := map[string]any{
			"SourceType":   []string{"GITHUB", "GITHUB", "CODECOMMIT", "S3", "NO_SOURCE"}[rng.IntN(5)],
			"Image":        []string{"aws/codebuild/standard:7.0", "aws/codebuild/amazonlinux2-x86_64-standard:5.0", "aws/codebuild/amazonlinux2-aarch64-standard:3.0"}[rng.IntN(3)],
			"ComputeType":  []string{"BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"}[rng.IntN(3)],
			"LastModified": created.Add(time.Duration(rng.Int64N(60*24*3600)) * time.Second),
		}
		if rng.IntN(2) == 0 {
			attrs["Description"] = "Builds " + name
		}
		if rng.IntN(3) == 0 {
			attrs["ArtifactsType"] = "S3"
		}
		if rng.IntN(3) == 0 {
			attrs["VpcId"] = fmt.Sprintf("vpc-%017x", uint64(svcHash(a.ID, region, name, "vpc")))
		}
		if attrs["SourceType"] == "GITHUB" && rng.IntN(2) == 0 {
			attrs["Webhook"] = true
		}
		if rng.IntN(4) == 0 {
			attrs["ConcurrentBuildLimit"] = int64(1 + rng.IntN(5))
		}
		tags := sideTags(rng, a, 4)
		projects = append(projects, &Resource{ID: name, Name: name, ARN: g.arn("codebuild", region, a.ID, "project/"+name),
			CreatedAt: created, Tags: tags, Attributes: attrs})
	}
	if len(projects) == 0 {
		return
	}
	sort.SliceStable(projects, func(i, j int) bool { return projects[i].ID < projects[j].ID })
	pkey := ResourceKey{Region: region, Kind: KindCodeBuildProject}
	a.Resources[pkey] = append(a.Resources[pkey], projects...)

	rng = g.sideRNG(a, region, KindCodeBuildBuildRun)
	var builds []*Resource
	for _, p := range projects {
		// Builds spread over the 90 days before HistoryEnd, as CodeDeploy's
		// and CodePipeline's history, so part of it is older than a 30-day window.
		count := rng.IntN(2*g.spec.ResourcesPerKind/3 + 2)
		times := make([]time.Time, count)
		for n := range times {
			times[n] = g.historyEnd().Add(-time.Duration(1+rng.Int64N(90*24*3600)) * time.Second)
		}
		sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) }) // build numbers grow with time
		for n := 1; n <= count; n++ {
			t := times[n-1]
			id := p.ID + ":" + svcUUID(a.ID, region, p.ID, fmt.Sprint(n))
			status := []string{"SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "FAULT", "STOPPED"}[rng.IntN(6)]
			attrs := map[string]any{"ProjectName": p.ID, "BuildNumber": int64(n), "BuildStatus": status,
				"DurationSeconds": int64(30 + rng.IntN(1800)), "Initiator": []string{"user", "GitHub-Hookshot/1", "codepipeline/release-" + p.ID}[rng.IntN(3)]}
			if p.Attributes["SourceType"] != "NO_SOURCE" && p.Attributes["SourceType"] != "S3" {
				attrs["SourceVersion"] = []string{"refs/heads/main", "refs/heads/develop", "pr/42"}[rng.IntN(3)]
			}
			builds = append(builds, &Resource{ID: id, Name: id, ARN: g.arn("codebuild", region, a.ID, "build/"+id), Parent: p.ARN,
				CreatedAt: t, Attributes: attrs})
		}
		// The newest build of some projects is still running.
		if len(builds) > 0 && rng.IntN(4) == 0 && builds[len(builds)-1].Attributes["ProjectName"] == p.ID {
			builds[len(builds)-1].Attributes["BuildStatus"] = "IN_PROGRESS"
		}
	}
	sort.SliceStable(builds, func(i, j int) bool { return builds[i].CreatedAt.After(builds[j].CreatedAt) })
	if len(builds) > 0 {
		bkey := ResourceKey{Region: region, Kind: KindCodeBuildBuildRun}
		a.Resources[bkey] = append(a.Resources[bkey], builds...)
	}
}
