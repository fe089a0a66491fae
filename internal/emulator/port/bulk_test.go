package portemu_test

import (
	"fmt"
	"strings"
	"testing"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func bulkOf(n int) map[string]any {
	ents := make([]any, n)
	for i := range ents {
		ents[i] = bucket(fmt.Sprintf("b%02d", i), "us-east-1")
	}
	return map[string]any{"entities": ents}
}

func TestBulkUpsertAllSucceed(t *testing.T) {
	h := started(t)
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b01", "eu-west-1")), 201)
	r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true&merge=true", bulkOf(3)), 200)
	if r.body["ok"] != true || len(r.list("errors")) != 0 {
		t.Fatalf("bulk %s", r.raw)
	}
	ents := r.list("entities")
	for i, x := range ents {
		m := x.(map[string]any)
		wantCreated := i != 1 // b01 existed
		if m["index"] != float64(i) || m["identifier"] != fmt.Sprintf("b%02d", i) || m["created"] != wantCreated {
			t.Fatalf("result %d = %v", i, m)
		}
	}
	if n := len(h.s.Entities()); n != 3 {
		t.Fatalf("%d entities stored", n)
	}
	if e, _ := h.s.Entity("bucket", "b01"); e.Properties["region"] != "us-east-1" || e.Datasource != testUA {
		t.Fatalf("b01 not updated: %+v", e)
	}
}

func TestBulkUpsertPartialFailureIs207ByIndex(t *testing.T) {
	h := started(t)
	body := bulkOf(4)
	ents := body["entities"].([]any)
	ents[1].(map[string]any)["properties"] = map[string]any{"region": "mars"}    // 422
	ents[3].(map[string]any)["relations"] = map[string]any{"account": "missing"} // 404
	r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", body), 207)
	if got := ids(r.list("entities"), "identifier"); strings.Join(got, ",") != "b00,b02" {
		t.Fatalf("successes %v", got)
	}
	errs := r.list("errors")
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	e1, e3 := errs[0].(map[string]any), errs[1].(map[string]any)
	if e1["index"] != float64(1) || e1["identifier"] != "b01" || e1["statusCode"] != float64(422) || e1["error"] != "invalid_request" || e1["message"] == "" {
		t.Fatalf("error 1 %v", e1)
	}
	if e3["index"] != float64(3) || e3["statusCode"] != float64(404) || e3["error"] != "not_found" {
		t.Fatalf("error 3 %v", e3)
	}
	if _, ok := h.s.Entity("bucket", "b02"); !ok {
		t.Fatal("independent entity after a failure was not written")
	}
	if _, ok := h.s.Entity("bucket", "b01"); ok {
		t.Fatal("failed entity written")
	}
}

func TestBulkUpsertAllFailedStatusConfigurable(t *testing.T) {
	for _, tc := range []struct {
		opt, want int
	}{{0, 207}, {422, 422}} {
		h := newHarness(t, portemu.Options{AllFailedStatus: tc.opt})
		h.login()
		h.seedBlueprints()
		body := map[string]any{"entities": []any{bucket("b1", "mars"), bucket("b 2", "us-east-1")}}
		r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", body), tc.want)
		if r.body["ok"] != false || len(r.list("errors")) != 2 || len(r.list("entities")) != 0 {
			t.Fatalf("all-failed body %s", r.raw)
		}
		if got := ids(r.list("errors"), "identifier"); got[1] != "b 2" {
			t.Fatalf("identifiers %v", got)
		}
	}
}

func TestBulkUpsertSizeLimits(t *testing.T) {
	h := started(t)
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", bulkOf(0)), 422), "invalid_request")
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", bulkOf(21)), 422), "invalid_request")
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", bulkOf(20)), 200)
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", map[string]any{"entities": []any{bucket("x", "us-east-1")}, "extra": 1}), 422), "invalid_request")
	errBody(t, h.expect(h.do("POST", "/v1/blueprints/ghost/entities/bulk?upsert=true", bulkOf(1)), 404), "not_found")
}

func TestBodyOverLimitIs413BeforeParsing(t *testing.T) {
	h := newHarness(t, portemu.Options{MaxBodyBytes: 1000})
	h.login()
	big := strings.Repeat("x", 1001) // not even JSON: the size is checked first
	r := h.expect(h.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", big), 413)
	errBody(t, r, "request_too_large")
	h.expect(h.do("POST", "/v1/entities/search", big), 413)

	def := started(t) // default limit is 1 MiB
	huge := bulkOf(1)
	huge["entities"].([]any)[0].(map[string]any)["title"] = strings.Repeat("t", 1<<20)
	errBody(t, def.expect(def.do("POST", "/v1/blueprints/bucket/entities/bulk?upsert=true", huge), 413), "request_too_large")
	if len(def.s.Entities()) != 0 {
		t.Fatal("oversized bulk wrote entities")
	}
}
