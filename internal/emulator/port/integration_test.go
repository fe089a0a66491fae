package portemu_test

import (
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func TestOrganizationHasNoFeatureFlags(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	org := h.expect(h.do("GET", "/v1/organization", nil), 200).obj("organization")
	if org["id"] != "org_emulator" {
		t.Fatalf("organization %v", org)
	}
	if flags, ok := org["featureFlags"].([]any); !ok || len(flags) != 0 {
		t.Fatalf("featureFlags = %v, want []", org["featureFlags"])
	}
}

func TestIntegrationCreateGetPatch(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	errBody(t, h.expect(h.do("GET", "/v1/integration/aws?oceanCoreVersion=1&isPolling=true", nil), 404), "not_found")

	created := h.expect(h.do("POST", "/v1/integration", map[string]any{
		"identifier": "aws", "installationId": "aws", "installationAppType": "aws-v3", "version": "1.0.0",
		"changelogDestination": map[string]any{}, "config": map[string]any{}, "createPortResourcesOrigin": "Port",
	}), 201).obj("integration")
	if created["identifier"] != "aws" || created["installationAppType"] != "aws-v3" || created["arePortResourcesInitialized"] != false {
		t.Fatalf("created %v", created)
	}
	errBody(t, h.expect(h.do("POST", "/v1/integration", map[string]any{"identifier": "aws"}), 409), "conflict")

	patched := h.expect(h.do("PATCH", "/v1/integration/aws", map[string]any{"version": "1.1.0", "arePortResourcesInitialized": true}), 200).obj("integration")
	if patched["version"] != "1.1.0" || patched["arePortResourcesInitialized"] != true || patched["installationAppType"] != "aws-v3" {
		t.Fatalf("patch did not merge fields: %v", patched)
	}
	cfg := map[string]any{"resources": []any{map[string]any{"kind": "AWS::S3::Bucket"}}}
	h.expect(h.do("PATCH", "/v1/integration/aws/config", map[string]any{"config": cfg}), 200)
	got := h.expect(h.do("GET", "/v1/integration/aws", nil), 200).obj("integration")
	res, _ := got["config"].(map[string]any)["resources"].([]any)
	if len(res) != 1 || got["version"] != "1.1.0" {
		t.Fatalf("config not stored: %v", got)
	}
	stored, ok := h.s.Integration("aws")
	if !ok || stored["version"] != "1.1.0" {
		t.Fatalf("Integration() = %v, %v", stored, ok)
	}
	errBody(t, h.expect(h.do("PATCH", "/v1/integration/missing", map[string]any{"version": "x"}), 404), "not_found")
	h.expect(h.do("PATCH", "/v1/integration/aws/config", map[string]any{"config": "nope"}), 422)
}

func TestIntegrationResyncStateAndRequest(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	h.s.SeedIntegration("aws", map[string]any{"installationAppType": "aws-v3"})
	before := h.s.Now()
	st := h.expect(h.do("PATCH", "/v1/integration/aws/resync-state", map[string]any{
		"status": "running", "lastResyncStart": "2026-01-01T00:00:00Z", "lastResyncEnd": nil, "nextResync": nil, "intervalInMinuets": 60,
	}), 200).obj("integration")["resyncState"].(map[string]any)
	if st["status"] != "running" || st["intervalInMinuets"] != float64(60) {
		t.Fatalf("resyncState %v", st)
	}
	upd, err := time.Parse(time.RFC3339, st["updatedAt"].(string))
	if err != nil || upd.Before(before.Truncate(time.Millisecond)) {
		t.Fatalf("resyncState.updatedAt = %v (%v), want >= %v", st["updatedAt"], err, before)
	}
	h.s.Advance(time.Minute)
	st2 := h.expect(h.do("PATCH", "/v1/integration/aws/resync-state", map[string]any{"status": "completed"}), 200).obj("integration")["resyncState"].(map[string]any)
	if st2["status"] != "completed" || st2["updatedAt"] == st["updatedAt"] {
		t.Fatalf("second resync-state %v", st2)
	}

	req := h.expect(h.do("GET", "/v1/integration/aws/resync-request", nil), 200).obj("request")
	if req == nil {
		t.Fatal("no request object")
	}
	h.s.RequestResync("aws")
	req2 := h.expect(h.do("GET", "/v1/integration/aws/resync-request", nil), 200).obj("request")
	if req2["id"] == nil || req2["updatedAt"] == req["updatedAt"] {
		t.Fatalf("resync request not bumped: %v → %v", req, req2)
	}
	h.expect(h.do("GET", "/v1/integration/nope/resync-request", nil), 404)
}

func TestIntegrationKindExamplesAccepted(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	h.s.SeedIntegration("aws", map[string]any{})
	r := h.expect(h.do("POST", "/v1/integration/aws/kinds/AWS::S3::Bucket/examples", map[string]any{"examples": []any{map[string]any{"a": 1}}}), 200)
	if r.body["ok"] != true {
		t.Fatalf("examples: %s", r.raw)
	}
	in, _ := h.s.Integration("aws")
	if _, stored := in["examples"]; stored {
		t.Fatal("examples must be ignored, not stored")
	}
}
