package ecs

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// KindCluster: ListClusters page → one DescribeClusters call (≤100 ARNs).
const KindCluster = "AWS::ECS::Cluster"

type ecsClusterKind struct{}

func init() { awscloud.RegisterKind(ecsClusterKind{}) }

func (ecsClusterKind) Name() string { return KindCluster }
func (ecsClusterKind) Global() bool { return false }

// Actions: none, as in Ocean (DescribeClusters already includes everything).
func (ecsClusterKind) Actions() []string { return nil }

// ecsListFields default to [] as in Ocean's cluster model, so mappings see an
// empty list rather than null.
var ecsListFields = []string{"CapacityProviders", "ClusterSettings", "DefaultCapacityProviderStrategy", "Tags", "Attachments", "Statistics"}

func (ecsClusterKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ecs.NewFromConfig(cfg)
	in := &ecs.ListClustersInput{MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	list, err := client.ListClusters(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list clusters in %s: %w", cfg.Region, err)
	}
	page := awscloud.Page{Next: aws.ToString(list.NextToken)}
	if len(list.ClusterArns) == 0 {
		return page, nil
	}
	out, err := client.DescribeClusters(ctx, &ecs.DescribeClustersInput{
		Clusters: list.ClusterArns,
		Include: []ecstypes.ClusterField{ecstypes.ClusterFieldTags, ecstypes.ClusterFieldAttachments,
			ecstypes.ClusterFieldSettings, ecstypes.ClusterFieldConfigurations, ecstypes.ClusterFieldStatistics},
	})
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe %d clusters in %s: %w", len(list.ClusterArns), cfg.Region, err)
	}
	// A cluster deleted between the two calls is reported MISSING; any other
	// failure would silently drop a cluster, so it fails the page.
	for _, f := range out.Failures {
		if aws.ToString(f.Reason) != "MISSING" {
			return awscloud.Page{}, fmt.Errorf("describe cluster %s in %s: %s %s", aws.ToString(f.Arn), cfg.Region,
				aws.ToString(f.Reason), aws.ToString(f.Detail))
		}
	}
	for _, c := range out.Clusters {
		p := awscloud.Props(c, awscloud.LowerCamel)
		// Ocean's model publishes the settings under the alias ClusterSettings.
		if s, ok := p["Settings"]; ok {
			p["ClusterSettings"] = s
			delete(p, "Settings")
		}
		for _, f := range ecsListFields {
			if _, ok := p[f]; !ok {
				p[f] = []any{}
			}
		}
		page.Items = append(page.Items, awscloud.NewItem(KindCluster, p, awscloud.ExtraContext(req, true)))
	}
	return page, nil
}
