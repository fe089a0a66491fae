package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// ensureWatcher does what a worker with the POLLING listener does at start
// (app.EnsureListener): signal-with-start the integration's watcher. The
// interval is a second so that the tests poll quickly; the schedule's own
// interval (a day) never fires during a test.
func (s *stack) ensureWatcher(t *testing.T, resyncOnStart bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := schedule.EnsureWatcher(ctx, s.client, schedule.WatcherSpec{
		Integration: s.integration, TaskQueue: s.taskQueue, Interval: time.Second, ResyncOnStart: resyncOnStart,
		ScheduleInterval: 24 * time.Hour,
		Input:            syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true, Tuning: s.tuning},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The dev server outlives the test: leave no watcher polling a closed emulator.
		_ = s.client.TerminateWorkflow(context.Background(), syncdef.WatcherID(s.integration), "", "test over")
	})
}

func (s *stack) watcher(t *testing.T, ctx context.Context) syncdef.WatcherState {
	t.Helper()
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	st, err := schedule.QueryWatcher(qctx, s.client, s.integration)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitWatcher polls the watcher's query until cond holds.
func (s *stack) waitWatcher(t *testing.T, ctx context.Context, what string, cond func(syncdef.WatcherState) bool) syncdef.WatcherState {
	t.Helper()
	var st syncdef.WatcherState
	waitFor(t, ctx, what, func() bool {
		st = s.watcher(t, ctx)
		return cond(st)
	})
	return st
}

// quietPolls waits for three more polls and checks that no resync was
// started meanwhile: what is owed has been started, nothing more.
func (s *stack) quietPolls(t *testing.T, ctx context.Context, resyncs int64) {
	t.Helper()
	from := s.watcher(t, ctx).Polls
	st := s.waitWatcher(t, ctx, "three more polls", func(st syncdef.WatcherState) bool { return st.Polls >= from+3 })
	if st.ResyncsStarted != resyncs || st.Pending {
		t.Fatalf("after three more polls: %d resyncs started (want %d), pending %v (%s)", st.ResyncsStarted, resyncs, st.Pending, st.PendingReason)
	}
}

func resyncEnded(n int64) func(syncdef.WatcherState) bool {
	return func(st syncdef.WatcherState) bool {
		return st.ResyncsStarted >= n && st.Running == "" && st.LastResyncStatus != "" && st.LastResyncStatus != syncdef.StatusRunning
	}
}

// setTitleMapping edits the integration's mapping in the Port emulator, as a
// user saving it in Port's UI would: S3 buckets' titles become a constant.
func (s *stack) setTitleMapping(t *testing.T, kind, title string) {
	t.Helper()
	in, ok := s.port.Integration(s.integration)
	if !ok {
		t.Fatal("the integration is not in Port")
	}
	cfg, _ := in["config"].(map[string]any)
	resources, _ := cfg["resources"].([]any)
	edited := false
	for _, r := range resources {
		r, _ := r.(map[string]any)
		if r["kind"] != kind {
			continue
		}
		p, _ := r["port"].(map[string]any)
		e, _ := p["entity"].(map[string]any)
		m, _ := e["mappings"].(map[string]any)
		if m == nil {
			t.Fatalf("no mappings for %s in %v", kind, r)
		}
		m["title"] = title
		edited = true
	}
	if !edited {
		t.Fatalf("no resource of kind %s in the integration's mapping", kind)
	}
	s.port.SeedIntegration(s.integration, in)
}

// Done-when: with POLLING and a long schedule interval, a resync request
// posted to Port starts exactly one resync; a mapping saved in Port is applied
// by the resync the following request starts; a restarted worker replays no
// old request.
func TestPollingResyncRequestStartsOneResyncWithTheMappingInPort(t *testing.T) {
	s := newStack(t, demoSpec(41))
	s.startWorker()
	s.resync() // the integration, its mapping and the catalog exist in Port
	s.port.RequestResync(s.integration)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	// A request older than the watcher is never acted on (Ocean's rule).
	s.ensureWatcher(t, false)
	s.waitWatcher(t, ctx, "the watcher's first poll", func(st syncdef.WatcherState) bool { return st.Initialized })
	s.quietPolls(t, ctx, 0)

	s.port.RequestResync(s.integration)
	st := s.waitWatcher(t, ctx, "the requested resync to end", resyncEnded(1))
	if st.LastResyncStatus != syncdef.AccountPartial || !strings.HasPrefix(st.LastResyncStarted, syncdef.ResyncIDPrefix(s.integration)) ||
		!strings.Contains(st.LastResyncReason, st.LastRequest.ID) {
		t.Fatalf("watcher after the request: %+v", st)
	}
	s.quietPolls(t, ctx, 1)
	if state := s.portResyncState(t); state["status"] != "completed" && state["status"] != "failed" {
		t.Fatalf("Port's resync-state after the requested resync: %v", state)
	}

	// A mapping saved in Port, then the Resync button: that resync applies it.
	s.setTitleMapping(t, "AWS::S3::Bucket", `"edited in Port"`)
	s.port.RequestResync(s.integration)
	s.waitWatcher(t, ctx, "the second requested resync to end", resyncEnded(2))
	buckets := 0
	for key, e := range s.catalogKeys() {
		if key.Blueprint == "s3Bucket" {
			buckets++
			if e.Title != "edited in Port" {
				t.Fatalf("bucket %s has title %q: the edited mapping was not applied", key.Identifier, e.Title)
			}
		}
	}
	if buckets == 0 {
		t.Fatal("no bucket in the catalog")
	}

	// A new worker (the watcher's id is fixed, so the restarted worker finds
	// it and its watermark) starts nothing for requests already acted on.
	s.worker.Stop()
	s.startWorker()
	s.ensureWatcher(t, false)
	s.quietPolls(t, ctx, 2)
}

func (s *stack) portResyncState(t *testing.T) map[string]any {
	t.Helper()
	in, ok := s.port.Integration(s.integration)
	if !ok {
		t.Fatal("the integration is not in Port")
	}
	st, _ := in["resyncState"].(map[string]any)
	return st
}

// Done-when: a request made during a running resync (here one started outside
// the watcher, like the schedule's) yields exactly one more resync, after it.
func TestPollingRequestDuringAResyncYieldsOneMoreAfterIt(t *testing.T) {
	s := newStack(t, demoSpec(42))
	s.startWorker()
	s.resync()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s.ensureWatcher(t, false)
	s.waitWatcher(t, ctx, "the watcher's first poll", func(st syncdef.WatcherState) bool { return st.Initialized })

	// Slow AWS down so that the resync is still running when the watcher
	// next polls (the wait below fails, rather than passes, if it is not).
	for _, svc := range []string{"ec2", "ecs", "lambda", "s3", "account", "organizations"} {
		s.aws.Faults().SetLatency(svc, 2*time.Second)
	}
	id := syncdef.ResyncIDPrefix(s.integration) + "-manual-during"
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true, Tuning: s.tuning})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the resync to hold the lease", func() bool {
		holder, err := schedule.RunningResync(ctx, s.client, s.integration)
		return err == nil && holder == id
	})
	s.port.RequestResync(s.integration)
	st := s.waitWatcher(t, ctx, "the watcher to owe a resync and wait for the running one", func(st syncdef.WatcherState) bool {
		return st.Pending && st.WaitingFor == id
	})
	if st.ResyncsStarted != 0 {
		t.Fatalf("the watcher started a resync while %s ran: %+v", id, st)
	}
	for _, svc := range []string{"ec2", "ecs", "lambda", "s3", "account", "organizations"} {
		s.aws.Faults().SetLatency(svc, 0)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	st = s.waitWatcher(t, ctx, "one more resync after it", resyncEnded(1))
	d, err := s.client.DescribeWorkflow(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if closed := d.RawResponse.GetWorkflowExecutionInfo().GetCloseTime().AsTime(); st.LastResyncStartedAt.Before(closed) {
		t.Fatalf("the watcher's resync started at %s, before %s closed at %s", st.LastResyncStartedAt, id, closed)
	}
	if st.LastResyncStatus == syncdef.StatusRefused {
		t.Fatalf("the watcher's resync was refused: %+v", st)
	}
	s.quietPolls(t, ctx, 1)
}

// Done-when: ONCE runs one resync in the worker process and exits with the
// starter's exit code (3: the demo organization has an account without the
// role, so the resync is degraded).
func TestOnceListenerRunsOneResyncAndExitsWithItsCode(t *testing.T) {
	s := newStack(t, demoSpec(43))
	bin := buildWorker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	mgmt := s.aws.ManagementCredentials()
	cmd := exec.CommandContext(ctx, bin, "--log-level", "error")
	cmd.Env = s.binaryEnv([]string{
		`OCEAN__EVENT_LISTENER={"type":"ONCE"}`,
		"AWS_ENDPOINT_URL=" + s.aws.URL(),
		"AWS_ACCESS_KEY_ID=" + mgmt.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + mgmt.SecretAccessKey,
		"AWS_EC2_METADATA_DISABLED=true",
	})
	logFile := filepath.Join(t.TempDir(), "once.log")
	f, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != schedule.ExitDegraded {
		b, _ := os.ReadFile(logFile)
		t.Fatalf("worker with ONCE: %v, want exit code %d (degraded)\n%s", err, schedule.ExitDegraded, b)
	}
	s.assertCatalog(s.expectedKeys())

	// Exactly one resync ran, and the worker started no watcher.
	n := 0
	waitFor(t, ctx, "the resync in visibility", func() bool {
		resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: `WorkflowType = "` + syncdef.ResyncWorkflowName + `" AND ` + syncdef.SearchAttrIntegration + ` = "` + s.integration + `"`,
		})
		n = len(resp.GetExecutions())
		return err == nil && n > 0
	})
	if n != 1 {
		t.Fatalf("%d resyncs ran, want 1", n)
	}
	if _, err := s.client.DescribeWorkflow(ctx, syncdef.WatcherID(s.integration), ""); err == nil {
		t.Fatal("a ONCE worker started a watcher")
	}
}

// Done-when: a Port that answers errors on the resync-request route is
// logged (the watcher's lastError) and polled again, and scheduled resyncs
// go on meanwhile.
func TestPollingPortErrorsAreReportedAndSchedulesGoOn(t *testing.T) {
	s := newStack(t, demoSpec(44))
	s.startWorker()
	s.resync()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	route := "/v1/integration/" + s.integration + "/resync-request"
	s.port.AddFault(portemu.Fault{Method: "GET", Path: route, Status: 503})
	s.ensureWatcher(t, false)
	st := s.waitWatcher(t, ctx, "a failed poll", func(st syncdef.WatcherState) bool { return st.LastError != "" })
	if !strings.Contains(st.LastError, "503") {
		t.Errorf("lastError %q does not carry Port's answer", st.LastError)
	}
	from := st.Polls
	s.waitWatcher(t, ctx, "polling to go on", func(st syncdef.WatcherState) bool { return st.Polls >= from+2 })

	spec := schedule.Spec{Integration: s.integration, TaskQueue: s.taskQueue, Interval: 24 * time.Hour,
		Input: syncdef.ResyncInput{Integration: s.integration, Tuning: s.tuning}}
	if _, err := schedule.Ensure(ctx, s.client, spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.client.ScheduleClient().GetHandle(context.Background(), schedule.ID(s.integration)).Delete(context.Background())
	})
	id, err := schedule.Trigger(ctx, s.client, s.integration)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schedule.Follow(ctx, s.client, id, 200*time.Millisecond, nil); err != nil {
		t.Fatalf("scheduled resync while Port's resync-request route fails: %v", err)
	}
	code, out, errOut := s.runStarter(t, buildBinary(t, "starter"), []string{`OCEAN__EVENT_LISTENER={"type":"POLLING","interval":1}`}, "status")
	if code != 0 || !strings.Contains(out, "resync watcher "+syncdef.WatcherID(s.integration)) || !strings.Contains(out, "last error") || !strings.Contains(out, "503") {
		t.Fatalf("starter status (exit %d) lacks the watcher and its error:\n%s\n%s", code, out, errOut)
	}

	s.port.ClearFaults()
	s.waitWatcher(t, ctx, "a poll that works again", func(st syncdef.WatcherState) bool { return st.Initialized && st.LastError == "" })
	s.port.RequestResync(s.integration)
	s.waitWatcher(t, ctx, "the requested resync", resyncEnded(1))
}
