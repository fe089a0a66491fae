// Package e2e runs resyncs end to end: the real Temporal dev server (the
// `temporal` CLI), a real worker with the production activities, the real
// aws-sdk-go-v2 and Port clients, against the AWS and Port emulators.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/activities"
	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
	"github.com/aws-port-sync/aws-port-sync/workflows"
)

var (
	devServer  *testsuite.DevServer
	devAddress string
	stackSeq   atomic.Int32
)

const (
	portClientID     = "e2e-client-id"
	portClientSecret = "e2e-client-secret-do-not-leak"
	roleName         = "PortOceanReadRole"
)

// TestMain starts one dev server for the package; every test isolates itself
// with its own emulators, task queue and integration identifier.
func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	cli := os.Getenv("TEMPORAL_CLI")
	if cli == "" {
		if p, err := exec.LookPath("temporal"); err == nil {
			cli = p
		}
	}
	if cli == "" {
		fmt.Fprintln(os.Stderr, "e2e: the temporal CLI is required (run `make tools`, or set TEMPORAL_CLI)")
		return 1
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := clientOptions(addr)
	devServer, err = testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  cli,
		ClientOptions: &opts,
		LogLevel:      "error",
		SearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrAccountID).ValueSet(""),
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrIntegration).ValueSet(""),
			temporal.NewSearchAttributeKeyKeyword(syncdef.SearchAttrStatus).ValueSet(""),
		),
		Stdout: io.Discard,
		Stderr: os.Stderr,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start dev server:", err)
		return 1
	}
	devAddress = devServer.FrontendHostPort()
	defer func() { _ = devServer.Stop() }()
	return m.Run()
}

// clientOptions are the production client options (codec included) for the
// dev server, as the worker builds them from TEMPORAL_* settings.
func clientOptions(address string) client.Options {
	opts, err := temporalx.ClientOptions(config.Temporal{Address: address, Namespace: "default"}, nil)
	if err != nil {
		panic(err) // no TLS file or key is involved: cannot fail
	}
	return opts
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// stack is one isolated installation: emulators, worker, integration.
type stack struct {
	t           testing.TB
	aws         *awsemu.Server
	port        *portemu.Server
	client      client.Client
	integration string
	taskQueue   string
	roleARN     string
	// scope holds the organization-mode scoping settings (exclusions,
	// selection, role overrides); restartWorker applies a change.
	scope       awscloud.DiscoverySettings
	partition   string // the organization's, as the configuration derives it from accountRoleArn
	mappingFile string
	tuning      syncdef.Tuning
	worker      worker.Worker
	// awsRetries is the SDK retryer's attempt count; tests keep it low so that
	// denials fail fast, the fault tests raise it to production's.
	awsRetries    int
	awsMaxBackoff time.Duration
}

// demoSpec is a small organization: 4 accounts, one suspended, one with no
// member role, resources in 2 regions.
func demoSpec(seed int64) awsemu.Spec {
	return awsemu.Spec{
		Seed: seed, Accounts: 5, OUs: 3, Suspended: 1, MissingRole: 1,
		Regions: []string{"us-east-1", "eu-west-1"}, OptInDisabled: []string{"ap-east-1"},
		ResourcesPerKind: 2, RoleName: roleName,
		// History (deployments, pipeline executions) ends now: the default
		// 30-day window holds part of it.
		HistoryEnd: time.Now().UTC().Truncate(time.Hour),
	}
}

func newStack(t testing.TB, spec awsemu.Spec) *stack {
	t.Helper()
	n := stackSeq.Add(1)
	s := &stack{
		t:             t,
		integration:   fmt.Sprintf("e2e-%d-%d", n, time.Now().UnixNano()%100000),
		taskQueue:     fmt.Sprintf("e2e-tq-%d", n),
		tuning:        syncdef.Tuning{HeartbeatTimeout: 5 * time.Second, ActivityMaximumRetries: 3},
		partition:     spec.Partition,
		awsRetries:    3,
		awsMaxBackoff: 200 * time.Millisecond,
	}
	s.aws = awsemu.NewServer(awsemu.Generate(spec))
	if err := s.aws.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.aws.Close)
	s.port = portemu.New(portemu.Options{ClientID: portClientID, ClientSecret: portClientSecret})
	if err := s.port.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.port.Close)
	s.aws.View(func(o *awsemu.Org) { s.roleARN = o.RoleARN(o.ManagementAccountID, roleName) })

	c, err := client.Dial(clientOptions(devAddress))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	s.client = c
	// The SDK finds the emulator the standard way, as it would find a VPC endpoint.
	t.Setenv("AWS_ENDPOINT_URL", s.aws.URL())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return s
}

// activities builds the production activities pointed at this stack's emulators.
func (s *stack) activities(ctx context.Context) *activities.Activities {
	s.t.Helper()
	pc, err := port.New(port.Config{BaseURL: s.port.URL(), ClientID: portClientID, ClientSecret: portClientSecret, MaxWait: 2 * time.Second})
	if err != nil {
		s.t.Fatal(err)
	}
	return s.activitiesWith(ctx, pc)
}

// activitiesWith is activities with the given Port client.
func (s *stack) activitiesWith(ctx context.Context, pc *port.Client) *activities.Activities {
	s.t.Helper()
	mgmt := s.aws.ManagementCredentials()
	region := "us-east-1"
	if s.partition != "" && s.partition != "aws" {
		region = "" // the partition's home region, as the worker picks it
	}
	provider, err := awscloud.NewProvider(ctx, awscloud.Settings{
		AccessKeyID: mgmt.AccessKeyID, SecretAccessKey: mgmt.SecretAccessKey, Region: region, Partition: s.partition,
		CredentialProviderPriority: []string{awscloud.ProviderStatic},
		RetryMaxAttempts:           s.awsRetries, RetryMaxBackoff: s.awsMaxBackoff,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return activities.New(activities.Settings{
		MappingFile:             s.mappingFile,
		InitializePortResources: true,
		ResyncInterval:          time.Hour,
		Discovery:               s.discoverySettings(),
		Version:                 "e2e",
		PageSize:                3, // small pages: every unit has several
	}, pc, provider, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

func (s *stack) discoverySettings() awscloud.DiscoverySettings {
	d := s.scope
	d.AccountRoleARN = s.roleARN
	return d
}

// startWorker runs a worker in this process until the test ends (or
// restartWorker replaces it).
func (s *stack) startWorker() {
	s.t.Helper()
	w := worker.New(s.client, s.taskQueue, app.WorkerOptions())
	workflows.Register(w)
	acts := s.activities(context.Background())
	acts.SetTemporalClient(s.client)
	acts.Register(w)
	if err := w.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.worker = w
	s.t.Cleanup(func() {
		if s.worker == w {
			w.Stop()
		}
	})
}

// restartWorker stops the worker and starts one with the stack's current
// settings (s.scope), as a redeploy with a changed configuration would.
func (s *stack) restartWorker() {
	s.t.Helper()
	old := s.worker
	s.worker = nil
	old.Stop()
	s.startWorker()
}

// resync runs one resync to completion and returns its report.
func (s *stack) resync() (syncdef.Progress, string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	id := fmt.Sprintf("aws-port-sync/%s/resync-%d", s.integration, time.Now().UnixNano())
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true, Tuning: s.tuning})
	if err != nil {
		s.t.Fatal(err)
	}
	var p syncdef.Progress
	if err := run.Get(ctx, &p); err != nil {
		s.t.Fatalf("resync %s failed: %v", id, err)
	}
	return p, id
}

// catalogKeys is every entity in the Port emulator written by this integration.
func (s *stack) catalogKeys() map[catalog.Key]portemu.Entity {
	out := map[catalog.Key]portemu.Entity{}
	for _, e := range s.port.Entities() {
		if strings.HasPrefix(e.Datasource, catalog.IntegrationDatasourcePrefix(s.integration)) {
			out[catalog.Key{Blueprint: e.Blueprint, Identifier: e.Identifier}] = e
		}
	}
	return out
}

// expectedKeys is the catalog the organization implies under the default
// mapping: every ACTIVE account whose role can be assumed contributes its
// account entity and its resources in enabled regions; the management account
// also lists every organization account (any state).
func (s *stack) expectedKeys() map[catalog.Key]bool { return s.expectedKeysWithout(nil) }

// expectedKeysWithout is expectedKeys without the accounts excluded by the
// scoping settings (with the management account go the organization's
// account entities it lists).
func (s *stack) expectedKeysWithout(excluded map[string]bool) map[catalog.Key]bool {
	want := map[catalog.Key]bool{}
	s.aws.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if !excluded[o.ManagementAccountID] {
				want[catalog.Key{Blueprint: "organizationsAccount", Identifier: a.ID}] = true
			}
			role, ok := a.Roles[roleName]
			if a.State != "ACTIVE" || !ok || role.Denied || excluded[a.ID] {
				continue
			}
			want[catalog.Key{Blueprint: "awsAccount", Identifier: a.ID}] = true
			for key, resources := range a.Resources {
				for _, r := range resources {
					switch key.Kind {
					case "AWS::S3::Bucket":
						want[catalog.Key{Blueprint: "s3Bucket", Identifier: r.ARN}] = true
					case "AWS::EC2::Instance":
						if enabled(a, key.Region) {
							want[catalog.Key{Blueprint: "ec2Instance", Identifier: r.ID}] = true
						}
					case "AWS::ECS::Cluster":
						if enabled(a, key.Region) {
							want[catalog.Key{Blueprint: "ecsCluster", Identifier: r.ARN}] = true
						}
					case "AWS::Lambda::Function":
						if enabled(a, key.Region) {
							want[catalog.Key{Blueprint: "lambdaFunction", Identifier: r.ARN}] = true
						}
					}
				}
			}
		}
	})
	return want
}

// removeInstanceAndBucket removes, from AWS only, an EC2 instance (in an
// enabled region) and an S3 bucket of the first synced member account that has
// both; it returns the account and the catalog keys of what it removed.
func (s *stack) removeInstanceAndBucket() (account string, instance, bucket catalog.Key) {
	s.t.Helper()
	s.aws.Update(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if a.State != "ACTIVE" || a.Roles[roleName] == nil || a.ID == o.ManagementAccountID {
				continue
			}
			var instKey, bucketKey awsemu.ResourceKey
			var inst, b *awsemu.Resource
			for key, rs := range a.Resources {
				switch {
				case len(rs) == 0:
				case key.Kind == "AWS::EC2::Instance" && inst == nil && enabled(a, key.Region):
					instKey, inst = key, rs[0]
				case key.Kind == "AWS::S3::Bucket" && b == nil:
					bucketKey, b = key, rs[0]
				}
			}
			if inst == nil || b == nil {
				continue
			}
			o.RemoveResource(a.ID, instKey, inst.ID)
			o.RemoveResource(a.ID, bucketKey, b.ID)
			account = a.ID
			instance = catalog.Key{Blueprint: "ec2Instance", Identifier: inst.ID}
			bucket = catalog.Key{Blueprint: "s3Bucket", Identifier: b.ARN}
			return
		}
	})
	if account == "" {
		s.t.Fatal("no synced member account with both an instance and a bucket")
	}
	return account, instance, bucket
}

func enabled(a *awsemu.Account, region string) bool {
	st := a.Regions[region]
	return st == awsemu.RegionEnabled || st == awsemu.RegionEnabledByDefault
}

// assertCatalog compares the integration's entities with the expectation and
// lists every difference.
func (s *stack) assertCatalog(want map[catalog.Key]bool) map[catalog.Key]portemu.Entity {
	s.t.Helper()
	got := s.catalogKeys()
	var missing, extra []string
	for k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, k.Blueprint+"/"+k.Identifier)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k.Blueprint+"/"+k.Identifier)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		s.t.Fatalf("catalog differs from the organization (%d entities, want %d):\nmissing %d: %v\nextra %d: %v",
			len(got), len(want), len(missing), missing, len(extra), extra)
	}
	return got
}

// entityWrites counts upsert calls the Port emulator received.
func (s *stack) entityWrites() int {
	n := 0
	for _, r := range s.port.Requests() {
		if r.Method == "POST" && strings.HasPrefix(r.Path, "/v1/blueprints/") &&
			(strings.HasSuffix(r.Path, "/entities") || strings.HasSuffix(r.Path, "/entities/bulk")) {
			n++
		}
	}
	return n
}

func (s *stack) writeMapping(yaml string) {
	s.t.Helper()
	s.mappingFile = filepath.Join(s.t.TempDir(), "port-app-config.yml")
	if err := os.WriteFile(s.mappingFile, []byte(yaml), 0o600); err != nil {
		s.t.Fatal(err)
	}
}
