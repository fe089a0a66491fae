// Command worker runs aws-port-sync's Temporal worker: it registers the resync
// workflows and activities and polls the task queue until SIGINT/SIGTERM, then
// stops gracefully, letting in-flight activities finish or hand over.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
	"github.com/aws-port-sync/aws-port-sync/workflows"
)

func main() {
	configFile := flag.String("config", os.Getenv("AWS_PORT_SYNC_CONFIG"), "optional YAML configuration file (Helm-values names); the environment overrides it")
	logLevel := flag.String("log-level", "info", "debug, info, warn or error")
	flag.Parse()

	logger := newLogger(*logLevel)
	if err := run(*configFile, logger); err != nil {
		fmt.Fprintln(os.Stderr, "aws-port-sync worker:", err)
		os.Exit(1)
	}
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func run(configFile string, logger *slog.Logger) error {
	cfg, err := app.LoadConfig(configFile)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	logger.Info("Starting worker", "config", cfg.Redacted())

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	acts, err := app.NewActivities(ctx, cfg, logger)
	cancel()
	if err != nil {
		return err
	}
	opts, err := temporalx.ClientOptions(cfg.Temporal, logger)
	if err != nil {
		return err
	}
	c, err := client.Dial(opts)
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s (TEMPORAL_ADDRESS): %w", cfg.Temporal.Address, err)
	}
	defer c.Close()

	w := worker.New(c, cfg.Temporal.TaskQueue, app.WorkerOptions())
	workflows.Register(w)
	acts.Register(w)
	logger.Info("Worker polling", "taskQueue", cfg.Temporal.TaskQueue, "namespace", cfg.Temporal.Namespace, "integration", cfg.IntegrationIdentifier)
	if err := w.Run(worker.InterruptCh()); err != nil {
		return fmt.Errorf("worker stopped: %w", err)
	}
	logger.Info("Worker stopped")
	return nil
}
