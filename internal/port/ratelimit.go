package port

import (
	"context"
	"math"
	"sync"

	"golang.org/x/time/rate"
)

// RateLimit keeps a worker's Port requests within its share of a budget that
// holds for the whole deployment: a token bucket refilled at perSecond ÷ live
// workers, holding at most burst ÷ live workers (at least one). Every
// authenticated request waits for a token before it is sent, retries and
// re-authentications included (the token endpoint is not counted: Port
// limits it apart).
//
// Port counts requests per 5-minute window; a bucket of burst B refilled at
// r lets the deployment send at most B + W·r in any window of W seconds, so
// B + 300·r ≤ Port's 35,000 keeps every window within Port's limit, while a
// resync that needs fewer than B requests is not slowed at all. With burst 1
// the requests are spaced evenly. Whoever keeps the worker count (the worker
// process, from Temporal's pollers) calls SetWorkers; a RateLimit nobody
// updates gives its worker the whole budget.
type RateLimit struct {
	mu        sync.Mutex
	perSecond float64 // deployment-wide
	burst     int     // deployment-wide
	workers   int
	bucket    *rate.Limiter
}

// NewRateLimit returns a budget of perSecond requests per second and burst at
// once across the deployment, with this worker alone until SetWorkers says
// otherwise. perSecond must be positive and finite; burst below 1 counts as 1.
func NewRateLimit(perSecond float64, burst int) *RateLimit {
	if !(perSecond > 0) || math.IsInf(perSecond, 0) {
		panic("port: NewRateLimit needs a positive, finite rate")
	}
	burst = max(burst, 1)
	return &RateLimit{perSecond: perSecond, burst: burst, workers: 1,
		bucket: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// SetWorkers sets the number of live workers sharing the budget (at least 1).
func (r *RateLimit) SetWorkers(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.workers = max(n, 1)
	r.bucket.SetLimit(rate.Limit(r.perSecond / float64(r.workers)))
	// A joining worker shrinks everyone's bucket: tokens above the new size
	// are dropped, so the deployment never holds more than the burst.
	r.bucket.SetBurst(max(r.burst/r.workers, 1))
}

// Workers is the number of workers the budget is currently shared by.
func (r *RateLimit) Workers() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.workers
}

// Share is this worker's rate in requests per second.
func (r *RateLimit) Share() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.perSecond / float64(r.workers)
}

// Cap is the deployment-wide rate in requests per second.
func (r *RateLimit) Cap() float64 { return r.perSecond }

// Burst is the deployment-wide burst.
func (r *RateLimit) Burst() int { return r.burst }

// Wait takes a token, waiting for one if need be, or until ctx ends.
func (r *RateLimit) Wait(ctx context.Context) error {
	if r == nil {
		return nil
	}
	return r.bucket.Wait(ctx)
}
