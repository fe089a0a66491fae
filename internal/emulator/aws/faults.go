package awsemu

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// FaultRule injects an error answer into matching requests. Empty matchers match
// anything. Status 0 means 500; an empty Code means the protocol's internal error
// code. Count 0 fires forever; Probability 0 means always (otherwise a seeded
// random draw, so a test run is reproducible).
type FaultRule struct {
	Service, Operation, AccountID, Region string
	Status                                int
	Code, Message                         string
	Count                                 int
	Probability                           float64
}

// Faults holds injected errors, latency and rate limits. All methods are safe
// for concurrent use and take effect on the next request.
type Faults struct {
	mu      sync.Mutex
	rules   []*activeRule
	latency map[string]time.Duration // by service; "" = every service
	limits  map[string]rateSpec      // by service; "" = every service
	buckets map[bucketKey]*tokenBucket
	rng     *rand.Rand
	now     func() time.Time
}

type activeRule struct {
	FaultRule
	deny      bool // AccessDenied in the protocol's own code
	remaining int  // for Count > 0
}

// faultTarget is what a rule is matched against.
type faultTarget struct {
	Service, Operation, AccountID, Region string
}

// faultAnswer is the error a request receives instead of being served.
type faultAnswer struct {
	Status        int
	Code, Message string
}

const faultSeed = 0x5eed

func newFaults(now func() time.Time) *Faults {
	return &Faults{
		latency: map[string]time.Duration{},
		limits:  map[string]rateSpec{},
		buckets: map[bucketKey]*tokenBucket{},
		rng:     rand.New(rand.NewPCG(faultSeed, faultSeed)),
		now:     now,
	}
}

// SetSeed reseeds the draws of probabilistic rules.
func (f *Faults) SetSeed(seed uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rng = rand.New(rand.NewPCG(seed, seed))
}

// Add injects an error answer for matching requests.
func (f *Faults) Add(r FaultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &activeRule{FaultRule: r, remaining: r.Count})
}

// DenyAccess makes every call of service (""=any) by accountID (""=any) in
// region (""=any) fail with the protocol's access denied error.
func (f *Faults) DenyAccess(accountID, service, region string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &activeRule{
		FaultRule: FaultRule{Service: service, AccountID: accountID, Region: region},
		deny:      true,
	})
}

// SetLatency delays every request to service ("" = all services) by d.
func (f *Faults) SetLatency(service string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d <= 0 {
		delete(f.latency, service)
		return
	}
	f.latency[service] = d
}

// SetRateLimit installs a token bucket per (account, region, service) for
// service ("" = every service without its own limit): perSecond refill, burst
// capacity. perSecond <= 0 and burst <= 0 removes the limit; perSecond 0 with a
// burst allows exactly burst calls per bucket (handy for deterministic tests).
func (f *Faults) SetRateLimit(service string, perSecond float64, burst int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.buckets {
		if k.service == service || service == "" {
			delete(f.buckets, k)
		}
	}
	if perSecond <= 0 && burst <= 0 {
		delete(f.limits, service)
		return
	}
	if burst < 1 {
		burst = 1
	}
	f.limits[service] = rateSpec{perSecond: perSecond, burst: burst}
}

// SetRegionRateLimit is SetRateLimit for service in one region only; it wins
// over the service's own limit there (tests that need a throttled region next
// to a free one).
func (f *Faults) SetRegionRateLimit(service, region string, perSecond float64, burst int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := service + "/" + region
	for k := range f.buckets {
		if k.service == service && k.region == region {
			delete(f.buckets, k)
		}
	}
	if perSecond <= 0 && burst <= 0 {
		delete(f.limits, key)
		return
	}
	f.limits[key] = rateSpec{perSecond: perSecond, burst: max(burst, 1)}
}

// Clear removes every rule, latency and rate limit.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
	f.latency = map[string]time.Duration{}
	f.limits = map[string]rateSpec{}
	f.buckets = map[bucketKey]*tokenBucket{}
}

// FaultSnapshot describes the configured faults (for the admin endpoint).
type FaultSnapshot struct {
	Rules      []FaultRule              `json:"rules"`
	Denied     []FaultRule              `json:"denied"`
	Latency    map[string]time.Duration `json:"latency"`
	RateLimits map[string]float64       `json:"rateLimits"`
}

// Snapshot lists the configured faults.
func (f *Faults) Snapshot() FaultSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := FaultSnapshot{Latency: map[string]time.Duration{}, RateLimits: map[string]float64{}}
	for _, r := range f.rules {
		if r.deny {
			out.Denied = append(out.Denied, r.FaultRule)
		} else {
			out.Rules = append(out.Rules, r.FaultRule)
		}
	}
	for k, v := range f.latency {
		out.Latency[k] = v
	}
	for k, v := range f.limits {
		out.RateLimits[k] = v.perSecond
	}
	return out
}

// check applies latency, then injected rules, then rate limits. It returns the
// answer to send instead of serving, or nil.
func (f *Faults) check(ctx context.Context, t faultTarget, svc Service, principal string) *faultAnswer {
	if d := f.delay(t.Service); d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.rules {
		if !r.matches(t) {
			continue
		}
		if r.Probability > 0 && r.Probability < 1 && f.rng.Float64() >= r.Probability {
			continue
		}
		if r.Count > 0 {
			r.remaining--
			if r.remaining <= 0 {
				f.rules = append(f.rules[:i:i], f.rules[i+1:]...)
			}
		}
		if r.deny {
			return accessDeniedAnswer(svc.Protocol(), t, principal)
		}
		return injectedAnswer(svc.Protocol(), r.FaultRule)
	}
	if f.throttled(t) {
		code, status := svc.ThrottleCode()
		return &faultAnswer{Status: status, Code: code, Message: throttleMessage(code)}
	}
	return nil
}

func (f *Faults) delay(service string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d, ok := f.latency[service]; ok {
		return d
	}
	return f.latency[""]
}

func (r *activeRule) matches(t faultTarget) bool {
	return (r.Service == "" || r.Service == t.Service) &&
		(r.Operation == "" || r.Operation == t.Operation) &&
		(r.AccountID == "" || r.AccountID == t.AccountID) &&
		(r.Region == "" || r.Region == t.Region)
}

func injectedAnswer(p Protocol, r FaultRule) *faultAnswer {
	a := &faultAnswer{Status: r.Status, Code: r.Code, Message: r.Message}
	if a.Status == 0 {
		a.Status = http.StatusInternalServerError
	}
	if a.Code == "" {
		switch {
		case a.Status == http.StatusServiceUnavailable:
			a.Code = "ServiceUnavailable"
		case p == ProtocolRESTXML || p == ProtocolEC2Query:
			a.Code = "InternalError"
		default:
			a.Code = "InternalFailure"
		}
	}
	if a.Message == "" {
		a.Message = "We encountered an internal error. Please try again."
	}
	return a
}

// accessDeniedAnswer words a denial the way each protocol's services do.
func accessDeniedAnswer(p Protocol, t faultTarget, principal string) *faultAnswer {
	action := t.Service + ":" + t.Operation
	switch p {
	case ProtocolEC2Query:
		return &faultAnswer{http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation. User: " + principal + " is not authorized to perform: " + action}
	case ProtocolJSON11, ProtocolJSON10, ProtocolRPCv2CBOR:
		return &faultAnswer{http.StatusBadRequest, "AccessDeniedException", "User: " + principal + " is not authorized to perform: " + action}
	case ProtocolRESTJSON:
		return &faultAnswer{http.StatusForbidden, "AccessDeniedException", "User: " + principal + " is not authorized to perform: " + action}
	case ProtocolRESTXML:
		return &faultAnswer{http.StatusForbidden, "AccessDenied", "Access Denied"}
	default:
		return &faultAnswer{http.StatusForbidden, "AccessDenied", "User: " + principal + " is not authorized to perform: " + action}
	}
}

func throttleMessage(code string) string {
	switch code {
	case "RequestLimitExceeded":
		return "Request limit exceeded."
	case "SlowDown":
		return "Please reduce your request rate."
	default:
		return "Rate exceeded"
	}
}
