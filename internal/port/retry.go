package port

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxAuthRetries bounds re-authentication per request: a token that is
// rejected right after being issued means the credentials lack access, and
// repeating would only hammer the token endpoint.
const maxAuthRetries = 2

// epochThreshold separates the two x-ratelimit-reset styles, as Ocean does:
// larger values are a UTC epoch in seconds, smaller ones seconds to wait.
const epochThreshold = 10000

// retryableStatus is Ocean's list of statuses worth repeating (401 is handled
// separately with re-authentication). 500 is deliberately absent: Port may
// have applied the write, and Ocean does not repeat it either.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusRequestTimeout,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the n-th (1-based) exponential wait: base × 2^(n-1) ± 10 %,
// capped at maxWait.
func (s *shared) backoff(n int) time.Duration {
	exp := float64(s.baseBackoff) * math.Pow(2, float64(n-1))
	exp *= 0.9 + 0.2*rand.Float64()
	if exp >= float64(s.maxWait) {
		return s.maxWait
	}
	return time.Duration(exp)
}

// waitFor chooses the wait before the next attempt: what Port asked for, with
// up to 10 % added so that many workers do not wake at the same instant, else
// the exponential backoff. fromHeader tells which one was used.
func (s *shared) waitFor(resp *response, n int) (wait time.Duration, fromHeader bool) {
	if d, ok := headerWait(resp, time.Now()); ok {
		d += time.Duration(float64(d) * 0.1 * rand.Float64())
		return min(d, s.maxWait), true
	}
	return s.backoff(n), false
}

// headerWait reads the wait Port asked for: Retry-After first (seconds or an
// HTTP date), then x-ratelimit-reset (seconds, epoch seconds above 10000, or
// an ISO date). x-ratelimit-reset is on every Port response and describes the
// rate-limit window, so it is only honoured on a 429: a 502 must not wait for
// the window to roll over.
func headerWait(resp *response, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(resp.header.Get("Retry-After")); v != "" {
		if d, ok := parseSeconds(v); ok {
			return d, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if resp.status != http.StatusTooManyRequests {
		return 0, false
	}
	if v := strings.TrimSpace(resp.header.Get("x-ratelimit-reset")); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && f >= 0 {
			if f > epochThreshold {
				sec, frac := math.Modf(min(f, 1e15))
				until := time.Unix(int64(sec), int64(frac*1e9)).Sub(now)
				return max(until, 0), true
			}
			return time.Duration(f * float64(time.Second)), true
		}
		for _, layout := range []string{time.RFC3339Nano, time.RFC1123, time.RFC1123Z} {
			if t, err := time.Parse(layout, v); err == nil {
				return max(t.Sub(now), 0), true
			}
		}
	}
	return 0, false
}

// parseSeconds parses a non-negative number of seconds (integer or decimal).
func parseSeconds(v string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	// Guard the conversion: absurd values are capped by the caller anyway.
	if f > float64(math.MaxInt64/int64(time.Second)) {
		f = float64(math.MaxInt64 / int64(time.Second))
	}
	return time.Duration(f * float64(time.Second)), true
}
