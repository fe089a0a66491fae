package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// count adds n to a counter through the worker's metrics handler (a no-op
// handler when the worker exports no metrics).
func count(ctx context.Context, name string, n int, tags map[string]string) {
	if n <= 0 {
		return
	}
	activity.GetMetricsHandler(ctx).WithTags(tags).Counter(name).Inc(int64(n))
}

func countPage(ctx context.Context, kind, outcome string) {
	count(ctx, syncdef.PagesMetric, 1, map[string]string{syncdef.TagKind: kind, syncdef.TagOutcome: outcome})
}

func countEntities(ctx context.Context, blueprint, outcome string, n int) {
	count(ctx, syncdef.EntitiesMetric, n, map[string]string{syncdef.TagBlueprint: blueprint, syncdef.TagOutcome: outcome})
}

// pageOutcome names an AWS failure for the pages counter.
func pageOutcome(err error) string {
	switch awscloud.Classify(err) {
	case awscloud.ErrDenied:
		return syncdef.OutcomeDenied
	case awscloud.ErrThrottled:
		return syncdef.OutcomeThrottled
	default:
		return syncdef.OutcomeError
	}
}
