package codepipeline

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
)

// KindAction: a ListPipelines page, GetPipeline per pipeline, one record per
// action of its declaration with PipelineName, PipelineArn, PipelineVersion
// (0 when the declaration has none) and StageName added, as Ocean does.
// Ocean's model types ActionTypeId, so its members are PascalCase (Category,
// Owner, Provider, Version) here, unlike inside a stage's Actions. No
// includeActions.
const KindAction = "AWS::CodePipeline::Action"

// actionFields are the members of Ocean's action model.
var actionFields = []string{"ActionTypeId", "Commands", "Configuration", "EnvironmentVariables", "InputArtifacts", "Name",
	"Namespace", "OutputArtifacts", "OutputVariables", "PipelineArn", "PipelineName", "PipelineVersion", "Region",
	"RoleArn", "RunOrder", "StageName", "TimeoutInMinutes"}

type actionKind struct{}

func init() { awscloud.RegisterKind(actionKind{}) }

func (actionKind) Name() string      { return KindAction }
func (actionKind) Global() bool      { return false }
func (actionKind) Actions() []string { return nil }

func (actionKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	return declaredPage(ctx, cfg, req, func(page *awscloud.Page, name, arn string, p *codepipeline.GetPipelineOutput) {
		version := 0
		if p.Pipeline.Version != nil {
			version = int(*p.Pipeline.Version)
		}
		for _, s := range p.Pipeline.Stages {
			for _, a := range s.Actions {
				pr := awscloud.Props(a, awscloud.LowerCamel)
				if a.ActionTypeId != nil {
					pr["ActionTypeId"] = awscloud.Props(*a.ActionTypeId, nil)
				}
				pr["PipelineName"], pr["PipelineArn"], pr["PipelineVersion"], pr["StageName"] = name, arn, version, aws.ToString(s.Name)
				page.Items = append(page.Items, awscloud.NewItem(KindAction, keep(pr, actionFields), awscloud.ExtraContext(req, true)))
			}
		}
	})
}
