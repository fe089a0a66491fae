package portemu_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func TestDatasourceListingPrefixSuffixBefore(t *testing.T) {
	h := searchFixture(t)
	list := func(body map[string]any) (string, resp) {
		r := h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities", body), 200)
		return strings.Join(ids(r.list("entities"), "identifier"), ","), r
	}
	got, r := list(map[string]any{"datasource_prefix": "aws-port-sync/i1/111/", "datasource_suffix": "/exporter"})
	if got != "b0,b1" {
		t.Fatalf("prefix+suffix = %q (b4 has the prefix only)", got)
	}
	if next, has := r.body["next"]; !has || next != nil {
		t.Fatalf("next on the last page = %v, %v; want explicit null", next, has)
	}
	e := r.list("entities")[0].(map[string]any)
	if e["blueprint"] != "bucket" || e["datasource"] != "aws-port-sync/i1/111/AWS::S3::Bucket/1.0/exporter" || e["updatedAt"] != "2026-01-01T00:00:00.000Z" {
		t.Fatalf("listing entity %v", e)
	}
	got, _ = list(map[string]any{"datasource_prefix": "aws-port-sync/i1/", "datasource_suffix": "/exporter", "before": t0.Add(90 * time.Minute).Format(time.RFC3339)})
	if got != "b0,b1" {
		t.Fatalf("before filter = %q, want entities with updatedAt < before", got)
	}
	got, _ = list(map[string]any{"datasource_prefix": "aws-port-sync/i1/", "datasource_suffix": "/exporter", "before": t0.Add(time.Hour).Format(time.RFC3339)})
	if got != "b0" {
		t.Fatalf("before is strict: got %q", got)
	}
	h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities", map[string]any{"datasource_prefix": "x", "before": "yesterday"}), 422)
	h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities", map[string]any{"datasource_suffix": "x"}), 422)
}

func TestDatasourceListingPagesAndSeesWritesOfThisRun(t *testing.T) {
	h := started(t)
	ds := "aws-port-sync/i1/111/AWS::S3::Bucket/1.0/exporter"
	for i := 0; i < 12; i++ {
		h.s.SeedEntity(portemu.Entity{Blueprint: "bucket", Identifier: fmt.Sprintf("b%02d", i), Datasource: ds, UpdatedAt: h.s.Now().Add(-time.Hour)})
	}
	start := h.s.Now()
	h.s.Advance(time.Second)
	// A write during this "resync" by the same scope: no longer stale.
	h.ua = ds
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b05", "us-east-1")), 200)

	var got []string
	var from any
	pages := 0
	for {
		body := map[string]any{"datasource_prefix": "aws-port-sync/i1/111/", "datasource_suffix": "/exporter", "limit": 5, "before": start.Format(time.RFC3339Nano)}
		if from != nil {
			body["from"] = from
		}
		r := h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities?include=identifier&include=blueprint", body), 200)
		got = append(got, ids(r.list("entities"), "identifier")...)
		pages++
		from = r.body["next"]
		if from == nil {
			break
		}
	}
	if pages != 3 || len(got) != 11 || strings.Contains(strings.Join(got, ","), "b05") {
		t.Fatalf("%d pages: %v", pages, got)
	}
	h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities", map[string]any{"datasource_prefix": "a", "from": "not-a-cursor"}), 422)
}

// The listing follows an entity taken over by another writer and a deletion.
func TestDatasourceListingFollowsTakeoverAndDelete(t *testing.T) {
	h := started(t)
	list := func(prefix string) string {
		r := h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities", map[string]any{"datasource_prefix": prefix}), 200)
		return strings.Join(ids(r.list("entities"), "identifier"), ",")
	}
	h.ua = "writer-a/exporter"
	for _, id := range []string{"b2", "b1", "b3"} {
		h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket(id, "us-east-1")), 201)
	}
	h.ua = "writer-b/exporter"
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b2", "eu-west-1")), 200)
	h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/b3?delete_dependents=false", nil), 200)
	if a, b := list("writer-a/"), list("writer-b/"); a != "b1" || b != "b2" {
		t.Fatalf("writer-a owns %q, writer-b %q; want b1 and b2", a, b)
	}
}

// The pages of one listing share one sort; a write in between must still be
// seen by the next listing (the cache lives until the next write).
func TestDatasourceListingSeesAWriteBetweenListings(t *testing.T) {
	h := started(t)
	ds := "aws-port-sync/i1/111/AWS::S3::Bucket/1.0/exporter"
	h.s.SeedEntity(portemu.Entity{Blueprint: "bucket", Identifier: "b1", Datasource: ds, UpdatedAt: h.s.Now()})
	body := map[string]any{"datasource_prefix": "aws-port-sync/i1/111/", "datasource_suffix": "/exporter"}
	list := func() string {
		r := h.expect(h.do("POST", "/v1/blueprints/entities/datasource-entities", body), 200)
		return strings.Join(ids(r.list("entities"), "identifier"), ",")
	}
	if got := list(); got != "b1" {
		t.Fatalf("first listing %q", got)
	}
	h.ua = ds
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b0", "us-east-1")), 201)
	if got := list(); got != "b0,b1" {
		t.Fatalf("listing after a write %q, want b0,b1", got)
	}
	h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/b1", nil), 200)
	if got := list(); got != "b0" {
		t.Fatalf("listing after a delete %q, want b0", got)
	}
}
