package portemu_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// searchFixture seeds five buckets with distinct meta fields and properties.
func searchFixture(t *testing.T) *harness {
	h := started(t)
	for i, spec := range []struct {
		id, title, ds, region string
		size                  float64
		team                  any
	}{
		{"b0", "Alpha", "aws-port-sync/i1/111/AWS::S3::Bucket/1.0/exporter", "us-east-1", 1, []any{"platform"}},
		{"b1", "Beta", "aws-port-sync/i1/111/AWS::S3::Bucket/2.0/exporter", "eu-west-1", 5, []any{"data", "platform"}},
		{"b2", "", "aws-port-sync/i1/222/AWS::S3::Bucket/1.0/exporter", "us-east-1", 10, nil},
		{"b3", "Gamma", "port-ocean/aws-v3/0.1/aws/exporter", "eu-west-1", 50, "ops"},
		{"b4", "Delta", "aws-port-sync/i1/111/AWS::S3::Bucket/1.0/gitops", "us-east-1", 100, nil},
	} {
		props := map[string]any{"region": spec.region, "size": spec.size}
		h.s.SeedEntity(portemu.Entity{Blueprint: "bucket", Identifier: spec.id, Title: spec.title, Team: spec.team, Properties: props,
			Datasource: spec.ds, CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(i) * time.Hour)})
	}
	h.s.SeedEntity(portemu.Entity{Blueprint: "account", Identifier: "111", Datasource: "other", UpdatedAt: t0})
	return h
}

func (h *harness) search(q map[string]any, query string) []string {
	h.t.Helper()
	r := h.expect(h.do("POST", "/v1/entities/search"+query, q), 200)
	return ids(r.list("entities"), "identifier")
}

func rule(p, op string, v any) map[string]any {
	return map[string]any{"property": p, "operator": op, "value": v}
}

func and(rules ...any) map[string]any {
	return map[string]any{"combinator": "and", "rules": append([]any{}, rules...)}
}

func or(rules ...any) map[string]any {
	return map[string]any{"combinator": "or", "rules": append([]any{}, rules...)}
}

func TestSearchOperatorsOnMetaAndProperties(t *testing.T) {
	h := searchFixture(t)
	bp := rule("$blueprint", "=", "bucket")
	cases := []struct {
		name string
		q    map[string]any
		want string
	}{
		{"= identifier", and(rule("$identifier", "=", "b1")), "b1"},
		{"!= blueprint", and(rule("$blueprint", "!=", "bucket")), "111"},
		{"in identifiers", and(bp, rule("$identifier", "in", []any{"b0", "b3", "zz"})), "b0,b3"},
		{"notIn", and(bp, rule("$identifier", "notIn", []any{"b0", "b3"})), "b1,b2,b4"},
		{"contains datasource", and(rule("$datasource", "contains", "/111/")), "b0,b1,b4"},
		{"prefix and suffix by contains", and(rule("$datasource", "contains", "aws-port-sync/i1/"), rule("$datasource", "contains", "/exporter")), "b0,b1,b2"},
		{"containsAny", and(rule("$datasource", "containsAny", []any{"/222/", "port-ocean"})), "b2,b3"},
		{"doesNotContains", and(bp, rule("$datasource", "doesNotContains", "aws-port-sync")), "b3"},
		{"beginsWith", and(rule("$datasource", "beginsWith", "port-ocean/")), "b3"},
		{"endsWith", and(bp, rule("$datasource", "endsWith", "/gitops")), "b4"},
		{"title isEmpty", and(bp, rule("$title", "isEmpty", nil)), "b2"},
		{"title isNotEmpty", and(bp, rule("$title", "isNotEmpty", nil)), "b0,b1,b3,b4"},
		{"title =", and(rule("$title", "=", "Gamma")), "b3"},
		{"team =", and(rule("$team", "=", "platform")), "b0,b1"},
		{"team in", and(rule("$team", "in", []any{"ops", "data"})), "b1,b3"},
		{"team isEmpty", and(bp, rule("$team", "isEmpty", nil)), "b2,b4"},
		{"updatedAt >", and(bp, rule("$updatedAt", ">", t0.Add(2*time.Hour).Format(time.RFC3339))), "b3,b4"},
		{"updatedAt >=", and(bp, rule("$updatedAt", ">=", t0.Add(2*time.Hour).Format(time.RFC3339))), "b2,b3,b4"},
		{"updatedAt <", and(bp, rule("$updatedAt", "<", t0.Add(time.Hour).Format(time.RFC3339Nano))), "b0"},
		{"updatedAt <=", and(bp, rule("$updatedAt", "<=", t0.Add(time.Hour).Format(time.RFC3339Nano))), "b0,b1"},
		{"createdAt <=", and(bp, rule("$createdAt", "<=", t0.Format(time.RFC3339))), "b0,b1,b2,b3,b4"},
		{"property =", and(rule("region", "=", "eu-west-1")), "b1,b3"},
		{"property number >", and(rule("size", ">", 5)), "b2,b3,b4"},
		{"property number <=", and(rule("size", "<=", 5)), "b0,b1"},
		{"property missing isEmpty", and(rule("$blueprint", "=", "account"), rule("region", "isEmpty", nil)), "111"},
		{"or", or(rule("$identifier", "=", "b0"), rule("$identifier", "=", "b4")), "b0,b4"},
		{"nested Ocean shape", and(bp, or(and(rule("$identifier", "=", "b1"), rule("$blueprint", "=", "bucket")), and(rule("$identifier", "=", "111"), rule("$blueprint", "=", "account")))), "b1"},
		{"between", and(bp, rule("$updatedAt", "between", map[string]any{"from": t0.Add(time.Hour).Format(time.RFC3339), "to": t0.Add(3 * time.Hour).Format(time.RFC3339)})), "b1,b2,b3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(h.search(tc.q, ""), ","); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSearchIncludeProjectionAndErrors(t *testing.T) {
	h := searchFixture(t)
	r := h.expect(h.do("POST", "/v1/entities/search?exclude_calculated_properties=true&include=identifier&include=blueprint&include=properties.size&include=title",
		and(rule("$identifier", "=", "b1"))), 200)
	ents := r.list("entities")
	if len(ents) != 1 {
		t.Fatalf("entities %s", r.raw)
	}
	e := ents[0].(map[string]any)
	if len(e) != 4 || e["title"] != "Beta" || len(e["properties"].(map[string]any)) != 1 || e["properties"].(map[string]any)["size"] != float64(5) {
		t.Fatalf("projection %v", e)
	}
	if _, ok := r.body["next"]; ok {
		t.Fatal("global search has no pagination")
	}
	errBody(t, h.expect(h.do("POST", "/v1/entities/search", and(rule("$identifier", "like", "x"))), 422), "invalid_request")
	errBody(t, h.expect(h.do("POST", "/v1/entities/search", map[string]any{"combinator": "xor", "rules": []any{}}), 422), "invalid_request")
	errBody(t, h.expect(h.do("POST", "/v1/entities/search", and(rule("$identifier", "in", "b1"))), 422), "invalid_request")
}

func TestBlueprintSearchPagesWithCursor(t *testing.T) {
	h := started(t)
	for i := 0; i < 25; i++ {
		h.s.SeedEntity(portemu.Entity{Blueprint: "bucket", Identifier: fmt.Sprintf("b%02d", i), Properties: map[string]any{"region": "us-east-1"}})
	}
	h.s.SeedEntity(portemu.Entity{Blueprint: "account", Identifier: "a"})
	var got []string
	from := ""
	pages := 0
	for {
		body := map[string]any{"limit": 10, "include": []any{"identifier"}}
		if from != "" {
			body["from"] = from
		}
		r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/search", body), 200)
		got = append(got, ids(r.list("entities"), "identifier")...)
		pages++
		next, has := r.body["next"].(string)
		if !has {
			break
		}
		from = next
	}
	if pages != 3 || len(got) != 25 || got[0] != "b00" || got[24] != "b24" {
		t.Fatalf("%d pages, %d ids: %v", pages, len(got), got)
	}
	r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/search", map[string]any{"query": and(rule("$identifier", "in", []any{"b03", "b07"}))}), 200)
	if strings.Join(ids(r.list("entities"), "identifier"), ",") != "b03,b07" {
		t.Fatalf("query %s", r.raw)
	}
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities/search", map[string]any{"limit": 1001}), 422)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities/search", map[string]any{"limit": 0}), 422)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities/search", map[string]any{"from": "garbage!"}), 422)
	h.expect(h.do("POST", "/v1/blueprints/ghost/entities/search", map[string]any{}), 404)
}

// The sorted key index follows writes and deletes made between searches.
func TestBlueprintSearchFollowsWritesBetweenPages(t *testing.T) {
	h := started(t)
	all := func() []string {
		var got []string
		from := ""
		for {
			body := map[string]any{"limit": 4, "include": []any{"identifier"}}
			if from != "" {
				body["from"] = from
			}
			r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/search", body), 200)
			got = append(got, ids(r.list("entities"), "identifier")...)
			next, has := r.body["next"].(string)
			if !has {
				return got
			}
			from = next
		}
	}
	h.s.SeedEntity(portemu.Entity{Blueprint: "account", Identifier: "z"})
	for _, id := range []string{"b5", "b1", "b3"} {
		h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket(id, "us-east-1")), 201)
	}
	if got := strings.Join(all(), ","); got != "b1,b3,b5" {
		t.Fatalf("first listing %s", got)
	}
	for _, id := range []string{"b4", "b0", "b9", "b2"} {
		h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket(id, "us-east-1")), 201)
	}
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b3", "eu-west-1")), 200) // an update adds no key
	h.expect(h.do("DELETE", "/v1/blueprints/bucket/entities/b4?delete_dependents=false", nil), 200)
	if got := strings.Join(all(), ","); got != "b0,b1,b2,b3,b5,b9" {
		t.Fatalf("after writes and a delete: %s", got)
	}
	if n := len(h.s.Entities()); n != 7 {
		t.Fatalf("%d entities, want 7", n)
	}
}

// A search that pins the blueprint and identifiers (the client's change
// check) answers exactly what a scan of the whole catalog would.
func TestSearchByBlueprintAndIdentifiers(t *testing.T) {
	h := searchFixture(t)
	bp := rule("$blueprint", "=", "bucket")
	for _, c := range []struct {
		q    map[string]any
		want string
	}{
		{and(bp, rule("$identifier", "in", []any{"b3", "b0", "nope", "b3", 7})), "b0,b3"},
		{and(rule("$identifier", "in", []any{"b4", "b1"}), bp, rule("$datasource", "contains", "aws-port-sync/i1/111/")), "b1,b4"},
		{and(bp, rule("$identifier", "=", "b2")), "b2"},
		{and(rule("$blueprint", "=", "account"), rule("$identifier", "in", []any{"b1", "111"})), "111"},
		{and(bp, rule("$title", "=", "Beta")), "b1"},
		{or(bp, rule("$identifier", "=", "111")), "111,b0,b1,b2,b3,b4"},
	} {
		if got := strings.Join(h.search(c.q, ""), ","); got != c.want {
			t.Errorf("%v: got %s, want %s", c.q, got, c.want)
		}
	}
}
