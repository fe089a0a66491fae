package port

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/sync/errgroup"
	"net/http"
	"net/url"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
)

const (
	// maxBulkEntities is Port's bulk upsert limit (and Ocean's batch length).
	maxBulkEntities = 20
	// maxBodyBytes is Port's request body limit.
	maxBodyBytes = 1 << 20
	// sizeSample is how many entities Ocean measures to estimate a chunk size.
	sizeSample = 10
	// upsertConcurrency bounds chunks in flight per UpsertEntities call; the
	// activities already run many calls side by side.
	upsertConcurrency = 4
)

// UpsertOptions are the query flags of an upsert.
type UpsertOptions struct {
	// Merge updates only the given fields (Ocean's enableMergeEntity).
	Merge bool
	// CreateMissingRelatedEntities creates bare relation targets.
	CreateMissingRelatedEntities bool
	// ResyncID, when set, is sent as Ocean's informational
	// ocean_info_event_type=resync / ocean_info_resync_id parameters.
	ResyncID string
}

func (o UpsertOptions) query() url.Values {
	q := url.Values{}
	q.Set("upsert", "true")
	q.Set("merge", boolParam(o.Merge))
	q.Set("create_missing_related_entities", boolParam(o.CreateMissingRelatedEntities))
	q.Set("validation_only", "false")
	if o.ResyncID != "" {
		q.Set("ocean_info_event_type", "resync")
		q.Set("ocean_info_resync_id", o.ResyncID)
	}
	return q
}

// UpsertResult is the outcome for ents[Index] of an UpsertEntities call.
type UpsertResult struct {
	Index int
	// Identifier is the one Port resolved on success, else the caller's.
	Identifier string
	Created    bool
	Failed     bool
	// StatusCode is Port's per-entity status: 201 created / 200 updated on
	// success, the error status on failure.
	StatusCode int
	// Code and Message are Port's error code (e.g. not_found) and text.
	Code, Message string
}

// bulkResponse is the body of a 200/207 bulk upsert (and, when Port answers
// an all-failed batch with a 4xx, possibly of that too).
type bulkResponse struct {
	Entities []struct {
		Index      int    `json:"index"`
		Identifier string `json:"identifier"`
		Created    bool   `json:"created"`
	} `json:"entities"`
	Errors []struct {
		Index      int    `json:"index"`
		Identifier string `json:"identifier"`
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	} `json:"errors"`
}

// UpsertEntities writes ents, all of one blueprint, with the bulk route.
//
// Ents are chunked like Ocean: at most 20 per call and, by the JSON size of
// the first ten, about 1 MiB per call; a chunk that still gets 413 is retried
// entity by entity on the single route. The result has one entry per entity,
// matched by index; an index Port leaves out of both lists counts as failed.
//
// Per-entity failures (207 errors, and chunk-wide 4xx such as 404 for an
// unknown blueprint or 422) are reported in the results, not as an error, so
// the caller can keep going. An error is returned — and no results — only
// when the failure is not about the data: transport errors, cancellation,
// 401/403 and throttling or 5xx that outlasted the retries. Those are worth an
// activity retry, which is safe since upserts are idempotent.
func (c *Client) UpsertEntities(ctx context.Context, blueprint string, ents []catalog.Entity, o UpsertOptions) ([]UpsertResult, error) {
	if blueprint == "" {
		return nil, &permanentError{errors.New("port: upsert entities: blueprint is required")}
	}
	results := make([]UpsertResult, len(ents))
	bodies := make([]json.RawMessage, len(ents))
	for i, e := range ents {
		if e.Blueprint != "" && e.Blueprint != blueprint {
			return nil, &permanentError{fmt.Errorf("port: upsert entities of blueprint %q: entity %d (%q) belongs to %q", blueprint, i, e.Identifier, e.Blueprint)}
		}
		e.Blueprint = blueprint
		b, err := json.Marshal(e)
		if err != nil {
			return nil, &permanentError{fmt.Errorf("port: encode entity %q of blueprint %q: %w", e.Identifier, blueprint, err)}
		}
		bodies[i] = b
		results[i] = UpsertResult{Index: i, Identifier: e.Identifier}
	}
	if len(ents) == 0 {
		return results, nil
	}

	size := chunkSize(bodies)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(upsertConcurrency)
	for lo := 0; lo < len(bodies); lo += size {
		hi := min(lo+size, len(bodies))
		// Each chunk writes only its own slice of results.
		g.Go(func() error { return c.upsertChunk(gctx, blueprint, bodies[lo:hi], results[lo:hi], o) })
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("upsert %d entities of blueprint %q: %w", len(ents), blueprint, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("upsert %d entities of blueprint %q: %w", len(ents), blueprint, err)
	}
	return results, nil
}

// chunkSize is Ocean's: min(20, 1 MiB / (1.5 × average size of the first ten
// entities)), at least 1.
func chunkSize(bodies []json.RawMessage) int {
	n := min(len(bodies), sizeSample)
	total := 0
	for _, b := range bodies[:n] {
		total += len(b)
	}
	if n == 0 || total == 0 {
		return maxBulkEntities
	}
	avg := float64(total) / float64(n)
	size := int(float64(maxBodyBytes) / (1.5 * avg))
	return max(1, min(maxBulkEntities, size))
}

// upsertChunk sends one bulk call and fills res (aligned with bodies). It
// returns an error only for failures that are fatal to the whole call.
func (c *Client) upsertChunk(ctx context.Context, blueprint string, bodies []json.RawMessage, res []UpsertResult, o UpsertOptions) error {
	path := "/v1/blueprints/" + escapeSegment(blueprint) + "/entities/bulk"
	var out bulkResponse
	resp, err := c.do(ctx, request{
		method:   http.MethodPost,
		path:     path,
		query:    o.query(),
		body:     map[string]any{"entities": bodies},
		retry:    true,
		okStatus: []int{http.StatusRequestEntityTooLarge},
	}, &out)
	if err == nil && resp.status == http.StatusRequestEntityTooLarge {
		c.shared.log.InfoContext(ctx, "port bulk upsert too large, falling back to single upserts",
			"blueprint", blueprint, "entities", len(bodies), "trace_id", resp.header.Get("x-trace-id"))
		for i, b := range bodies {
			created, status, serr := c.upsertOne(ctx, blueprint, b, o)
			if serr != nil {
				if fatal(serr) {
					return serr
				}
				markFailed(&res[i], serr)
				continue
			}
			res[i].Created, res[i].StatusCode = created, status
		}
		return nil
	}
	if err != nil {
		if fatal(err) {
			return err
		}
		// A chunk-wide 4xx. Port may still list per-entity errors in the body
		// (an all-failed batch); use them, and mark the rest with the status.
		if resp != nil {
			var partial bulkResponse
			if json.Unmarshal(resp.body, &partial) == nil && (len(partial.Entities) > 0 || len(partial.Errors) > 0) {
				applyBulk(res, partial)
				return nil
			}
		}
		for i := range res {
			markFailed(&res[i], err)
		}
		return nil
	}
	applyBulk(res, out)
	return nil
}

// applyBulk maps a bulk response onto res by index.
func applyBulk(res []UpsertResult, out bulkResponse) {
	seen := make([]bool, len(res))
	for _, e := range out.Entities {
		if e.Index < 0 || e.Index >= len(res) {
			continue
		}
		seen[e.Index] = true
		r := &res[e.Index]
		if e.Identifier != "" {
			r.Identifier = e.Identifier
		}
		r.Created = e.Created
		r.StatusCode = http.StatusOK
		if e.Created {
			r.StatusCode = http.StatusCreated
		}
	}
	for _, e := range out.Errors {
		if e.Index < 0 || e.Index >= len(res) {
			continue
		}
		seen[e.Index] = true
		r := &res[e.Index]
		r.Failed, r.StatusCode, r.Code, r.Message = true, e.StatusCode, e.Error, e.Message
	}
	for i, ok := range seen {
		if !ok {
			r := &res[i]
			r.Failed, r.Code, r.Message = true, "missing_result", "Port returned no result for this entity"
		}
	}
}

func markFailed(r *UpsertResult, err error) {
	r.Failed = true
	var ae *APIError
	if errors.As(err, &ae) {
		r.StatusCode, r.Code, r.Message = ae.Status, ae.Code, ae.Message
		return
	}
	r.Message = err.Error()
}

// fatal tells a failure of the whole call from one about the entities sent.
func fatal(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Path == tokenPath {
		// Transport, cancellation, undecodable answer, or no token (a token
		// endpoint's 404 is a wrong base URL, not an entity that is missing).
		return true
	}
	return IsRetryable(err) || ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden
}

// upsertOne posts one pre-encoded entity on the single route.
func (c *Client) upsertOne(ctx context.Context, blueprint string, body json.RawMessage, o UpsertOptions) (created bool, status int, err error) {
	resp, err := c.do(ctx, request{
		method: http.MethodPost,
		path:   "/v1/blueprints/" + escapeSegment(blueprint) + "/entities",
		query:  o.query(),
		body:   body,
		retry:  true,
	}, nil)
	if err != nil {
		return false, 0, err
	}
	// Port answers 201 for a create; an update of an existing entity may also
	// say 201, so Created is best effort on this route.
	return resp.status == http.StatusCreated, resp.status, nil
}

// UpsertEntity writes one entity on the single route
// (POST /v1/blueprints/{blueprint}/entities?upsert=true).
func (c *Client) UpsertEntity(ctx context.Context, e catalog.Entity, o UpsertOptions) error {
	if e.Blueprint == "" {
		return &permanentError{fmt.Errorf("port: upsert entity %q: blueprint is required", e.Identifier)}
	}
	body, err := json.Marshal(e)
	if err != nil {
		return &permanentError{fmt.Errorf("port: encode entity %q of blueprint %q: %w", e.Identifier, e.Blueprint, err)}
	}
	if _, _, err := c.upsertOne(ctx, e.Blueprint, body, o); err != nil {
		return fmt.Errorf("upsert entity %q of blueprint %q: %w", e.Identifier, e.Blueprint, err)
	}
	return nil
}

// SearchEntities runs a query on POST /v1/entities/search (no pagination on
// this route). include projects fields (e.g. "identifier", "properties.arn");
// empty means everything.
func (c *Client) SearchEntities(ctx context.Context, query map[string]any, include []string) ([]catalog.Entity, error) {
	q := url.Values{}
	q.Set("exclude_calculated_properties", "true")
	for _, f := range include {
		q.Add("include", f)
	}
	var out struct {
		Entities []catalog.Entity `json:"entities"`
	}
	if _, err := c.do(ctx, request{
		method: http.MethodPost,
		path:   "/v1/entities/search",
		query:  q,
		body:   query,
		retry:  true,
	}, &out); err != nil {
		return nil, fmt.Errorf("search entities: %w", err)
	}
	return out.Entities, nil
}
