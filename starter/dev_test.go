package main

import (
	"context"
	"errors"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/examples"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
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

// A .dev/ kept from an earlier version holds the default blueprints only:
// make run must still create every example's blueprint (EnsureBlueprints
// alone skips them all once one exists, and Port then rejected every
// example entity).
func TestDemoCatalogCreatesTheMissingBlueprints(t *testing.T) {
	emu := portemu.New(portemu.Options{ClientID: "id", ClientSecret: "secret"})
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	emu.SeedBlueprint(map[string]any{"identifier": "awsAccount", "title": "AWS account", "schema": map[string]any{"properties": map[string]any{}}})
	env := []string{"OCEAN__PORT__BASE_URL=" + emu.URL(), "OCEAN__PORT__CLIENT_ID=id", "OCEAN__PORT__CLIENT_SECRET=secret"}
	if _, err := demoCatalog(context.Background(), t.TempDir(), env); err != nil {
		t.Fatal(err)
	}
	_, blueprints, err := examples.Demo()
	if err != nil {
		t.Fatal(err)
	}
	for _, bp := range blueprints {
		id, _ := bp["identifier"].(string)
		if _, ok := emu.Blueprint(id); !ok {
			t.Errorf("blueprint %s was not created", id)
		}
	}
}
