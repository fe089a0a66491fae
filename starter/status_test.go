package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

func TestFormatWatcherShowsPollRequestResyncAndError(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	out := formatWatcher("my-aws", syncdef.WatcherState{
		Interval: time.Minute, LastPoll: at, Polls: 7,
		LastRequest: syncdef.ResyncRequest{ID: "rr_1", UpdatedAt: at}, Watermark: at,
		LastResyncStarted: "aws-port-sync/my-aws/resync-request-x", LastResyncStartedAt: at, LastResyncReason: "resync request rr_1", LastResyncStatus: "synced",
		Pending: true, PendingReason: "resync request rr_2", WaitingFor: "aws-port-sync/my-aws/resync-2026",
		LastError: "port: 503", LastErrorAt: at,
	})
	for _, want := range []string{
		"resync watcher aws-port-sync/my-aws/watcher (POLLING every 1m0s)", "7 polls",
		"last request seen: rr_1", "last resync started: aws-port-sync/my-aws/resync-request-x", ": synced",
		"owed: a resync for resync request rr_2, waiting for aws-port-sync/my-aws/resync-2026", "last error", "port: 503",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if out := formatWatcher("x", syncdef.WatcherState{Interval: time.Minute}); !strings.Contains(out, "last poll never") {
		t.Errorf("fresh watcher: %s", out)
	}
}
