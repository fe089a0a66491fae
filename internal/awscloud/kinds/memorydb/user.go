package memorydb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/memorydb"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindUser is one item per MemoryDB user (the built-in "default" user
// included): a DescribeUsers page (Ocean's only default call). Ocean's model
// keeps every member of the answer; ListTagsForMemoryDbUserAction adds
// TagList. Only read in the regions Ocean lists for MemoryDB.
const KindUser = "AWS::MemoryDB::User"

// ActionListTags is the kind's includeAction (Ocean's name).
const ActionListTags = "ListTagsForMemoryDbUserAction"

const tagsConcurrency = 10

// supportedRegions are the regions Ocean reads MemoryDB users in (its
// hard-coded list; an account's other regions skip the kind).
var supportedRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"ap-east-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1",
	"eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
	"sa-east-1",
	"us-gov-east-1", "us-gov-west-1",
}

type userKind struct{}

func init() { awscloud.RegisterKind(userKind{}) }

func (userKind) Name() string      { return KindUser }
func (userKind) Global() bool      { return false }
func (userKind) Actions() []string { return []string{ActionListTags} }

// SupportedRegions makes the kind awscloud.RegionRestricted.
func (userKind) SupportedRegions() []string { return append([]string(nil), supportedRegions...) }

func (userKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := memorydb.NewFromConfig(cfg)
	in := &memorydb.DescribeUsersInput{MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.DescribeUsers(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe memorydb users in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.Users))
	for i, u := range out.Users {
		items[i] = awscloud.NewItem(KindUser, awscloud.Props(u, nil), awscloud.ExtraContext(req, true))
	}
	gone := make([]bool, len(items))
	var omitted awscloud.Omissions
	if awscloud.WantsAction(req, ActionListTags) {
		err := awscloud.PerItemCall{Action: ActionListTags, Field: "TagList", Does: "list tags of", Limit: tagsConcurrency,
			Resource: func(i int) string { return "memorydb user " + aws.ToString(out.Users[i].ARN) },
			Read: func(ctx context.Context, i int) (any, error) {
				tags, err := client.ListTags(ctx, &memorydb.ListTagsInput{ResourceArn: aws.String(aws.ToString(out.Users[i].ARN))})
				if err != nil {
					return nil, err
				}
				return awscloud.PropsList(tags.TagList), nil
			},
			Gone: func(err error) bool { // deleted since the listing (UserNotFoundFault)
				return awscloud.Classify(err) == awscloud.ErrNotFound
			},
		}.Run(ctx, items, gone, &omitted)
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}
