package e2e

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry"
	"github.com/aws-port-sync/aws-port-sync/workflows"
)

// The worker's metrics add up to what the resync reports: entities upserted by
// blueprint, pages fetched, accounts by status; and the Temporal SDK's own
// metrics come through the same provider.
func TestMetricsMatchTheResync(t *testing.T) {
	s := newStack(t, demoSpec(13))
	reader := sdkmetric.NewManualReader()
	m := telemetry.New(reader)
	opts := clientOptions(devAddress)
	opts.MetricsHandler = m.TemporalHandler()
	c, err := client.Dial(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, s.taskQueue, app.WorkerOptions())
	workflows.Register(w)
	s.activities(context.Background()).Register(w)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	p, _ := s.resync()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	sums := map[string]map[string]int64{} // metric -> "tag=value,…" -> sum
	names := map[string]bool{}
	for _, sm := range rm.ScopeMetrics {
		for _, metric := range sm.Metrics {
			names[metric.Name] = true
			data, ok := metric.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			for _, dp := range data.DataPoints {
				if sums[metric.Name] == nil {
					sums[metric.Name] = map[string]int64{}
				}
				sums[metric.Name][attr(dp.Attributes, syncdef.TagOutcome)+attr(dp.Attributes, syncdef.TagStatus)] += dp.Value
			}
		}
	}
	if got := sums[syncdef.EntitiesMetric][syncdef.OutcomeUpserted]; got != int64(p.Counts.Upserted) || got == 0 {
		t.Errorf("entities upserted metric = %d, resync says %d", got, p.Counts.Upserted)
	}
	if sums[syncdef.PagesMetric][syncdef.OutcomeOK] == 0 {
		t.Errorf("no page counted: %v", sums[syncdef.PagesMetric])
	}
	if got := sums[syncdef.AccountsMetric][syncdef.AccountSynced] + sums[syncdef.AccountsMetric][syncdef.AccountFailed]; got != int64(p.AccountsTotal) {
		t.Errorf("accounts metric = %v, resync had %d accounts", sums[syncdef.AccountsMetric], p.AccountsTotal)
	}
	if !names["temporal_activity_execution_latency"] && !names["temporal_activity_schedule_to_start_latency"] {
		t.Errorf("no Temporal SDK metric among %v", names)
	}
}

func attr(set attribute.Set, key string) string {
	v, _ := set.Value(attribute.Key(key))
	return v.AsString()
}
