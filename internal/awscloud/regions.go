package awscloud

import (
	"context"
	"fmt"
	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
)

// partitionRegions stands in for account:ListRegions where that API does not
// exist (GovCloud, China; Ocean #3425). Both partitions have no opt-in regions.
var partitionRegions = map[string][]string{
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
}

// EnabledRegions lists the target account's regions that are ENABLED or
// ENABLED_BY_DEFAULT, sorted. Callers cache it per account per resync.
func (p *Provider) EnabledRegions(ctx context.Context, t Target) ([]string, error) {
	if regions, ok := partitionRegions[p.partition(t)]; ok {
		return append([]string(nil), regions...), nil
	}
	cfg, err := p.Config(ctx, t, "")
	if err != nil {
		return nil, err
	}
	client := account.NewFromConfig(cfg)
	pager := account.NewListRegionsPaginator(client, &account.ListRegionsInput{
		MaxResults:              aws.Int32(50),
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	})
	var regions []string
	for pager.HasMorePages() {
		out, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list regions of %s: %w", describeTarget(t), err)
		}
		for _, r := range out.Regions {
			// The filter is applied server-side; re-check so a lax endpoint
			// cannot make us sync a disabled region.
			if r.RegionOptStatus == accounttypes.RegionOptStatusEnabled || r.RegionOptStatus == accounttypes.RegionOptStatusEnabledByDefault {
				regions = append(regions, aws.ToString(r.RegionName))
			}
		}
	}
	if len(regions) == 0 {
		// Every account has default-enabled regions; an empty answer is a
		// broken read, and reading it as "no resources" would delete them all.
		return nil, fmt.Errorf("list regions of %s: no ENABLED or ENABLED_BY_DEFAULT region returned", describeTarget(t))
	}
	sort.Strings(regions)
	return regions, nil
}

// partition of a target: its role ARN, else the configured partition, else the
// home region's.
func (p *Provider) partition(t Target) string {
	if t.RoleARN != "" {
		if arn, err := awsarn.ParseRoleARN(t.RoleARN); err == nil {
			return arn.Partition
		}
	}
	if p.s.Partition != "" {
		return p.s.Partition
	}
	return partitionOfRegion(p.s.Region)
}

// RegionPolicy is a kind's regionPolicy selector.
type RegionPolicy struct {
	Allow, Deny []string
}

// Allowed applies Ocean's precedence: no lists → all; in deny → no (deny wins);
// in allow → yes; only deny set → yes; otherwise (allow set, not in it) → no.
func (rp RegionPolicy) Allowed(region string) bool {
	if len(rp.Allow) == 0 && len(rp.Deny) == 0 {
		return true
	}
	if contains(rp.Deny, region) {
		return false
	}
	if contains(rp.Allow, region) {
		return true
	}
	return len(rp.Allow) == 0
}

// Filter keeps the allowed regions, in order.
func (rp RegionPolicy) Filter(regions []string) []string {
	out := make([]string, 0, len(regions))
	for _, r := range regions {
		if rp.Allowed(r) {
			out = append(out, r)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
