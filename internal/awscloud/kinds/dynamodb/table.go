package dynamodb

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// KindTable: a ListTables page (≤100 names), DescribeTable per table
// (Ocean's default action: its failure fails the page); tags and continuous
// backups only with GetTableTagsAction / GetTableBackupStatusAction.
const KindTable = "AWS::DynamoDB::Table"

const dynamodbActionConcurrency = 10

type dynamodbTableKind struct{}

func init() { awscloud.RegisterKind(dynamodbTableKind{}) }

func (dynamodbTableKind) Name() string { return KindTable }
func (dynamodbTableKind) Global() bool { return false }

func (dynamodbTableKind) Actions() []string {
	return []string{"GetTableTagsAction", "GetTableBackupStatusAction"}
}

func (dynamodbTableKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := dynamodb.NewFromConfig(cfg)
	in := &dynamodb.ListTablesInput{Limit: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.ExclusiveStartTableName = aws.String(req.Token)
	}
	out, err := client.ListTables(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list tables in %s: %w", cfg.Region, err)
	}
	names := out.TableNames
	items := make([]map[string]any, len(names))
	arns := make([]string, len(names))
	gone := make([]bool, len(names))
	var omitted awscloud.Omissions
	tags, backups := awscloud.WantsAction(req, "GetTableTagsAction"), awscloud.WantsAction(req, "GetTableBackupStatusAction")
	err = awscloud.ForEach(ctx, len(names), dynamodbActionConcurrency, func(ctx context.Context, i int) error {
		name := names[i]
		d, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		if err != nil {
			if awscloud.Classify(err) == awscloud.ErrNotFound { // deleted since the listing
				gone[i] = true
				return nil
			}
			return fmt.Errorf("describe table %s: %w", name, err)
		}
		pr := map[string]any{}
		if d.Table != nil {
			pr = awscloud.Props(*d.Table, nil)
			arns[i] = aws.ToString(d.Table.TableArn)
		}
		items[i] = awscloud.NewItem(KindTable, pr, awscloud.ExtraContext(req, true))
		if tags && arns[i] != "" {
			list, err := dynamodbTags(ctx, client, arns[i])
			switch {
			case err == nil:
				pr["Tags"] = list
			case awscloud.Classify(err) == awscloud.ErrNotFound:
				gone[i] = true
				return nil
			case !omitted.Omit("GetTableTagsAction", "table "+name, 1, err):
				return fmt.Errorf("list tags of table %s: %w", name, err)
			}
		}
		if backups {
			b, err := client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(name)})
			switch {
			case err == nil:
				if b.ContinuousBackupsDescription != nil {
					pr["ContinuousBackupsDescription"] = awscloud.Props(*b.ContinuousBackupsDescription, nil)
				}
			case awscloud.Classify(err) == awscloud.ErrNotFound:
				gone[i] = true
				return nil
			case !omitted.Omit("GetTableBackupStatusAction", "table "+name, 1, err):
				return fmt.Errorf("describe continuous backups of table %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.LastEvaluatedTableName), &omitted), nil
}

// dynamodbTags follows ListTagsOfResource's pages; Ocean keeps the Key/Value
// list as AWS returns it.
func dynamodbTags(ctx context.Context, client *dynamodb.Client, arn string) ([]any, error) {
	list := []any{}
	var token *string
	for {
		out, err := client.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, t := range out.Tags {
			list = append(list, awscloud.Props(t, nil))
		}
		if aws.ToString(out.NextToken) == "" {
			return list, nil
		}
		token = out.NextToken
	}
}
