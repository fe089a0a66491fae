// Package otlptest is an in-process OTLP trace receiver for tests: OTLP/HTTP
// (protobuf) and OTLP/gRPC on 127.0.0.1, keeping every span it is sent.
// Production code never imports it.
package otlptest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Span is one received span, flattened for assertions.
type Span struct {
	TraceID, SpanID, ParentSpanID string // hex; ParentSpanID "" for a root
	Name                          string
	Kind                          string
	Service                       string            // resource service.name
	Attributes                    map[string]string // values as text
	Resource                      map[string]string
	Events                        []string // name and attributes, as text
	StatusMessage                 string
}

// Text is every string the span carries, for "no secret anywhere" checks.
func (s Span) Text() string {
	var b strings.Builder
	b.WriteString(s.Name + "\n" + s.StatusMessage + "\n")
	for k, v := range s.Attributes {
		b.WriteString(k + "=" + v + "\n")
	}
	for k, v := range s.Resource {
		b.WriteString(k + "=" + v + "\n")
	}
	for _, e := range s.Events {
		b.WriteString(e + "\n")
	}
	return b.String()
}

// Receiver collects spans.
type Receiver struct {
	mu    sync.Mutex
	spans []Span
	url   string
	stop  func()
}

// StartHTTP serves OTLP/HTTP on 127.0.0.1; URL is the value for
// OTEL_EXPORTER_OTLP_ENDPOINT. It stops when the test ends.
func StartHTTP(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", r.serveHTTP)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	r.url = "http://" + l.Addr().String()
	r.stop = func() { _ = srv.Close() }
	t.Cleanup(r.stop)
	return r
}

// StartGRPC serves OTLP/gRPC on 127.0.0.1; URL is the value for
// OTEL_EXPORTER_OTLP_ENDPOINT (with OTEL_EXPORTER_OTLP_PROTOCOL=grpc).
func StartGRPC(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, grpcService{r: r})
	go func() { _ = srv.Serve(l) }()
	r.url = "http://" + l.Addr().String()
	r.stop = srv.Stop
	t.Cleanup(r.stop)
	return r
}

// URL is the receiver's endpoint.
func (r *Receiver) URL() string { return r.url }

// Spans returns a copy of everything received so far.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// WaitFor polls until cond holds for the spans received, or the timeout.
func (r *Receiver) WaitFor(timeout time.Duration, cond func([]Span) bool) []Span {
	deadline := time.Now().Add(timeout)
	for {
		spans := r.Spans()
		if cond(spans) || time.Now().After(deadline) {
			return spans
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *Receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	data, err := io.ReadAll(io.LimitReader(body, 64<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		http.Error(w, "only application/x-protobuf, got "+ct, http.StatusUnsupportedMediaType)
		return
	}
	var msg coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(data, &msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.add(&msg)
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = io.Copy(w, bytes.NewReader(out))
}

type grpcService struct {
	coltracepb.UnimplementedTraceServiceServer
	r *Receiver
}

func (g grpcService) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	g.r.add(req)
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

func (r *Receiver) add(req *coltracepb.ExportTraceServiceRequest) {
	var spans []Span
	for _, rs := range req.GetResourceSpans() {
		res := attributes(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				span := Span{
					TraceID:       hex.EncodeToString(s.GetTraceId()),
					SpanID:        hex.EncodeToString(s.GetSpanId()),
					ParentSpanID:  hex.EncodeToString(s.GetParentSpanId()),
					Name:          s.GetName(),
					Kind:          tracepb.Span_SpanKind_name[int32(s.GetKind())],
					Service:       res["service.name"],
					Attributes:    attributes(s.GetAttributes()),
					Resource:      res,
					StatusMessage: s.GetStatus().GetMessage(),
				}
				for _, e := range s.GetEvents() {
					span.Events = append(span.Events, fmt.Sprintf("%s %v", e.GetName(), attributes(e.GetAttributes())))
				}
				spans = append(spans, span)
			}
		}
	}
	r.mu.Lock()
	r.spans = append(r.spans, spans...)
	r.mu.Unlock()
}

func attributes(kvs []*commonpb.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		out[kv.GetKey()] = valueText(kv.GetValue())
	}
	return out
}

func valueText(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return fmt.Sprint(x.BoolValue)
	case *commonpb.AnyValue_IntValue:
		return fmt.Sprint(x.IntValue)
	case *commonpb.AnyValue_DoubleValue:
		return fmt.Sprint(x.DoubleValue)
	case *commonpb.AnyValue_BytesValue:
		return string(x.BytesValue)
	case *commonpb.AnyValue_ArrayValue:
		var parts []string
		for _, e := range x.ArrayValue.GetValues() {
			parts = append(parts, valueText(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *commonpb.AnyValue_KvlistValue:
		m := attributes(x.KvlistValue.GetValues())
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+m[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return ""
}

// Tree indexes spans by id, for walking from a span to its ancestors.
type Tree map[string]Span

// NewTree indexes spans.
func NewTree(spans []Span) Tree {
	t := Tree{}
	for _, s := range spans {
		t[s.SpanID] = s
	}
	return t
}

// Ancestors are s's parent, its parent, … as far as received spans go.
func (t Tree) Ancestors(s Span) []Span {
	var out []Span
	for s.ParentSpanID != "" {
		p, ok := t[s.ParentSpanID]
		if !ok {
			break
		}
		out = append(out, p)
		s = p
	}
	return out
}

// Path is s and its ancestors' names, root last: "EC2.DescribeInstances < Page < RunActivity:SyncScope < …".
func (t Tree) Path(s Span) string {
	names := []string{s.Name}
	for _, a := range t.Ancestors(s) {
		names = append(names, a.Name)
	}
	return strings.Join(names, " < ")
}
