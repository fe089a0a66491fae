package telemetry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
)

// The standard OpenTelemetry variables that switch tracing on and choose the
// exporter. The exporters read the rest themselves (OTEL_EXPORTER_OTLP_HEADERS,
// _TIMEOUT, _COMPRESSION, _CERTIFICATE, _INSECURE and their _TRACES_ forms), the
// SDK reads OTEL_TRACES_SAMPLER(_ARG) and OTEL_BSP_*, the resource reads
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
const (
	EnvEndpoint         = "OTEL_EXPORTER_OTLP_ENDPOINT"
	EnvTracesEndpoint   = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	EnvProtocol         = "OTEL_EXPORTER_OTLP_PROTOCOL"
	EnvTracesProtocol   = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	EnvTracesExporter   = "OTEL_TRACES_EXPORTER"
	EnvSDKDisabled      = "OTEL_SDK_DISABLED"
	ProtocolHTTP        = "http/protobuf"
	ProtocolGRPC        = "grpc"
	instrumentationName = "github.com/aws-port-sync/aws-port-sync"
)

// Tracing is the process's tracer provider: OTLP export when
// OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_ form) is set, a no-op otherwise.
type Tracing struct {
	provider trace.TracerProvider
	sdk      *sdktrace.TracerProvider // nil when off
	endpoint string
	protocol string
}

// NewTracing reads the standard OTEL_* variables. service is the default
// service.name (OTEL_SERVICE_NAME wins), version the service.version. With no
// endpoint, with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, tracing
// is off and costs nothing. An exporter or protocol it cannot serve is an
// error, so a typo does not silently lose every trace.
func NewTracing(ctx context.Context, service, version string) (*Tracing, error) {
	off := &Tracing{provider: noop.NewTracerProvider()}
	if disabled, _ := strconv.ParseBool(strings.TrimSpace(os.Getenv(EnvSDKDisabled))); disabled {
		return off, nil
	}
	switch exp := strings.TrimSpace(os.Getenv(EnvTracesExporter)); exp {
	case "none":
		return off, nil
	case "", "otlp":
	default:
		return nil, fmt.Errorf("%s=%q: only otlp (or none) is supported", EnvTracesExporter, exp)
	}
	endpoint := firstEnv(EnvTracesEndpoint, EnvEndpoint)
	if endpoint == "" {
		return off, nil
	}
	protocol := firstEnv(EnvTracesProtocol, EnvProtocol)
	if protocol == "" {
		protocol = ProtocolHTTP // the specification's default
	}
	var client otlptrace.Client
	switch protocol {
	case ProtocolHTTP:
		client = otlptracehttp.NewClient()
	case ProtocolGRPC:
		client = otlptracegrpc.NewClient()
	default:
		return nil, fmt.Errorf("%s=%q: use %s or %s", EnvProtocol, protocol, ProtocolHTTP, ProtocolGRPC)
	}
	exporter, err := otlptrace.New(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter (%s, %s): %w", endpoint, protocol, err)
	}
	// Deliberately no process command line (it may carry secrets) in the resource.
	res, err := resource.New(ctx,
		resource.WithAttributes(
			attribute.String("service.name", service),
			attribute.String("service.version", version),
		),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithFromEnv(),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("trace resource (%s): %w", "OTEL_RESOURCE_ATTRIBUTES", err)
	}
	sdk := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	return &Tracing{provider: sdk, sdk: sdk, endpoint: endpoint, protocol: protocol}, nil
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(os.Getenv(n)); v != "" {
			return v
		}
	}
	return ""
}

// Enabled reports whether spans are exported.
func (t *Tracing) Enabled() bool { return t.sdk != nil }

// Endpoint and Protocol say where spans go ("" when off), for the start-up log.
func (t *Tracing) Endpoint() string { return t.endpoint }
func (t *Tracing) Protocol() string { return t.protocol }

// TracerProvider is the provider to give instrumentation (a no-op when off).
func (t *Tracing) TracerProvider() trace.TracerProvider { return t.provider }

// Propagator carries trace context and baggage across Temporal calls.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// SetGlobal makes this the process-wide provider, which the AWS SDK
// middleware and the Port client's transport use unless given another.
func (t *Tracing) SetGlobal() {
	otel.SetTracerProvider(t.provider)
	otel.SetTextMapPropagator(Propagator())
}

// TemporalInterceptors are the client interceptors that trace workflows and
// activities: client, workflow and activity spans, with the context carried
// in Temporal headers from the client to every worker that runs a part of the
// resync. Workers built from the client inherit them. None when tracing is off.
func (t *Tracing) TemporalInterceptors() ([]interceptor.ClientInterceptor, error) {
	if !t.Enabled() {
		return nil, nil
	}
	tracing, err := temporalotel.NewTracingInterceptor(temporalotel.TracerOptions{
		Tracer:            t.provider.Tracer("temporal-sdk-go"),
		TextMapPropagator: Propagator(),
		// Progress queries poll every few hundred milliseconds: tracing them
		// would bury the resync under query spans.
		DisableQueryTracing: true,
	})
	if err != nil {
		return nil, fmt.Errorf("temporal tracing interceptor: %w", err)
	}
	return []interceptor.ClientInterceptor{tracing, &activityAttributes{}}, nil
}

// Shutdown exports what is buffered and stops the provider.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t.sdk == nil {
		return nil
	}
	return t.sdk.Shutdown(ctx)
}
