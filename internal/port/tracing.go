package port

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traced returns a copy of hc whose transport records a client span per
// request ("Port POST /v1/…", method, URL, status), beneath the caller's span.
// Headers and bodies are not recorded, so neither the client secret nor a
// token can reach a span; no trace header is sent to Port.
func traced(hc *http.Client, tp trace.TracerProvider) *http.Client {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	out := *hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = otelhttp.NewTransport(base,
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			return "Port " + r.Method + " " + r.URL.Path
		}))
	return &out
}
