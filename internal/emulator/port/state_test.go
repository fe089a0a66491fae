package portemu_test

import (
	"encoding/json"
	"fmt"
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

	// Saved in the background after the write, before any Close: a crash
	// after the save interval keeps it.
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		data, err := os.ReadFile(path)
		var raw map[string]any
		if err == nil && json.Unmarshal(data, &raw) == nil {
			if ents, _ := raw["entities"].([]any); len(ents) == 1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the write never reached the state file: %s (%v)", data, err)
		}
		<-tick.C
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

// A write costs the same whatever the catalog's size: it only marks the state
// dirty, and many writes share one save.
func TestWritesShareSaves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "port.json")
	h := newHarness(t, portemu.Options{StatePath: path, SaveInterval: time.Hour})
	h.login()
	h.seedBlueprints()
	for i := 0; i < 50; i++ {
		h.expect(h.do("POST", "/v1/blueprints/bucket/entities?upsert=true", bucket(fmt.Sprintf("b%d", i), "us-east-1")), 201)
	}
	if got := h.s.Saves(); got > 2 {
		t.Fatalf("%d saves for 50 writes within one interval, want at most 2 (the first write's and none until the interval ends)", got)
	}
	h.s.Close()
	after := portemu.New(portemu.Options{StatePath: path})
	defer after.Close()
	if n := len(after.Entities()); n != 50 {
		t.Fatalf("after Close the state holds %d entities, want 50", n)
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
