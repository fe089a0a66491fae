package awsemu

import (
	"fmt"
	"net/http"
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
	case "ListClusters", "DescribeClusters", "ListServices", "DescribeServices":
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

// ecsDecode reads the JSON request; a malformed body is SerializationException.
func ecsDecode(c *Call, v any) bool {
	if err := c.DecodeJSON(v); err != nil {
		c.Error(http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected.")
		return false
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
	if !ecsDecode(c, &in) {
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
	if !ecsDecode(c, &in) {
		return
	}
	for _, i := range in.Include {
		switch i {
		case "ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS":
		default:
			ecsInvalid(c, fmt.Sprintf("Invalid include value: %s", i))
			return
		}
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
	if !ecsDecode(c, &in) {
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
	if !ecsDecode(c, &in) {
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
	for _, i := range in.Include {
		if i != "TAGS" {
			ecsInvalid(c, fmt.Sprintf("Invalid include value: %s", i))
			return
		}
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
