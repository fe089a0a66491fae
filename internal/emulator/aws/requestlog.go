package awsemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// RequestRecord is one request as the emulator saw it, for tests that check
// what a client did (which account, how often, which pages, what failed).
type RequestRecord struct {
	Time                                                          time.Time
	Service, Operation, AccountID, Region, AccessKeyID, Principal string
	Status                                                        int
	ErrorCode                                                     string
	// Params are the pagination tokens the request carried, "Name=value" joined
	// by "&" (NextToken, nextToken, Marker, ContinuationToken, continuation-token),
	// so a test can see a page fetched twice.
	Params string
}

// defaultRequestLogSize bounds memory in long local-stack runs.
const defaultRequestLogSize = 200_000

// requestLog is a bounded ring of records, oldest dropped first.
type requestLog struct {
	mu    sync.Mutex
	max   int
	buf   []RequestRecord
	start int // index of the oldest record once the ring is full
}

func newRequestLog(max int) *requestLog { return &requestLog{max: max} }

func (l *requestLog) add(r RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) < l.max {
		l.buf = append(l.buf, r)
		return
	}
	l.buf[l.start] = r
	l.start = (l.start + 1) % l.max
}

func (l *requestLog) snapshot() []RequestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]RequestRecord, 0, len(l.buf))
	out = append(out, l.buf[l.start:]...)
	out = append(out, l.buf[:l.start]...)
	return out
}

// resize sets the bound; the records kept are the newest that fit.
func (l *requestLog) resize(max int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ordered := append(append([]RequestRecord(nil), l.buf[l.start:]...), l.buf[:l.start]...)
	if len(ordered) > max {
		ordered = ordered[len(ordered)-max:]
	}
	l.buf, l.start, l.max = ordered, 0, max
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf, l.start = nil, 0
}

var paginationKeys = []string{"NextToken", "nextToken", "Marker", "ContinuationToken", "continuation-token", "marker"}

// paginationParams finds pagination tokens in the form body, a JSON body or the URL query.
func paginationParams(r *http.Request, body []byte) string {
	found := map[string]string{}
	if q := r.URL.Query(); len(q) > 0 {
		for _, k := range paginationKeys {
			if v := q.Get(k); v != "" {
				found[k] = v
			}
		}
	}
	if len(body) > 0 {
		trimmed := strings.TrimSpace(string(body))
		if strings.HasPrefix(trimmed, "{") {
			var m map[string]any
			if json.Unmarshal(body, &m) == nil {
				for _, k := range paginationKeys {
					if v, ok := m[k].(string); ok && v != "" {
						found[k] = v
					}
				}
			}
		} else if strings.Contains(r.Header.Get("Content-Type"), "x-www-form-urlencoded") {
			if form, err := url.ParseQuery(trimmed); err == nil {
				for _, k := range paginationKeys {
					if v := form.Get(k); v != "" {
						found[k] = v
					}
				}
			}
		}
	}
	if len(found) == 0 {
		return ""
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + found[k]
	}
	return strings.Join(parts, "&")
}

var (
	xmlCodeRe  = regexp.MustCompile(`<Code>([^<]+)</Code>`)
	jsonTypeRe = regexp.MustCompile(`"__type"\s*:\s*"([^"]+)"`)
)

// errorCodeFromBody extracts the error code from any protocol's error body.
func errorCodeFromBody(b []byte) string {
	if m := xmlCodeRe.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	if m := jsonTypeRe.FindSubmatch(b); m != nil {
		return trimErrorType(string(m[1]))
	}
	return ""
}

// trimErrorType strips the namespace and URL decorations AWS allows around a code
// ("aws.protocoltests#Code:http://...").
func trimErrorType(t string) string {
	if i := strings.IndexByte(t, ':'); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		t = t[i+1:]
	}
	return t
}
