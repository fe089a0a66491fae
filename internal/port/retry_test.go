package port_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

func TestRetriesHonourRetryAfterAndReset(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  portemu.Options
		fault portemu.Fault
	}{
		{"retry-after", portemu.Options{}, portemu.Fault{Status: 429, RetryAfter: "0", Count: 2}},
		{"reset seconds only", portemu.Options{}, portemu.Fault{Status: 429, ResetOnly: true, RetryAfter: "1", Count: 2}},
		{"reset epoch only", portemu.Options{ResetEpoch: true}, portemu.Fault{Status: 429, ResetOnly: true, RetryAfter: "1", Count: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			emu := startEmu(t, tc.opts)
			seedBucketBlueprint(emu)
			f := tc.fault
			f.Path = bulkPath
			emu.AddFault(f)
			// MaxWait (20 ms) caps the 1 s reset, keeping the test fast; the
			// log says whether the wait came from a header or the backoff.
			var logs syncBuffer
			c := newClient(t, emu, func(cfg *port.Config) {
				cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			})
			res, err := c.UpsertEntities(context.Background(), "s3Bucket", buckets(3), port.UpsertOptions{})
			if err != nil {
				t.Fatalf("UpsertEntities: %v", err)
			}
			assertAllOK(t, res, buckets(3))
			reqs := requests(emu, http.MethodPost, bulkPath)
			if len(reqs) != 3 || countStatus(reqs, 429) != 2 || reqs[2].Status != http.StatusOK {
				t.Fatalf("bulk attempts = %v, want 429, 429, 200", summarize(reqs))
			}
			if n := strings.Count(logs.String(), "from_header=true"); n != 2 {
				t.Fatalf("waits taken from headers = %d, want 2; logs:\n%s", n, logs.String())
			}
		})
	}
}

func TestRetryAfterExposedWhenRetriesRunOut(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: bulkPath, Status: 429, RetryAfter: "7"})
	c := newClient(t, emu, func(cfg *port.Config) { cfg.MaxRetries = -1; cfg.MaxWait = time.Minute })
	_, err := c.UpsertEntities(context.Background(), "s3Bucket", buckets(2), port.UpsertOptions{})
	var ae *port.APIError
	if !errors.As(err, &ae) || ae.Status != 429 {
		t.Fatalf("error = %v, want 429 APIError (throttling is fatal to the call)", err)
	}
	if !port.IsRetryable(err) || port.RetryAfter(err) != 7*time.Second {
		t.Fatalf("IsRetryable = %v, RetryAfter = %v; want true, 7s", port.IsRetryable(err), port.RetryAfter(err))
	}
	if n := len(requests(emu, http.MethodPost, bulkPath)); n != 1 {
		t.Fatalf("attempts = %d, want 1 with retries disabled", n)
	}
}

func TestRetryLimit(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: "/v1/blueprints/s3Bucket", Method: http.MethodGet, Status: http.StatusServiceUnavailable})
	c := newClient(t, emu, func(cfg *port.Config) { cfg.MaxRetries = 3 })
	_, err := c.GetBlueprint(context.Background(), "s3Bucket")
	var ae *port.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable || !port.IsRetryable(err) {
		t.Fatalf("error = %v, want retryable 503 APIError", err)
	}
	if n := len(requests(emu, http.MethodGet, "/v1/blueprints/s3Bucket")); n != 4 {
		t.Fatalf("attempts = %d, want 4 (1 + MaxRetries)", n)
	}
}

func Test500IsNotRetried(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: bulkPath, Status: http.StatusInternalServerError, Count: 1})
	c := newClient(t, emu)
	res, err := c.UpsertEntities(context.Background(), "s3Bucket", buckets(3), port.UpsertOptions{})
	var ae *port.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusInternalServerError || res != nil {
		t.Fatalf("UpsertEntities = %v, %v; want a 500 APIError and no results", res, err)
	}
	if n := len(requests(emu, http.MethodPost, bulkPath)); n != 1 {
		t.Fatalf("attempts = %d, want 1", n)
	}
	// Not repeated at once, but an activity retry later may succeed.
	if !port.IsRetryable(err) {
		t.Fatal("500 should be retryable at the activity level")
	}
}

func TestGatewayErrorsAreRetried(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	for _, st := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusRequestTimeout} {
		emu.AddFault(portemu.Fault{Path: bulkPath, Status: st, Count: 1})
	}
	var logs syncBuffer
	c := newClient(t, emu, func(cfg *port.Config) { cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	res, err := c.UpsertEntities(context.Background(), "s3Bucket", buckets(3), port.UpsertOptions{})
	if err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
	assertAllOK(t, res, buckets(3))
	reqs := requests(emu, http.MethodPost, bulkPath)
	want := []int{502, 503, 504, 408, 200}
	if len(reqs) != len(want) {
		t.Fatalf("attempts = %v, want %v", summarize(reqs), want)
	}
	for i, st := range want {
		if reqs[i].Status != st {
			t.Fatalf("attempt %d status %d, want %d", i, reqs[i].Status, st)
		}
	}
	// x-ratelimit-reset is on every response but describes the rate-limit
	// window: off a 429 the exponential backoff applies.
	if n := strings.Count(logs.String(), "from_header=false"); n != 4 {
		t.Fatalf("backoff waits = %d, want 4; logs:\n%s", n, logs.String())
	}
}

func TestConnectionResetIsRetried(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: "/v1/entities/search", ResetConnection: true, Count: 1})
	c := newClient(t, emu)
	if _, err := c.SearchEntities(context.Background(), map[string]any{"combinator": "and", "rules": []any{}}, nil); err != nil {
		t.Fatalf("SearchEntities: %v", err)
	}
	if n := len(requests(emu, http.MethodPost, "/v1/entities/search")); n != 2 {
		t.Fatalf("search attempts = %d, want 2", n)
	}
}

func TestPatchAndCreateAreNotRetried(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	emu.SeedIntegration("int1", map[string]any{"identifier": "int1"})
	emu.AddFault(portemu.Fault{Method: http.MethodPatch, Path: "/v1/integration/int1", Status: http.StatusServiceUnavailable})
	emu.AddFault(portemu.Fault{Method: http.MethodPost, Path: "/v1/blueprints", Status: http.StatusServiceUnavailable})
	c := newClient(t, emu)
	ctx := context.Background()
	if err := c.PatchResyncState(ctx, "int1", port.ResyncState{Status: "running"}); err == nil {
		t.Fatal("PatchResyncState succeeded despite 503")
	}
	if _, err := c.PatchIntegration(ctx, "int1", map[string]any{"version": "1"}); err == nil {
		t.Fatal("PatchIntegration succeeded despite 503")
	}
	if n := len(requests(emu, http.MethodPatch, "/v1/integration/int1")); n != 2 {
		t.Fatalf("PATCH attempts = %d, want 2 (one per call)", n)
	}
	_, err := c.EnsureBlueprints(ctx, []map[string]any{{"identifier": "a", "title": "A", "schema": map[string]any{"properties": map[string]any{}}}})
	if err == nil {
		t.Fatal("EnsureBlueprints succeeded despite 503")
	}
	if n := len(requests(emu, http.MethodPost, "/v1/blueprints")); n != 1 {
		t.Fatalf("blueprint POST attempts = %d, want 1", n)
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: bulkPath, Status: 429, RetryAfter: "30"})
	c := newClient(t, emu, func(cfg *port.Config) { cfg.MaxWait = time.Minute })
	// No deadline (that case returns at once, see below): a cancel mid-wait.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.UpsertEntities(ctx, "s3Bucket", buckets(1), port.UpsertOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("returned after %v: the 30 s wait ignored the context", d)
	}
}

// A wait longer than the caller's deadline is not slept: the error comes back
// at once with Port's delay, for the caller's own retry (a Temporal activity's).
func TestRetryAfterBeyondTheDeadlineReturnsTheDelay(t *testing.T) {
	srv := startEmu(t, portemu.Options{})
	c := newClient(t, srv, func(cfg *port.Config) { cfg.MaxWait = time.Hour })
	srv.AddFault(portemu.Fault{Method: "GET", Path: "/v1/blueprints/", Status: 429, RetryAfter: "600", Count: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetBlueprint(ctx, "anything")
	if err == nil || time.Since(start) > 4*time.Second {
		t.Fatalf("err=%v after %s; want an immediate error", err, time.Since(start))
	}
	if d := port.RetryAfter(err); d != 5*time.Minute {
		t.Fatalf("RetryAfter = %s, want Port's 600 s capped at Ocean's 300 s", d)
	}
}
