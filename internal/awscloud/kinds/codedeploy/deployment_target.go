package codedeploy

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
)

// KindDeploymentTarget is history: the deployments of the window (as
// KindDeployment lists them), then per deployment ListDeploymentTargets and
// BatchGetDeploymentTargets in batches of at most 25 (AWS's limit, Ocean's
// batch). A deployment that has not started (DeploymentNotStartedException)
// or was deleted is passed over. No includeActions.
const KindDeploymentTarget = "AWS::CodeDeploy::DeploymentTarget"

// targetBatch is BatchGetDeploymentTargets' limit.
const targetBatch = 25

// targetFields are the members of Ocean's deployment target model.
var targetFields = []string{"DeploymentTargetType", "InstanceTarget", "LambdaTarget", "EcsTarget", "CloudFormationTarget"}

type deploymentTargetKind struct{}

func init() { awscloud.RegisterKind(deploymentTargetKind{}) }

func (deploymentTargetKind) Name() string      { return KindDeploymentTarget }
func (deploymentTargetKind) Global() bool      { return false }
func (deploymentTargetKind) Actions() []string { return nil }
func (deploymentTargetKind) History() bool     { return true }

// Collect returns one batch of one deployment's targets; deployments without
// targets are passed over within the same call.
func (deploymentTargetKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	c := client(cfg, req)
	cur, err := decodeCursor(req.Token)
	if err != nil {
		return awscloud.Page{}, err
	}
	list, err := listDeployments(ctx, c, req, cur.List)
	if err != nil {
		return awscloud.Page{}, err
	}
	deps := list.Deployments
	return nestedPage(cur, len(deps), aws.ToString(list.NextToken), awscloud.PageSize(req, 1, targetBatch),
		func(i int, token string) ([]string, string, bool, error) {
			tin := &codedeploy.ListDeploymentTargetsInput{DeploymentId: aws.String(deps[i])}
			if token != "" {
				tin.NextToken = aws.String(token)
			}
			targets, err := c.ListDeploymentTargets(ctx, tin)
			switch code := awscloud.ErrorCode(err); {
			case code == "DeploymentNotStartedException" || code == "DeploymentDoesNotExistException":
				return nil, "", true, nil
			case err != nil:
				return nil, "", false, fmt.Errorf("list targets of deployment %s in %s: %w", deps[i], req.Region, err)
			}
			return targets.TargetIds, aws.ToString(targets.NextToken), false, nil
		},
		func(i int, ids []string) (awscloud.Page, error) { return describeTargets(ctx, c, req, deps[i], ids) })
}

func describeTargets(ctx context.Context, c *codedeploy.Client, req awscloud.PageRequest, dep string, ids []string) (awscloud.Page, error) {
	if len(ids) == 0 {
		return awscloud.Page{}, nil
	}
	out, err := c.BatchGetDeploymentTargets(ctx, &codedeploy.BatchGetDeploymentTargetsInput{
		DeploymentId: aws.String(dep), TargetIds: ids})
	if awscloud.ErrorCode(err) == "DeploymentDoesNotExistException" { // deleted since the listing
		return awscloud.Page{}, nil
	}
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("get %d targets of deployment %s in %s: %w", len(ids), dep, req.Region, err)
	}
	page := awscloud.Page{}
	for _, t := range out.DeploymentTargets {
		pr := properties(t, targetFields)
		pr["DeploymentId"] = dep // Ocean adds the deployment the targets were asked for
		page.Items = append(page.Items, awscloud.NewItem(KindDeploymentTarget, pr, awscloud.ExtraContext(req, true)))
	}
	return page, nil
}
