// Command starter manages aws-port-sync's resyncs on Temporal:
//
//	starter ensure            create or update the schedule (idempotent)
//	starter trigger [--wait]  start a resync now (same as `temporal schedule trigger -s aws-port-sync/<integration>`)
//	starter run [--wait]      start a one-off resync outside the schedule
//	starter status            the schedule and the latest resync's progress
//	starter pause | unpause   stop or resume scheduled resyncs
//	starter codec-server      the payload codec for the Web UI and the CLI
//	starter dev               the local stack behind `make run`
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry"
)

const usage = `usage: starter [--config FILE] <command> [flags]

commands:
  ensure            create or update the schedule "aws-port-sync/<integration>"
  trigger [--wait]  start a resync now through the schedule
  run [--wait]      start a one-off resync outside the schedule
  status            show the schedule and the latest resync's progress
  pause | unpause   stop or resume scheduled resyncs
  codec-server      serve the payload codec for the Web UI / CLI (--addr, --ui-origin)
  dev               run the whole thing locally (make run)
`

// errUsage marks errors answered with the usage text.
var errUsage = errors.New("usage")

func main() {
	configFile := flag.String("config", os.Getenv("AWS_PORT_SYNC_CONFIG"), "optional YAML configuration file; the environment overrides it")
	flag.Usage = func() { fmt.Fprint(os.Stderr, usage) }
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := dispatch(ctx, *configFile, flag.Arg(0), flag.Args()[1:])
	os.Exit(exitCode(err))
}

// exitCode prints err and says how the starter exits: 0 synced, 1 failed,
// 2 usage, 3 degraded, 4 refused (see schedule.Exit*).
func exitCode(err error) int {
	var outcome *outcomeError
	switch {
	case err == nil:
		return schedule.ExitSynced
	case errors.Is(err, errUsage):
		flag.Usage()
		return schedule.ExitUsage
	case errors.As(err, &outcome):
		// The report has been printed; the code says how it went.
		return outcome.code
	case schedule.IsRefused(err):
		fmt.Fprintln(os.Stderr, "starter:", err)
		return schedule.ExitRefused
	default:
		fmt.Fprintln(os.Stderr, "starter:", err)
		return schedule.ExitFailed
	}
}

// outcomeError carries a followed resync's exit code once its report is out.
type outcomeError struct {
	code   int
	status string
}

func (e *outcomeError) Error() string { return "resync " + e.status }

func dispatch(ctx context.Context, configFile, cmd string, args []string) error {
	switch cmd {
	case "dev":
		return runDev(ctx, args)
	case "codec-server":
		return runCodecServer(ctx, args)
	}
	// The worker's own validation: a configuration the worker refuses must
	// not start a resync that then waits for a worker that never comes.
	cfg, err := app.LoadConfig(configFile)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(os.Stderr, "starter: warning:", w)
	}
	tracing, stopTracing, err := app.StartTracing(ctx, "aws-port-sync-starter", cfg.Version, nil)
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	defer stopTracing()
	c, err := dialTraced(cfg, tracing)
	if err != nil {
		return err
	}
	defer c.Close()

	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	wait := fs.Bool("wait", false, "follow the resync with a progress bar and print the report")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	switch cmd {
	case "ensure":
		return ensure(ctx, c, cfg)
	case "trigger":
		id, err := schedule.Trigger(ctx, c, cfg.IntegrationIdentifier)
		if err != nil {
			return err
		}
		fmt.Println("resync started:", id)
		return maybeFollow(ctx, c, cfg, id, *wait)
	case "run":
		sa, _ := schedule.EnsureSearchAttributes(ctx, c, cfg.Temporal.Namespace)
		id, err := schedule.RunOnce(ctx, c, scheduleSpec(cfg, sa))
		if err != nil {
			return err
		}
		fmt.Println("resync started:", id)
		return maybeFollow(ctx, c, cfg, id, *wait)
	case "status":
		return status(ctx, c, cfg)
	case "pause", "unpause":
		if err := schedule.SetPaused(ctx, c, cfg.IntegrationIdentifier, cmd == "pause", "by starter "+cmd); err != nil {
			return err
		}
		fmt.Printf("schedule %s %sd\n", schedule.ID(cfg.IntegrationIdentifier), cmd)
		return nil
	}
	return errUsage
}

func dial(cfg *config.Config) (client.Client, error) { return dialTraced(cfg, nil) }

// dialTraced connects with the tracing interceptors (none when tracing is off),
// so that `run` starts the resync's trace.
func dialTraced(cfg *config.Config, tracing *telemetry.Tracing) (client.Client, error) {
	opts, err := app.ClientOptions(cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), tracing)
	if err != nil {
		return nil, err
	}
	c, err := client.Dial(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (TEMPORAL_ADDRESS): %w", cfg.Temporal.Address, err)
	}
	return c, nil
}

func scheduleSpec(cfg *config.Config, searchAttributes bool) schedule.Spec {
	return schedule.Spec{
		Integration: cfg.IntegrationIdentifier,
		TaskQueue:   cfg.Temporal.TaskQueue,
		Interval:    cfg.ScheduledResyncInterval,
		Input:       app.ResyncInput(cfg, searchAttributes),
	}
}

func ensure(ctx context.Context, c client.Client, cfg *config.Config) error {
	sa, _ := schedule.EnsureSearchAttributes(ctx, c, cfg.Temporal.Namespace)
	if !sa {
		fmt.Printf("note: search attributes %s could not be registered in namespace %s; runs go without them\n", strings.Join(syncdef.SearchAttributes, "/"), cfg.Temporal.Namespace)
	}
	created, err := schedule.Ensure(ctx, c, scheduleSpec(cfg, sa))
	if err != nil {
		return err
	}
	verb := "updated"
	if created {
		verb = "created"
	}
	fmt.Printf("schedule %s %s: every %s, overlap skip, catch-up window %s\n",
		schedule.ID(cfg.IntegrationIdentifier), verb, cfg.ScheduledResyncInterval, cfg.ScheduledResyncInterval)
	msg, err := app.EnsureListener(ctx, c, cfg, sa)
	if err != nil {
		return err
	}
	if msg != "" {
		fmt.Println(msg)
	}
	return nil
}

func maybeFollow(ctx context.Context, c client.Client, cfg *config.Config, id string, wait bool) error {
	if !wait {
		return nil
	}
	bar := newProgressBar(os.Stdout)
	p, err := schedule.FollowWith(ctx, c, id, schedule.FollowOptions{
		Every:      500 * time.Millisecond,
		OnProgress: bar.update,
		TaskQueue:  cfg.Temporal.TaskQueue,
		OnNoWorker: func(live bool) {
			bar.interrupt()
			if live {
				fmt.Fprintf(os.Stderr, "starter: a worker is polling task queue %q again\n", cfg.Temporal.TaskQueue)
				return
			}
			fmt.Fprintf(os.Stderr, "starter: no worker is polling task queue %q in namespace %q at %s: start one (./bin/worker, or the Helm release) with the same TEMPORAL_* settings; resync %s waits for it\n",
				cfg.Temporal.TaskQueue, cfg.Temporal.Namespace, cfg.Temporal.Address, id)
		},
	})
	bar.done()
	if schedule.IsRefused(err) {
		return err
	}
	printReport(os.Stdout, id, p, ownedByBlueprint(ctx, cfg))
	if err != nil {
		return err
	}
	if code := schedule.ExitCode(p); code != schedule.ExitSynced {
		return &outcomeError{code: code, status: p.ResyncStatus()}
	}
	return nil
}

func status(ctx context.Context, c client.Client, cfg *config.Config) error {
	d, err := schedule.Describe(ctx, c, cfg.IntegrationIdentifier)
	if err != nil {
		return fmt.Errorf("schedule %s: %w (run `starter ensure` first)", schedule.ID(cfg.IntegrationIdentifier), err)
	}
	paused := d.Schedule.State != nil && d.Schedule.State.Paused
	fmt.Printf("schedule %s: paused=%v, runs=%d, skipped overlaps=%d\n",
		schedule.ID(cfg.IntegrationIdentifier), paused, d.Info.NumActions, d.Info.NumActionsSkippedOverlap)
	if len(d.Info.NextActionTimes) > 0 {
		fmt.Println("next resync:", d.Info.NextActionTimes[0].Local().Format(time.RFC1123))
	}
	if cfg.Listener() == config.ListenerPolling {
		printWatcher(ctx, c, cfg)
	}
	var latest string
	if n := len(d.Info.RecentActions); n > 0 && d.Info.RecentActions[n-1].StartWorkflowResult != nil {
		latest = d.Info.RecentActions[n-1].StartWorkflowResult.WorkflowID
	}
	// A one-off run (starter run, temporal CLI) is not among the schedule's actions.
	if running, err := schedule.RunningResync(ctx, c, cfg.IntegrationIdentifier); err == nil && running != "" {
		fmt.Println("running:", running)
		latest = running
	}
	if latest == "" {
		fmt.Println("no resync has run yet")
		return nil
	}
	p, err := schedule.Query(ctx, c, latest)
	if err != nil {
		return err
	}
	printReport(os.Stdout, latest, p, nil)
	return nil
}

// printWatcher shows the POLLING listener's state: last poll, last request
// seen, last resync started, last error.
func printWatcher(ctx context.Context, c client.Client, cfg *config.Config) {
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	st, err := schedule.QueryWatcher(qctx, c, cfg.IntegrationIdentifier)
	if err != nil {
		fmt.Printf("resync watcher %s: %v (a worker starts it; so does `starter ensure`)\n", syncdef.WatcherID(cfg.IntegrationIdentifier), err)
		return
	}
	fmt.Print(formatWatcher(cfg.IntegrationIdentifier, st))
}

func formatWatcher(integration string, st syncdef.WatcherState) string {
	var b strings.Builder
	at := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format(time.RFC1123)
	}
	fmt.Fprintf(&b, "resync watcher %s (POLLING every %s): last poll %s, %d polls\n", syncdef.WatcherID(integration), st.Interval, at(st.LastPoll), st.Polls)
	if st.LastRequest.ID != "" || !st.LastRequest.UpdatedAt.IsZero() {
		fmt.Fprintf(&b, "  last request seen: %s updated %s (acted on up to %s)\n", orNone(st.LastRequest.ID), at(st.LastRequest.UpdatedAt), at(st.Watermark))
	}
	if st.LastResyncStarted != "" {
		fmt.Fprintf(&b, "  last resync started: %s at %s for %s: %s\n", st.LastResyncStarted, at(st.LastResyncStartedAt), st.LastResyncReason, st.LastResyncStatus)
	}
	if st.Pending {
		waiting := ""
		if st.WaitingFor != "" {
			waiting = ", waiting for " + st.WaitingFor
		}
		fmt.Fprintf(&b, "  owed: a resync for %s%s\n", st.PendingReason, waiting)
	}
	if st.LastError != "" {
		fmt.Fprintf(&b, "  last error %s: %s\n", at(st.LastErrorAt), st.LastError)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(no id)"
	}
	return s
}
