package port_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

const bulkPath = "/v1/blueprints/s3Bucket/entities/bulk"

func buckets(n int) []catalog.Entity {
	ents := make([]catalog.Entity, n)
	for i := range ents {
		ents[i] = bucket(fmt.Sprintf("bucket-%03d", i), nil)
	}
	return ents
}

func assertAllOK(t *testing.T, res []port.UpsertResult, ents []catalog.Entity) {
	t.Helper()
	if len(res) != len(ents) {
		t.Fatalf("results = %d, want %d", len(res), len(ents))
	}
	for i, r := range res {
		if r.Failed || r.Index != i || r.Identifier != ents[i].Identifier {
			t.Fatalf("result %d = %+v, want success for %q", i, r, ents[i].Identifier)
		}
	}
}

func TestUpsertEntitiesChunksOf20(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	ents := buckets(45)
	res, err := c.UpsertEntities(context.Background(), "s3Bucket", ents, port.UpsertOptions{Merge: true, CreateMissingRelatedEntities: true})
	if err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
	assertAllOK(t, res, ents)
	for i, r := range res {
		if !r.Created || r.StatusCode != http.StatusCreated {
			t.Fatalf("result %d = %+v, want created", i, r)
		}
	}
	reqs := requests(emu, http.MethodPost, bulkPath)
	if len(reqs) != 3 {
		t.Fatalf("bulk requests = %d, want 3", len(reqs))
	}
	sizes := map[int]int{}
	for _, r := range reqs {
		sizes[bulkSize(t, r)]++
		q, _ := url.ParseQuery(r.RawQuery)
		if q.Get("upsert") != "true" || q.Get("merge") != "true" || q.Get("create_missing_related_entities") != "true" || q.Get("validation_only") != "false" {
			t.Fatalf("bulk query = %q, want lower-case upsert/merge/create_missing_related_entities/validation_only flags", r.RawQuery)
		}
		if ua := r.Header.Get("User-Agent"); ua != testUA {
			t.Fatalf("User-Agent = %q, want %q", ua, testUA)
		}
	}
	if sizes[20] != 2 || sizes[5] != 1 {
		t.Fatalf("chunk sizes = %v, want 20, 20, 5", sizes)
	}
	if got := len(emu.Entities()); got != 45 {
		t.Fatalf("entities in Port = %d, want 45", got)
	}
	e, ok := emu.Entity("s3Bucket", "bucket-044")
	if !ok || e.Datasource != testUA {
		t.Fatalf("entity bucket-044 = %+v (found %v), want $datasource %q", e, ok, testUA)
	}

	// A second write of the same batch updates: same catalog, created=false.
	res, err = c.UpsertEntities(context.Background(), "s3Bucket", ents[:3], port.UpsertOptions{Merge: true})
	if err != nil {
		t.Fatalf("second UpsertEntities: %v", err)
	}
	for _, r := range res {
		if r.Failed || r.Created {
			t.Fatalf("repeat upsert result %+v, want updated", r)
		}
	}
	if got := len(emu.Entities()); got != 45 {
		t.Fatalf("entities after repeat = %d, want 45", got)
	}
}

func TestUpsertEntitiesChunksBySize(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	// ~100 KB each: 1 MiB / (1.5 × ~100 KB) = 6 entities per call.
	blob := strings.Repeat("x", 100_000)
	ents := make([]catalog.Entity, 15)
	for i := range ents {
		ents[i] = bucket(fmt.Sprintf("big-%02d", i), map[string]any{"blob": blob})
	}
	res, err := c.UpsertEntities(context.Background(), "s3Bucket", ents, port.UpsertOptions{})
	if err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
	assertAllOK(t, res, ents)
	reqs := requests(emu, http.MethodPost, bulkPath)
	if len(reqs) != 3 {
		t.Fatalf("bulk requests = %d, want 3 (6+6+3)", len(reqs))
	}
	for _, r := range reqs {
		if n := bulkSize(t, r); n > 6 {
			t.Fatalf("chunk of %d entities, want ≤ 6", n)
		}
		if len(r.Body) > 1<<20 || r.Status != http.StatusOK {
			t.Fatalf("bulk body %d bytes, status %d: want ≤ 1 MiB and 200", len(r.Body), r.Status)
		}
	}
	if n := len(requests(emu, http.MethodPost, "/v1/blueprints/s3Bucket/entities?")); n != 0 {
		t.Fatalf("single upserts = %d, want 0", n)
	}
}

func TestUpsertEntitiesPartialResultsByIndex(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: bulkPath, Count: 1, FailIndexes: map[int]portemu.BulkError{
		1: {StatusCode: 404, Error: "not_found", Message: "related entity missing"},
		3: {StatusCode: 422, Error: "invalid_request", Message: "bad property"},
	}})
	c := newClient(t, emu)
	ents := buckets(5)
	res, err := c.UpsertEntities(context.Background(), "s3Bucket", ents, port.UpsertOptions{})
	if err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
	if len(res) != 5 {
		t.Fatalf("results = %d, want 5", len(res))
	}
	for i, r := range res {
		if r.Index != i || r.Identifier != ents[i].Identifier {
			t.Fatalf("result %d = %+v, not matched to %q", i, r, ents[i].Identifier)
		}
	}
	if !res[1].Failed || res[1].StatusCode != 404 || res[1].Code != "not_found" {
		t.Fatalf("result 1 = %+v, want failed 404 not_found", res[1])
	}
	if !res[3].Failed || res[3].StatusCode != 422 || res[3].Message != "bad property" {
		t.Fatalf("result 3 = %+v, want failed 422", res[3])
	}
	for _, i := range []int{0, 2, 4} {
		if res[i].Failed {
			t.Fatalf("result %d = %+v, want success", i, res[i])
		}
	}
	reqs := requests(emu, http.MethodPost, bulkPath)
	if len(reqs) != 1 || reqs[0].Status != http.StatusMultiStatus {
		t.Fatalf("bulk requests = %v, want one 207", summarize(reqs))
	}
	for _, i := range []int{1, 3} {
		if _, ok := emu.Entity("s3Bucket", ents[i].Identifier); ok {
			t.Fatalf("failed entity %q was written", ents[i].Identifier)
		}
	}
	if got := len(emu.Entities()); got != 3 {
		t.Fatalf("entities in Port = %d, want 3", got)
	}
}

func TestUpsertEntities413FallsBackToSingles(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: bulkPath, Status: http.StatusRequestEntityTooLarge, Count: 1})
	c := newClient(t, emu)
	ents := buckets(4)
	res, err := c.UpsertEntities(context.Background(), "s3Bucket", ents, port.UpsertOptions{})
	if err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
	assertAllOK(t, res, ents)
	if n := len(requests(emu, http.MethodPost, bulkPath)); n != 1 {
		t.Fatalf("bulk requests = %d, want 1 (413 is not retried)", n)
	}
	singles := 0
	for _, r := range requests(emu, http.MethodPost, "/v1/blueprints/s3Bucket/entities") {
		if r.Path == "/v1/blueprints/s3Bucket/entities" {
			singles++
		}
	}
	if singles != 4 {
		t.Fatalf("single upserts = %d, want 4", singles)
	}
	if got := len(emu.Entities()); got != 4 {
		t.Fatalf("entities in Port = %d, want 4", got)
	}
}

func TestUpsertEntitiesChunkWide4xxIsAResult(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.AddFault(portemu.Fault{Path: bulkPath, Status: http.StatusUnprocessableEntity, Count: 1})
	c := newClient(t, emu)
	ents := buckets(25) // two chunks: the first fails as a whole, the second succeeds
	res, err := c.UpsertEntities(context.Background(), "s3Bucket", ents, port.UpsertOptions{})
	if err != nil {
		t.Fatalf("UpsertEntities: %v (a 422 chunk should be reported in results)", err)
	}
	failed := 0
	for _, r := range res {
		if r.Failed {
			failed++
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failed result %+v, want status 422", r)
			}
		}
	}
	// Chunks run concurrently, so which one got the fault is not fixed.
	if failed != 20 && failed != 5 {
		t.Fatalf("failed results = %d, want one whole chunk (20 or 5)", failed)
	}
	if got := len(emu.Entities()); got != 25-failed {
		t.Fatalf("entities in Port = %d, want %d", got, 25-failed)
	}
}

func TestUpsertEntitiesUnknownBlueprint(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	c := newClient(t, emu)
	ents := []catalog.Entity{{Identifier: "x", Blueprint: "nope"}}
	res, err := c.UpsertEntities(context.Background(), "nope", ents, port.UpsertOptions{})
	if err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
	if len(res) != 1 || !res[0].Failed || res[0].StatusCode != http.StatusNotFound {
		t.Fatalf("results = %+v, want one failed 404", res)
	}
}

func TestUpsertEntitiesRejectsMixedBlueprints(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	c := newClient(t, emu)
	ents := []catalog.Entity{bucket("a", nil), {Identifier: "b", Blueprint: "account"}}
	_, err := c.UpsertEntities(context.Background(), "s3Bucket", ents, port.UpsertOptions{})
	if err == nil || !strings.Contains(err.Error(), `belongs to "account"`) || port.IsRetryable(err) {
		t.Fatalf("error = %v, want a non-retryable mixed-blueprint error", err)
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("requests = %d, want 0", n)
	}
}

func TestUpsertEntityAndUserAgent(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	scope := catalog.Scope{Integration: "int1", AccountID: "333333333333", Kind: "AWS::S3::Bucket"}
	sc := c.WithUserAgent(scope.UserAgent("2.0.0"))
	if err := sc.UpsertEntity(context.Background(), bucket("single", nil), port.UpsertOptions{Merge: true}); err != nil {
		t.Fatalf("UpsertEntity: %v", err)
	}
	e, ok := emu.Entity("s3Bucket", "single")
	if !ok || e.Datasource != scope.UserAgent("2.0.0") || e.Properties["region"] != "us-east-1" {
		t.Fatalf("entity = %+v (found %v), want written with the scope's datasource", e, ok)
	}
	if n := len(requests(emu, http.MethodPost, tokenPath)); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
	err := sc.UpsertEntity(context.Background(), catalog.Entity{Identifier: "x", Blueprint: "nope"}, port.UpsertOptions{})
	var ae *port.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusNotFound || port.IsRetryable(err) {
		t.Fatalf("upsert to unknown blueprint: %v, want non-retryable 404 APIError", err)
	}
}
