package app

import (
	"context"
	"log/slog"
	"net/url"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/config"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry"
	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
)

// StartTracing turns on OpenTelemetry tracing when the standard OTEL_*
// variables ask for it (OTEL_EXPORTER_OTLP_ENDPOINT and friends) and makes it
// the process's provider, so the AWS SDK's and the Port client's calls become
// spans. service is the default service.name. stop flushes what is buffered;
// call it before the process exits. Off, it costs nothing.
func StartTracing(ctx context.Context, service, version string, logger *slog.Logger) (tr *telemetry.Tracing, stop func(), err error) {
	tr, err = telemetry.NewTracing(ctx, service, version)
	if err != nil {
		return nil, nil, err
	}
	tr.SetGlobal()
	if tr.Enabled() && logger != nil {
		logger.Info("Tracing", "endpoint", redactURL(tr.Endpoint()), "protocol", tr.Protocol())
	}
	return tr, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := tr.Shutdown(ctx); err != nil && logger != nil {
			logger.Warn("Tracing: flushing spans failed", "error", err)
		}
	}, nil
}

// ClientOptions are the Temporal client options of the worker and the
// starter: temporalx's (address, namespace, API key, TLS, codec) plus the
// tracing interceptors when tracing is on. Workers created from the client
// inherit the interceptors.
func ClientOptions(cfg *config.Config, logger *slog.Logger, tr *telemetry.Tracing) (client.Options, error) {
	opts, err := temporalx.ClientOptions(cfg.Temporal, logger)
	if err != nil {
		return opts, err
	}
	if tr != nil {
		interceptors, err := tr.TemporalInterceptors()
		if err != nil {
			return opts, err
		}
		opts.Interceptors = append(opts.Interceptors, interceptors...)
	}
	return opts, nil
}

// redactURL drops credentials someone put in the endpoint URL before logging it.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
