package port_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"

	portemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/port"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
)

// defaultBlueprints lists a blueprint whose relation targets one listed after it: the bucket
// (listed first) points at the account, which does not exist until stage 1 ends.
func defaultBlueprints() []map[string]any {
	return []map[string]any{
		{
			"identifier": "awsS3Bucket", "title": "S3 Bucket", "icon": "Bucket",
			"schema": map[string]any{"properties": map[string]any{
				"arn":    map[string]any{"type": "string", "title": "ARN"},
				"region": map[string]any{"type": "string"},
			}},
			"relations":             map[string]any{"account": map[string]any{"title": "Account", "target": "awsAccount", "required": false, "many": false}},
			"calculationProperties": map[string]any{"link": map[string]any{"title": "Link", "calculation": `"https://s3.console.aws.amazon.com/s3/buckets/" + .identifier`, "type": "string", "format": "url"}},
			"mirrorProperties":      map[string]any{"accountName": map[string]any{"title": "Account name", "path": "account.$title"}},
		},
		{
			"identifier": "awsAccount", "title": "AWS Account",
			"schema": map[string]any{"properties": map[string]any{"email": map[string]any{"type": "string"}}},
		},
	}
}

func TestEnsureBlueprintsThreeStages(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	c := newClient(t, emu)
	ctx := context.Background()
	created, err := c.EnsureBlueprints(ctx, defaultBlueprints())
	if err != nil {
		t.Fatalf("EnsureBlueprints: %v", err)
	}
	if !slices.Equal(created, []string{"awsS3Bucket", "awsAccount"}) {
		t.Fatalf("created = %v", created)
	}
	var got []string
	for _, r := range emu.Requests() {
		if r.Path != tokenPath {
			got = append(got, r.Method+" "+r.Path)
		}
	}
	want := []string{
		"GET /v1/blueprints/awsS3Bucket", "GET /v1/blueprints/awsAccount",
		"POST /v1/blueprints", "POST /v1/blueprints",
		"PATCH /v1/blueprints/awsS3Bucket", "PATCH /v1/blueprints/awsAccount",
		"PATCH /v1/blueprints/awsS3Bucket", "PATCH /v1/blueprints/awsAccount",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("requests =\n%v\nwant\n%v", got, want)
	}
	posts := requests(emu, http.MethodPost, "/v1/blueprints")
	patches := requests(emu, http.MethodPatch, "/v1/blueprints/awsS3Bucket")
	var post, stage2, stage3 map[string]any
	for _, p := range []struct {
		body []byte
		dst  *map[string]any
	}{{posts[0].Body, &post}, {patches[0].Body, &stage2}, {patches[1].Body, &stage3}} {
		if err := json.Unmarshal(p.body, p.dst); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"relations", "calculationProperties", "mirrorProperties"} {
		if _, ok := post[k]; ok {
			t.Fatalf("stage 1 POST carries %s: %v", k, post)
		}
	}
	if _, ok := stage2["relations"]; !ok {
		t.Fatalf("stage 2 PATCH lacks relations: %v", stage2)
	}
	if _, ok := stage2["calculationProperties"]; ok {
		t.Fatalf("stage 2 PATCH carries calculationProperties: %v", stage2)
	}
	if _, ok := stage3["mirrorProperties"]; !ok {
		t.Fatalf("stage 3 PATCH is not the full definition: %v", stage3)
	}
	bp, ok := emu.Blueprint("awsS3Bucket")
	if !ok {
		t.Fatal("awsS3Bucket not stored")
	}
	rels, _ := bp["relations"].(map[string]any)
	calc, _ := bp["calculationProperties"].(map[string]any)
	if rels["account"] == nil || calc["link"] == nil {
		t.Fatalf("stored blueprint lacks relations or calculation properties: %v", bp)
	}

	// A second run finds them and writes nothing.
	emu.ResetRequests()
	created, err = c.EnsureBlueprints(ctx, defaultBlueprints())
	if err != nil || created != nil {
		t.Fatalf("second EnsureBlueprints = %v, %v; want nothing created", created, err)
	}
	for _, r := range emu.Requests() {
		if r.Method != http.MethodGet {
			t.Fatalf("second run wrote: %s %s", r.Method, r.Path)
		}
	}
}

func TestEnsureBlueprintsSkipsAllWhenOneExists(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	emu.SeedBlueprint(map[string]any{"identifier": "awsAccount", "title": "Mine", "schema": map[string]any{"properties": map[string]any{}}})
	c := newClient(t, emu)
	created, err := c.EnsureBlueprints(context.Background(), defaultBlueprints())
	if err != nil || len(created) != 0 {
		t.Fatalf("EnsureBlueprints = %v, %v; want nothing created", created, err)
	}
	if _, ok := emu.Blueprint("awsS3Bucket"); ok {
		t.Fatal("awsS3Bucket created although awsAccount already existed")
	}
	if n := len(requests(emu, http.MethodPost, "/v1/blueprints")) + len(requests(emu, http.MethodPatch, "/v1/blueprints")); n != 0 {
		t.Fatalf("writes = %d, want 0", n)
	}
	if bp, _ := emu.Blueprint("awsAccount"); bp["title"] != "Mine" {
		t.Fatalf("existing blueprint changed: %v", bp)
	}
}

func TestEnsureBlueprintsRollsBackOnCreateFailure(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	c := newClient(t, emu)
	bps := defaultBlueprints()
	delete(bps[1], "title") // Port rejects a blueprint without a title
	_, err := c.EnsureBlueprints(context.Background(), bps)
	var ae *port.APIError
	if err == nil || !errors.As(err, &ae) || ae.Status != http.StatusUnprocessableEntity {
		t.Fatalf("EnsureBlueprints error = %v, want the 422 of the second POST", err)
	}
	if _, ok := emu.Blueprint("awsS3Bucket"); ok {
		t.Fatal("awsS3Bucket was not rolled back")
	}
	if n := len(requests(emu, http.MethodDelete, "/v1/blueprints/awsS3Bucket")); n != 1 {
		t.Fatalf("rollback DELETEs = %d, want 1", n)
	}
	if n := len(requests(emu, http.MethodPatch, "/v1/blueprints")); n != 0 {
		t.Fatalf("PATCHes after a failed create = %d, want 0", n)
	}
}

func TestGetBlueprintNotFound(t *testing.T) {
	emu := startEmu(t, portemu.Options{})
	c := newClient(t, emu)
	_, err := c.GetBlueprint(context.Background(), "missing")
	if !port.IsNotFound(err) || port.IsRetryable(err) {
		t.Fatalf("GetBlueprint(missing) = %v, want a non-retryable not-found", err)
	}
}
