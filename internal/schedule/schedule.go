// Package schedule manages the Temporal Schedule that runs resyncs, and starts,
// finds and follows resync runs. The starter and the tests use it; workflows and
// activities know nothing of it.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
)

// Spec is what the schedule should be.
type Spec struct {
	Integration string
	TaskQueue   string
	Interval    time.Duration
	Input       syncdef.ResyncInput
}

// ID is the schedule's id: one schedule per integration.
func ID(integration string) string { return "aws-port-sync/" + integration }

// workflowIDPrefix prefixes every resync the schedule starts; Temporal appends
// the scheduled time.
func workflowIDPrefix(integration string) string { return ID(integration) + "/resync" }

// ResyncTimeout bounds one resync: with overlap Skip, a run stuck for good
// (a payload over the limit, an incompatible deploy) would otherwise skip every
// later tick without anyone noticing. A day, or two intervals if longer.
func ResyncTimeout(interval time.Duration) time.Duration {
	return max(24*time.Hour, 2*interval)
}

// Ensure creates the schedule, or updates it in place when it exists, so running
// it on every deploy is safe. Overlap is Skip: a tick while a resync runs is
// dropped rather than aborting the running one (which would lose its deletions).
// The catch-up window is one interval: after an outage, one missed run happens.
func Ensure(ctx context.Context, c client.Client, s Spec) (created bool, err error) {
	if s.Interval < time.Minute {
		return false, fmt.Errorf("scheduledResyncInterval must be at least 1 minute, got %s", s.Interval)
	}
	action := &client.ScheduleWorkflowAction{
		ID:                       workflowIDPrefix(s.Integration),
		Workflow:                 syncdef.ResyncWorkflowName,
		Args:                     []any{s.Input},
		TaskQueue:                s.TaskQueue,
		WorkflowExecutionTimeout: ResyncTimeout(s.Interval),
	}
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: s.Interval}}}
	_, err = c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:            ID(s.Integration),
		Spec:          spec,
		Action:        action,
		Overlap:       enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: s.Interval,
	})
	if err == nil {
		return true, nil
	}
	if !isAlreadyExists(err) {
		return false, fmt.Errorf("create schedule %s: %w", ID(s.Integration), err)
	}
	h := c.ScheduleClient().GetHandle(ctx, ID(s.Integration))
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		sch := in.Description.Schedule
		sch.Action = action
		sch.Spec = &spec
		if sch.Policy == nil {
			sch.Policy = &client.SchedulePolicies{}
		}
		sch.Policy.Overlap = enums.SCHEDULE_OVERLAP_POLICY_SKIP
		sch.Policy.CatchupWindow = s.Interval
		return &client.ScheduleUpdate{Schedule: &sch}, nil
	}})
	if err != nil {
		return false, fmt.Errorf("update schedule %s: %w", ID(s.Integration), err)
	}
	return false, nil
}

func isAlreadyExists(err error) bool {
	var exists *serviceerror.AlreadyExists
	if errors.As(err, &exists) {
		return true
	}
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	return errors.As(err, &started) || errors.Is(err, temporal.ErrScheduleAlreadyRunning)
}

// RefusedError says a resync was not started because another resync of the
// integration is running.
type RefusedError struct {
	Integration string
	Running     string // the running resync's workflow id
	Message     string // the refused resync's own words, when it ran
}

func (e *RefusedError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return fmt.Sprintf("not started: resync %s of integration %s is running; one resync at a time — follow it with `starter status`, or wait for it to end",
		e.Running, e.Integration)
}

// RunningResync returns the id of the integration's running resync, "" when
// none runs. It asks the resync lease (held by every resync however it was
// started) and the schedule's own running actions.
func RunningResync(ctx context.Context, c client.Client, integration string) (string, error) {
	sd, err := Describe(ctx, c, integration)
	if err != nil {
		sd = nil // no schedule yet: only the lease can tell
	}
	return runningResync(ctx, c, integration, sd)
}

// runningResync is RunningResync with the schedule already described (nil
// when there is none).
func runningResync(ctx context.Context, c client.Client, integration string, sd *client.ScheduleDescription) (string, error) {
	holder, err := temporalx.LeaseHolder(ctx, c, integration)
	if err != nil {
		return "", fmt.Errorf("look for a running resync of %s: %w", integration, err)
	}
	if holder == "" && sd != nil && len(sd.Info.RunningWorkflows) > 0 {
		holder = sd.Info.RunningWorkflows[0].WorkflowID
	}
	return holder, nil
}

func isNotFound(err error) bool {
	var nf *serviceerror.NotFound
	return errors.As(err, &nf)
}

// Trigger starts a resync now, like `temporal schedule trigger -s <id>`, and
// returns the id of the run it started. While another resync of the
// integration runs it starts nothing and returns a *RefusedError.
func Trigger(ctx context.Context, c client.Client, integration string) (string, error) {
	h := c.ScheduleClient().GetHandle(ctx, ID(integration))
	before, err := h.Describe(ctx)
	if err != nil {
		return "", fmt.Errorf("describe schedule %s (run `starter ensure` first): %w", ID(integration), err)
	}
	running, err := runningResync(ctx, c, integration, before)
	if err != nil {
		return "", err
	}
	if running != "" {
		return "", &RefusedError{Integration: integration, Running: running}
	}
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		return "", fmt.Errorf("trigger schedule %s: %w", ID(integration), err)
	}
	// The schedule starts the run asynchronously; wait for it to show up.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		d, err := h.Describe(ctx)
		if err != nil {
			return "", fmt.Errorf("describe schedule %s: %w", ID(integration), err)
		}
		if d.Info.NumActions > before.Info.NumActions {
			if n := len(d.Info.RecentActions); n > 0 && d.Info.RecentActions[n-1].StartWorkflowResult != nil {
				return d.Info.RecentActions[n-1].StartWorkflowResult.WorkflowID, nil
			}
		}
		if d.Info.NumActionsSkippedOverlap > before.Info.NumActionsSkippedOverlap {
			running, _ := RunningResync(ctx, c, integration)
			return "", &RefusedError{Integration: integration, Running: running}
		}
		if err := pause(ctx, 200*time.Millisecond); err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("schedule %s was triggered but no run started within 30s", ID(integration))
}

// RunOnce starts a resync outside the schedule (same workflow, its own id). It
// refuses, with a *RefusedError, while another resync of the integration runs:
// two resyncs would interleave their reads, writes and deletions. (A start
// that races another one is refused by the resync itself.)
func RunOnce(ctx context.Context, c client.Client, s Spec) (string, error) {
	running, err := RunningResync(ctx, c, s.Integration)
	if err != nil {
		return "", err
	}
	if running != "" {
		return "", &RefusedError{Integration: s.Integration, Running: running}
	}
	id := fmt.Sprintf("%s/manual-%s", workflowIDPrefix(s.Integration), time.Now().UTC().Format("20060102T150405.000Z"))
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: s.TaskQueue, WorkflowExecutionTimeout: ResyncTimeout(s.Interval),
		StaticSummary: "one-off resync of " + s.Integration,
	}, syncdef.ResyncWorkflowName, s.Input)
	if err != nil {
		return "", fmt.Errorf("start resync: %w", err)
	}
	return run.GetID(), nil
}

// SetPaused pauses or unpauses the schedule.
func SetPaused(ctx context.Context, c client.Client, integration string, paused bool, note string) error {
	h := c.ScheduleClient().GetHandle(ctx, ID(integration))
	if paused {
		return h.Pause(ctx, client.SchedulePauseOptions{Note: note})
	}
	return h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: note})
}

// Describe returns the schedule's description.
func Describe(ctx context.Context, c client.Client, integration string) (*client.ScheduleDescription, error) {
	return c.ScheduleClient().GetHandle(ctx, ID(integration)).Describe(ctx)
}

// EnsureSearchAttributes registers the Keyword attributes the Web UI filters
// on. It reports false (and no error) where the caller may not register them,
// e.g. Temporal Cloud without operator rights: runs then go without them.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) (bool, error) {
	ops := c.OperatorService()
	have, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return false, nil
	}
	want := map[string]enums.IndexedValueType{}
	for _, name := range syncdef.SearchAttributes {
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			want[name] = enums.INDEXED_VALUE_TYPE_KEYWORD
		}
	}
	if len(want) == 0 {
		return true, nil
	}
	if _, err := ops.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: want}); err != nil {
		if isAlreadyExists(err) {
			return true, nil
		}
		return false, nil
	}
	return true, nil
}

func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
