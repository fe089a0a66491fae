package s3

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// KindBucket is global: ListBuckets returns every bucket of the account from
// any region; per-bucket calls go to the bucket's own region.
const KindBucket = "AWS::S3::Bucket"

const s3ActionConcurrency = 10

type s3BucketKind struct{}

func init() { awscloud.RegisterKind(s3BucketKind{}) }

func (s3BucketKind) Name() string { return KindBucket }
func (s3BucketKind) Global() bool { return true }

// s3Action is one of Ocean's optional bucket calls: it sets one property.
type s3Action struct {
	name string
	// get returns the property's value, or nil to leave it unset.
	get func(ctx context.Context, client *s3.Client, bucket string, opt func(*s3.Options)) (any, error)
	key string
}

// s3Actions are Ocean's S3 includeActions, with Ocean's property names:
// BucketEncryption is GetBucketEncryption's ServerSideEncryptionConfiguration.
var s3Actions = []s3Action{
	{name: "GetPublicAccessBlockAction", key: "PublicAccessBlockConfiguration",
		get: func(ctx context.Context, c *s3.Client, b string, opt func(*s3.Options)) (any, error) {
			out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b)}, opt)
			if err != nil || out.PublicAccessBlockConfiguration == nil {
				return nil, err
			}
			return awscloud.Props(out.PublicAccessBlockConfiguration, nil), nil
		}},
	{name: "GetBucketOwnershipControlsAction", key: "OwnershipControls",
		get: func(ctx context.Context, c *s3.Client, b string, opt func(*s3.Options)) (any, error) {
			out, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(b)}, opt)
			if err != nil || out.OwnershipControls == nil {
				return nil, err
			}
			return awscloud.Props(out.OwnershipControls, nil), nil
		}},
	{name: "GetBucketEncryptionAction", key: "BucketEncryption",
		get: func(ctx context.Context, c *s3.Client, b string, opt func(*s3.Options)) (any, error) {
			out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(b)}, opt)
			if err != nil || out.ServerSideEncryptionConfiguration == nil {
				return nil, err
			}
			return awscloud.Props(out.ServerSideEncryptionConfiguration, nil), nil
		}},
	{name: "GetBucketLocationAction", key: "LocationConstraint",
		get: func(ctx context.Context, c *s3.Client, b string, opt func(*s3.Options)) (any, error) {
			out, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(b)}, opt)
			// Empty means us-east-1, as AWS reports it; Ocean leaves it unset then.
			if err != nil || out.LocationConstraint == "" {
				return nil, err
			}
			return string(out.LocationConstraint), nil
		}},
}

func (s3BucketKind) Actions() []string {
	names := make([]string, len(s3Actions))
	for i, a := range s3Actions {
		names[i] = a.name
	}
	return names
}

func (s3BucketKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := s3.NewFromConfig(cfg)
	in := &s3.ListBucketsInput{MaxBuckets: aws.Int32(awscloud.PageSize(req, 1, 10000))}
	if req.Token != "" {
		in.ContinuationToken = aws.String(req.Token)
	}
	out, err := client.ListBuckets(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list buckets: %w", err)
	}
	partition := awscloud.ItemPartition(req)
	var actions []s3Action
	for _, a := range s3Actions {
		if awscloud.WantsAction(req, a.name) {
			actions = append(actions, a)
		}
	}
	var omitted awscloud.Omissions
	items := make([]map[string]any, len(out.Buckets))
	gone := make([]bool, len(out.Buckets))
	err = awscloud.ForEach(ctx, len(out.Buckets), s3ActionConcurrency, func(ctx context.Context, i int) error {
		b := out.Buckets[i]
		name := aws.ToString(b.Name)
		inRegion := func(o *s3.Options) {
			if r := aws.ToString(b.BucketRegion); r != "" {
				o.Region = r
			}
		}
		p := map[string]any{"BucketName": name, "Arn": "arn:" + partition + ":s3:::" + name}
		if b.CreationDate != nil {
			p["CreationDate"] = awscloud.ISOTime(*b.CreationDate)
		}
		if r := aws.ToString(b.BucketRegion); r != "" {
			p["BucketRegion"] = r
		}
		tags, err := client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name)}, inRegion)
		switch {
		case err == nil:
			list := make([]any, 0, len(tags.TagSet))
			for _, t := range tags.TagSet {
				list = append(list, awscloud.Props(t, nil))
			}
			p["Tags"] = list
		case awscloud.ErrorCode(err) == "NoSuchTagSet":
			p["Tags"] = []any{}
		case awscloud.ErrorCode(err) == "NoSuchBucket": // deleted since the listing
			gone[i] = true
			return nil
		default:
			return fmt.Errorf("get tagging of bucket %s: %w", name, err)
		}
		for _, a := range actions {
			v, err := a.get(ctx, client, name, inRegion)
			switch {
			case err == nil:
				if v != nil {
					p[a.key] = v
				}
			case awscloud.ErrorCode(err) == "NoSuchBucket":
				gone[i] = true
				return nil
			case omitted.Omit(a.name, "bucket "+name, 1, err):
			default:
				return fmt.Errorf("%s of bucket %s: %w", a.name, name, err)
			}
		}
		items[i] = awscloud.NewItem(KindBucket, p, awscloud.ExtraContext(req, false))
		return nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.ContinuationToken), &omitted), nil
}
