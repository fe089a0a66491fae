package awsemu

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ECS speaks awsJson1_1: POST / with X-Amz-Target
// "AmazonEC2ContainerServiceV20141113.<Op>", lowerCamel JSON members, epoch-second
// timestamps, errors as {"__type","message"}.
//
// Resource attributes read (absent ones default as noted in the code):
//
//	AWS::ECS::Cluster  Status, RunningTasksCount, PendingTasksCount, ActiveServicesCount,
//	  RegisteredContainerInstancesCount (counts default to what its services imply),
//	  CapacityProviders, ContainerInsights ("enabled"/"disabled")
//	AWS::ECS::Service  Parent = cluster ARN; ClusterName, DesiredCount, RunningCount, PendingCount,
//	  LaunchType, TaskDefinition, Status, SchedulingStrategy, Subnets, SecurityGroups
//	AWS::ECS::TaskDefinition  ID = "FAMILY:REVISION", Name = family, ARN
//	  arn:P:ecs:R:A:task-definition/FAMILY:REVISION; Family, Revision, Status
//	  ("ACTIVE"|"INACTIVE"), Cpu, Memory (strings), NetworkMode,
//	  RequiresCompatibilities []string, Image, ContainerPort, TaskRoleArn and
//	  ExecutionRoleArn (absent on some), DeregisteredAt time.Time (INACTIVE ones)

// KindECSTaskDefinition is ECS's task definition kind.
const KindECSTaskDefinition = "AWS::ECS::TaskDefinition"

const ecsTargetPrefix = "AmazonEC2ContainerServiceV20141113."

type ecsService struct{}

func init() { Register(ecsService{}) }

func (ecsService) SigningName() string { return "ecs" }
func (ecsService) Protocol() Protocol  { return ProtocolJSON11 }
func (ecsService) ThrottleCode() (string, int) {
	return "ThrottlingException", http.StatusBadRequest
}

func (ecsService) Operation(r *http.Request, _ []byte) (string, bool) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), ecsTargetPrefix)
	if !ok {
		return "", false
	}
	switch op {
	case "ListClusters", "DescribeClusters", "ListServices", "DescribeServices",
		"ListTaskDefinitions", "DescribeTaskDefinition":
		return op, true
	}
	return op, false
}

func (ecsService) Serve(c *Call) {
	if svcRegionDisabled(c) {
		c.Error(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	switch c.Op {
	case "ListClusters":
		ecsListClusters(c)
	case "DescribeClusters":
		ecsDescribeClusters(c)
	case "ListServices":
		ecsListServices(c)
	case "DescribeServices":
		ecsDescribeServices(c)
	case "ListTaskDefinitions":
		ecsListTaskDefinitions(c)
	case "DescribeTaskDefinition":
		ecsDescribeTaskDefinition(c)
	}
}

type ecsKV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type ecsTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type ecsFailure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
}

func ecsTags(tags map[string]string) []ecsTag {
	out := []ecsTag{}
	for _, t := range svcSortedTags(tags) {
		out = append(out, ecsTag(t))
	}
	return out
}

// ecsEpoch renders a timestamp as awsJson's epoch seconds with milliseconds.
func ecsEpoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func ecsInvalid(c *Call, msg string) {
	c.Error(http.StatusBadRequest, "InvalidParameterException", msg)
}

// ecsIncludeValid reports whether every include value is one of allowed, and
// answers the first that is not.
func ecsIncludeValid(c *Call, include []string, allowed ...string) bool {
	for _, i := range include {
		if !slices.Contains(allowed, i) {
			ecsInvalid(c, fmt.Sprintf("Invalid include value: %s", i))
			return false
		}
	}
	return true
}

// ecsPageSize validates maxResults (1..100); 0 = absent.
func ecsPageSize(c *Call, n *int) (int, bool) {
	if n == nil {
		return 0, true
	}
	if *n < 1 || *n > 100 {
		ecsInvalid(c, "maxResults must be between 1 and 100.")
		return 0, false
	}
	return *n, true
}

func ecsPage(c *Call, n int, token string, size, def int) (int, int, string, bool) {
	start, end, next, err := Page(n, token, size, def)
	if err != nil {
		ecsInvalid(c, "Invalid nextToken.")
		return 0, 0, "", false
	}
	return start, end, next, true
}

func ecsClusterARN(c *Call, name string) string {
	return "arn:" + svcPartition(c) + ":ecs:" + c.Region + ":" + c.AccountID + ":cluster/" + name
}

func ecsARN(c *Call, r *Resource, kind string) string {
	if r.ARN != "" {
		return r.ARN
	}
	if kind == KindECSCluster {
		return ecsClusterARN(c, r.ID)
	}
	return "arn:" + svcPartition(c) + ":ecs:" + c.Region + ":" + c.AccountID + ":service/" + svcStr(r, "ClusterName", ecsNameFromARN(r.Parent)) + "/" + r.ID
}

// ecsNameFromARN returns the last path element of an ECS ARN (or the name itself).
func ecsNameFromARN(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// ecsFindCluster resolves a cluster name or ARN in the caller's account and region.
func ecsFindCluster(c *Call, ref string) *Resource {
	if ref == "" {
		ref = "default"
	}
	for _, r := range svcResources(c, KindECSCluster) {
		if r.ID == ref || ecsARN(c, r, KindECSCluster) == ref {
			return r
		}
	}
	return nil
}

func ecsClusterServices(c *Call, cluster *Resource) []*Resource {
	arn := ecsARN(c, cluster, KindECSCluster)
	var out []*Resource
	for _, s := range svcResources(c, KindECSService) {
		if s.Parent == arn || (s.Parent == "" && svcStr(s, "ClusterName", "") == cluster.ID) {
			out = append(out, s)
		}
	}
	return out
}

// ---- ListClusters ----------------------------------------------------------

func ecsListClusters(c *Call) {
	var in struct {
		NextToken  string `json:"nextToken"`
		MaxResults *int   `json:"maxResults"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	size, ok := ecsPageSize(c, in.MaxResults)
	if !ok {
		return
	}
	clusters := svcResources(c, KindECSCluster)
	start, end, next, ok := ecsPage(c, len(clusters), in.NextToken, size, 100)
	if !ok {
		return
	}
	arns := []string{}
	for _, r := range clusters[start:end] {
		arns = append(arns, ecsARN(c, r, KindECSCluster))
	}
	out := map[string]any{"clusterArns": arns}
	if next != "" {
		out["nextToken"] = next
	}
	c.JSON(out)
}

// ---- DescribeClusters ------------------------------------------------------

type ecsCluster struct {
	ClusterArn                        string   `json:"clusterArn"`
	ClusterName                       string   `json:"clusterName"`
	Status                            string   `json:"status"`
	RegisteredContainerInstancesCount int64    `json:"registeredContainerInstancesCount"`
	RunningTasksCount                 int64    `json:"runningTasksCount"`
	PendingTasksCount                 int64    `json:"pendingTasksCount"`
	ActiveServicesCount               int64    `json:"activeServicesCount"`
	Statistics                        []ecsKV  `json:"statistics"`
	Tags                              []ecsTag `json:"tags"`
	Settings                          []ecsKV  `json:"settings,omitempty"`
	CapacityProviders                 []string `json:"capacityProviders"`
	DefaultCapacityProviderStrategy   []any    `json:"defaultCapacityProviderStrategy"`
	Attachments                       *[]any   `json:"attachments,omitempty"`
	AttachmentsStatus                 string   `json:"attachmentsStatus,omitempty"`
	Configuration                     any      `json:"configuration,omitempty"`
}

func ecsIncludes(include []string) map[string]bool {
	out := map[string]bool{}
	for _, i := range include {
		out[i] = true
	}
	return out
}

func ecsDescribeClusters(c *Call) {
	var in struct {
		Clusters []string `json:"clusters"`
		Include  []string `json:"include"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if !ecsIncludeValid(c, in.Include, "ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS") {
		return
	}
	if len(in.Clusters) > 100 {
		ecsInvalid(c, "clusters can have at most 100 items.")
		return
	}
	refs := in.Clusters
	if len(refs) == 0 {
		refs = []string{"default"}
	}
	inc := ecsIncludes(in.Include)
	clusters := []ecsCluster{}
	failures := []ecsFailure{}
	for _, ref := range refs {
		r := ecsFindCluster(c, ref)
		if r == nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = ecsClusterARN(c, ref)
			}
			failures = append(failures, ecsFailure{Arn: arn, Reason: "MISSING"})
			continue
		}
		clusters = append(clusters, ecsRenderCluster(c, r, inc))
	}
	c.JSON(map[string]any{"clusters": clusters, "failures": failures})
}

func ecsRenderCluster(c *Call, r *Resource, inc map[string]bool) ecsCluster {
	services := ecsClusterServices(c, r)
	var running, pending int64
	var stats struct{ runEC2, runFargate, pendEC2, pendFargate, svcEC2, svcFargate int64 }
	for _, s := range services {
		run, pend := svcInt(s, "RunningCount", 0), svcInt(s, "PendingCount", 0)
		running += run
		pending += pend
		if svcStr(s, "LaunchType", "FARGATE") == "EC2" {
			stats.runEC2 += run
			stats.pendEC2 += pend
			stats.svcEC2++
		} else {
			stats.runFargate += run
			stats.pendFargate += pend
			stats.svcFargate++
		}
	}
	out := ecsCluster{
		ClusterArn:                        ecsARN(c, r, KindECSCluster),
		ClusterName:                       svcStr(r, "ClusterName", r.ID),
		Status:                            svcStr(r, "Status", "ACTIVE"),
		RegisteredContainerInstancesCount: svcInt(r, "RegisteredContainerInstancesCount", 0),
		RunningTasksCount:                 svcInt(r, "RunningTasksCount", running),
		PendingTasksCount:                 svcInt(r, "PendingTasksCount", pending),
		ActiveServicesCount:               svcInt(r, "ActiveServicesCount", int64(len(services))),
		Statistics:                        []ecsKV{},
		Tags:                              []ecsTag{},
		CapacityProviders:                 svcStrings(r, "CapacityProviders", []string{}),
		DefaultCapacityProviderStrategy:   []any{},
	}
	if inc["STATISTICS"] {
		n := strconv.FormatInt
		out.Statistics = []ecsKV{
			{"runningEC2TasksCount", n(stats.runEC2, 10)}, {"runningFargateTasksCount", n(stats.runFargate, 10)},
			{"pendingEC2TasksCount", n(stats.pendEC2, 10)}, {"pendingFargateTasksCount", n(stats.pendFargate, 10)},
			{"activeEC2ServiceCount", n(stats.svcEC2, 10)}, {"activeFargateServiceCount", n(stats.svcFargate, 10)},
			{"drainingEC2ServiceCount", "0"}, {"drainingFargateServiceCount", "0"},
		}
	}
	if inc["TAGS"] {
		out.Tags = ecsTags(r.Tags)
	}
	if inc["SETTINGS"] {
		out.Settings = []ecsKV{{Name: "containerInsights", Value: svcStr(r, "ContainerInsights", "disabled")}}
	}
	if inc["ATTACHMENTS"] {
		out.Attachments = &[]any{}
	}
	if inc["CONFIGURATIONS"] {
		out.Configuration = map[string]any{"executeCommandConfiguration": map[string]any{"logging": "DEFAULT"}}
	}
	return out
}

// ---- ListServices ----------------------------------------------------------

func ecsListServices(c *Call) {
	var in struct {
		Cluster            string `json:"cluster"`
		NextToken          string `json:"nextToken"`
		MaxResults         *int   `json:"maxResults"`
		LaunchType         string `json:"launchType"`
		SchedulingStrategy string `json:"schedulingStrategy"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	size, ok := ecsPageSize(c, in.MaxResults)
	if !ok {
		return
	}
	cluster := ecsFindCluster(c, in.Cluster)
	if cluster == nil {
		c.Error(http.StatusBadRequest, "ClusterNotFoundException", "Cluster not found.")
		return
	}
	var matched []*Resource
	for _, s := range ecsClusterServices(c, cluster) {
		if in.LaunchType != "" && svcStr(s, "LaunchType", "FARGATE") != in.LaunchType {
			continue
		}
		if in.SchedulingStrategy != "" && svcStr(s, "SchedulingStrategy", "REPLICA") != in.SchedulingStrategy {
			continue
		}
		matched = append(matched, s)
	}
	// ListServices pages by 10 when maxResults is absent.
	start, end, next, ok := ecsPage(c, len(matched), in.NextToken, size, 10)
	if !ok {
		return
	}
	arns := []string{}
	for _, s := range matched[start:end] {
		arns = append(arns, ecsARN(c, s, KindECSService))
	}
	out := map[string]any{"serviceArns": arns}
	if next != "" {
		out["nextToken"] = next
	}
	c.JSON(out)
}

// ---- DescribeServices ------------------------------------------------------

type ecsDeployment struct {
	ID                   string         `json:"id"`
	Status               string         `json:"status"`
	TaskDefinition       string         `json:"taskDefinition"`
	DesiredCount         int64          `json:"desiredCount"`
	PendingCount         int64          `json:"pendingCount"`
	RunningCount         int64          `json:"runningCount"`
	FailedTasks          int64          `json:"failedTasks"`
	CreatedAt            float64        `json:"createdAt"`
	UpdatedAt            float64        `json:"updatedAt"`
	LaunchType           string         `json:"launchType"`
	PlatformVersion      string         `json:"platformVersion,omitempty"`
	PlatformFamily       string         `json:"platformFamily,omitempty"`
	NetworkConfiguration map[string]any `json:"networkConfiguration,omitempty"`
	RolloutState         string         `json:"rolloutState"`
	RolloutStateReason   string         `json:"rolloutStateReason"`
}

type ecsServiceOut struct {
	ServiceArn                  string          `json:"serviceArn"`
	ServiceName                 string          `json:"serviceName"`
	ClusterArn                  string          `json:"clusterArn"`
	LoadBalancers               []any           `json:"loadBalancers"`
	ServiceRegistries           []any           `json:"serviceRegistries"`
	Status                      string          `json:"status"`
	DesiredCount                int64           `json:"desiredCount"`
	RunningCount                int64           `json:"runningCount"`
	PendingCount                int64           `json:"pendingCount"`
	LaunchType                  string          `json:"launchType"`
	PlatformVersion             string          `json:"platformVersion,omitempty"`
	PlatformFamily              string          `json:"platformFamily,omitempty"`
	TaskDefinition              string          `json:"taskDefinition"`
	DeploymentConfiguration     map[string]any  `json:"deploymentConfiguration"`
	Deployments                 []ecsDeployment `json:"deployments"`
	Events                      []any           `json:"events"`
	CreatedAt                   float64         `json:"createdAt"`
	PlacementConstraints        []any           `json:"placementConstraints"`
	PlacementStrategy           []any           `json:"placementStrategy"`
	NetworkConfiguration        map[string]any  `json:"networkConfiguration"`
	SchedulingStrategy          string          `json:"schedulingStrategy"`
	DeploymentController        map[string]any  `json:"deploymentController"`
	Tags                        []ecsTag        `json:"tags,omitempty"`
	CreatedBy                   string          `json:"createdBy"`
	EnableECSManagedTags        bool            `json:"enableECSManagedTags"`
	PropagateTags               string          `json:"propagateTags"`
	EnableExecuteCommand        bool            `json:"enableExecuteCommand"`
	AvailabilityZoneRebalancing string          `json:"availabilityZoneRebalancing"`
	TaskSets                    []any           `json:"taskSets"`
}

func ecsDescribeServices(c *Call) {
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
		Include  []string `json:"include"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if len(in.Services) == 0 {
		ecsInvalid(c, "Services cannot be empty.")
		return
	}
	if len(in.Services) > 10 {
		ecsInvalid(c, "services can have at most 10 items.")
		return
	}
	if !ecsIncludeValid(c, in.Include, "TAGS") {
		return
	}
	cluster := ecsFindCluster(c, in.Cluster)
	if cluster == nil {
		c.Error(http.StatusBadRequest, "ClusterNotFoundException", "Cluster not found.")
		return
	}
	withTags := len(in.Include) > 0
	services := []ecsServiceOut{}
	failures := []ecsFailure{}
	members := ecsClusterServices(c, cluster)
	for _, ref := range in.Services {
		var found *Resource
		for _, s := range members {
			if s.ID == ref || ecsARN(c, s, KindECSService) == ref {
				found = s
				break
			}
		}
		if found == nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = "arn:" + svcPartition(c) + ":ecs:" + c.Region + ":" + c.AccountID + ":service/" + cluster.ID + "/" + ref
			}
			failures = append(failures, ecsFailure{Arn: arn, Reason: "MISSING"})
			continue
		}
		services = append(services, ecsRenderService(c, cluster, found, withTags))
	}
	c.JSON(map[string]any{"services": services, "failures": failures})
}

func ecsRenderService(c *Call, cluster, s *Resource, withTags bool) ecsServiceOut {
	created := svcCreated(s)
	launch := svcStr(s, "LaunchType", "FARGATE")
	desired := svcInt(s, "DesiredCount", 1)
	running := svcInt(s, "RunningCount", desired)
	pending := svcInt(s, "PendingCount", max(0, desired-running))
	taskDef := svcStr(s, "TaskDefinition", "arn:"+svcPartition(c)+":ecs:"+c.Region+":"+c.AccountID+":task-definition/"+s.ID+":1")
	deployID := fmt.Sprintf("ecs-svc/%019d", (uint64(svcHash(s.ID, "d1"))<<32|uint64(svcHash(s.ID, "d2")))%1e19)
	out := ecsServiceOut{
		ServiceArn:        ecsARN(c, s, KindECSService),
		ServiceName:       s.ID,
		ClusterArn:        ecsARN(c, cluster, KindECSCluster),
		LoadBalancers:     []any{},
		ServiceRegistries: []any{},
		Status:            svcStr(s, "Status", "ACTIVE"),
		DesiredCount:      desired,
		RunningCount:      running,
		PendingCount:      pending,
		LaunchType:        launch,
		TaskDefinition:    taskDef,
		DeploymentConfiguration: map[string]any{
			"deploymentCircuitBreaker": map[string]any{"enable": false, "rollback": false},
			"maximumPercent":           200,
			"minimumHealthyPercent":    100,
		},
		Events:                      []any{},
		CreatedAt:                   ecsEpoch(created),
		PlacementConstraints:        []any{},
		PlacementStrategy:           []any{},
		NetworkConfiguration:        map[string]any{},
		SchedulingStrategy:          svcStr(s, "SchedulingStrategy", "REPLICA"),
		DeploymentController:        map[string]any{"type": "ECS"},
		CreatedBy:                   "arn:" + svcPartition(c) + ":iam::" + c.AccountID + ":role/admin",
		PropagateTags:               "NONE",
		AvailabilityZoneRebalancing: "DISABLED",
		TaskSets:                    []any{},
	}
	deploy := ecsDeployment{
		ID: deployID, Status: "PRIMARY", TaskDefinition: taskDef,
		DesiredCount: desired, PendingCount: pending, RunningCount: running,
		CreatedAt: ecsEpoch(created), UpdatedAt: ecsEpoch(created), LaunchType: launch,
		RolloutState: "COMPLETED", RolloutStateReason: "ECS deployment " + deployID + " completed.",
	}
	if running < desired {
		deploy.RolloutState, deploy.RolloutStateReason = "IN_PROGRESS", "ECS deployment "+deployID+" in progress."
	}
	if launch == "FARGATE" {
		// Fargate tasks use awsvpc networking and a platform version.
		vpcCfg := map[string]any{
			"subnets":        svcStrings(s, "Subnets", []string{"subnet-" + svcHex(17, s.ID, "subnet")}),
			"securityGroups": svcStrings(s, "SecurityGroups", []string{"sg-" + svcHex(17, s.ID, "sg")}),
			"assignPublicIp": "DISABLED",
		}
		out.NetworkConfiguration = map[string]any{"awsvpcConfiguration": vpcCfg}
		out.PlatformVersion, out.PlatformFamily = "LATEST", "Linux"
		out.AvailabilityZoneRebalancing = "ENABLED"
		deploy.PlatformVersion, deploy.PlatformFamily = "1.4.0", "Linux"
		deploy.NetworkConfiguration = out.NetworkConfiguration
	}
	out.Deployments = []ecsDeployment{deploy}
	if withTags {
		out.Tags = ecsTags(s.Tags)
	}
	return out
}

// ---- ListTaskDefinitions ---------------------------------------------------

func ecsTaskDefARN(c *Call, r *Resource) string {
	if r.ARN != "" {
		return r.ARN
	}
	return "arn:" + svcPartition(c) + ":ecs:" + c.Region + ":" + c.AccountID + ":task-definition/" + r.ID
}

func ecsTaskDefFamily(r *Resource) string {
	fam, _, _ := strings.Cut(r.ID, ":")
	return svcStr(r, "Family", fam)
}

func ecsTaskDefRevision(r *Resource) int64 {
	_, rev, _ := strings.Cut(r.ID, ":")
	n, _ := strconv.ParseInt(rev, 10, 64)
	return svcInt(r, "Revision", n)
}

// ecsTaskDefsSorted are the caller's task definitions by family, then revision.
func ecsTaskDefsSorted(c *Call) []*Resource {
	defs := append([]*Resource(nil), svcResources(c, KindECSTaskDefinition)...)
	sort.SliceStable(defs, func(i, j int) bool {
		fi, fj := ecsTaskDefFamily(defs[i]), ecsTaskDefFamily(defs[j])
		if fi != fj {
			return fi < fj
		}
		return ecsTaskDefRevision(defs[i]) < ecsTaskDefRevision(defs[j])
	})
	return defs
}

func ecsListTaskDefinitions(c *Call) {
	var in struct {
		FamilyPrefix string `json:"familyPrefix"`
		Status       string `json:"status"`
		Sort         string `json:"sort"`
		NextToken    string `json:"nextToken"`
		MaxResults   *int   `json:"maxResults"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	size, ok := ecsPageSize(c, in.MaxResults)
	if !ok {
		return
	}
	status := in.Status
	switch status {
	case "":
		status = "ACTIVE"
	case "ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS":
	default:
		ecsInvalid(c, "Invalid status: "+in.Status)
		return
	}
	var matched []*Resource
	for _, r := range ecsTaskDefsSorted(c) {
		if svcStr(r, "Status", "ACTIVE") != status {
			continue
		}
		if in.FamilyPrefix != "" && ecsTaskDefFamily(r) != in.FamilyPrefix {
			continue
		}
		matched = append(matched, r)
	}
	if in.Sort == "DESC" {
		slices.Reverse(matched)
	}
	start, end, next, ok := ecsPage(c, len(matched), in.NextToken, size, 100)
	if !ok {
		return
	}
	arns := []string{}
	for _, r := range matched[start:end] {
		arns = append(arns, ecsTaskDefARN(c, r))
	}
	out := map[string]any{"taskDefinitionArns": arns}
	if next != "" {
		out["nextToken"] = next
	}
	c.JSON(out)
}

// ---- DescribeTaskDefinition ------------------------------------------------

type ecsContainerDef struct {
	Name             string           `json:"name"`
	Image            string           `json:"image"`
	Cpu              int64            `json:"cpu"`
	Memory           int64            `json:"memory,omitempty"`
	Essential        bool             `json:"essential"`
	PortMappings     []map[string]any `json:"portMappings"`
	Environment      []ecsKV          `json:"environment"`
	MountPoints      []any            `json:"mountPoints"`
	VolumesFrom      []any            `json:"volumesFrom"`
	LogConfiguration map[string]any   `json:"logConfiguration,omitempty"`
	SystemControls   []any            `json:"systemControls"`
}

type ecsTaskDefOut struct {
	TaskDefinitionArn       string              `json:"taskDefinitionArn"`
	ContainerDefinitions    []ecsContainerDef   `json:"containerDefinitions"`
	Family                  string              `json:"family"`
	TaskRoleArn             string              `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        string              `json:"executionRoleArn,omitempty"`
	NetworkMode             string              `json:"networkMode"`
	Revision                int64               `json:"revision"`
	Volumes                 []any               `json:"volumes"`
	Status                  string              `json:"status"`
	RequiresAttributes      []map[string]string `json:"requiresAttributes"`
	PlacementConstraints    []any               `json:"placementConstraints"`
	Compatibilities         []string            `json:"compatibilities"`
	RuntimePlatform         map[string]string   `json:"runtimePlatform,omitempty"`
	RequiresCompatibilities []string            `json:"requiresCompatibilities"`
	Cpu                     string              `json:"cpu,omitempty"`
	Memory                  string              `json:"memory,omitempty"`
	RegisteredAt            float64             `json:"registeredAt"`
	DeregisteredAt          *float64            `json:"deregisteredAt,omitempty"`
	RegisteredBy            string              `json:"registeredBy"`
}

// ecsFindTaskDef resolves "family", "family:revision" or the full ARN; a bare
// family is its latest ACTIVE revision, as AWS does.
func ecsFindTaskDef(c *Call, ref string) *Resource {
	defs := ecsTaskDefsSorted(c)
	if !strings.Contains(ref, ":") {
		var latest *Resource
		for _, r := range defs {
			if ecsTaskDefFamily(r) == ref && svcStr(r, "Status", "ACTIVE") == "ACTIVE" {
				latest = r
			}
		}
		return latest
	}
	for _, r := range defs {
		if r.ID == ref || ecsTaskDefARN(c, r) == ref {
			return r
		}
	}
	return nil
}

func ecsDescribeTaskDefinition(c *Call) {
	var in struct {
		TaskDefinition string   `json:"taskDefinition"`
		Include        []string `json:"include"`
	}
	if !svcDecodeJSON(c, &in) {
		return
	}
	if in.TaskDefinition == "" {
		ecsInvalid(c, "taskDefinition can not be blank.")
		return
	}
	if !ecsIncludeValid(c, in.Include, "TAGS") {
		return
	}
	r := ecsFindTaskDef(c, in.TaskDefinition)
	if r == nil {
		// AWS answers a task definition that does not exist with ClientException.
		c.Error(http.StatusBadRequest, "ClientException", "Unable to describe task definition.")
		return
	}
	out := map[string]any{"taskDefinition": ecsRenderTaskDef(c, r)}
	if len(in.Include) > 0 {
		out["tags"] = ecsTags(r.Tags)
	}
	c.JSON(out)
}

func ecsRenderTaskDef(c *Call, r *Resource) ecsTaskDefOut {
	family := ecsTaskDefFamily(r)
	compat := svcStrings(r, "RequiresCompatibilities", []string{"FARGATE"})
	mode := svcStr(r, "NetworkMode", "awsvpc")
	port := svcInt(r, "ContainerPort", 8080)
	ctr := ecsContainerDef{
		Name: family, Image: svcStr(r, "Image", "public.ecr.aws/nginx/nginx:latest"), Essential: true,
		PortMappings: []map[string]any{{"containerPort": port, "hostPort": port, "protocol": "tcp"}},
		Environment:  []ecsKV{{Name: "PORT", Value: strconv.FormatInt(port, 10)}},
		MountPoints:  []any{}, VolumesFrom: []any{}, SystemControls: []any{},
		LogConfiguration: map[string]any{"logDriver": "awslogs", "options": map[string]string{
			"awslogs-group": "/ecs/" + family, "awslogs-region": c.Region, "awslogs-stream-prefix": "ecs"}},
	}
	out := ecsTaskDefOut{
		TaskDefinitionArn:       ecsTaskDefARN(c, r),
		Family:                  family,
		TaskRoleArn:             svcStr(r, "TaskRoleArn", ""),
		ExecutionRoleArn:        svcStr(r, "ExecutionRoleArn", ""),
		NetworkMode:             mode,
		Revision:                ecsTaskDefRevision(r),
		Volumes:                 []any{},
		Status:                  svcStr(r, "Status", "ACTIVE"),
		RequiresAttributes:      []map[string]string{{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}},
		PlacementConstraints:    []any{},
		Compatibilities:         []string{"EC2"},
		RequiresCompatibilities: compat,
		Cpu:                     svcStr(r, "Cpu", "256"),
		Memory:                  svcStr(r, "Memory", "512"),
		RegisteredAt:            ecsEpoch(svcCreated(r)),
		RegisteredBy:            "arn:" + svcPartition(c) + ":iam::" + c.AccountID + ":role/admin",
	}
	if slices.Contains(compat, "FARGATE") {
		out.Compatibilities = []string{"EC2", "FARGATE"}
		out.RuntimePlatform = map[string]string{"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}
		out.RequiresAttributes = append(out.RequiresAttributes, map[string]string{"name": "ecs.capability.task-eni"})
	}
	if out.ExecutionRoleArn != "" {
		out.RequiresAttributes = append(out.RequiresAttributes, map[string]string{"name": "ecs.capability.execution-role-awslogs"})
	}
	if out.TaskRoleArn != "" {
		out.RequiresAttributes = append(out.RequiresAttributes, map[string]string{"name": "com.amazonaws.ecs.capability.task-iam-role"})
	}
	// The container takes the task's memory (Fargate) or reserves its own (EC2).
	ctr.Memory, _ = strconv.ParseInt(out.Memory, 10, 64)
	if mode != "awsvpc" {
		ctr.Memory = 256
		ctr.PortMappings[0]["hostPort"] = 0 // bridge: dynamic host port
	}
	out.ContainerDefinitions = []ecsContainerDef{ctr}
	if out.Status != "ACTIVE" {
		t := ecsEpoch(svcTime(r, "DeregisteredAt", svcCreated(r).Add(24*time.Hour)))
		out.DeregisteredAt = &t
	}
	return out
}

// genECSTaskDefinitions registers the task definition each generated service
// runs (ACTIVE, with the revision before it INACTIVE for some) and a few
// families no service uses (scheduled jobs), from a side stream so the
// resources generated before do not change.
func (g *generator) genECSTaskDefinitions(a *Account, region string) {
	rng := g.sideRNG(a, region, KindECSTaskDefinition)
	var defs []*Resource
	add := func(family string, rev int, fargate bool, status string, created time.Time) {
		id := fmt.Sprintf("%s:%d", family, rev)
		attrs := map[string]any{"Family": family, "Revision": int64(rev), "Status": status,
			"Image":         fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s/%s:%d", a.ID, region, genTeams[rng.IntN(len(genTeams))], family, rev),
			"ContainerPort": int64([]int{80, 8080, 3000, 9000}[rng.IntN(4)])}
		if fargate {
			attrs["RequiresCompatibilities"], attrs["NetworkMode"] = []string{"FARGATE"}, "awsvpc"
			attrs["Cpu"], attrs["Memory"] = []string{"256", "512", "1024"}[rng.IntN(3)], []string{"512", "1024", "2048"}[rng.IntN(3)]
			attrs["ExecutionRoleArn"] = "arn:" + g.spec.Partition + ":iam::" + a.ID + ":role/ecsTaskExecutionRole"
		} else {
			attrs["RequiresCompatibilities"], attrs["NetworkMode"] = []string{"EC2"}, "bridge"
			attrs["Cpu"], attrs["Memory"] = "128", "256"
		}
		if rng.IntN(3) != 0 {
			attrs["TaskRoleArn"] = "arn:" + g.spec.Partition + ":iam::" + a.ID + ":role/" + family + "-task"
		}
		if status != "ACTIVE" {
			attrs["DeregisteredAt"] = created.Add(time.Duration(1+rng.IntN(30)) * 24 * time.Hour)
		}
		tags := sideTags(rng, a, 4)
		defs = append(defs, &Resource{ID: id, Name: family, ARN: g.arn("ecs", region, a.ID, "task-definition/"+id),
			CreatedAt: created, Tags: tags, Attributes: attrs})
	}
	for _, s := range a.Resources[ResourceKey{Region: region, Kind: KindECSService}] {
		ref := ecsNameFromARN(s.AttrString("TaskDefinition"))
		family, revStr, ok := strings.Cut(ref, ":")
		rev, err := strconv.Atoi(revStr)
		if !ok || err != nil || family == "" {
			continue
		}
		fargate := s.AttrString("LaunchType") != "EC2"
		if rev > 1 && rng.IntN(2) == 0 {
			add(family, rev-1, fargate, "INACTIVE", s.CreatedAt)
		}
		add(family, rev, fargate, "ACTIVE", s.CreatedAt.Add(time.Duration(rng.IntN(90*24))*time.Hour))
	}
	n := g.sideCount(rng) / 2
	for i := 0; i < n; i++ {
		family := fmt.Sprintf("%s-%s-job-%d", genTeams[rng.IntN(len(genTeams))], genWords[rng.IntN(len(genWords))], i+1)
		add(family, 1+rng.IntN(5), rng.IntN(3) != 0, "ACTIVE", a.JoinedAt.Add(time.Duration(rng.Int64N(400*24*3600))*time.Second))
	}
	if len(defs) > 0 {
		key := ResourceKey{Region: region, Kind: KindECSTaskDefinition}
		a.Resources[key] = append(a.Resources[key], defs...)
	}
}
