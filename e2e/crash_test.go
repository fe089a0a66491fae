package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// pageOperations are the AWS calls that fetch one page of a unit (the calls
// made per item to enrich a page are not pages).
var pageOperations = map[string]bool{
	"DescribeInstances": true, "ListBuckets": true, "ListClusters": true, "ListFunctions": true, "ListAccounts": true,
}

// Done-when 6: a worker process killed with SIGKILL mid-resync is replaced by a
// new one that finishes the resync; the catalog ends correct, and only the
// scopes whose activity was in flight at the kill are read again (from their
// first page: the produced keys their plan needs lived in the dead worker).
// The resync follows a complete one and an instance and a bucket leave AWS in
// between, so the catalog ending correct means deletion stayed exact across
// the crash: those two deleted, nothing else.
func TestWorkerKilledMidResyncIsReplaced(t *testing.T) {
	spec := demoSpec(6)
	spec.MissingRole, spec.Suspended, spec.ResourcesPerKind = 0, 0, 6
	s := newStack(t, spec)
	s.tuning.PageSize = 2
	s.tuning.MaxConcurrentUnits = 4
	// Production's heartbeat timeout (no override): the stall it causes
	// after the kill is measured below.
	s.tuning.HeartbeatTimeout = 0
	// Slow AWS a little so that the kill lands among pages, not after them.
	for _, svc := range []string{"ec2", "ecs", "lambda", "s3"} {
		s.aws.Faults().SetLatency(svc, 40*time.Millisecond)
	}
	bin := buildWorker(t)

	first := s.startWorkerProcess(t, bin, "first")
	s.resync()
	s.assertCatalog(s.expectedKeys())
	_, instance, bucket := s.removeInstanceAndBucket()
	s.aws.ResetRequests()

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	id := fmt.Sprintf("aws-port-sync/%s/resync-crash", s.integration)
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, Tuning: s.tuning})
	if err != nil {
		t.Fatal(err)
	}

	waitFor(t, ctx, "30 AWS pages fetched", func() bool { return countPages(s.aws.Requests()) >= 30 })
	killedAt := time.Now()
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = first.Process.Wait()
	inFlight := startedScopeActivities(t, ctx, s, id)
	pagesAtKill := countPages(s.aws.Requests())
	desc, err := s.client.DescribeWorkflow(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.RawResponse.WorkflowExecutionInfo.Status; st != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("the resync was %s at the kill; the test must kill mid-resync", st)
	}

	s.startWorkerProcess(t, bin, "second")
	var p syncdef.Progress
	if err := run.Get(ctx, &p); err != nil {
		t.Fatalf("resync did not finish after the worker was replaced: %v", err)
	}
	got := s.assertCatalog(s.expectedKeys())
	if p.AccountsFailed != 0 {
		t.Fatalf("accounts failed after the replacement: %+v", p.Accounts)
	}
	for _, k := range []catalog.Key{instance, bucket} {
		if _, ok := got[k]; ok {
			t.Fatalf("%s/%s left AWS before the crashed resync and is still in Port", k.Blueprint, k.Identifier)
		}
	}
	if p.Counts.Deleted != 2 {
		t.Fatalf("the crashed resync deleted %d entities, want exactly the instance and the bucket", p.Counts.Deleted)
	}

	dups := duplicatePages(s.aws.Requests())
	reread := map[string]int{} // account → its scopes read again (one page operation per kind here)
	seen := map[string]bool{}
	for _, d := range dups {
		parts := strings.Split(d, "|")
		if key := parts[0] + "|" + parts[3]; !seen[key] {
			seen[key] = true
			reread[parts[0]]++
		}
	}
	t.Logf("pages at kill %d, scope activities in flight %v, pages fetched twice %d; the scopes in flight were read again %s after the kill",
		pagesAtKill, inFlight, len(dups), refetchDelay(s.aws.Requests(), killedAt).Round(100*time.Millisecond))
	for acct, n := range reread {
		if n > inFlight[acct] {
			t.Fatalf("account %s: %d scopes read twice, more than its %d scope activities in flight at the kill: %v", acct, n, inFlight[acct], dups)
		}
	}
}

// buildWorker compiles the production worker binary for this test.
func buildWorker(t *testing.T) string { return buildBinary(t, "worker") }

// startWorkerProcess runs the worker binary configured like production, through
// the environment, against this stack; the test stops it at the end.
func (s *stack) startWorkerProcess(t *testing.T, bin, name string) *exec.Cmd {
	t.Helper()
	mgmt := s.aws.ManagementCredentials()
	cmd := exec.Command(bin, "--log-level", "error")
	cmd.Env = s.binaryEnv([]string{
		"AWS_ENDPOINT_URL=" + s.aws.URL(),
		"AWS_ACCESS_KEY_ID=" + mgmt.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + mgmt.SecretAccessKey,
		"AWS_EC2_METADATA_DISABLED=true",
	})
	logFile, err := os.Create(filepath.Join(t.TempDir(), name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = cmd.Process.Wait()
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logFile.Name()); err == nil {
				t.Logf("%s worker log:\n%s", name, b)
			}
		}
	})
	return cmd
}

// startedScopeActivities counts, per account, the SyncScope activities that
// the server sees as started in the resync's account workflows: those are the
// scopes whose pages the killed worker may have read without reporting them.
func startedScopeActivities(t *testing.T, ctx context.Context, s *stack, resyncID string) map[string]int {
	t.Helper()
	n := map[string]int{}
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			d, err := s.client.DescribeWorkflow(ctx, resyncID+"/account/"+a.ID, "")
			if err != nil {
				continue // not started yet
			}
			for _, pa := range d.RawResponse.PendingActivities {
				if pa.ActivityType.GetName() != syncdef.SyncScopeActivity {
					continue
				}
				// Started, or already timed out on its heartbeat and waiting for
				// its retry: either way it was running when the worker died.
				if pa.State == enums.PENDING_ACTIVITY_STATE_STARTED || pa.Attempt > 1 && pa.LastFailure != nil {
					n[a.ID]++
				}
			}
		}
	})
	return n
}

func pageKey(r awsemu.RequestRecord) string {
	return strings.Join([]string{r.AccountID, r.Region, r.Principal, r.Operation, r.Params}, "|")
}

func countPages(reqs []awsemu.RequestRecord) int {
	n := 0
	for _, r := range reqs {
		if pageOperations[r.Operation] && r.Status == 200 {
			n++
		}
	}
	return n
}

// refetchDelay is how long after the kill the last page that was in flight
// was fetched again: the stall a dead worker causes (0 if none was refetched).
func refetchDelay(reqs []awsemu.RequestRecord, killedAt time.Time) time.Duration {
	before := map[string]bool{}
	var last time.Time
	for _, r := range reqs {
		if !pageOperations[r.Operation] || r.Status != 200 {
			continue
		}
		if r.Time.Before(killedAt) {
			before[pageKey(r)] = true
		} else if before[pageKey(r)] && r.Time.After(last) {
			last = r.Time
		}
	}
	if last.IsZero() {
		return 0
	}
	return last.Sub(killedAt)
}

func duplicatePages(reqs []awsemu.RequestRecord) []string {
	seen := map[string]int{}
	for _, r := range reqs {
		if pageOperations[r.Operation] && r.Status == 200 {
			seen[pageKey(r)]++
		}
	}
	var dups []string
	for k, n := range seen {
		if n > 1 {
			dups = append(dups, fmt.Sprintf("%s ×%d", k, n))
		}
	}
	return dups
}

// waitFor polls a condition with a deadline (no fixed sleeps).
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}
