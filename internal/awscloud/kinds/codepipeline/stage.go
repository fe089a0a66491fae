package codepipeline

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	c := client(cfg, req)
	list, err := pipelinePage(ctx, c, req, awscloud.PageSize(req, 1, 1000), req.Token)
	if err != nil {
		return awscloud.Page{}, err
	}
	names := pipelineNames(list)
	got, err := getPipelines(ctx, c, req, names)
	if err != nil {
		return awscloud.Page{}, err
	}
	page := awscloud.Page{Next: aws.ToString(list.NextToken)}
	for i, p := range got {
		if p == nil { // deleted since the listing
			continue
		}
		arn := ""
		if p.Metadata != nil {
			arn = aws.ToString(p.Metadata.PipelineArn)
		}
		for order, s := range p.Pipeline.Stages {
			pr := awscloud.Props(s, awscloud.LowerCamel)
			pr["PipelineName"], pr["PipelineArn"], pr["Order"] = names[i], arn, order+1
			page.Items = append(page.Items, awscloud.NewItem(KindStage, keep(pr, stageFields), awscloud.ExtraContext(req, true)))
		}
	}
	return page, nil
}
