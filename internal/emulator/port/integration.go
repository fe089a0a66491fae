package portemu

import (
	"net/http"
)

// organization serves GET /v1/organization as Port answers it:
// {ok, organization:{id, name, featureFlags:[…]}}. The flags are
// Options.FeatureFlags, none by default: every flag Ocean acts on switches it
// to something the emulator does not serve (USE_PROVISIONED_DEFAULTS waits for
// Port to provision the mapping; LAKEHOUSE_ELIGIBLE with
// DATA_SOURCE_PROCESSOR_ENABLED skips Ocean's own transform and load).
func (c *call) organization() {
	flags := append([]string{}, c.s.opts.FeatureFlags...) // [] rather than null when empty
	c.json(http.StatusOK, map[string]any{"ok": true, "organization": map[string]any{
		"id": c.s.opts.OrganizationID, "name": "Port emulator", "featureFlags": flags,
	}})
}

func (c *call) provisionEnabled() {
	c.json(http.StatusOK, map[string]any{"ok": true, "integrations": []any{}})
}

func (c *call) integrationNotFound(id string) {
	c.error(http.StatusNotFound, "not_found", "integration with identifier \""+id+"\" was not found")
}

func (c *call) getIntegration() {
	id := c.segs[1]
	in, ok := c.s.Integration(id)
	if !ok {
		c.integrationNotFound(id)
		return
	}
	c.json(http.StatusOK, map[string]any{"ok": true, "integration": c.withIngestAttributes(in)})
}

// createIntegration serves POST /v1/integration (201; 409 if it exists).
func (c *call) createIntegration() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	// Ocean names the new integration by installationId; accept identifier too.
	id, _ := body["installationId"].(string)
	if id == "" {
		id, _ = body["identifier"].(string)
	}
	if id == "" {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "installationId is required")
		return
	}
	s := c.s
	now := fmtTime(s.Now())
	in := map[string]any{
		"identifier":                  id,
		"installationType":            "OnPrem",
		"installationAppType":         nil,
		"version":                     nil,
		"config":                      map[string]any{},
		"changelogDestination":        map[string]any{},
		"resyncState":                 nil,
		"arePortResourcesInitialized": false,
		"createdAt":                   now,
		"createdBy":                   c.clientID,
	}
	for k, v := range body {
		in[k] = deepCopy(v)
	}
	in["updatedAt"] = now
	in["updatedBy"] = c.clientID
	s.mu.Lock()
	if _, exists := s.integrations[id]; exists {
		s.mu.Unlock()
		c.error(http.StatusConflict, "conflict", "integration with identifier \""+id+"\" already exists")
		return
	}
	s.integrations[id] = in
	out := deepCopyMap(in)
	s.mu.Unlock()
	s.changed()
	c.json(http.StatusCreated, map[string]any{"ok": true, "integration": c.withIngestAttributes(out)})
}

// updateIntegration applies fn to the stored integration and answers with it.
func (c *call) updateIntegration(fn func(in map[string]any)) {
	id := c.segs[1]
	s := c.s
	now := fmtTime(s.Now())
	s.mu.Lock()
	in, ok := s.integrations[id]
	if !ok {
		s.mu.Unlock()
		c.integrationNotFound(id)
		return
	}
	fn(in)
	in["identifier"] = id
	in["updatedAt"] = now
	in["updatedBy"] = c.clientID
	out := deepCopyMap(in)
	s.mu.Unlock()
	s.changed()
	c.json(http.StatusOK, map[string]any{"ok": true, "integration": c.withIngestAttributes(out)})
}

// patchIntegration replaces each top-level field given.
func (c *call) patchIntegration() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	c.updateIntegration(func(in map[string]any) {
		for k, v := range body {
			in[k] = deepCopy(v)
		}
	})
}

func (c *call) patchIntegrationConfig() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	cfg, isMap := body["config"].(map[string]any)
	if !isMap {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "config must be an object")
		return
	}
	c.updateIntegration(func(in map[string]any) { in["config"] = deepCopyMap(cfg) })
}

// patchResyncState stores the body as resyncState with a fresh updatedAt;
// Ocean always sends every field, so the state is replaced, not merged.
func (c *call) patchResyncState() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	now := fmtTime(c.s.Now())
	c.updateIntegration(func(in map[string]any) {
		st := deepCopyMap(body)
		st["updatedAt"] = now
		in["resyncState"] = st
	})
}

// getResyncRequest serves the polling trigger; RequestResync sets it.
func (c *call) getResyncRequest() {
	id := c.segs[1]
	s := c.s
	s.mu.Lock()
	in, ok := s.integrations[id]
	req := deepCopyMap(s.resyncRequests[id])
	if ok && req == nil {
		req = map[string]any{"id": nil, "updatedAt": in["createdAt"]}
	}
	s.mu.Unlock()
	if !ok {
		c.integrationNotFound(id)
		return
	}
	c.json(http.StatusOK, map[string]any{"ok": true, "request": req})
}

// acceptExamples takes kind examples and drops them; they only feed Port's UI.
func (c *call) acceptExamples() {
	if _, ok := c.decodeObject(); !ok {
		return
	}
	if _, ok := c.s.Integration(c.segs[1]); !ok {
		c.integrationNotFound(c.segs[1])
		return
	}
	c.json(http.StatusOK, map[string]any{"ok": true})
}
