package port

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
)

// GetBlueprint returns a blueprint's definition; IsNotFound(err) when missing.
func (c *Client) GetBlueprint(ctx context.Context, id string) (map[string]any, error) {
	var out struct {
		Blueprint map[string]any `json:"blueprint"`
	}
	if _, err := c.do(ctx, request{
		method: http.MethodGet,
		path:   "/v1/blueprints/" + escapeSegment(id),
		retry:  true,
	}, &out); err != nil {
		return nil, fmt.Errorf("get blueprint %q: %w", id, err)
	}
	return out.Blueprint, nil
}

// Keys removed per creation stage, as in Ocean's DefaultOriginSetup: the
// first stage may not refer to other blueprints or derived fields, the second
// adds relations (every target now exists), the third is the full definition.
var (
	derivedKeys  = []string{"calculationProperties", "mirrorProperties", "aggregationProperties"}
	relationKeys = []string{"teamInheritance", "ownership", "relations"}
)

// EnsureBlueprints creates the default blueprints the way Ocean does:
//
//  1. GET each; if any already exists, create nothing (the user owns the
//     model from then on) and return no identifiers.
//  2. POST each without relations, ownership, teamInheritance and
//     calculation/mirror/aggregation properties.
//  3. PATCH each with relations, ownership and teamInheritance.
//  4. PATCH each with the full definition.
//
// If a POST or PATCH fails, the blueprints created by this call are deleted
// (best effort) and the error is returned. POSTs and PATCHes are not
// retried, as in Ocean; the GETs and the rollback DELETEs are.
func (c *Client) EnsureBlueprints(ctx context.Context, blueprints []map[string]any) ([]string, error) {
	ids := make([]string, len(blueprints))
	for i, bp := range blueprints {
		id, _ := bp["identifier"].(string)
		if id == "" {
			return nil, &permanentError{fmt.Errorf("port: ensure blueprints: blueprint %d has no identifier", i)}
		}
		ids[i] = id
	}
	for _, id := range ids {
		_, err := c.GetBlueprint(ctx, id)
		if err == nil {
			c.shared.log.InfoContext(ctx, "port blueprint already exists, skipping default blueprint creation", "blueprint", id)
			return nil, nil
		}
		if !IsNotFound(err) {
			return nil, fmt.Errorf("ensure blueprints: %w", err)
		}
	}

	var created []string
	for i, bp := range blueprints {
		body := without(bp, derivedKeys, relationKeys)
		if _, err := c.do(ctx, request{method: http.MethodPost, path: "/v1/blueprints", body: body}, nil); err != nil {
			return nil, c.rollbackBlueprints(ctx, created, fmt.Errorf("create blueprint %q: %w", ids[i], err))
		}
		created = append(created, ids[i])
	}
	for _, stage := range []struct {
		name string
		drop [][]string
	}{{"relations", [][]string{derivedKeys}}, {"full definition", nil}} {
		for i, bp := range blueprints {
			body := without(bp, stage.drop...)
			if _, err := c.do(ctx, request{method: http.MethodPatch, path: "/v1/blueprints/" + escapeSegment(ids[i]), body: body}, nil); err != nil {
				return nil, c.rollbackBlueprints(ctx, created, fmt.Errorf("patch blueprint %q with %s: %w", ids[i], stage.name, err))
			}
		}
	}
	return created, nil
}

// rollbackBlueprints deletes what EnsureBlueprints created and returns cause,
// with any rollback failure joined to it.
func (c *Client) rollbackBlueprints(ctx context.Context, created []string, cause error) error {
	var errs []error
	for _, id := range created {
		_, err := c.do(ctx, request{method: http.MethodDelete, path: "/v1/blueprints/" + escapeSegment(id), retry: true, okStatus: []int{http.StatusNotFound}}, nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("roll back blueprint %q: %w", id, err))
		}
	}
	c.shared.log.WarnContext(ctx, "port default blueprint creation failed, rolled back", "blueprints", created, "rollback_errors", len(errs))
	return fmt.Errorf("ensure blueprints: %w", errors.Join(append([]error{cause}, errs...)...))
}

// without returns a shallow copy of m without the given keys.
func without(m map[string]any, keySets ...[]string) map[string]any {
	out := maps.Clone(m)
	for _, keys := range keySets {
		for _, k := range keys {
			delete(out, k)
		}
	}
	return out
}
