package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
)

// keepAlive heartbeats while a long call runs, so the server can tell a slow
// page from a dead worker. The returned stop must be called.
func keepAlive(ctx context.Context) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {} // called directly, e.g. by a start-up check or a test
	}
	info := activity.GetInfo(ctx)
	if info.HeartbeatTimeout <= 0 {
		return func() {}
	}
	// Five beats per timeout: one late or lost beat never times a live
	// activity out, and a dead worker is noticed within the timeout.
	every := info.HeartbeatTimeout / 5
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	// No beat at the start: the server times the first beat from the
	// activity's start anyway, and a beat per activity was a write the
	// dev server had to persist for every short scope.
	return func() { close(done) }
}
