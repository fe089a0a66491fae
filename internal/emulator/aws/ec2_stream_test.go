package awsemu_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// TestEC2DescribeInstancesNeverCutsAResponse makes 1,000 sequential
// DescribeInstances calls through the SDK's EC2 client with retries off, each
// answering a page of 5 instances (about 18 KB, far more than the client's
// first 4 KiB read), and expects every one to decode completely. With the
// SDK's default HTTP client, 1 to 7 % of these calls used to fail with
// "deserialization failed … use of closed network connection" (see
// sdkHTTPClient for why); the emulator once hid that behind 1 ms of latency.
func TestEC2DescribeInstancesNeverCutsAResponse(t *testing.T) {
	e := svcStart(t)
	e.add(t, e.mgmt, "us-east-1", awsemu.KindEC2Instance, 10, ec2Instance)
	all := e.resources(e.mgmt, "us-east-1", awsemu.KindEC2Instance)
	if len(all)%5 != 0 {
		t.Fatalf("setup: %d instances, want a multiple of 5 so every page holds 5", len(all))
	}
	e.srv.ResetRequests()

	client := ec2.NewFromConfig(e.cfg("us-east-1"))
	const calls = 1000
	failures := 0
	var token *string
	next := 0 // index in all of the page's first instance
	for i := range calls {
		out, err := client.DescribeInstances(e.ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), NextToken: token})
		if err != nil {
			failures++
			if failures <= 3 {
				t.Errorf("call %d: %v", i, err)
			}
			token, next = nil, 0
			continue
		}
		var ids []string
		for _, r := range out.Reservations {
			for _, inst := range r.Instances {
				ids = append(ids, aws.ToString(inst.InstanceId))
			}
		}
		if len(ids) != 5 {
			t.Fatalf("call %d: %d instances, want a full page of 5", i, len(ids))
		}
		for k, id := range ids {
			if want := all[next+k].ID; id != want {
				t.Fatalf("call %d: instance %d is %s, want %s", i, k, id, want)
			}
		}
		token, next = out.NextToken, next+5
		if token == nil { // last page: start over
			if next != len(all) {
				t.Fatalf("call %d: no next token after %d of %d instances", i, next, len(all))
			}
			next = 0
		}
	}
	if failures > 0 {
		t.Fatalf("%d of %d DescribeInstances calls failed", failures, calls)
	}
	served := 0
	for _, r := range e.srv.Requests() {
		if r.Operation == "DescribeInstances" && r.Status == 200 {
			served++
		}
	}
	if served != calls {
		t.Errorf("emulator served %d DescribeInstances, want exactly %d (one attempt per call)", served, calls)
	}
}
