package telemetry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.temporal.io/sdk/interceptor"

	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry/otlptest"
)

// clearOTEL unsets the variables that would turn tracing on from the outside.
func clearOTEL(t *testing.T) {
	for _, k := range []string{telemetry.EnvEndpoint, telemetry.EnvTracesEndpoint, telemetry.EnvProtocol,
		telemetry.EnvTracesProtocol, telemetry.EnvTracesExporter, telemetry.EnvSDKDisabled, "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"} {
		t.Setenv(k, "")
	}
}

func TestTracingOffWithoutEndpoint(t *testing.T) {
	clearOTEL(t)
	for name, env := range map[string]map[string]string{
		"no endpoint":    {},
		"exporter none":  {telemetry.EnvEndpoint: "http://127.0.0.1:1", telemetry.EnvTracesExporter: "none"},
		"SDK disabled":   {telemetry.EnvEndpoint: "http://127.0.0.1:1", telemetry.EnvSDKDisabled: "true"},
		"blank endpoint": {telemetry.EnvEndpoint: "  "},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range env {
				t.Setenv(k, v)
			}
			tr, err := telemetry.NewTracing(context.Background(), "svc", "1")
			if err != nil {
				t.Fatal(err)
			}
			if tr.Enabled() {
				t.Error("tracing is on")
			}
			if ics, err := tr.TemporalInterceptors(); err != nil || ics != nil {
				t.Errorf("interceptors %v, %v; want none", ics, err)
			}
			if _, span := tr.TracerProvider().Tracer("x").Start(context.Background(), "s"); span.IsRecording() {
				t.Error("spans record while tracing is off")
			}
		})
	}
}

func TestTracingRejectsWhatItCannotExport(t *testing.T) {
	clearOTEL(t)
	t.Setenv(telemetry.EnvEndpoint, "http://127.0.0.1:1")
	t.Setenv(telemetry.EnvProtocol, "http/json")
	if _, err := telemetry.NewTracing(context.Background(), "svc", "1"); err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_PROTOCOL") {
		t.Errorf("http/json: err = %v", err)
	}
	t.Setenv(telemetry.EnvProtocol, "")
	t.Setenv(telemetry.EnvTracesExporter, "zipkin")
	if _, err := telemetry.NewTracing(context.Background(), "svc", "1"); err == nil || !strings.Contains(err.Error(), "OTEL_TRACES_EXPORTER") {
		t.Errorf("zipkin: err = %v", err)
	}
}

// Spans reach a real OTLP receiver over both protocols, with the service
// name (OTEL_SERVICE_NAME wins over the default) and resource attributes.
func TestTracingExportsOverOTLP(t *testing.T) {
	for _, protocol := range []string{telemetry.ProtocolHTTP, telemetry.ProtocolGRPC} {
		t.Run(protocol, func(t *testing.T) {
			clearOTEL(t)
			var rec *otlptest.Receiver
			if protocol == telemetry.ProtocolGRPC {
				rec = otlptest.StartGRPC(t)
			} else {
				rec = otlptest.StartHTTP(t)
			}
			t.Setenv(telemetry.EnvEndpoint, rec.URL())
			t.Setenv(telemetry.EnvProtocol, protocol)
			t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "k8s.pod.name=pod-1")
			tr, err := telemetry.NewTracing(context.Background(), "aws-port-sync-worker", "1.2.3")
			if err != nil {
				t.Fatal(err)
			}
			if !tr.Enabled() || tr.Protocol() != protocol {
				t.Fatalf("enabled %v, protocol %q", tr.Enabled(), tr.Protocol())
			}
			_, span := tr.TracerProvider().Tracer("test").Start(context.Background(), "hello")
			span.SetAttributes(attribute.String("k", "v"))
			span.End()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := tr.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			spans := rec.Spans()
			if len(spans) != 1 || spans[0].Name != "hello" || spans[0].Attributes["k"] != "v" {
				t.Fatalf("received %+v", spans)
			}
			res := spans[0].Resource
			if res["service.name"] != "aws-port-sync-worker" || res["service.version"] != "1.2.3" || res["k8s.pod.name"] != "pod-1" {
				t.Errorf("resource = %v", res)
			}
		})
	}
	t.Run("OTEL_SERVICE_NAME", func(t *testing.T) {
		clearOTEL(t)
		rec := otlptest.StartHTTP(t)
		t.Setenv(telemetry.EnvEndpoint, rec.URL())
		t.Setenv("OTEL_SERVICE_NAME", "sync-eu")
		tr, err := telemetry.NewTracing(context.Background(), "aws-port-sync-worker", "1")
		if err != nil {
			t.Fatal(err)
		}
		_, span := tr.TracerProvider().Tracer("test").Start(context.Background(), "x")
		span.End()
		_ = tr.Shutdown(context.Background())
		if spans := rec.Spans(); len(spans) != 1 || spans[0].Service != "sync-eu" {
			t.Errorf("received %+v", spans)
		}
	})
}

// The activity span names the account, kind and region it works on, and
// nothing else of the input.
func TestActivitySpanAttributes(t *testing.T) {
	clearOTEL(t)
	rec := otlptest.StartHTTP(t)
	t.Setenv(telemetry.EnvEndpoint, rec.URL())
	tr, err := telemetry.NewTracing(context.Background(), "w", "1")
	if err != nil {
		t.Fatal(err)
	}
	ics, err := tr.TemporalInterceptors()
	if err != nil || len(ics) != 2 {
		t.Fatalf("interceptors %v, %v", ics, err)
	}
	attrs, ok := ics[1].(interceptor.WorkerInterceptor)
	if !ok {
		t.Fatalf("%T is no worker interceptor", ics[1])
	}
	in := syncdef.SyncScopeInput{
		Account:   syncdef.Account{ID: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/R"},
		Kind:      "AWS::EC2::Instance",
		Resources: []syncdef.ResourcePlan{{Kind: "AWS::EC2::Instance", Spec: `{"secret":"mapping"}`}},
		Units:     []syncdef.Unit{{Region: "eu-west-1"}}, ResyncID: "resync-id-token",
	}
	ctx, span := tr.TracerProvider().Tracer("test").Start(context.Background(), "RunActivity:SyncScope")
	next := &recordingInbound{}
	ai := attrs.InterceptActivity(ctx, next)
	if _, err := ai.ExecuteActivity(ctx, &interceptor.ExecuteActivityInput{Args: []any{in}}); err != nil {
		t.Fatal(err)
	}
	span.End()
	_ = tr.Shutdown(context.Background())
	spans := rec.Spans()
	if len(spans) != 1 {
		t.Fatalf("received %d spans", len(spans))
	}
	got := spans[0].Attributes
	want := map[string]string{telemetry.AttrAccountID: "123456789012", telemetry.AttrKind: "AWS::EC2::Instance"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if text := spans[0].Text(); strings.Contains(text, "resync-id-token") || strings.Contains(text, "mapping") || strings.Contains(text, "role/R") {
		t.Errorf("the span carries more of the input than identifiers: %v", got)
	}
	if !next.called {
		t.Error("the activity did not run")
	}
}

type recordingInbound struct {
	interceptor.ActivityInboundInterceptorBase
	called bool
}

func (r *recordingInbound) ExecuteActivity(context.Context, *interceptor.ExecuteActivityInput) (any, error) {
	r.called = true
	return nil, nil
}
