package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/aws-port-sync/aws-port-sync/internal/app"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry"
	"github.com/aws-port-sync/aws-port-sync/internal/telemetry/otlptest"
)

// One resync, followed in the tracing backend: the production worker binary
// and a starter-side client, both configured only by the standard OTEL_*
// variables, send their spans over real OTLP/HTTP to an in-process receiver.
// The trace runs from the client's start of the resync, across processes
// (the context travels in Temporal headers), through each account's workflow
// and pages, down to the AWS SDK's calls and the Port client's requests; and
// no span carries a secret.
func TestTraceOfOneResync(t *testing.T) {
	s := newStack(t, demoSpec(21))
	rec := otlptest.StartHTTP(t)
	t.Setenv(telemetry.EnvEndpoint, rec.URL())
	t.Setenv(telemetry.EnvProtocol, telemetry.ProtocolHTTP)
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "200")
	bin := buildWorker(t)
	worker := s.startWorkerProcess(t, bin, "traced")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The starter's side, as `starter run` builds it.
	tracing, stopTracing, err := app.StartTracing(ctx, "aws-port-sync-starter", "e2e", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stopTracing()
	opts := clientOptions(devAddress)
	interceptors, err := tracing.TemporalInterceptors()
	if err != nil {
		t.Fatal(err)
	}
	opts.Interceptors = append(opts.Interceptors, interceptors...)
	c, err := client.Dial(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id := fmt.Sprintf("aws-port-sync/%s/resync-traced", s.integration)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: s.taskQueue},
		syncdef.ResyncWorkflowName, syncdef.ResyncInput{Integration: s.integration, UseSearchAttributes: true})
	if err != nil {
		t.Fatal(err)
	}
	var p syncdef.Progress
	if err := run.Get(ctx, &p); err != nil {
		t.Fatalf("resync: %v", err)
	}
	if p.Counts.Upserted == 0 {
		t.Fatal("nothing synced; the trace would prove nothing")
	}
	// Both processes flush on the way out: the worker on SIGTERM, the client here.
	stopTracing()
	_ = worker.Process.Signal(syscall.SIGTERM)
	_, _ = worker.Process.Wait()

	spans := rec.Spans()
	tree := otlptest.NewTree(spans)
	var start otlptest.Span
	for _, sp := range spans {
		if sp.Name == "StartWorkflow:"+syncdef.ResyncWorkflowName && sp.Attributes["temporalWorkflowID"] == id {
			start = sp
		}
	}
	if start.SpanID == "" || start.Service != "aws-port-sync-starter" || start.ParentSpanID != "" {
		t.Fatalf("no root span StartWorkflow:%s from aws-port-sync-starter for %s among %d spans", syncdef.ResyncWorkflowName, id, len(spans))
	}
	trace := map[string][]otlptest.Span{} // name → spans of this resync's trace
	for _, sp := range spans {
		if sp.TraceID == start.TraceID {
			trace[sp.Name] = append(trace[sp.Name], sp)
		}
	}
	t.Logf("%d spans received, %d in the resync's trace, %d names", len(spans), countSpans(trace), len(trace))

	// resync: the workflow runs in the worker process, beneath the client's span.
	resyncs := trace["RunWorkflow:"+syncdef.ResyncWorkflowName]
	if len(resyncs) == 0 || resyncs[0].Service != "aws-port-sync-worker" || !descends(tree, resyncs[0], start) {
		t.Fatalf("RunWorkflow:%s in the worker beneath the client's span: %+v", syncdef.ResyncWorkflowName, resyncs)
	}

	// account → scope → AWS call / Port call, for every account that synced.
	accounts := map[string]otlptest.Span{} // account id → its workflow's span
	for _, sp := range trace["RunWorkflow:"+syncdef.AccountSyncWorkflowName] {
		wid := sp.Attributes["temporalWorkflowID"]
		acct := wid[strings.LastIndex(wid, "/")+1:]
		if !descends(tree, sp, resyncs[0]) {
			t.Errorf("account %s's workflow is not beneath the resync: %s", acct, tree.Path(sp))
		}
		accounts[acct] = sp
	}
	synced := 0
	for _, a := range p.Accounts {
		if a.Status != syncdef.AccountSynced {
			continue
		}
		synced++
		acctSpan, ok := accounts[a.AccountID]
		if !ok {
			t.Errorf("account %s synced but has no RunWorkflow:%s span", a.AccountID, syncdef.AccountSyncWorkflowName)
			continue
		}
		awsCalls := under(tree, trace, acctSpan, "RunActivity:"+syncdef.SyncScopeActivity, a.AccountID, isAWSCall)
		portCalls := under(tree, trace, acctSpan, "RunActivity:"+syncdef.SyncScopeActivity, a.AccountID, isPortCall)
		if len(awsCalls) == 0 || len(portCalls) == 0 {
			t.Errorf("account %s: %d AWS calls and %d Port calls beneath its scopes; want both", a.AccountID, len(awsCalls), len(portCalls))
			continue
		}
		if a.AccountID == p.Accounts[0].AccountID {
			t.Logf("e.g. %s", tree.Path(awsCalls[0]))
			t.Logf("e.g. %s", tree.Path(portCalls[0]))
		}
	}
	if synced < 2 {
		t.Fatalf("only %d accounts synced; the demo organization has more", synced)
	}
	// Role assumption (STS) is traced beneath the AssumeRole activity too.
	if len(under(tree, trace, resyncs[0], "RunActivity:"+syncdef.AssumeRoleActivity, "", func(sp otlptest.Span) bool {
		return sp.Name == "STS.AssumeRole"
	})) == 0 {
		t.Errorf("no STS.AssumeRole span beneath an AssumeRole activity")
	}

	// No secret in any span: names, attributes, events, resources.
	secrets := map[string]string{
		"management secret key":        s.aws.ManagementCredentials().SecretAccessKey,
		"management access key":        s.aws.ManagementCredentials().AccessKeyID,
		"Port client secret":           portClientSecret,
		"Port client id (in the body)": portClientID,
	}
	for i, r := range s.port.Requests() {
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			secrets[fmt.Sprintf("Port token (request %d)", i)] = strings.TrimPrefix(auth, "Bearer ")
		}
	}
	for _, r := range s.aws.Requests() {
		if strings.HasPrefix(r.AccessKeyID, "ASIA") {
			secrets["temporary access key "+r.AccessKeyID] = r.AccessKeyID
		}
	}
	for _, sp := range spans {
		text := sp.Text()
		for what, secret := range secrets {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("%s appears in span %s", what, tree.Path(sp))
			}
		}
		for _, word := range []string{"SecretAccessKey", "SessionToken", "clientSecret", "accessToken", "Authorization", "X-Amz-Security-Token"} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(word)) {
				t.Errorf("%q appears in span %s: %v", word, tree.Path(sp), sp.Attributes)
			}
		}
	}
}

// under finds, beneath top, the spans matching want that sit beneath an
// activity span named activity (of account acct, when given).
func under(tree otlptest.Tree, trace map[string][]otlptest.Span, top otlptest.Span, activity, acct string, want func(otlptest.Span) bool) []otlptest.Span {
	var out []otlptest.Span
	for _, spans := range trace {
		for _, sp := range spans {
			if !want(sp) {
				continue
			}
			for _, a := range tree.Ancestors(sp) {
				if a.Name == activity && (acct == "" || a.Attributes[telemetry.AttrAccountID] == acct) && descends(tree, a, top) {
					out = append(out, sp)
					break
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func descends(tree otlptest.Tree, sp, ancestor otlptest.Span) bool {
	for _, a := range tree.Ancestors(sp) {
		if a.SpanID == ancestor.SpanID {
			return true
		}
	}
	return false
}

func isAWSCall(sp otlptest.Span) bool {
	for _, v := range sp.Attributes {
		if v == "aws-api" {
			return sp.Kind == "SPAN_KIND_CLIENT"
		}
	}
	return false
}

func isPortCall(sp otlptest.Span) bool {
	return strings.HasPrefix(sp.Name, "Port ") && sp.Kind == "SPAN_KIND_CLIENT"
}

func countSpans(m map[string][]otlptest.Span) int {
	n := 0
	for _, s := range m {
		n += len(s)
	}
	return n
}
