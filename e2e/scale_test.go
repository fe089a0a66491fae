package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enums "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// BenchmarkScale is issue 7's scale scenario (`make bench-scale`): a generated
// organization of SCALE_ACCOUNTS accounts (200) × 4 regions with the default
// mapping (≥ 50k entities at the default SCALE_PER_KIND), AWS and Port as slow
// and as limited as the real ones, and the production worker binary in a
// process of its own. It runs a first resync and an unchanged one, and prints
// for each the figures of the issue next to a lower bound on wall time that
// the configured latencies and limits impose on the requests the run made.
//
// `make bench` (`-bench .`) skips it: it runs only when -bench names it.
//
// Settings (environment): SCALE_ACCOUNTS (200), SCALE_PER_KIND (16, the
// average per account, region and kind), SCALE_REGIONS (4, at most 8),
// SCALE_AWS_LATENCY (20ms), SCALE_PORT_LATENCY (50ms), SCALE_MAX_ACCOUNTS
// (maxConcurrentAccounts, 20), SCALE_MAX_UNITS (scopes in flight per account,
// 8 as in production), SCALE_MAX_REGIONS (units in flight per scope, 4 as in
// production), SCALE_PAGE_SIZE (100, production's), SCALE_TIMEOUT per
// resync (60m), SCALE_MIN_ENTITIES (50000; fewer is reported, not fatal).
func BenchmarkScale(b *testing.B) {
	if !scaleRequested() {
		b.Skip("the scale scenario runs only when -bench names it: make bench-scale")
	}
	cfg := scaleConfigFromEnv(b)
	for i := 0; i < b.N; i++ {
		scaleOnce(b, cfg)
	}
}

// scaleRequested: -bench names the scenario (not just "." or "Resync").
func scaleRequested() bool {
	f := flag.Lookup("test.bench")
	return f != nil && strings.Contains(f.Value.String(), "Scale")
}

// awsRate is the token bucket of one service per (account, region).
type awsRate struct {
	service   string // SigV4 signing name, the emulator's bucket key
	perSecond float64
	burst     int
	source    string
}

// awsRates are AWS's documented default request rates for the calls a resync
// with the default mapping makes. The emulator keeps one bucket per
// (account, region, service); where AWS meters each API on its own (EC2), the
// service's calls share the figure of the call that pages, which is stricter
// than AWS. Where AWS documents a rate but no burst, the burst is one second
// of the rate.
var awsRates = []awsRate{
	// "Request throttling for the Amazon EC2 API" (EC2 Developer Guide),
	// request token bucket sizes and refill rates: non-mutating actions
	// (Describe*, incl. DescribeInstances, DescribeInstanceStatus): bucket 100, refill 20/s.
	{"ec2", 20, 100, "EC2 API throttling: non-mutating actions, bucket 100, refill 20/s"},
	// "Request throttling for the Amazon ECS API" (ECS Developer Guide):
	// cluster read actions (ListClusters, DescribeClusters): bucket 50, refill 20/s.
	{"ecs", 20, 50, "ECS API throttling: cluster read actions, bucket 50, refill 20/s"},
	// "Lambda quotas" (Lambda Developer Guide), API requests: control plane
	// API requests other than invocation, GetFunction and GetPolicy
	// (ListFunctions, ListTags): 15 per second across all of them.
	{"lambda", 15, 15, "Lambda quotas: control plane API requests, 15/s (burst not published: 15)"},
	// "Best practices design patterns: optimizing Amazon S3 performance"
	// (S3 User Guide): 5,500 GET/HEAD requests per second per prefix.
	{"s3", 5500, 5500, "S3 performance: 5,500 GET/HEAD per second per prefix"},
	// "IAM and AWS STS quotas" (IAM User Guide): AWS STS request rate 600
	// per second per account per Region (AssumeRole, GetCallerIdentity, …).
	{"sts", 600, 600, "IAM and AWS STS quotas: 600 requests/s per account and Region"},
	// "Quotas for AWS Account Management" (Account Management Reference):
	// rate of ListRegions requests per account: 5 per second, burst 5.
	{"account", 5, 5, "Account Management quotas: ListRegions 5/s, burst 5"},
	// "Quotas and service limits for AWS Organizations" publishes no API
	// rate (awsdocs/aws-organizations-docs#39 asked for one); assumed.
	{"organizations", 10, 10, "Organizations: no published rate; assumed 10/s, burst 10"},
}

// portLimits are Port's published limits per route family ("Rate limits",
// docs.port.io): 35,000 requests per 5 minutes each, for bulk upserts,
// search and entities. The emulator's bucket starts full (35,000 tokens)
// and refills continuously at 35,000 per 5 minutes.
var portLimits = []struct {
	family string
	limit  int
	period time.Duration
}{
	{portemu.FamilyBulkUpsert, 35000, 5 * time.Minute},
	{portemu.FamilySearch, 35000, 5 * time.Minute},
	{portemu.FamilyEntities, 35000, 5 * time.Minute},
}

var scaleRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "sa-east-1", "ca-central-1"}

type scaleConfig struct {
	accounts, perKind, regions int
	awsLatency, portLatency    time.Duration
	maxAccounts, maxUnits      int
	maxRegions                 int
	pageSize                   int32
	timeout                    time.Duration
	minEntities                int
	// itemConcurrency is the most item calls a kind makes at once for one
	// page: the largest *ActionConcurrency of internal/awscloud/kinds, read
	// from the source so that the bound follows the product.
	itemConcurrency int
}

func scaleConfigFromEnv(b *testing.B) scaleConfig {
	b.Helper()
	num := func(name string, def int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q: want a positive integer", name, v)
		}
		return n
	}
	dur := func(name string, def time.Duration) time.Duration {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			b.Fatalf("%s=%q: want a duration such as 20ms", name, v)
		}
		return d
	}
	cfg := scaleConfig{
		accounts:    num("SCALE_ACCOUNTS", 200),
		perKind:     num("SCALE_PER_KIND", 16),
		regions:     num("SCALE_REGIONS", 4),
		awsLatency:  dur("SCALE_AWS_LATENCY", 20*time.Millisecond),
		portLatency: dur("SCALE_PORT_LATENCY", 50*time.Millisecond),
		maxAccounts: num("SCALE_MAX_ACCOUNTS", 20),
		maxUnits:    num("SCALE_MAX_UNITS", 8),
		maxRegions:  num("SCALE_MAX_REGIONS", 4),
		pageSize:    int32(num("SCALE_PAGE_SIZE", 100)),
		timeout:     dur("SCALE_TIMEOUT", time.Hour),
		minEntities: num("SCALE_MIN_ENTITIES", 50000),
	}
	cfg.itemConcurrency = itemConcurrency(b)
	if cfg.regions > len(scaleRegions) {
		b.Fatalf("SCALE_REGIONS=%d: at most %d", cfg.regions, len(scaleRegions))
	}
	return cfg
}

var concurrencyConstRe = regexp.MustCompile(`(?m)^const \w*Concurrency\s*=\s*(\d+)`)

// scaleKindSources are the default mapping's kinds that make AWS calls.
var scaleKindSources = []string{"ec2/instance.go", "ecs/cluster.go", "lambda/function.go", "s3/bucket.go", "organizations/account.go"}

// itemConcurrency is the largest bound those kinds put on the calls they
// make for the items of one page (awscloud.ForEach's limit, a constant of
// the kind's file); a kind that calls ForEach without one fails the run.
func itemConcurrency(b *testing.B) int {
	b.Helper()
	k := 1
	for _, f := range scaleKindSources {
		src, err := os.ReadFile(filepath.Join("../internal/awscloud/kinds", f))
		if err != nil {
			b.Fatalf("read the kind's source: %v", err)
		}
		if !bytes.Contains(src, []byte("awscloud.ForEach(")) {
			continue
		}
		m := concurrencyConstRe.FindAllSubmatch(src, -1)
		if len(m) != 1 {
			b.Fatalf("%s calls awscloud.ForEach but has %d …Concurrency constants: the bound cannot know its limit", f, len(m))
		}
		n, _ := strconv.Atoi(string(m[0][1]))
		k = max(k, n)
	}
	return k
}

func scaleOnce(b *testing.B, cfg scaleConfig) {
	b.StopTimer()
	spec := awsemu.Spec{
		Seed: 7, Accounts: cfg.accounts, OUs: 5, RoleName: roleName, ResourcesPerKind: cfg.perKind,
		Regions: scaleRegions[:cfg.regions],
	}
	genStart := time.Now()
	s := newStack(b, spec)
	entities := len(s.expectedKeys())
	units := s.unitEntities()
	b.Logf("organization: %d accounts × %d regions, %d entities under the default mapping (generated in %s)",
		cfg.accounts, cfg.regions, entities, time.Since(genStart).Round(time.Millisecond))
	if entities < cfg.minEntities {
		b.Logf("NOTE: %d entities, fewer than the scenario's %d (SCALE_MIN_ENTITIES); raise SCALE_PER_KIND for the full scenario", entities, cfg.minEntities)
	}

	// Realistic behaviour: every AWS call waits awsLatency, then takes a token
	// of its (account, region, service) bucket; every Port call is counted in
	// its family's bucket, then waits portLatency.
	s.aws.Faults().SetLatency("", cfg.awsLatency)
	for _, r := range awsRates {
		s.aws.Faults().SetRateLimit(r.service, r.perSecond, r.burst)
	}
	s.aws.SetRequestLogSize(2_000_000)
	s.port.AddFault(portemu.Fault{Delay: cfg.portLatency})
	for _, l := range portLimits {
		s.port.SetRateLimit(l.family, l.limit, l.period)
	}
	s.tuning = syncdef.Tuning{
		MaxConcurrentAccounts: cfg.maxAccounts,
		MaxConcurrentUnits:    cfg.maxUnits,
		MaxConcurrentRegions:  cfg.maxRegions,
		PageSize:              cfg.pageSize,
	}

	w := startScaleWorker(b, s)
	var runs []scaleRun
	b.StartTimer()
	for _, name := range []string{"first", "unchanged"} {
		runs = append(runs, s.scaleResync(b, cfg, w, name, units))
	}
	b.StopTimer()

	first, second := runs[0], runs[1]
	if first.progress.Counts.Upserted == 0 || second.progress.Counts.Upserted != 0 {
		b.Errorf("first resync upserted %d, unchanged resync %d: the benchmark measures the wrong thing",
			first.progress.Counts.Upserted, second.progress.Counts.Upserted)
	}
	if first.progress.AccountsFailed+second.progress.AccountsFailed > 0 {
		b.Errorf("accounts failed: %d in the first resync, %d in the unchanged one", first.progress.AccountsFailed, second.progress.AccountsFailed)
	}
	for _, r := range runs {
		if r.bound.total > r.wall {
			b.Errorf("%s resync: bound %s above the measured %s: the bound is wrong", r.name, r.bound.total, r.wall)
		}
	}
	printScale(b, cfg, entities, runs)
}

// unitKey is one (account, region, kind) unit of the account workflow; global
// kinds have no region.
type unitKey struct{ account, region, kind string }

// unitEntities is what each unit of a resync produces under the default
// mapping (as expectedKeys counts them), by unit.
func (s *stack) unitEntities() map[unitKey]int {
	out := map[unitKey]int{}
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			role, ok := a.Roles[roleName]
			if a.State != "ACTIVE" || !ok || role.Denied {
				continue
			}
			out[unitKey{a.ID, "", "AWS::Account::Info"}] = 1
			if a.ID == o.ManagementAccountID {
				out[unitKey{a.ID, "", "AWS::Organizations::Account"}] = len(o.OrderedAccounts())
			}
			for key, rs := range a.Resources {
				switch key.Kind {
				case awsemu.KindS3Bucket:
					out[unitKey{a.ID, "", key.Kind}] += len(rs)
				case awsemu.KindEC2Instance, awsemu.KindECSCluster, awsemu.KindLambdaFunction:
					if enabled(a, key.Region) {
						out[unitKey{a.ID, key.Region, key.Kind}] += len(rs)
					}
				}
			}
		}
	})
	return out
}

// scaleWorker is the production worker binary, run as its own process so
// that its memory and CPU are its own.
type scaleWorker struct {
	cmd *exec.Cmd
	log string
}

func startScaleWorker(b *testing.B, s *stack) *scaleWorker {
	b.Helper()
	bin := buildBinary(b, "worker")
	mgmt := s.aws.ManagementCredentials()
	cmd := exec.Command(bin, "--log-level", "error")
	cmd.Env = s.binaryEnv([]string{
		"AWS_ENDPOINT_URL=" + s.aws.URL(),
		"AWS_ACCESS_KEY_ID=" + mgmt.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + mgmt.SecretAccessKey,
		"AWS_EC2_METADATA_DISABLED=true",
	})
	// The worker dies with the benchmark, even when the benchmark is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	logPath := filepath.Join(b.TempDir(), "worker.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	w := &scaleWorker{cmd: cmd, log: logPath}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _, _ = cmd.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
		if b.Failed() {
			if out, err := os.ReadFile(logPath); err == nil {
				b.Logf("worker log (last 4 KiB):\n%s", tail(out, 4096))
			}
		}
	})
	return w
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// procStatus reads a field of /proc/<pid>/status in KiB (VmHWM, VmRSS).
func procStatusKiB(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// resetPeakRSS makes VmHWM start again from the current RSS (Linux ≥ 4.0),
// so that each resync reports its own peak.
func resetPeakRSS(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// procCPU is a process's user + system CPU time so far.
func procCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, errors.New("malformed /proc stat")
	}
	f := strings.Fields(string(raw[i+1:]))
	// After the command: state is field 3, utime 14 and stime 15 (1-based).
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticks, nil
}

// devServerPID finds the Temporal dev server the harness started: a child
// of this process running the temporal CLI. 0 when there is none.
func devServerPID() int {
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		raw, err := os.ReadFile(d)
		if err != nil {
			continue
		}
		i, j := bytes.IndexByte(raw, '('), bytes.LastIndexByte(raw, ')')
		if i < 0 || j < i {
			continue
		}
		f := strings.Fields(string(raw[j+1:]))
		if len(f) < 2 || string(raw[i+1:j]) != "temporal" {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == os.Getpid() {
			pid, _ := strconv.Atoi(string(bytes.TrimSpace(raw[:i])))
			return pid
		}
	}
	return 0
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// scaleRun is what one resync measured.
type scaleRun struct {
	name          string
	progress      syncdef.Progress
	wall          time.Duration
	entities      int // upserted + unchanged + failed
	awsRequests   int
	awsThrottled  int
	portRequests  int
	port429       int
	history       historyFigures
	workerPeakKiB int64
	peakIsRun     bool // VmHWM was reset before the run
	workerCPU     time.Duration
	devServerCPU  time.Duration // the Temporal dev server, 0 if not found
	emulatorCPU   time.Duration // the test process: emulators and a Temporal client
	bound         scaleBound
}

func (s *stack) scaleResync(b *testing.B, cfg scaleConfig, w *scaleWorker, name string, units map[unitKey]int) scaleRun {
	b.Helper()
	pid := w.cmd.Process.Pid
	run := scaleRun{name: name, peakIsRun: resetPeakRSS(pid)}
	s.aws.ResetRequests()
	portBefore := s.port.FamilyCounts()
	cpuBefore, _ := procCPU(pid)
	devPID := devServerPID()
	devBefore, _ := procCPU(devPID)
	selfBefore := selfCPU()

	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	id := fmt.Sprintf("aws-port-sync/%s/resync-%s-%d", s.integration, name, time.Now().UnixNano())
	start := time.Now()
	wr, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true, Tuning: s.tuning})
	if err != nil {
		b.Fatal(err)
	}
	if err := wr.Get(ctx, &run.progress); err != nil {
		b.Fatalf("%s resync %s failed: %v", name, id, err)
	}
	run.wall = time.Since(start)
	run.emulatorCPU = selfCPU() - selfBefore
	if cpu, err := procCPU(pid); err == nil {
		run.workerCPU = cpu - cpuBefore
	}
	if cpu, err := procCPU(devPID); err == nil && devPID != 0 {
		run.devServerCPU = cpu - devBefore
	}
	if kib, err := procStatusKiB(pid, "VmHWM"); err == nil {
		run.workerPeakKiB = kib
	} else {
		b.Logf("worker peak RSS: %v", err)
	}
	c := run.progress.Counts
	run.entities = c.Upserted + c.Unchanged + c.Failed

	reqs := s.aws.Requests()
	if len(reqs) >= 2_000_000 {
		b.Fatalf("the AWS request log overflowed (%d records): the bound would miss requests", len(reqs))
	}
	run.awsRequests = len(reqs)
	for _, r := range reqs {
		if throttleCodes[r.ErrorCode] {
			run.awsThrottled++
		}
	}
	portDelta := map[string]portemu.FamilyCount{}
	for fam, after := range s.port.FamilyCounts() {
		before := portBefore[fam]
		d := portemu.FamilyCount{Admitted: after.Admitted - before.Admitted, Rejected: after.Rejected - before.Rejected}
		portDelta[fam] = d
		run.portRequests += d.Admitted + d.Rejected
		run.port429 += d.Rejected
	}
	run.bound = computeBound(cfg, reqs, portDelta, units)

	hctx, hcancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer hcancel()
	run.history, err = collectHistories(hctx, s.client, id)
	if err != nil {
		b.Fatalf("read the histories of %s: %v", id, err)
	}
	if path := os.Getenv("SCALE_TIMELINE"); path != "" {
		// Where the time goes: the root's events and one account's.
		text := fmt.Sprintf("%s resync, root:\n%s", name, accountTimeline(hctx, s.client, id))
		s.aws.View(func(o *awsemu.Org) {
			acct := o.OrderedAccounts()[len(o.OrderedAccounts())/2]
			text += fmt.Sprintf("%s resync, account %s:\n%s", name, acct.ID, accountTimeline(hctx, s.client, id+"/account/"+acct.ID))
		})
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = f.WriteString(text)
		f.Close()
	}
	return run
}

// throttleCodes are the emulator's throttling answers (each service's own
// code); a throttled request took no token.
var throttleCodes = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "RequestLimitExceeded": true,
	"TooManyRequestsException": true, "SlowDown": true,
}

// scaleOps ties the AWS calls of the default mapping's kinds to the unit
// that makes them: the call that pages the unit, or a call made for the
// items of a page (enrichment), which can only start once the page is in.
var scaleOps = map[string]struct {
	kind   string
	page   bool
	global bool
}{
	"ec2/DescribeInstances":              {awsemu.KindEC2Instance, true, false},
	"ec2/DescribeInstanceStatus":         {awsemu.KindEC2Instance, false, false},
	"ecs/ListClusters":                   {awsemu.KindECSCluster, true, false},
	"ecs/DescribeClusters":               {awsemu.KindECSCluster, false, false},
	"lambda/ListFunctions":               {awsemu.KindLambdaFunction, true, false},
	"lambda/ListTags":                    {awsemu.KindLambdaFunction, false, false},
	"s3/ListBuckets":                     {awsemu.KindS3Bucket, true, true},
	"organizations/ListAccounts":         {"AWS::Organizations::Account", true, true},
	"organizations/ListParents":          {"AWS::Organizations::Account", false, true},
	"organizations/ListTagsForResource":  {"AWS::Organizations::Account", false, true},
	"organizations/DescribeOrganization": {"", false, true}, // discovery, before any account
}

// scaleBound is the lower bound on a resync's wall time and its terms.
//
// No schedule of the requests the run made can finish sooner than any of:
//
//	(a) each AWS bucket (account, region, service): the emulator admits a
//	    request only with a token; the bucket holds at most burst tokens
//	    when the resync starts and gains rate per second, and a request is
//	    checked after its latency L, so n admitted requests need
//	    L + max(0, n − burst) / rate.
//	(b) each Port family: same with a bucket of limit tokens refilled at
//	    limit/period (full when set, at most full when a resync starts);
//	    the latency is served after the check: max(0, n − limit) / rate + L.
//	(c) the critical path. By design (activities/scope.go) a unit pages
//	    sequentially: a page's list call, then the calls for its items (at
//	    most k at once: the kinds' largest ForEach limit), then its write
//	    (at least one Port request when the page has entities) before the
//	    next page. So a unit takes at least
//	    chain = pages·L + ceil(m/k)·L + Lport (if it produced any entity),
//	    with pages the distinct pagination tokens it requested and m its
//	    admitted item calls. An account takes at least ListRegions (L, when
//	    made) + its longest unit + its scope's plan (Lport), and the resync
//	    adds PrepareResync (Lport) before the accounts, PlanSweep and
//	    FinishResync (2·Lport) after.
//	(d) work ÷ concurrency: an account holds one of maxConcurrentAccounts
//	    slots for at least d = ListRegions + max(longest unit,
//	    Σ unit chains ÷ (maxConcurrentUnits scopes × maxConcurrentRegions
//	    units each)) + a plan, so the accounts need
//	    Σ d ÷ min(maxConcurrentAccounts, accounts), plus the root's 3·Lport.
//
// The bound is the largest; what it leaves out (STS calls, throttled
// retries, Port requests beyond one per unit, Temporal's own time) only
// makes the real floor higher. (A page activity retried while a timed-out
// attempt still runs could overlap it; the benchmark has no such timeouts.)
type scaleBound struct {
	total               time.Duration
	limitedBy           string
	awsBucket, portFam  time.Duration
	awsBucketName       string
	portFamName         string
	critical, work      time.Duration
	longestUnit         unitKey
	longestUnitPages    int
	awsRequestsInBucket int
}

func computeBound(cfg scaleConfig, reqs []awsemu.RequestRecord, port map[string]portemu.FamilyCount, units map[unitKey]int) scaleBound {
	var bd scaleBound
	L, Lp := cfg.awsLatency, cfg.portLatency
	rates := map[string]awsRate{}
	for _, r := range awsRates {
		rates[r.service] = r
	}
	secs := func(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

	// (a) AWS buckets.
	type bkey struct{ account, region, service string }
	admitted := map[bkey]int{}
	// (c, d) units.
	pages := map[unitKey]map[string]bool{}
	itemCalls := map[unitKey]int{}
	listRegions := map[string]bool{}
	for _, r := range reqs {
		if !throttleCodes[r.ErrorCode] {
			admitted[bkey{r.AccountID, r.Region, r.Service}]++
		}
		if r.Service == "account" && r.Operation == "ListRegions" {
			listRegions[r.AccountID] = true
			continue
		}
		op, ok := scaleOps[r.Service+"/"+r.Operation]
		if !ok && r.Service == "s3" {
			op, ok = scaleOps["s3/ListBuckets"], true
			op.page = false // GetBucketTagging, GetBucketLocation, …: for the page's buckets
		}
		if !ok || op.kind == "" {
			continue
		}
		u := unitKey{r.AccountID, r.Region, op.kind}
		if op.global {
			u.region = ""
		}
		if op.page {
			if pages[u] == nil {
				pages[u] = map[string]bool{}
			}
			pages[u][r.Params] = true
		} else if !throttleCodes[r.ErrorCode] {
			itemCalls[u]++
		}
	}
	for k, n := range admitted {
		rt, ok := rates[k.service]
		if !ok || n <= rt.burst {
			continue
		}
		if t := L + secs(float64(n-rt.burst)/rt.perSecond); t > bd.awsBucket {
			bd.awsBucket = t
			bd.awsBucketName = fmt.Sprintf("%s %s/%s: %d requests, burst %d, %g/s", k.service, k.account, k.region, n, rt.burst, rt.perSecond)
			bd.awsRequestsInBucket = n
		}
	}

	// (b) Port families.
	for _, l := range portLimits {
		n := port[l.family].Admitted
		if n <= l.limit {
			continue
		}
		rate := float64(l.limit) / l.period.Seconds()
		if t := secs(float64(n-l.limit)/rate) + Lp; t > bd.portFam {
			bd.portFam = t
			bd.portFamName = fmt.Sprintf("%s: %d requests, bucket %d, %d per %s", l.family, n, l.limit, l.limit, l.period)
		}
	}

	// (c) and (d): unit chains, accounts.
	type acct struct {
		longest, sum time.Duration
		longestUnit  unitKey
		pages        int
	}
	accounts := map[string]*acct{}
	seen := map[unitKey]bool{}
	addUnit := func(u unitKey) {
		if seen[u] {
			return
		}
		seen[u] = true
		chain := time.Duration(len(pages[u])) * L
		// Item calls run at most cfg.itemConcurrency at a time, within
		// their page: ceil(m / k) rounds of L over the unit's pages.
		chain += time.Duration((itemCalls[u]+cfg.itemConcurrency-1)/cfg.itemConcurrency) * L
		if units[u] > 0 {
			chain += Lp
		}
		a := accounts[u.account]
		if a == nil {
			a = &acct{}
			accounts[u.account] = a
		}
		a.sum += chain
		if chain > a.longest {
			a.longest, a.longestUnit, a.pages = chain, u, len(pages[u])
		}
	}
	for u := range units {
		addUnit(u)
	}
	for u := range pages {
		addUnit(u)
	}
	var longestAccount, sumAccounts time.Duration
	for id, a := range accounts {
		fixed := Lp // a scope's plan, after its units
		if listRegions[id] {
			fixed += L // before them
		}
		sumAccounts += fixed + max(a.longest, a.sum/time.Duration(cfg.maxUnits*cfg.maxRegions))
		if fixed+a.longest > longestAccount {
			longestAccount = fixed + a.longest
			bd.longestUnit, bd.longestUnitPages = a.longestUnit, a.pages
		}
	}
	root := 3 * Lp // PrepareResync before the accounts; PlanSweep, FinishResync after
	bd.critical = root + longestAccount
	slots := min(cfg.maxAccounts, max(1, len(accounts)))
	bd.work = root + sumAccounts/time.Duration(slots)

	bd.total, bd.limitedBy = bd.critical, "(c) critical path"
	for _, t := range []struct {
		d    time.Duration
		name string
	}{
		{bd.awsBucket, "(a) AWS bucket " + bd.awsBucketName},
		{bd.portFam, "(b) Port " + bd.portFamName},
		{bd.work, fmt.Sprintf("(d) work ÷ concurrency (%d accounts × %d scopes × %d units in flight)", slots, cfg.maxUnits, cfg.maxRegions)},
	} {
		if t.d > bd.total {
			bd.total, bd.limitedBy = t.d, t.name
		}
	}
	return bd
}

// historyFigures are what the resync's workflow histories hold: the root,
// and every child with all of its runs (continue-as-new followed).
type historyFigures struct {
	rootEvents                     int
	activities, workflowTasks      int
	accountRuns, accountWorkflows  int
	largestAccountRunBytes         int
	largestAccountRunEvents        int
	largestAccountWorkflowRuns     int
	largestPayload                 int
	largestPayloadEvent            string
	largestPayloadWorkflow         string
	childWorkflowsOtherThanAccount int
}

func collectHistories(ctx context.Context, c client.Client, rootID string) (historyFigures, error) {
	var h historyFigures
	rootEvents, err := readHistory(ctx, c, rootID, "")
	if err != nil {
		return h, err
	}
	h.rootEvents = len(rootEvents)
	h.add(rootID, rootEvents)
	var children []*commonpb.WorkflowExecution
	for _, e := range rootEvents {
		if a := e.GetChildWorkflowExecutionStartedEventAttributes(); a != nil {
			children = append(children, a.GetWorkflowExecution())
		}
	}
	for _, ch := range children {
		account := strings.Contains(ch.GetWorkflowId(), "/account/")
		if account {
			h.accountWorkflows++
		} else {
			h.childWorkflowsOtherThanAccount++
		}
		runID, runs := ch.GetRunId(), 0
		for runID != "" {
			events, err := readHistory(ctx, c, ch.GetWorkflowId(), runID)
			if err != nil {
				return h, err
			}
			runs++
			h.add(ch.GetWorkflowId(), events)
			runID = ""
			if n := len(events); n > 0 {
				if a := events[n-1].GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
					runID = a.GetNewExecutionRunId()
				}
			}
			if account {
				h.accountRuns++
				size := 0
				for _, e := range events {
					size += proto.Size(e)
				}
				if size > h.largestAccountRunBytes {
					h.largestAccountRunBytes, h.largestAccountRunEvents = size, len(events)
				}
			}
		}
		if account && runs > h.largestAccountWorkflowRuns {
			h.largestAccountWorkflowRuns = runs
		}
	}
	return h, nil
}

func (h *historyFigures) add(workflowID string, events []*historypb.HistoryEvent) {
	for _, e := range events {
		switch e.GetEventType() {
		case enums.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			h.activities++
		case enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			h.workflowTasks++
		}
		if n := largestPayloads(e.ProtoReflect()); n > h.largestPayload {
			h.largestPayload, h.largestPayloadEvent, h.largestPayloadWorkflow = n, e.GetEventType().String(), workflowID
		}
	}
}

// largestPayloads is the largest Payloads message (an input, a result, a
// continue-as-new carry) anywhere in m, as stored: after the payload codec.
func largestPayloads(m protoreflect.Message) int {
	if m.Descriptor().FullName() == "temporal.api.common.v1.Payloads" {
		return proto.Size(m.Interface())
	}
	largest := 0
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() == protoreflect.MessageKind {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					largest = max(largest, largestPayloads(mv.Message()))
					return true
				})
			}
		case fd.IsList():
			if fd.Kind() == protoreflect.MessageKind {
				for i := 0; i < v.List().Len(); i++ {
					largest = max(largest, largestPayloads(v.List().Get(i).Message()))
				}
			}
		case fd.Kind() == protoreflect.MessageKind:
			largest = max(largest, largestPayloads(v.Message()))
		}
		return true
	})
	return largest
}

func readHistory(ctx context.Context, c client.Client, workflowID, runID string) ([]*historypb.HistoryEvent, error) {
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []*historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %s/%s: %w", workflowID, runID, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// cpuFloor is the least wall time the run's CPU needs on this machine.
func (r scaleRun) cpuFloor() time.Duration {
	return (r.workerCPU + r.devServerCPU + r.emulatorCPU) / time.Duration(runtime.NumCPU())
}

func printScale(b *testing.B, cfg scaleConfig, entities int, runs []scaleRun) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "\nScale: %d accounts × %d regions, %d entities; AWS %s per call, Port %s per request; maxConcurrentAccounts %d, %d scopes per account, %d units per scope, page size %d\n",
		cfg.accounts, cfg.regions, entities, cfg.awsLatency, cfg.portLatency, cfg.maxAccounts, cfg.maxUnits, cfg.maxRegions, cfg.pageSize)
	fmt.Fprintf(&buf, "Worker: the production binary in its own process. Emulators: in the benchmark's process (with a Temporal client); Temporal: the dev server, its own process.\n\n")
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(label string, f func(r scaleRun) string) {
		fmt.Fprintf(tw, "%s\t", label)
		for _, r := range runs {
			fmt.Fprintf(tw, "%s\t", f(r))
		}
		fmt.Fprintln(tw)
	}
	per1k := func(n, entities int) string {
		if entities == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f", float64(n)*1000/float64(entities))
	}
	row("", func(r scaleRun) string { return r.name + " resync" })
	row("entities (upserted / unchanged)", func(r scaleRun) string {
		return fmt.Sprintf("%d / %d", r.progress.Counts.Upserted, r.progress.Counts.Unchanged)
	})
	row("wall time", func(r scaleRun) string { return r.wall.Round(10 * time.Millisecond).String() })
	row("lower bound", func(r scaleRun) string { return r.bound.total.Round(10 * time.Millisecond).String() })
	row("measured ÷ bound", func(r scaleRun) string { return fmt.Sprintf("%.2f", r.wall.Seconds()/r.bound.total.Seconds()) })
	row("  (a) slowest AWS bucket", func(r scaleRun) string { return r.bound.awsBucket.Round(10 * time.Millisecond).String() })
	row("  (b) slowest Port family", func(r scaleRun) string { return r.bound.portFam.Round(10 * time.Millisecond).String() })
	row("  (c) critical path", func(r scaleRun) string { return r.bound.critical.Round(10 * time.Millisecond).String() })
	row("  (d) work ÷ concurrency", func(r scaleRun) string { return r.bound.work.Round(10 * time.Millisecond).String() })
	row("entities/s", func(r scaleRun) string { return fmt.Sprintf("%.0f", float64(r.entities)/r.wall.Seconds()) })
	row("AWS requests / 1,000 entities", func(r scaleRun) string { return per1k(r.awsRequests, r.entities) })
	row("  of which throttled", func(r scaleRun) string { return per1k(r.awsThrottled, r.entities) })
	row("Port requests / 1,000 entities", func(r scaleRun) string { return per1k(r.portRequests, r.entities) })
	row("  of which 429", func(r scaleRun) string { return per1k(r.port429, r.entities) })
	row("Temporal activities / 1,000 entities", func(r scaleRun) string { return per1k(r.history.activities, r.entities) })
	row("workflow tasks / 1,000 entities", func(r scaleRun) string { return per1k(r.history.workflowTasks, r.entities) })
	row("worker peak RSS", func(r scaleRun) string {
		s := fmt.Sprintf("%.0f MiB", float64(r.workerPeakKiB)/1024)
		if !r.peakIsRun {
			s += " (since start)"
		}
		return s
	})
	row("CPU: worker / Temporal / emulators", func(r scaleRun) string {
		dev := "?"
		if r.devServerCPU > 0 {
			dev = fmt.Sprintf("%.0fs", r.devServerCPU.Seconds())
		}
		return fmt.Sprintf("%.0fs / %s / %.0fs", r.workerCPU.Seconds(), dev, r.emulatorCPU.Seconds())
	})
	// Not part of the bound (it is measured, not derived from the requests):
	// the time the three processes' CPU needs on this machine's cores, which
	// the bound's latencies and limits know nothing of.
	row("CPU floor (all CPU ÷ cores)", func(r scaleRun) string { return r.cpuFloor().Round(10 * time.Millisecond).String() })
	row("measured ÷ CPU floor", func(r scaleRun) string { return fmt.Sprintf("%.2f", r.wall.Seconds()/r.cpuFloor().Seconds()) })
	row("root history events / account", func(r scaleRun) string {
		return fmt.Sprintf("%.1f", float64(r.history.rootEvents)/float64(max(1, r.history.accountWorkflows)))
	})
	row("account workflow runs (most in one)", func(r scaleRun) string {
		return fmt.Sprintf("%d (%d)", r.history.accountRuns, r.history.largestAccountWorkflowRuns)
	})
	row("largest account history (one run)", func(r scaleRun) string {
		return fmt.Sprintf("%s, %d events", kib(r.history.largestAccountRunBytes), r.history.largestAccountRunEvents)
	})
	row("largest payload", func(r scaleRun) string { return kib(r.history.largestPayload) })
	row("emulators' CPU / request", func(r scaleRun) string {
		n := r.awsRequests + r.portRequests
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f µs", float64(r.emulatorCPU.Microseconds())/float64(n))
	})
	tw.Flush()
	for _, r := range runs {
		fmt.Fprintf(&buf, "\n%s resync: limited by %s\n", r.name, r.bound.limitedBy)
		fmt.Fprintf(&buf, "  longest unit %s %s %s: %d pages\n", r.bound.longestUnit.account, r.bound.longestUnit.kind, r.bound.longestUnit.region, r.bound.longestUnitPages)
		if r.bound.awsBucketName != "" {
			fmt.Fprintf(&buf, "  busiest AWS bucket beyond its burst: %s\n", r.bound.awsBucketName)
		}
		if r.bound.portFamName != "" {
			fmt.Fprintf(&buf, "  Port family beyond its bucket: %s\n", r.bound.portFamName)
		}
		fmt.Fprintf(&buf, "  largest payload: %s in %s\n", r.history.largestPayloadEvent, r.history.largestPayloadWorkflow)
	}
	fmt.Fprintf(&buf, "\nCPU is per resync, against %d cores × wall time. ", runtime.NumCPU())
	fmt.Fprintf(&buf, "Emulators' CPU / request is the benchmark process's CPU time (both emulators, the Temporal client waiting on the resync) ÷ (AWS + Port requests).\n")
	fmt.Fprintf(&buf, "AWS rates (per account, region, service):\n")
	for _, r := range awsRates {
		fmt.Fprintf(&buf, "  %-14s %s\n", r.service, r.source)
	}
	b.Log(buf.String())
	fmt.Print(buf.String())

	for _, r := range runs {
		p := r.name + "-"
		b.ReportMetric(r.wall.Seconds(), p+"s")
		b.ReportMetric(r.bound.total.Seconds(), p+"bound-s")
		b.ReportMetric(r.wall.Seconds()/r.bound.total.Seconds(), p+"measured/bound")
		b.ReportMetric(float64(r.entities)/r.wall.Seconds(), p+"entities/s")
		if r.entities > 0 {
			b.ReportMetric(float64(r.awsRequests)*1000/float64(r.entities), p+"aws-req/1k")
			b.ReportMetric(float64(r.portRequests)*1000/float64(r.entities), p+"port-req/1k")
			b.ReportMetric(float64(r.history.activities)*1000/float64(r.entities), p+"activities/1k")
			b.ReportMetric(float64(r.history.workflowTasks)*1000/float64(r.entities), p+"wft/1k")
		}
		b.ReportMetric(float64(r.workerPeakKiB)/1024, p+"worker-rss-MiB")
	}
	b.ReportMetric(float64(entities), "entities")
	b.ReportMetric(float64(runs[0].history.rootEvents)/float64(max(1, runs[0].history.accountWorkflows)), "root-events/account")
	b.ReportMetric(float64(runs[0].history.largestPayload), "largest-payload-B")
}

func kib(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/1024)
}
