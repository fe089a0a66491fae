package awsemu_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// An organization in aws-us-gov or aws-cn is served as that partition:
// its ARNs, its regions only, no Account API, and requests signed for a
// region of another partition are refused as AWS refuses a foreign key.
func TestPartitionOrganizations(t *testing.T) {
	for _, tc := range []struct{ partition, home, foreign string }{
		{"aws-us-gov", "us-gov-west-1", "us-east-1"},
		{"aws-cn", "cn-north-1", "us-east-1"},
		{"aws", "us-east-1", "us-gov-west-1"},
	} {
		t.Run(tc.partition, func(t *testing.T) {
			spec := coreSpec()
			spec.Partition = tc.partition
			srv := coreStart(t, awsemu.Generate(spec))
			ctx := context.Background()
			cfg := coreCfg(srv, srv.ManagementCredentials(), tc.home)

			id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil || !strings.HasPrefix(aws.ToString(id.Arn), "arn:"+tc.partition+":iam::") {
				t.Fatalf("GetCallerIdentity in %s: %v %v", tc.home, aws.ToString(id.Arn), err)
			}
			accts, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
			if err != nil || len(accts.Accounts) == 0 || !strings.HasPrefix(aws.ToString(accts.Accounts[0].Arn), "arn:"+tc.partition+":organizations::") {
				t.Fatalf("ListAccounts: %v", err)
			}
			regions, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			if err != nil {
				t.Fatalf("DescribeRegions: %v", err)
			}
			for _, r := range regions.Regions {
				if !awsemu.RegionInPartition(aws.ToString(r.RegionName), tc.partition) {
					t.Errorf("DescribeRegions lists %s outside %s", aws.ToString(r.RegionName), tc.partition)
				}
			}
			buckets, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				t.Fatalf("ListBuckets: %v", err)
			}
			for _, b := range buckets.Buckets {
				if r := aws.ToString(b.BucketRegion); r != "" && !awsemu.RegionInPartition(r, tc.partition) {
					t.Errorf("bucket %s in %s, outside %s", aws.ToString(b.Name), r, tc.partition)
				}
			}
			_, err = account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{})
			if tc.partition == "aws" && err != nil {
				t.Fatalf("ListRegions in aws: %v", err)
			}
			if tc.partition != "aws" {
				coreAPIError(t, err, "UnknownOperationException")
			}
			_, err = sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), tc.foreign)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			coreAPIError(t, err, "InvalidClientTokenId")
		})
	}
}
