package portemu

import (
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Fault scripts a misbehaviour for matching requests. Method and Path match
// the request ("" = any; Path is a prefix of the escaped or decoded path).
// Count is how many requests it hits (0 = forever); Probability < 1 makes it
// random (0 = always). The first matching fault in insertion order fires.
//
// What it does, in this order: wait Delay (or until the client gives up);
// ResetConnection closes the TCP connection with an RST; a Status answers
// with Port's error body (429 adds Retry-After = RetryAfter, or with ResetOnly
// only x-ratelimit-reset = RetryAfter); FailIndexes (bulk upsert routes only)
// lets the call run but fails those indexes, giving a partial 207. A fault
// with only Delay slows the request down and then serves it normally.
type Fault struct {
	Method          string            `json:"method,omitempty"`
	Path            string            `json:"path,omitempty"`
	Status          int               `json:"status,omitempty"`
	RetryAfter      string            `json:"retryAfter,omitempty"`
	ResetOnly       bool              `json:"resetOnly,omitempty"`
	Count           int               `json:"count,omitempty"`
	Probability     float64           `json:"probability,omitempty"`
	FailIndexes     map[int]BulkError `json:"failIndexes,omitempty"`
	ResetConnection bool              `json:"resetConnection,omitempty"`
	Delay           time.Duration     `json:"delay,omitempty"`
}

// BulkError is the per-index failure a FailIndexes fault reports
// (defaults: 422, "injected_failure").
type BulkError struct {
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

type faultSet struct {
	mu     sync.Mutex
	faults []*Fault
}

// AddFault appends a fault rule.
func (s *Server) AddFault(f Fault) {
	c := f
	s.faults.mu.Lock()
	s.faults.faults = append(s.faults.faults, &c)
	s.faults.mu.Unlock()
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.faults = nil
	s.faults.mu.Unlock()
}

// take returns a copy of the first fault matching the request and consumes
// one of its uses. bulkUpsert tells whether FailIndexes faults may match.
func (fs *faultSet) take(method, escapedPath, path string, bulkUpsert bool) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if f.Path != "" && !strings.HasPrefix(escapedPath, f.Path) && !strings.HasPrefix(path, f.Path) {
			continue
		}
		if len(f.FailIndexes) > 0 && !bulkUpsert {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && rand.Float64() >= f.Probability {
			continue
		}
		out := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				fs.faults = append(fs.faults[:i:i], fs.faults[i+1:]...)
			}
		}
		return out, true
	}
	return Fault{}, false
}
