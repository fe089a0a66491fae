package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// recordHistories saves the stack's workflow histories for the replay tests in
// workflows/testdata when UPDATE_HISTORIES=1 (see README, "Replay tests").
// Payloads stay encoded, exactly as the server stores them.
func (s *stack) recordHistories(name string) {
	s.t.Helper()
	if os.Getenv("UPDATE_HISTORIES") != "1" {
		return
	}
	ctx := context.Background()
	dir := filepath.Join("..", "workflows", "testdata", "histories")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.t.Fatal(err)
	}
	n := 0
	for run := range s.histories(ctx) {
		runID := lastSegment(run)
		wfID := strings.TrimSuffix(run, "/"+runID)
		var h historypb.History
		it := s.client.GetWorkflowHistory(ctx, wfID, runID, false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				s.t.Fatal(err)
			}
			h.Events = append(h.Events, ev)
		}
		kind := "account"
		if !strings.Contains(wfID, "/account/") {
			kind = "resync"
		}
		js, err := protojson.MarshalOptions{Indent: " "}.Marshal(&h)
		if err != nil {
			s.t.Fatal(err)
		}
		// The replayer needs the original workflow id: child ids derive from it.
		base := filepath.Join(dir, name+"-"+kind+"-"+runID)
		if err := os.WriteFile(base+".json", js, 0o644); err != nil {
			s.t.Fatal(err)
		}
		if err := os.WriteFile(base+".id", []byte(wfID+"\n"+runID+"\n"), 0o644); err != nil {
			s.t.Fatal(err)
		}
		n++
	}
	s.t.Logf("recorded %d histories in %s", n, dir)
}

func lastSegment(s string) string { return s[strings.LastIndex(s, "/")+1:] }
