package awsemu

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"
)

// CodeDeploy speaks awsJson1_1: POST / with X-Amz-Target
// "CodeDeploy_20141006.<Op>", lowerCamel JSON members except where the model
// says otherwise (ListTagsForResource's ResourceArn/NextToken/Tags, tag
// filters' Key/Value/Type, deploymentOverview's Pending/InProgress/…),
// epoch-second timestamps, errors as {"__type","message"}.
//
// Served: ListApplications, BatchGetApplications (≤100 names),
// ListDeploymentGroups, BatchGetDeploymentGroups (≤100 names; unknown groups
// are named in errorMessage, not failed), ListDeployments (applicationName,
// deploymentGroupName, includeOnlyStatuses, createTimeRange; newest first),
// GetDeployment, ListDeploymentTargets (DeploymentNotStartedException before a
// deployment starts), BatchGetDeploymentTargets (≤25 ids), ListTagsForResource
// (application and deployment group ARNs). The list calls take no page size:
// AWS answers up to 100 per page with nextToken.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::CodeDeploy::Application  ID = Name = application name, ARN
//	  arn:P:codedeploy:R:A:application:NAME; ComputePlatform string ("Server"|"Lambda"|"ECS"),
//	  ApplicationId string, GitHubAccountName string (absent: not linked)
//	AWS::CodeDeploy::DeploymentGroup  ID = APP/GROUP, Name = GROUP, Parent = APP, ARN
//	  arn:P:codedeploy:R:A:deploymentgroup:APP/GROUP; DeploymentGroupId, DeploymentConfigName,
//	  ServiceRoleArn, DeploymentType ("IN_PLACE"|"BLUE_GREEN"), DeploymentOption
//	  ("WITH_TRAFFIC_CONTROL"|"WITHOUT_TRAFFIC_CONTROL") string; AutoRollback bool (absent:
//	  no autoRollbackConfiguration); Ec2TagKey, Ec2TagValue string (Server groups);
//	  AlarmNames []string (absent: no alarmConfiguration); EcsClusterName, EcsServiceName string (ECS)
//	AWS::CodeDeploy::Deployment  ID = deployment id (d-XXXXXXXXX), Parent = APP/GROUP,
//	  CreatedAt = createTime; Status string, CompleteTime time.Time (absent: not finished),
//	  Creator string, Description string, RevisionBucket, RevisionKey string,
//	  ErrorCode, ErrorMessage string (failed deployments)
//	AWS::CodeDeploy::DeploymentTarget  ID = target id, Parent = deployment id; TargetType
//	  ("InstanceTarget"|"LambdaTarget"|"ECSTarget"), Status string, LastUpdatedAt time.Time,
//	  TargetArn string, Events []string (lifecycle event names, all Succeeded unless the
//	  target Failed: then the last one Failed)

// CodeDeploy kinds.
const (
	KindCodeDeployApplication      = "AWS::CodeDeploy::Application"
	KindCodeDeployDeploymentGroup  = "AWS::CodeDeploy::DeploymentGroup"
	KindCodeDeployDeployment       = "AWS::CodeDeploy::Deployment"
	KindCodeDeployDeploymentTarget = "AWS::CodeDeploy::DeploymentTarget"
)

const codedeployTargetPrefix = "CodeDeploy_20141006."

type codedeployService struct{}

func init() { Register(codedeployService{}) }

func (codedeployService) SigningName() string { return "codedeploy" }
func (codedeployService) Protocol() Protocol  { return ProtocolJSON11 }
func (codedeployService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (codedeployService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), codedeployTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "ListApplications", "BatchGetApplications", "ListDeploymentGroups", "BatchGetDeploymentGroups",
		"ListDeployments", "GetDeployment", "ListDeploymentTargets", "BatchGetDeploymentTargets", "ListTagsForResource":
		return op, true
	}
	return op, false
}

func (codedeployService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListApplications":
		cdListApplications(c)
	case "BatchGetApplications":
		cdBatchGetApplications(c)
	case "ListDeploymentGroups":
		cdListDeploymentGroups(c)
	case "BatchGetDeploymentGroups":
		cdBatchGetDeploymentGroups(c)
	case "ListDeployments":
		cdListDeployments(c)
	case "GetDeployment":
		cdGetDeployment(c)
	case "ListDeploymentTargets":
		cdListDeploymentTargets(c)
	case "BatchGetDeploymentTargets":
		cdBatchGetDeploymentTargets(c)
	case "ListTagsForResource":
		cdListTags(c)
	}
}

// cdPageSize is how many names CodeDeploy's list calls answer per page.
const cdPageSize = 100

func cdError(c *Call, code, msg string) { c.Error(http.StatusBadRequest, code, msg) }

func cdSorted(c *Call, kind string) []*Resource {
	rs := append([]*Resource(nil), svcResources(c, kind)...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}

func cdFind(c *Call, kind, id string) *Resource {
	for _, r := range svcResources(c, kind) {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// cdApp finds the application or answers ApplicationDoesNotExistException.
func cdApp(c *Call, name string) *Resource {
	if name == "" {
		cdError(c, "ApplicationNameRequiredException", "Application name is required")
		return nil
	}
	r := cdFind(c, KindCodeDeployApplication, name)
	if r == nil {
		cdError(c, "ApplicationDoesNotExistException", "No application found for name: "+name)
	}
	return r
}

// cdBatch checks the size n of a batch of names: none is answered with code
// and msg, more than 100 with BatchLimitExceededException.
func cdBatch(c *Call, n int, code, msg string) bool {
	switch {
	case n == 0:
		cdError(c, code, msg)
	case n > 100:
		cdError(c, "BatchLimitExceededException", "The maximum number of names or IDs allowed for this request (100) was exceeded.")
	default:
		return true
	}
	return false
}

func cdPage(c *Call, n int, token string) (start, end int, next string, ok bool) {
	start, end, next, err := Page(n, token, 0, cdPageSize)
	if err != nil {
		cdError(c, "InvalidNextTokenException", "The next token was specified in an invalid format.")
		return 0, 0, "", false
	}
	return start, end, next, true
}

func cdListApplications(c *Call) {
	var in struct {
		NextToken string `json:"nextToken"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	apps := cdSorted(c, KindCodeDeployApplication)
	start, end, next, ok := cdPage(c, len(apps), in.NextToken)
	if !ok {
		return
	}
	out := struct {
		Applications []string `json:"applications"`
		NextToken    string   `json:"nextToken,omitempty"`
	}{Applications: []string{}, NextToken: next}
	for _, r := range apps[start:end] {
		out.Applications = append(out.Applications, r.ID)
	}
	c.JSON(out)
}

func cdRenderApp(r *Resource) map[string]any {
	m := map[string]any{
		"applicationId":   svcStr(r, "ApplicationId", svcUUID("codedeploy-app", r.ID)),
		"applicationName": r.ID,
		"createTime":      ecsEpoch(svcCreated(r)),
		"computePlatform": svcStr(r, "ComputePlatform", "Server"),
		"linkedToGitHub":  svcStr(r, "GitHubAccountName", "") != "",
	}
	if gh := svcStr(r, "GitHubAccountName", ""); gh != "" {
		m["gitHubAccountName"] = gh
	}
	return m
}

func cdBatchGetApplications(c *Call) {
	var in struct {
		ApplicationNames []string `json:"applicationNames"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if !cdBatch(c, len(in.ApplicationNames), "ApplicationNameRequiredException", "Application names are required") {
		return
	}
	out := []map[string]any{}
	for _, name := range in.ApplicationNames {
		r := cdFind(c, KindCodeDeployApplication, name)
		if r == nil {
			cdError(c, "ApplicationDoesNotExistException", "Applications not found for "+c.AccountID+": "+name)
			return
		}
		out = append(out, cdRenderApp(r))
	}
	c.JSON(map[string]any{"applicationsInfo": out})
}

func cdGroupsOf(c *Call, app string) []*Resource {
	var out []*Resource
	for _, r := range cdSorted(c, KindCodeDeployDeploymentGroup) {
		if r.Parent == app {
			out = append(out, r)
		}
	}
	return out
}

func cdListDeploymentGroups(c *Call) {
	var in struct {
		ApplicationName string `json:"applicationName"`
		NextToken       string `json:"nextToken"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if cdApp(c, in.ApplicationName) == nil {
		return
	}
	groups := cdGroupsOf(c, in.ApplicationName)
	start, end, next, ok := cdPage(c, len(groups), in.NextToken)
	if !ok {
		return
	}
	out := struct {
		ApplicationName  string   `json:"applicationName"`
		DeploymentGroups []string `json:"deploymentGroups"`
		NextToken        string   `json:"nextToken,omitempty"`
	}{ApplicationName: in.ApplicationName, DeploymentGroups: []string{}, NextToken: next}
	for _, r := range groups[start:end] {
		out.DeploymentGroups = append(out.DeploymentGroups, r.Name)
	}
	c.JSON(out)
}

// cdDeploymentsOf lists the deployments of a group (APP/GROUP), newest first.
func cdDeploymentsOf(c *Call, group string) []*Resource {
	var out []*Resource
	for _, r := range svcResources(c, KindCodeDeployDeployment) {
		if group == "" || r.Parent == group {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func cdLastDeployment(d *Resource) map[string]any {
	m := map[string]any{"deploymentId": d.ID, "status": svcStr(d, "Status", "Succeeded"), "createTime": ecsEpoch(svcCreated(d))}
	if end := d.AttrTime("CompleteTime"); !end.IsZero() {
		m["endTime"] = ecsEpoch(end)
	}
	return m
}

func cdRenderGroup(c *Call, r *Resource) map[string]any {
	app := cdFind(c, KindCodeDeployApplication, r.Parent)
	platform := "Server"
	if app != nil {
		platform = svcStr(app, "ComputePlatform", "Server")
	}
	m := map[string]any{
		"applicationName":      r.Parent,
		"deploymentGroupId":    svcStr(r, "DeploymentGroupId", svcUUID("codedeploy-group", r.ID)),
		"deploymentGroupName":  r.Name,
		"deploymentConfigName": svcStr(r, "DeploymentConfigName", "CodeDeployDefault.OneAtATime"),
		"serviceRoleArn":       svcStr(r, "ServiceRoleArn", "arn:"+svcPartition(c)+":iam::"+c.AccountID+":role/CodeDeployServiceRole"),
		"computePlatform":      platform,
		"deploymentStyle": map[string]any{
			"deploymentType":   svcStr(r, "DeploymentType", "IN_PLACE"),
			"deploymentOption": svcStr(r, "DeploymentOption", "WITHOUT_TRAFFIC_CONTROL"),
		},
		"ec2TagFilters":                []map[string]any{},
		"onPremisesInstanceTagFilters": []map[string]any{},
		"autoScalingGroups":            []map[string]any{},
		"triggerConfigurations":        []map[string]any{},
		"outdatedInstancesStrategy":    "UPDATE",
		"terminationHookEnabled":       false,
	}
	if k := svcStr(r, "Ec2TagKey", ""); k != "" {
		m["ec2TagFilters"] = []map[string]any{{"Key": k, "Value": svcStr(r, "Ec2TagValue", ""), "Type": "KEY_AND_VALUE"}}
	}
	if r.Has("AutoRollback") {
		m["autoRollbackConfiguration"] = map[string]any{"enabled": r.AttrBool("AutoRollback"), "events": []string{"DEPLOYMENT_FAILURE"}}
	}
	if r.Has("AlarmNames") {
		var alarms []map[string]any
		for _, a := range r.AttrStrings("AlarmNames") {
			alarms = append(alarms, map[string]any{"name": a})
		}
		m["alarmConfiguration"] = map[string]any{"enabled": true, "ignorePollAlarmFailure": false, "alarms": alarms}
	}
	if svc := svcStr(r, "EcsServiceName", ""); svc != "" {
		m["ecsServices"] = []map[string]any{{"serviceName": svc, "clusterName": svcStr(r, "EcsClusterName", "default")}}
	}
	if platform == "Lambda" || platform == "ECS" {
		delete(m, "ec2TagFilters")
		delete(m, "onPremisesInstanceTagFilters")
		delete(m, "autoScalingGroups")
	}
	var last map[string]any
	for _, d := range cdDeploymentsOf(c, r.ID) {
		status := svcStr(d, "Status", "Succeeded")
		if cdNotStarted(d) {
			continue
		}
		if last == nil {
			last = cdLastDeployment(d)
			m["lastAttemptedDeployment"] = last
			if b := svcStr(d, "RevisionBucket", ""); b != "" {
				m["targetRevision"] = cdRevision(d)
			}
		}
		if status == "Succeeded" {
			m["lastSuccessfulDeployment"] = cdLastDeployment(d)
			break
		}
	}
	return m
}

func cdBatchGetDeploymentGroups(c *Call) {
	var in struct {
		ApplicationName      string   `json:"applicationName"`
		DeploymentGroupNames []string `json:"deploymentGroupNames"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if cdApp(c, in.ApplicationName) == nil {
		return
	}
	if !cdBatch(c, len(in.DeploymentGroupNames), "DeploymentGroupNameRequiredException", "Deployment group names are required") {
		return
	}
	out := map[string]any{"deploymentGroupsInfo": []map[string]any{}}
	var missing []string
	infos := []map[string]any{}
	for _, name := range in.DeploymentGroupNames {
		r := cdFind(c, KindCodeDeployDeploymentGroup, in.ApplicationName+"/"+name)
		if r == nil {
			missing = append(missing, name)
			continue
		}
		infos = append(infos, cdRenderGroup(c, r))
	}
	out["deploymentGroupsInfo"] = infos
	if len(missing) > 0 {
		out["errorMessage"] = "Deployment groups do not exist: " + strings.Join(missing, ", ")
	}
	c.JSON(out)
}

func cdRevision(d *Resource) map[string]any {
	return map[string]any{"revisionType": "S3", "s3Location": map[string]any{
		"bucket": svcStr(d, "RevisionBucket", ""), "key": svcStr(d, "RevisionKey", ""), "bundleType": "zip",
		"eTag": svcHex(32, "etag", d.ID),
	}}
}

// cdNotStarted: a deployment not yet started has no targets to list.
func cdNotStarted(d *Resource) bool {
	switch svcStr(d, "Status", "Succeeded") {
	case "Created", "Queued":
		return true
	}
	return false
}

// cdEpoch reads an epoch-seconds JSON number (nil: unset).
func cdEpoch(v *float64) time.Time {
	if v == nil {
		return time.Time{}
	}
	sec, frac := math.Modf(*v)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

func cdListDeployments(c *Call) {
	var in struct {
		ApplicationName     string   `json:"applicationName"`
		DeploymentGroupName string   `json:"deploymentGroupName"`
		ExternalID          string   `json:"externalId"`
		IncludeOnlyStatuses []string `json:"includeOnlyStatuses"`
		CreateTimeRange     *struct {
			Start *float64 `json:"start"`
			End   *float64 `json:"end"`
		} `json:"createTimeRange"`
		NextToken string `json:"nextToken"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if in.DeploymentGroupName != "" && in.ApplicationName == "" {
		cdError(c, "ApplicationNameRequiredException", "If a deployment group name is specified, an application name must also be specified")
		return
	}
	prefix := ""
	if in.ApplicationName != "" {
		if cdApp(c, in.ApplicationName) == nil {
			return
		}
		prefix = in.ApplicationName + "/"
		if in.DeploymentGroupName != "" {
			if cdFind(c, KindCodeDeployDeploymentGroup, prefix+in.DeploymentGroupName) == nil {
				cdError(c, "DeploymentGroupDoesNotExistException", "Deployment group "+in.DeploymentGroupName+" does not exist")
				return
			}
		}
	}
	var start, end time.Time
	if in.CreateTimeRange != nil {
		start, end = cdEpoch(in.CreateTimeRange.Start), cdEpoch(in.CreateTimeRange.End)
	}
	statuses := map[string]bool{}
	for _, s := range in.IncludeOnlyStatuses {
		statuses[s] = true
	}
	var ids []string
	for _, d := range cdDeploymentsOf(c, "") {
		switch {
		case prefix != "" && !strings.HasPrefix(d.Parent, prefix),
			in.DeploymentGroupName != "" && d.Parent != prefix+in.DeploymentGroupName,
			len(statuses) > 0 && !statuses[svcStr(d, "Status", "Succeeded")],
			!start.IsZero() && svcCreated(d).Before(start),
			!end.IsZero() && svcCreated(d).After(end):
			continue
		}
		ids = append(ids, d.ID)
	}
	first, last, next, ok := cdPage(c, len(ids), in.NextToken)
	if !ok {
		return
	}
	out := struct {
		Deployments []string `json:"deployments"`
		NextToken   string   `json:"nextToken,omitempty"`
	}{Deployments: append([]string{}, ids[first:last]...), NextToken: next}
	c.JSON(out)
}

// cdDeployment finds a deployment or answers its not-found error.
func cdDeployment(c *Call, id string) *Resource {
	if id == "" {
		cdError(c, "DeploymentIdRequiredException", "At least one deployment ID must be specified.")
		return nil
	}
	if !strings.HasPrefix(id, "d-") || len(id) != 11 {
		cdError(c, "InvalidDeploymentIdException", "Specified DeploymentId is not in the valid format: "+id)
		return nil
	}
	d := cdFind(c, KindCodeDeployDeployment, id)
	if d == nil {
		cdError(c, "DeploymentDoesNotExistException", "The deployment "+id+" could not be found.")
	}
	return d
}

func cdTargetsOf(c *Call, deployment string) []*Resource {
	var out []*Resource
	for _, r := range cdSorted(c, KindCodeDeployDeploymentTarget) {
		if r.Parent == deployment {
			out = append(out, r)
		}
	}
	return out
}

func cdRenderDeployment(c *Call, d *Resource) map[string]any {
	app, group, _ := strings.Cut(d.Parent, "/")
	platform, configName := "Server", "CodeDeployDefault.OneAtATime"
	if a := cdFind(c, KindCodeDeployApplication, app); a != nil {
		platform = svcStr(a, "ComputePlatform", "Server")
	}
	style := map[string]any{"deploymentType": "IN_PLACE", "deploymentOption": "WITHOUT_TRAFFIC_CONTROL"}
	if g := cdFind(c, KindCodeDeployDeploymentGroup, d.Parent); g != nil {
		configName = svcStr(g, "DeploymentConfigName", configName)
		style = map[string]any{"deploymentType": svcStr(g, "DeploymentType", "IN_PLACE"),
			"deploymentOption": svcStr(g, "DeploymentOption", "WITHOUT_TRAFFIC_CONTROL")}
	}
	status := svcStr(d, "Status", "Succeeded")
	created := svcCreated(d)
	m := map[string]any{
		"applicationName":                    app,
		"deploymentGroupName":                group,
		"deploymentConfigName":               configName,
		"deploymentId":                       d.ID,
		"status":                             status,
		"createTime":                         ecsEpoch(created),
		"creator":                            svcStr(d, "Creator", "user"),
		"ignoreApplicationStopFailures":      false,
		"updateOutdatedInstancesOnly":        false,
		"deploymentStyle":                    style,
		"computePlatform":                    platform,
		"fileExistsBehavior":                 "DISALLOW",
		"deploymentStatusMessages":           []string{},
		"instanceTerminationWaitTimeStarted": false,
	}
	if b := svcStr(d, "RevisionBucket", ""); b != "" {
		m["revision"] = cdRevision(d)
	}
	if desc := svcStr(d, "Description", ""); desc != "" {
		m["description"] = desc
	}
	if !cdNotStarted(d) {
		m["startTime"] = ecsEpoch(created.Add(5 * time.Second))
		ov := map[string]int{"Pending": 0, "InProgress": 0, "Succeeded": 0, "Failed": 0, "Skipped": 0, "Ready": 0}
		for _, t := range cdTargetsOf(c, d.ID) {
			switch s := svcStr(t, "Status", "Succeeded"); s {
			case "Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Ready":
				ov[s]++
			}
		}
		m["deploymentOverview"] = ov
	}
	if end := d.AttrTime("CompleteTime"); !end.IsZero() {
		m["completeTime"] = ecsEpoch(end)
	}
	if code := svcStr(d, "ErrorCode", ""); code != "" {
		m["errorInformation"] = map[string]any{"code": code, "message": svcStr(d, "ErrorMessage", "")}
	}
	return m
}

func cdGetDeployment(c *Call) {
	var in struct {
		DeploymentID string `json:"deploymentId"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	d := cdDeployment(c, in.DeploymentID)
	if d == nil {
		return
	}
	c.JSON(map[string]any{"deploymentInfo": cdRenderDeployment(c, d)})
}

func cdListDeploymentTargets(c *Call) {
	var in struct {
		DeploymentID string `json:"deploymentId"`
		NextToken    string `json:"nextToken"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	d := cdDeployment(c, in.DeploymentID)
	if d == nil {
		return
	}
	if cdNotStarted(d) {
		cdError(c, "DeploymentNotStartedException", "The specified deployment has not started.")
		return
	}
	targets := cdTargetsOf(c, d.ID)
	start, end, next, ok := cdPage(c, len(targets), in.NextToken)
	if !ok {
		return
	}
	out := struct {
		TargetIDs []string `json:"targetIds"`
		NextToken string   `json:"nextToken,omitempty"`
	}{TargetIDs: []string{}, NextToken: next}
	for _, t := range targets[start:end] {
		out.TargetIDs = append(out.TargetIDs, t.ID)
	}
	c.JSON(out)
}

func cdRenderTarget(d, t *Resource) map[string]any {
	updated := svcTime(t, "LastUpdatedAt", svcCreated(d))
	status := svcStr(t, "Status", "Succeeded")
	var events []map[string]any
	names := svcStrings(t, "Events", nil)
	at := svcCreated(d).Add(5 * time.Second)
	for i, name := range names {
		ev := map[string]any{"lifecycleEventName": name, "status": "Succeeded",
			"startTime": ecsEpoch(at), "endTime": ecsEpoch(at.Add(3 * time.Second)),
			"diagnostics": map[string]any{"errorCode": "Success", "scriptName": "", "message": "Succeeded", "logTail": ""}}
		if status == "Failed" && i == len(names)-1 {
			ev["status"] = "Failed"
			ev["diagnostics"] = map[string]any{"errorCode": "ScriptFailed", "scriptName": "scripts/validate.sh",
				"message": "Script at specified location: scripts/validate.sh run as user root failed with exit code 1", "logTail": ""}
		}
		events = append(events, ev)
		at = at.Add(4 * time.Second)
	}
	body := map[string]any{
		"deploymentId":    d.ID,
		"targetId":        t.ID,
		"targetArn":       svcStr(t, "TargetArn", t.ARN),
		"status":          status,
		"lastUpdatedAt":   ecsEpoch(updated),
		"lifecycleEvents": events,
	}
	typ := svcStr(t, "TargetType", "InstanceTarget")
	out := map[string]any{"deploymentTargetType": typ}
	switch typ {
	case "LambdaTarget":
		fn, alias, _ := strings.Cut(t.ID, ":")
		body["lambdaFunctionInfo"] = map[string]any{"functionName": fn, "functionAlias": alias,
			"currentVersion": "3", "targetVersion": "4", "targetVersionWeight": 1.0}
		out["lambdaTarget"] = body
	case "ECSTarget":
		body["taskSetsInfo"] = []map[string]any{}
		out["ecsTarget"] = body
	default:
		body["instanceLabel"] = "Blue"
		out["instanceTarget"] = body
	}
	return out
}

func cdBatchGetDeploymentTargets(c *Call) {
	var in struct {
		DeploymentID string   `json:"deploymentId"`
		TargetIDs    []string `json:"targetIds"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	d := cdDeployment(c, in.DeploymentID)
	if d == nil {
		return
	}
	if len(in.TargetIDs) == 0 {
		cdError(c, "DeploymentTargetIdRequiredException", "A deployment target ID was not provided.")
		return
	}
	if len(in.TargetIDs) > 25 {
		cdError(c, "DeploymentTargetListSizeExceededException", "The maximum number of targets that can be associated with an Amazon ECS or AWS Lambda deployment was exceeded.")
		return
	}
	if cdNotStarted(d) {
		cdError(c, "DeploymentNotStartedException", "The specified deployment has not started.")
		return
	}
	out := []map[string]any{}
	for _, id := range in.TargetIDs {
		var t *Resource
		for _, r := range cdTargetsOf(c, d.ID) {
			if r.ID == id {
				t = r
			}
		}
		if t == nil {
			cdError(c, "DeploymentTargetDoesNotExistException", "The provided target ID does not belong to the attempted deployment: "+id)
			return
		}
		out = append(out, cdRenderTarget(d, t))
	}
	c.JSON(map[string]any{"deploymentTargets": out})
}

// cdParseARN splits arn:P:codedeploy:REGION:ACCOUNT:TYPE:NAME.
func cdParseARN(arn string) (region, account, typ, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "codedeploy" || parts[6] == "" {
		return "", "", "", "", false
	}
	return parts[3], parts[4], parts[5], parts[6], true
}

func cdListTags(c *Call) {
	var in struct {
		ResourceArn string `json:"ResourceArn"`
		NextToken   string `json:"NextToken"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if in.ResourceArn == "" {
		cdError(c, "ResourceArnRequiredException", "The ARN of a resource is required, but was not found.")
		return
	}
	region, account, typ, name, ok := cdParseARN(in.ResourceArn)
	if !ok {
		cdError(c, "InvalidArnException", "The specified ARN is not in a valid format: "+in.ResourceArn)
		return
	}
	if account != c.AccountID {
		c.Error(http.StatusBadRequest, "AccessDeniedException", "User: "+c.Principal+" is not authorized to perform: codedeploy:ListTagsForResource on resource: "+in.ResourceArn)
		return
	}
	var r *Resource
	switch typ {
	case "application":
		if region == c.Region {
			r = cdFind(c, KindCodeDeployApplication, name)
		}
		if r == nil {
			cdError(c, "ApplicationDoesNotExistException", "No application found for name: "+name)
			return
		}
	case "deploymentgroup":
		if region == c.Region {
			r = cdFind(c, KindCodeDeployDeploymentGroup, name)
		}
		if r == nil {
			cdError(c, "DeploymentGroupDoesNotExistException", "No Deployment Group found for name: "+name)
			return
		}
	default:
		cdError(c, "InvalidArnException", "The specified ARN is not in a valid format: "+in.ResourceArn)
		return
	}
	c.JSON(map[string]any{"Tags": svcSortedTags(r.Tags)})
}

// ---- generation

func (g *generator) historyEnd() time.Time {
	if g.spec.HistoryEnd.IsZero() {
		return DefaultHistoryEnd
	}
	return g.spec.HistoryEnd.UTC().Truncate(time.Second)
}

var cdPlatformConfig = map[string]string{
	"Server": "CodeDeployDefault.OneAtATime",
	"Lambda": "CodeDeployDefault.LambdaCanary10Percent5Minutes",
	"ECS":    "CodeDeployDefault.ECSAllAtOnce",
}

var cdServerEvents = []string{"ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall", "ApplicationStart", "ValidateService"}

// genCodeDeploy: applications, 0–2 deployment groups each, 0–3 deployments per
// group spread over the 90 days before HistoryEnd, and their targets.
func (g *generator) genCodeDeploy(a *Account, region string) {
	rng := g.sideRNG(a, region, KindCodeDeployApplication)
	n := g.sideCount(rng)
	if n == 0 {
		return
	}
	key := func(kind string) ResourceKey { return ResourceKey{Region: region, Kind: kind} }
	end := g.historyEnd()
	platforms := []string{"Server", "Server", "Lambda", "ECS"}
	for i := 0; i < n; i++ {
		team, word := genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))]
		name := fmt.Sprintf("%s-%s-%d", team, word, i+1)
		platform := platforms[rng.IntN(len(platforms))]
		attrs := map[string]any{"ComputePlatform": platform, "ApplicationId": svcUUID(a.ID, region, "app", name)}
		if rng.IntN(4) == 0 {
			attrs["GitHubAccountName"] = team + "-bot"
		}
		tags := map[string]string{"Name": name, "env": a.Tags["env"], "team": team}
		if rng.IntN(3) == 0 {
			tags = map[string]string{}
		}
		app := &Resource{ID: name, Name: name, ARN: g.arn("codedeploy", region, a.ID, "application:"+name),
			CreatedAt: a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600)) * time.Second), Tags: tags, Attributes: attrs}
		a.Resources[key(KindCodeDeployApplication)] = append(a.Resources[key(KindCodeDeployApplication)], app)

		groups := rng.IntN(3)
		for j := 0; j < groups; j++ {
			gname := fmt.Sprintf("%s-%s", []string{"prod", "staging", "canary"}[j], word)
			gattrs := map[string]any{
				"DeploymentGroupId":    svcUUID(a.ID, region, "group", name, gname),
				"DeploymentConfigName": cdPlatformConfig[platform],
				"ServiceRoleArn":       "arn:" + g.spec.Partition + ":iam::" + a.ID + ":role/CodeDeployServiceRole",
				"DeploymentType":       "IN_PLACE",
				"DeploymentOption":     "WITHOUT_TRAFFIC_CONTROL",
			}
			switch platform {
			case "Server":
				gattrs["Ec2TagKey"], gattrs["Ec2TagValue"] = "app", name
			case "ECS":
				gattrs["DeploymentType"], gattrs["DeploymentOption"] = "BLUE_GREEN", "WITH_TRAFFIC_CONTROL"
				gattrs["EcsClusterName"], gattrs["EcsServiceName"] = a.Tags["env"]+"-cluster", word+"-svc"
			case "Lambda":
				gattrs["DeploymentType"], gattrs["DeploymentOption"] = "BLUE_GREEN", "WITH_TRAFFIC_CONTROL"
			}
			if rng.IntN(2) == 0 {
				gattrs["AutoRollback"] = rng.IntN(3) != 0
			}
			if rng.IntN(3) == 0 {
				gattrs["AlarmNames"] = []string{name + "-5xx", name + "-latency"}
			}
			gtags := map[string]string{"env": a.Tags["env"], "team": team}
			if rng.IntN(3) == 0 {
				gtags = map[string]string{}
			}
			gid := name + "/" + gname
			grp := &Resource{ID: gid, Name: gname, Parent: name, ARN: g.arn("codedeploy", region, a.ID, "deploymentgroup:"+gid),
				CreatedAt: app.CreatedAt.Add(time.Duration(1+rng.IntN(48)) * time.Hour), Tags: gtags, Attributes: gattrs}
			a.Resources[key(KindCodeDeployDeploymentGroup)] = append(a.Resources[key(KindCodeDeployDeploymentGroup)], grp)
			g.genCodeDeployDeployments(a, region, grp, platform, end, rng.IntN(4), rng.Uint64())
		}
	}
}

func (g *generator) genCodeDeployDeployments(a *Account, region string, grp *Resource, platform string, end time.Time, n int, seed uint64) {
	rng := g.sideRNG(a, region, fmt.Sprint(KindCodeDeployDeployment, seed))
	dkey := ResourceKey{Region: region, Kind: KindCodeDeployDeployment}
	tkey := ResourceKey{Region: region, Kind: KindCodeDeployDeploymentTarget}
	for k := 0; k < n; k++ {
		created := end.Add(-time.Duration(rng.Int64N(90*24*3600)) * time.Second)
		id := "d-" + strings.ToUpper(svcHex(9, a.ID, region, grp.ID, fmt.Sprint(k, seed)))
		status := []string{"Succeeded", "Succeeded", "Succeeded", "Failed", "Stopped", "InProgress", "Created"}[rng.IntN(7)]
		attrs := map[string]any{
			"Status":         status,
			"Creator":        []string{"user", "user", "autoscaling", "CodeDeployRollback"}[rng.IntN(4)],
			"RevisionBucket": "codedeploy-artifacts-" + a.ID + "-" + region,
			"RevisionKey":    fmt.Sprintf("%s/%s-%d.zip", grp.Parent, grp.Name, 100+rng.IntN(900)),
		}
		if rng.IntN(2) == 0 {
			attrs["Description"] = "Release " + fmt.Sprint(1+rng.IntN(40)) + "." + fmt.Sprint(rng.IntN(10))
		}
		switch status {
		case "Succeeded", "Failed", "Stopped":
			attrs["CompleteTime"] = created.Add(time.Duration(60+rng.IntN(900)) * time.Second)
		}
		if status == "Failed" {
			attrs["ErrorCode"], attrs["ErrorMessage"] = "SCRIPT_FAILED", "Script at specified location: scripts/validate.sh failed with exit code 1"
		}
		d := &Resource{ID: id, Name: id, Parent: grp.ID, CreatedAt: created, Attributes: attrs}
		a.Resources[dkey] = append(a.Resources[dkey], d)
		if status == "Created" {
			continue // not started: no targets yet
		}
		targets := 1
		if platform == "Server" {
			targets = 1 + rng.IntN(3)
		}
		for t := 0; t < targets; t++ {
			tstatus := "Succeeded"
			switch status {
			case "Failed":
				if t == 0 {
					tstatus = "Failed"
				}
			case "InProgress":
				tstatus = []string{"InProgress", "Pending"}[t%2]
			case "Stopped":
				tstatus = "Skipped"
			}
			tattrs := map[string]any{"Status": tstatus, "LastUpdatedAt": created.Add(time.Duration(30+rng.IntN(600)) * time.Second)}
			var tid string
			switch platform {
			case "Lambda":
				tid = grp.Parent + ":live"
				tattrs["TargetType"] = "LambdaTarget"
				tattrs["TargetArn"] = g.arn("lambda", region, a.ID, "function:"+tid)
				tattrs["Events"] = []string{"BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"}
			case "ECS":
				svc := svcStr(grp, "EcsServiceName", "svc")
				cluster := svcStr(grp, "EcsClusterName", "default")
				tid = cluster + ":" + svc
				tattrs["TargetType"] = "ECSTarget"
				tattrs["TargetArn"] = g.arn("ecs", region, a.ID, "service/"+cluster+"/"+svc)
				tattrs["Events"] = []string{"BeforeInstall", "Install", "AfterInstall", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"}
			default:
				tid = "i-0" + svcHex(16, a.ID, region, grp.ID, fmt.Sprint(t))
				tattrs["TargetType"] = "InstanceTarget"
				tattrs["TargetArn"] = g.arn("ec2", region, a.ID, "instance/"+tid)
				tattrs["Events"] = cdServerEvents
			}
			a.Resources[tkey] = append(a.Resources[tkey], &Resource{ID: tid, Name: tid, ARN: tattrs["TargetArn"].(string), Parent: id,
				CreatedAt: created, Attributes: tattrs})
		}
	}
}
