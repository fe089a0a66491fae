package awscloud_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// The production client against a fast endpoint next door: 1,000 pages of
// several instances in a row, the SDK's retries off, not one response cut
// (smithy-go's early close of the request body made net/http close about 3%
// of such connections mid-response; see httpclient.go).
func TestProductionClientNeverLosesAResponse(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 41, Accounts: 1, ResourcesPerKind: 8, Regions: []string{"us-east-1"}})
	p := staticProvider(t, srv, func(s *awscloud.Settings) { s.RetryMaxAttempts = 1 })
	cfg, err := p.Config(ctxT(t), awscloud.Target{}, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	client := ec2.NewFromConfig(cfg)
	failures, instances := 0, 0
	var token *string
	for i := 0; i < 1000; i++ {
		out, err := client.DescribeInstances(ctxT(t), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), NextToken: token})
		if err != nil {
			failures++
			if failures <= 3 {
				t.Errorf("call %d: %v", i, err)
			}
			token = nil
			continue
		}
		for _, r := range out.Reservations {
			instances += len(r.Instances)
		}
		token = out.NextToken
	}
	if failures > 0 {
		t.Fatalf("%d of 1,000 calls failed", failures)
	}
	if instances < 2000 {
		t.Fatalf("%d instances in 1,000 pages: the pages must hold several instances to exercise the race", instances)
	}
}
