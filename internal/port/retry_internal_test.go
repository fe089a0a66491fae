package port

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func TestHeaderWait(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		status int
		header map[string]string
		want   time.Duration
		ok     bool
	}{
		{"retry-after seconds", 429, map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{"retry-after wins over reset", 429, map[string]string{"Retry-After": "2", "x-ratelimit-reset": "9"}, 2 * time.Second, true},
		{"retry-after http date", 503, map[string]string{"Retry-After": now.Add(5 * time.Second).Format(http.TimeFormat)}, 5 * time.Second, true},
		{"retry-after on 502", 502, map[string]string{"Retry-After": "1"}, time.Second, true},
		{"reset seconds", 429, map[string]string{"x-ratelimit-reset": "4"}, 4 * time.Second, true},
		{"reset epoch", 429, map[string]string{"x-ratelimit-reset": "1777636807"}, 7 * time.Second, true},
		{"reset epoch in the past", 429, map[string]string{"x-ratelimit-reset": "1777636700"}, 0, true},
		{"reset iso date", 429, map[string]string{"x-ratelimit-reset": "2026-05-01T12:00:06Z"}, 6 * time.Second, true},
		{"reset ignored off 429", 503, map[string]string{"x-ratelimit-reset": "4"}, 0, false},
		{"garbage", 429, map[string]string{"Retry-After": "soon", "x-ratelimit-reset": "later"}, 0, false},
		{"none", 429, nil, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			got, ok := headerWait(&response{status: tc.status, header: h}, now)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("headerWait = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	s := &shared{baseBackoff: 300 * time.Millisecond, maxWait: 300 * time.Second}
	for n, base := range map[int]time.Duration{1: 300 * time.Millisecond, 2: 600 * time.Millisecond, 4: 2400 * time.Millisecond, 10: 153600 * time.Millisecond} {
		for range 50 {
			d := s.backoff(n)
			lo, hi := time.Duration(float64(base)*0.9), time.Duration(float64(base)*1.1)
			if d < lo || d > hi {
				t.Fatalf("backoff(%d) = %v, want within ±10%% of %v", n, d, base)
			}
		}
	}
	if d := s.backoff(20); d != 300*time.Second {
		t.Fatalf("backoff(20) = %v, want the 300 s cap", d)
	}
}

func TestWaitForCapsHeaderWaits(t *testing.T) {
	s := &shared{baseBackoff: time.Millisecond, maxWait: 2 * time.Second}
	h := http.Header{}
	h.Set("Retry-After", "120")
	d, fromHeader := s.waitFor(&response{status: 429, header: h}, 1)
	if d != 2*time.Second || !fromHeader {
		t.Fatalf("waitFor = %v, %v; want the 2 s cap from the header", d, fromHeader)
	}
}

func TestEscapeSegment(t *testing.T) {
	for in, want := range map[string]string{
		"a/b":            "a%2Fb",
		"c+d":            "c%2Bd",
		"e f":            "e%20f",
		"arn:aws:s3:::x": "arn:aws:s3:::x",
	} {
		if got := escapeSegment(in); got != want {
			t.Fatalf("escapeSegment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResyncStateJSON(t *testing.T) {
	b, err := json.Marshal(ResyncState{Status: "completed"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"intervalInMinuets":null,"lastResyncEnd":null,"lastResyncStart":null,"nextResync":null,"status":"completed"}`
	if string(b) != want {
		t.Fatalf("json = %s, want %s", b, want)
	}
}

func TestChunkSize(t *testing.T) {
	mk := func(n, size int) []json.RawMessage {
		out := make([]json.RawMessage, n)
		for i := range out {
			out[i] = make(json.RawMessage, size)
		}
		return out
	}
	for _, tc := range []struct {
		n, size, want int
	}{
		{45, 200, 20},    // small entities: the 20 cap
		{15, 100_000, 6}, // 1 MiB / 150 KB
		{3, 2 << 20, 1},  // larger than the limit: at least 1
		{1, 40_000, 17},  // 1048576 / 60000
	} {
		if got := chunkSize(mk(tc.n, tc.size)); got != tc.want {
			t.Fatalf("chunkSize(%d × %d B) = %d, want %d", tc.n, tc.size, got, tc.want)
		}
	}
}
