package codepipeline

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
)

// KindPipeline: a ListPipelines page, then per pipeline GetPipeline and
// ListTagsForResource on the ARN GetPipeline names (both default calls in
// Ocean), merged into one record per pipeline by name: the summary, the
// metadata, the declaration and Tags ([{key, value}]). No includeActions.
const KindPipeline = "AWS::CodePipeline::Pipeline"

// pipelineFields are the members of Ocean's pipeline model.
var pipelineFields = []string{"ArtifactStore", "ArtifactStores", "Created", "ExecutionMode", "Name", "PipelineArn",
	"PipelineType", "PollingDisabledAt", "RoleArn", "Stages", "Tags", "Triggers", "Updated", "Variables", "Version"}

type pipelineKind struct{}

func init() { awscloud.RegisterKind(pipelineKind{}) }

func (pipelineKind) Name() string      { return KindPipeline }
func (pipelineKind) Global() bool      { return false }
func (pipelineKind) Actions() []string { return nil }

func (pipelineKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	c := client(cfg, req)
	list, names, got, err := declarations(ctx, c, req)
	if err != nil {
		return awscloud.Page{}, err
	}
	items, gone, err := awscloud.ReadEach(ctx, len(names), concurrency, func(ctx context.Context, i int) (map[string]any, error) {
		if got[i] == nil {
			return nil, nil
		}
		arn := aws.ToString(got[i].Metadata.PipelineArn)
		tags, err := listTags(ctx, c, arn)
		if awscloud.ErrorCode(err) == "ResourceNotFoundException" { // deleted since GetPipeline
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list tags of pipeline %s: %w", names[i], err)
		}
		pr := awscloud.Props(list.Pipelines[i], awscloud.LowerCamel)
		for k, v := range awscloud.Props(got[i].Metadata, awscloud.LowerCamel) {
			pr[k] = v
		}
		for k, v := range awscloud.Props(got[i].Pipeline, awscloud.LowerCamel) {
			pr[k] = v
		}
		pr["Tags"] = tags
		return awscloud.NewItem(KindPipeline, keep(pr, pipelineFields), awscloud.ExtraContext(req, true)), nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(list.NextToken), &awscloud.Omissions{}), nil
}

// listTags reads every tag of a pipeline as [{key, value}] (CodePipeline's casing).
func listTags(ctx context.Context, c *codepipeline.Client, arn string) ([]any, error) {
	tags := []any{}
	in := &codepipeline.ListTagsForResourceInput{ResourceArn: aws.String(arn)}
	for {
		out, err := c.ListTagsForResource(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, t := range out.Tags {
			tags = append(tags, map[string]any{"key": aws.ToString(t.Key), "value": aws.ToString(t.Value)})
		}
		if aws.ToString(out.NextToken) == "" {
			return tags, nil
		}
		in.NextToken = out.NextToken
	}
}
