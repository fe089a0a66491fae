package portemu_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestUpsertCreatesWithMetaFields(t *testing.T) {
	h := started(t)
	h.s.Advance(time.Hour)
	now := h.s.Now()
	body := bucket("b1", "us-east-1")
	body["blueprint"] = "bucket"
	body["team"] = []any{"platform"}
	r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true&merge=false&create_missing_related_entities=false&validation_only=false&run_id=r1&ocean_info_event_type=resync&ocean_info_resync_id=x", body), 201)
	ent := r.obj("entity")
	if ent["identifier"] != "b1" || ent["title"] != "Bucket b1" || ent["datasource"] != testUA || r.body["ok"] != true {
		t.Fatalf("entity %v", ent)
	}
	e, ok := h.s.Entity("bucket", "b1")
	if !ok || e.Datasource != testUA || e.CreatedBy != "test-client-id" || e.Properties["region"] != "us-east-1" {
		t.Fatalf("stored %+v", e)
	}
	if d := e.UpdatedAt.Sub(now); d < 0 || d > 5*time.Second {
		t.Fatalf("updatedAt %v is not the emulator clock %v", e.UpdatedAt, now)
	}
}

func TestUpsertFalseConflictsWhenExists(t *testing.T) {
	h := started(t)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities", bucket("b1", "us-east-1")), 201)
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=false", bucket("b1", "eu-west-1")), 409), "conflict")
	if e, _ := h.s.Entity("bucket", "b1"); e.Properties["region"] != "us-east-1" {
		t.Fatalf("409 changed the entity: %+v", e)
	}
}

func TestUpsertReplaceVersusMerge(t *testing.T) {
	h := started(t)
	full := bucket("b1", "us-east-1")
	full["properties"].(map[string]any)["size"] = 10
	full["properties"].(map[string]any)["public"] = true
	full["team"] = "platform"
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", full), 201)

	// merge: only given fields change; a null removes a property.
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true&merge=true",
		map[string]any{"identifier": "b1", "properties": map[string]any{"size": 20, "public": nil}}), 200)
	e, _ := h.s.Entity("bucket", "b1")
	if e.Properties["size"] != float64(20) || e.Properties["region"] != "us-east-1" || e.Title != "Bucket b1" || e.Team != "platform" {
		t.Fatalf("merge result %+v", e)
	}
	if _, has := e.Properties["public"]; has {
		t.Fatalf("null did not remove property: %+v", e.Properties)
	}

	// replace: the entity becomes exactly the body.
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true&merge=false",
		map[string]any{"identifier": "b1", "properties": map[string]any{"region": "eu-west-1"}}), 200)
	e, _ = h.s.Entity("bucket", "b1")
	if len(e.Properties) != 1 || e.Properties["region"] != "eu-west-1" || e.Title != "" || e.Team != nil {
		t.Fatalf("replace result %+v", e)
	}
}

func TestUpsertValidationOnlyWritesNothing(t *testing.T) {
	h := started(t)
	r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true&validation_only=true", bucket("b1", "us-east-1")), 201)
	if r.obj("entity")["identifier"] != "b1" {
		t.Fatalf("validation answer %s", r.raw)
	}
	if _, ok := h.s.Entity("bucket", "b1"); ok {
		t.Fatal("validation_only wrote the entity")
	}
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true&validation_only=true", bucket("b1", "mars")), 422)
}

func TestUpsertUnknownBlueprintIsNotFound(t *testing.T) {
	h := started(t)
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/ghost/entities?upsert=true", bucket("b1", "us-east-1")), 404), "not_found")
}

func TestUpsertMissingRelationTarget(t *testing.T) {
	h := started(t)
	b := bucket("b1", "us-east-1")
	b["relations"] = map[string]any{"account": "111111111111"}
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", b), 404), "not_found")
	if _, ok := h.s.Entity("bucket", "b1"); ok {
		t.Fatal("entity written despite missing target")
	}

	h.ua = "aws-port-sync/int1/111111111111/AWS::S3::Bucket/2.0.0/exporter"
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true&create_missing_related_entities=true", b), 201)
	stub, ok := h.s.Entity("account", "111111111111")
	if !ok || stub.Datasource != h.ua || stub.Title != "" || len(stub.Properties) != 0 {
		t.Fatalf("bare target %+v, %v", stub, ok)
	}
	// The target now exists, so the plain upsert works too.
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", b), 200)
}

func TestUpsertValidationErrors(t *testing.T) {
	h := started(t)
	with := func(mut func(m map[string]any)) map[string]any {
		b := bucket("b1", "us-east-1")
		mut(b)
		return b
	}
	props := func(kv ...any) func(map[string]any) {
		return func(m map[string]any) {
			p := m["properties"].(map[string]any)
			for i := 0; i < len(kv); i += 2 {
				p[kv[i].(string)] = kv[i+1]
			}
		}
	}
	cases := map[string]map[string]any{
		"identifier with space":   with(func(m map[string]any) { m["identifier"] = "a b" }),
		"identifier dot":          with(func(m map[string]any) { m["identifier"] = "." }),
		"identifier dotdot":       with(func(m map[string]any) { m["identifier"] = ".." }),
		"identifier too long":     with(func(m map[string]any) { m["identifier"] = strings.Repeat("a", 1001) }),
		"identifier missing":      with(func(m map[string]any) { delete(m, "identifier") }),
		"string gets number":      with(props("region", 5)),
		"enum mismatch":           with(props("region", "mars")),
		"number gets string":      with(props("size", "10")),
		"boolean gets string":     with(props("public", "yes")),
		"object gets array":       with(props("tags", []any{})),
		"array item type":         with(props("names", []any{1})),
		"date-time format":        with(props("created", "yesterday")),
		"unknown property":        with(props("color", "red")),
		"missing required":        with(func(m map[string]any) { m["properties"] = map[string]any{"size": 1} }),
		"many=false gets array":   with(func(m map[string]any) { m["relations"] = map[string]any{"account": []any{"a"}} }),
		"unknown relation":        with(func(m map[string]any) { m["relations"] = map[string]any{"owner": "a"} }),
		"title not string":        with(func(m map[string]any) { m["title"] = 3 }),
		"blueprint mismatch":      with(func(m map[string]any) { m["blueprint"] = "account" }),
		"relation bad id":         with(func(m map[string]any) { m["relations"] = map[string]any{"account": "a b"} }),
		"team not string/array":   with(func(m map[string]any) { m["team"] = 5 }),
		"properties not object":   with(func(m map[string]any) { m["properties"] = []any{} }),
		"many=true gets a string": map[string]any{"identifier": "s1", "relations": map[string]any{"buckets": "b1"}},
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			bp := "bucket"
			if strings.HasPrefix(name, "many=true") {
				bp = "service"
			}
			errBody(t, h.expect(h.do("POST", "/v1/blueprints/"+bp+"/entities?upsert=true", body), 422), "invalid_request")
		})
	}
	if n := len(h.s.Entities()); n != 0 {
		t.Fatalf("%d entities written by invalid requests", n)
	}
	// The identifier alphabet Port allows is accepted, including / + = : @ \ and letters.
	ok := bucket(`arn:aws:s3:::my/bucket+x=y@z\w.é-_`, "us-east-1")
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", ok), 201)
}

func TestEveryWriteBumpsUpdatedAtAndDatasource(t *testing.T) {
	h := started(t)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b1", "us-east-1")), 201)
	first, _ := h.s.Entity("bucket", "b1")
	h.s.Advance(time.Minute)
	h.ua = "someone-else/1.0"
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true&merge=true", bucket("b1", "us-east-1")), 200)
	second, _ := h.s.Entity("bucket", "b1")
	if !second.UpdatedAt.After(first.UpdatedAt.Add(59*time.Second)) || second.Datasource != "someone-else/1.0" {
		t.Fatalf("identical merge write: updatedAt %v → %v, datasource %q", first.UpdatedAt, second.UpdatedAt, second.Datasource)
	}
	if !second.CreatedAt.Equal(first.CreatedAt) || second.CreatedBy != first.CreatedBy {
		t.Fatalf("createdAt/By changed on update: %+v", second)
	}
}

func TestGetEntityWithIncludeExcludeAndEscapedIDs(t *testing.T) {
	h := started(t)
	id := "arn:aws:s3:::a/b+c"
	b := bucket(id, "us-east-1")
	b["properties"].(map[string]any)["size"] = 3
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", b), 201)
	esc := strings.NewReplacer("/", "%2F", "+", "%2B").Replace(id)

	ent := h.expect(h.do("GET", "/v1/blueprints/bucket/entities/"+esc, nil), 200).obj("entity")
	if ent["identifier"] != id || ent["properties"].(map[string]any)["size"] != float64(3) {
		t.Fatalf("entity %v", ent)
	}
	ent = h.expect(h.do("GET", "/v1/blueprints/bucket/entities/"+esc+"?include=identifier&include=properties.size", nil), 200).obj("entity")
	if len(ent) != 2 || len(ent["properties"].(map[string]any)) != 1 {
		t.Fatalf("include projection %v", ent)
	}
	ent = h.expect(h.do("GET", "/v1/blueprints/bucket/entities/"+esc+"?exclude=properties.region&exclude=title", nil), 200).obj("entity")
	if _, has := ent["title"]; has {
		t.Fatalf("exclude projection %v", ent)
	}
	if _, has := ent["properties"].(map[string]any)["region"]; has {
		t.Fatalf("exclude projection %v", ent)
	}
	// "+" is a literal plus in a path, never a space.
	h.expect(h.do("GET", "/v1/blueprints/bucket/entities/"+url.PathEscape("arn:aws:s3:::a")+"%2Fb+c", nil), 200)
	h.expect(h.do("GET", "/v1/blueprints/bucket/entities/arn:aws:s3:::a%2Fb%20c", nil), 404)
	errBody(t, h.expect(h.do("GET", "/v1/blueprints/bucket/entities/nope", nil), 404), "not_found")
}

func TestRequiredRelationAndSearchIdentifier(t *testing.T) {
	h := started(t)
	h.expect(h.do("PATCH", "/v1/blueprints/bucket", map[string]any{"relations": map[string]any{"account": map[string]any{"target": "account", "required": true, "many": false}}}), 200)
	h.expect(h.do("POST", "/v1/blueprints/account/entities?upsert=true", map[string]any{"identifier": "a1", "properties": map[string]any{"name": "prod"}}), 201)
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b1", "us-east-1")), 422), "invalid_request")
	b := bucket("b1", "us-east-1")
	b["relations"] = map[string]any{"account": "a1"}
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", b), 201)

	// A search-query identifier updates the single entity it matches.
	q := map[string]any{"combinator": "and", "rules": []any{map[string]any{"property": "name", "operator": "=", "value": "prod"}}}
	r := h.expect(h.do("POST", "/v1/blueprints/account/entities?upsert=true&merge=true", map[string]any{"identifier": q, "title": "Production"}), 200)
	if r.obj("entity")["identifier"] != "a1" {
		t.Fatalf("resolved %s", r.raw)
	}
	if e, _ := h.s.Entity("account", "a1"); e.Title != "Production" {
		t.Fatalf("search identifier update: %+v", e)
	}
	q["rules"] = []any{map[string]any{"property": "name", "operator": "=", "value": "dev"}}
	r = h.expect(h.do("POST", "/v1/blueprints/account/entities/bulk?upsert=true", map[string]any{"entities": []any{map[string]any{"identifier": q}}}), 207)
	if e := r.list("errors")[0].(map[string]any); e["identifier"] != "unknown" || e["statusCode"] != float64(404) {
		t.Fatalf("unresolved search identifier %v", e)
	}
}

func TestPatchAndPutEntity(t *testing.T) {
	h := started(t)
	h.expect(h.do("PATCH", "/v1/blueprints/bucket/entities/b1", map[string]any{"title": "x"}), 404)
	full := bucket("b1", "us-east-1")
	full["properties"].(map[string]any)["size"] = 1
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", full), 201)
	h.expect(h.do("PATCH", "/v1/blueprints/bucket/entities/b1", map[string]any{"properties": map[string]any{"size": 2}}), 200)
	if e, _ := h.s.Entity("bucket", "b1"); e.Properties["size"] != float64(2) || e.Properties["region"] != "us-east-1" {
		t.Fatalf("patch %+v", e)
	}
	h.expect(h.do("PUT", "/v1/blueprints/bucket/entities/b1", map[string]any{"properties": map[string]any{"region": "eu-west-1"}}), 200)
	if e, _ := h.s.Entity("bucket", "b1"); len(e.Properties) != 1 || e.Title != "" {
		t.Fatalf("put %+v", e)
	}
}
