package port_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

const (
	dsPrefix = "aws-port-sync/int1/111111111111/AWS::S3::Bucket/"
	dsSuffix = "/exporter"
)

func TestChangedEntitiesReturnsOnlyChanged(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	owned := dsPrefix + "0.9.0" + dsSuffix // an older version of this scope: still ours
	seed := func(id, title string, team any, props, rels map[string]any, ds string) {
		emu.SeedEntity(portemu.Entity{Identifier: id, Blueprint: "s3Bucket", Title: title, Team: team,
			Properties: props, Relations: rels, Datasource: ds})
	}
	seed("same", "bucket same", []any{"b", "a"}, map[string]any{"region": "us-east-1", "size": 10, "tags": map[string]any{"k": "v"}},
		map[string]any{"account": "111111111111"}, owned)
	seed("prop-changed", "bucket prop-changed", nil, map[string]any{"region": "us-east-1"}, nil, owned)
	seed("title-changed", "old title", nil, map[string]any{"region": "us-east-1"}, nil, owned)
	seed("team-changed", "bucket team-changed", []any{"a"}, map[string]any{"region": "us-east-1"}, nil, owned)
	seed("null-vs-set", "bucket null-vs-set", nil, map[string]any{"region": "us-east-1", "size": 3}, nil, owned)
	seed("rel-changed", "bucket rel-changed", nil, map[string]any{"region": "us-east-1"}, map[string]any{"account": "111111111111"}, owned)
	seed("other-owner", "bucket other-owner", nil, map[string]any{"region": "us-east-1"}, nil, "port-ocean/aws-v3/1.0/other/exporter")
	// Same identifier in another blueprint must not count as present.
	emu.SeedEntity(portemu.Entity{Identifier: "missing", Blueprint: "account", Datasource: owned})

	local := []catalog.Entity{
		{Identifier: "same", Blueprint: "s3Bucket", Title: strp("bucket same"), Team: []any{"a", "b"},
			Properties: map[string]any{"region": "us-east-1", "size": 10, "tags": map[string]any{"k": "v"}, "blob": nil},
			Relations:  map[string]any{"account": "111111111111"}},
		{Identifier: "prop-changed", Blueprint: "s3Bucket", Title: strp("bucket prop-changed"), Properties: map[string]any{"region": "eu-west-1"}},
		{Identifier: "title-changed", Blueprint: "s3Bucket", Title: strp("new title"), Properties: map[string]any{"region": "us-east-1"}},
		{Identifier: "team-changed", Blueprint: "s3Bucket", Title: strp("bucket team-changed"), Team: "b", Properties: map[string]any{"region": "us-east-1"}},
		{Identifier: "null-vs-set", Blueprint: "s3Bucket", Title: strp("bucket null-vs-set"), Properties: map[string]any{"region": "us-east-1", "size": nil}},
		{Identifier: "rel-changed", Blueprint: "s3Bucket", Title: strp("bucket rel-changed"), Properties: map[string]any{"region": "us-east-1"},
			Relations: map[string]any{"account": "222222222222"}},
		{Identifier: "other-owner", Blueprint: "s3Bucket", Title: strp("bucket other-owner"), Properties: map[string]any{"region": "us-east-1"}},
		{Identifier: "missing", Blueprint: "s3Bucket", Title: strp("bucket missing"), Properties: map[string]any{"region": "us-east-1"}},
		// A search-query relation cannot be compared: always written.
		{Identifier: "same", Blueprint: "s3Bucket", Relations: map[string]any{"account": map[string]any{
			"combinator": "and", "rules": []any{map[string]any{"property": "$identifier", "operator": "=", "value": "111111111111"}}}}},
	}
	c := newClient(t, emu)
	changed, err := c.ChangedEntities(context.Background(), local, dsPrefix, dsSuffix)
	if err != nil {
		t.Fatalf("ChangedEntities: %v", err)
	}
	var got []string
	for _, e := range changed {
		got = append(got, e.Identifier)
	}
	want := []string{"prop-changed", "title-changed", "team-changed", "null-vs-set", "rel-changed", "other-owner", "missing", "same"}
	if !slices.Equal(got, want) {
		t.Fatalf("changed = %v, want %v", got, want)
	}
	if changed[len(changed)-1].Relations["account"] == "111111111111" {
		t.Fatal("the search-relation entity should be returned as given")
	}

	searches := requests(emu, http.MethodPost, "/v1/entities/search")
	if len(searches) != 1 {
		t.Fatalf("searches = %d, want 1", len(searches))
	}
	q, _ := url.ParseQuery(searches[0].RawQuery)
	inc := q["include"]
	for _, f := range []string{"identifier", "blueprint", "title", "team", "properties.region", "properties.blob", "relations.account"} {
		if !slices.Contains(inc, f) {
			t.Fatalf("include = %v, missing %q", inc, f)
		}
	}
	var body struct {
		Rules []map[string]any `json:"rules"`
	}
	if err := json.Unmarshal(searches[0].Body, &body); err != nil {
		t.Fatalf("decode search body: %v", err)
	}
	ds := 0
	for _, r := range body.Rules {
		if r["property"] == "$datasource" {
			ds++
		}
	}
	if len(body.Rules) != 4 || ds != 2 {
		t.Fatalf("search rules = %v, want $identifier, $blueprint and two $datasource rules", body.Rules)
	}
}

func TestChangedEntitiesSearchesInChunksOf50(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	seedBucketBlueprint(emu)
	c := newClient(t, emu)
	ents := buckets(120)
	if _, err := c.UpsertEntities(context.Background(), "s3Bucket", ents, port.UpsertOptions{Merge: true}); err != nil {
		t.Fatalf("UpsertEntities: %v", err)
	}
	emu.ResetRequests()
	changed, err := c.ChangedEntities(context.Background(), ents, dsPrefix, dsSuffix)
	if err != nil {
		t.Fatalf("ChangedEntities: %v", err)
	}
	if len(changed) != 0 {
		t.Fatalf("changed = %d entities right after writing them, want 0", len(changed))
	}
	if n := len(requests(emu, http.MethodPost, "/v1/entities/search")); n != 3 {
		t.Fatalf("searches = %d, want 3 (50+50+20)", n)
	}
	// Another scope's prefix owns none of them: all are "changed".
	changed, err = c.ChangedEntities(context.Background(), ents[:5], "aws-port-sync/int1/999999999999/AWS::S3::Bucket/", dsSuffix)
	if err != nil || len(changed) != 5 {
		t.Fatalf("ChangedEntities for another scope = %d, %v; want all 5", len(changed), err)
	}
}
