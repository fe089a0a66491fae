package workflows

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/activities"
	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// fakeAWS answers the activities from an in-memory organization: per account,
// per resource kind, a list of entity identifiers split in pages of two.
type fakeAWS struct {
	mu        sync.Mutex
	accounts  []syncdef.Account
	items     map[string]map[string][]string // account -> kind -> identifiers
	owned     map[catalog.Scope][]catalog.Key
	denied    map[string]bool // account -> AssumeRole denied
	failKind  map[string]bool // kind whose collection fails
	deleted   []catalog.Key
	upserted  int
	threshold float64
	cascade   []bool // DeleteDependentEntities of each DeleteEntities call
	// regionAllow is the EC2 resource's regionPolicy.allow.
	regionAllow []string
	// regions answers ListRegions per account (default: both regions from
	// account:ListRegions); regionsFail makes it fail for good.
	regions      map[string]syncdef.ListRegionsOutput
	regionsFail  map[string]string
	regionCalls  map[string]int
	collectCalls map[string]int // account/kind -> CollectPage calls
	// rejected: identifier -> Port's answer when writing it.
	rejected map[string]string
	// discoveryErr fails ListAccounts.
	discoveryErr error
	// portWrites lists the activities that write to Port outside entity writes.
	portWrites []string
	// plans, when set, changes the resources PrepareResync returns.
	plans func([]syncdef.ResourcePlan) []syncdef.ResourcePlan
}

func (f *fakeAWS) env(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(ResyncWorkflow, workflow.RegisterOptions{Name: syncdef.ResyncWorkflowName})
	env.RegisterWorkflowWithOptions(AccountSyncWorkflow, workflow.RegisterOptions{Name: syncdef.AccountSyncWorkflowName})
	env.RegisterWorkflowWithOptions(ResyncLeaseWorkflow, workflow.RegisterOptions{Name: syncdef.ResyncLeaseWorkflowName})
	reg := func(fn any, name string) { env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name}) }
	reg(func(ctx context.Context, integration string) (string, error) { return "", nil }, syncdef.LeaseHolderActivity)
	reg(func(ctx context.Context, in syncdef.PrepareInput) (syncdef.PrepareOutput, error) {
		f.mu.Lock()
		f.portWrites = append(f.portWrites, "prepare")
		f.mu.Unlock()
		resources := []syncdef.ResourcePlan{
			{Index: 0, Kind: "AWS::S3::Bucket", Global: true},
			{Index: 1, Kind: "AWS::EC2::Instance", RegionDeny: []string{"eu-west-1"}, RegionAllow: f.regionAllow},
		}
		if f.plans != nil {
			resources = f.plans(resources)
		}
		return syncdef.PrepareOutput{
			Resources:             resources,
			Flags:                 syncdef.Flags{EntityDeletionThreshold: f.threshold, DeleteDependentEntities: true},
			MaxConcurrentAccounts: 2,
		}, nil
	}, syncdef.PrepareResyncActivity)
	reg(func(ctx context.Context, integration string) (syncdef.ListAccountsOutput, error) {
		if f.discoveryErr != nil {
			return syncdef.ListAccountsOutput{}, f.discoveryErr
		}
		return syncdef.ListAccountsOutput{Mode: "organization", Accounts: f.accounts, Complete: true}, nil
	}, syncdef.ListAccountsActivity)
	reg(func(ctx context.Context, a syncdef.Account) (syncdef.AssumeRoleOutput, error) {
		if f.denied[a.ID] {
			return syncdef.AssumeRoleOutput{}, temporal.NewNonRetryableApplicationError("Unable to assume role "+a.RoleARN+": AccessDenied", syncdef.ErrTypeAccessDenied, nil)
		}
		return syncdef.AssumeRoleOutput{AccountID: a.ID}, nil
	}, syncdef.AssumeRoleActivity)
	reg(func(ctx context.Context, in syncdef.ListRegionsInput) (syncdef.ListRegionsOutput, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.regionCalls[in.Account.ID]++
		if msg := f.regionsFail[in.Account.ID]; msg != "" {
			return syncdef.ListRegionsOutput{}, temporal.NewNonRetryableApplicationError(msg, syncdef.ErrTypeAWSRejected, nil)
		}
		if out, ok := f.regions[in.Account.ID]; ok {
			return out, nil
		}
		return syncdef.ListRegionsOutput{Regions: []string{"eu-west-1", "us-east-1"}, Source: "account:ListRegions"}, nil
	}, syncdef.ListRegionsActivity)
	collect := func(ctx context.Context, in syncdef.CollectPageInput) (syncdef.CollectPageOutput, error) {
		f.mu.Lock()
		f.collectCalls[in.Account.ID+"/"+in.Resource.Kind]++
		f.mu.Unlock()
		if f.failKind[in.Resource.Kind] {
			return syncdef.CollectPageOutput{}, temporal.NewNonRetryableApplicationError("collect: AccessDenied", syncdef.ErrTypeAccessDenied, nil)
		}
		if in.Region == "eu-west-1" {
			return syncdef.CollectPageOutput{}, errors.New("denied region was collected")
		}
		ids := f.items[in.Account.ID][in.Resource.Kind]
		start := 0
		if in.Token != "" {
			start = int(in.Token[0] - '0')
		}
		end := min(start+2, len(ids))
		out := syncdef.CollectPageOutput{Raw: end - start}
		for _, id := range ids[start:end] {
			out.Entities = append(out.Entities, catalog.Entity{Identifier: id, Blueprint: in.Resource.Kind})
		}
		if end < len(ids) {
			out.Next = string(rune('0' + end))
		}
		return out, nil
	}
	upsert := func(ctx context.Context, in syncdef.UpsertInput) (syncdef.UpsertOutput, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		out := syncdef.UpsertOutput{}
		for _, e := range in.Entities {
			if reason, ok := f.rejected[e.Identifier]; ok {
				out.Failed++
				out.Failures = append(out.Failures, e.Blueprint+"/"+e.Identifier+": "+reason)
				continue
			}
			out.Upserted++
		}
		f.upserted += out.Upserted
		return out, nil
	}
	reg(upsert, syncdef.UpsertEntitiesActivity)
	plan := func(ctx context.Context, in syncdef.PlanDeletesInput) (syncdef.PlanDeletesOutput, error) {
		produced := map[catalog.Key]bool{}
		for _, k := range in.Produced {
			produced[k] = true
		}
		out := syncdef.PlanDeletesOutput{}
		for _, k := range f.owned[in.Scope] {
			out.Owned++
			if !produced[k] {
				out.Stale = append(out.Stale, k)
			}
		}
		return out, nil
	}
	// The scope activity's own logic, over the fakes above.
	reg(func(ctx context.Context, in syncdef.SyncScopeInput) (syncdef.SyncScopeOutput, error) {
		return activities.RunScope(ctx, in, activities.ScopeSteps{Collect: collect, Upsert: upsert, Plan: plan,
			Sleep: func(context.Context, time.Duration) error { return nil }})
	}, syncdef.SyncScopeActivity)
	reg(func(ctx context.Context, in syncdef.PlanSweepInput) (syncdef.PlanSweepOutput, error) {
		n := 0
		for _, keys := range f.owned {
			n += len(keys)
		}
		return syncdef.PlanSweepOutput{Owned: n}, nil
	}, syncdef.PlanSweepActivity)
	reg(func(ctx context.Context, in syncdef.DeleteInput) (syncdef.DeleteOutput, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.deleted = append(f.deleted, in.Keys...)
		f.cascade = append(f.cascade, in.Flags.DeleteDependentEntities)
		return syncdef.DeleteOutput{Deleted: len(in.Keys)}, nil
	}, syncdef.DeleteEntitiesActivity)
	reg(func(ctx context.Context, in syncdef.FinishInput) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.portWrites = append(f.portWrites, "finish "+in.Status)
		return nil
	}, syncdef.FinishResyncActivity)
	return env
}

func newFake() *fakeAWS {
	return &fakeAWS{
		accounts: []syncdef.Account{{ID: "111111111111", Name: "a"}, {ID: "222222222222", Name: "b"}, {ID: "333333333333", Name: "c"}},
		items: map[string]map[string][]string{
			"111111111111": {"AWS::S3::Bucket": {"b1", "b2", "b3"}, "AWS::EC2::Instance": {"i1", "i2", "i3", "i4", "i5"}},
			"222222222222": {"AWS::S3::Bucket": {"b4"}, "AWS::EC2::Instance": {"i6"}},
			"333333333333": {"AWS::S3::Bucket": {"b5"}, "AWS::EC2::Instance": {}},
		},
		owned:        map[catalog.Scope][]catalog.Key{},
		denied:       map[string]bool{},
		failKind:     map[string]bool{},
		threshold:    0.9,
		regions:      map[string]syncdef.ListRegionsOutput{},
		regionsFail:  map[string]string{},
		regionCalls:  map[string]int{},
		collectCalls: map[string]int{},
	}
}

func (f *fakeAWS) own(account, kind string, ids ...string) {
	s := catalog.Scope{Integration: "it", AccountID: account, Kind: kind}
	for _, id := range ids {
		f.owned[s] = append(f.owned[s], catalog.Key{Blueprint: kind, Identifier: id})
	}
}

func runResync(t *testing.T, f *fakeAWS, tuning syncdef.Tuning) syncdef.Progress {
	t.Helper()
	env := f.env(t)
	env.ExecuteWorkflow(syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: "it", Tuning: tuning})
	if !env.IsWorkflowCompleted() {
		t.Fatal("resync did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("resync failed: %v", err)
	}
	var p syncdef.Progress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResyncCollectsEveryPageAndHonoursRegionPolicy(t *testing.T) {
	f := newFake()
	p := runResync(t, f, syncdef.Tuning{})
	// 3+5 + 1+1 + 1 entities; eu-west-1 is denied for EC2 and never collected.
	if f.upserted != 11 || p.Counts.Upserted != 11 || p.Counts.Raw != 11 {
		t.Fatalf("upserted %d (progress %d, raw %d), want 11", f.upserted, p.Counts.Upserted, p.Counts.Raw)
	}
	if p.AccountsTotal != 3 || p.AccountsDone != 3 || p.AccountsFailed != 0 || p.Phase != "done" {
		t.Fatalf("progress = %+v", p)
	}
	// A collected denied region fails its scope, which makes the account
	// partial (not failed): check every account synced completely.
	for _, a := range p.Accounts {
		if a.Status != syncdef.AccountSynced {
			t.Fatalf("account %s is %s (%s); eu-west-1 is denied for EC2 and must not be collected", a.AccountID, a.Status, a.Reason)
		}
	}
}

func TestStaleEntitiesOfCompletedScopesAreDeleted(t *testing.T) {
	f := newFake()
	f.own("111111111111", "AWS::S3::Bucket", "b1", "b2", "b3", "gone-bucket")
	f.own("111111111111", "AWS::EC2::Instance", "i1", "i2", "i3", "i4", "i5", "gone-instance")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 2 || p.Counts.Deleted != 2 {
		t.Fatalf("deleted %v (progress %d), want the two gone entities", f.deleted, p.Counts.Deleted)
	}
	if len(f.cascade) != 1 || !f.cascade[0] {
		t.Fatalf("cascade flags %v: with every account synced, deleteDependentEntities applies", f.cascade)
	}
}

func TestDeniedAccountKeepsItsEntities(t *testing.T) {
	f := newFake()
	f.denied["222222222222"] = true
	f.own("222222222222", "AWS::S3::Bucket", "b4", "old-bucket")
	f.own("111111111111", "AWS::S3::Bucket", "b1", "b2", "b3")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 0 {
		t.Fatalf("deleted %v from a denied account", f.deleted)
	}
	if p.AccountsFailed != 1 {
		t.Fatalf("accounts failed = %d, want 1", p.AccountsFailed)
	}
	var b syncdef.AccountProgress
	for _, a := range p.Accounts {
		if a.AccountID == "222222222222" {
			b = a
		}
	}
	if b.Status != syncdef.AccountFailed || b.Reason == "" {
		t.Fatalf("denied account progress = %+v, want failed with a reason", b)
	}
}

func TestFailedScopeKeepsItsEntitiesButOtherScopesReconcile(t *testing.T) {
	f := newFake()
	f.failKind["AWS::EC2::Instance"] = true
	f.own("111111111111", "AWS::EC2::Instance", "i1", "stale-but-unknowable")
	f.own("111111111111", "AWS::S3::Bucket", "b1", "b2", "b3", "gone-bucket")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 1 || f.deleted[0].Identifier != "gone-bucket" {
		t.Fatalf("deleted %v, want only gone-bucket", f.deleted)
	}
	if p.Accounts[0].Status != syncdef.AccountPartial {
		t.Fatalf("account status = %s, want partial", p.Accounts[0].Status)
	}
	// Port's cascade could reach into the failed scope: not this time.
	if len(f.cascade) != 1 || f.cascade[0] || !strings.Contains(p.DeletionNote, "without cascade") {
		t.Fatalf("cascade flags %v, note %q; want a delete without cascade, said in the note", f.cascade, p.DeletionNote)
	}
}

func TestScopeWithNoRegionToReadKeepsItsEntities(t *testing.T) {
	f := newFake()
	f.regionAllow = []string{"us-east1"} // a typo: matches no enabled region
	f.own("111111111111", "AWS::EC2::Instance", "i1", "i2")
	f.own("111111111111", "AWS::S3::Bucket", "b1", "b2", "b3", "gone-bucket")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 1 || f.deleted[0].Identifier != "gone-bucket" {
		t.Fatalf("deleted %v; the EC2 scope read nothing and must keep its entities", f.deleted)
	}
	if p.Accounts[0].Status != syncdef.AccountSynced {
		t.Fatalf("account status %q: a skipped scope is not a failure", p.Accounts[0].Status)
	}
}

func TestThresholdBlocksDeletion(t *testing.T) {
	f := newFake()
	f.threshold = 0.2
	f.own("111111111111", "AWS::S3::Bucket", "b1", "x1", "x2", "x3")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 0 {
		t.Fatalf("deleted %v above the threshold", f.deleted)
	}
	if p.DeletionNote == "" || p.Counts.Stale != 3 {
		t.Fatalf("want a deletion note and 3 stale, got %q / %d", p.DeletionNote, p.Counts.Stale)
	}
}

func TestAccountContinuesAsNewAndKeepsItsState(t *testing.T) {
	f := newFake()
	f.own("111111111111", "AWS::EC2::Instance", "i1", "i2", "i3", "i4", "i5", "gone-instance")
	// A tiny page budget forces several continue-as-new rounds per account.
	p := runResync(t, f, syncdef.Tuning{PagesPerRun: 1, MaxConcurrentUnits: 1})
	if p.Accounts[0].Runs < 2 {
		t.Fatalf("account 1 ran in %d run(s); the tiny budget must force continue-as-new", p.Accounts[0].Runs)
	}
	if f.upserted != 11 || p.Counts.Upserted != 11 {
		t.Fatalf("upserted %d / %d across continue-as-new, want 11", f.upserted, p.Counts.Upserted)
	}
	if len(f.deleted) != 1 || f.deleted[0].Identifier != "gone-instance" {
		t.Fatalf("deleted %v, want gone-instance only (produced set must survive continue-as-new)", f.deleted)
	}
}

// An account whose regions cannot be listed still syncs its global kinds; its
// regional scopes fail with the reason and keep their entities, so the
// account is partial, not failed.
func TestAccountWithoutRegionsStillSyncsGlobalKinds(t *testing.T) {
	f := newFake()
	const why = "account 111111111111: list regions of role r: account:ListRegions failed: HTTP 404 UnknownOperationException: no such operation"
	f.regionsFail["111111111111"] = why
	f.own("111111111111", "AWS::S3::Bucket", "b1", "b2", "b3", "gone-bucket")
	f.own("111111111111", "AWS::EC2::Instance", "i1", "gone-but-unknowable")
	p := runResync(t, f, syncdef.Tuning{})

	if len(f.deleted) != 1 || f.deleted[0].Identifier != "gone-bucket" {
		t.Fatalf("deleted %v; want the S3 scope reconciled (gone-bucket) and every EC2 entity kept", f.deleted)
	}
	if n := f.collectCalls["111111111111/AWS::S3::Bucket"]; n != 2 {
		t.Fatalf("S3 of the account was collected in %d pages, want its 2 pages", n)
	}
	if n := f.collectCalls["111111111111/AWS::EC2::Instance"]; n != 0 {
		t.Fatalf("EC2 was collected %d times in an account without regions", n)
	}
	if f.regionCalls["111111111111"] != 1 {
		t.Fatalf("ListRegions ran %d times; a non-retryable failure must not be retried", f.regionCalls["111111111111"])
	}
	a := p.Accounts[0]
	if a.Status != syncdef.AccountPartial || a.Reason != "AWS::EC2::Instance: "+why {
		t.Fatalf("account = %s %q; want partial, naming the EC2 scope and why its regions are unknown", a.Status, a.Reason)
	}
	if a.Counts.Upserted != 3 || p.Counts.Upserted != 3+3 {
		t.Fatalf("upserted %d in the account, %d in all; want its 3 buckets and the other accounts' 3 entities", a.Counts.Upserted, p.Counts.Upserted)
	}
}

// Regions from a fallback source are synced as any others, and the account's
// report says where they came from.
func TestRegionsFromFallbackAreReported(t *testing.T) {
	f := newFake()
	f.regions["222222222222"] = syncdef.ListRegionsOutput{Regions: []string{"us-east-1"}, Source: "ec2:DescribeRegions",
		Fallback: "account:ListRegions failed: HTTP 404 without an AWS error"}
	p := runResync(t, f, syncdef.Tuning{})
	b := p.Accounts[1]
	if b.Status != syncdef.AccountSynced || b.Counts.Upserted != 2 {
		t.Fatalf("account b = %+v, want synced with its bucket and instance", b)
	}
	if want := "regions from ec2:DescribeRegions (account:ListRegions failed: HTTP 404 without an AWS error)"; b.Reason != want {
		t.Fatalf("reason %q, want %q", b.Reason, want)
	}
	if p.Accounts[0].Reason != "" {
		t.Fatalf("account a listed its regions with account:ListRegions; reason %q", p.Accounts[0].Reason)
	}
}

// A write Port rejects (an entity over 1 MiB: 413) leaves the entity counted
// as failed, makes its account partial (never synced), and the account's
// report names the entity, its blueprint and Port's answer.
func TestRejectedWritesMakeTheAccountPartialAndNameTheEntity(t *testing.T) {
	f := newFake()
	f.rejected = map[string]string{"i2": "413 payload_too_large: entity exceeds 1 MiB"}
	p := runResync(t, f, syncdef.Tuning{})
	if p.Counts.Failed != 1 {
		t.Fatalf("failed = %d, want 1", p.Counts.Failed)
	}
	var got syncdef.AccountProgress
	for _, a := range p.Accounts {
		if a.AccountID == "111111111111" {
			got = a
		} else if a.Status != syncdef.AccountSynced {
			t.Errorf("account %s is %s, want synced", a.AccountID, a.Status)
		}
	}
	if got.Status != syncdef.AccountPartial {
		t.Fatalf("account with a rejected write is %q, want partial", got.Status)
	}
	want := "AWS::EC2::Instance/i2: 413 payload_too_large: entity exceeds 1 MiB"
	if len(got.WriteFailures) != 1 || got.WriteFailures[0] != want || !strings.Contains(got.Reason, want) {
		t.Fatalf("write failures %q, reason %q: want them to name %q", got.WriteFailures, got.Reason, want)
	}
	if p.ResyncStatus() != syncdef.AccountPartial {
		t.Fatalf("resync status %q, want partial", p.ResyncStatus())
	}
}

// Only the first few rejections are named; all are counted.
func TestRejectedWriteExamplesAreBounded(t *testing.T) {
	f := newFake()
	f.items["111111111111"]["AWS::S3::Bucket"] = []string{"b1", "b2", "b3", "b6", "b7", "b8", "b9"}
	f.rejected = map[string]string{}
	for _, id := range f.items["111111111111"]["AWS::S3::Bucket"] {
		f.rejected[id] = "422 invalid"
	}
	p := runResync(t, f, syncdef.Tuning{})
	a := p.Accounts[0]
	if a.Counts.Failed != 7 || len(a.WriteFailures) != syncdef.MaxWriteFailureExamples {
		t.Fatalf("failed %d with %d examples, want 7 counted and %d named", a.Counts.Failed, len(a.WriteFailures), syncdef.MaxWriteFailureExamples)
	}
}

// Discovery runs before anything is written to Port: a role that cannot be
// assumed (or a garbage token) fails the resync with no Port write at all.
func TestFailedDiscoveryWritesNothingToPort(t *testing.T) {
	f := newFake()
	f.discoveryErr = temporal.NewNonRetryableApplicationError("Unable to assume role arn:aws:iam::111111111111:role/R: AccessDenied", syncdef.ErrTypeAccessDenied, nil)
	env := f.env(t)
	env.ExecuteWorkflow(syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: "it"})
	err := env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "discover accounts: Unable to assume role") {
		t.Fatalf("error = %v, want the discovery failure", err)
	}
	if len(f.portWrites) != 0 {
		t.Fatalf("Port was written before credentials were verified: %v", f.portWrites)
	}
}

// A resync that read nothing at all says so in the words of Ocean's
// troubleshooting, with the three things to check.
func TestNoResourcesDiscoveredIsReported(t *testing.T) {
	f := newFake()
	for _, kinds := range f.items {
		for k := range kinds {
			kinds[k] = nil
		}
	}
	p := runResync(t, f, syncdef.Tuning{})
	if len(p.Warnings) != 1 || !strings.HasPrefix(p.Warnings[0], "No resources discovered") ||
		!strings.Contains(p.Warnings[0], "ReadOnlyAccess") || !strings.Contains(p.Warnings[0], "regionPolicy") || !strings.Contains(p.Warnings[0], "network") {
		t.Fatalf("warnings = %q", p.Warnings)
	}
}

// The rate and the time left follow the finished accounts.
func TestEstimateFromFinishedAccounts(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p := syncdef.Progress{StartedAt: start, AccountsTotal: 10}
	estimate(&p, start.Add(time.Minute))
	if p.EntitiesPerSecond != 0 || p.EstimatedTimeLeft != 0 {
		t.Fatalf("no account finished yet: %v entities/s, %s left", p.EntitiesPerSecond, p.EstimatedTimeLeft)
	}
	p.AccountsDone = 4
	p.Counts = syncdef.Counts{Upserted: 500, Unchanged: 100}
	estimate(&p, start.Add(2*time.Minute))
	if p.EntitiesPerSecond != 5 || p.EstimatedTimeLeft != 3*time.Minute {
		t.Fatalf("600 entities in 2m with 4 of 10 accounts done: %v entities/s, %s left; want 5 and 3m", p.EntitiesPerSecond, p.EstimatedTimeLeft)
	}
}

// A resource that cannot be collected at all (here a kind that is not a type
// name) fails its own scopes, which keep their entities, and is reported; the
// other resources sync and reconcile as usual.
func TestBadResourceFailsAloneAndKeepsItsEntities(t *testing.T) {
	f := newFake()
	problem := `resources[2].kind: "not a kind" is not a kind`
	f.plans = func(r []syncdef.ResourcePlan) []syncdef.ResourcePlan {
		return append(r, syncdef.ResourcePlan{Index: 2, Kind: "not a kind", Problem: problem})
	}
	f.own("111111111111", "not a kind", "kept")
	f.own("111111111111", "AWS::S3::Bucket", "b1", "b2", "b3", "gone-bucket")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 1 || f.deleted[0].Identifier != "gone-bucket" {
		t.Fatalf("deleted %v, want only gone-bucket", f.deleted)
	}
	if p.Counts.Upserted != 11 {
		t.Fatalf("upserted %d, want the other resources' 11", p.Counts.Upserted)
	}
	for _, a := range p.Accounts {
		if a.Status != syncdef.AccountPartial || !strings.Contains(a.Reason, problem) {
			t.Fatalf("account %s: %s %q, want partial naming the problem", a.AccountID, a.Status, a.Reason)
		}
		if n := f.collectCalls[a.AccountID+"/not a kind"]; n != 0 {
			t.Fatalf("the bad resource was collected %d times", n)
		}
	}
}

// A history record missing from this read has aged out of the window: it is
// never deleted, while other scopes still reconcile.
func TestHistoryRecordsAreNeverDeleted(t *testing.T) {
	f := newFake()
	f.plans = func(r []syncdef.ResourcePlan) []syncdef.ResourcePlan {
		r[1].History = true
		return r
	}
	f.own("111111111111", "AWS::EC2::Instance", "i1", "i2", "i3", "i4", "i5", "aged-out")
	f.own("111111111111", "AWS::S3::Bucket", "b1", "b2", "b3", "gone-bucket")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 1 || f.deleted[0].Identifier != "gone-bucket" {
		t.Fatalf("deleted %v, want only gone-bucket", f.deleted)
	}
	if p.Accounts[0].Status != syncdef.AccountSynced {
		t.Fatalf("account %s (%s)", p.Accounts[0].Status, p.Accounts[0].Reason)
	}
}

// A kind AWS serves in some regions only is read there only; with none of
// them enabled its scope is skipped with that reason and keeps its entities.
func TestRegionRestrictedKindReadsOnlyItsRegions(t *testing.T) {
	f := newFake()
	f.plans = func(r []syncdef.ResourcePlan) []syncdef.ResourcePlan {
		r[1].Regions = []string{"ap-south-1"}
		return r
	}
	f.own("111111111111", "AWS::EC2::Instance", "i1", "i2")
	p := runResync(t, f, syncdef.Tuning{})
	if len(f.deleted) != 0 || f.collectCalls["111111111111/AWS::EC2::Instance"] != 0 {
		t.Fatalf("deleted %v, collected %d times", f.deleted, f.collectCalls["111111111111/AWS::EC2::Instance"])
	}
	if p.Accounts[0].Status != syncdef.AccountSynced {
		t.Fatalf("account %s (%s): a kind with no region served is skipped, not failed", p.Accounts[0].Status, p.Accounts[0].Reason)
	}
	f = newFake()
	f.plans = func(r []syncdef.ResourcePlan) []syncdef.ResourcePlan {
		r[1].Regions = []string{"us-east-1"}
		return r
	}
	runResync(t, f, syncdef.Tuning{})
	if f.collectCalls["111111111111/AWS::EC2::Instance"] == 0 {
		t.Fatal("the served region was not read")
	}
}
