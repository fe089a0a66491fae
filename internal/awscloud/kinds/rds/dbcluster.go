package rds

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// KindDBCluster is one item per DB cluster: a DescribeDBClusters page
// (Ocean's only default call). Ocean's model keeps every member the answer
// has, TagList included; ListTagsForResourceAction replaces TagList with
// ListTagsForResource's answer (Ocean's model also has a Tags field that
// nothing fills, so Tags never appears).
const KindDBCluster = "AWS::RDS::DBCluster"

type dbClusterKind struct{}

func init() { awscloud.RegisterKind(dbClusterKind{}) }

func (dbClusterKind) Name() string      { return KindDBCluster }
func (dbClusterKind) Global() bool      { return false }
func (dbClusterKind) Actions() []string { return []string{ActionListTags} }

func (dbClusterKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := rds.NewFromConfig(cfg)
	in := &rds.DescribeDBClustersInput{MaxRecords: aws.Int32(awscloud.PageSize(req, 20, 100))}
	if req.Token != "" {
		in.Marker = aws.String(req.Token)
	}
	out, err := client.DescribeDBClusters(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe db clusters in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.DBClusters))
	arns := make([]string, len(out.DBClusters))
	for i, c := range out.DBClusters {
		items[i] = awscloud.NewItem(KindDBCluster, awscloud.Props(c, nil), awscloud.ExtraContext(req, true))
		arns[i] = aws.ToString(c.DBClusterArn)
	}
	gone := make([]bool, len(items))
	var omitted awscloud.Omissions
	if awscloud.WantsAction(req, ActionListTags) {
		if err := addTags(ctx, client, items, arns, gone, "TagList", "db cluster", &omitted); err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.Marker), &omitted), nil
}
