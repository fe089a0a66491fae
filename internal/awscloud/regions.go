package awscloud

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/aws-port-sync/aws-port-sync/internal/awsarn"
)

// partitionRegions stands in for account:ListRegions where that API does not
// exist (GovCloud, China; Ocean #3425). Both partitions have no opt-in regions.
var partitionRegions = map[string][]string{
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
}

// Where a target's regions came from, in the order they are tried.
const (
	RegionsFromAccount   = "account:ListRegions"
	RegionsFromEC2       = "ec2:DescribeRegions"
	RegionsFromConfig    = "fallbackRegions" // Settings.FallbackRegions
	RegionsFromPartition = "partition"       // GovCloud, China: a fixed list
)

// Regions is a target's enabled regions and where they came from.
type Regions struct {
	Names  []string // sorted
	Source string   // one of the RegionsFrom* names
	// Fallback says why the sources before Source were not used; "" when
	// the first applicable source answered.
	Fallback string
}

// EnabledRegions lists the target account's enabled regions, sorted. Callers
// cache it per account per resync. account:ListRegions (ENABLED and
// ENABLED_BY_DEFAULT) is the source; where it answers with a final error
// (absent from the endpoint, denied, unknown operation) or with no region, EC2
// DescribeRegions (enabled regions only) in the home region stands in, then
// the configured fallback list. A failure that may pass (throttling, 5xx,
// network) is returned as it is, to be retried, not replaced by a guess.
func (p *Provider) EnabledRegions(ctx context.Context, t Target) (Regions, error) {
	if regions, ok := partitionRegions[p.partition(t)]; ok {
		return Regions{Names: append([]string(nil), regions...), Source: RegionsFromPartition}, nil
	}
	cfg, err := p.Config(ctx, t, "")
	if err != nil {
		return Regions{}, err
	}
	var failed []string
	var errs []error
	for _, src := range []struct {
		name string
		list func(context.Context, aws.Config) ([]string, error)
	}{{RegionsFromAccount, accountRegions}, {RegionsFromEC2, ec2Regions}} {
		names, err := src.list(ctx, cfg)
		switch {
		case err == nil && len(names) > 0:
			sort.Strings(names)
			return Regions{Names: names, Source: src.name, Fallback: strings.Join(failed, "; ")}, nil
		case err == nil:
			// Every account has default-enabled regions; an empty answer is a
			// broken read, and reading it as "no resources" would delete them all.
			err = errors.New("no enabled region returned")
		case Classify(err).Retryable():
			return Regions{}, fmt.Errorf("list regions of %s: %w", describeTarget(t), err)
		}
		failed = append(failed, src.name+" failed: "+errorSummary(err))
		errs = append(errs, err)
	}
	if len(p.s.FallbackRegions) > 0 {
		names := append([]string(nil), p.s.FallbackRegions...)
		sort.Strings(names)
		return Regions{Names: names, Source: RegionsFromConfig, Fallback: strings.Join(failed, "; ")}, nil
	}
	return Regions{}, &regionsError{
		msg:  fmt.Sprintf("list regions of %s: %s; no %s configured", describeTarget(t), strings.Join(failed, "; "), RegionsFromConfig),
		errs: errs,
	}
}

// regionsError is the failure of every region source. Its message sums them
// up; it unwraps to each source's error, so Classify still sees AWS's codes.
type regionsError struct {
	msg  string
	errs []error
}

func (e *regionsError) Error() string   { return e.msg }
func (e *regionsError) Unwrap() []error { return e.errs }

func accountRegions(ctx context.Context, cfg aws.Config) ([]string, error) {
	pager := account.NewListRegionsPaginator(account.NewFromConfig(cfg), &account.ListRegionsInput{
		MaxResults:              aws.Int32(50),
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	})
	var regions []string
	for pager.HasMorePages() {
		out, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range out.Regions {
			// The filter is applied server-side; re-check so a lax endpoint
			// cannot make us sync a disabled region.
			if r.RegionOptStatus == accounttypes.RegionOptStatusEnabled || r.RegionOptStatus == accounttypes.RegionOptStatusEnabledByDefault {
				regions = append(regions, aws.ToString(r.RegionName))
			}
		}
	}
	return regions, nil
}

// ec2Regions asks EC2 for the regions enabled for the account (AllRegions
// false leaves out opt-in regions it has not opted in to).
func ec2Regions(ctx context.Context, cfg aws.Config) ([]string, error) {
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(false)})
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, r := range out.Regions {
		if s := aws.ToString(r.OptInStatus); s == "" || s == "opt-in-not-required" || s == "opted-in" {
			regions = append(regions, aws.ToString(r.RegionName))
		}
	}
	return regions, nil
}

// errorSummary is AWS's code and message with the HTTP status, e.g.
// "HTTP 404 UnknownOperationException: …", or the error's text.
func errorSummary(err error) string {
	code := ErrorCode(err)
	var re *awshttp.ResponseError
	switch {
	case errors.As(err, &re) && code != "":
		return fmt.Sprintf("HTTP %d %s: %s", re.HTTPStatusCode(), code, errorMessage(err))
	case re != nil:
		// No AWS error document: an endpoint that does not serve the API.
		return fmt.Sprintf("HTTP %d without an AWS error", re.HTTPStatusCode())
	case code != "":
		return code + ": " + errorMessage(err)
	}
	return err.Error()
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
