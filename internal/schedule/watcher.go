package schedule

import (
	"context"
	"fmt"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// WatcherSpec is what an integration's resync watcher (the POLLING event
// listener) should be.
type WatcherSpec struct {
	Integration   string
	TaskQueue     string
	Interval      time.Duration // how often Port's resync request is read
	ResyncOnStart bool
	// ScheduleInterval bounds each resync it starts, as the schedule does.
	ScheduleInterval time.Duration
	Input            syncdef.ResyncInput
	PollsPerRun      int // 0 = default; tests lower it
}

func (s WatcherSpec) settings() syncdef.WatcherSettings {
	return syncdef.WatcherSettings{
		Interval: s.Interval, ResyncOnStart: s.ResyncOnStart, Resync: s.Input,
		ResyncTimeout: ResyncTimeout(s.ScheduleInterval), PollsPerRun: s.PollsPerRun,
	}
}

// EnsureWatcher starts the integration's watcher, or hands the running one
// the given settings: signal-with-start on the fixed id, so every worker and
// `starter ensure` may call it and there is still one watcher, whose
// watermark is never reset by a restart.
func EnsureWatcher(ctx context.Context, c client.Client, s WatcherSpec) error {
	if s.Interval < time.Second {
		return fmt.Errorf("event listener interval must be at least 1 second, got %s", s.Interval)
	}
	set := s.settings()
	_, err := c.SignalWithStartWorkflow(ctx, syncdef.WatcherID(s.Integration), syncdef.WatcherConfigureSignal, set,
		client.StartWorkflowOptions{
			TaskQueue:             s.TaskQueue,
			WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			StaticSummary:         "POLLING listener of " + s.Integration + ": Port's resync requests start resyncs",
		},
		syncdef.ResyncWatcherWorkflowName, syncdef.WatcherInput{Integration: s.Integration, Settings: set})
	if err != nil {
		return fmt.Errorf("start resync watcher %s: %w", syncdef.WatcherID(s.Integration), err)
	}
	return nil
}

// StopWatcher stops the integration's watcher when one runs (the listener is
// no longer POLLING); a resync it started runs to its end. It reports whether
// one was running.
func StopWatcher(ctx context.Context, c client.Client, integration string) (bool, error) {
	d, err := c.DescribeWorkflow(ctx, syncdef.WatcherID(integration), "")
	switch {
	case isNotFound(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("describe resync watcher %s: %w", syncdef.WatcherID(integration), err)
	case d.RawResponse.GetWorkflowExecutionInfo().GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return false, nil
	}
	if err := c.CancelWorkflow(ctx, syncdef.WatcherID(integration), ""); err != nil && !isNotFound(err) {
		return false, fmt.Errorf("stop resync watcher %s: %w", syncdef.WatcherID(integration), err)
	}
	return true, nil
}

// QueryWatcher returns the watcher's state: last poll, last request seen,
// last resync started, last error.
func QueryWatcher(ctx context.Context, c client.Client, integration string) (syncdef.WatcherState, error) {
	var st syncdef.WatcherState
	v, err := c.QueryWorkflow(ctx, syncdef.WatcherID(integration), "", syncdef.WatcherQuery)
	if err != nil {
		return st, fmt.Errorf("query resync watcher %s: %w", syncdef.WatcherID(integration), err)
	}
	if err := v.Get(&st); err != nil {
		return st, fmt.Errorf("decode resync watcher state: %w", err)
	}
	return st, nil
}
