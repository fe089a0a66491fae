package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

const (
	// WorkerCountInterval is how often a worker recounts the live workers
	// sharing the Port cap. A worker that joins is counted by the others
	// within this interval; until then the cap can be exceeded by at most the
	// newcomer's share, which Port's 5-minute window and the default's 20 %
	// margin absorb.
	WorkerCountInterval = 5 * time.Second
	// workerRecent is how recently a poller must have polled to count as
	// live. An idle worker re-polls about every minute (long poll), so the
	// window is wider than that; a worker that died is still counted for up
	// to this long, which only lowers the others' share.
	workerRecent = 2 * time.Minute
)

// WorkerIdentity is the identity this process's worker polls with: the SDK's
// default (pid@host), so the pollers Temporal lists can be matched to it.
func WorkerIdentity() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%d@%s@", os.Getpid(), host)
}

// LiveWorkers counts the distinct worker identities that polled taskQueue for
// activity tasks within the last recent, self included (never below 1).
func LiveWorkers(ctx context.Context, c client.Client, taskQueue, self string, recent time.Duration) (int, error) {
	resp, err := c.DescribeTaskQueue(ctx, taskQueue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
	if err != nil {
		return 0, err
	}
	live := map[string]bool{self: true}
	now := time.Now()
	for _, p := range resp.GetPollers() {
		if t := p.GetLastAccessTime(); t != nil && now.Sub(t.AsTime()) > recent {
			continue
		}
		if id := p.GetIdentity(); id != "" {
			live[id] = true
		}
	}
	return len(live), nil
}

// SharePortCap keeps lim shared by the live workers of taskQueue: it counts
// them once before returning (so a worker starts with its fair share), then
// every interval until ctx ends. A failed count keeps the last one.
func SharePortCap(ctx context.Context, c client.Client, taskQueue, self string, lim *port.RateLimit, interval time.Duration, logger *slog.Logger) {
	count := func() {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		n, err := LiveWorkers(cctx, c, taskQueue, self, workerRecent)
		if err != nil {
			if ctx.Err() == nil {
				logger.Warn("Could not count the workers sharing the Port rate cap; keeping the last count",
					"taskQueue", taskQueue, "workers", lim.Workers(), "error", err.Error())
			}
			return
		}
		if n != lim.Workers() {
			lim.SetWorkers(n)
			logger.Info("Port rate cap shared", "workers", n, "capPerSecond", lim.Cap(), "sharePerSecond", lim.Share())
		}
	}
	count()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				count()
			}
		}
	}()
}
