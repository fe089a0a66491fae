package portemu_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

// linked writes account a1 ← bucket b1 ← service s1 (and an unrelated b2).
func linked(t *testing.T, h *harness) {
	t.Helper()
	h.expect(h.do("POST", "/v1/blueprints/account/entities?upsert=true", map[string]any{"identifier": "a1"}), 201)
	b1 := bucket("b1", "us-east-1")
	b1["relations"] = map[string]any{"account": "a1"}
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", b1), 201)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b2", "us-east-1")), 201)
	h.expect(h.do("POST", "/v1/blueprints/service/entities?upsert=true", map[string]any{"identifier": "s1", "relations": map[string]any{"buckets": []any{"b1"}}}), 201)
}

func keys(h *harness) string {
	var out []string
	for _, e := range h.s.Entities() {
		out = append(out, e.Blueprint+"/"+e.Identifier)
	}
	return strings.Join(out, ",")
}

func TestDeleteEntityMissingAndEscaped(t *testing.T) {
	h := started(t)
	errBody(t, h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/nope?delete_dependents=false", nil), 404), "not_found")
	id := "arn:aws:s3:::x/y+z"
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket(id, "us-east-1")), 201)
	// Port forbids spaces, but a seeded one shows "+" is never read as a space.
	h.s.SeedEntity(portemu.Entity{Blueprint: "bucket", Identifier: "arn:aws:s3:::x/y z"})
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("p+q", "us-east-1")), 201)
	h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/p+q?delete_dependents=false", nil), 200)
	r := h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/arn:aws:s3:::x%2Fy%2Bz?delete_dependents=false", nil), 200)
	if r.body["ok"] != true {
		t.Fatalf("delete body %s", r.raw)
	}
	if got := keys(h); got != "bucket/arn:aws:s3:::x/y z" {
		t.Fatalf("after delete: %s (the %%2B must not become a space)", got)
	}
}

func TestDeleteEntityDependentsRule(t *testing.T) {
	h := started(t)
	linked(t, h)
	errBody(t, h.expect(h.do("DELETE", "/v1/blueprints/account/entities/a1?delete_dependents=false", nil), 422), "has_dependents")
	if got := keys(h); got != "account/a1,bucket/b1,bucket/b2,service/s1" {
		t.Fatalf("refused delete changed state: %s", got)
	}
	h.expect(h.do("DELETE", "/v1/blueprints/account/entities/a1?delete_dependents=true", nil), 200)
	if got := keys(h); got != "bucket/b2" {
		t.Fatalf("cascade left %s, want only the unrelated bucket", got)
	}
}

func TestDependentsStatusConfigurable(t *testing.T) {
	h := newHarness(t, portemu.Options{DependentsStatus: 409})
	h.login()
	h.seedBlueprints()
	linked(t, h)
	h.expect(h.do("POST", "/v1/blueprints/account/bulk/entities/delete?delete_dependents=false", map[string]any{"entities": []any{"a1"}}), 409)
	h.expect(h.do("DELETE", "/v1/blueprints/account/entities/a1?delete_dependents=false", nil), 409)
}

func TestBulkDelete(t *testing.T) {
	h := started(t)
	linked(t, h)
	url := "/v1/blueprints/bucket/bulk/entities/delete?delete_dependents=false"

	errBody(t, h.expect(h.do("POST", url, map[string]any{"entities": []any{}}), 422), "invalid_request")
	many := make([]any, 101)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	errBody(t, h.expect(h.do("POST", url, map[string]any{"entities": many}), 422), "invalid_request")
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/ghost/bulk/entities/delete?delete_dependents=false", map[string]any{"entities": []any{"x"}}), 404), "not_found")

	// b1 has a dependent (s1): the whole call fails and b2 survives too.
	errBody(t, h.expect(h.do("POST", url, map[string]any{"entities": []any{"b2", "b1", "missing"}}), 422), "has_dependents")
	if got := keys(h); got != "account/a1,bucket/b1,bucket/b2,service/s1" {
		t.Fatalf("failed bulk delete changed state: %s", got)
	}

	// Without dependents: deletes what exists, lists only that.
	r := h.expect(h.do("POST", url, map[string]any{"entities": []any{"b2", "missing"}}), 200)
	if got := ids2(r.list("deletedEntities")); got != "b2" {
		t.Fatalf("deletedEntities %s", got)
	}

	// Cascade: s1 goes with b1; deletedEntities names the requested ids deleted.
	r = h.expect(h.do("POST", "/v1/blueprints/bucket/bulk/entities/delete?delete_dependents=true", map[string]any{"entities": []any{"b1"}}), 200)
	if got := ids2(r.list("deletedEntities")); got != "b1" {
		t.Fatalf("deletedEntities %s", got)
	}
	if got := keys(h); got != "account/a1" {
		t.Fatalf("after cascade %s", got)
	}
}

func TestBulkDeleteDependentsInsideTheSetAreFine(t *testing.T) {
	h := started(t)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b1", "us-east-1")), 201)
	h.expect(h.do("POST", "/v1/blueprints/service/entities?upsert=true", map[string]any{"identifier": "s1", "relations": map[string]any{"buckets": []any{"b1"}}}), 201)
	// Deleting the dependent first, then the target, one call each (Ocean's ordered mode).
	h.expect(h.do("POST", "/v1/blueprints/service/bulk/entities/delete?delete_dependents=false", map[string]any{"entities": []any{"s1"}}), 200)
	h.expect(h.do("POST", "/v1/blueprints/bucket/bulk/entities/delete?delete_dependents=false", map[string]any{"entities": []any{"b1"}}), 200)
	if got := keys(h); got != "" {
		t.Fatalf("left %s", got)
	}
}

func ids2(l []any) string {
	var out []string
	for _, x := range l {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}
