package port

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// GetIntegration returns the integration record; IsNotFound(err) when Port
// does not know it yet (the caller then creates it).
func (c *Client) GetIntegration(ctx context.Context, id string) (map[string]any, error) {
	var out struct {
		Integration map[string]any `json:"integration"`
	}
	if _, err := c.do(ctx, request{
		method: http.MethodGet,
		path:   "/v1/integration/" + escapeSegment(id),
		retry:  true,
	}, &out); err != nil {
		return nil, fmt.Errorf("get integration %q: %w", id, err)
	}
	return out.Integration, nil
}

// CreateIntegration registers an integration (POST /v1/integration). Not
// retried, as in Ocean: a repeated create could conflict.
func (c *Client) CreateIntegration(ctx context.Context, body map[string]any) (map[string]any, error) {
	var out struct {
		Integration map[string]any `json:"integration"`
	}
	if _, err := c.do(ctx, request{method: http.MethodPost, path: "/v1/integration", body: body}, &out); err != nil {
		id := body["identifier"]
		if id == nil {
			id = body["installationId"]
		}
		return nil, fmt.Errorf("create integration %v: %w", id, err)
	}
	return out.Integration, nil
}

// PatchIntegration updates the given fields of an integration. Not retried.
func (c *Client) PatchIntegration(ctx context.Context, id string, patch map[string]any) (map[string]any, error) {
	var out struct {
		Integration map[string]any `json:"integration"`
	}
	if _, err := c.do(ctx, request{
		method: http.MethodPatch,
		path:   "/v1/integration/" + escapeSegment(id),
		body:   patch,
	}, &out); err != nil {
		return nil, fmt.Errorf("patch integration %q: %w", id, err)
	}
	return out.Integration, nil
}

// ResyncState is the integration's resync status shown in Port.
type ResyncState struct {
	Status                                     string // running | completed | failed | aborted
	LastResyncStart, LastResyncEnd, NextResync *time.Time
	IntervalInMinutes                          *int // sent as Port's (misspelt) "intervalInMinuets"
}

// MarshalJSON writes Port's field names; nil times and interval are sent as
// explicit nulls, as Ocean does (lastResyncEnd: null while running).
func (s ResyncState) MarshalJSON() ([]byte, error) {
	ts := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return json.Marshal(map[string]any{
		"status":            s.Status,
		"lastResyncStart":   ts(s.LastResyncStart),
		"lastResyncEnd":     ts(s.LastResyncEnd),
		"nextResync":        ts(s.NextResync),
		"intervalInMinuets": s.IntervalInMinutes,
	})
}

// PatchResyncState sets the integration's resync state
// (PATCH /v1/integration/{id}/resync-state). Not retried, as in Ocean.
func (c *Client) PatchResyncState(ctx context.Context, id string, st ResyncState) error {
	if st.Status == "" {
		return &permanentError{errors.New("port: patch resync state: status is required")}
	}
	if _, err := c.do(ctx, request{
		method: http.MethodPatch,
		path:   "/v1/integration/" + escapeSegment(id) + "/resync-state",
		body:   st,
	}, nil); err != nil {
		return fmt.Errorf("patch resync state of integration %q to %q: %w", id, st.Status, err)
	}
	return nil
}

// ResyncRequest is the integration's latest resync request: what Port's
// "Resync" button and a mapping saved in Port's UI set. A zero UpdatedAt
// means none (or one Port did not date).
type ResyncRequest struct {
	ID        string    `json:"id,omitempty"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// GetResyncRequest reads the integration's resync request
// (GET /v1/integration/{id}/resync-request), the trigger of Ocean's POLLING
// listener. IsNotFound(err) when Port does not know the integration yet.
// Not retried here: the next poll is the retry, as in Ocean, so a Port
// outage costs one request per interval, not a backoff series each time.
func (c *Client) GetResyncRequest(ctx context.Context, id string) (ResyncRequest, error) {
	var out struct {
		Request map[string]any `json:"request"`
	}
	if _, err := c.do(ctx, request{
		method: http.MethodGet,
		path:   "/v1/integration/" + escapeSegment(id) + "/resync-request",
	}, &out); err != nil {
		return ResyncRequest{}, fmt.Errorf("get resync request of integration %q: %w", id, err)
	}
	var r ResyncRequest
	switch v := out.Request["id"].(type) {
	case string:
		r.ID = v
	case float64:
		r.ID = fmt.Sprint(v)
	}
	// Ocean acts only on an updatedAt that parses; anything else is no request.
	if s, ok := out.Request["updatedAt"].(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			r.UpdatedAt = t.UTC()
		}
	}
	return r, nil
}
