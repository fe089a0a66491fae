package workflows

import (
	"fmt"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// defaultWatcherPollsPerRun bounds one watcher run: about ten events per
// poll keeps a run's history near 5,000 events before it continues as new.
const defaultWatcherPollsPerRun = 500

// ResyncWatcherWorkflow is Ocean's POLLING event listener, made durable: one
// per integration (id syncdef.WatcherID), however many workers run. Every
// Interval it reads Port's resync request through an activity; a request
// whose updatedAt is newer than the watermark (the last one acted on) owes a
// resync. The watermark lives in workflow state, so worker restarts replay
// nothing; on the watcher's very first start it takes Port's current request
// as the watermark (Ocean's rule: an old request is never replayed), and
// resyncs once when ResyncOnStart.
//
// An owed resync starts, as a child ResyncWorkflow with the schedule's input,
// only while no resync of the integration runs (the lease): a request that
// arrives during a resync, scheduled or not, yields exactly one more resync
// after it, never a concurrent one and never a lost one (a start that races
// another resync is refused by the lease and stays owed).
func ResyncWatcherWorkflow(ctx workflow.Context, in syncdef.WatcherInput) error {
	logger := workflow.GetLogger(ctx)
	settings := in.Settings
	st := in.State
	st.Interval = settings.Interval
	if err := workflow.SetQueryHandler(ctx, syncdef.WatcherQuery, func() (syncdef.WatcherState, error) {
		return st, nil
	}); err != nil {
		return fmt.Errorf("register watcher query: %w", err)
	}
	configure := workflow.GetSignalChannel(ctx, syncdef.WatcherConfigureSignal)
	applySettings := func(s syncdef.WatcherSettings) {
		if s.Interval > 0 {
			settings = s
			st.Interval = s.Interval
		}
	}

	pollCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		// A failing Port is retried by the next poll, not by piling up attempts.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 2},
	})
	owe := func(reason string) {
		st.Pending = true
		st.PendingReason = reason
	}

	poll := func() {
		var out syncdef.GetResyncRequestOutput
		err := workflow.ExecuteActivity(pollCtx, syncdef.GetResyncRequestActivity, in.Integration).Get(ctx, &out)
		st.LastPoll = workflow.Now(ctx).UTC()
		st.Polls++
		if err != nil {
			st.LastError = syncdef.ErrorReason(err)
			st.LastErrorAt = st.LastPoll
			logger.Warn("Could not read Port's resync request; polling goes on", "integration", in.Integration, "error", st.LastError)
			return
		}
		st.LastError = ""
		if !out.Found {
			return // Port does not know the integration yet; the first resync creates it
		}
		st.LastRequest = out.Request
		if !st.Initialized {
			st.Initialized = true
			st.Watermark = out.Request.UpdatedAt
			return
		}
		if out.Request.UpdatedAt.After(st.Watermark) {
			st.Watermark = out.Request.UpdatedAt
			owe(fmt.Sprintf("resync request %s of %s", out.Request.ID, out.Request.UpdatedAt.Format(time.RFC3339Nano)))
			logger.Info("Port asks for a resync", "integration", in.Integration, "request", out.Request.ID, "updatedAt", out.Request.UpdatedAt)
		}
	}

	var child workflow.ChildWorkflowFuture
	tryStart := func() {
		if !st.Pending || child != nil {
			return
		}
		var holder string
		if err := workflow.ExecuteActivity(pollCtx, syncdef.RunningResyncActivity, in.Integration).Get(ctx, &holder); err != nil {
			logger.Warn("Could not tell whether a resync runs; the owed resync waits for the next poll", "error", syncdef.ErrorReason(err))
			return
		}
		if holder != "" {
			st.WaitingFor = holder
			return
		}
		now := workflow.Now(ctx).UTC()
		id := syncdef.ResyncIDPrefix(in.Integration) + "-request-" + now.Format("20060102T150405.000Z")
		opts := workflow.ChildWorkflowOptions{
			WorkflowID: id,
			// The resync outlives a watcher that is stopped or continues as new.
			ParentClosePolicy: enums.PARENT_CLOSE_POLICY_ABANDON,
			StaticSummary:     "resync of " + in.Integration + " for " + st.PendingReason,
			RetryPolicy:       &temporal.RetryPolicy{MaximumAttempts: 1},
		}
		if settings.ResyncTimeout > 0 {
			opts.WorkflowExecutionTimeout = settings.ResyncTimeout
		}
		// Disconnected: cancelling the watcher does not cancel its resync.
		childCtx, _ := workflow.NewDisconnectedContext(ctx)
		f := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(childCtx, opts), syncdef.ResyncWorkflowName, settings.Resync)
		if err := f.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			st.LastError = "start resync: " + syncdef.ErrorReason(err)
			st.LastErrorAt = now
			logger.Warn("Could not start the owed resync; it stays owed", "error", st.LastError)
			return
		}
		logger.Info("Resync started", "integration", in.Integration, "resync", id, "reason", st.PendingReason)
		st.LastResyncStarted, st.LastResyncStartedAt, st.LastResyncReason = id, now, st.PendingReason
		st.LastResyncStatus = syncdef.StatusRunning
		st.ResyncsStarted++
		st.Running = id
		st.Pending, st.PendingReason, st.WaitingFor = false, "", ""
		child = f
	}
	childDone := func(f workflow.Future) {
		var p syncdef.Progress
		err := f.Get(ctx, &p)
		reason := st.LastResyncReason
		switch {
		case err != nil:
			st.LastResyncStatus = "failed: " + syncdef.ErrorReason(err)
		case p.Phase == syncdef.StatusRefused:
			// Another resync took the lease first: this one is still owed.
			st.LastResyncStatus = syncdef.StatusRefused
			if !st.Pending {
				owe(reason)
			}
		default:
			st.LastResyncStatus = p.ResyncStatus()
		}
		st.Running = ""
		child = nil
	}

	if !st.Started {
		st.Started = true
		if settings.ResyncOnStart {
			owe("resyncOnStart")
		}
	}
	if !st.Initialized {
		poll()
	}
	pollsPerRun := settings.PollsPerRun
	if pollsPerRun <= 0 {
		pollsPerRun = defaultWatcherPollsPerRun
	}
	polls := 0
	for {
		tryStart()
		timerCtx, cancelTimer := workflow.WithCancel(ctx)
		timer := workflow.NewTimer(timerCtx, settings.Interval)
		fired := false
		sel := workflow.NewSelector(ctx)
		sel.AddFuture(timer, func(f workflow.Future) { fired = f.Get(ctx, nil) == nil })
		if child != nil {
			sel.AddFuture(child, childDone)
		}
		sel.AddReceive(configure, func(c workflow.ReceiveChannel, _ bool) {
			var s syncdef.WatcherSettings
			c.Receive(ctx, &s)
			applySettings(s)
		})
		sel.Select(ctx)
		if ctx.Err() != nil {
			logger.Info("Watcher stopped", "integration", in.Integration)
			return nil
		}
		if !fired {
			// A resync ended or the settings changed: start what is owed
			// now, then wait a full interval again.
			cancelTimer()
			continue
		}
		poll()
		polls++
		if child == nil && (polls >= pollsPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested()) {
			for {
				var s syncdef.WatcherSettings
				if !configure.ReceiveAsync(&s) {
					break
				}
				applySettings(s)
			}
			return workflow.NewContinueAsNewError(ctx, syncdef.ResyncWatcherWorkflowName,
				syncdef.WatcherInput{Integration: in.Integration, Settings: settings, State: st})
		}
	}
}
