package awscloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// KindEKSCluster is one item per EKS cluster: a ListClusters page of names,
// then DescribeCluster per name (Ocean's default action; no includeActions).
// Properties are Ocean's model: its fields only, PascalCase at the top level,
// nested members in EKS's own camelCase as boto returns them.
const KindEKSCluster = "AWS::EKS::Cluster"

const eksDescribeConcurrency = 10

// eksClusterFields are the members Ocean's EKS cluster model keeps (it ignores
// the rest, e.g. id, health, encryptionConfig).
var eksClusterFields = []string{
	"AccessConfig", "Arn", "CertificateAuthority", "ComputeConfig", "CreatedAt", "Endpoint",
	"Identity", "KubernetesNetworkConfig", "Logging", "Name", "PlatformVersion",
	"ResourcesVpcConfig", "RoleArn", "Status", "StorageConfig", "Tags", "UpgradePolicy",
	"Version", "ZonalShiftConfig",
}

type eksClusterKind struct{}

func init() { registerKind(eksClusterKind{}) }

func (eksClusterKind) Name() string      { return KindEKSCluster }
func (eksClusterKind) Global() bool      { return false }
func (eksClusterKind) Actions() []string { return nil }

func (eksClusterKind) Collect(ctx context.Context, cfg aws.Config, req PageRequest) (Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := eks.NewFromConfig(cfg)
	in := &eks.ListClustersInput{MaxResults: aws.Int32(pageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListClusters(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("list clusters in %s: %w", cfg.Region, err)
	}
	items := make([]map[string]any, len(out.Clusters))
	err = forEach(ctx, len(out.Clusters), eksDescribeConcurrency, func(ctx context.Context, i int) error {
		name := out.Clusters[i]
		d, err := client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			if Classify(err) == ErrNotFound { // deleted since the listing
				return nil
			}
			return fmt.Errorf("describe cluster %s in %s: %w", name, cfg.Region, err)
		}
		if d.Cluster == nil {
			return fmt.Errorf("describe cluster %s in %s: no cluster in the answer", name, cfg.Region)
		}
		all := props(*d.Cluster, lowerCamel)
		p := make(map[string]any, len(eksClusterFields))
		for _, f := range eksClusterFields {
			if v, ok := all[f]; ok {
				p[f] = v
			}
		}
		items[i] = newItem(KindEKSCluster, p, extraContext(req, true))
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	page := Page{Next: aws.ToString(out.NextToken)}
	for _, it := range items {
		if it != nil {
			page.Items = append(page.Items, it)
		}
	}
	return page, nil
}
