package portemu_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func TestRateLimitHeadersOnEveryResponse(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	check := func(r resp, wantLimit string) int {
		t.Helper()
		for _, k := range []string{"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-period"} {
			if r.header.Get(k) == "" {
				t.Fatalf("status %d response lacks %s: %v", r.status, k, r.header)
			}
		}
		if r.header.Get("x-ratelimit-limit") != wantLimit || r.header.Get("x-ratelimit-period") != "300" {
			t.Fatalf("limit %s period %s", r.header.Get("x-ratelimit-limit"), r.header.Get("x-ratelimit-period"))
		}
		reset, err := strconv.Atoi(r.header.Get("x-ratelimit-reset"))
		if err != nil || reset < 1 || reset > 300 {
			t.Fatalf("x-ratelimit-reset %q is not seconds until reset", r.header.Get("x-ratelimit-reset"))
		}
		n, _ := strconv.Atoi(r.header.Get("x-ratelimit-remaining"))
		return n
	}
	check(h.do("GET", "/v1/organization", nil), "15000") // 401 still carries them
	h.login()
	a := check(h.do("POST", "/v1/blueprints/x/entities?upsert=true", bucket("b", "us-east-1")), "10000") // 404
	b := check(h.do("POST", "/v1/blueprints/x/entities?upsert=true", bucket("b", "us-east-1")), "10000")
	if b != a-1 {
		t.Fatalf("remaining %d then %d, want a decrement", a, b)
	}
	check(h.do("POST", "/v1/entities/search", and()), "35000")
}

func TestRateLimitResetAsEpoch(t *testing.T) {
	h := newHarness(t, portemu.Options{ResetEpoch: true})
	r := h.do("GET", "/v1/organization", nil)
	reset, _ := strconv.ParseInt(r.header.Get("x-ratelimit-reset"), 10, 64)
	now := time.Now().Unix()
	if reset < now || reset > now+301 {
		t.Fatalf("x-ratelimit-reset %d is not an epoch within the window (now %d)", reset, now)
	}
}

func TestTokenBucketPerFamily(t *testing.T) {
	h := started(t)
	h.s.SetRateLimit(portemu.FamilySingleUpsert, 2, 2*time.Second)
	up := func() resp {
		return h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b1", "us-east-1"))
	}
	h.expect(up(), 201)
	r := h.expect(up(), 200)
	if r.header.Get("x-ratelimit-limit") != "2" || r.header.Get("x-ratelimit-remaining") != "0" || r.header.Get("x-ratelimit-period") != "2" {
		t.Fatalf("bucket headers %v", r.header)
	}
	r = h.expect(up(), 429)
	errBody(t, r, "too_many_requests")
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	h.expect(h.do("GET", "/v1/blueprints", nil), 200) // other families unaffected
	h.s.Advance(time.Second)                          // one token back on the emulator clock
	h.expect(up(), 200)
	h.expect(up(), 429)
	h.s.SetRateLimit(portemu.FamilySingleUpsert, 0, 0)
	h.expect(up(), 200)
	// Benchmarks read these counts instead of the request log.
	if got := h.s.FamilyCounts()[portemu.FamilySingleUpsert]; got != (portemu.FamilyCount{Admitted: 4, Rejected: 2}) {
		t.Fatalf("single-upsert counts %+v, want 4 admitted, 2 rejected", got)
	}
}

func TestInjected429WithRetryAfterAndResetOnly(t *testing.T) {
	h := started(t)
	h.s.AddFault(portemu.Fault{Path: "/v1/entities/search", Status: 429, RetryAfter: "3", Count: 1})
	r := h.expect(h.do("POST", "/v1/entities/search", and()), 429)
	if r.header.Get("Retry-After") != "3" || r.header.Get("x-ratelimit-remaining") != "0" {
		t.Fatalf("429 headers %v", r.header)
	}
	errBody(t, r, "too_many_requests")
	h.expect(h.do("POST", "/v1/entities/search", and()), 200)

	h.s.AddFault(portemu.Fault{Path: "/v1/entities/search", Status: 429, RetryAfter: "7", ResetOnly: true, Count: 1})
	r = h.expect(h.do("POST", "/v1/entities/search", and()), 429)
	if r.header.Get("Retry-After") != "" || r.header.Get("x-ratelimit-reset") != "7" {
		t.Fatalf("reset-only 429 headers %v", r.header)
	}
}

func TestInjected429ResetOnlyEpoch(t *testing.T) {
	h := newHarness(t, portemu.Options{ResetEpoch: true})
	h.s.AddFault(portemu.Fault{Status: 429, RetryAfter: "5", ResetOnly: true})
	r := h.expect(h.do("GET", "/v1/organization", nil), 429)
	reset, _ := strconv.ParseInt(r.header.Get("x-ratelimit-reset"), 10, 64)
	if now := time.Now().Unix(); reset < now+4 || reset > now+6 {
		t.Fatalf("epoch reset %d, now %d", reset, now)
	}
}

func TestInjectedStatusesCountAndMethod(t *testing.T) {
	h := started(t)
	for _, st := range []int{500, 502, 503, 504, 408, 400, 403} {
		h.s.AddFault(portemu.Fault{Method: "GET", Path: "/v1/blueprints/bucket", Status: st, Count: 1})
		r := h.expect(h.do("GET", "/v1/blueprints/bucket", nil), st)
		if ok, _ := r.body["ok"].(bool); ok || r.str("error") == "" {
			t.Fatalf("status %d body %s", st, r.raw)
		}
		h.expect(h.do("GET", "/v1/blueprints/bucket", nil), 200) // Count 1 is spent
	}
	h.s.AddFault(portemu.Fault{Method: "DELETE", Path: "/v1/blueprints/bucket", Status: 500})
	h.expect(h.do("GET", "/v1/blueprints/bucket", nil), 200) // method does not match
	h.expect(h.do("DELETE", "/v1/blueprints/bucket", nil), 500)
	h.expect(h.do("DELETE", "/v1/blueprints/bucket", nil), 500) // Count 0 = forever
	h.s.ClearFaults()
	h.expect(h.do("GET", "/v1/blueprints/bucket", nil), 200)
}

func TestInjectedFaultProbability(t *testing.T) {
	h := started(t)
	h.s.AddFault(portemu.Fault{Path: "/v1/organization", Status: 503, Probability: 0.5})
	failed := 0
	for i := 0; i < 200; i++ {
		if h.do("GET", "/v1/organization", nil).status == 503 {
			failed++
		}
	}
	if failed < 50 || failed > 150 {
		t.Fatalf("%d of 200 failed with probability 0.5", failed)
	}
}

func TestInjectedPartial207(t *testing.T) {
	h := started(t)
	// A FailIndexes fault is not spent by other routes.
	h.s.AddFault(portemu.Fault{Path: "/v1/blueprints/bucket", Count: 1, FailIndexes: map[int]portemu.BulkError{
		0: {StatusCode: 404, Error: "not_found", Message: "related entity missing"},
		2: {},
	}})
	h.expect(h.do("GET", "/v1/blueprints/bucket", nil), 200)
	r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", bulkOf(3)), 207)
	errs := r.list("errors")
	if len(errs) != 2 || len(r.list("entities")) != 1 {
		t.Fatalf("partial body %s", r.raw)
	}
	e0, e2 := errs[0].(map[string]any), errs[1].(map[string]any)
	if e0["index"] != float64(0) || e0["statusCode"] != float64(404) || e0["error"] != "not_found" || e0["identifier"] != "b00" {
		t.Fatalf("error 0 %v", e0)
	}
	if e2["index"] != float64(2) || e2["statusCode"] != float64(422) || e2["error"] != "injected_failure" {
		t.Fatalf("error 2 defaults %v", e2)
	}
	if got := keys(h); got != "bucket/b01" {
		t.Fatalf("stored %s: injected failures must not be written", got)
	}
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", bulkOf(3)), 200)
}

func TestInjected413ForOneBulkCall(t *testing.T) {
	h := started(t)
	h.s.AddFault(portemu.Fault{Method: "POST", Path: "/v1/blueprints/bucket/entities/bulk", Status: 413, Count: 1})
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", bulkOf(2)), 413), "request_too_large")
	// The fall-back single upserts go through.
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b00", "us-east-1")), 201)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", bulkOf(2)), 200)
}

func TestInjectedConnectionReset(t *testing.T) {
	h := started(t)
	h.s.AddFault(portemu.Fault{Path: "/v1/organization", ResetConnection: true, Count: 1})
	req, _ := http.NewRequest("GET", h.s.URL()+"/v1/organization", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	// A fresh transport: Go silently retries idempotent requests that fail on
	// a reused keep-alive connection, which would hide the reset.
	fresh := &http.Client{Transport: &http.Transport{}}
	if res, err := fresh.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("got status %d, want a transport error", res.StatusCode)
	}
	// The reset attempt is in the log as soon as the client sees the reset:
	// a client's retry must never be counted before it.
	if n := countPath(h.s.Requests(), "/v1/organization"); n != 1 {
		t.Fatalf("logged attempts right after the reset = %d, want 1", n)
	}
	h.expect(h.do("GET", "/v1/organization", nil), 200)
}

func TestInjectedDelay(t *testing.T) {
	h := started(t)
	h.s.AddFault(portemu.Fault{Path: "/v1/organization", Delay: 10 * time.Second, Count: 1})
	client := &http.Client{Timeout: 100 * time.Millisecond}
	req, _ := http.NewRequest("GET", h.s.URL()+"/v1/organization", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	start := time.Now()
	if res, err := client.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("slow response arrived (%d) before the client timeout", res.StatusCode)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("client timeout not honoured")
	}
	h.s.AddFault(portemu.Fault{Path: "/v1/organization", Delay: 50 * time.Millisecond, Count: 1})
	start = time.Now()
	h.expect(h.do("GET", "/v1/organization", nil), 200)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("delayed response after %v", d)
	}
}

func TestInjectedDatasourceListingFailure(t *testing.T) {
	h := searchFixture(t)
	h.s.AddFault(portemu.Fault{Method: "POST", Path: "/v1/blueprints/entities/datasource-entities", Status: 503})
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities", map[string]any{"datasource_prefix": "aws-port-sync/"}), 503), "service_unavailable")
	h.expect(h.do("POST", "/v1/entities/search", and()), 200) // other routes unaffected
}

func TestRequestLog(t *testing.T) {
	h := started(t)
	h.s.ResetRequests()
	h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/a%2Fb?delete_dependents=true&run_id=r1", nil), 404)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b1", "us-east-1")), 201)
	reqs := h.s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	d, p := reqs[0], reqs[1]
	if d.Method != "DELETE" || d.Path != "/v1/blueprints/bucket/entities/a%2Fb" || d.RawQuery != "delete_dependents=true&run_id=r1" || d.Status != 404 {
		t.Fatalf("delete record %+v", d)
	}
	if p.Header.Get("User-Agent") != testUA || p.Status != 201 || string(p.Body) == "" || p.Time.IsZero() {
		t.Fatalf("post record %+v", p)
	}
	h.s.ResetRequests()
	if len(h.s.Requests()) != 0 {
		t.Fatal("ResetRequests kept entries")
	}
}

func TestHeaderOnlyModeNeverRejects(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	for i := 0; i < 120; i++ { // over the unauthenticated family's 100 per window
		r := h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id", "clientSecret": "test-client-secret"})
		if r.status != 200 || r.header.Get("x-ratelimit-remaining") == "0" {
			t.Fatalf("call %d: status %d remaining %s", i, r.status, r.header.Get("x-ratelimit-remaining"))
		}
	}
}

func countPath(reqs []portemu.Request, path string) int {
	n := 0
	for _, r := range reqs {
		if r.Path == path {
			n++
		}
	}
	return n
}
