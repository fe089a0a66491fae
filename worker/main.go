// Command worker runs aws-port-sync's Temporal worker: it registers the resync
// workflows and activities and polls the task queue until SIGINT/SIGTERM, then
// stops gracefully, letting in-flight activities finish or hand over.
//
// The event listener (integration.eventListener.type, OCEAN__EVENT_LISTENER)
// decides what else it does: POLLING makes sure the integration's resync
// watcher runs; ONCE runs one resync, waits for it, stops and exits with the
// starter's exit codes (0 synced, 1 failed, 3 degraded, 4 refused), for a
// Kubernetes Job or CronJob.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/config"
	"github.com/aws-port-sync/aws-port-sync/internal/schedule"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry"
	"github.com/aws-port-sync/aws-port-sync/workflows"
)

func main() {
	configFile := flag.String("config", os.Getenv("AWS_PORT_SYNC_CONFIG"), "optional YAML configuration file (Helm-values names); the environment overrides it")
	logLevel := flag.String("log-level", "info", "debug, info, warn or error")
	metricsAddr := flag.String("metrics-addr", os.Getenv("AWS_PORT_SYNC_METRICS_ADDR"), "serve Prometheus metrics on this address (e.g. :9464); empty = off")
	flag.Parse()

	logger := newLogger(*logLevel)
	code, err := run(*configFile, *metricsAddr, logger)
	if err != nil {
		fmt.Fprintln(os.Stderr, "aws-port-sync worker:", err)
		if code == schedule.ExitSynced {
			code = schedule.ExitFailed
		}
	}
	os.Exit(code)
}

// serveMetrics exports the Temporal SDK's metrics and aws-port-sync's counters
// (aws_port_sync_entities_total, _pages_total, _accounts_total,
// _deletions_blocked_total) on addr/metrics for Prometheus.
func serveMetrics(addr string, logger *slog.Logger) (stop func(), handler client.MetricsHandler, err error) {
	m, err := telemetry.NewPrometheus()
	if err != nil {
		return nil, nil, err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics address %s (--metrics-addr, AWS_PORT_SYNC_METRICS_ADDR): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	logger.Info("Serving metrics", "address", l.Addr().String()+"/metrics")
	return func() {
		_ = srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.Shutdown(ctx)
	}, m.TemporalHandler(), nil
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func run(configFile, metricsAddr string, logger *slog.Logger) (int, error) {
	cfg, err := app.LoadConfig(configFile)
	if err != nil {
		return schedule.ExitFailed, fmt.Errorf("invalid configuration:\n%w", err)
	}
	logger.Info("Starting worker", "config", cfg.Redacted())
	for _, w := range cfg.Warnings() {
		logger.Warn(w)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Before the activities: their AWS and Port clients trace through the global provider.
	tracing, stopTracing, err := app.StartTracing(ctx, "aws-port-sync-worker", cfg.Version, logger)
	if err != nil {
		return schedule.ExitFailed, fmt.Errorf("tracing: %w", err)
	}
	defer stopTracing()
	acts, portLimit, err := app.NewWorkerActivities(ctx, cfg, logger)
	if err != nil {
		return schedule.ExitFailed, err
	}
	opts, err := app.ClientOptions(cfg, logger, tracing)
	if err != nil {
		return schedule.ExitFailed, err
	}
	if metricsAddr != "" {
		stop, handler, err := serveMetrics(metricsAddr, logger)
		if err != nil {
			return schedule.ExitFailed, err
		}
		defer stop()
		opts.MetricsHandler = handler
	}
	c, err := client.Dial(opts)
	if err != nil {
		return schedule.ExitFailed, fmt.Errorf("connect to Temporal at %s (TEMPORAL_ADDRESS): %w", cfg.Temporal.Address, err)
	}
	defer c.Close()

	// Schedules made by an older starter may already ask for the search
	// attributes; make sure the namespace has every one (where allowed).
	saCtx, saCancel := context.WithTimeout(context.Background(), 30*time.Second)
	sa, _ := schedule.EnsureSearchAttributes(saCtx, c, cfg.Temporal.Namespace)
	if !sa {
		logger.Warn("Search attributes could not be registered; resyncs started with them would fail. Run `starter ensure` with operator rights",
			"attributes", syncdef.SearchAttributes, "namespace", cfg.Temporal.Namespace)
	}
	saCancel()

	// Port's limits hold for the organization: this worker sends its share
	// of cfg.MaxPortRequestsPerSecond, the cap divided by the live workers
	// Temporal lists as pollers of the task queue.
	wopts := app.WorkerOptions()
	wopts.Identity = app.WorkerIdentity()
	shareCtx, stopSharing := context.WithCancel(context.Background())
	defer stopSharing()
	app.SharePortCap(shareCtx, c, cfg.Temporal.TaskQueue, wopts.Identity, portLimit, app.WorkerCountInterval, logger)

	w := worker.New(c, cfg.Temporal.TaskQueue, wopts)
	workflows.Register(w)
	acts.SetTemporalClient(c)
	acts.Register(w)
	if cfg.Listener() == config.ListenerOnce {
		return runOnce(c, w, cfg, sa, logger)
	}
	lctx, lcancel := context.WithTimeout(context.Background(), 30*time.Second)
	msg, err := app.EnsureListener(lctx, c, cfg, sa)
	lcancel()
	if err != nil {
		return schedule.ExitFailed, fmt.Errorf("event listener %s (%s): %w", cfg.Listener(), config.FieldEventListenerType, err)
	}
	if msg != "" {
		logger.Info(msg)
	}
	logger.Info("Worker polling", "taskQueue", cfg.Temporal.TaskQueue, "namespace", cfg.Temporal.Namespace, "integration", cfg.IntegrationIdentifier)
	if err := w.Run(worker.InterruptCh()); err != nil {
		return schedule.ExitFailed, fmt.Errorf("worker stopped: %w", err)
	}
	logger.Info("Worker stopped")
	return schedule.ExitSynced, nil
}

// runOnce is Ocean's ONCE listener: one resync (outside the schedule, refused
// while another runs), run by this worker, then stop. The exit code is the
// starter's: 0 synced, 1 failed, 3 degraded, 4 refused.
func runOnce(c client.Client, w worker.Worker, cfg *config.Config, sa bool, logger *slog.Logger) (int, error) {
	if err := w.Start(); err != nil {
		return schedule.ExitFailed, fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	id, err := schedule.RunOnce(ctx, c, schedule.Spec{
		Integration: cfg.IntegrationIdentifier, TaskQueue: cfg.Temporal.TaskQueue,
		Interval: cfg.ScheduledResyncInterval, Input: app.ResyncInput(cfg, sa),
	})
	if schedule.IsRefused(err) {
		return schedule.ExitRefused, err
	}
	if err != nil {
		return schedule.ExitFailed, err
	}
	logger.Info("ONCE: resync started; the worker exits when it ends", "resync", id)
	p, err := schedule.FollowWith(ctx, c, id, schedule.FollowOptions{Every: 5 * time.Second})
	if schedule.IsRefused(err) {
		return schedule.ExitRefused, err
	}
	if err != nil {
		return schedule.ExitFailed, err
	}
	code := schedule.ExitCode(p)
	logger.Info("ONCE: resync ended", "resync", id, "status", p.ResyncStatus(), "exitCode", code,
		"accounts", p.AccountsTotal, "accountsFailed", p.AccountsFailed,
		"upserted", p.Counts.Upserted, "unchanged", p.Counts.Unchanged, "failed", p.Counts.Failed, "deleted", p.Counts.Deleted,
		"deletion", p.DeletionNote)
	return code, nil
}
