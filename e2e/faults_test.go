package e2e

import (
	"strings"
	"testing"
	"time"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// AWS throttling, Port 429/503 and a token that expires mid-resync slow the
// resync down but change nothing in its outcome.
func TestResyncSurvivesThrottlingAndPortFaults(t *testing.T) {
	s := newStack(t, demoSpec(7))
	s.awsRetries, s.awsMaxBackoff = 8, time.Second // production: 8 attempts, 20 s
	s.startWorker()
	s.aws.Faults().SetRateLimit("ec2", 3, 1)
	s.aws.Faults().SetRateLimit("ecs", 3, 1)
	s.port.AddFault(portemu.Fault{Method: "POST", Path: "/v1/blueprints/", Status: 429, RetryAfter: "0", Count: 3})
	s.port.AddFault(portemu.Fault{Method: "POST", Path: "/v1/entities/search", Status: 503, Count: 2})
	s.port.AddFault(portemu.Fault{Method: "POST", Path: "/v1/blueprints/entities/datasource-entities", Status: 502, Count: 1})

	p, _ := s.resync()
	for _, a := range p.Accounts {
		if a.Status != syncdef.AccountSynced && a.Reason != "" && !strings.Contains(a.Reason, "Unable to assume role") {
			t.Errorf("account %s %s: %s", a.AccountID, a.Status, a.Reason)
		}
	}
	s.port.ExpireTokens() // the second resync starts on a token Port no longer accepts
	s.assertCatalog(s.expectedKeys())
	if p.Counts.Failed != 0 {
		t.Fatalf("%d entities failed despite retries", p.Counts.Failed)
	}
	throttled := 0
	for _, r := range s.aws.Requests() {
		if strings.Contains(r.ErrorCode, "Throttl") || r.ErrorCode == "RequestLimitExceeded" {
			throttled++
		}
	}
	statuses := map[int]int{}
	for _, r := range s.port.Requests() {
		statuses[r.Status]++
	}
	if throttled == 0 || statuses[429] != 3 || statuses[503] != 2 || statuses[502] != 1 {
		t.Fatalf("faults not exercised: %d AWS throttles, Port statuses %v", throttled, statuses)
	}

	s.port.ResetRequests()
	p2, _ := s.resync()
	s.assertCatalog(s.expectedKeys())
	reauth := 0
	for _, r := range s.port.Requests() {
		if r.Status == 401 {
			reauth++
		}
	}
	if reauth == 0 || p2.Counts.Failed != 0 || p2.Counts.Upserted != 0 {
		t.Fatalf("after token expiry: %d 401s (want re-auth), counts %+v", reauth, p2.Counts)
	}
}

// The heart of the design: a scope whose read failed keeps every entity it had,
// even ones that really disappeared, while the same account's healthy scopes
// still reconcile.
func TestFailedScopeKeepsEntitiesWhileHealthyScopesReconcile(t *testing.T) {
	s := newStack(t, demoSpec(8))
	s.startWorker()
	s.resync()

	account, goneInstance, goneBucket := s.removeInstanceAndBucket()
	// EC2 of that account now fails in one region: its EC2 scope is incomplete.
	s.aws.Faults().DenyAccess(account, "ec2", "eu-west-1")

	p, _ := s.resync()
	got := s.catalogKeys()
	if _, ok := got[goneInstance]; !ok {
		t.Errorf("instance %s was deleted although the EC2 scope of %s could not be read completely", goneInstance.Identifier, account)
	}
	if _, ok := got[goneBucket]; ok {
		t.Errorf("bucket %s is gone from AWS and its scope completed, but it was not deleted", goneBucket.Identifier)
	}
	var ap syncdef.AccountProgress
	for _, a := range p.Accounts {
		if a.AccountID == account {
			ap = a
		}
	}
	if ap.Status != syncdef.AccountPartial || !strings.Contains(ap.Reason, "AWS::EC2::Instance in eu-west-1") {
		t.Fatalf("account %s: status %q reason %q, want partial naming the EC2 scope and region", account, ap.Status, ap.Reason)
	}
}

// An optional action (includeActions) that AWS denies leaves the buckets in the
// catalog without that field, is named in the account's report, and does not
// make the account (or the resync) partial: what was written is right.
func TestDeniedOptionalActionKeepsTheItemsAndIsReported(t *testing.T) {
	s := newStack(t, demoSpec(9))
	const s3Kind = "  - kind: AWS::S3::Bucket\n    selector:\n      query: 'true'\n"
	m := defaultMapping(t)
	if !strings.Contains(m, s3Kind) {
		t.Fatal("default mapping changed: S3 selector not found")
	}
	s.writeMapping(strings.Replace(m, s3Kind, s3Kind+"      includeActions: [GetBucketEncryptionAction, GetPublicAccessBlockAction]\n", 1))
	account, buckets := "", 0
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			n := 0
			for k, list := range a.Resources {
				if k.Kind == awsemu.KindS3Bucket {
					n += len(list)
				}
			}
			if a.State == "ACTIVE" && a.Roles[roleName] != nil && n > 0 && account == "" {
				account, buckets = a.ID, n
			}
		}
	})
	s.aws.Faults().Add(awsemu.FaultRule{Service: "s3", Operation: "GetBucketEncryption", AccountID: account,
		Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	s.startWorker()
	p, _ := s.resync()
	s.assertCatalog(s.expectedKeys())
	// (The resync itself is partial: demoSpec has an account without the role.)
	var ap syncdef.AccountProgress
	for _, a := range p.Accounts {
		if a.AccountID == account {
			ap = a
		}
	}
	if ap.Status != syncdef.AccountSynced || ap.Counts.OmittedActions < buckets || len(ap.OmittedActions) == 0 {
		t.Fatalf("account %s: status %q, %d omitted (%d buckets), examples %q", account, ap.Status, ap.Counts.OmittedActions, buckets, ap.OmittedActions)
	}
	var named bool
	for _, ex := range ap.OmittedActions {
		named = named || (strings.HasPrefix(ex, "GetBucketEncryptionAction denied for bucket ") && strings.Contains(ex, "AccessDenied"))
	}
	if !named {
		t.Fatalf("account %s report does not name the denied action: %q", account, ap.OmittedActions)
	}
}
