package port_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

// maxInWindow is the largest number of times within any half-open window
// [t, t+w) that starts at one of them.
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

// paced returns the arrival times of every request but the token's.
func paced(emu *portemu.Server) []time.Time {
	var out []time.Time
	for _, r := range emu.Requests() {
		if r.Path != "/v1/auth/access_token" {
			out = append(out, r.Time)
		}
	}
	return out
}

// Two workers sharing a cap of 20 requests/s, each told there are two,
// send at most 20 + 2 per worker requests in any second however hard their
// goroutines push (one for the window's edge, one for a request that reaches
// the emulator up to a slot late); retried requests (429 here) wait for a
// slot too. Without the share the busiest second holds about 40.
func TestRateLimitHoldsSharedCap(t *testing.T) {
	emu := startEmu(t, portemu.Options{ClientID: testClientID, ClientSecret: testClientSecret})
	emu.AddFault(portemu.Fault{Method: "GET", Path: "/v1/blueprints/", Status: 429, RetryAfter: "0", Count: 5})
	const capPerSecond, perWorker = 20, 30
	var wg sync.WaitGroup
	var limits []*port.RateLimit
	for range 2 {
		lim := port.NewRateLimit(capPerSecond, 1)
		lim.SetWorkers(2)
		limits = append(limits, lim)
		c := newClient(t, emu, func(cfg *port.Config) { cfg.RateLimit = lim })
		jobs := make(chan struct{}, perWorker)
		for range perWorker {
			jobs <- struct{}{}
		}
		close(jobs)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range jobs {
					_, err := c.GetBlueprint(context.Background(), "service")
					if err != nil && !port.IsNotFound(err) {
						t.Errorf("get blueprint: %v", err)
					}
				}
			}()
		}
	}
	wg.Wait()
	times := paced(emu)
	if len(times) != 2*perWorker+5 {
		t.Fatalf("%d requests, want %d (%d calls, 5 throttled and retried)", len(times), 2*perWorker+5, 2*perWorker)
	}
	if got, allowed := maxInWindow(times, time.Second), capPerSecond+2*2; got > allowed {
		t.Errorf("%d requests within one second, cap %d + 2 per worker = %d", got, capPerSecond, allowed)
	}
	if got := limits[0].Share(); got != capPerSecond/2 {
		t.Errorf("share %v, want %v", got, capPerSecond/2)
	}
}

func TestRateLimitNeverBelowOneWorker(t *testing.T) {
	lim := port.NewRateLimit(10, 1)
	lim.SetWorkers(0)
	if lim.Workers() != 1 || lim.Share() != 10 {
		t.Errorf("workers %d share %v, want 1 and the whole cap", lim.Workers(), lim.Share())
	}
}

// A wait that would outlive the caller ends with the caller's context.
func TestRateLimitWaitHonoursContext(t *testing.T) {
	lim := port.NewRateLimit(0.01, 1) // one request per 100 s
	if err := lim.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := lim.Wait(ctx); err == nil {
		t.Error("second wait returned without its slot or an error")
	}
}

// The burst is the deployment's too: two workers of a budget with burst 10
// may send 5 at once each, then wait for the rate (here 1 per 100 s). A
// resync smaller than the burst is not slowed; a bigger one cannot push any
// 5-minute window past burst + 300 s × rate.
func TestRateLimitBurstIsShared(t *testing.T) {
	var immediate []int
	for range 2 {
		lim := port.NewRateLimit(0.01, 10)
		lim.SetWorkers(2)
		n := 0
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			err := lim.Wait(ctx)
			cancel()
			if err != nil {
				break
			}
			n++
		}
		immediate = append(immediate, n)
	}
	if immediate[0]+immediate[1] != 10 || immediate[0] != 5 {
		t.Fatalf("requests sent at once by each worker: %v, want 5 and 5 (the burst of 10 shared)", immediate)
	}
}
