package schedule

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// Follow queries a resync's progress every interval, hands each snapshot to
// onProgress, and returns the final report once the run ends.
func Follow(ctx context.Context, c client.Client, workflowID string, every time.Duration, onProgress func(syncdef.Progress)) (syncdef.Progress, error) {
	run := c.GetWorkflow(ctx, workflowID, "")
	done := make(chan error, 1)
	var final syncdef.Progress
	go func() { done <- run.Get(ctx, &final) }()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				// The failed run's last progress explains more than the error chain.
				if p, qerr := Query(ctx, c, workflowID); qerr == nil {
					return p, fmt.Errorf("resync %s failed: %w", workflowID, err)
				}
				return final, fmt.Errorf("resync %s failed: %w", workflowID, err)
			}
			return final, nil
		case <-ticker.C:
			if p, err := Query(ctx, c, workflowID); err == nil && onProgress != nil {
				onProgress(p)
			}
		case <-ctx.Done():
			return final, ctx.Err()
		}
	}
}

// Query reads a resync's progress (works on running and closed runs).
func Query(ctx context.Context, c client.Client, workflowID string) (syncdef.Progress, error) {
	var p syncdef.Progress
	v, err := c.QueryWorkflow(ctx, workflowID, "", syncdef.ProgressQuery)
	if err != nil {
		return p, fmt.Errorf("query progress of %s: %w", workflowID, err)
	}
	return p, v.Get(&p)
}
