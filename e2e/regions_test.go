package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// awsCalls counts the requests the AWS emulator received for an operation of
// an account ("" region = any).
func (s *stack) awsCalls(op, account, region string) int {
	n := 0
	for _, r := range s.aws.Requests() {
		if r.Operation == op && r.AccountID == account && (region == "" || r.Region == region) {
			n++
		}
	}
	return n
}

// syncedMember is an ACTIVE member account whose role can be assumed.
func syncedMember(o *awsemu.Org) *awsemu.Account {
	for _, a := range o.OrderedAccounts() {
		if a.ID != o.ManagementAccountID && a.State == "ACTIVE" && a.Roles[roleName] != nil {
			return a
		}
	}
	return nil
}

func accountProgress(t *testing.T, p syncdef.Progress, account string) syncdef.AccountProgress {
	t.Helper()
	for _, a := range p.Accounts {
		if a.AccountID == account {
			return a
		}
	}
	t.Fatalf("account %s is not in the resync's report", account)
	return syncdef.AccountProgress{}
}

// An account where neither account:ListRegions nor ec2:DescribeRegions works
// (and no fallbackRegions is set) still syncs its global kinds, S3 deletion
// included, and keeps every regional entity, even one really gone.
func TestAccountWithoutRegionsSyncsGlobalKindsAndKeepsRegionalEntities(t *testing.T) {
	s := newStack(t, demoSpec(21))
	s.startWorker()
	s.resync()

	account, goneInstance, goneBucket := s.removeInstanceAndBucket()
	s.aws.Faults().Add(awsemu.FaultRule{Service: "account", Operation: "ListRegions", AccountID: account,
		Status: http.StatusNotFound, Code: "UnknownOperationException", Message: "Unknown operation ListRegions"})
	s.aws.Faults().DenyAccess(account, "ec2", "")
	s.aws.ResetRequests()

	p, _ := s.resync()
	ap := accountProgress(t, p, account)
	if ap.Status != syncdef.AccountPartial {
		t.Fatalf("account %s is %s (%s); want partial: its global kinds synced", account, ap.Status, ap.Reason)
	}
	for _, want := range []string{"list regions of", "account:ListRegions failed: HTTP 404 UnknownOperationException: Unknown operation ListRegions",
		"ec2:DescribeRegions failed: HTTP 403 UnauthorizedOperation", "no fallbackRegions configured"} {
		if !strings.Contains(ap.Reason, want) {
			t.Errorf("reason %q does not say %q", ap.Reason, want)
		}
	}
	// Everything the organization implies, S3 reconciled, and the gone
	// instance kept: its scope could not be read.
	want := s.expectedKeys()
	want[goneInstance] = true
	got := s.assertCatalog(want)
	if _, ok := got[catalog.Key{Blueprint: "awsAccount", Identifier: account}]; !ok {
		t.Errorf("account %s has no awsAccount entity", account)
	}
	if _, ok := got[goneBucket]; ok {
		t.Errorf("bucket %s is gone from AWS and its scope completed, but it was not deleted", goneBucket.Identifier)
	}
	if n, m := s.awsCalls("ListRegions", account, ""), s.awsCalls("DescribeRegions", account, ""); n != 1 || m != 1 {
		t.Fatalf("ListRegions %d, DescribeRegions %d calls for %s; final errors are asked once", n, m, account)
	}
}

// An AWS-compatible endpoint without the Account API (a plain 404): regions
// come from ec2:DescribeRegions, everything syncs, and the report says so.
func TestEndpointWithoutListRegionsFallsBackToDescribeRegions(t *testing.T) {
	s := newStack(t, demoSpec(22))
	var listCalls atomic.Int32
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		listCalls.Add(1)
		http.NotFound(w, r)
	}))
	t.Cleanup(bare.Close)
	t.Setenv("AWS_ENDPOINT_URL_ACCOUNT", bare.URL)
	s.startWorker()

	p, _ := s.resync()
	s.assertCatalog(s.expectedKeys())
	synced := 0
	for _, a := range p.Accounts {
		if a.Status == syncdef.AccountFailed && strings.Contains(a.Reason, "Unable to assume role") {
			continue // the demo organization's account without a member role
		}
		if a.Status != syncdef.AccountSynced || !strings.HasPrefix(a.Reason, "regions from ec2:DescribeRegions (account:ListRegions failed: HTTP 404") {
			t.Errorf("account %s: %s %q; want synced, saying where its regions came from", a.AccountID, a.Status, a.Reason)
		}
		if n := s.awsCalls("DescribeRegions", a.AccountID, "us-east-1"); n != 1 {
			t.Errorf("account %s: %d DescribeRegions calls in the home region, want 1", a.AccountID, n)
		}
		synced++
	}
	if synced == 0 || int(listCalls.Load()) != synced {
		t.Fatalf("%d ListRegions calls for %d synced accounts: a 404 is asked once", listCalls.Load(), synced)
	}
}

// A 400 InvalidAction and a 404 fail their page at once: one request each,
// no SDK retry, no Temporal retry; the scopes fail with AWS's reason.
func TestRejectedRequestsFailThePageWithoutRetries(t *testing.T) {
	s := newStack(t, demoSpec(23))
	s.startWorker()
	var account string
	s.aws.View(func(o *awsemu.Org) { account = syncedMember(o).ID })
	s.aws.Faults().Add(awsemu.FaultRule{Service: "ec2", Operation: "DescribeInstances", AccountID: account, Region: "eu-west-1",
		Status: http.StatusBadRequest, Code: "InvalidAction", Message: "The action DescribeInstances is not valid for this web service."})
	s.aws.Faults().Add(awsemu.FaultRule{Service: "lambda", Operation: "ListFunctions", AccountID: account, Region: "us-east-1",
		Status: http.StatusNotFound, Code: "ResourceNotFoundException", Message: "Functions are not served here."})

	p, _ := s.resync()
	if n := s.awsCalls("DescribeInstances", account, "eu-west-1"); n != 1 {
		t.Errorf("DescribeInstances asked %d times after a 400 InvalidAction, want once", n)
	}
	if n := s.awsCalls("ListFunctions", account, "us-east-1"); n != 1 {
		t.Errorf("ListFunctions asked %d times after a 404, want once", n)
	}
	ap := accountProgress(t, p, account)
	if ap.Status != syncdef.AccountPartial {
		t.Fatalf("account %s is %s (%s), want partial", account, ap.Status, ap.Reason)
	}
	for _, want := range []string{"AWS::EC2::Instance in eu-west-1: ", "InvalidAction: The action DescribeInstances is not valid for this web service.", "(and 1 more scopes failed)"} {
		if !strings.Contains(ap.Reason, want) {
			t.Errorf("reason %q does not say %q", ap.Reason, want)
		}
	}
}
