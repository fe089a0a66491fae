package codedeploy

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
)

// KindDeploymentGroup: ListApplications, then per application a window of a
// ListDeploymentGroups page and BatchGetDeploymentGroups for it; tags
// (ListTagsForResource on the deploymentgroup ARN) only with the
// includeAction GetDeploymentGroupTags — Ocean's name, without the "Action"
// suffix its other actions have.
const KindDeploymentGroup = "AWS::CodeDeploy::DeploymentGroup"

// ActionGroupTags is the deployment group kind's includeAction.
const ActionGroupTags = "GetDeploymentGroupTags"

// groupFields are the members of Ocean's deployment group model.
var groupFields = []string{"AlarmConfiguration", "ApplicationName", "AutoRollbackConfiguration", "AutoScalingGroups",
	"BlueGreenDeploymentConfiguration", "ComputePlatform", "DeploymentConfigName", "DeploymentGroupId",
	"DeploymentGroupName", "DeploymentStyle", "Ec2TagFilters", "Ec2TagSet", "EcsServices", "LastAttemptedDeployment",
	"LastSuccessfulDeployment", "LoadBalancerInfo", "OnPremisesInstanceTagFilters", "OnPremisesTagSet",
	"OutdatedInstancesStrategy", "ServiceRoleArn", "TargetRevision", "TerminationHookEnabled", "TriggerConfigurations"}

type deploymentGroupKind struct{}

func init() { awscloud.RegisterKind(deploymentGroupKind{}) }

func (deploymentGroupKind) Name() string      { return KindDeploymentGroup }
func (deploymentGroupKind) Global() bool      { return false }
func (deploymentGroupKind) Actions() []string { return []string{ActionGroupTags} }

// Collect returns the groups of one application (a window of them); an
// application without groups, or deleted since the listing, is passed over
// within the same call.
func (deploymentGroupKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	c := client(cfg, req)
	cur, err := decodeCursor(req.Token)
	if err != nil {
		return awscloud.Page{}, err
	}
	in := &codedeploy.ListApplicationsInput{}
	if cur.List != "" {
		in.NextToken = aws.String(cur.List)
	}
	list, err := c.ListApplications(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list applications in %s: %w", req.Region, err)
	}
	apps := append([]string(nil), list.Applications...)
	sort.Strings(apps)
	size := awscloud.PageSize(req, 1, 100)
	for ; cur.Outer < len(apps); cur.Outer, cur.Inner, cur.InnerOffset = cur.Outer+1, "", 0 {
		app := apps[cur.Outer]
		gin := &codedeploy.ListDeploymentGroupsInput{ApplicationName: aws.String(app)}
		if cur.Inner != "" {
			gin.NextToken = aws.String(cur.Inner)
		}
		groups, err := c.ListDeploymentGroups(ctx, gin)
		if awscloud.ErrorCode(err) == "ApplicationDoesNotExistException" { // deleted since the listing
			continue
		}
		if err != nil {
			return awscloud.Page{}, fmt.Errorf("list deployment groups of %s in %s: %w", app, req.Region, err)
		}
		names := append([]string(nil), groups.DeploymentGroups...)
		sort.Strings(names)
		start, end, more := window(len(names), cur.InnerOffset, size)
		if start == end && aws.ToString(groups.NextToken) == "" {
			continue
		}
		next := cur
		switch {
		case more:
			next.InnerOffset = end
		case aws.ToString(groups.NextToken) != "":
			next.Inner, next.InnerOffset = aws.ToString(groups.NextToken), 0
		default:
			next = nextOuter(cur, len(apps), aws.ToString(list.NextToken))
		}
		page, err := describeGroups(ctx, c, req, app, names[start:end])
		if err != nil {
			return awscloud.Page{}, err
		}
		if next != (cursor{}) {
			page.Next = next.encode()
		}
		return page, nil
	}
	page := awscloud.Page{}
	if t := aws.ToString(list.NextToken); t != "" {
		page.Next = cursor{List: t}.encode()
	}
	return page, nil
}

// nextOuter is the cursor after the last inner page of outer item cur.Outer
// (an application's groups, a deployment's targets).
func nextOuter(cur cursor, apps int, listNext string) cursor {
	if cur.Outer+1 < apps {
		return cursor{List: cur.List, Outer: cur.Outer + 1}
	}
	if listNext != "" {
		return cursor{List: listNext}
	}
	return cursor{}
}

func describeGroups(ctx context.Context, c *codedeploy.Client, req awscloud.PageRequest, app string, names []string) (awscloud.Page, error) {
	if len(names) == 0 {
		return awscloud.Page{}, nil
	}
	out, err := c.BatchGetDeploymentGroups(ctx, &codedeploy.BatchGetDeploymentGroupsInput{
		ApplicationName: aws.String(app), DeploymentGroupNames: names})
	if awscloud.ErrorCode(err) == "ApplicationDoesNotExistException" { // deleted since the listing
		return awscloud.Page{}, nil
	}
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("get deployment groups of %s in %s: %w", app, req.Region, err)
	}
	// Groups deleted since the listing are named in ErrorMessage and left
	// out of DeploymentGroupsInfo.
	items := make([]map[string]any, len(out.DeploymentGroupsInfo))
	groupNames := make([]string, len(items))
	for i, info := range out.DeploymentGroupsInfo {
		items[i] = awscloud.NewItem(KindDeploymentGroup, properties(info, groupFields), awscloud.ExtraContext(req, true))
		groupNames[i] = aws.ToString(info.DeploymentGroupName)
	}
	gone := make([]bool, len(items))
	var omitted awscloud.Omissions
	if awscloud.WantsAction(req, ActionGroupTags) {
		partition := awscloud.ItemPartition(req)
		err := awscloud.ForEach(ctx, len(items), concurrency, func(ctx context.Context, i int) error {
			id := app + "/" + groupNames[i]
			arn := "arn:" + partition + ":codedeploy:" + req.Region + ":" + req.Account.ID + ":deploymentgroup:" + id
			tags, err := listTags(ctx, c, arn)
			switch {
			case err == nil:
				items[i]["Properties"].(map[string]any)["Tags"] = tags
			case awscloud.ErrorCode(err) == "DeploymentGroupDoesNotExistException" || awscloud.ErrorCode(err) == "ApplicationDoesNotExistException":
				gone[i] = true
			case !omitted.Omit(ActionGroupTags, "deployment group "+id, 1, err):
				return fmt.Errorf("list tags of deployment group %s: %w", id, err)
			}
			return nil
		})
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, "", &omitted), nil
}
