package awscloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

// KindECRRepository: a DescribeRepositories page (≤1000); repository policy,
// lifecycle policy and tags only with their includeActions.
const KindECRRepository = "AWS::ECR::Repository"

const ecrActionConcurrency = 10

// ecrProperties are the repository members Ocean's model keeps (it ignores
// the others), under their PascalCase names; nested members stay camelCase,
// as boto returns them.
var ecrProperties = []string{"RepositoryName", "RepositoryArn", "RepositoryUri", "RegistryId", "CreatedAt",
	"ImageTagMutability", "ImageScanningConfiguration", "EncryptionConfiguration"}

type ecrRepositoryKind struct{}

func init() { registerKind(ecrRepositoryKind{}) }

func (ecrRepositoryKind) Name() string { return KindECRRepository }
func (ecrRepositoryKind) Global() bool { return false }

func (ecrRepositoryKind) Actions() []string {
	return []string{"GetRepositoryPolicyAction", "GetLifecyclePolicyAction", "ListTagsForResourceAction"}
}

func (ecrRepositoryKind) Collect(ctx context.Context, cfg aws.Config, req PageRequest) (Page, error) {
	if req.Region != "" {
		cfg.Region = req.Region
	}
	client := ecr.NewFromConfig(cfg)
	in := &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(pageSize(req, 1, 1000))}
	if req.Token != "" {
		in.NextToken = aws.String(req.Token)
	}
	out, err := client.DescribeRepositories(ctx, in)
	if err != nil {
		return Page{}, fmt.Errorf("describe repositories in %s: %w", cfg.Region, err)
	}
	repos := out.Repositories
	items := make([]map[string]any, len(repos))
	for i, r := range repos {
		all := props(r, lowerCamel)
		pr := map[string]any{}
		for _, k := range ecrProperties {
			if v, ok := all[k]; ok {
				pr[k] = v
			}
		}
		items[i] = newItem(KindECRRepository, pr, extraContext(req, true))
	}
	gone := make([]bool, len(repos))
	var omitted omissions
	policy, lifecycle, tags := wantsAction(req, "GetRepositoryPolicyAction"), wantsAction(req, "GetLifecyclePolicyAction"), wantsAction(req, "ListTagsForResourceAction")
	if policy || lifecycle || tags {
		err := forEach(ctx, len(repos), ecrActionConcurrency, func(ctx context.Context, i int) error {
			name, arn := aws.ToString(repos[i].RepositoryName), aws.ToString(repos[i].RepositoryArn)
			pr := items[i]["Properties"].(map[string]any)
			// handled reports whether err leaves the item as it is (gone or
			// omitted); otherwise the page fails.
			handled := func(action string, err error) bool {
				if Classify(err) == ErrNotFound && ErrorCode(err) == "RepositoryNotFoundException" { // deleted since the listing
					gone[i] = true
					return true
				}
				return omitted.omit(action, "repository "+name, 1, err)
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
						lp["lastEvaluatedAt"] = isoTime(*l.LastEvaluatedAt)
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
						list = append(list, props(tg, nil))
					}
					pr["Tags"] = list
				case !handled("ListTagsForResourceAction", err):
					return fmt.Errorf("list tags of repository %s: %w", name, err)
				}
			}
			return nil
		})
		if err != nil {
			return Page{}, err
		}
	}
	return keptPage(items, gone, aws.ToString(out.NextToken), &omitted), nil
}
