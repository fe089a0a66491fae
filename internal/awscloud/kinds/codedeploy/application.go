package codedeploy

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
)

// KindApplication: a window of a ListApplications page, BatchGetApplications
// for it and ListTagsForResource per application (both default calls in
// Ocean; the ARN is built from the name, as Ocean does). No includeActions.
const KindApplication = "AWS::CodeDeploy::Application"

// applicationFields are the members of Ocean's application model.
var applicationFields = []string{"ApplicationName", "ApplicationId", "ComputePlatform", "CreateTime",
	"GitHubAccountName", "LinkedToGitHub"}

type applicationKind struct{}

func init() { awscloud.RegisterKind(applicationKind{}) }

func (applicationKind) Name() string      { return KindApplication }
func (applicationKind) Global() bool      { return false }
func (applicationKind) Actions() []string { return nil }

func (applicationKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	c := client(cfg, req)
	cur, err := decodeCursor(req.Token)
	if err != nil {
		return awscloud.Page{}, err
	}
	names, listNext, err := listApplications(ctx, c, req, cur.List)
	if err != nil {
		return awscloud.Page{}, err
	}
	start, end, next := flatWindow(cur, len(names), awscloud.PageSize(req, 1, 100), listNext)
	names = names[start:end]
	if len(names) == 0 {
		return awscloud.Page{Next: next}, nil
	}
	infos, gone, err := batchGetApplications(ctx, c, names)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("get %d applications in %s: %w", len(names), req.Region, err)
	}
	items := make([]map[string]any, len(names))
	for i, name := range names {
		pr := map[string]any{"ApplicationName": name}
		if info, ok := infos[name]; ok {
			pr = properties(info, applicationFields)
		}
		items[i] = awscloud.NewItem(KindApplication, pr, awscloud.ExtraContext(req, true))
	}
	partition := awscloud.ItemPartition(req)
	err = awscloud.ForEach(ctx, len(names), concurrency, func(ctx context.Context, i int) error {
		if gone[i] {
			return nil
		}
		arn := "arn:" + partition + ":codedeploy:" + req.Region + ":" + req.Account.ID + ":application:" + names[i]
		tags, err := listTags(ctx, c, arn)
		switch {
		case err == nil:
			items[i]["Properties"].(map[string]any)["Tags"] = tags
		case awscloud.ErrorCode(err) == "ApplicationDoesNotExistException": // deleted since the listing
			gone[i] = true
		default:
			return fmt.Errorf("list tags of application %s: %w", names[i], err)
		}
		return nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, next, &awscloud.Omissions{}), nil
}

// batchGetApplications describes names (≤100). AWS fails the whole call when
// one application no longer exists, so then each is asked for alone and the
// missing ones are marked gone.
func batchGetApplications(ctx context.Context, c *codedeploy.Client, names []string) (map[string]any, []bool, error) {
	infos := map[string]any{}
	gone := make([]bool, len(names))
	out, err := c.BatchGetApplications(ctx, &codedeploy.BatchGetApplicationsInput{ApplicationNames: names})
	if err == nil {
		for _, info := range out.ApplicationsInfo {
			infos[aws.ToString(info.ApplicationName)] = info
		}
		for i, n := range names {
			gone[i] = infos[n] == nil
		}
		return infos, gone, nil
	}
	if awscloud.ErrorCode(err) != "ApplicationDoesNotExistException" {
		return nil, nil, err
	}
	for i, n := range names {
		one, err := c.BatchGetApplications(ctx, &codedeploy.BatchGetApplicationsInput{ApplicationNames: []string{n}})
		switch {
		case err == nil && len(one.ApplicationsInfo) == 1:
			infos[n] = one.ApplicationsInfo[0]
		case err == nil || awscloud.ErrorCode(err) == "ApplicationDoesNotExistException":
			gone[i] = true
		default:
			return nil, nil, err
		}
	}
	return infos, gone, nil
}

// listTags reads every tag of a CodeDeploy resource as [{Key, Value}].
func listTags(ctx context.Context, c *codedeploy.Client, arn string) ([]any, error) {
	tags := []any{}
	in := &codedeploy.ListTagsForResourceInput{ResourceArn: aws.String(arn)}
	for {
		out, err := c.ListTagsForResource(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, t := range out.Tags {
			tags = append(tags, awscloud.Props(t, nil))
		}
		if aws.ToString(out.NextToken) == "" {
			return tags, nil
		}
		in.NextToken = out.NextToken
	}
}
