package port

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const (
	// datasourcePageSize is what Ocean asks for per datasource page.
	datasourcePageSize = 5000
	// maxBulkDelete is Port's bulk delete limit.
	maxBulkDelete = 100
	// maxDatasourcePages guards against a server that never stops paging
	// (5000 × 10000 entities is far beyond any catalog).
	maxDatasourcePages = 10000
)

// EntityRef is one entity found by datasource. Datasource and UpdatedAt are
// filled when Port returns them.
type EntityRef struct {
	Blueprint, Identifier, Datasource string
	UpdatedAt                         time.Time
}

// datasourceEntity decodes an entity of the datasource listing; Port's field
// for the datasource is not documented, so both spellings are read.
type datasourceEntity struct {
	Identifier  string   `json:"identifier"`
	Blueprint   string   `json:"blueprint"`
	Datasource  string   `json:"datasource"`
	DollarDS    string   `json:"$datasource"`
	UpdatedAt   flexTime `json:"updatedAt"`
	DollarUpdAt flexTime `json:"$updatedAt"`
}

// flexTime decodes a timestamp leniently: a format we do not know must not
// break the listing that deletion depends on (UpdatedAt is informational).
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil || s == "" {
		return nil
	}
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		*t = flexTime(v)
	}
	return nil
}

// ListDatasourceEntities lists every entity whose $datasource starts with
// prefix and ends with suffix, following `next` cursors (5000 per page, as
// Ocean). With a non-zero before, only entities not updated since then are
// returned, so entities written during the current resync never look stale.
func (c *Client) ListDatasourceEntities(ctx context.Context, prefix, suffix string, before time.Time) ([]EntityRef, error) {
	var refs []EntityRef
	err := c.EachDatasourceEntity(ctx, prefix, suffix, before, func(ref EntityRef) { refs = append(refs, ref) })
	if err != nil {
		return nil, err
	}
	return refs, nil
}

// EachDatasourceEntity is ListDatasourceEntities one entity at a time, so a
// caller that keeps little (the sweep counts the whole integration's
// entities) never holds the whole catalog. On an error, fn has seen some of
// the entities: only a nil error means it saw them all.
func (c *Client) EachDatasourceEntity(ctx context.Context, prefix, suffix string, before time.Time, fn func(EntityRef)) error {
	if prefix == "" && suffix == "" {
		// An empty filter would list the whole organization: never what a
		// reconciliation means.
		return &permanentError{errors.New("port: list datasource entities: prefix or suffix is required")}
	}
	from := ""
	seen := map[string]bool{}
	for page := 0; ; page++ {
		if page >= maxDatasourcePages {
			return fmt.Errorf("port: list datasource entities %q…%q: more than %d pages", prefix, suffix, maxDatasourcePages)
		}
		body := map[string]any{
			"datasource_prefix": prefix,
			"datasource_suffix": suffix,
			"limit":             datasourcePageSize,
		}
		if from != "" {
			body["from"] = from
		}
		if !before.IsZero() {
			body["before"] = before.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		var out struct {
			Entities []datasourceEntity `json:"entities"`
			Next     *json.RawMessage   `json:"next"`
		}
		if _, err := c.do(ctx, request{
			method: http.MethodPost,
			path:   "/v1/blueprints/entities/datasource-entities",
			body:   body,
			retry:  true,
		}, &out); err != nil {
			return fmt.Errorf("list datasource entities %q…%q (page %d): %w", prefix, suffix, page+1, err)
		}
		for _, e := range out.Entities {
			ref := EntityRef{Blueprint: e.Blueprint, Identifier: e.Identifier, Datasource: e.Datasource, UpdatedAt: time.Time(e.UpdatedAt)}
			if ref.Datasource == "" {
				ref.Datasource = e.DollarDS
			}
			if ref.UpdatedAt.IsZero() {
				ref.UpdatedAt = time.Time(e.DollarUpdAt)
			}
			fn(ref)
		}
		next := cursor(out.Next)
		if next == "" {
			return nil
		}
		if seen[next] {
			return fmt.Errorf("port: list datasource entities %q…%q: cursor %q repeated", prefix, suffix, next)
		}
		seen[next] = true
		from = next
	}
}

// cursor reads `next`, which is absent, null, a string or (defensively) a number.
func cursor(raw *json.RawMessage) string {
	if raw == nil {
		return ""
	}
	var s string
	if json.Unmarshal(*raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(*raw, &n) == nil {
		return n.String()
	}
	return ""
}

// DeleteEntities bulk-deletes ids of one blueprint, at most 100 per call, and
// returns the identifiers Port reports as deleted (ids already gone are simply
// not listed). With deleteDependents false, Port rejects a whole call if any
// entity in it has dependents and deletes nothing of that call; the error is
// returned together with what earlier calls deleted.
func (c *Client) DeleteEntities(ctx context.Context, blueprint string, ids []string, deleteDependents bool) ([]string, error) {
	if blueprint == "" {
		return nil, &permanentError{errors.New("port: delete entities: blueprint is required")}
	}
	uniq := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	q := url.Values{}
	q.Set("delete_dependents", boolParam(deleteDependents))
	path := "/v1/blueprints/" + escapeSegment(blueprint) + "/bulk/entities/delete"
	var deleted []string
	for lo := 0; lo < len(uniq); lo += maxBulkDelete {
		batch := uniq[lo:min(lo+maxBulkDelete, len(uniq))]
		var out struct {
			DeletedEntities []string `json:"deletedEntities"`
		}
		if _, err := c.do(ctx, request{
			method: http.MethodPost,
			path:   path,
			query:  q,
			body:   map[string]any{"entities": batch},
			retry:  true,
		}, &out); err != nil {
			return deleted, fmt.Errorf("delete %d entities of blueprint %q (delete_dependents=%s): %w",
				len(batch), blueprint, strconv.FormatBool(deleteDependents), err)
		}
		deleted = append(deleted, out.DeletedEntities...)
	}
	return deleted, nil
}

// DeleteEntity deletes one entity; an entity that is already gone (404) counts
// as deleted, as in Ocean.
func (c *Client) DeleteEntity(ctx context.Context, blueprint, id string, deleteDependents bool) error {
	if blueprint == "" || id == "" {
		return &permanentError{errors.New("port: delete entity: blueprint and identifier are required")}
	}
	q := url.Values{}
	q.Set("delete_dependents", boolParam(deleteDependents))
	_, err := c.do(ctx, request{
		method:   http.MethodDelete,
		path:     "/v1/blueprints/" + escapeSegment(blueprint) + "/entities/" + escapeSegment(id),
		query:    q,
		retry:    true,
		okStatus: []int{http.StatusNotFound},
	}, nil)
	if err != nil {
		return fmt.Errorf("delete entity %q of blueprint %q: %w", id, blueprint, err)
	}
	return nil
}
