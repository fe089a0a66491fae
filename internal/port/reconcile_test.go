package port_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

const datasourcePath = "/v1/blueprints/entities/datasource-entities"

func TestListDatasourceEntitiesPagesAndFilters(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	before := emu.Now().Add(-time.Hour).Truncate(time.Millisecond) // Port timestamps carry milliseconds
	old := before.Add(-24 * time.Hour)
	mine := dsPrefix + "1.0.0" + dsSuffix
	const stale = 5003 // more than one 5000-entity page
	for i := range stale {
		emu.SeedEntity(portemu.Entity{Identifier: fmt.Sprintf("old-%05d", i), Blueprint: "s3Bucket", Datasource: mine, UpdatedAt: old})
	}
	// Written during this resync (after before): never stale.
	emu.SeedEntity(portemu.Entity{Identifier: "fresh", Blueprint: "s3Bucket", Datasource: mine, UpdatedAt: before.Add(time.Minute)})
	// Other writers: another account, another suffix, a foreign tool.
	emu.SeedEntity(portemu.Entity{Identifier: "other-acct", Blueprint: "s3Bucket", Datasource: "aws-port-sync/int1/999999999999/AWS::S3::Bucket/1.0.0/exporter", UpdatedAt: old})
	emu.SeedEntity(portemu.Entity{Identifier: "gitops", Blueprint: "s3Bucket", Datasource: dsPrefix + "1.0.0/gitops", UpdatedAt: old})
	emu.SeedEntity(portemu.Entity{Identifier: "ui", Blueprint: "s3Bucket", Datasource: "", UpdatedAt: old})

	c := newClient(t, emu)
	refs, err := c.ListDatasourceEntities(context.Background(), dsPrefix, dsSuffix, before)
	if err != nil {
		t.Fatalf("ListDatasourceEntities: %v", err)
	}
	if len(refs) != stale {
		t.Fatalf("refs = %d, want %d", len(refs), stale)
	}
	seen := map[string]bool{}
	for _, r := range refs {
		if r.Blueprint != "s3Bucket" || !strings.HasPrefix(r.Identifier, "old-") || r.Datasource != mine || !r.UpdatedAt.Equal(old) {
			t.Fatalf("unexpected ref %+v", r)
		}
		seen[r.Identifier] = true
	}
	if len(seen) != stale {
		t.Fatalf("distinct refs = %d, want %d (a page repeated or was skipped)", len(seen), stale)
	}

	reqs := requests(emu, http.MethodPost, datasourcePath)
	if len(reqs) != 2 {
		t.Fatalf("datasource pages = %d, want 2", len(reqs))
	}
	var first, second map[string]any
	if err := json.Unmarshal(reqs[0].Body, &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(reqs[1].Body, &second); err != nil {
		t.Fatal(err)
	}
	wantBefore := before.UTC().Format("2006-01-02T15:04:05.000Z")
	if first["datasource_prefix"] != dsPrefix || first["datasource_suffix"] != dsSuffix || first["limit"] != float64(5000) || first["before"] != wantBefore {
		t.Fatalf("first page body = %v, want prefix, suffix, limit 5000, before %s", first, wantBefore)
	}
	if _, ok := first["from"]; ok {
		t.Fatalf("first page sent a cursor: %v", first)
	}
	if from, _ := second["from"].(string); from == "" || second["before"] != wantBefore {
		t.Fatalf("second page body = %v, want the cursor from page one and the same before", second)
	}

	// Without before, the fresh entity is listed too.
	all, err := c.ListDatasourceEntities(context.Background(), dsPrefix, dsSuffix, time.Time{})
	if err != nil || len(all) != stale+1 {
		t.Fatalf("ListDatasourceEntities without before = %d, %v; want %d", len(all), err, stale+1)
	}
}

func TestListDatasourceEntitiesFailureIsAnError(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	emu.AddFault(portemu.Fault{Path: datasourcePath, Status: http.StatusInternalServerError})
	c := newClient(t, emu)
	refs, err := c.ListDatasourceEntities(context.Background(), dsPrefix, dsSuffix, time.Now())
	if err == nil || refs != nil {
		t.Fatalf("ListDatasourceEntities = %v, %v; want an error and no refs (deletion must be skipped)", refs, err)
	}
}

func TestDeleteEntitiesBatchesOf100(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	var ids []string
	for i := range 250 {
		id := fmt.Sprintf("del-%03d", i)
		ids = append(ids, id)
		emu.SeedEntity(portemu.Entity{Identifier: id, Blueprint: "s3Bucket"})
	}
	emu.SeedEntity(portemu.Entity{Identifier: "keep", Blueprint: "s3Bucket"})
	c := newClient(t, emu)
	// One id is already gone; duplicates are sent once.
	deleted, err := c.DeleteEntities(context.Background(), "s3Bucket", append(append(ids, "already-gone"), ids[:5]...), true)
	if err != nil {
		t.Fatalf("DeleteEntities: %v", err)
	}
	slices.Sort(deleted)
	if !slices.Equal(deleted, ids) {
		t.Fatalf("deleted %d ids, want the 250 existing ones", len(deleted))
	}
	reqs := requests(emu, http.MethodPost, "/v1/blueprints/s3Bucket/bulk/entities/delete")
	if len(reqs) != 3 {
		t.Fatalf("bulk deletes = %d, want 3", len(reqs))
	}
	for i, want := range []int{100, 100, 51} {
		if n := bulkSize(t, reqs[i]); n != want {
			t.Fatalf("batch %d has %d ids, want %d", i, n, want)
		}
		if !strings.Contains(reqs[i].RawQuery, "delete_dependents=true") {
			t.Fatalf("query %q lacks delete_dependents=true", reqs[i].RawQuery)
		}
	}
	if ents := emu.Entities(); len(ents) != 1 || ents[0].Identifier != "keep" {
		t.Fatalf("remaining entities = %+v, want only keep", ents)
	}
}

func TestDeleteEntitiesDependents(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	emu.SeedEntity(portemu.Entity{Identifier: "111111111111", Blueprint: "account"})
	emu.SeedEntity(portemu.Entity{Identifier: "b1", Blueprint: "s3Bucket", Relations: map[string]any{"account": "111111111111"}})
	c := newClient(t, emu)
	ctx := context.Background()

	deleted, err := c.DeleteEntities(ctx, "account", []string{"111111111111"}, false)
	var ae *port.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnprocessableEntity || len(deleted) != 0 || port.IsRetryable(err) {
		t.Fatalf("DeleteEntities without dependents = %v, %v; want a non-retryable 422 and nothing deleted", deleted, err)
	}
	if _, ok := emu.Entity("account", "111111111111"); !ok {
		t.Fatal("target deleted although it has dependents")
	}
	if n := len(requests(emu, http.MethodPost, "/v1/blueprints/account/bulk/entities/delete")); n != 1 {
		t.Fatalf("attempts = %d, want 1 (422 is not retried)", n)
	}

	deleted, err = c.DeleteEntities(ctx, "account", []string{"111111111111"}, true)
	if err != nil || !slices.Equal(deleted, []string{"111111111111"}) {
		t.Fatalf("DeleteEntities with dependents = %v, %v", deleted, err)
	}
	if n := len(emu.Entities()); n != 0 {
		t.Fatalf("entities left = %d, want 0 (dependent deleted too)", n)
	}
}

func TestDeleteEntityEscapesIdentifiers(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	ctx := context.Background()
	ids := []string{"arn:aws:s3:::a/b", "c+d", "e=f@g.h"}
	for _, id := range ids {
		if err := c.UpsertEntity(ctx, catalog.Entity{Identifier: id, Blueprint: "s3Bucket"}, port.UpsertOptions{}); err != nil {
			t.Fatalf("UpsertEntity %q: %v", id, err)
		}
	}
	emu.SeedEntity(portemu.Entity{Identifier: "c d", Blueprint: "s3Bucket"}) // must survive deleting "c+d"
	for _, id := range ids {
		if err := c.DeleteEntity(ctx, "s3Bucket", id, false); err != nil {
			t.Fatalf("DeleteEntity %q: %v", id, err)
		}
		if _, ok := emu.Entity("s3Bucket", id); ok {
			t.Fatalf("entity %q still exists", id)
		}
	}
	if _, ok := emu.Entity("s3Bucket", "c d"); !ok {
		t.Fatal(`deleting "c+d" deleted "c d"`)
	}
	dels := requests(emu, http.MethodDelete, "/v1/blueprints/s3Bucket/entities/")
	if len(dels) != 3 || !strings.HasSuffix(dels[0].Path, "a%2Fb") || !strings.HasSuffix(dels[1].Path, "c%2Bd") {
		t.Fatalf("DELETE paths = %v, want %%2F and %%2B escapes", summarize(dels))
	}
	// Already gone: 404 is success.
	if err := c.DeleteEntity(ctx, "s3Bucket", "c+d", false); err != nil {
		t.Fatalf("DeleteEntity of a missing entity: %v", err)
	}
	if last := requests(emu, http.MethodDelete, "/v1/blueprints/s3Bucket/entities/"); last[len(last)-1].Status != http.StatusNotFound {
		t.Fatalf("expected the emulator to answer 404, got %d", last[len(last)-1].Status)
	}
}
