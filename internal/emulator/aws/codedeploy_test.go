package awsemu_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// cdOrg is a hand-built CodeDeploy setup: 103 applications (so listing pages),
// one Server group on app-000 with a finished, a failed and a not-yet-started
// deployment, three instance targets on the finished one.
func cdOrg(t *testing.T, e *svcEnv, region string) (finished, failed, queued string, created time.Time) {
	t.Helper()
	e.srv.Update(func(o *awsemu.Org) { // only what this test builds
		for _, k := range []string{awsemu.KindCodeDeployApplication, awsemu.KindCodeDeployDeploymentGroup,
			awsemu.KindCodeDeployDeployment, awsemu.KindCodeDeployDeploymentTarget} {
			delete(o.Accounts[e.mgmt].Resources, awsemu.ResourceKey{Region: region, Kind: k})
		}
	})
	e.add(t, e.mgmt, region, awsemu.KindCodeDeployApplication, 103, func(i int) *awsemu.Resource {
		name := fmt.Sprintf("app-%03d", i)
		r := &awsemu.Resource{ID: name, Name: name, CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
			Attributes: map[string]any{"ComputePlatform": "Server", "ApplicationId": "id-" + name}}
		if i == 0 {
			r.Tags = map[string]string{"team": "web", "env": "prod"}
			r.Attributes["GitHubAccountName"] = "octo"
		}
		return r
	})
	e.add(t, e.mgmt, region, awsemu.KindCodeDeployDeploymentGroup, 1, func(int) *awsemu.Resource {
		return &awsemu.Resource{ID: "app-000/prod", Name: "prod", Parent: "app-000", Tags: map[string]string{"tier": "1"},
			Attributes: map[string]any{"Ec2TagKey": "app", "Ec2TagValue": "web", "AutoRollback": true, "AlarmNames": []string{"a1"}}}
	})
	created = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	finished, failed, queued = "d-AAAAAAAAA", "d-BBBBBBBBB", "d-CCCCCCCCC"
	for i, d := range []struct {
		id, status string
		at         time.Time
	}{{finished, "Succeeded", created}, {failed, "Failed", created.Add(24 * time.Hour)}, {queued, "Created", created.Add(48 * time.Hour)}} {
		e.add(t, e.mgmt, region, awsemu.KindCodeDeployDeployment, 1, func(int) *awsemu.Resource {
			attrs := map[string]any{"Status": d.status, "RevisionBucket": "b", "RevisionKey": fmt.Sprintf("k%d.zip", i)}
			if d.status != "Created" {
				attrs["CompleteTime"] = d.at.Add(time.Minute)
			}
			return &awsemu.Resource{ID: d.id, Name: d.id, Parent: "app-000/prod", CreatedAt: d.at, Attributes: attrs}
		})
	}
	e.add(t, e.mgmt, region, awsemu.KindCodeDeployDeploymentTarget, 3, func(i int) *awsemu.Resource {
		id := fmt.Sprintf("i-%017d", i)
		return &awsemu.Resource{ID: id, Name: id, Parent: finished, Attributes: map[string]any{"TargetType": "InstanceTarget",
			"Status": "Succeeded", "TargetArn": "arn:aws:ec2:" + region + ":" + e.mgmt + ":instance/" + id, "Events": []string{"Install", "ValidateService"}}}
	})
	return finished, failed, queued, created
}

func TestCodeDeployApplicationsAndGroups(t *testing.T) {
	e := svcStart(t)
	region := "us-west-2"
	cdOrg(t, e, region)
	client := codedeploy.NewFromConfig(e.cfg(region))

	var names []string
	pages := 0
	p := codedeploy.NewListApplicationsPaginator(client, &codedeploy.ListApplicationsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(e.ctx)
		if err != nil {
			t.Fatalf("list applications: %v", err)
		}
		pages++
		names = append(names, out.Applications...)
	}
	if pages != 2 || len(names) != 103 {
		t.Fatalf("%d pages, %d applications", pages, len(names))
	}
	apps, err := client.BatchGetApplications(e.ctx, &codedeploy.BatchGetApplicationsInput{ApplicationNames: []string{"app-000", "app-001"}})
	if err != nil {
		t.Fatal(err)
	}
	a := apps.ApplicationsInfo[0]
	if aws.ToString(a.ApplicationName) != "app-000" || aws.ToString(a.ApplicationId) != "id-app-000" || a.ComputePlatform != cdtypes.ComputePlatformServer ||
		!a.LinkedToGitHub || aws.ToString(a.GitHubAccountName) != "octo" || !a.CreateTime.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) ||
		apps.ApplicationsInfo[1].LinkedToGitHub {
		t.Fatalf("applications %+v", apps.ApplicationsInfo)
	}
	_, err = client.BatchGetApplications(e.ctx, &codedeploy.BatchGetApplicationsInput{ApplicationNames: []string{"nope"}})
	svcAPIError(t, err, "ApplicationDoesNotExistException", 400)
	_, err = client.BatchGetApplications(e.ctx, &codedeploy.BatchGetApplicationsInput{ApplicationNames: names})
	svcAPIError(t, err, "BatchLimitExceededException", 400)

	tags, err := client.ListTagsForResource(e.ctx, &codedeploy.ListTagsForResourceInput{
		ResourceArn: aws.String("arn:aws:codedeploy:" + region + ":" + e.mgmt + ":application:app-000")})
	if err != nil || len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Key) != "env" || aws.ToString(tags.Tags[1].Value) != "web" {
		t.Fatalf("application tags %+v, %v", tags, err)
	}
	tags, err = client.ListTagsForResource(e.ctx, &codedeploy.ListTagsForResourceInput{
		ResourceArn: aws.String("arn:aws:codedeploy:" + region + ":" + e.mgmt + ":deploymentgroup:app-000/prod")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "tier" {
		t.Fatalf("group tags %+v, %v", tags, err)
	}
	_, err = client.ListTagsForResource(e.ctx, &codedeploy.ListTagsForResourceInput{
		ResourceArn: aws.String("arn:aws:codedeploy:" + region + ":" + e.mgmt + ":application:gone")})
	svcAPIError(t, err, "ApplicationDoesNotExistException", 400)

	groups, err := client.ListDeploymentGroups(e.ctx, &codedeploy.ListDeploymentGroupsInput{ApplicationName: aws.String("app-000")})
	if err != nil || len(groups.DeploymentGroups) != 1 || groups.DeploymentGroups[0] != "prod" {
		t.Fatalf("groups %+v, %v", groups, err)
	}
	_, err = client.ListDeploymentGroups(e.ctx, &codedeploy.ListDeploymentGroupsInput{ApplicationName: aws.String("gone")})
	svcAPIError(t, err, "ApplicationDoesNotExistException", 400)
	info, err := client.BatchGetDeploymentGroups(e.ctx, &codedeploy.BatchGetDeploymentGroupsInput{
		ApplicationName: aws.String("app-000"), DeploymentGroupNames: []string{"prod", "missing"}})
	if err != nil || len(info.DeploymentGroupsInfo) != 1 || aws.ToString(info.ErrorMessage) == "" {
		t.Fatalf("group info %+v, %v", info, err)
	}
	gi := info.DeploymentGroupsInfo[0]
	if aws.ToString(gi.DeploymentGroupName) != "prod" || aws.ToString(gi.ApplicationName) != "app-000" || len(gi.Ec2TagFilters) != 1 ||
		aws.ToString(gi.Ec2TagFilters[0].Key) != "app" || gi.Ec2TagFilters[0].Type != cdtypes.EC2TagFilterTypeKeyAndValue ||
		!gi.AutoRollbackConfiguration.Enabled || len(gi.AlarmConfiguration.Alarms) != 1 ||
		aws.ToString(gi.LastAttemptedDeployment.DeploymentId) != "d-BBBBBBBBB" || // the queued one never started
		aws.ToString(gi.LastSuccessfulDeployment.DeploymentId) != "d-AAAAAAAAA" || gi.TargetRevision == nil {
		t.Fatalf("group %+v", gi)
	}
}

func TestCodeDeployDeploymentsAndTargets(t *testing.T) {
	e := svcStart(t)
	region := "us-west-2"
	finished, failed, queued, created := cdOrg(t, e, region)
	client := codedeploy.NewFromConfig(e.cfg(region))

	all, err := client.ListDeployments(e.ctx, &codedeploy.ListDeploymentsInput{})
	if err != nil || fmt.Sprint(all.Deployments) != fmt.Sprint([]string{queued, failed, finished}) {
		t.Fatalf("deployments %v, %v", all.Deployments, err)
	}
	since, err := client.ListDeployments(e.ctx, &codedeploy.ListDeploymentsInput{
		CreateTimeRange: &cdtypes.TimeRange{Start: aws.Time(created.Add(time.Hour))}})
	if err != nil || fmt.Sprint(since.Deployments) != fmt.Sprint([]string{queued, failed}) {
		t.Fatalf("deployments since %v, %v", since.Deployments, err)
	}
	byStatus, err := client.ListDeployments(e.ctx, &codedeploy.ListDeploymentsInput{ApplicationName: aws.String("app-000"),
		DeploymentGroupName: aws.String("prod"), IncludeOnlyStatuses: []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusFailed}})
	if err != nil || fmt.Sprint(byStatus.Deployments) != fmt.Sprint([]string{failed}) {
		t.Fatalf("failed deployments %v, %v", byStatus.Deployments, err)
	}

	d, err := client.GetDeployment(e.ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(finished)})
	if err != nil {
		t.Fatal(err)
	}
	di := d.DeploymentInfo
	if aws.ToString(di.DeploymentId) != finished || di.Status != cdtypes.DeploymentStatusSucceeded || !di.CreateTime.Equal(created) ||
		di.CompleteTime == nil || di.DeploymentOverview.Succeeded != 3 || aws.ToString(di.Revision.S3Location.Key) != "k0.zip" ||
		aws.ToString(di.DeploymentGroupName) != "prod" {
		t.Fatalf("deployment %+v", di)
	}
	_, err = client.GetDeployment(e.ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String("d-ZZZZZZZZZ")})
	svcAPIError(t, err, "DeploymentDoesNotExistException", 400)

	_, err = client.ListDeploymentTargets(e.ctx, &codedeploy.ListDeploymentTargetsInput{DeploymentId: aws.String(queued)})
	svcAPIError(t, err, "DeploymentNotStartedException", 400)
	ids, err := client.ListDeploymentTargets(e.ctx, &codedeploy.ListDeploymentTargetsInput{DeploymentId: aws.String(finished)})
	if err != nil || len(ids.TargetIds) != 3 {
		t.Fatalf("targets %+v, %v", ids, err)
	}
	tg, err := client.BatchGetDeploymentTargets(e.ctx, &codedeploy.BatchGetDeploymentTargetsInput{DeploymentId: aws.String(finished), TargetIds: ids.TargetIds})
	if err != nil || len(tg.DeploymentTargets) != 3 {
		t.Fatalf("batch targets %+v, %v", tg, err)
	}
	it := tg.DeploymentTargets[0]
	if it.DeploymentTargetType != cdtypes.DeploymentTargetTypeInstanceTarget || it.InstanceTarget == nil ||
		aws.ToString(it.InstanceTarget.TargetId) != ids.TargetIds[0] || len(it.InstanceTarget.LifecycleEvents) != 2 ||
		it.InstanceTarget.Status != cdtypes.TargetStatusSucceeded {
		t.Fatalf("target %+v", it)
	}
	_, err = client.BatchGetDeploymentTargets(e.ctx, &codedeploy.BatchGetDeploymentTargetsInput{DeploymentId: aws.String(finished), TargetIds: []string{"i-nope"}})
	svcAPIError(t, err, "DeploymentTargetDoesNotExistException", 400)
}

func TestCodeDeployGeneratedAndFaults(t *testing.T) {
	org := awsemu.Generate(awsemu.Spec{Seed: 5, Accounts: 4, ResourcesPerKind: 3, Regions: []string{"us-east-1"}})
	var apps, groups, deps, targets, notStarted int
	for _, a := range org.OrderedAccounts() {
		k := func(kind string) []*awsemu.Resource {
			return a.Resources[awsemu.ResourceKey{Region: "us-east-1", Kind: kind}]
		}
		apps += len(k(awsemu.KindCodeDeployApplication))
		groups += len(k(awsemu.KindCodeDeployDeploymentGroup))
		deps += len(k(awsemu.KindCodeDeployDeployment))
		targets += len(k(awsemu.KindCodeDeployDeploymentTarget))
		for _, d := range k(awsemu.KindCodeDeployDeployment) {
			if d.AttrString("Status") == "Created" {
				notStarted++
			}
			if d.CreatedAt.After(awsemu.DefaultHistoryEnd) || d.CreatedAt.Before(awsemu.DefaultHistoryEnd.Add(-90*24*time.Hour)) {
				t.Fatalf("deployment %s at %v, outside the 90 days before the history end", d.ID, d.CreatedAt)
			}
		}
	}
	if apps == 0 || groups == 0 || deps == 0 || targets == 0 || notStarted == 0 {
		t.Fatalf("generated %d applications, %d groups, %d deployments (%d not started), %d targets", apps, groups, deps, notStarted, targets)
	}

	e := svcStart(t)
	e.srv.Faults().Add(awsemu.FaultRule{Service: "codedeploy", Operation: "ListApplications", Status: 400, Code: "ThrottlingException", Message: "Rate exceeded", Count: 1})
	_, err := codedeploy.NewFromConfig(e.cfg("us-east-1")).ListApplications(e.ctx, &codedeploy.ListApplicationsInput{})
	svcAPIError(t, err, "ThrottlingException", 400)
	if _, err := codedeploy.NewFromConfig(e.cfg("us-east-1")).ListApplications(e.ctx, &codedeploy.ListApplicationsInput{}); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
}
