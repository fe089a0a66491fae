package workflows

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fakePort scripts the watcher's world: Port's resync request per poll, the
// resync lease's holder per check, and resyncs that take resyncTime.
type fakePort struct {
	mu sync.Mutex
	// request returns Port's answer to the n-th poll (1-based).
	request func(n int) (syncdef.GetResyncRequestOutput, error)
	// holder returns the running resync at the n-th check (1-based).
	holder     func(n int) string
	resyncTime time.Duration
	// refuse: the n-th resync (1-based) finds the lease taken.
	refuse map[int]bool

	polls, checks int
	started       []string // reasons (static summaries) of the resyncs started
	running       int
	maxRunning    int
}

func req(id string, at time.Duration) syncdef.GetResyncRequestOutput {
	return syncdef.GetResyncRequestOutput{Found: true, Request: syncdef.ResyncRequest{ID: id, UpdatedAt: t0.Add(at)}}
}

func (f *fakePort) env(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	env.RegisterWorkflowWithOptions(ResyncWatcherWorkflow, workflow.RegisterOptions{Name: syncdef.ResyncWatcherWorkflowName})
	env.RegisterWorkflowWithOptions(func(ctx workflow.Context, in syncdef.ResyncInput) (syncdef.Progress, error) {
		f.mu.Lock()
		n := len(f.started) + 1
		f.started = append(f.started, workflow.GetInfo(ctx).WorkflowExecution.ID)
		f.running++
		f.maxRunning = max(f.maxRunning, f.running)
		refused := f.refuse[n]
		f.mu.Unlock()
		defer func() { f.mu.Lock(); f.running--; f.mu.Unlock() }()
		if refused {
			return syncdef.Progress{Phase: syncdef.StatusRefused}, nil
		}
		if err := workflow.Sleep(ctx, f.resyncTime); err != nil {
			return syncdef.Progress{}, err
		}
		return syncdef.Progress{Phase: "done", AccountsTotal: 1, AccountsDone: 1}, nil
	}, workflow.RegisterOptions{Name: syncdef.ResyncWorkflowName})
	env.RegisterActivityWithOptions(func(ctx context.Context, integration string) (syncdef.GetResyncRequestOutput, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.polls++
		return f.request(f.polls)
	}, activity.RegisterOptions{Name: syncdef.GetResyncRequestActivity})
	env.RegisterActivityWithOptions(func(ctx context.Context, integration string) (string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.checks++
		if f.holder == nil {
			return "", nil
		}
		return f.holder(f.checks), nil
	}, activity.RegisterOptions{Name: syncdef.RunningResyncActivity})
	return env
}

// watch runs the watcher for the given time (interval 1 minute) and returns
// its state as queried just before it is stopped.
func (f *fakePort) watch(t *testing.T, resyncOnStart bool, run time.Duration) syncdef.WatcherState {
	t.Helper()
	env := f.env(t)
	var st syncdef.WatcherState
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(syncdef.WatcherQuery)
		if err != nil {
			t.Errorf("query: %v", err)
		} else if err := v.Get(&st); err != nil {
			t.Errorf("query result: %v", err)
		}
		env.CancelWorkflow()
	}, run)
	env.ExecuteWorkflow(syncdef.ResyncWatcherWorkflowName, syncdef.WatcherInput{Integration: "it", Settings: syncdef.WatcherSettings{
		Interval: time.Minute, ResyncOnStart: resyncOnStart, Resync: syncdef.ResyncInput{Integration: "it"},
	}})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("watcher ended with %v", err)
	}
	return st
}

func TestWatcherNeverReplaysTheRequestItFindsAndActsOnANewerOne(t *testing.T) {
	f := &fakePort{resyncTime: 30 * time.Second, request: func(n int) (syncdef.GetResyncRequestOutput, error) {
		if n < 5 {
			return req("old", -time.Hour), nil // made before the watcher existed
		}
		return req("new", 4*time.Minute), nil
	}}
	st := f.watch(t, false, 20*time.Minute)
	if len(f.started) != 1 {
		t.Fatalf("resyncs started %v, want exactly one (for the new request)", f.started)
	}
	if !strings.HasPrefix(f.started[0], "aws-port-sync/it/resync-request-") {
		t.Errorf("resync id %q lacks the resync prefix", f.started[0])
	}
	if st.LastRequest.ID != "new" || !st.Watermark.Equal(t0.Add(4*time.Minute)) || st.ResyncsStarted != 1 ||
		st.LastResyncStarted != f.started[0] || !strings.Contains(st.LastResyncReason, "new") ||
		st.LastResyncStatus != syncdef.AccountSynced || st.LastPoll.IsZero() || st.Pending {
		t.Errorf("state %+v", st)
	}
}

func TestWatcherResyncsOnStartOnce(t *testing.T) {
	f := &fakePort{resyncTime: 30 * time.Second, request: func(int) (syncdef.GetResyncRequestOutput, error) { return req("old", 0), nil }}
	st := f.watch(t, true, 10*time.Minute)
	if len(f.started) != 1 || st.LastResyncReason != "resyncOnStart" {
		t.Fatalf("resyncs %v, reason %q: want one, on start", f.started, st.LastResyncReason)
	}
}

// Requests made while the watcher's own resync runs owe exactly one more
// resync, after it: never a concurrent one, and the edit is not lost.
func TestWatcherRequestsDuringAResyncYieldOneMoreAfterIt(t *testing.T) {
	f := &fakePort{resyncTime: 5*time.Minute + 30*time.Second, request: func(n int) (syncdef.GetResyncRequestOutput, error) {
		switch {
		case n < 3:
			return req("a", 0), nil
		case n < 5:
			return req("b", 2*time.Minute), nil
		default:
			return req("c", 4*time.Minute), nil
		}
	}}
	st := f.watch(t, true, 30*time.Minute)
	if len(f.started) != 2 {
		t.Fatalf("resyncs %v: want the one on start and exactly one more", f.started)
	}
	if f.maxRunning != 1 {
		t.Errorf("%d resyncs ran at once", f.maxRunning)
	}
	if !strings.Contains(st.LastResyncReason, "resync request c") {
		t.Errorf("last reason %q, want the newest request", st.LastResyncReason)
	}
}

// A resync that someone else started (the schedule, starter run) holds the
// lease: the owed resync waits for it, and one refused by a race stays owed.
func TestWatcherWaitsForAnotherResyncAndRetriesARefusedOne(t *testing.T) {
	f := &fakePort{
		resyncTime: 30 * time.Second,
		request: func(n int) (syncdef.GetResyncRequestOutput, error) {
			if n < 3 {
				return req("a", 0), nil
			}
			return req("b", 3*time.Minute), nil
		},
		holder: func(n int) string {
			if n < 4 {
				return "aws-port-sync/it/resync-2026-12-01T12:00:00Z"
			}
			return ""
		},
		refuse: map[int]bool{1: true},
	}
	st := f.watch(t, false, 20*time.Minute)
	if len(f.started) != 2 || f.checks < 4 {
		t.Fatalf("resyncs %v after %d lease checks: want one refused, then one that ran, both after the other resync", f.started, f.checks)
	}
	if st.Pending || st.LastResyncStatus != syncdef.AccountSynced || st.ResyncsStarted != 2 {
		t.Errorf("state %+v", st)
	}
}

func TestWatcherKeepsPollingThroughPortErrors(t *testing.T) {
	f := &fakePort{resyncTime: 30 * time.Second, request: func(n int) (syncdef.GetResyncRequestOutput, error) {
		switch {
		case n == 1:
			return req("a", 0), nil
		case n <= 7: // three polls, two attempts each
			return syncdef.GetResyncRequestOutput{}, errors.New("port: GET …/resync-request: 502 Bad Gateway")
		}
		return req("b", 10*time.Minute), nil
	}}
	env := f.env(t)
	var during syncdef.WatcherState
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(syncdef.WatcherQuery)
		if err == nil {
			err = v.Get(&during)
		}
		if err != nil {
			t.Error(err)
		}
	}, 150*time.Second)
	env.RegisterDelayedCallback(env.CancelWorkflow, 20*time.Minute)
	env.ExecuteWorkflow(syncdef.ResyncWatcherWorkflowName, syncdef.WatcherInput{Integration: "it", Settings: syncdef.WatcherSettings{Interval: time.Minute}})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(during.LastError, "502") || during.LastErrorAt.IsZero() {
		t.Errorf("lastError during the outage = %q", during.LastError)
	}
	if len(f.started) != 1 {
		t.Errorf("resyncs %v: want one for the request after the outage", f.started)
	}
}

// The watermark survives continue-as-new: the next run acts on nothing old.
func TestWatcherContinuesAsNewWithItsWatermark(t *testing.T) {
	f := &fakePort{resyncTime: 30 * time.Second, request: func(n int) (syncdef.GetResyncRequestOutput, error) { return req("a", time.Minute), nil }}
	env := f.env(t)
	env.ExecuteWorkflow(syncdef.ResyncWatcherWorkflowName, syncdef.WatcherInput{Integration: "it", Settings: syncdef.WatcherSettings{
		Interval: time.Minute, ResyncOnStart: true, PollsPerRun: 3,
	}})
	var can *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var next syncdef.WatcherInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	s := next.State
	if !s.Started || !s.Initialized || !s.Watermark.Equal(t0.Add(time.Minute)) || s.Pending || s.ResyncsStarted != 1 || next.Settings.PollsPerRun != 3 {
		t.Fatalf("carried %+v", next)
	}
}
