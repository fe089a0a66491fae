package port_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

func TestIntegrationLifecycle(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	c := newClient(t, emu)
	ctx := context.Background()

	if _, err := c.GetIntegration(ctx, "int1"); !port.IsNotFound(err) {
		t.Fatalf("GetIntegration before create = %v, want not found", err)
	}
	in, err := c.CreateIntegration(ctx, map[string]any{
		"identifier": "int1", "installationId": "int1", "installationAppType": "aws-port-sync",
		"version": "1.0.0", "changelogDestination": map[string]any{}, "config": map[string]any{"resources": []any{}},
	})
	if err != nil {
		t.Fatalf("CreateIntegration: %v", err)
	}
	if in["identifier"] != "int1" || in["installationAppType"] != "aws-port-sync" {
		t.Fatalf("created integration = %v", in)
	}
	in, err = c.PatchIntegration(ctx, "int1", map[string]any{"arePortResourcesInitialized": true, "version": "1.0.1"})
	if err != nil || in["arePortResourcesInitialized"] != true || in["version"] != "1.0.1" {
		t.Fatalf("PatchIntegration = %v, %v", in, err)
	}
	in, err = c.GetIntegration(ctx, "int1")
	if err != nil || in["version"] != "1.0.1" {
		t.Fatalf("GetIntegration = %v, %v", in, err)
	}
}

func TestPatchResyncStateUsesPortFieldNames(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	emu.SeedIntegration("int1", map[string]any{"identifier": "int1"})
	c := newClient(t, emu)
	start := time.Date(2026, 3, 1, 10, 0, 0, 123_000_000, time.FixedZone("CET", 3600))
	next := start.Add(time.Hour)
	interval := 60
	if err := c.PatchResyncState(context.Background(), "int1", port.ResyncState{
		Status: "running", LastResyncStart: &start, NextResync: &next, IntervalInMinutes: &interval,
	}); err != nil {
		t.Fatalf("PatchResyncState: %v", err)
	}
	reqs := requests(emu, http.MethodPatch, "/v1/integration/int1/resync-state")
	if len(reqs) != 1 {
		t.Fatalf("resync-state PATCHes = %d, want 1", len(reqs))
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["intervalInMinuets"] != float64(60) || body["status"] != "running" ||
		body["lastResyncStart"] != "2026-03-01T09:00:00.123Z" || body["nextResync"] != "2026-03-01T10:00:00.123Z" {
		t.Fatalf("body = %v", body)
	}
	if v, ok := body["lastResyncEnd"]; !ok || v != nil {
		t.Fatalf("lastResyncEnd = %v (present %v), want an explicit null", v, ok)
	}
	if _, ok := body["intervalInMinutes"]; ok {
		t.Fatal("body uses the corrected spelling; Port expects intervalInMinuets")
	}
	in, _ := emu.Integration("int1")
	st, _ := in["resyncState"].(map[string]any)
	if st["status"] != "running" || st["intervalInMinuets"] != float64(60) {
		t.Fatalf("stored resyncState = %v", in["resyncState"])
	}
}

func TestGetResyncRequest(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	c := newClient(t, emu)
	ctx := context.Background()
	if _, err := c.GetResyncRequest(ctx, "int1"); !port.IsNotFound(err) {
		t.Fatalf("before the integration exists = %v, want not found", err)
	}
	emu.SeedIntegration("int1", map[string]any{"createdAt": "2026-01-02T03:04:05Z"})
	r, err := c.GetResyncRequest(ctx, "int1")
	if err != nil || r.ID != "" || !r.UpdatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("no request yet = %+v, %v (want no id, the integration's createdAt)", r, err)
	}
	emu.RequestResync("int1")
	r2, err := c.GetResyncRequest(ctx, "int1")
	if err != nil || r2.ID == "" || !r2.UpdatedAt.After(r.UpdatedAt) {
		t.Fatalf("after a request = %+v, %v", r2, err)
	}
}
