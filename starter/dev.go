package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/examples"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
)

// runDev is `make run`: the Temporal dev server (state in .dev/, Web UI on
// 8233), the emulators with a demo organization, the worker, the schedule, and
// a first resync with progress. It stops everything it started on Ctrl-C.
//
// The emulators and the worker are separate processes (bin/emulators,
// bin/worker): production code never imports the emulators.
func runDev(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	dir := fs.String("dir", ".dev", "state directory (Temporal database, Port state, logs)")
	bin := fs.String("bin", "bin", "directory with the worker and emulators binaries")
	temporalPort := fs.Int("temporal-port", 7233, "Temporal frontend port on 127.0.0.1")
	uiPort := fs.Int("ui-port", 8233, "Temporal Web UI port on 127.0.0.1")
	codecPort := fs.Int("codec-port", 8234, "payload codec server port on 127.0.0.1 (lets the Web UI show compressed batches)")
	metricsPort := fs.Int("metrics-port", 9464, "worker's Prometheus metrics port on 127.0.0.1")
	integration := fs.String("integration", "aws-port-sync-demo", "integration identifier")
	exitAfterResync := fs.Bool("exit-after-resync", false, "stop everything after the first resync (for scripts)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	for _, p := range []int{*temporalPort, *uiPort, *codecPort, *metricsPort} {
		if err := portFree(p); err != nil {
			return err
		}
	}
	temporalCLI, err := exec.LookPath("temporal")
	if err != nil {
		return errors.New("the temporal CLI is not on PATH: run `make tools` (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)")
	}

	var procs processes
	defer procs.stopAll()

	codecURL := fmt.Sprintf("http://127.0.0.1:%d", *codecPort)
	stopCodec, err := serveCodec(fmt.Sprintf("127.0.0.1:%d", *codecPort), fmt.Sprintf("http://127.0.0.1:%d", *uiPort))
	if err != nil {
		return err
	}
	defer stopCodec()

	fmt.Println("Starting the Temporal dev server…")
	if err := procs.start(*dir, "temporal", nil, temporalCLI, "server", "start-dev",
		"--ip", "127.0.0.1", "--port", fmt.Sprint(*temporalPort), "--ui-port", fmt.Sprint(*uiPort),
		"--db-filename", filepath.Join(*dir, "temporal.db"), "--namespace", "default", "--log-level", "warn",
		"--ui-codec-endpoint", codecURL,
		"--search-attribute", "AwsAccountId=Keyword", "--search-attribute", "AwsPortSyncIntegration=Keyword"); err != nil {
		return err
	}

	envFile := filepath.Join(*dir, "emulators.env")
	_ = os.Remove(envFile)
	fmt.Println("Starting the AWS and Port emulators…")
	if err := procs.start(*dir, "emulators", nil, filepath.Join(*bin, "emulators"), "--state-dir", *dir); err != nil {
		return err
	}
	emuEnv, err := waitForEnvFile(ctx, envFile, &procs)
	if err != nil {
		return err
	}

	address := fmt.Sprintf("127.0.0.1:%d", *temporalPort)
	workerEnv := append(emuEnv,
		"TEMPORAL_ADDRESS="+address,
		"TEMPORAL_NAMESPACE=default",
		"OCEAN__INTEGRATION__IDENTIFIER="+*integration,
		"OCEAN__SCHEDULED_RESYNC_INTERVAL=60",
		// Port's Resync button works locally: the emulator's resync request
		// starts a resync within 5 s (the first resync is started below).
		`OCEAN__EVENT_LISTENER={"type":"POLLING","interval":5,"resyncOnStart":false}`,
		fmt.Sprintf("AWS_PORT_SYNC_METRICS_ADDR=127.0.0.1:%d", *metricsPort),
	)
	// The demo catalog shows every kind: the worker reads every example's
	// mapping, whose blueprints are created first.
	demoMapping, err := demoCatalog(ctx, *dir, emuEnv)
	if err != nil {
		return err
	}
	workerEnv = append(workerEnv, "PORT_APP_CONFIG_FILE="+demoMapping)
	cfg, err := config.Load(envLookup(workerEnv), "")
	if err != nil {
		return err
	}
	c, err := dialWhenReady(ctx, cfg, &procs)
	if err != nil {
		return err
	}
	defer c.Close()

	fmt.Println("Starting the worker…")
	if err := procs.start(*dir, "worker", workerEnv, filepath.Join(*bin, "worker")); err != nil {
		return err
	}
	if err := ensure(ctx, c, cfg); err != nil {
		return err
	}
	id, following, err := firstResync(func() (string, error) { return schedule.Trigger(ctx, c, cfg.IntegrationIdentifier) })
	if err != nil {
		return err
	}
	if following {
		// A .dev/ kept from an earlier `make run`: its schedule caught up on
		// the run it missed while the dev server was down.
		fmt.Println("A resync was already running (the schedule caught up on a missed run): following it")
	}
	fmt.Println("First resync:", id)
	followErr := maybeFollow(ctx, c, cfg, id, true)

	fmt.Println()
	fmt.Printf("Temporal Web UI:  http://127.0.0.1:%d/namespaces/default/workflows\n", *uiPort)
	fmt.Printf("Port emulator:    %s  (the catalog as a web page)\n", envValue(emuEnv, "OCEAN__PORT__BASE_URL"))
	fmt.Printf("Next resync:      temporal schedule trigger -s %s --address %s   (or: TEMPORAL_ADDRESS=%s ./bin/starter trigger --wait)\n",
		schedule.ID(cfg.IntegrationIdentifier), address, address)
	fmt.Printf("Resync button:    curl -X POST %s/_emulator/resync-request/%s   (the POLLING listener starts a resync within 5 s; ./bin/starter status shows it)\n",
		envValue(emuEnv, "OCEAN__PORT__BASE_URL"), cfg.IntegrationIdentifier)
	fmt.Printf("Progress query:   temporal workflow query --type progress -w %s --address %s --codec-endpoint %s\n", id, address, codecURL)
	fmt.Printf("Worker metrics:   http://127.0.0.1:%d/metrics\n", *metricsPort)
	fmt.Printf("Logs:             %s/{temporal,emulators,worker}.log\n", *dir)
	var outcome *outcomeError
	switch {
	case errors.As(followErr, &outcome) && outcome.code == schedule.ExitDegraded:
		// The demo organization has an account without a member role on
		// purpose: it shows a denied account keeping its entities.
		fmt.Println("The first resync is partial: one account of the demo organization has no member role, on purpose (see README).")
	case followErr != nil:
		fmt.Println("The first resync failed:", followErr)
	}
	if *exitAfterResync {
		return followErr
	}
	fmt.Println("Running; Ctrl-C stops everything.")
	select {
	case <-ctx.Done():
	case err := <-procs.exited:
		return fmt.Errorf("a process of the stack stopped: %w", err)
	}
	fmt.Println("\nStopping…")
	return nil
}

type proc struct {
	name string
	cmd  *exec.Cmd
}

// processes are the stack's children; each dies with the starter (Pdeathsig)
// even if the starter is killed, and stopAll stops them gracefully.
type processes struct {
	list   []proc
	exited chan error
}

func (p *processes) start(dir, name string, env []string, path string, args ...string) error {
	if p.exited == nil {
		p.exited = make(chan error, 8)
	}
	logFile, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s (%s): %w", name, path, err)
	}
	go func() {
		err := cmd.Wait()
		logFile.Close()
		p.exited <- fmt.Errorf("%s exited (%v); see %s", name, err, logFile.Name())
	}()
	p.list = append(p.list, proc{name: name, cmd: cmd})
	return nil
}

func (p *processes) stopAll() {
	for i := len(p.list) - 1; i >= 0; i-- {
		c := p.list[i].cmd
		_ = c.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _, _ = c.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(35 * time.Second):
			_ = c.Process.Kill()
		}
	}
	p.list = nil
}

func portFree(port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("port %d on 127.0.0.1 is in use (another `make run`?): %w", port, err)
	}
	return l.Close()
}

// waitForEnvFile waits for the emulators to write their addresses and credentials.
func waitForEnvFile(ctx context.Context, path string, procs *processes) ([]string, error) {
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			var env []string
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if line := strings.TrimSpace(sc.Text()); line != "" {
					env = append(env, line)
				}
			}
			return env, sc.Err()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-procs.exited:
			return nil, err
		case <-deadline:
			return nil, fmt.Errorf("the emulators did not write %s within 30s", path)
		case <-tick.C:
		}
	}
}

// dialWhenReady connects once the dev server answers health checks.
func dialWhenReady(ctx context.Context, cfg *config.Config, procs *processes) (client.Client, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := dial(cfg)
		if err == nil {
			if _, err = c.CheckHealth(ctx, &client.CheckHealthRequest{}); err == nil {
				return c, nil
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the Temporal dev server did not become ready: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-procs.exited:
			return nil, err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func envLookup(env []string) func(string) string {
	return func(key string) string {
		if v := envValue(env, key); v != "" {
			return v
		}
		return os.Getenv(key)
	}
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// demoCatalog creates every example's blueprint in the Port emulator and
// writes the examples' mapping (examples.Demo) to dir; it returns the file.
func demoCatalog(ctx context.Context, dir string, emuEnv []string) (string, error) {
	mappingYAML, blueprints, err := examples.Demo()
	if err != nil {
		return "", fmt.Errorf("demo mapping: %w", err)
	}
	pc, err := port.New(port.Config{
		BaseURL:      envValue(emuEnv, "OCEAN__PORT__BASE_URL"),
		ClientID:     envValue(emuEnv, "OCEAN__PORT__CLIENT_ID"),
		ClientSecret: envValue(emuEnv, "OCEAN__PORT__CLIENT_SECRET"),
	})
	if err != nil {
		return "", fmt.Errorf("demo blueprints: %w", err)
	}
	// Only the missing ones: EnsureBlueprints (Ocean's rule for defaults)
	// skips all once any exists, and a .dev/ kept from an earlier version
	// holds the default blueprints without the examples' (every example
	// entity was then rejected).
	var missing []map[string]any
	for _, bp := range blueprints {
		id, _ := bp["identifier"].(string)
		if _, err := pc.GetBlueprint(ctx, id); port.IsNotFound(err) {
			missing = append(missing, bp)
		} else if err != nil {
			return "", fmt.Errorf("demo blueprint %s: %w", id, err)
		}
	}
	if len(missing) > 0 {
		if _, err := pc.EnsureBlueprints(ctx, missing); err != nil {
			return "", fmt.Errorf("demo blueprints: %w", err)
		}
	}
	file := filepath.Join(dir, "demo-port-app-config.yml")
	header := "# Written by `starter dev`: every example of examples/ at once (edit it and\n# restart the worker, or point PORT_APP_CONFIG_FILE elsewhere).\n"
	if err := os.WriteFile(file, append([]byte(header), mappingYAML...), 0o600); err != nil {
		return "", fmt.Errorf("demo mapping: %w", err)
	}
	return file, nil
}

// firstResync starts the demo's first resync, or names the one already
// running (following reports which): either way there is one to follow.
func firstResync(trigger func() (string, error)) (id string, following bool, err error) {
	id, err = trigger()
	var refused *schedule.RefusedError
	if errors.As(err, &refused) && refused.Running != "" {
		return refused.Running, true, nil
	}
	return id, false, err
}
