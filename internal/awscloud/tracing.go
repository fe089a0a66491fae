package awscloud

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	// otelaws is marked deprecated upstream in favour of the SDK's own smithy
	// tracing, whose OpenTelemetry adapter is not published as a module here;
	// it still gives one client span per AWS call, which is what we want.
	//lint:ignore SA1019 see above
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
)

// instrument adds a client span per AWS call (service, operation, region,
// request id, status: never a credential or a payload) beneath the caller's
// span, e.g. a SyncScope activity's page. It sends no trace header to AWS.
func instrument(cfg *aws.Config, tp trace.TracerProvider) {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	otelaws.AppendMiddlewares(&cfg.APIOptions,
		otelaws.WithTracerProvider(tp),
		otelaws.WithTextMapPropagator(propagation.NewCompositeTextMapPropagator()))
}
