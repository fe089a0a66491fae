package ecr

import (
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

// KindRepository: a DescribeRepositories page (≤1000); repository policy,
// lifecycle policy and tags only with their includeActions.
const KindRepository = "AWS::ECR::Repository"

const ecrActionConcurrency = 10

// ecrProperties are the repository members Ocean's model keeps (it ignores
// the others), under their PascalCase names; nested members stay camelCase,
// as boto returns them.
var ecrProperties = []string{"RepositoryName", "RepositoryArn", "RepositoryUri", "RegistryId", "CreatedAt",
	"ImageTagMutability", "ImageScanningConfiguration", "EncryptionConfiguration"}

type ecrRepositoryKind struct{}

func init() { awscloud.RegisterKind(ecrRepositoryKind{}) }

func (ecrRepositoryKind) Name() string { return KindRepository }
func (ecrRepositoryKind) Global() bool { return false }

func (ecrRepositoryKind) Actions() []string {
	return []string{"GetRepositoryPolicyAction", "GetLifecyclePolicyAction", "ListTagsForResourceAction"}
}

func (ecrRepositoryKind) Collect(ctx context.Context, cfg aws.Config, req awscloud.PageRequest) (awscloud.Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ecr.NewFromConfig(cfg)
	in := &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(awscloud.PageSize(req, 1, 1000))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.DescribeRepositories(ctx, in)
	if err != nil {
		return awscloud.Page{}, fmt.Errorf("describe repositories in %s: %w", cfg.Region, err)
	}
	repos := out.Repositories
	items := make([]map[string]any, len(repos))
	for i, r := range repos {
		all := awscloud.Props(r, awscloud.LowerCamel)
		pr := map[string]any{}
		for _, k := range ecrProperties {
			if v, ok := all[k]; ok {
				pr[k] = v
			}
		}
		items[i] = awscloud.NewItem(KindRepository, pr, awscloud.ExtraContext(req, true))
	}
	gone := make([]bool, len(repos))
	var omitted awscloud.Omissions
	policy, lifecycle, tags := awscloud.WantsAction(req, "GetRepositoryPolicyAction"), awscloud.WantsAction(req, "GetLifecyclePolicyAction"), awscloud.WantsAction(req, "ListTagsForResourceAction")
	if policy || lifecycle || tags {
		err := awscloud.ForEach(ctx, len(repos), ecrActionConcurrency, func(ctx context.Context, i int) error {
			name, arn := aws.ToString(repos[i].RepositoryName), aws.ToString(repos[i].RepositoryArn)
			pr := items[i]["Properties"].(map[string]any)
			// handled reports whether err leaves the item as it is (gone or
			// omitted); otherwise the page fails.
			handled := func(action string, err error) bool {
				if awscloud.Classify(err) == awscloud.ErrNotFound && awscloud.ErrorCode(err) == "RepositoryNotFoundException" { // deleted since the listing
					gone[i] = true
					return true
				}
				return omitted.Omit(action, "repository "+name, 1, err)
			}
			if policy {
				p, err := client.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String(name), RegistryId: repos[i].RegistryId})
				switch {
				case err == nil:
					pr["RepositoryPolicyText"] = aws.ToString(p.PolicyText)
				case !handled("GetRepositoryPolicyAction", err):
					return fmt.Errorf("get repository policy of %s: %w", name, err)
				}
			}
			if lifecycle && !gone[i] {
				l, err := client.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String(name), RegistryId: repos[i].RegistryId})
				switch {
				case err == nil:
					lp := map[string]any{}
					if l.RegistryId != nil {
						lp["registryId"] = *l.RegistryId
					}
					if l.RepositoryName != nil {
						lp["repositoryName"] = *l.RepositoryName
					}
					if l.LifecyclePolicyText != nil {
						lp["lifecyclePolicyText"] = *l.LifecyclePolicyText
					}
					if l.LastEvaluatedAt != nil && !l.LastEvaluatedAt.IsZero() {
						lp["lastEvaluatedAt"] = awscloud.ISOTime(*l.LastEvaluatedAt)
					}
					pr["LifecyclePolicy"] = lp
				case !handled("GetLifecyclePolicyAction", err):
					return fmt.Errorf("get lifecycle policy of %s: %w", name, err)
				}
			}
			if tags && !gone[i] {
				t, err := client.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
				switch {
				case err == nil:
					list := []any{}
					for _, tg := range t.Tags {
						list = append(list, awscloud.Props(tg, nil))
					}
					pr["Tags"] = list
				case !handled("ListTagsForResourceAction", err):
					return fmt.Errorf("list tags of repository %s: %w", name, err)
				}
			}
			return nil
		})
		if err != nil {
			return awscloud.Page{}, err
		}
	}
	return awscloud.KeptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}
