package portemu_test

import (
	"strings"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func TestOrganizationFeatureFlags(t *testing.T) {
	// By default Port's shape with no flags: an empty array, never null.
	h := newHarness(t, portemu.Options{})
	h.login()
	r := h.expect(h.do("GET", "/v1/organization", nil), 200)
	org := r.obj("organization")
	if r.body["ok"] != true || org["id"] != "org_emulator" || org["name"] != "Port emulator" {
		t.Fatalf("organization answer %s", r.raw)
	}
	if flags, ok := org["featureFlags"].([]any); !ok || len(flags) != 0 {
		t.Fatalf("default featureFlags = %#v, want []", org["featureFlags"])
	}

	// Configured flags are listed as given, and later changes to the caller's
	// slice do not leak in.
	want := []string{"USE_PROVISIONED_DEFAULTS", "LAKEHOUSE_ELIGIBLE"}
	opts := portemu.Options{FeatureFlags: append([]string{}, want...)}
	h2 := newHarness(t, opts)
	opts.FeatureFlags[0] = "CHANGED"
	h2.login()
	got := h2.expect(h2.do("GET", "/v1/organization", nil), 200).obj("organization")["featureFlags"]
	flags, _ := got.([]any)
	if len(flags) != len(want) || flags[0] != want[0] || flags[1] != want[1] {
		t.Fatalf("featureFlags = %#v, want %v", got, want)
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

func TestIntegrationIngestAttributesAndRoutes(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	base := h.s.URL() + "/ingest/"
	check := func(what string, in map[string]any) {
		t.Helper()
		la, _ := in["logAttributes"].(map[string]any)
		ma, _ := in["metricAttributes"].(map[string]any)
		if la["ingestId"] != "ingest_aws" || la["ingestUrl"] != base+"logs/ingest_aws" {
			t.Fatalf("%s: logAttributes = %v", what, in["logAttributes"])
		}
		if ma["ingestUrl"] != base+"metrics/ingest_aws" {
			t.Fatalf("%s: metricAttributes = %v", what, in["metricAttributes"])
		}
	}
	// Ocean's create body, then every answer that carries the integration.
	check("create", h.expect(h.do("POST", "/v1/integration", map[string]any{
		"installationId": "aws", "installationAppType": "aws-v3", "version": "1.0.0",
		"changelogDestination": map[string]any{}, "config": map[string]any{},
	}), 201).obj("integration"))
	check("get", h.expect(h.do("GET", "/v1/integration/aws", nil), 200).obj("integration"))
	check("patch", h.expect(h.do("PATCH", "/v1/integration/aws", map[string]any{"version": "1.1.0"}), 200).obj("integration"))
	check("resync-state", h.expect(h.do("PATCH", "/v1/integration/aws/resync-state", map[string]any{"status": "running"}), 200).obj("integration"))
	// The URLs follow the listener, so they are not part of the stored state.
	if stored, _ := h.s.Integration("aws"); stored["metricAttributes"] != nil {
		t.Errorf("stored integration holds metricAttributes %v", stored["metricAttributes"])
	}

	// The addresses work: Ocean's log and sync-metrics calls are accepted.
	rel := func(u string) string { return strings.TrimPrefix(u, h.s.URL()) }
	logs := rel(base + "logs/ingest_aws")
	metrics := rel(base + "metrics/ingest_aws")
	entry := map[string]any{"message": "resync started", "level": "INFO", "timestamp": "2026-01-01T00:00:00Z", "extra": map[string]any{}}
	if r := h.expect(h.do("POST", logs, map[string]any{"logs": []any{entry}}), 200); r.body["ok"] != true {
		t.Fatalf("log ingest answer %s", r.raw)
	}
	h.expect(h.do("POST", metrics+"/syncMetrics", map[string]any{"syncKindsMetrics": []any{map[string]any{"kind": "AWS::S3::Bucket"}}}), 200)
	h.expect(h.do("PUT", metrics+"/syncMetrics/resync/ev-1/kind/AWS%3A%3AS3%3A%3ABucket", map[string]any{"syncKindMetrics": map[string]any{"eventId": "ev-1"}}), 200)
	var logged bool
	for _, r := range h.s.Requests() {
		if r.Method == "POST" && r.Path == logs && strings.Contains(string(r.Body), "resync started") && r.Status == 200 {
			logged = true
		}
	}
	if !logged {
		t.Error("request log lacks the ingested log POST")
	}

	// Wrong shapes, unknown ingest ids and missing tokens are refused like API calls.
	errBody(t, h.expect(h.do("POST", logs, map[string]any{"logs": "nope"}), 422), "invalid_request")
	errBody(t, h.expect(h.do("PUT", metrics+"/syncMetrics/resync/ev-1/kind/k", map[string]any{"syncKindMetrics": []any{}}), 422), "invalid_request")
	errBody(t, h.expect(h.do("POST", "/ingest/logs/ingest_missing", map[string]any{"logs": []any{}}), 404), "not_found")
	errBody(t, h.expect(h.do("GET", logs, nil), 404), "not_found")
	h.token = ""
	errBody(t, h.expect(h.do("POST", logs, map[string]any{"logs": []any{}}), 401), "unauthorized")
}

func TestIntegrationIngestAttributesKeepGivenValues(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	h.s.SeedIntegration("legacy", map[string]any{"logAttributes": map[string]any{"ingestId": "ing-7", "ingestUrl": ""}})
	h.s.SeedIntegration("custom", map[string]any{"metricAttributes": map[string]any{"ingestUrl": "http://metrics.example/x"}})

	legacy := h.expect(h.do("GET", "/v1/integration/legacy", nil), 200).obj("integration")
	la, _ := legacy["logAttributes"].(map[string]any)
	if la["ingestId"] != "ing-7" || la["ingestUrl"] != h.s.URL()+"/ingest/logs/ing-7" {
		t.Fatalf("legacy logAttributes = %v (an empty ingestUrl from older state must be filled in)", la)
	}
	h.expect(h.do("POST", "/ingest/logs/ing-7", map[string]any{"logs": []any{}}), 200)

	custom := h.expect(h.do("GET", "/v1/integration/custom", nil), 200).obj("integration")
	if ma, _ := custom["metricAttributes"].(map[string]any); ma["ingestUrl"] != "http://metrics.example/x" {
		t.Fatalf("custom metricAttributes = %v, want the seeded URL kept", ma)
	}
}
