package awscloud_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

const (
	limitedCalls = 30
	freeCalls    = 100
)

// adaptiveRun is what one run of the throttling scenario saw.
type adaptiveRun struct {
	throttled int // throttled responses to the limited scope
	okLimited int // successful calls of the limited scope
	// okLimited when the same service in another region, and another service
	// in the same region, had finished their freeCalls calls.
	limitedAtOtherReg, limitedAtOtherSvc int
	otherErrors                          int // throttles or failures outside the limited scope
	limiters                             int
}

// runThrottledScope makes calls of one member account with a new client per
// call, as pages do: 4 goroutines send limitedCalls EC2 calls in us-east-1,
// whose bucket holds 5 calls per second, while two other goroutines make
// freeCalls calls each to EC2 in eu-west-1 and S3 in us-east-1 (no limits
// there).
func runThrottledScope(t *testing.T, adaptive bool) adaptiveRun {
	t.Helper()
	srv := startEmu(t, awsemu.Spec{Seed: 71, Accounts: 2, OUs: 1, Regions: []string{"us-east-1", "eu-west-1"}})
	srv.Faults().SetRegionRateLimit("ec2", "us-east-1", 5, 5)
	p := staticProvider(t, srv, func(s *awscloud.Settings) {
		s.RetryMaxAttempts = 50
		s.RetryMaxBackoff = 200 * time.Millisecond
	})
	if !adaptive {
		p.WithoutAdaptiveLimits()
	}
	f := facts(srv)
	member := f.Accounts[1].ID
	target := awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName), SessionName: awscloud.SessionMember}
	ctx := ctxT(t)

	var run adaptiveRun
	var next, okLimited, otherErr atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= limitedCalls {
				cfg, err := p.Config(ctx, target, "us-east-1")
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{}); err != nil {
					t.Errorf("limited call failed: %v", err)
					continue
				}
				okLimited.Add(1)
			}
		}()
	}
	var others sync.WaitGroup
	other := func(call func() error, limitedAtEnd *int) {
		defer others.Done()
		for range freeCalls {
			if err := call(); err != nil {
				otherErr.Add(1)
			}
		}
		*limitedAtEnd = int(okLimited.Load())
	}
	others.Add(2)
	go other(func() error {
		cfg, err := p.Config(ctx, target, "eu-west-1")
		if err != nil {
			return err
		}
		_, err = ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		return err
	}, &run.limitedAtOtherReg)
	go other(func() error {
		cfg, err := p.Config(ctx, target, "us-east-1")
		if err != nil {
			return err
		}
		_, err = s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
		return err
	}, &run.limitedAtOtherSvc)
	wg.Wait()
	others.Wait()

	for _, r := range srv.Requests() {
		if r.AccountID != member || r.ErrorCode == "" {
			continue
		}
		if r.Service == "ec2" && r.Region == "us-east-1" {
			run.throttled++
		} else {
			otherErr.Add(1)
		}
	}
	run.okLimited = int(okLimited.Load())
	run.otherErrors = int(otherErr.Load())
	run.limiters = p.AdaptiveLimiters()
	t.Logf("adaptive=%v: %+v", adaptive, run)
	return run
}

// Throttles of one (account, region, service) slow down the later calls of
// that scope, across clients, so AWS throttles it less than the old retryer
// did; the same service in another region and another service in the same
// region keep their full speed. Counts only: the emulator's request log says
// what was throttled, and the other scopes' calls are counted while the
// limited scope works through its fixed number of calls.
func TestAdaptiveLimitsSlowOnlyTheThrottledScope(t *testing.T) {
	old := runThrottledScope(t, false)
	got := runThrottledScope(t, true)

	for name, r := range map[string]adaptiveRun{"standard": old, "adaptive": got} {
		if r.okLimited != limitedCalls {
			t.Errorf("%s: %d of %d limited calls succeeded", name, r.okLimited, limitedCalls)
		}
		if r.otherErrors != 0 {
			t.Errorf("%s: %d errors outside the limited scope", name, r.otherErrors)
		}
	}
	if old.throttled == 0 {
		t.Fatal("the scenario does not throttle: nothing to compare")
	}
	if got.throttled*2 > old.throttled {
		t.Errorf("adaptive limits: %d throttled responses, want at most half of the standard retryer's %d", got.throttled, old.throttled)
	}
	// Not slowed: the free scopes made their 100 calls before the throttled
	// scope was through its 30 (which take 5 s at 5/s, more at the adaptive
	// rate); a limiter shared with it would have held them to its rate.
	for name, n := range map[string]int{"ec2 in eu-west-1": got.limitedAtOtherReg, "s3 in us-east-1": got.limitedAtOtherSvc} {
		if n >= limitedCalls {
			t.Errorf("%s: the throttled scope had finished all %d calls before this free scope made its %d: it was slowed too", name, n, freeCalls)
		}
	}
	if got.limiters < 3 {
		t.Errorf("%d adaptive limiters, want one per (account, region, service) called", got.limiters)
	}
}
