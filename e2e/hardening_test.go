package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// One resync per integration at a time, however it was started: a plain
// workflow start (the temporal CLI's way) while a resync runs ends "refused"
// without reading AWS or writing Port, names the running resync, and the
// starter's one-off run is refused likewise; once the running resync ends, the
// next one starts at once (the lease was released, not left to expire).
func TestOneResyncPerIntegrationHoweverStarted(t *testing.T) {
	s := newStack(t, demoSpec(21))
	s.startWorker()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s.aws.Faults().SetLatency("ec2", 150*time.Millisecond)

	firstID := "aws-port-sync/" + s.integration + "/resync-first"
	first, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: firstID, TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true, Tuning: s.tuning})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the first resync to hold the lease and sync accounts", func() bool {
		running, err := schedule.RunningResync(ctx, s.client, s.integration)
		p, qerr := schedule.Query(ctx, s.client, firstID)
		return err == nil && running == firstID && qerr == nil && p.Phase == "syncing"
	})
	discoveriesBefore := s.discoveries()
	portWritesBefore := s.portStateWrites()

	second, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "aws-port-sync/" + s.integration + "/resync-second", TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true, Tuning: s.tuning})
	if err != nil {
		t.Fatal(err)
	}
	var refused syncdef.Progress
	if err := second.Get(ctx, &refused); err != nil {
		t.Fatalf("the overlapping resync must end refused, not fail: %v", err)
	}
	if refused.Phase != syncdef.StatusRefused || refused.ResyncStatus() != syncdef.StatusRefused ||
		refused.RunningResync != firstID || !strings.Contains(refused.Error, firstID) {
		t.Fatalf("overlapping resync: %+v, want refused naming %s", refused, firstID)
	}
	if got := s.discoveries() - discoveriesBefore; got != 0 {
		t.Errorf("the refused resync listed the organization %d times", got)
	}
	if got := s.portStateWrites() - portWritesBefore; got != 0 {
		t.Errorf("the refused resync wrote Port's integration or resync-state %d times", got)
	}

	spec := schedule.Spec{Integration: s.integration, TaskQueue: s.taskQueue, Interval: time.Hour,
		Input: syncdef.ResyncInput{Integration: s.integration, Tuning: s.tuning}}
	if _, err := schedule.RunOnce(ctx, s.client, spec); !schedule.IsRefused(err) || !strings.Contains(err.Error(), firstID) {
		t.Fatalf("a one-off run while %s runs: %v, want a refusal naming it", firstID, err)
	}

	var p syncdef.Progress
	if err := first.Get(ctx, &p); err != nil || p.Phase != "done" {
		t.Fatalf("first resync: phase %q err %v", p.Phase, err)
	}
	s.aws.Faults().Clear()
	s.assertCatalog(s.expectedKeys())
	if running, err := schedule.RunningResync(ctx, s.client, s.integration); err != nil || running != "" {
		t.Fatalf("after the resync ended, running = %q (%v), want none", running, err)
	}
	if next, _ := s.resync(); next.Phase != "done" {
		t.Fatalf("the resync right after: %+v, want it to run", next)
	}
}

// discoveries counts Organizations listings made with the discovery session.
func (s *stack) discoveries() int {
	n := 0
	for _, r := range s.aws.Requests() {
		if r.Operation == "ListAccounts" && strings.Contains(r.Principal, "OceanOrgAssumeRoleSession") {
			n++
		}
	}
	return n
}

// portStateWrites counts writes to Port other than entity writes: the
// integration, its resync-state, blueprints.
func (s *stack) portStateWrites() int {
	n := 0
	for _, r := range s.port.Requests() {
		if r.Method == "GET" || strings.HasPrefix(r.Path, "/v1/auth") || strings.Contains(r.Path, "/entities") {
			continue
		}
		n++
	}
	return n
}

// A failed account and a partial resync are one filter away in the Web UI:
// AwsPortSyncStatus holds each outcome, and each account child carries a
// summary naming its account.
func TestOutcomesAreSearchableAndChildrenNamed(t *testing.T) {
	s := newStack(t, demoSpec(22)) // one account has no member role
	s.startWorker()
	p, id := s.resync()
	var failed []string
	for _, a := range p.Accounts {
		if a.Status == syncdef.AccountFailed {
			failed = append(failed, id+"/account/"+a.AccountID)
		}
	}
	if len(failed) != 1 || p.ResyncStatus() != syncdef.AccountPartial {
		t.Fatalf("want one failed account and a partial resync, got %v and %q", failed, p.ResyncStatus())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list := func(query string) []string {
		resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range resp.Executions {
			ids = append(ids, e.Execution.WorkflowId)
		}
		return ids
	}
	base := fmt.Sprintf("AwsPortSyncIntegration = %q AND ", s.integration)
	waitFor(t, ctx, "visibility to list the failed account", func() bool {
		got := list(base + `AwsPortSyncStatus = "failed"`)
		return len(got) == 1 && got[0] == failed[0]
	})
	waitFor(t, ctx, "visibility to list the partial resync", func() bool {
		got := list(base + `AwsPortSyncStatus = "partial" AND WorkflowType = "ResyncWorkflow"`)
		return len(got) == 1 && got[0] == id
	})
	synced := list(base + `AwsPortSyncStatus = "synced"`)
	if len(synced) != p.AccountsTotal-1 {
		t.Errorf("synced children %v, want %d", synced, p.AccountsTotal-1)
	}

	d, err := s.client.DescribeWorkflow(ctx, failed[0], "")
	if err != nil {
		t.Fatal(err)
	}
	summary, err := d.GetStaticSummary()
	if err != nil {
		t.Fatalf("child summary: %v", err)
	}
	account := strings.TrimPrefix(failed[0], id+"/account/")
	if !strings.HasPrefix(summary, "account "+account) {
		t.Fatalf("child summary %q, want it to name account %s", summary, account)
	}
}

// Port's 413 for an entity over 1 MiB is not hidden in a log: the account is
// partial, and its report names the entity, its blueprint and Port's answer.
func TestRejectedWritesAreNamedInTheReport(t *testing.T) {
	spec := demoSpec(23)
	spec.MissingRole, spec.Suspended = 0, 0
	s := newStack(t, spec)
	s.writeMapping(`
resources:
  - kind: AWS::S3::Bucket
    selector: {query: "true"}
    port:
      entity:
        mappings:
          identifier: .Properties.Arn
          title: .Properties.Name
          blueprint: '"s3Bucket"'
          properties:
            padding: '"x" * 1100000'
`)
	s.startWorker()
	p, _ := s.resync()
	if p.Counts.Failed == 0 || p.ResyncStatus() != syncdef.AccountPartial {
		t.Fatalf("failed %d, status %q: want rejected writes and a partial resync", p.Counts.Failed, p.ResyncStatus())
	}
	for _, a := range p.Accounts {
		if a.Counts.Failed == 0 {
			continue
		}
		if a.Status != syncdef.AccountPartial || len(a.WriteFailures) == 0 ||
			!strings.Contains(a.WriteFailures[0], "s3Bucket/arn:aws:s3:::") || !strings.Contains(a.WriteFailures[0], "413") {
			t.Fatalf("account %s: status %q, write failures %q: want partial, naming the bucket and Port's 413", a.AccountID, a.Status, a.WriteFailures)
		}
	}
}

// The starter: exit codes tell synced (0), failed (1), degraded (3) and refused
// (4); it validates like the worker before contacting Temporal; it says when no
// worker polls the task queue; `trigger` says "resync started" only when it
// started one.
func TestStarterExitCodes(t *testing.T) {
	bin := buildBinary(t, "starter")

	t.Run("synced", func(t *testing.T) {
		spec := demoSpec(31)
		spec.MissingRole, spec.Suspended = 0, 0
		s := newStack(t, spec)
		s.startWorker()
		code, out, errOut := s.runStarter(t, bin, nil, "run", "--wait")
		if code != schedule.ExitSynced || !strings.Contains(out, ": synced") {
			t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("degraded", func(t *testing.T) {
		s := newStack(t, demoSpec(32)) // one account has no member role
		s.startWorker()
		code, out, errOut := s.runStarter(t, bin, nil, "run", "--wait")
		if code != schedule.ExitDegraded || !strings.Contains(out, "Unable to assume role") {
			t.Fatalf("exit %d, want 3 with the account's reason\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("failed before any Port write", func(t *testing.T) {
		s := newStack(t, demoSpec(33))
		s.roleARN = strings.Replace(s.roleARN, roleName, "NoSuchRole", 1)
		s.startWorker()
		code, out, errOut := s.runStarter(t, bin, []string{"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN=" + s.roleARN}, "run", "--wait")
		if code != schedule.ExitFailed || !strings.Contains(out+errOut, "Unable to assume role") {
			t.Fatalf("exit %d, want 1 naming the role\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if strings.Contains(out, "discover accounts: discover accounts") || strings.Contains(out, "( mode") {
			t.Errorf("garbled report:\n%s", out)
		}
		if n := s.portStateWrites(); n != 0 {
			t.Fatalf("%d writes reached Port before the credentials were verified", n)
		}
	})
	t.Run("refused", func(t *testing.T) {
		s := newStack(t, demoSpec(34))
		s.startWorker()
		s.aws.Faults().SetLatency("ec2", 150*time.Millisecond)
		if code, out, errOut := s.runStarter(t, bin, nil, "ensure"); code != 0 {
			t.Fatalf("ensure: exit %d\n%s%s", code, out, errOut)
		}
		t.Cleanup(func() {
			_ = s.client.ScheduleClient().GetHandle(context.Background(), schedule.ID(s.integration)).Delete(context.Background())
		})
		code, out, errOut := s.runStarter(t, bin, nil, "run")
		if code != 0 || !strings.HasPrefix(out, "resync started: ") {
			t.Fatalf("run: exit %d\n%s%s", code, out, errOut)
		}
		running := strings.TrimSpace(strings.TrimPrefix(out, "resync started: "))
		for _, cmd := range []string{"run", "trigger"} {
			code, out, errOut := s.runStarter(t, bin, nil, cmd, "--wait")
			if code != schedule.ExitRefused || !strings.Contains(errOut, running) || strings.Contains(out, "resync started") {
				t.Fatalf("%s while %s runs: exit %d, want 4 naming it and no \"resync started\"\nstdout:\n%s\nstderr:\n%s", cmd, running, code, out, errOut)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := schedule.Follow(ctx, s.client, running, 100*time.Millisecond, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("invalid configuration", func(t *testing.T) {
		s := newStack(t, demoSpec(35))
		// Two roles for one account: the worker refuses it, so must the
		// starter, before it dials Temporal (here: nothing listens).
		env := []string{
			"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN=",
			"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARNS=arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B",
			"TEMPORAL_ADDRESS=127.0.0.1:1",
		}
		code, out, errOut := s.runStarter(t, bin, env, "run", "--wait")
		if code != schedule.ExitFailed || !strings.Contains(errOut, "invalid configuration") || !strings.Contains(errOut, "accountRoleArns") {
			t.Fatalf("exit %d, want 1 with the configuration error\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})
	t.Run("no worker", func(t *testing.T) {
		s := newStack(t, demoSpec(36)) // no worker started
		cmd, stderr := s.starterCommand(bin, nil, "run", "--wait")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if line := sc.Text(); strings.Contains(line, "no worker is polling task queue") {
				if !strings.Contains(line, s.taskQueue) {
					t.Fatalf("message does not name the task queue: %s", line)
				}
				return
			}
		}
		t.Fatal("the starter never said that no worker polls the task queue")
	})
}

// buildBinary compiles one of the project's commands for a test.
func buildBinary(t testing.TB, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", bin, "../"+name)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build %s: %v", name, err)
	}
	return bin
}

// binaryEnv configures the project's binaries (worker, starter) like
// production, through the environment, against this stack; extra entries
// override.
func (s *stack) binaryEnv(extra []string) []string {
	env := append(os.Environ(),
		"TEMPORAL_ADDRESS="+devAddress,
		"TEMPORAL_NAMESPACE=default",
		"TEMPORAL_TASK_QUEUE="+s.taskQueue,
		"OCEAN__INTEGRATION__IDENTIFIER="+s.integration,
		"OCEAN__PORT__BASE_URL="+s.port.URL(),
		"OCEAN__PORT__CLIENT_ID="+portClientID,
		"OCEAN__PORT__CLIENT_SECRET="+portClientSecret,
		"OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN="+s.roleARN,
		"AWS_REGION=us-east-1",
	)
	return append(env, extra...)
}

// starterCommand is the starter binary against this stack, its stderr piped.
func (s *stack) starterCommand(bin string, extra []string, args ...string) (*exec.Cmd, io.Reader) {
	cmd := exec.Command(bin, args...)
	cmd.Env = s.binaryEnv(extra)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	return cmd, stderr
}

// runStarter runs the starter to its end and returns its exit code and output.
func (s *stack) runStarter(t *testing.T, bin string, extra []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = s.binaryEnv(extra)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errOut.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errOut.String()
	default:
		t.Fatalf("starter %v: %v", args, err)
		return -1, "", ""
	}
}
