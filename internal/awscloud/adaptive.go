package awscloud

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// AWS throttles per (account, region, service). A client is built per page, so
// a rate learned by one client's retryer would be forgotten with it; instead
// every attempt asks a limiter that belongs to its (account, region, service)
// and lives as long as the worker: the SDK's adaptive retry mode (CUBIC, as in
// TCP), which is unrestricted until a throttle, then lowers the attempt rate
// to a fraction of the rate measured at the throttle and probes back up.
//
// Only its attempt-rate half is used. Whether and when to retry stays with
// the client's own standard retryer (Classify, MaxAttempts, MaxBackoff, no
// retry quota), wrapped by scopedRetryer.

// limiterIdle is how long an unused limiter is kept. By then the adaptive
// rate has recovered fully, so dropping it forgets nothing worth keeping, and
// memory stays bounded by the scopes recently called.
const limiterIdle = 10 * time.Minute

type limiterKey struct{ account, region, service string }

type limiterEntry struct {
	mode *retry.AdaptiveMode
	used time.Time
}

// adaptiveLimiters is the worker's set of limiters, one per (account,
// region, service) that was called in the last limiterIdle.
type adaptiveLimiters struct {
	mu        sync.Mutex
	m         map[limiterKey]*limiterEntry
	lastSweep time.Time
	now       func() time.Time
}

func newAdaptiveLimiters() *adaptiveLimiters {
	return &adaptiveLimiters{m: map[limiterKey]*limiterEntry{}, now: time.Now}
}

func (l *adaptiveLimiters) get(k limiterKey) *retry.AdaptiveMode {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastSweep) > time.Minute {
		for key, e := range l.m {
			if now.Sub(e.used) > limiterIdle {
				delete(l.m, key)
			}
		}
		l.lastSweep = now
	}
	e, ok := l.m[k]
	if !ok {
		e = &limiterEntry{mode: retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			// Its standard half only releases attempt tokens here: no quota.
			o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
				so.RateLimiter = ratelimit.None
			})
		})}
		l.m[k] = e
	}
	e.used = now
	return e.mode
}

// size is the number of limiters held (tests).
func (l *adaptiveLimiters) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}

// scopedRetryer is a client's retryer: its own standard retryer decides
// retries and delays; each attempt first waits for the adaptive limiter of
// the request's (account, region, service), then reports to it whether AWS
// throttled the attempt. The service and region come from the request's
// context (set by the SDK before the retry middleware runs), so one client
// per page and an operation-level region override both land on the right
// limiter.
type scopedRetryer struct {
	aws.RetryerV2
	limiters *adaptiveLimiters
	account  string
}

func (r *scopedRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	lim := r.limiters.get(limiterKey{
		account: r.account,
		region:  awsmiddleware.GetRegion(ctx),
		service: awsmiddleware.GetServiceID(ctx),
	})
	releaseLimiter, err := lim.GetAttemptToken(ctx)
	if err != nil {
		return nil, err
	}
	release, err := r.RetryerV2.GetAttemptToken(ctx)
	if err != nil {
		_ = releaseLimiter(nil)
		return nil, err
	}
	return func(opErr error) error {
		_ = releaseLimiter(opErr)
		return release(opErr)
	}, nil
}
