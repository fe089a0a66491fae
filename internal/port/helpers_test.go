package port_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

const (
	testClientID     = "test-client-id"
	testClientSecret = "test-client-secret"
	testUA           = "aws-port-sync/int1/111111111111/AWS::S3::Bucket/1.0.0/exporter"
)

// startEmu starts a Port emulator on loopback and stops it with the test.
func startEmu(t *testing.T, opts portemu.Options) *portemu.Server {
	t.Helper()
	emu := portemu.New(opts)
	if err := emu.Start(); err != nil {
		t.Fatalf("start port emulator: %v", err)
	}
	t.Cleanup(emu.Close)
	return emu
}

// newClient returns a client with tiny waits so retry tests stay fast; mod
// may adjust the config.
func newClient(t *testing.T, emu *portemu.Server, mod ...func(*port.Config)) *port.Client {
	t.Helper()
	cfg := port.Config{
		BaseURL:      emu.URL(),
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		BaseBackoff:  time.Millisecond,
		MaxWait:      20 * time.Millisecond,
		Logger:       slog.New(slog.DiscardHandler),
		UserAgent:    testUA,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := port.New(cfg)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return c
}

// requests returns the logged requests matching method and path prefix.
func requests(emu *portemu.Server, method, pathPrefix string) []portemu.Request {
	var out []portemu.Request
	for _, r := range emu.Requests() {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, pathPrefix) {
			out = append(out, r)
		}
	}
	return out
}

// countStatus counts requests with the given status.
func countStatus(reqs []portemu.Request, status int) int {
	n := 0
	for _, r := range reqs {
		if r.Status == status {
			n++
		}
	}
	return n
}

func strp(s string) *string { return &s }

// bucket returns a small entity of blueprint "s3Bucket".
func bucket(id string, props map[string]any) catalog.Entity {
	if props == nil {
		props = map[string]any{"region": "us-east-1"}
	}
	return catalog.Entity{Identifier: id, Blueprint: "s3Bucket", Title: strp("bucket " + id), Properties: props}
}

// seedBucketBlueprint seeds a permissive s3Bucket blueprint (and account).
func seedBucketBlueprint(emu *portemu.Server) {
	emu.SeedBlueprint(map[string]any{
		"identifier": "account", "title": "Account",
		"schema": map[string]any{"properties": map[string]any{"name": map[string]any{"type": "string"}}},
	})
	emu.SeedBlueprint(map[string]any{
		"identifier": "s3Bucket", "title": "S3 Bucket",
		"schema": map[string]any{"properties": map[string]any{
			"region": map[string]any{"type": "string"},
			"blob":   map[string]any{"type": "string"},
			"size":   map[string]any{"type": "number"},
			"tags":   map[string]any{"type": "object"},
		}},
		"relations": map[string]any{"account": map[string]any{"target": "account", "required": false, "many": false}},
	})
}

// bulkSize decodes the number of entities in a bulk upsert body.
func bulkSize(t *testing.T, r portemu.Request) int {
	t.Helper()
	var b struct {
		Entities []json.RawMessage `json:"entities"`
	}
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatalf("decode bulk body: %v", err)
	}
	return len(b.Entities)
}

// syncBuffer is a concurrency-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
