package codepipeline

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
)

// KindActionExecution is history: per pipeline, ListActionExecutions (newest
// first; reading stops at the first action execution started before
// PageRequest.Since), passed through without further calls, as Ocean does.
// No includeActions.
const KindActionExecution = "AWS::CodePipeline::ActionExecution"

// actionExecutionFields are the members of Ocean's action execution model.
var actionExecutionFields = []string{"ActionExecutionId", "ActionName", "Input", "LastUpdateTime", "Output",
	"PipelineExecutionId", "PipelineVersion", "StageName", "StartTime", "Status", "UpdatedBy"}

type actionExecutionKind struct{}

func init() { awscloud.RegisterKind(actionExecutionKind{}) }

func (actionExecutionKind) Name() string      { return KindActionExecution }
func (actionExecutionKind) Global() bool      { return false }
func (actionExecutionKind) Actions() []string { return nil }
func (actionExecutionKind) History() bool     { return true }

func (actionExecutionKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	c := client(cfg, req)
	size := awscloud.PageSize(req, 1, 100)
	return walkHistory(ctx, c, req, func(ctx context.Context, pipeline, token string) (historyPage, bool, error) {
		in := &codepipeline.ListActionExecutionsInput{PipelineName: aws.String(pipeline), MaxResults: aws.Int32(size)}
		if token != "" {
			in.NextToken = aws.String(token)
		}
		out, err := c.ListActionExecutions(ctx, in)
		if awscloud.ErrorCode(err) == "PipelineNotFoundException" { // deleted since the listing
			return historyPage{}, true, nil
		}
		if err != nil {
			return historyPage{}, false, fmt.Errorf("list action executions of pipeline %s in %s: %w", pipeline, req.Region, err)
		}
		hp := historyPage{next: aws.ToString(out.NextToken)}
		for _, d := range out.ActionExecutionDetails {
			if !req.Since.IsZero() && d.StartTime != nil && d.StartTime.Before(req.Since) {
				hp.next = "" // newest first: the rest is older still
				break
			}
			pr := keep(awscloud.Props(d, awscloud.LowerCamel), actionExecutionFields)
			hp.items = append(hp.items, awscloud.NewItem(KindActionExecution, pr, awscloud.ExtraContext(req, true)))
		}
		return hp, false, nil
	})
}
