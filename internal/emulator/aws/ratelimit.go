package awsemu

import "time"

// AWS limits API calls per account, region and service with token buckets; the
// emulator does the same so clients' retry and backoff paths get exercised.

type rateSpec struct {
	perSecond float64
	burst     int
}

type bucketKey struct {
	account, region, service string
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

// throttled takes one token from the request's bucket; true when none is left.
// Caller holds f.mu.
func (f *Faults) throttled(t faultTarget) bool {
	spec, ok := f.limits[t.Service+"/"+t.Region]
	if !ok {
		spec, ok = f.limits[t.Service]
	}
	if !ok {
		if spec, ok = f.limits[""]; !ok {
			return false
		}
	}
	key := bucketKey{account: t.AccountID, region: t.Region, service: t.Service}
	now := f.now()
	b, ok := f.buckets[key]
	if !ok {
		b = &tokenBucket{tokens: float64(spec.burst), last: now}
		f.buckets[key] = b
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens += elapsed.Seconds() * spec.perSecond
		if b.tokens > float64(spec.burst) {
			b.tokens = float64(spec.burst)
		}
	}
	b.last = now
	if b.tokens < 1 {
		return true
	}
	b.tokens--
	return false
}
