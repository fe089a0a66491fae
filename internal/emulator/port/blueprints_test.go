package portemu_test

import (
	"testing"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func TestBlueprintCreateGetDuplicateInvalid(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	h.login()
	errBody(t, h.expect(h.do("GET", "/v1/blueprints/bucket", nil), 404), "not_found")
	bp := map[string]any{"identifier": "bucket", "title": "Bucket", "schema": map[string]any{"properties": map[string]any{"region": map[string]any{"type": "string"}}}}
	got := h.expect(h.do("POST", "/v1/blueprints", bp), 201).obj("blueprint")
	if got["identifier"] != "bucket" || got["createdAt"] == nil {
		t.Fatalf("created %v", got)
	}
	h.expect(h.do("GET", "/v1/blueprints/bucket", nil), 200)
	errBody(t, h.expect(h.do("POST", "/v1/blueprints", bp), 409), "conflict")

	for name, body := range map[string]map[string]any{
		"no identifier":  {"title": "X", "schema": map[string]any{}},
		"bad identifier": {"identifier": "a b", "title": "X", "schema": map[string]any{}},
		"no title":       {"identifier": "x", "schema": map[string]any{}},
		"no schema":      {"identifier": "x", "title": "X"},
		"bad type":       {"identifier": "x", "title": "X", "schema": map[string]any{"properties": map[string]any{"p": map[string]any{"type": "int"}}}},
		"bad required":   {"identifier": "x", "title": "X", "schema": map[string]any{"properties": map[string]any{}, "required": []any{"nope"}}},
	} {
		t.Run(name, func(t *testing.T) {
			errBody(t, h.expect(h.do("POST", "/v1/blueprints", body), 422), "invalid_request")
		})
	}
	// A relation to a blueprint that does not exist yet is refused: the
	// reason Ocean creates blueprints without relations first.
	h.expect(h.do("POST", "/v1/blueprints", map[string]any{"identifier": "svc", "title": "S", "schema": map[string]any{},
		"relations": map[string]any{"acct": map[string]any{"target": "account"}}}), 404)
	if _, ok := h.s.Blueprint("svc"); ok {
		t.Fatal("refused blueprint was stored")
	}
	list := h.expect(h.do("GET", "/v1/blueprints", nil), 200).list("blueprints")
	if got := ids(list, "identifier"); len(got) != 1 || got[0] != "bucket" {
		t.Fatalf("list = %v", got)
	}
}

func TestBlueprintPatchDeepMergesPropertiesAndRelations(t *testing.T) {
	h := started(t)
	patched := h.expect(h.do("PATCH", "/v1/blueprints/bucket", map[string]any{
		"title":     "S3 Bucket",
		"schema":    map[string]any{"properties": map[string]any{"arn": map[string]any{"type": "string"}}},
		"relations": map[string]any{"owner": map[string]any{"target": "service", "many": false}},
	}), 200).obj("blueprint")
	props := patched["schema"].(map[string]any)["properties"].(map[string]any)
	for _, p := range []string{"region", "size", "arn"} {
		if _, ok := props[p]; !ok {
			t.Fatalf("property %q lost by PATCH: %v", p, props)
		}
	}
	if req := patched["schema"].(map[string]any)["required"].([]any); len(req) != 1 || req[0] != "region" {
		t.Fatalf("required lost: %v", req)
	}
	rels := patched["relations"].(map[string]any)
	if _, ok := rels["account"]; !ok {
		t.Fatalf("relation account lost: %v", rels)
	}
	if _, ok := rels["owner"]; !ok || patched["title"] != "S3 Bucket" {
		t.Fatalf("patch not applied: %v", patched)
	}
	stored, _ := h.s.Blueprint("bucket")
	if stored["title"] != "S3 Bucket" {
		t.Fatalf("stored %v", stored)
	}
	h.expect(h.do("PATCH", "/v1/blueprints/nope", map[string]any{"title": "x"}), 404)
	h.expect(h.do("PATCH", "/v1/blueprints/bucket", map[string]any{"relations": map[string]any{"x": map[string]any{"target": "ghost"}}}), 404)
}

func TestBlueprintDelete(t *testing.T) {
	h := started(t)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b1", "us-east-1")), 201)
	errBody(t, h.expect(h.do("DELETE", "/v1/blueprints/bucket", nil), 409), "has_entities")
	h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/b1?delete_dependents=false", nil), 200)
	h.expect(h.do("DELETE", "/v1/blueprints/bucket", nil), 200)
	h.expect(h.do("GET", "/v1/blueprints/bucket", nil), 404)
	h.expect(h.do("DELETE", "/v1/blueprints/bucket", nil), 404)
}
