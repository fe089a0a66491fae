package portemu

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Route families of Port's rate limits (docs.port.io rate-limits page).
const (
	FamilyUnauthenticated = "unauthenticated"
	FamilyEntities        = "entities"
	FamilySearch          = "search"
	FamilyBulkUpsert      = "bulk-upsert"
	FamilySingleUpsert    = "single-upsert"
	FamilyBlueprints      = "blueprints"
	FamilyOther           = "other"
)

// defaultLimits are Port's published limits per 5 minutes. Without
// SetRateLimit they only feed the headers; nothing is ever rejected.
var defaultLimits = map[string]int{
	FamilyUnauthenticated: 100,
	FamilyEntities:        35000,
	FamilySearch:          35000,
	FamilyBulkUpsert:      35000,
	FamilySingleUpsert:    10000,
	FamilyBlueprints:      15000,
	FamilyOther:           15000,
}

const defaultPeriod = 5 * time.Minute

type window struct {
	start time.Time
	count int
}

type bucket struct {
	limit  int
	period time.Duration
	tokens float64
	last   time.Time
}

type limiter struct {
	mu      sync.Mutex
	windows map[string]*window
	buckets map[string]*bucket
	counts  map[string]FamilyCount
}

// FamilyCount is what one route family received: requests let through by
// its rate limit (whatever they answered next) and requests refused with 429.
type FamilyCount struct {
	Admitted, Rejected int
}

func (l *limiter) init() {
	l.mu.Lock()
	l.windows = map[string]*window{}
	l.buckets = map[string]*bucket{}
	l.counts = map[string]FamilyCount{}
	l.mu.Unlock()
}

// FamilyCounts is a copy of the requests counted per route family since the
// server started (cheap: benchmarks read it instead of the request log).
func (s *Server) FamilyCounts() map[string]FamilyCount {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	out := make(map[string]FamilyCount, len(s.limits.counts))
	for k, v := range s.limits.counts {
		out[k] = v
	}
	return out
}

func (l *limiter) count(family string, allowed bool) {
	c := l.counts[family]
	if allowed {
		c.Admitted++
	} else {
		c.Rejected++
	}
	l.counts[family] = c
}

// SetRateLimit turns on token-bucket limiting for a family: a bucket of limit
// tokens refilled at limit per window. Requests finding it empty get 429 with
// Retry-After. limit <= 0 turns the family's bucket off again.
func (s *Server) SetRateLimit(family string, limit int, window time.Duration) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	if limit <= 0 || window <= 0 {
		delete(s.limits.buckets, family)
		return
	}
	s.limits.buckets[family] = &bucket{limit: limit, period: window, tokens: float64(limit), last: s.Now()}
}

// rateState is what the headers of one response report.
type rateState struct {
	limit, remaining int
	reset            time.Duration // until the window resets (or until a token is back)
	period           time.Duration
	allowed          bool
}

// admit counts one request of family at now.
func (l *limiter) admit(family string, now time.Time) rateState {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[family]; ok {
		rate := float64(b.limit) / b.period.Seconds()
		b.tokens = math.Min(float64(b.limit), b.tokens+now.Sub(b.last).Seconds()*rate)
		b.last = now
		st := rateState{limit: b.limit, period: b.period}
		if b.tokens >= 1 {
			b.tokens--
			st.allowed = true
			st.remaining = int(b.tokens)
			st.reset = time.Duration((float64(b.limit) - b.tokens) / rate * float64(time.Second))
			l.count(family, true)
			return st
		}
		st.reset = time.Duration((1 - b.tokens) / rate * float64(time.Second))
		l.count(family, false)
		return st
	}
	limit := defaultLimits[family]
	w, ok := l.windows[family]
	// Header-only mode never rejects, so it never reports 0 remaining either
	// (a client that throttles ahead on 0 would sleep for nothing): a full
	// window simply starts over.
	if !ok || now.Sub(w.start) >= defaultPeriod || now.Before(w.start) || w.count >= limit-1 {
		w = &window{start: now}
		l.windows[family] = w
	}
	w.count++
	l.count(family, true)
	return rateState{limit: limit, remaining: max(0, limit-w.count), reset: defaultPeriod - now.Sub(w.start), period: defaultPeriod, allowed: true}
}

// resetValue renders a duration for x-ratelimit-reset: whole seconds (at
// least 1), or the epoch second it ends at when ResetEpoch is set. The epoch
// uses the wall clock, since that is what a client compares it with.
func (s *Server) resetValue(d time.Duration) string {
	secs := ceilSeconds(d)
	if s.opts.ResetEpoch {
		return strconv.FormatInt(time.Now().Unix()+secs, 10)
	}
	return strconv.FormatInt(secs, 10)
}

func (s *Server) setRateHeaders(h http.Header, st rateState) {
	h.Set("x-ratelimit-limit", strconv.Itoa(st.limit))
	h.Set("x-ratelimit-remaining", strconv.Itoa(st.remaining))
	h.Set("x-ratelimit-reset", s.resetValue(st.reset))
	h.Set("x-ratelimit-period", strconv.FormatInt(int64(st.period.Seconds()), 10))
}

// ceilSeconds rounds d up to whole seconds, at least 1 (a 0 would invite a
// client to retry at once).
func ceilSeconds(d time.Duration) int64 {
	secs := int64(math.Ceil(d.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return secs
}

// parseSeconds reads a seconds value such as a Retry-After header.
func parseSeconds(v string) time.Duration {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return time.Second
	}
	return time.Duration(f * float64(time.Second))
}
