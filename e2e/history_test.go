package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/aws-port-sync/aws-port-sync/internal/temporalx"
)

// histories returns every run (continue-as-new included) on the stack's task
// queue as text, with each payload decoded through the codec: a secret must not
// hide behind compression.
func (s *stack) histories(ctx context.Context) map[string]string {
	s.t.Helper()
	out := map[string]string{}
	var token []byte
	for {
		resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("TaskQueue = %q", s.taskQueue), NextPageToken: token,
		})
		if err != nil {
			s.t.Fatal(err)
		}
		for _, ex := range resp.Executions {
			id, run := ex.Execution.GetWorkflowId(), ex.Execution.GetRunId()
			out[id+"/"+run] = s.historyText(ctx, id, run)
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return out
		}
	}
}

func (s *stack) historyText(ctx context.Context, workflowID, runID string) string {
	s.t.Helper()
	codec := temporalx.Codec()
	var b strings.Builder
	it := s.client.GetWorkflowHistory(ctx, workflowID, runID, false, 0)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		if err := decodePayloads(ctx, ev, codec.Decode); err != nil {
			s.t.Fatal(err)
		}
		js, err := protojson.Marshal(ev)
		if err != nil {
			s.t.Fatal(err)
		}
		b.Write(js)
		// Payload data is base64 in protojson; add the decoded bytes too.
		_ = proxy.VisitPayloads(ctx, ev, proxy.VisitPayloadsOptions{Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			for _, p := range ps {
				b.Write(p.GetData())
				b.WriteByte('\n')
			}
			return ps, nil
		}})
	}
	return b.String()
}

func decodePayloads(ctx context.Context, ev *historypb.HistoryEvent, decode func([]*commonpb.Payload) ([]*commonpb.Payload, error)) error {
	return proxy.VisitPayloads(ctx, ev, proxy.VisitPayloadsOptions{Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
		return decode(ps)
	}})
}

// Done-when 7: no AWS secret key or session token, no Port client secret or
// token, appears in any workflow history.
func TestNoSecretInWorkflowHistory(t *testing.T) {
	s := newStack(t, demoSpec(5))
	s.startWorker()
	p, _ := s.resync()
	if p.Counts.Upserted == 0 {
		t.Fatal("nothing synced; the scan would prove nothing")
	}

	secrets := map[string]string{
		"management secret key": s.aws.ManagementCredentials().SecretAccessKey,
		"Port client secret":    portClientSecret,
	}
	for i, r := range s.port.Requests() {
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			secrets[fmt.Sprintf("Port token (request %d)", i)] = strings.TrimPrefix(auth, "Bearer ")
		}
	}
	tempKeys := 0
	for _, r := range s.aws.Requests() {
		if strings.HasPrefix(r.AccessKeyID, "ASIA") {
			secrets["temporary access key "+r.AccessKeyID] = r.AccessKeyID
			tempKeys++
		}
	}
	if tempKeys == 0 {
		t.Fatal("no assumed-role request seen; the scan would miss session credentials")
	}
	histories := s.histories(context.Background())
	if len(histories) < 2 {
		t.Fatalf("found %d histories, want the resync and its accounts", len(histories))
	}
	for run, text := range histories {
		for what, secret := range secrets {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("%s appears in the history of %s", what, run)
			}
		}
		for _, field := range []string{"SecretAccessKey", "SessionToken", "secretAccessKey", "sessionToken", "clientSecret", "accessToken"} {
			if strings.Contains(text, field) {
				t.Errorf("field name %q appears in the history of %s", field, run)
			}
		}
	}
}
