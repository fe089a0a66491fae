package codedeploy

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// KindDeployment is history: a window of a ListDeployments page, created at or
// after PageRequest.Since (AWS filters with createTimeRange, so nothing older
// is listed), and GetDeployment per id. Ocean lists every deployment ever made;
// the window is ours. No includeActions.
const KindDeployment = "AWS::CodeDeploy::Deployment"

// deploymentFields are the members of Ocean's deployment model.
var deploymentFields = []string{"AdditionalDeploymentStatusInfo", "ApplicationName", "AutoRollbackConfiguration",
	"BlueGreenDeploymentConfiguration", "CompleteTime", "ComputePlatform", "CreateTime", "Creator",
	"DeploymentConfigName", "DeploymentGroupName", "DeploymentId", "DeploymentOverview", "DeploymentStatusMessages",
	"DeploymentStyle", "Description", "ErrorInformation", "ExternalId", "FileExistsBehavior",
	"IgnoreApplicationStopFailures", "InstanceTerminationWaitTimeStarted", "LoadBalancerInfo",
	"OverrideAlarmConfiguration", "PreviousRevision", "RelatedDeployments", "Revision", "RollbackInfo", "StartTime",
	"Status", "TargetInstances", "UpdateOutdatedInstancesOnly"}

type deploymentKind struct{}

func init() { awscloud.RegisterKind(deploymentKind{}) }

func (deploymentKind) Name() string      { return KindDeployment }
func (deploymentKind) Global() bool      { return false }
func (deploymentKind) Actions() []string { return nil }
func (deploymentKind) History() bool     { return true }

// listDeployments is one ListDeployments page of the window.
func listDeployments(ctx context.Context, c *codedeploy.Client, req awscloud.PageRequest, token string) (*codedeploy.ListDeploymentsOutput, error) {
	in := &codedeploy.ListDeploymentsInput{}
	if !req.Since.IsZero() {
		in.CreateTimeRange = &types.TimeRange{Start: aws.Time(req.Since)}
	}
	if token != "" {
		in.NextToken = aws.String(token)
	}
	out, err := c.ListDeployments(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("list deployments in %s: %w", req.Region, err)
	}
	return out, nil
}

func (deploymentKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	c := client(cfg, req)
	cur, err := decodeCursor(req.Token)
	if err != nil {
		return awscloud.Page{}, err
	}
	list, err := listDeployments(ctx, c, req, cur.List)
	if err != nil {
		return awscloud.Page{}, err
	}
	start, end, next := flatWindow(cur, len(list.Deployments), awscloud.PageSize(req, 1, 100), aws.ToString(list.NextToken))
	ids := list.Deployments[start:end]
	items, gone, err := awscloud.ReadEach(ctx, len(ids), concurrency, func(ctx context.Context, i int) (map[string]any, error) {
		out, err := c.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(ids[i])})
		switch {
		case err == nil && out.DeploymentInfo != nil:
			return awscloud.NewItem(KindDeployment, properties(out.DeploymentInfo, deploymentFields), awscloud.ExtraContext(req, true)), nil
		case err == nil || awscloud.ErrorCode(err) == "DeploymentDoesNotExistException":
			return nil, nil
		default:
			return nil, fmt.Errorf("get deployment %s in %s: %w", ids[i], req.Region, err)
		}
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, next, &awscloud.Omissions{}), nil
}
