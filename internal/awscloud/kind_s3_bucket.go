package awscloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// KindS3Bucket is global: ListBuckets returns every bucket of the account from
// any region; per-bucket calls go to the bucket's own region.
const KindS3Bucket = "AWS::S3::Bucket"

const s3ActionConcurrency = 10

type s3BucketKind struct{}

func init() { registerKind(s3BucketKind{}) }

func (s3BucketKind) Name() string { return KindS3Bucket }
func (s3BucketKind) Global() bool { return true }

func (s3BucketKind) Collect(ctx context.Context, cfg aws.Config, req PageRequest) (Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := s3.NewFromConfig(cfg)
	in := &s3.ListBucketsInput{MaxBuckets: aws.Int32(pageSize(req, 1, 10000))}
	if req.Token != "" {
		in.ContinuationToken = aws.String(req.Token)
	}
	out, err := client.ListBuckets(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("list buckets: %w", err)
	}
	partition := itemPartition(req)
	location := wantsAction(req, "GetBucketLocationAction")
	items := make([]map[string]any, len(out.Buckets))
	gone := make([]bool, len(out.Buckets))
	err = forEach(ctx, len(out.Buckets), s3ActionConcurrency, func(ctx context.Context, i int) error {
		b := out.Buckets[i]
		name := aws.ToString(b.Name)
		inRegion := func(o *s3.Options) {
			if r := aws.ToString(b.BucketRegion); r != "" {
				o.Region = r
			}
		}
		p := map[string]any{"BucketName": name, "Arn": "arn:" + partition + ":s3:::" + name}
		if b.CreationDate != nil {
			p["CreationDate"] = isoTime(*b.CreationDate)
		}
		if r := aws.ToString(b.BucketRegion); r != "" {
			p["BucketRegion"] = r
		}
		tags, err := client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name)}, inRegion)
		switch {
		case err == nil:
			list := make([]any, 0, len(tags.TagSet))
			for _, t := range tags.TagSet {
				list = append(list, props(t, nil))
			}
			p["Tags"] = list
		case ErrorCode(err) == "NoSuchTagSet":
			p["Tags"] = []any{}
		case ErrorCode(err) == "NoSuchBucket": // deleted since the listing
			gone[i] = true
			return nil
		default:
			return fmt.Errorf("get tagging of bucket %s: %w", name, err)
		}
		if location {
			loc, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)}, inRegion)
			if err != nil {
				if ErrorCode(err) == "NoSuchBucket" {
					gone[i] = true
					return nil
				}
				return fmt.Errorf("get location of bucket %s: %w", name, err)
			}
			// Empty means us-east-1, as AWS reports it; Ocean leaves it unset then.
			if c := string(loc.LocationConstraint); c != "" {
				p["LocationConstraint"] = c
			}
		}
		items[i] = newItem(KindS3Bucket, p, extraContext(req, false))
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	page := Page{Next: aws.ToString(out.ContinuationToken)}
	for i, it := range items {
		if !gone[i] {
			page.Items = append(page.Items, it)
		}
	}
	return page, nil
}
