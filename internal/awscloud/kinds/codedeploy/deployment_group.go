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
	apps, listNext, err := listApplications(ctx, c, req, cur.List)
	if err != nil {
		return awscloud.Page{}, err
	}
	return nestedPage(cur, len(apps), listNext, awscloud.PageSize(req, 1, 100),
		func(i int, token string) ([]string, string, bool, error) {
			gin := &codedeploy.ListDeploymentGroupsInput{ApplicationName: aws.String(apps[i])}
			if token != "" {
				gin.NextToken = aws.String(token)
			}
			groups, err := c.ListDeploymentGroups(ctx, gin)
			if awscloud.ErrorCode(err) == "ApplicationDoesNotExistException" { // deleted since the listing
				return nil, "", true, nil
			}
			if err != nil {
				return nil, "", false, fmt.Errorf("list deployment groups of %s in %s: %w", apps[i], req.Region, err)
			}
			names := append([]string(nil), groups.DeploymentGroups...)
			sort.Strings(names)
			return names, aws.ToString(groups.NextToken), false, nil
		},
		func(i int, names []string) (awscloud.Page, error) { return describeGroups(ctx, c, req, apps[i], names) })
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
		err := awscloud.PerItemCall{Action: ActionGroupTags, Field: "Tags", Does: "list tags of", Limit: concurrency,
			Resource: func(i int) string { return "deployment group " + app + "/" + groupNames[i] },
			Read: func(ctx context.Context, i int) (any, error) {
				arn := "arn:" + partition + ":codedeploy:" + req.Region + ":" + req.Account.ID + ":deploymentgroup:" + app + "/" + groupNames[i]
				tags, err := listTags(ctx, c, arn)
				if err != nil {
					return nil, err
				}
				return tags, nil
			},
			Gone: func(err error) bool {
				return awscloud.ErrorCode(err) == "DeploymentGroupDoesNotExistException" || awscloud.ErrorCode(err) == "ApplicationDoesNotExistException"
			},
		}.Run(ctx, items, gone, &omitted)
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, "", &omitted), nil
}
