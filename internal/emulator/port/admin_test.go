package portemu_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func (h *harness) admin(method, path, body string) (int, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.s.URL()+"/_emulator/"+path, bytes.NewBufferString(body))
	res, err := h.hc.Do(req)
	if err != nil {
		h.t.Fatalf("admin %s: %v", path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

func TestAdminHooks(t *testing.T) {
	h := newHarness(t, portemu.Options{})
	seed := `{"blueprints":[{"identifier":"bucket","title":"Bucket","schema":{"properties":{}}}],
	  "integrations":{"aws":{"version":"1"}},
	  "entities":[{"identifier":"b1","blueprint":"bucket","datasource":"other/1","updatedAt":"2025-01-01T00:00:00Z"}]}`
	if st, body := h.admin("POST", "seed", seed); st != 200 {
		t.Fatalf("seed %d %s", st, body)
	}
	e, ok := h.s.Entity("bucket", "b1")
	if !ok || e.Datasource != "other/1" || !e.UpdatedAt.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("seeded %+v", e)
	}
	if _, ok := h.s.Integration("aws"); !ok {
		t.Fatal("integration not seeded")
	}

	st, body := h.admin("GET", "entities", "")
	var dump []portemu.Entity
	if st != 200 || json.Unmarshal(body, &dump) != nil || len(dump) != 1 || dump[0].Identifier != "b1" {
		t.Fatalf("dump %d %s", st, body)
	}
	st, body = h.admin("GET", "", "")
	if st != 200 || !strings.Contains(string(body), `"entities":1`) {
		t.Fatalf("summary %d %s", st, body)
	}

	if st, body := h.admin("POST", "faults", `{"path":"/v1/organization","status":503,"count":1,"delay":"1ms"}`); st != 200 {
		t.Fatalf("fault %d %s", st, body)
	}
	h.login()
	h.expect(h.do("GET", "/v1/organization", nil), 503)
	h.admin("POST", "faults", `{"path":"/v1/organization","status":500}`)
	h.admin("DELETE", "faults", "")
	h.expect(h.do("GET", "/v1/organization", nil), 200)

	st, body = h.admin("GET", "requests", "")
	if st != 200 || !strings.Contains(string(body), `"path":"/v1/organization"`) || !strings.Contains(string(body), `"status":503`) {
		t.Fatalf("requests %d %s", st, body)
	}
	h.admin("DELETE", "requests", "")
	if n := len(h.s.Requests()); n != 0 {
		t.Fatalf("%d requests after clearing", n)
	}

	before := h.s.Now()
	if st, body := h.admin("POST", "advance", `{"duration":"4h"}`); st != 200 {
		t.Fatalf("advance %d %s", st, body)
	}
	if h.s.Now().Sub(before) < 4*time.Hour {
		t.Fatal("clock not advanced")
	}
	h.expect(h.do("GET", "/v1/organization", nil), 401) // token expired by the advance
	h.login()
	h.admin("POST", "expire-tokens", "")
	h.expect(h.do("GET", "/v1/organization", nil), 401)
	h.login()

	h.admin("POST", "rate-limit", `{"family":"other","limit":1,"window":"1m"}`)
	h.expect(h.do("GET", "/v1/organization", nil), 200)
	h.expect(h.do("GET", "/v1/organization", nil), 429)

	if st, _ := h.admin("POST", "reset", ""); st != 200 {
		t.Fatal("reset failed")
	}
	if len(h.s.Entities()) != 0 || len(h.s.Requests()) != 0 {
		t.Fatal("reset kept state")
	}
	if _, ok := h.s.Blueprint("bucket"); ok {
		t.Fatal("reset kept blueprints")
	}
	h.expect(h.do("GET", "/v1/organization", nil), 401) // tokens dropped too
	if st, _ := h.admin("POST", "nope", ""); st != 404 {
		t.Fatalf("unknown hook answered %d", st)
	}
	if st, _ := h.admin("POST", "advance", `{"duration":"soon"}`); st != 400 {
		t.Fatalf("bad duration answered %d", st)
	}
}

func TestCatalogPageListsAndEscapes(t *testing.T) {
	h := started(t)
	h.s.SeedEntity(portemu.Entity{Blueprint: "bucket", Identifier: "b1", Title: "<script>alert(1)</script>", Datasource: "aws-port-sync/x/exporter"})
	h.s.SeedEntity(portemu.Entity{Blueprint: "account", Identifier: "a1"})
	res, err := h.hc.Get(h.s.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	s := string(page)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "aws-port-sync/x/exporter", ">b1<", ">a1<", ">bucket<", ">service<"} {
		if !strings.Contains(s, want) {
			t.Fatalf("page lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "<script>alert") {
		t.Fatal("title not escaped")
	}
	res2, err := h.hc.Get(h.s.URL() + "/?blueprint=account")
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	filtered, _ := io.ReadAll(res2.Body)
	if strings.Contains(string(filtered), ">b1<") || !strings.Contains(string(filtered), ">a1<") {
		t.Fatalf("filter by blueprint failed:\n%s", filtered)
	}
}
