package portemu_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

const testUA = "aws-port-sync/int1/111111111111/AWS::S3::Bucket/1.0.0/exporter"

// harness drives one emulator over plain net/http.
type harness struct {
	t     *testing.T
	s     *portemu.Server
	token string
	ua    string
	hc    *http.Client
}

func newHarness(t *testing.T, opts portemu.Options) *harness {
	t.Helper()
	s := portemu.New(opts)
	if err := s.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(s.Close)
	return &harness{t: t, s: s, ua: testUA, hc: &http.Client{Timeout: 10 * time.Second}}
}

// started is a harness with a token and the standard test blueprints.
func started(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, portemu.Options{})
	h.login()
	h.seedBlueprints()
	return h
}

type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r resp) str(key string) string { s, _ := r.body[key].(string); return s }

func (r resp) list(key string) []any { l, _ := r.body[key].([]any); return l }

func (r resp) obj(key string) map[string]any { m, _ := r.body[key].(map[string]any); return m }

// do sends a request with the harness token and User-Agent.
func (h *harness) do(method, path string, body any) resp {
	h.t.Helper()
	r, err := h.request(method, path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// request is do without failing the test, for use off the test goroutine.
func (h *harness) request(method, path string, body any) (resp, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return resp{}, fmt.Errorf("marshal: %w", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.s.URL()+path, rd)
	if err != nil {
		return resp{}, fmt.Errorf("new request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	req.Header.Set("User-Agent", h.ua)
	res, err := h.hc.Do(req)
	if err != nil {
		return resp{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return resp{}, fmt.Errorf("read body: %w", err)
	}
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	return out, nil
}

// expect fails unless r has status want.
func (h *harness) expect(r resp, want int) resp {
	h.t.Helper()
	if r.status != want {
		h.t.Fatalf("status %d, want %d; body %s", r.status, want, r.raw)
	}
	return r
}

func (h *harness) login() {
	h.t.Helper()
	r := h.expect(h.do("POST", "/v1/auth/access_token", map[string]any{"clientId": "test-client-id", "clientSecret": "test-client-secret"}), 200)
	h.token = r.str("accessToken")
	if h.token == "" {
		h.t.Fatalf("no token in %s", r.raw)
	}
}

// seedBlueprints creates account ← bucket (many=false, required=false) and
// service → buckets (many=true) through the API.
func (h *harness) seedBlueprints() {
	h.t.Helper()
	h.expect(h.do("POST", "/v1/blueprints", map[string]any{
		"identifier": "account", "title": "Account",
		"schema": map[string]any{"properties": map[string]any{"name": map[string]any{"type": "string"}}},
	}), 201)
	h.expect(h.do("POST", "/v1/blueprints", map[string]any{
		"identifier": "bucket", "title": "Bucket",
		"schema": map[string]any{
			"properties": map[string]any{
				"region":  map[string]any{"type": "string", "enum": []any{"us-east-1", "eu-west-1"}},
				"size":    map[string]any{"type": "number"},
				"public":  map[string]any{"type": "boolean"},
				"tags":    map[string]any{"type": "object"},
				"names":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
				"created": map[string]any{"type": "string", "format": "date-time"},
			},
			"required": []any{"region"},
		},
		"relations": map[string]any{"account": map[string]any{"target": "account", "required": false, "many": false}},
	}), 201)
	h.expect(h.do("POST", "/v1/blueprints", map[string]any{
		"identifier": "service", "title": "Service", "schema": map[string]any{"properties": map[string]any{}},
		"relations": map[string]any{"buckets": map[string]any{"target": "bucket", "many": true}},
	}), 201)
}

func bucket(id, region string) map[string]any {
	return map[string]any{"identifier": id, "title": "Bucket " + id, "properties": map[string]any{"region": region}}
}

// errBody asserts Port's error body shape and code.
func errBody(t *testing.T, r resp, code string) {
	t.Helper()
	if ok, _ := r.body["ok"].(bool); ok || r.str("error") != code || r.str("message") == "" {
		t.Fatalf("want error body with code %q, got %s", code, r.raw)
	}
}

func ids(list []any, key string) []string {
	out := []string{}
	for _, x := range list {
		m, _ := x.(map[string]any)
		s, _ := m[key].(string)
		out = append(out, s)
	}
	return out
}
