package e2e

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"testing"
	"time"

	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/workflows"
)

// workerHeader names the worker that sent a Port request, for this test only
// (the User-Agent is the entity's $datasource and stays as production sends it).
const workerHeader = "X-Worker-Identity"

type identityTransport struct {
	identity string
	next     http.RoundTripper
}

func (t identityTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(workerHeader, t.identity)
	return t.next.RoundTrip(r)
}

// startCappedWorker runs a worker with its own identity whose Port requests
// obey its share of capPerSecond, kept by app.SharePortCap as in production
// (but recounted every 200 ms).
func (s *stack) startCappedWorker(identity string, capPerSecond float64) *port.RateLimit {
	s.t.Helper()
	limit := port.NewRateLimit(capPerSecond, 1)
	pc, err := port.New(port.Config{
		BaseURL: s.port.URL(), ClientID: portClientID, ClientSecret: portClientSecret, MaxWait: 2 * time.Second,
		HTTPClient: &http.Client{Timeout: time.Minute, Transport: identityTransport{identity, http.DefaultTransport}},
		RateLimit:  limit,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	acts := s.activitiesWith(context.Background(), pc)
	acts.SetTemporalClient(s.client)

	opts := app.WorkerOptions()
	opts.Identity = identity
	w := worker.New(s.client, s.taskQueue, opts)
	workflows.Register(w)
	acts.Register(w)
	if err := w.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(w.Stop)
	ctx, cancel := context.WithCancel(context.Background())
	s.t.Cleanup(cancel)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app.SharePortCap(ctx, s.client, s.taskQueue, identity, limit, 200*time.Millisecond, logger)
	return limit
}

// maxInWindow is the largest number of times within any window [t, t+w).
func maxInWindow(times []time.Time, w time.Duration) int {
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	best, j := 0, 0
	for i := range times {
		for j < len(times) && times[j].Sub(times[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// Two workers on one task queue share the Port cap: each counts the live
// workers from Temporal's pollers and sends at most cap ÷ 2. Over the whole
// resync the Port emulator saw, in any window of W seconds (1 s and 5 s), at
// most W × cap + 2 requests per worker; both workers wrote, and the catalog
// is the organization's. The allowance: evenly spaced slots can put one more
// request in a window than W × the rate, and one more when a request reaches
// Port up to a slot (here 250 ms) later than its slot. Without the share
// (each worker using the whole cap) the busiest second holds about 2 × cap.
func TestTwoWorkersShareThePortCap(t *testing.T) {
	const capPerSecond = 8
	s := newStack(t, demoSpec(77))
	ids := []string{"e2e-worker-a", "e2e-worker-b"}
	var limits []*port.RateLimit
	for _, id := range ids {
		limits = append(limits, s.startCappedWorker(id, capPerSecond))
	}
	// Both workers see each other as pollers before the resync starts.
	deadline := time.Now().Add(20 * time.Second)
	for limits[0].Workers() != 2 || limits[1].Workers() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("workers counted %d and %d live workers, want 2 each", limits[0].Workers(), limits[1].Workers())
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.port.ResetRequests()

	p, _ := s.resync()
	s.assertCatalog(s.expectedKeys())
	if p.Counts.Failed != 0 {
		t.Fatalf("%d entities failed", p.Counts.Failed)
	}

	var times []time.Time
	perWorker := map[string]int{}
	for _, r := range s.port.Requests() {
		if r.Path == "/v1/auth/access_token" {
			continue // not paced: Port limits the token endpoint apart
		}
		times = append(times, r.Time)
		perWorker[r.Header.Get(workerHeader)]++
	}
	first, last := times[0], times[len(times)-1]
	t.Logf("%d Port requests in %s by worker %v; busiest 1 s %d, busiest 5 s %d, cap %d/s",
		len(times), last.Sub(first).Round(time.Millisecond), perWorker,
		maxInWindow(times, time.Second), maxInWindow(times, 5*time.Second), capPerSecond)
	if len(times) < 4*capPerSecond {
		t.Fatalf("only %d Port requests: too few to load the cap", len(times))
	}
	for _, w := range []int{1, 5} {
		if got, allowed := maxInWindow(times, time.Duration(w)*time.Second), w*capPerSecond+2*len(ids); got > allowed {
			t.Errorf("%d Port requests within %d s, cap %d/s + 2 per worker = %d", got, w, capPerSecond, allowed)
		}
	}
	for _, id := range ids {
		if perWorker[id] == 0 {
			t.Errorf("worker %s made no Port request (requests by worker: %v)", id, perWorker)
		}
	}
}
