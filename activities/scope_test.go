package activities_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/aws-port-sync/aws-port-sync/activities"
	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// fakeScope serves pages of two entities per region and records what the
// scope did with them.
type fakeScope struct {
	mu       sync.Mutex
	items    map[string][]string // region -> identifiers
	fail     map[string][]error  // region -> errors returned by the next collect calls
	written  []string
	planned  [][]catalog.Key
	owned    []catalog.Key
	missing  map[string]bool // identifiers Port rejects for a missing target
	collects int
	sleeps   []time.Duration
}

func (f *fakeScope) steps() activities.ScopeSteps {
	return activities.ScopeSteps{
		Collect: func(_ context.Context, in syncdef.CollectPageInput) (syncdef.CollectPageOutput, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.collects++
			if errs := f.fail[in.Region]; len(errs) > 0 {
				f.fail[in.Region] = errs[1:]
				return syncdef.CollectPageOutput{}, errs[0]
			}
			ids := f.items[in.Region]
			start := 0
			if in.Token != "" {
				fmt.Sscan(in.Token, &start)
			}
			end := min(start+2, len(ids))
			out := syncdef.CollectPageOutput{Raw: end - start}
			for _, id := range ids[start:end] {
				out.Entities = append(out.Entities, catalog.Entity{Identifier: id, Blueprint: "bp"})
			}
			if end < len(ids) {
				out.Next = fmt.Sprint(end)
			}
			return out, nil
		},
		Upsert: func(_ context.Context, in syncdef.UpsertInput) (syncdef.UpsertOutput, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			var out syncdef.UpsertOutput
			for _, e := range in.Entities {
				if f.missing[e.Identifier] {
					out.MissingTargets = append(out.MissingTargets, e)
					continue
				}
				f.written = append(f.written, e.Identifier)
				out.Upserted++
			}
			return out, nil
		},
		Plan: func(_ context.Context, in syncdef.PlanDeletesInput) (syncdef.PlanDeletesOutput, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.planned = append(f.planned, in.Produced)
			produced := map[catalog.Key]bool{}
			for _, k := range in.Produced {
				produced[k] = true
			}
			out := syncdef.PlanDeletesOutput{Owned: len(f.owned)}
			for _, k := range f.owned {
				if !produced[k] {
					out.Stale = append(out.Stale, k)
				}
			}
			return out, nil
		},
		Sleep: func(_ context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.sleeps = append(f.sleeps, d)
			return nil
		},
	}
}

func scopeInput(regions ...string) syncdef.SyncScopeInput {
	in := syncdef.SyncScopeInput{Integration: "it", Account: syncdef.Account{ID: "111111111111"}, Kind: "AWS::EC2::Instance",
		Resources: []syncdef.ResourcePlan{{Kind: "AWS::EC2::Instance"}}, MaxAttempts: 4}
	for _, r := range regions {
		in.Units = append(in.Units, syncdef.Unit{Region: r})
	}
	return in
}

func keys(ids ...string) []catalog.Key {
	var out []catalog.Key
	for _, id := range ids {
		out = append(out, catalog.Key{Blueprint: "bp", Identifier: id})
	}
	return out
}

func TestScopeWritesEveryPageAndPlansFromAllItsKeys(t *testing.T) {
	f := &fakeScope{items: map[string][]string{"r1": {"a", "b", "c"}, "r2": {"d", "e"}}, owned: keys("a", "d", "gone")}
	out, err := activities.RunScope(context.Background(), scopeInput("r1", "r2"), f.steps())
	if err != nil {
		t.Fatal(err)
	}
	if out.Pages != 3 || out.Counts.Raw != 5 || out.Counts.Upserted != 5 || out.Produced != 5 || len(f.written) != 5 {
		t.Fatalf("pages %d raw %d upserted %d produced %d written %v; want 3, 5, 5, 5, all five", out.Pages, out.Counts.Raw, out.Counts.Upserted, out.Produced, f.written)
	}
	if !out.Planned || out.Owned != 3 || len(out.Stale) != 1 || out.Stale[0].Identifier != "gone" {
		t.Fatalf("plan: planned %v owned %d stale %v; want the one entity AWS no longer has", out.Planned, out.Owned, out.Stale)
	}
	if len(f.planned) != 1 || len(f.planned[0]) != 5 {
		t.Fatalf("the plan got %v, want the five produced keys", f.planned)
	}
}

func TestScopeRetriesAPageThatMaySucceedLater(t *testing.T) {
	f := &fakeScope{items: map[string][]string{"r1": {"a", "b", "c"}},
		fail: map[string][]error{"r1": {
			errors.New("connection reset"),
			temporal.NewApplicationErrorWithOptions("throttled", "Throttled", temporal.ApplicationErrorOptions{NextRetryDelay: 5 * time.Second}),
		}}}
	out, err := activities.RunScope(context.Background(), scopeInput("r1"), f.steps())
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) != 0 || out.Produced != 3 || !out.Planned {
		t.Fatalf("errors %v produced %d planned %v; want a complete scope", out.Errors, out.Produced, out.Planned)
	}
	// The backoff doubles from a second; a throttle's own delay is honoured.
	if len(f.sleeps) != 2 || f.sleeps[0] != time.Second || f.sleeps[1] != 5*time.Second {
		t.Fatalf("waits %v, want [1s 5s]", f.sleeps)
	}
}

func TestScopeFailsForAUnitThatFailsForGoodAndPlansNothing(t *testing.T) {
	denied := temporal.NewNonRetryableApplicationError("collect in r2: AccessDenied", syncdef.ErrTypeAccessDenied, nil)
	f := &fakeScope{items: map[string][]string{"r1": {"a", "b", "c"}, "r2": {"d"}},
		fail: map[string][]error{"r2": {denied}}, owned: keys("a", "d")}
	out, err := activities.RunScope(context.Background(), scopeInput("r1", "r2"), f.steps())
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) != 1 || !strings.Contains(out.Errors[0], "in r2: collect in r2: AccessDenied") {
		t.Fatalf("errors %v, want the denied region named", out.Errors)
	}
	if out.Planned || len(out.Stale) != 0 || len(f.planned) != 0 {
		t.Fatal("a scope with a failed unit planned deletions: d would have been taken for gone")
	}
	if len(f.written) != 3 || len(f.sleeps) != 0 {
		t.Fatalf("written %v, waits %v: the healthy region must be written, the denial never retried", f.written, f.sleeps)
	}
}

func TestScopeGivesUpAfterMaxAttemptsAndKeepsItsEntities(t *testing.T) {
	boom := errors.New("503")
	f := &fakeScope{items: map[string][]string{"r1": {"a"}}, fail: map[string][]error{"r1": {boom, boom, boom, boom, boom}}, owned: keys("a")}
	out, err := activities.RunScope(context.Background(), scopeInput("r1"), f.steps())
	if err != nil {
		t.Fatal(err)
	}
	if f.collects != 4 || len(out.Errors) != 1 || out.Planned {
		t.Fatalf("collects %d errors %v planned %v; want 4 tries, the failure reported, no plan", f.collects, out.Errors, out.Planned)
	}
}

func TestHistoryScopeNeverCarriesStaleKeys(t *testing.T) {
	f := &fakeScope{items: map[string][]string{"r1": {"a"}}, owned: keys("a", "aged-out")}
	in := scopeInput("r1")
	in.Resources[0].History = true
	out, err := activities.RunScope(context.Background(), in, f.steps())
	if err != nil {
		t.Fatal(err)
	}
	if !out.Planned || out.Owned != 2 || len(out.Stale) != 0 {
		t.Fatalf("planned %v owned %d stale %v; history must never be deleted", out.Planned, out.Owned, out.Stale)
	}
}

func TestMissingTargetRetriesAreBoundedAndTheRestCountAsFailed(t *testing.T) {
	big := strings.Repeat("x", 100<<10) // three of these exceed MaxRetryBytes
	f := &fakeScope{items: map[string][]string{"r1": {"a", "b", "c", "d"}}, missing: map[string]bool{}}
	var ids []string
	for i := range 4 {
		id := fmt.Sprintf("%s-%d", big, i)
		ids = append(ids, id)
		f.missing[id] = true
	}
	f.items["r1"] = ids
	out, err := activities.RunScope(context.Background(), scopeInput("r1"), f.steps())
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Retry) != 2 || out.Counts.Failed != 2 || out.Produced != 4 {
		t.Fatalf("retry %d failed %d produced %d; want 2 handed back, 2 counted failed, all 4 kept as produced", len(out.Retry), out.Counts.Failed, out.Produced)
	}
}

func TestCancelledScopeEndsWithTheContextError(t *testing.T) {
	f := &fakeScope{items: map[string][]string{"r1": {"a", "b", "c"}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := activities.RunScope(ctx, scopeInput("r1"), f.steps()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled (a dead attempt must not report a partial scope as done)", err)
	}
}
