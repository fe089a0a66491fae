package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// The starter's schedule: ensure is idempotent and sets interval, overlap Skip,
// catch-up window and a run timeout; trigger starts a resync that follow
// reports to the end; a one-off run refuses to overlap it; pause and unpause.
func TestScheduleEnsureTriggerFollowPause(t *testing.T) {
	s := newStack(t, demoSpec(12))
	s.startWorker()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	spec := schedule.Spec{Integration: s.integration, TaskQueue: s.taskQueue, Interval: 90 * time.Minute,
		Input: syncdef.ResyncInput{Integration: s.integration, Tuning: s.tuning}}

	created, err := schedule.Ensure(ctx, s.client, spec)
	if err != nil || !created {
		t.Fatalf("first ensure: created=%v err=%v", created, err)
	}
	t.Cleanup(func() {
		_ = s.client.ScheduleClient().GetHandle(context.Background(), schedule.ID(s.integration)).Delete(context.Background())
	})
	spec.Interval = time.Hour
	if created, err = schedule.Ensure(ctx, s.client, spec); err != nil || created {
		t.Fatalf("second ensure must update in place: created=%v err=%v", created, err)
	}
	d, err := schedule.Describe(ctx, s.client, s.integration)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Schedule.Spec.Intervals[0].Every; got != time.Hour {
		t.Errorf("interval = %s, want the updated 1h", got)
	}
	if d.Schedule.Policy.Overlap != enums.SCHEDULE_OVERLAP_POLICY_SKIP || d.Schedule.Policy.CatchupWindow != time.Hour {
		t.Errorf("policy = %+v, want overlap Skip and a one-interval catch-up window", d.Schedule.Policy)
	}
	if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); !ok || a.WorkflowExecutionTimeout != schedule.ResyncTimeout(time.Hour) {
		t.Errorf("action = %+v, want a run bounded by %s", d.Schedule.Action, schedule.ResyncTimeout(time.Hour))
	}

	// Slow AWS down so the triggered resync is still running when we try to overlap it.
	s.aws.Faults().SetLatency("ec2", 150*time.Millisecond)
	id, err := schedule.Trigger(ctx, s.client, s.integration)
	if err != nil || !strings.HasPrefix(id, schedule.ID(s.integration)+"/resync") {
		t.Fatalf("trigger: id=%q err=%v", id, err)
	}
	if _, err := schedule.RunOnce(ctx, s.client, spec); err == nil || !strings.Contains(err.Error(), id) {
		t.Fatalf("a one-off run while %s runs: err=%v, want a refusal naming it", id, err)
	}
	p, err := schedule.Follow(ctx, s.client, id, 100*time.Millisecond, nil)
	if err != nil || p.Phase != "done" {
		t.Fatalf("follow: phase %q err %v", p.Phase, err)
	}
	s.assertCatalog(s.expectedKeys())

	if err := schedule.SetPaused(ctx, s.client, s.integration, true, "test"); err != nil {
		t.Fatal(err)
	}
	if d, _ = schedule.Describe(ctx, s.client, s.integration); !d.Schedule.State.Paused {
		t.Fatal("schedule not paused")
	}
	if err := schedule.SetPaused(ctx, s.client, s.integration, false, "test"); err != nil {
		t.Fatal(err)
	}
	if d, _ = schedule.Describe(ctx, s.client, s.integration); d.Schedule.State.Paused {
		t.Fatal("schedule still paused")
	}
}
