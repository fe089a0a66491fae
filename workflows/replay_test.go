package workflows

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
)

// TestReplayRecordedHistories replays histories recorded from real runs on the
// dev server (e2e, UPDATE_HISTORIES=1). A change to the workflows that would
// break a running resync makes this fail; version such changes with
// workflow.GetVersion instead.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d recorded histories in testdata/histories; record them with `UPDATE_HISTORIES=1 make e2e`", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: temporalx.DataConverter()})
			if err != nil {
				t.Fatal(err)
			}
			Register(r)
			ids, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".id")
			if err != nil {
				t.Fatalf("read the workflow id recorded beside %s: %v", f, err)
			}
			idLines := strings.Fields(string(ids))
			if len(idLines) != 2 {
				t.Fatalf("%s.id: want workflow id and run id", f)
			}
			data, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer data.Close()
			history, err := client.HistoryFromJSON(data, client.HistoryJSONOptions{})
			if err != nil {
				t.Fatalf("decode %s: %v", f, err)
			}
			if err := r.ReplayWorkflowHistoryWithOptions(nil, history, worker.ReplayWorkflowHistoryOptions{
				OriginalExecution: workflow.Execution{ID: idLines[0], RunID: idLines[1]},
			}); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}
