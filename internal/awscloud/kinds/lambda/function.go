package lambda

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// KindFunction: ListFunctions page (≤50), tags only with ListTagsAction.
const KindFunction = "AWS::Lambda::Function"

const lambdaActionConcurrency = 10

type lambdaFunctionKind struct{}

func init() { awscloud.RegisterKind(lambdaFunctionKind{}) }

func (lambdaFunctionKind) Name() string { return KindFunction }
func (lambdaFunctionKind) Global() bool { return false }

func (lambdaFunctionKind) Actions() []string { return []string{"ListTagsAction"} }

func (lambdaFunctionKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := lambda.NewFromConfig(cfg)
	in := &lambda.ListFunctionsInput{MaxItems: aws.Int32(awscloud.PageSize(req, 1, 50))}
	if req.Token != "" {
		in.Marker = aws.String(req.Token)
	}
	out, err := client.ListFunctions(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list functions in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.Functions))
	for i, f := range out.Functions {
		items[i] = awscloud.NewItem(KindFunction, awscloud.Props(f, nil), awscloud.ExtraContext(req, true))
	}
	gone := make([]bool, len(items))
	var omitted awscloud.Omissions
	if awscloud.WantsAction(req, "ListTagsAction") {
		err := awscloud.PerItemCall{Action: "ListTagsAction", Field: "Tags", Does: "list tags of", Limit: lambdaActionConcurrency,
			Resource: func(i int) string { return "function " + aws.ToString(out.Functions[i].FunctionArn) },
			Read: func(ctx context.Context, i int) (any, error) {
				tags, err := client.ListTags(ctx, &lambda.ListTagsInput{Resource: out.Functions[i].FunctionArn})
				if err != nil {
					return nil, err
				}
				// Ocean stores Lambda's tag map as is (not a Key/Value list).
				t := map[string]any{}
				for k, v := range tags.Tags {
					t[k] = v
				}
				return t, nil
			},
			Gone: func(err error) bool { return awscloud.Classify(err) == awscloud.ErrNotFound }, // deleted since the listing
		}.Run(ctx, items, gone, &omitted)
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextMarker), &omitted), nil
}
