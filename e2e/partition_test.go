package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// The demo organization in GovCloud and in China syncs end to end: the
// catalog the organization implies, every ARN in it of that partition, and
// no request signed for a region outside the partition (the emulator refuses
// those as AWS does) nor any call to the Account API, which neither
// partition has.
func TestPartitionOrganizationSyncsEndToEnd(t *testing.T) {
	for _, partition := range []string{"aws-us-gov", "aws-cn"} {
		t.Run(partition, func(t *testing.T) {
			spec := demoSpec(31)
			spec.Partition, spec.Regions, spec.OptInDisabled = partition, nil, nil
			s := newStack(t, spec)
			s.startWorker()
			p, _ := s.resync()
			got := s.assertCatalog(s.expectedKeys())
			if p.AccountsFailed != 1 {
				t.Errorf("%d accounts failed, want only the demo's account without a role: %+v", p.AccountsFailed, p.Accounts)
			}

			arns := 0
			for k, e := range got {
				raw, err := json.Marshal(e)
				if err != nil {
					t.Fatal(err)
				}
				text := string(raw)
				if strings.Contains(text, `arn:aws:`) {
					t.Errorf("%s/%s holds an ARN of partition aws: %s", k.Blueprint, k.Identifier, text)
				}
				arns += strings.Count(text, "arn:"+partition+":")
			}
			if arns == 0 {
				t.Fatalf("no %s ARN in the catalog", partition)
			}
			for _, blueprint := range []string{"s3Bucket", "lambdaFunction", "ecsCluster"} {
				seen := false
				for k := range got {
					if k.Blueprint == blueprint {
						seen = true
						if !strings.HasPrefix(k.Identifier, "arn:"+partition+":") {
							t.Errorf("%s identifier %s is not a %s ARN", blueprint, k.Identifier, partition)
						}
					}
				}
				if !seen {
					t.Errorf("no %s in the catalog", blueprint)
				}
			}

			reqs := s.aws.Requests()
			for _, r := range reqs {
				if !awsemu.RegionInPartition(r.Region, partition) && r.Region != "" {
					t.Errorf("%s.%s signed for %s, outside %s (status %d %s)", r.Service, r.Operation, r.Region, partition, r.Status, r.ErrorCode)
				}
				if r.Service == "account" {
					t.Errorf("account:%s called in %s, which has no Account API", r.Operation, partition)
				}
			}
			if len(reqs) == 0 {
				t.Fatal("the emulator logged no request")
			}
		})
	}
}
