package awsemu_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// addECS gives the management account in us-east-1 five more clusters, the
// first with 13 services.
func (e *svcEnv) addECS(t *testing.T) (clusterARN string) {
	t.Helper()
	region := "us-east-1"
	arn := func(res string) string { return "arn:aws:ecs:" + region + ":" + e.mgmt + ":" + res }
	e.add(t, e.mgmt, region, awsemu.KindECSCluster, 5, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("zz-cluster-%d", i)
		return &awsemu.Resource{ID: name, Name: name, ARN: arn("cluster/" + name), Tags: map[string]string{"team": "t"},
			CreatedAt: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), Attributes: map[string]any{"RegisteredContainerInstancesCount": int32(i)}}
	})
	clusterARN = arn("cluster/zz-cluster-0")
	e.add(t, e.mgmt, region, awsemu.KindECSService, 13, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("zz-svc-%d", i)
		lt := "FARGATE"
		if i%2 == 1 {
			lt = "EC2"
		}
		return &awsemu.Resource{ID: name, Name: name, ARN: arn("service/zz-cluster-0/" + name), Parent: clusterARN,
			CreatedAt: time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC), Tags: map[string]string{"svc": name},
			Attributes: map[string]any{"ClusterName": "zz-cluster-0", "DesiredCount": int32(3), "RunningCount": int32(2), "PendingCount": int32(1),
				"LaunchType": lt, "TaskDefinition": arn("task-definition/zz:7"), "Status": "ACTIVE", "SchedulingStrategy": "REPLICA"}}
	})
	return clusterARN
}

func TestECSClustersPaginateAndDescribe(t *testing.T) {
	e := svcStart(t)
	e.addECS(t)
	want := e.resources(e.mgmt, "us-east-1", awsemu.KindECSCluster)
	client := ecs.NewFromConfig(e.cfg("us-east-1"))

	p := ecs.NewListClustersPaginator(client, &ecs.ListClustersInput{MaxResults: aws.Int32(2)})
	var arns []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list clusters: %v", err)
		}
		pages++
		if len(out.ClusterArns) > 2 {
			t.Errorf("page of %d clusters", len(out.ClusterArns))
		}
		arns = append(arns, out.ClusterArns...)
	}
	if len(arns) != len(want) || pages != (len(want)+1)/2 {
		t.Fatalf("got %d cluster ARNs in %d pages, org holds %d", len(arns), pages, len(want))
	}

	out, err := client.DescribeClusters(e.ctx, &ecs.DescribeClustersInput{
		Clusters: append(append([]string{}, arns...), "nope", "arn:aws:ecs:us-east-1:"+e.mgmt+":cluster/gone"),
		Include:  []ecstypes.ClusterField{"TAGS", "SETTINGS", "STATISTICS", "ATTACHMENTS", "CONFIGURATIONS"},
	})
	if err != nil {
		t.Fatalf("describe clusters: %v", err)
	}
	if len(out.Clusters) != len(want) || len(out.Failures) != 2 {
		t.Fatalf("described %d clusters and %d failures, want %d and 2", len(out.Clusters), len(out.Failures), len(want))
	}
	for _, f := range out.Failures {
		if aws.ToString(f.Reason) != "MISSING" {
			t.Errorf("failure %s reason %s", aws.ToString(f.Arn), aws.ToString(f.Reason))
		}
	}
	if aws.ToString(out.Failures[0].Arn) != "arn:aws:ecs:us-east-1:"+e.mgmt+":cluster/nope" {
		t.Errorf("failure arn for a name = %s", aws.ToString(out.Failures[0].Arn))
	}
	for _, c := range out.Clusters {
		if aws.ToString(c.ClusterArn) == "" || aws.ToString(c.ClusterName) == "" || aws.ToString(c.Status) != "ACTIVE" {
			t.Errorf("cluster identity decoded wrong: %+v", c)
		}
		if len(c.Tags) == 0 || len(c.Settings) != 1 || len(c.Statistics) == 0 || c.Configuration == nil || c.Attachments == nil || c.CapacityProviders == nil {
			t.Errorf("cluster %s include fields missing: tags=%d settings=%d stats=%d config=%v attachments=%v cps=%v", aws.ToString(c.ClusterName),
				len(c.Tags), len(c.Settings), len(c.Statistics), c.Configuration, c.Attachments, c.CapacityProviders == nil)
		}
		if aws.ToString(c.ClusterName) == "zz-cluster-0" {
			if c.ActiveServicesCount != 13 || c.RunningTasksCount != 26 || c.PendingTasksCount != 13 {
				t.Errorf("zz-cluster-0 counts: services=%d running=%d pending=%d", c.ActiveServicesCount, c.RunningTasksCount, c.PendingTasksCount)
			}
		}
		if aws.ToString(c.ClusterName) == "zz-cluster-3" && c.RegisteredContainerInstancesCount != 3 {
			t.Errorf("zz-cluster-3 container instances = %d", c.RegisteredContainerInstancesCount)
		}
	}

	// Without include, tags and settings stay out.
	plain, err := client.DescribeClusters(e.ctx, &ecs.DescribeClustersInput{Clusters: []string{"zz-cluster-0"}})
	if err != nil || len(plain.Clusters) != 1 {
		t.Fatalf("plain describe: %v", err)
	}
	if len(plain.Clusters[0].Tags) != 0 || plain.Clusters[0].Settings != nil {
		t.Errorf("tags/settings returned without include: %+v", plain.Clusters[0])
	}

	_, err = client.ListClusters(e.ctx, &ecs.ListClustersInput{NextToken: aws.String("bogus")})
	svcAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
	var ipe *ecstypes.InvalidParameterException
	if !errors.As(err, &ipe) {
		t.Errorf("bad token error is %T, want *types.InvalidParameterException", err)
	}
}

func TestECSServicesPaginateAndDescribe(t *testing.T) {
	e := svcStart(t)
	clusterARN := e.addECS(t)
	client := ecs.NewFromConfig(e.cfg("us-east-1"))

	p := ecs.NewListServicesPaginator(client, &ecs.ListServicesInput{Cluster: aws.String("zz-cluster-0"), MaxResults: aws.Int32(4)})
	var arns []string
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list services: %v", err)
		}
		if len(out.ServiceArns) > 4 {
			t.Errorf("page of %d services", len(out.ServiceArns))
		}
		arns = append(arns, out.ServiceArns...)
	}
	if len(arns) != 13 {
		t.Fatalf("listed %d services, cluster holds 13", len(arns))
	}
	// Default page size is 10.
	first, err := client.ListServices(e.ctx, &ecs.ListServicesInput{Cluster: aws.String(clusterARN)})
	if err != nil || len(first.ServiceArns) != 10 || first.NextToken == nil {
		t.Fatalf("default page: %d arns, token %v, err %v", len(first.ServiceArns), first.NextToken, err)
	}
	ec2Only, err := client.ListServices(e.ctx, &ecs.ListServicesInput{Cluster: aws.String(clusterARN), LaunchType: ecstypes.LaunchTypeEc2, MaxResults: aws.Int32(100)})
	if err != nil || len(ec2Only.ServiceArns) != 6 {
		t.Fatalf("EC2 services: %d, err %v", len(ec2Only.ServiceArns), err)
	}

	var described []ecstypes.Service
	for i := 0; i < len(arns); i += 10 {
		batch := arns[i:min(i+10, len(arns))]
		out, err := client.DescribeServices(e.ctx, &ecs.DescribeServicesInput{Cluster: aws.String(clusterARN), Services: batch,
			Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil {
			t.Fatalf("describe services: %v", err)
		}
		if len(out.Failures) != 0 {
			t.Errorf("failures: %+v", out.Failures)
		}
		described = append(described, out.Services...)
	}
	if len(described) != 13 {
		t.Fatalf("described %d services", len(described))
	}
	for _, s := range described {
		name := aws.ToString(s.ServiceName)
		if aws.ToString(s.ClusterArn) != clusterARN || aws.ToString(s.Status) != "ACTIVE" || s.DesiredCount != 3 || s.RunningCount != 2 ||
			s.PendingCount != 1 || aws.ToString(s.TaskDefinition) != "arn:aws:ecs:us-east-1:"+e.mgmt+":task-definition/zz:7" ||
			aws.ToString(s.ServiceArn) != "arn:aws:ecs:us-east-1:"+e.mgmt+":service/zz-cluster-0/"+name {
			t.Errorf("service %s decoded wrong: %+v", name, s)
		}
		if s.CreatedAt == nil || !s.CreatedAt.Equal(time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC)) {
			t.Errorf("service %s createdAt = %v", name, s.CreatedAt)
		}
		if s.LaunchType != ecstypes.LaunchTypeFargate && s.LaunchType != ecstypes.LaunchTypeEc2 {
			t.Errorf("service %s launch type %q", name, s.LaunchType)
		}
		if len(s.Tags) != 1 || aws.ToString(s.Tags[0].Value) != name || len(s.Deployments) != 1 {
			t.Errorf("service %s tags %+v deployments %d", name, s.Tags, len(s.Deployments))
		}
	}

	out, err := client.DescribeServices(e.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("zz-cluster-0"), Services: []string{"zz-svc-0", "nope"}})
	if err != nil || len(out.Services) != 1 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Fatalf("describe with a missing service: %+v, err %v", out, err)
	}
	if len(out.Services[0].Tags) != 0 {
		t.Errorf("tags without include: %+v", out.Services[0].Tags)
	}
	_, err = client.DescribeServices(e.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("zz-cluster-0"), Services: arns[:11]})
	svcAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)

	_, err = client.ListServices(e.ctx, &ecs.ListServicesInput{Cluster: aws.String("no-such-cluster")})
	var cnf *ecstypes.ClusterNotFoundException
	if !errors.As(err, &cnf) {
		t.Fatalf("list services of a missing cluster: %T %v, want *types.ClusterNotFoundException", err, err)
	}
	_, err = client.DescribeServices(e.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("no-such-cluster"), Services: []string{"x"}})
	if !errors.As(err, &cnf) {
		t.Fatalf("describe services of a missing cluster: %v", err)
	}
}

func TestECSCallerAccountAndFaults(t *testing.T) {
	e := svcStart(t)
	want := len(e.resources(e.member, "eu-west-1", awsemu.KindECSCluster))
	client := ecs.NewFromConfig(e.memberCfg("eu-west-1"))
	out, err := client.ListClusters(e.ctx, &ecs.ListClustersInput{})
	if err != nil {
		t.Fatalf("member list clusters: %v", err)
	}
	if len(out.ClusterArns) != want {
		t.Errorf("member sees %d clusters, holds %d", len(out.ClusterArns), want)
	}
	for _, a := range out.ClusterArns {
		if want := ":" + e.member + ":cluster/"; !strings.Contains(a, want) {
			t.Errorf("member sees cluster %s", a)
		}
	}

	e.srv.Faults().DenyAccess(e.member, "ecs", "")
	_, err = client.ListClusters(e.ctx, &ecs.ListClustersInput{})
	var ade *ecstypes.AccessDeniedException
	if !errors.As(err, &ade) {
		t.Fatalf("denied call: %T %v, want *types.AccessDeniedException", err, err)
	}
	e.clearFaults()

	mgmt := ecs.NewFromConfig(e.cfg("us-east-1"))
	svcCheckThrottle(t, e.srv, "ecs", "ThrottlingException", http.StatusBadRequest, func() error {
		_, err := mgmt.ListClusters(e.ctx, &ecs.ListClustersInput{})
		return err
	})
}

func TestECSTaskDefinitionsListAndDescribe(t *testing.T) {
	e := svcStart(t)
	region := "us-east-1"
	arn := func(id string) string { return "arn:aws:ecs:" + region + ":" + e.mgmt + ":task-definition/" + id }
	// zz-app has revisions 1 (INACTIVE) to 3; zz-job one EC2 revision, untagged.
	e.add(t, e.mgmt, region, awsemu.KindECSTaskDefinition, 4, func(i int) *awsemu.Resource {
		family, rev, status := "zz-app", i+1, "ACTIVE"
		attrs := map[string]any{"TaskRoleArn": "arn:aws:iam::" + e.mgmt + ":role/app", "ExecutionRoleArn": "arn:aws:iam::" + e.mgmt + ":role/exec"}
		tags := map[string]string{"team": "t"}
		switch i {
		case 0:
			status = "INACTIVE"
		case 3:
			family, rev, tags = "zz-job", 7, nil
			attrs = map[string]any{"RequiresCompatibilities": []string{"EC2"}, "NetworkMode": "bridge"}
		}
		attrs["Status"] = status
		id := fmt.Sprintf("%s:%d", family, rev)
		return &awsemu.Resource{ID: id, Name: family, ARN: arn(id), Tags: tags,
			CreatedAt: time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC), Attributes: attrs}
	})
	client := ecs.NewFromConfig(e.cfg(region))

	var active []string
	p := ecs.NewListTaskDefinitionsPaginator(client, &ecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list task definitions: %v", err)
		}
		if len(out.TaskDefinitionArns) > 2 {
			t.Errorf("page of %d", len(out.TaskDefinitionArns))
		}
		active = append(active, out.TaskDefinitionArns...)
	}
	generated := 0
	for _, r := range e.resources(e.mgmt, region, awsemu.KindECSTaskDefinition) {
		if r.AttrString("Status") == "ACTIVE" {
			generated++
		}
	}
	if len(active) != generated {
		t.Fatalf("listed %d ACTIVE task definitions, account holds %d", len(active), generated)
	}
	for _, a := range active {
		if strings.HasSuffix(a, "/zz-app:1") {
			t.Errorf("INACTIVE revision listed as ACTIVE: %s", a)
		}
	}
	fam, err := client.ListTaskDefinitions(e.ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("zz-app"), Sort: ecstypes.SortOrderDesc})
	if err != nil || len(fam.TaskDefinitionArns) != 2 || fam.TaskDefinitionArns[0] != arn("zz-app:3") {
		t.Fatalf("family zz-app DESC: %v, err %v", fam.TaskDefinitionArns, err)
	}
	inactive, err := client.ListTaskDefinitions(e.ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("zz-app"), Status: ecstypes.TaskDefinitionStatusInactive})
	if err != nil || len(inactive.TaskDefinitionArns) != 1 || inactive.TaskDefinitionArns[0] != arn("zz-app:1") {
		t.Fatalf("INACTIVE: %v, err %v", inactive.TaskDefinitionArns, err)
	}

	out, err := client.DescribeTaskDefinition(e.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn("zz-app:2")),
		Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	td := out.TaskDefinition
	if aws.ToString(td.TaskDefinitionArn) != arn("zz-app:2") || aws.ToString(td.Family) != "zz-app" || td.Revision != 2 ||
		td.Status != ecstypes.TaskDefinitionStatusActive || td.NetworkMode != ecstypes.NetworkModeAwsvpc ||
		aws.ToString(td.TaskRoleArn) == "" || aws.ToString(td.Cpu) != "256" || len(td.ContainerDefinitions) != 1 ||
		len(td.RequiresCompatibilities) != 1 || td.RequiresCompatibilities[0] != ecstypes.CompatibilityFargate {
		t.Errorf("described wrong: %+v", td)
	}
	if td.RegisteredAt == nil || !td.RegisteredAt.Equal(time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)) {
		t.Errorf("registeredAt = %v", td.RegisteredAt)
	}
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "team" {
		t.Errorf("tags = %+v", out.Tags)
	}
	// A bare family is its latest ACTIVE revision; without include, no tags.
	latest, err := client.DescribeTaskDefinition(e.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("zz-app")})
	if err != nil || latest.TaskDefinition.Revision != 3 || len(latest.Tags) != 0 {
		t.Fatalf("latest zz-app: %+v, err %v", latest, err)
	}
	old, err := client.DescribeTaskDefinition(e.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("zz-app:1")})
	if err != nil || old.TaskDefinition.Status != ecstypes.TaskDefinitionStatusInactive || old.TaskDefinition.DeregisteredAt == nil {
		t.Fatalf("INACTIVE revision: %+v, err %v", old, err)
	}
	job, err := client.DescribeTaskDefinition(e.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("zz-job:7"),
		Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	if err != nil || job.TaskDefinition.NetworkMode != ecstypes.NetworkModeBridge || job.TaskDefinition.TaskRoleArn != nil || len(job.Tags) != 0 {
		t.Fatalf("zz-job: %+v, err %v", job, err)
	}

	_, err = client.DescribeTaskDefinition(e.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn("zz-app:99"))})
	svcAPIError(t, err, "ClientException", http.StatusBadRequest)
	var ce *ecstypes.ClientException
	if !errors.As(err, &ce) {
		t.Errorf("missing task definition: %T, want *types.ClientException", err)
	}
	_, err = client.ListTaskDefinitions(e.ctx, &ecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(101)})
	svcAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)

	// Faults reach the new operations like the others.
	e.srv.Faults().Add(awsemu.FaultRule{Service: "ecs", Operation: "DescribeTaskDefinition", Status: 400, Code: "ThrottlingException", Count: 1})
	_, err = client.DescribeTaskDefinition(e.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("zz-app:2")},
		func(o *ecs.Options) { o.Retryer = aws.NopRetryer{} })
	svcAPIError(t, err, "ThrottlingException", http.StatusBadRequest)
}

func TestECSGeneratedTaskDefinitionsMatchServices(t *testing.T) {
	org := awsemu.Generate(awsemu.Spec{Seed: 3, Accounts: 2, ResourcesPerKind: 3})
	services, defs := 0, map[string]bool{}
	for _, a := range org.Accounts {
		for key, rs := range a.Resources {
			switch key.Kind {
			case awsemu.KindECSTaskDefinition:
				for _, r := range rs {
					defs[r.ARN] = r.AttrString("Status") == "ACTIVE"
				}
			}
		}
	}
	for _, a := range org.Accounts {
		for key, rs := range a.Resources {
			if key.Kind != awsemu.KindECSService {
				continue
			}
			for _, s := range rs {
				services++
				if active, ok := defs[s.AttrString("TaskDefinition")]; !ok || !active {
					t.Errorf("service %s runs %s, which is not an ACTIVE generated task definition", s.ID, s.AttrString("TaskDefinition"))
				}
			}
		}
	}
	if services == 0 || len(defs) <= services {
		t.Errorf("%d services, %d task definitions: want services and more definitions than services", services, len(defs))
	}
}
