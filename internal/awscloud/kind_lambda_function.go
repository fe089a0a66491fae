package awscloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// KindLambdaFunction: ListFunctions page (≤50), tags only with ListTagsAction.
const KindLambdaFunction = "AWS::Lambda::Function"

const lambdaActionConcurrency = 10

type lambdaFunctionKind struct{}

func init() { registerKind(lambdaFunctionKind{}) }

func (lambdaFunctionKind) Name() string { return KindLambdaFunction }
func (lambdaFunctionKind) Global() bool { return false }

func (lambdaFunctionKind) Actions() []string { return []string{"ListTagsAction"} }

func (lambdaFunctionKind) Collect(ctx context.Context, cfg aws.Config, req PageRequest) (Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := lambda.NewFromConfig(cfg)
	in := &lambda.ListFunctionsInput{MaxItems: aws.Int32(pageSize(req, 1, 50))}
	if req.Token != "" {
		in.Marker = aws.String(req.Token)
	}
	out, err := client.ListFunctions(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("list functions in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.Functions))
	for i, f := range out.Functions {
		items[i] = newItem(KindLambdaFunction, props(f, nil), extraContext(req, true))
	}
	gone := make([]bool, len(items))
	var omitted omissions
	if wantsAction(req, "ListTagsAction") {
		err := forEach(ctx, len(out.Functions), lambdaActionConcurrency, func(ctx context.Context, i int) error {
			arn := aws.ToString(out.Functions[i].FunctionArn)
			tags, err := client.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
			if err != nil {
				if Classify(err) == ErrNotFound { // deleted since the listing
					gone[i] = true
					return nil
				}
				if omitted.omit("ListTagsAction", "function "+arn, 1, err) {
					return nil
				}
				return fmt.Errorf("list tags of function %s: %w", arn, err)
			}
			t := map[string]any{}
			for k, v := range tags.Tags {
				t[k] = v
			}
			// Ocean stores Lambda's tag map as is (not a Key/Value list).
			items[i]["Properties"].(map[string]any)["Tags"] = t
			return nil
		})
		if err != nil {
			return Page{}, err
		}
	}
	return keptPage(items, gone, aws.ToString(out.NextMarker), &omitted), nil
}
