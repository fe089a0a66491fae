package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// Exit codes of `starter run --wait` and `starter trigger --wait`: scripts and
// Kubernetes Jobs tell a clean resync from a degraded or failed one.
const (
	ExitSynced   = 0 // every account and scope synced, every write accepted
	ExitFailed   = 1 // the resync failed (or no account synced), or the starter could not do its job
	ExitUsage    = 2 // bad command line
	ExitDegraded = 3 // it ran, but some accounts, scopes, writes or deletions failed; their entities were kept
	ExitRefused  = 4 // not started: another resync of the integration is running
)

// ExitCode is the exit code for a followed resync's final progress.
func ExitCode(p syncdef.Progress) int {
	switch p.ResyncStatus() {
	case syncdef.AccountSynced:
		return ExitSynced
	case syncdef.AccountPartial:
		return ExitDegraded
	case syncdef.StatusRefused:
		return ExitRefused
	default:
		return ExitFailed
	}
}

// FollowOptions: how often to report progress, and where to say that no
// worker is polling (nil = nobody is told).
type FollowOptions struct {
	Every      time.Duration
	OnProgress func(syncdef.Progress)
	// TaskQueue and OnNoWorker: every WorkerCheck (default 10s) the task
	// queue's pollers are looked up; OnNoWorker hears when none is live, and
	// again (with live=true) when one comes back.
	TaskQueue   string
	WorkerCheck time.Duration
	OnNoWorker  func(live bool)
}

// Follow queries a resync's progress every interval, hands each snapshot to
// onProgress, and returns the final report once the run ends.
func Follow(ctx context.Context, c client.Client, workflowID string, every time.Duration, onProgress func(syncdef.Progress)) (syncdef.Progress, error) {
	return FollowWith(ctx, c, workflowID, FollowOptions{Every: every, OnProgress: onProgress})
}

// FollowWith is Follow with a watch on the task queue's workers.
func FollowWith(ctx context.Context, c client.Client, workflowID string, o FollowOptions) (syncdef.Progress, error) {
	run := c.GetWorkflow(ctx, workflowID, "")
	done := make(chan error, 1)
	var final syncdef.Progress
	go func() { done <- run.Get(ctx, &final) }()
	ticker := time.NewTicker(o.Every)
	defer ticker.Stop()
	var workerTick <-chan time.Time
	live := true
	checkWorkers := func() {
		n, err := LivePollers(ctx, c, o.TaskQueue)
		if err != nil {
			return
		}
		if (n > 0) != live {
			live = n > 0
			o.OnNoWorker(live)
		}
	}
	if o.OnNoWorker != nil && o.TaskQueue != "" {
		every := o.WorkerCheck
		if every <= 0 {
			every = 10 * time.Second
		}
		wt := time.NewTicker(every)
		defer wt.Stop()
		workerTick = wt.C
		checkWorkers()
	}
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
			if final.Phase == syncdef.StatusRefused {
				return final, &RefusedError{Running: final.RunningResync, Message: final.Error}
			}
			return final, nil
		case <-ticker.C:
			// A query waits for a worker; without one it must not stall the
			// loop (nor the worker check).
			qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			p, err := Query(qctx, c, workflowID)
			cancel()
			if err == nil && o.OnProgress != nil {
				o.OnProgress(p)
			}
		case <-workerTick:
			checkWorkers()
		case <-ctx.Done():
			return final, ctx.Err()
		}
	}
}

// pollerLiveness: a live worker long-polls at least once a minute, so a poller
// not seen for longer has stopped (the server remembers pollers for minutes).
const pollerLiveness = 90 * time.Second

// LivePollers counts the workers polling the task queue's workflow tasks now.
func LivePollers(ctx context.Context, c client.Client, taskQueue string) (int, error) {
	resp, err := c.DescribeTaskQueue(ctx, taskQueue, enums.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil {
		return 0, fmt.Errorf("describe task queue %s: %w", taskQueue, err)
	}
	n := 0
	for _, p := range resp.GetPollers() {
		if t := p.GetLastAccessTime(); t != nil && time.Since(t.AsTime()) < pollerLiveness {
			n++
		}
	}
	return n, nil
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

// IsRefused tells a refused start from other errors.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}
