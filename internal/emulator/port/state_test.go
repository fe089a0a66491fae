package portemu_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
)

func TestStatePersistsAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "port.json")
	h := newHarness(t, portemu.Options{StatePath: path})
	h.login()
	h.seedBlueprints()
	h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket("b1", "us-east-1")), 201)
	h.expect(h.do("POST", "/v1/integration", map[string]any{"identifier": "aws", "version": "1"}), 201)
	want, _ := h.s.Entity("bucket", "b1")

	// Written after the write, before any Close: a crash would keep it.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil || len(raw["entities"].([]any)) != 1 {
		t.Fatalf("state file content %s (%v)", data, err)
	}
	h.s.Close()

	h2 := newHarness(t, portemu.Options{StatePath: path})
	got, ok := h2.s.Entity("bucket", "b1")
	if !ok || got.Datasource != want.Datasource || !got.UpdatedAt.Equal(want.UpdatedAt) || got.Properties["region"] != "us-east-1" {
		t.Fatalf("after restart %+v, %v", got, ok)
	}
	if _, ok := h2.s.Blueprint("bucket"); !ok {
		t.Fatal("blueprint lost")
	}
	if in, ok := h2.s.Integration("aws"); !ok || in["version"] != "1" {
		t.Fatalf("integration lost: %v", in)
	}
	// Tokens are not persisted: the client re-authenticates.
	h2.token = h.token
	h2.expect(h2.do("GET", "/v1/blueprints", nil), 401)
	h2.login()
	h2.expect(h2.do("DELETE", "/v1/blueprints/bucket/entities/b1?delete_dependents=false", nil), 200)
	h2.s.Close()
	h3 := portemu.New(portemu.Options{StatePath: path})
	if _, ok := h3.Entity("bucket", "b1"); ok {
		t.Fatal("delete not persisted")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

func TestCorruptStateFailsStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "port.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := portemu.New(portemu.Options{StatePath: path})
	if err := s.Start(); err == nil {
		s.Close()
		t.Fatal("Start accepted a corrupt state file")
	}
}

func TestClockAdvance(t *testing.T) {
	s := portemu.New(portemu.Options{})
	before := s.Now()
	s.Advance(2 * time.Hour)
	if d := s.Now().Sub(before); d < 2*time.Hour || d > 2*time.Hour+5*time.Second {
		t.Fatalf("advance moved the clock by %v", d)
	}
}
