package port

import (
	"context"
	"math"
	"sync"
	"time"
)

// RateLimit paces a worker's Port requests to its share of a cap that holds
// for the whole deployment: share = cap ÷ live workers. Every authenticated
// request waits for its slot before it is sent, retries and re-authentications
// included (the token endpoint is not counted: Port limits it apart).
//
// Slots are spaced evenly (no burst): in any window of W seconds one worker
// sends at most W × share + 1 requests, so n workers together send at most
// W × cap + n. Whoever keeps the worker count (the worker process, from
// Temporal's pollers) calls SetWorkers; a RateLimit nobody updates gives its
// worker the whole cap.
type RateLimit struct {
	mu      sync.Mutex
	cap     float64 // requests per second, deployment-wide
	workers int
	next    time.Time // the next free slot
}

// NewRateLimit returns a limit of perSecond requests per second across the
// deployment, with this worker alone until SetWorkers says otherwise.
// perSecond must be positive and finite.
func NewRateLimit(perSecond float64) *RateLimit {
	if !(perSecond > 0) || math.IsInf(perSecond, 0) {
		panic("port: NewRateLimit needs a positive, finite rate")
	}
	return &RateLimit{cap: perSecond, workers: 1}
}

// SetWorkers sets the number of live workers sharing the cap (at least 1).
func (r *RateLimit) SetWorkers(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.workers = max(n, 1)
}

// Workers is the number of workers the cap is currently shared by.
func (r *RateLimit) Workers() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.workers
}

// Share is this worker's rate in requests per second.
func (r *RateLimit) Share() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cap / float64(r.workers)
}

// Cap is the deployment-wide rate in requests per second.
func (r *RateLimit) Cap() float64 { return r.cap }

// Wait takes the next slot and waits for it, or until ctx ends. A slot taken
// by a canceled wait is not given back: the cap errs on the safe side.
func (r *RateLimit) Wait(ctx context.Context) error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	interval := time.Duration(float64(time.Second) * float64(r.workers) / r.cap)
	now := time.Now()
	at := r.next
	if at.Before(now) {
		at = now
	}
	r.next = at.Add(interval)
	r.mu.Unlock()
	return sleep(ctx, time.Until(at))
}
