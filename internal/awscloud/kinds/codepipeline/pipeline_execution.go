package codepipeline

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline/types"
)

// KindPipelineExecution is history: per pipeline, ListPipelineExecutions
// (newest first; reading stops at the first execution started before
// PageRequest.Since), then GetPipelineExecution per execution, merged with
// its summary as Ocean does. Ocean reads every execution AWS keeps; the window
// is ours. No includeActions.
const KindPipelineExecution = "AWS::CodePipeline::PipelineExecution"

// executionFields are the members of Ocean's pipeline execution model.
var executionFields = []string{"ArtifactRevisions", "ExecutionMode", "ExecutionType", "LastUpdateTime", "PipelineExecutionId",
	"PipelineName", "PipelineVersion", "RollbackMetadata", "SourceRevisions", "StartTime", "Status", "StatusSummary",
	"StopTrigger", "Trigger", "Variables"}

type pipelineExecutionKind struct{}

func init() { awscloud.RegisterKind(pipelineExecutionKind{}) }

func (pipelineExecutionKind) Name() string      { return KindPipelineExecution }
func (pipelineExecutionKind) Global() bool      { return false }
func (pipelineExecutionKind) Actions() []string { return nil }
func (pipelineExecutionKind) History() bool     { return true }

func (pipelineExecutionKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	c := client(cfg, req)
	size := awscloud.PageSize(req, 1, 100)
	return walkHistory(ctx, c, req, func(ctx context.Context, pipeline, token string) (historyPage, bool, error) {
		in := &codepipeline.ListPipelineExecutionsInput{PipelineName: aws.String(pipeline), MaxResults: aws.Int32(size)}
		if token != "" {
			in.NextToken = aws.String(token)
		}
		out, err := c.ListPipelineExecutions(ctx, in)
		if awscloud.ErrorCode(err) == "PipelineNotFoundException" { // deleted since the listing
			return historyPage{}, true, nil
		}
		if err != nil {
			return historyPage{}, false, fmt.Errorf("list executions of pipeline %s in %s: %w", pipeline, req.Region, err)
		}
		var summaries []types.PipelineExecutionSummary
		hp := historyPage{next: aws.ToString(out.NextToken)}
		for _, s := range out.PipelineExecutionSummaries {
			if !req.Since.IsZero() && s.StartTime != nil && s.StartTime.Before(req.Since) {
				hp.next = "" // newest first: the rest is older still
				break
			}
			summaries = append(summaries, s)
		}
		items, gone, err := awscloud.ReadEach(ctx, len(summaries), concurrency, func(ctx context.Context, i int) (map[string]any, error) {
			id := aws.ToString(summaries[i].PipelineExecutionId)
			got, err := c.GetPipelineExecution(ctx, &codepipeline.GetPipelineExecutionInput{
				PipelineName: aws.String(pipeline), PipelineExecutionId: aws.String(id)})
			switch code := awscloud.ErrorCode(err); {
			case code == "PipelineExecutionNotFoundException" || code == "PipelineNotFoundException":
				return nil, nil
			case err != nil:
				return nil, fmt.Errorf("get execution %s of pipeline %s in %s: %w", id, pipeline, req.Region, err)
			}
			pr := awscloud.Props(summaries[i], awscloud.LowerCamel)
			if got.PipelineExecution != nil {
				for k, v := range awscloud.Props(*got.PipelineExecution, awscloud.LowerCamel) {
					pr[k] = v
				}
			}
			return awscloud.NewItem(KindPipelineExecution, keep(pr, executionFields), awscloud.ExtraContext(req, true)), nil
		})
		if err != nil {
			return historyPage{}, false, err
		}
		for i, it := range items {
			if !gone[i] {
				hp.items = append(hp.items, it)
			}
		}
		return hp, false, nil
	})
}
