// Package workflows holds the resync's orchestration: the root ResyncWorkflow and
// one AccountSyncWorkflow per account. All I/O lives in activities, which the
// workflows call by name (see internal/syncdef), so this package knows nothing of
// AWS, HTTP or schedules.
package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// Errors that retrying cannot fix: the activity said so through its error type.
var nonRetryable = []string{
	syncdef.ErrTypeInvalidConfig,
	syncdef.ErrTypeAccessDenied,
	syncdef.ErrTypeNotFound,
	syncdef.ErrTypePortRejected,
	syncdef.ErrTypeAWSRejected,
	syncdef.ErrTypeDiscovery,
}

const (
	// A dead worker's pages are retried elsewhere after this long without a
	// heartbeat. Activities heartbeat every fifth of it from a goroutine of
	// their own (activities/heartbeat.go) and the worker sends them at most 2 s
	// late (app.WorkerOptions), so a busy worker keeps 6 s of slack.
	defaultHeartbeatTimeout    = 10 * time.Second
	defaultMaxConcurrentUnits  = 8
	defaultContinueAsNewEvents = 8000
	defaultPagesPerRun         = 500
	// Keep well below Temporal's 50 MB hard limit and its 10 MB warning.
	continueAsNewHistoryBytes = 4 << 20
)

func retryPolicy(t syncdef.Tuning) *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		MaximumAttempts:        t.ActivityMaximumRetries, // 0 = until the timeout
		NonRetryableErrorTypes: nonRetryable,
	}
}

// shortActivity is for calls that answer in seconds (STS, Organizations, Port setup).
func shortActivity(ctx workflow.Context, t syncdef.Tuning) workflow.Context {
	rp := retryPolicy(t)
	if rp.MaximumAttempts == 0 {
		rp.MaximumAttempts = 8
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: 15 * time.Minute,
		// Heartbeated too: a worker that dies during discovery or planning
		// is noticed in seconds, not after the two-minute timeout.
		HeartbeatTimeout: heartbeatTimeout(t),
		RetryPolicy:      rp,
	})
}

func heartbeatTimeout(t syncdef.Tuning) time.Duration {
	if t.HeartbeatTimeout > 0 {
		return t.HeartbeatTimeout
	}
	return defaultHeartbeatTimeout
}

// pageActivity is for one AWS page or one Port batch: heartbeated, so a worker
// that dies mid-call is noticed within the heartbeat timeout and the call retried
// elsewhere, starting from the same page token.
func pageActivity(ctx workflow.Context, t syncdef.Tuning) workflow.Context {
	hb := heartbeatTimeout(t)
	rp := retryPolicy(t)
	if rp.MaximumAttempts == 0 {
		rp.MaximumAttempts = 10
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    hb,
		RetryPolicy:         rp,
	})
}

// scopeActivity is for one scope: as long as its reads take, heartbeated, so
// a dead worker's scope is read again elsewhere within the heartbeat timeout.
func scopeActivity(ctx workflow.Context, t syncdef.Tuning) workflow.Context {
	rp := retryPolicy(t)
	if rp.MaximumAttempts == 0 {
		rp.MaximumAttempts = 5
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 12 * time.Hour,
		HeartbeatTimeout:    heartbeatTimeout(t),
		RetryPolicy:         rp,
	})
}
