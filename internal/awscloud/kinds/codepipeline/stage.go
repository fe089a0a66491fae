package codepipeline

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
)

// KindStage: a ListPipelines page, GetPipeline per pipeline, one record per
// stage of its declaration with PipelineName, PipelineArn and Order (1-based,
// the stage's position) added, as Ocean does. No includeActions.
const KindStage = "AWS::CodePipeline::Stage"

// stageFields are the members of Ocean's stage model.
var stageFields = []string{"Actions", "BeforeEntry", "Blockers", "Name", "OnFailure", "OnSuccess", "Order", "PipelineArn", "PipelineName"}

type stageKind struct{}

func init() { awscloud.RegisterKind(stageKind{}) }

func (stageKind) Name() string      { return KindStage }
func (stageKind) Global() bool      { return false }
func (stageKind) Actions() []string { return nil }

func (stageKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	return declaredPage(ctx, cfg, req, func(page *awscloud.Page, name, arn string, p *codepipeline.GetPipelineOutput) {
		for order, s := range p.Pipeline.Stages {
			pr := awscloud.Props(s, awscloud.LowerCamel)
			pr["PipelineName"], pr["PipelineArn"], pr["Order"] = name, arn, order+1
			page.Items = append(page.Items, awscloud.NewItem(KindStage, keep(pr, stageFields), awscloud.ExtraContext(req, true)))
		}
	})
}
