package awsemu_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestFaultsInjectedErrorsCountAndMatchers(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()
	client := sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1"))
	other := sts.NewFromConfig(coreCfg(srv, srv.StaticCredentials(ca.member, "dev"), "us-east-1"))

	srv.Faults().Add(awsemu.FaultRule{Service: "sts", Operation: "GetCallerIdentity", AccountID: ca.mgmt, Status: 503, Count: 2})
	for i := 0; i < 2; i++ {
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		coreAPIError(t, err, "ServiceUnavailable")
	}
	if _, err := other.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("other account matched the rule: %v", err)
	}
	if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("rule did not expire after Count: %v", err)
	}

	srv.Faults().Add(awsemu.FaultRule{Service: "organizations", Code: "ServiceException", Message: "boom", Status: 500})
	_, err := organizations.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1")).ListRoots(ctx, &organizations.ListRootsInput{})
	var se *orgtypes.ServiceException
	if !errors.As(err, &se) || se.ErrorMessage() != "boom" {
		t.Fatalf("want ServiceException boom, got %v", err)
	}
	srv.Faults().Clear()
	if _, err := organizations.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1")).ListRoots(ctx, &organizations.ListRootsInput{}); err != nil {
		t.Fatalf("after Clear: %v", err)
	}
}

func TestFaultsDenyAccessPerProtocol(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()
	for _, svc := range []string{"sts", "organizations", "account", "ec2", "s3"} {
		srv.Faults().DenyAccess(ca.mgmt, svc, "eu-west-1")
	}
	creds := srv.ManagementCredentials()
	cfg := coreCfg(srv, creds, "eu-west-1")
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "AccessDenied")
	_, err = organizations.NewFromConfig(cfg).ListRoots(ctx, &organizations.ListRootsInput{})
	var ade *orgtypes.AccessDeniedException
	if !errors.As(err, &ade) {
		t.Fatalf("organizations: want AccessDeniedException, got %v", err)
	}
	_, err = account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{})
	coreAPIError(t, err, "AccessDeniedException")
	_, err = ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	coreAPIError(t, err, "UnauthorizedOperation")
	_, err = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
	coreAPIError(t, err, "AccessDenied")

	// Other regions and other accounts are untouched.
	if _, err := sts.NewFromConfig(coreCfg(srv, creds, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("us-east-1 denied too: %v", err)
	}
	if _, err := sts.NewFromConfig(coreCfg(srv, srv.StaticCredentials(ca.member, "dev"), "eu-west-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("other account denied too: %v", err)
	}
	var denied int
	for _, r := range srv.Requests() {
		if r.Status == 403 || r.Status == 400 {
			denied++
		}
	}
	if denied != 5 {
		t.Fatalf("request log shows %d denials, want 5", denied)
	}
}

func TestFaultsThrottleIsRetryable(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ctx := context.Background()
	creds := srv.ManagementCredentials()
	// Burst 1 and a negligible refill: the second call in the window is throttled.
	srv.Faults().SetRateLimit("", 0.001, 1)
	cfg := coreCfg(srv, creds, "us-east-1")
	retryer := retry.NewStandard()
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"sts", func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "Throttling"},
		{"organizations", func() error {
			_, err := organizations.NewFromConfig(cfg).ListRoots(ctx, &organizations.ListRootsInput{})
			return err
		}, "TooManyRequestsException"},
		{"account", func() error {
			_, err := account.NewFromConfig(cfg).ListRegions(ctx, &account.ListRegionsInput{})
			return err
		}, "TooManyRequestsException"},
		{"ec2", func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}, "RequestLimitExceeded"},
		{"s3", func() error {
			_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "SlowDown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err != nil {
				t.Fatalf("first call within burst: %v", err)
			}
			err := tc.call()
			coreAPIError(t, err, tc.code)
			if !retryer.IsErrorRetryable(err) {
				t.Fatalf("SDK retryer does not retry %s", tc.code)
			}
		})
	}
	// Buckets are per (account, region, service): another region is fresh.
	if _, err := sts.NewFromConfig(coreCfg(srv, creds, "eu-west-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("other region throttled: %v", err)
	}
	srv.Faults().SetRateLimit("", 0, 0)
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("limit not removed: %v", err)
	}
}

func TestFaultsSDKRetriesThroughThrottles(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ctx := context.Background()
	srv.Faults().Add(awsemu.FaultRule{Service: "organizations", Operation: "ListAccounts", Code: "TooManyRequestsException", Status: 400, Count: 2})
	cfg := coreCfg(srv, srv.ManagementCredentials(), "us-east-1")
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	out, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(out.Accounts) != 8 {
		t.Fatalf("ListAccounts through throttles: %v", err)
	}
	var codes []string
	for _, r := range srv.Requests() {
		codes = append(codes, r.ErrorCode)
	}
	if strings.Join(codes, ",") != "TooManyRequestsException,TooManyRequestsException," {
		t.Fatalf("request log codes = %q", codes)
	}
}

func TestFaultsProbabilityIsSeeded(t *testing.T) {
	pattern := func() string {
		srv := coreStart(t, awsemu.Generate(coreSpec()))
		srv.Faults().SetSeed(7)
		srv.Faults().Add(awsemu.FaultRule{Service: "sts", Status: 500, Probability: 0.5})
		client := sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1"))
		var b strings.Builder
		for i := 0; i < 32; i++ {
			if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b {
		t.Fatalf("same seed, different outcomes:\n%s\n%s", a, b)
	}
	if n := strings.Count(a, "x"); n == 0 || n == 32 {
		t.Fatalf("probability 0.5 failed %d of 32", n)
	}
}

func TestFaultsLatency(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	client := sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1"))
	srv.Faults().SetLatency("sts", 150*time.Millisecond)
	start := time.Now()
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("call took %v, want >= 150ms", d)
	}
	srv.Faults().SetLatency("sts", 0)
	snap := srv.Faults().Snapshot()
	if len(snap.Latency) != 0 {
		t.Fatalf("latency not removed: %v", snap.Latency)
	}
}

func TestRequestLogRecords(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()
	creds := srv.ManagementCredentials()
	if _, err := sts.NewFromConfig(coreCfg(srv, creds, "eu-central-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	_, _ = organizations.NewFromConfig(coreCfg(srv, srv.StaticCredentials(ca.member, "dev"), "us-east-1")).ListAccounts(ctx, &organizations.ListAccountsInput{})
	recs := srv.Requests()
	if len(recs) != 2 {
		t.Fatalf("records = %d", len(recs))
	}
	r := recs[0]
	if r.Service != "sts" || r.Operation != "GetCallerIdentity" || r.AccountID != ca.mgmt || r.Region != "eu-central-1" ||
		r.AccessKeyID != creds.AccessKeyID || r.Principal != "arn:aws:iam::"+ca.mgmt+":user/admin" || r.Status != 200 || r.ErrorCode != "" || r.Time.IsZero() {
		t.Fatalf("record 0 = %+v", r)
	}
	r = recs[1]
	if r.Service != "organizations" || r.Operation != "ListAccounts" || r.AccountID != ca.member || r.Status != 400 || r.ErrorCode != "AccessDeniedException" {
		t.Fatalf("record 1 = %+v", r)
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("after reset: %d records", n)
	}
}
