package e2e

import (
	"context"
	"fmt"
	"strings"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
)

// accountTimeline is one workflow's events as offsets from its start: what
// the bench prints (SCALE_TIMELINE=1) to show where an account's time goes.
func accountTimeline(ctx context.Context, c client.Client, workflowID string) string {
	var b strings.Builder
	var start time.Time
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return err.Error()
		}
		t := ev.GetEventTime().AsTime()
		if start.IsZero() {
			start = t
		}
		name := strings.TrimPrefix(ev.GetEventType().String(), "EVENT_TYPE_")
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			name += " " + a.GetActivityType().GetName()
		}
		fmt.Fprintf(&b, "  %8s  %s\n", t.Sub(start).Round(time.Millisecond), name)
	}
	return b.String()
}
