package msk

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindServerlessCluster: one ListClustersV2 page (≤100) filtered to
// SERVERLESS; no per-item call. Properties are the Cluster (ClusterArn,
// ClusterType, Serverless, State, Tags…) under PascalCase names: Ocean's
// model declares them lowerCamel but dumps them by their PascalCase aliases.
const KindServerlessCluster = "AWS::MSK::ServerlessCluster"

type serverlessClusterKind struct{}

func init() { awscloud.RegisterKind(serverlessClusterKind{}) }

func (serverlessClusterKind) Name() string      { return KindServerlessCluster }
func (serverlessClusterKind) Global() bool      { return false }
func (serverlessClusterKind) Actions() []string { return nil }

func (serverlessClusterKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	in := &kafka.ListClustersV2Input{ClusterTypeFilter: aws.String("SERVERLESS"), MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := kafka.NewFromConfig(cfg).ListClustersV2(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list MSK serverless clusters in %s: %w", cfg.Region, err)
	}
	page := awscloud.Page{Next: aws.ToString(out.NextToken)}
	for _, c := range out.ClusterInfoList {
		page.Items = append(page.Items, awscloud.NewItem(KindServerlessCluster, awscloud.Props(c, nil), awscloud.ExtraContext(req, true)))
	}
	return page, nil
}
