// Package telemetry wires OpenTelemetry into the worker and the starter.
// Metrics: the Temporal SDK's own (task and activity latencies, failures,
// poller counts) and aws-port-sync's counters, recorded through the SDK's
// metrics handler, exported for Prometheus. Traces (tracing.go): Temporal's
// client, workflow and activity spans, with the AWS SDK's calls and the Port
// client's HTTP calls beneath them, exported over OTLP when the standard
// OTEL_EXPORTER_OTLP_ENDPOINT is set.
package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	promexporter "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// Metrics is a meter provider and the Temporal metrics handler on top of it.
type Metrics struct {
	provider *sdkmetric.MeterProvider
	registry *prometheus.Registry
	handler  client.MetricsHandler
}

// NewPrometheus exports to a private Prometheus registry (served by Handler).
func NewPrometheus() (*Metrics, error) {
	reg := prometheus.NewRegistry()
	exporter, err := promexporter.New(promexporter.WithRegisterer(reg), promexporter.WithoutScopeInfo())
	if err != nil {
		return nil, fmt.Errorf("prometheus exporter: %w", err)
	}
	m := New(exporter)
	m.registry = reg
	return m, nil
}

// New reads metrics with reader (a Prometheus exporter, an OTLP periodic
// reader, or a manual reader in tests).
func New(reader sdkmetric.Reader) *Metrics {
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	return &Metrics{
		provider: provider,
		handler: temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
			Meter:                provider.Meter("aws-port-sync"),
			UseMonotonicCounters: true,
			OnError:              func(err error) { slog.Warn("metrics", "error", err) },
		}),
	}
}

// TemporalHandler goes into client.Options.MetricsHandler; activities and
// workflows then record through activity/workflow.GetMetricsHandler.
func (m *Metrics) TemporalHandler() client.MetricsHandler { return m.handler }

// Handler serves /metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	if m.registry == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Shutdown flushes and stops the provider.
func (m *Metrics) Shutdown(ctx context.Context) error { return m.provider.Shutdown(ctx) }
