package main

import (
	"errors"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
)

// `make run` with a .dev/ kept from an earlier run: the schedule's catch-up
// may have started a resync before the starter triggers one. The starter
// follows that one instead of failing with "refused" (exit 4).
func TestFirstResyncFollowsTheOneAlreadyRunning(t *testing.T) {
	id, following, err := firstResync(func() (string, error) {
		return "", &schedule.RefusedError{Integration: "demo", Running: "aws-port-sync/demo/resync-catch-up"}
	})
	if err != nil || !following || id != "aws-port-sync/demo/resync-catch-up" {
		t.Fatalf("id %q following %v err %v; want the running resync followed", id, following, err)
	}
	id, following, err = firstResync(func() (string, error) { return "aws-port-sync/demo/resync-new", nil })
	if err != nil || following || id != "aws-port-sync/demo/resync-new" {
		t.Fatalf("id %q following %v err %v; want the started resync", id, following, err)
	}
	boom := errors.New("dial: refused")
	if _, _, err := firstResync(func() (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v; other errors must stop make run", err)
	}
}
