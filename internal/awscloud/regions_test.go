package awscloud_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestEnabledRegionsOfMemberAccount(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 21, Accounts: 2,
		Regions:       []string{"us-west-2", "eu-central-1", "us-east-1", "ap-east-1"},
		OptInDisabled: []string{"me-south-1", "af-south-1"}})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	member := f.Accounts[1].ID
	got, err := p.EnabledRegions(ctxT(t), awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName), SessionName: awscloud.SessionMember})
	if err != nil {
		t.Fatal(err)
	}
	// ap-east-1 is an opt-in region (ENABLED), the others ENABLED_BY_DEFAULT;
	// the DISABLED opt-in regions are left out; sorted.
	want := []string{"ap-east-1", "eu-central-1", "us-east-1", "us-west-2"}
	if !reflect.DeepEqual(got.Names, want) || got.Source != awscloud.RegionsFromAccount || got.Fallback != "" {
		t.Fatalf("regions = %+v, want %v from account:ListRegions", got, want)
	}
	calls := ops(srv, "ListRegions")
	if len(calls) != 1 || calls[0].AccountID != member {
		t.Fatalf("ListRegions must be called as the member account: %+v", calls)
	}

	policy := awscloud.RegionPolicy{Allow: []string{"us-east-1", "eu-central-1"}, Deny: []string{"eu-central-1"}}
	if f := policy.Filter(got.Names); !reflect.DeepEqual(f, []string{"us-east-1"}) {
		t.Fatalf("policy filter = %v", f)
	}
}

func TestEnabledRegionsNonCommercialPartitionsUseStaticList(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 22, Accounts: 1})
	p := staticProvider(t, srv, nil)
	got, err := p.EnabledRegions(ctxT(t), awscloud.Target{RoleARN: "arn:aws-us-gov:iam::123456789012:role/Reader"})
	if err != nil || !reflect.DeepEqual(got.Names, []string{"us-gov-east-1", "us-gov-west-1"}) {
		t.Fatalf("gov regions = %v, %v", got, err)
	}
	got, err = p.EnabledRegions(ctxT(t), awscloud.Target{RoleARN: "arn:aws-cn:iam::123456789012:role/Reader"})
	if err != nil || !reflect.DeepEqual(got.Names, []string{"cn-north-1", "cn-northwest-1"}) {
		t.Fatalf("china regions = %v, %v", got, err)
	}
	if len(srv.Requests()) != 0 {
		t.Fatalf("account:ListRegions does not exist there; no call expected, saw %d", len(srv.Requests()))
	}
}

func TestRegionPolicyPrecedence(t *testing.T) {
	cases := []struct {
		allow, deny []string
		region      string
		want        bool
	}{
		{nil, nil, "us-east-1", true},
		{nil, []string{"us-east-1"}, "us-east-1", false},
		{nil, []string{"us-east-1"}, "eu-west-1", true},
		{[]string{"us-east-1"}, nil, "us-east-1", true},
		{[]string{"us-east-1"}, nil, "eu-west-1", false},
		{[]string{"us-east-1"}, []string{"us-east-1"}, "us-east-1", false}, // deny wins
		{[]string{"us-east-1"}, []string{"eu-west-1"}, "ap-south-1", false},
		{[]string{"us-east-1"}, []string{"eu-west-1"}, "us-east-1", true},
	}
	for _, tc := range cases {
		rp := awscloud.RegionPolicy{Allow: tc.allow, Deny: tc.deny}
		if got := rp.Allowed(tc.region); got != tc.want {
			t.Errorf("allow=%v deny=%v %s: got %v, want %v", tc.allow, tc.deny, tc.region, got, tc.want)
		}
	}
}

// regionsSpec has an opt-in region the accounts enabled (ap-east-1) and two
// they did not: every source must agree on the same four regions.
func regionsSpec(seed int64) awsemu.Spec {
	return awsemu.Spec{Seed: seed, Accounts: 2,
		Regions:       []string{"us-west-2", "eu-central-1", "us-east-1", "ap-east-1"},
		OptInDisabled: []string{"me-south-1", "af-south-1"}}
}

var enabledInRegionsSpec = []string{"ap-east-1", "eu-central-1", "us-east-1", "us-west-2"}

func memberTarget(f orgFacts) awscloud.Target {
	member := f.Accounts[1].ID
	return awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName), SessionName: awscloud.SessionMember}
}

// fewRetries keeps what is retried quick: 2 attempts, short backoff.
func fewRetries(s *awscloud.Settings) {
	s.RetryMaxAttempts = 2
	s.RetryMaxBackoff = 10 * time.Millisecond
}

// Where account:ListRegions does not exist or is denied, EC2 DescribeRegions
// lists the enabled regions instead, at once: the failure is not retried.
func TestEnabledRegionsFallBackToDescribeRegions(t *testing.T) {
	for _, tc := range []struct {
		name string
		// unlist removes account:ListRegions and returns how often it was called.
		unlist func(t *testing.T, srv *awsemu.Server, member string) func() int
		want   string // in the fallback note
	}{
		{"unknown operation", func(t *testing.T, srv *awsemu.Server, member string) func() int {
			srv.Faults().Add(awsemu.FaultRule{Service: "account", Operation: "ListRegions", Status: http.StatusNotFound,
				Code: "UnknownOperationException", Message: "The operation ListRegions is not supported by this endpoint."})
			return func() int { return len(ops(srv, "ListRegions")) }
		}, "HTTP 404 UnknownOperationException: The operation ListRegions is not supported by this endpoint."},
		{"invalid action", func(t *testing.T, srv *awsemu.Server, member string) func() int {
			srv.Faults().Add(awsemu.FaultRule{Service: "account", Operation: "ListRegions", Status: http.StatusBadRequest,
				Code: "InvalidAction", Message: "The action ListRegions is not valid for this web service."})
			return func() int { return len(ops(srv, "ListRegions")) }
		}, "HTTP 400 InvalidAction: The action ListRegions is not valid for this web service."},
		{"denied", func(t *testing.T, srv *awsemu.Server, member string) func() int {
			srv.Faults().DenyAccess(member, "account", "")
			return func() int { return len(ops(srv, "ListRegions")) }
		}, "HTTP 403 AccessDeniedException: User: arn:aws:sts::"},
		{"endpoint without the Account API", func(t *testing.T, srv *awsemu.Server, member string) func() int {
			// An AWS-compatible endpoint that knows nothing of account:
			// a plain 404 page, no AWS error document.
			var calls atomic.Int32
			bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				http.NotFound(w, r)
			}))
			t.Cleanup(bare.Close)
			t.Setenv("AWS_ENDPOINT_URL_ACCOUNT", bare.URL)
			return func() int { return int(calls.Load()) }
		}, "HTTP 404 without an AWS error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startEmu(t, regionsSpec(23))
			target := memberTarget(facts(srv))
			listCalls := tc.unlist(t, srv, target.AccountID)
			p := staticProvider(t, srv, nil) // production retries: 8 attempts
			got, err := p.EnabledRegions(ctxT(t), target)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Names, enabledInRegionsSpec) || got.Source != awscloud.RegionsFromEC2 {
				t.Fatalf("regions = %+v, want %v from ec2:DescribeRegions", got, enabledInRegionsSpec)
			}
			if !strings.Contains(got.Fallback, "account:ListRegions failed: "+tc.want) {
				t.Fatalf("fallback note %q should name account:ListRegions and AWS's answer %q", got.Fallback, tc.want)
			}
			if n := listCalls(); n != 1 {
				t.Fatalf("account:ListRegions called %d times; a final error must not be retried", n)
			}
			calls := ops(srv, "DescribeRegions")
			if len(calls) != 1 || calls[0].AccountID != target.AccountID || calls[0].Region != "us-east-1" {
				t.Fatalf("want one ec2:DescribeRegions as the member in the home region, got %+v", calls)
			}
		})
	}
}

// The configured list is the last resort; without it the error names every
// source that failed, and is final.
func TestEnabledRegionsUseFallbackRegionsLastly(t *testing.T) {
	srv := startEmu(t, regionsSpec(24))
	target := memberTarget(facts(srv))
	srv.Faults().Add(awsemu.FaultRule{Service: "account", Operation: "ListRegions", Status: http.StatusNotFound,
		Code: "UnknownOperationException", Message: "Unknown operation ListRegions"})
	srv.Faults().DenyAccess(target.AccountID, "ec2", "")

	p := staticProvider(t, srv, func(s *awscloud.Settings) { s.FallbackRegions = []string{"us-east-1", "eu-west-1"} })
	got, err := p.EnabledRegions(ctxT(t), target)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Names, []string{"eu-west-1", "us-east-1"}) || got.Source != awscloud.RegionsFromConfig {
		t.Fatalf("regions = %+v, want the configured list", got)
	}
	for _, want := range []string{"account:ListRegions failed: HTTP 404 UnknownOperationException", "ec2:DescribeRegions failed: HTTP 403 UnauthorizedOperation"} {
		if !strings.Contains(got.Fallback, want) {
			t.Errorf("fallback note %q does not say %q", got.Fallback, want)
		}
	}

	srv.ResetRequests()
	_, err = staticProvider(t, srv, nil).EnabledRegions(ctxT(t), target)
	if err == nil {
		t.Fatal("no source of regions, and no fallbackRegions: want an error")
	}
	if c := awscloud.Classify(err); c.Retryable() {
		t.Fatalf("every source failed for good, but the error classifies as %v (retryable)", c)
	}
	for _, want := range []string{"account:ListRegions failed: HTTP 404 UnknownOperationException: Unknown operation ListRegions",
		"ec2:DescribeRegions failed: HTTP 403 UnauthorizedOperation", "no fallbackRegions configured"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n, m := len(ops(srv, "ListRegions")), len(ops(srv, "DescribeRegions")); n != 1 || m != 1 {
		t.Fatalf("ListRegions %d, DescribeRegions %d calls: final errors must not be retried", n, m)
	}
}

// Throttling and 5xx are retried, never replaced by a guess.
func TestEnabledRegionsRetryWhatMayPass(t *testing.T) {
	for _, rule := range []awsemu.FaultRule{
		{Service: "account", Operation: "ListRegions", Status: http.StatusTooManyRequests, Code: "TooManyRequestsException"},
		{Service: "account", Operation: "ListRegions", Status: http.StatusInternalServerError},
		{Service: "account", Operation: "ListRegions", Status: http.StatusServiceUnavailable},
	} {
		t.Run(strconv.Itoa(rule.Status), func(t *testing.T) {
			srv := startEmu(t, regionsSpec(25))
			srv.Faults().Add(rule)
			p := staticProvider(t, srv, func(s *awscloud.Settings) {
				fewRetries(s)
				s.FallbackRegions = []string{"us-east-1"}
			})
			_, err := p.EnabledRegions(ctxT(t), memberTarget(facts(srv)))
			if c := awscloud.Classify(err); err == nil || !c.Retryable() {
				t.Fatalf("err = %v (%v), want a retryable error", err, c)
			}
			if n := len(ops(srv, "ListRegions")); n != 2 {
				t.Fatalf("ListRegions called %d times, want the SDK's 2 attempts", n)
			}
			if n := len(ops(srv, "DescribeRegions")); n != 0 {
				t.Fatalf("a failure that may pass fell back to DescribeRegions (%d calls)", n)
			}
		})
	}
}
