package ecs

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindTaskDefinition is one item per ACTIVE task definition revision: a
// ListTaskDefinitions page (status ACTIVE), then DescribeTaskDefinition per
// ARN with include TAGS (Ocean's default actions; no includeActions).
// Properties are Ocean's model: its fields only, PascalCase at the top level,
// nested members in ECS's camelCase; Tags is the describe answer's tag list
// ([] when there are none, as Ocean sets it).
const KindTaskDefinition = "AWS::ECS::TaskDefinition"

// taskDefinitionFields are the members Ocean's task definition model keeps.
var taskDefinitionFields = []string{
	"TaskDefinitionArn", "Family", "Revision", "Status", "ContainerDefinitions", "Cpu", "Memory",
	"NetworkMode", "RequiresCompatibilities", "TaskRoleArn", "ExecutionRoleArn", "Volumes",
	"PlacementConstraints", "Tags", "RegisteredAt",
}

type taskDefinitionKind struct{}

func init() { awscloud.RegisterKind(taskDefinitionKind{}) }

func (taskDefinitionKind) Name() string      { return KindTaskDefinition }
func (taskDefinitionKind) Global() bool      { return false }
func (taskDefinitionKind) Actions() []string { return nil }

func (taskDefinitionKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ecs.NewFromConfig(cfg)
	in := &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusActive, MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	list, err := client.ListTaskDefinitions(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list task definitions in %s: %w", cfg.Region, err)
	}
	arns := list.TaskDefinitionArns
	items, gone, err := awscloud.ReadEach(ctx, len(arns), ecsConcurrency, func(ctx context.Context, i int) (map[string]any, error) {
		out, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arns[i]),
			Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		if err != nil {
			if taskDefinitionGone(err) {
				return nil, nil
			}
			return nil, fmt.Errorf("describe task definition %s: %w", arns[i], err)
		}
		if out.TaskDefinition == nil {
			return nil, fmt.Errorf("describe task definition %s: no task definition in the answer", arns[i])
		}
		p := keep(awscloud.Props(*out.TaskDefinition, awscloud.LowerCamel), taskDefinitionFields)
		tags := []any{}
		for _, t := range out.Tags {
			tags = append(tags, map[string]any{"key": aws.ToString(t.Key), "value": aws.ToString(t.Value)})
		}
		p["Tags"] = tags
		return awscloud.NewItem(KindTaskDefinition, p, awscloud.ExtraContext(req, true)), nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(list.NextToken), &awscloud.Omissions{}), nil
}

// taskDefinitionGone tells a revision deleted since the listing: ECS answers
// a task definition it does not know with ClientException, not a NotFound code.
func taskDefinitionGone(err error) bool {
	return awscloud.Classify(err) == awscloud.ErrNotFound ||
		(awscloud.ErrorCode(err) == "ClientException" && strings.Contains(err.Error(), "Unable to describe task definition"))
}
