// Command worker runs aws-port-sync's Temporal worker: it registers the resync
// workflows and activities and polls the task queue until SIGINT/SIGTERM, then
// stops gracefully, letting in-flight activities finish or hand over.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
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
	if err := run(*configFile, *metricsAddr, logger); err != nil {
		fmt.Fprintln(os.Stderr, "aws-port-sync worker:", err)
		os.Exit(1)
	}
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

func run(configFile, metricsAddr string, logger *slog.Logger) error {
	cfg, err := app.LoadConfig(configFile)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	logger.Info("Starting worker", "config", cfg.Redacted())

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Before the activities: their AWS and Port clients trace through the global provider.
	tracing, stopTracing, err := app.StartTracing(ctx, "aws-port-sync-worker", cfg.Version, logger)
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	defer stopTracing()
	acts, err := app.NewActivities(ctx, cfg, logger)
	if err != nil {
		return err
	}
	opts, err := app.ClientOptions(cfg, logger, tracing)
	if err != nil {
		return err
	}
	if metricsAddr != "" {
		stop, handler, err := serveMetrics(metricsAddr, logger)
		if err != nil {
			return err
		}
		defer stop()
		opts.MetricsHandler = handler
	}
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s (TEMPORAL_ADDRESS): %w", cfg.Temporal.Address, err)
	}
	defer c.Close()

	// Schedules made by an older starter may already ask for the search
	// attributes; make sure the namespace has every one (where allowed).
	saCtx, saCancel := context.WithTimeout(context.Background(), 30*time.Second)
	if ok, _ := schedule.EnsureSearchAttributes(saCtx, c, cfg.Temporal.Namespace); !ok {
		logger.Warn("Search attributes could not be registered; resyncs started with them would fail. Run `starter ensure` with operator rights",
			"attributes", syncdef.SearchAttributes, "namespace", cfg.Temporal.Namespace)
	}
	saCancel()

	w := worker.New(c, cfg.Temporal.TaskQueue, app.WorkerOptions())
	workflows.Register(w)
	acts.SetTemporalClient(c)
	acts.Register(w)
	logger.Info("Worker polling", "taskQueue", cfg.Temporal.TaskQueue, "namespace", cfg.Temporal.Namespace, "integration", cfg.IntegrationIdentifier)
	if err := w.Run(worker.InterruptCh()); err != nil {
		return fmt.Errorf("worker stopped: %w", err)
	}
	logger.Info("Worker stopped")
	return nil
}
