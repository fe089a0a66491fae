package elasticache

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindCluster is one item per cache cluster (each node group member of a
// Redis/Valkey replication group is one): a DescribeCacheClusters page with
// ShowCacheNodeInfo (Ocean's only default call). Ocean's model keeps every
// member of the answer; ListTagsForResourceAction adds TagList.
const KindCluster = "AWS::ElastiCache::Cluster"

// ActionListTags is the kind's includeAction.
const ActionListTags = "ListTagsForResourceAction"

const tagsConcurrency = 10

type clusterKind struct{}

func init() { awscloud.RegisterKind(clusterKind{}) }

func (clusterKind) Name() string      { return KindCluster }
func (clusterKind) Global() bool      { return false }
func (clusterKind) Actions() []string { return []string{ActionListTags} }

func (clusterKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := elasticache.NewFromConfig(cfg)
	in := &elasticache.DescribeCacheClustersInput{ShowCacheNodeInfo: aws.Bool(true), MaxRecords: aws.Int32(awscloud.PageSize(req, 20, 100))}
	if req.Token != "" {
		in.Marker = aws.String(req.Token)
	}
	out, err := client.DescribeCacheClusters(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe cache clusters in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.CacheClusters))
	for i, c := range out.CacheClusters {
		items[i] = awscloud.NewItem(KindCluster, awscloud.Props(c, nil), awscloud.ExtraContext(req, true))
	}
	gone := make([]bool, len(items))
	var omitted awscloud.Omissions
	if awscloud.WantsAction(req, ActionListTags) {
		err := awscloud.PerItemCall{Action: ActionListTags, Field: "TagList", Does: "list tags of", Limit: tagsConcurrency,
			Resource: func(i int) string { return "cache cluster " + aws.ToString(out.CacheClusters[i].ARN) },
			Read: func(ctx context.Context, i int) (any, error) {
				tags, err := client.ListTagsForResource(ctx, &elasticache.ListTagsForResourceInput{ResourceName: aws.String(aws.ToString(out.CacheClusters[i].ARN))})
				if err != nil {
					return nil, err
				}
				return awscloud.PropsList(tags.TagList), nil
			},
			// CacheClusterNotFound: deleted since the listing
			Gone: func(err error) bool { return awscloud.Classify(err) == awscloud.ErrNotFound },
		}.Run(ctx, items, gone, &omitted)
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.Marker), &omitted), nil
}
