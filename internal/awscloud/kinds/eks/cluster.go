package eks

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// KindCluster is one item per EKS cluster: a ListClusters page of names,
// then DescribeCluster per name (Ocean's default action; no includeActions).
// Properties are Ocean's model: its fields only, PascalCase at the top level,
// nested members in EKS's own camelCase as boto returns them.
const KindCluster = "AWS::EKS::Cluster"

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

func init() { awscloud.RegisterKind(eksClusterKind{}) }

func (eksClusterKind) Name() string      { return KindCluster }
func (eksClusterKind) Global() bool      { return false }
func (eksClusterKind) Actions() []string { return nil }

func (eksClusterKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := eks.NewFromConfig(cfg)
	in := &eks.ListClustersInput{MaxResults: aws.Int32(awscloud.PageSize(req, 1, 100))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.ListClusters(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("list clusters in %s: %w", cfg.Region, err)
	}
	items, gone, err := awscloud.ReadEach(ctx, len(out.Clusters), eksDescribeConcurrency, func(ctx context.Context, i int) (map[string]any, error) {
		name := out.Clusters[i]
		d, err := client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			if awscloud.Classify(err) == awscloud.ErrNotFound { // deleted since the listing
				return nil, nil
			}
			return nil, fmt.Errorf("describe cluster %s in %s: %w", name, cfg.Region, err)
		}
		if d.Cluster == nil {
			return nil, fmt.Errorf("describe cluster %s in %s: no cluster in the answer", name, cfg.Region)
		}
		all := awscloud.Props(*d.Cluster, awscloud.LowerCamel)
		p := make(map[string]any, len(eksClusterFields))
		for _, f := range eksClusterFields {
			if v, ok := all[f]; ok {
				p[f] = v
			}
		}
		return awscloud.NewItem(KindCluster, p, awscloud.ExtraContext(req, true)), nil
	})
	if err != nil {
		return awscloud.Page{}, err
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &awscloud.Omissions{}), nil
}
