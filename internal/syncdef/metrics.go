package syncdef

// Metric names and tag keys (see internal/telemetry) recorded by the activities and workflows (through
// Temporal's metrics handler, so workflow metrics are replay-safe). Prometheus
// sees them with a _total suffix on counters.
const (
	// EntitiesMetric counts entities by blueprint and outcome.
	EntitiesMetric = "aws_port_sync_entities"
	// PagesMetric counts AWS pages by kind and outcome.
	PagesMetric = "aws_port_sync_pages"
	// AccountsMetric counts finished account syncs by status.
	AccountsMetric = "aws_port_sync_accounts"
	// DeletionsBlockedMetric counts resyncs whose deletions the threshold stopped.
	DeletionsBlockedMetric = "aws_port_sync_deletions_blocked"

	TagKind      = "kind"
	TagBlueprint = "blueprint"
	TagOutcome   = "outcome"
	TagStatus    = "status"

	OutcomeUpserted  = "upserted"
	OutcomeUnchanged = "unchanged"
	OutcomeFailed    = "failed"
	OutcomeDeleted   = "deleted"
	OutcomeOK        = "ok"
	OutcomeDenied    = "denied"
	OutcomeThrottled = "throttled"
	OutcomeError     = "error"
	OutcomeSkipped   = "skipped"
)
