// Package msk holds the Amazon MSK (Kafka) kinds.
package msk

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindCluster: one ListClusters (v1) page (≤100) of provisioned clusters; the
// listing carries every field, so there is no per-item call. As Ocean, the
// properties are ClusterInfo under AWS's PascalCase member names at every
// level (boto's names, not the camelCase wire names), Tags a map.
const KindCluster = "AWS::MSK::Cluster"

type clusterKind struct{}

func init() { awscloud.RegisterKind(clusterKind{}) }

func (clusterKind) Name() string      { return KindCluster }
func (clusterKind) Global() bool      { return false }
func (clusterKind) Actions() []string { return nil }

func (clusterKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	in := &kafka.ListClustersInput{MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := kafka.NewFromConfig(cfg).ListClusters(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list MSK clusters in %s: %w", cfg.Region, err)
	}
	page := awscloud.Page{Next: aws.ToString(out.NextToken)}
	for _, c := range out.ClusterInfoList {
		page.Items = append(page.Items, awscloud.NewItem(KindCluster, awscloud.Props(c, nil), awscloud.ExtraContext(req, true)))
	}
	return page, nil
}
