package portemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// upsertMode carries the query flags and the writer of one upsert call.
type upsertMode struct {
	upsert, merge, createMissing, validationOnly bool
	ua, by                                       string
	now                                          time.Time
}

func (c *call) upsertMode() upsertMode {
	return upsertMode{
		upsert:         c.qbool("upsert"),
		merge:          c.qbool("merge"),
		createMissing:  c.qbool("create_missing_related_entities"),
		validationOnly: c.qbool("validation_only"),
		ua:             c.ua,
		by:             c.clientID,
		now:            c.s.Now(),
	}
}

// upsertOne serves POST /v1/blueprints/{bp}/entities: 201 created, 200 updated.
func (c *call) upsertOne() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	s := c.s
	m := c.upsertMode()
	s.mu.Lock()
	e, created, _, err := s.upsertLocked(c.segs[1], body, m)
	s.mu.Unlock()
	if err != nil {
		c.error(err.status, err.code, err.msg)
		return
	}
	if !m.validationOnly {
		s.changed()
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.json(status, map[string]any{"ok": true, "entity": entityJSON(&e)})
}

// updateEntity serves PATCH (merge) and PUT (replace) on
// /v1/blueprints/{bp}/entities/{id}: 404 when the entity does not exist.
func (c *call) updateEntity() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	bp, id := c.segs[1], c.segs[3]
	body["identifier"] = id
	m := c.upsertMode()
	m.upsert, m.merge, m.validationOnly = true, c.r.Method == http.MethodPatch, false
	s := c.s
	s.mu.Lock()
	if _, exists := s.entities[entityKey{bp, id}]; !exists {
		s.mu.Unlock()
		c.error(http.StatusNotFound, "not_found", fmt.Sprintf("Entity with identifier %q of blueprint %q was not found", id, bp))
		return
	}
	e, _, _, err := s.upsertLocked(bp, body, m)
	s.mu.Unlock()
	if err != nil {
		c.error(err.status, err.code, err.msg)
		return
	}
	s.changed()
	c.json(http.StatusOK, map[string]any{"ok": true, "entity": entityJSON(&e)})
}

// upsertBulk serves POST /v1/blueprints/{bp}/entities/bulk: each entity is
// processed on its own; 200 when all succeed, 207 when some fail,
// Options.AllFailedStatus when all fail.
func (c *call) upsertBulk() {
	var body struct {
		Entities []json.RawMessage `json:"entities"`
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &top); err != nil || top == nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema")
		return
	}
	for k := range top {
		if k != "entities" {
			c.error(http.StatusUnprocessableEntity, "invalid_request", fmt.Sprintf("The json provided does not match the route's schema: unexpected field %q", k))
			return
		}
	}
	if err := json.Unmarshal(c.body, &body); err != nil || len(body.Entities) < 1 || len(body.Entities) > 20 {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema: entities must hold 1 to 20 entities")
		return
	}
	s := c.s
	bp := c.segs[1]
	m := c.upsertMode()
	type okItem struct {
		Index      int    `json:"index"`
		Identifier string `json:"identifier"`
		Created    bool   `json:"created"`
	}
	type errItem struct {
		Index      int    `json:"index"`
		Identifier string `json:"identifier"`
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}
	oks := []okItem{}
	errs := []errItem{}
	s.mu.Lock()
	if _, exists := s.blueprints[bp]; !exists {
		s.mu.Unlock()
		c.blueprintNotFound(bp)
		return
	}
	for i, raw := range body.Entities {
		var ent any
		_ = json.Unmarshal(raw, &ent)
		if be, injected := c.fail[i]; injected {
			errs = append(errs, errItem{Index: i, Identifier: bulkIdentifier(ent, ""), StatusCode: orInt(be.StatusCode, 422),
				Error: orStr(be.Error, "injected_failure"), Message: orStr(be.Message, "failure injected by the emulator")})
			continue
		}
		_, created, id, err := s.upsertLocked(bp, ent, m)
		if err != nil {
			errs = append(errs, errItem{Index: i, Identifier: bulkIdentifier(ent, id), StatusCode: err.status, Error: err.code, Message: err.msg})
			continue
		}
		oks = append(oks, okItem{Index: i, Identifier: id, Created: created})
	}
	s.mu.Unlock()
	if len(oks) > 0 && !m.validationOnly {
		s.changed()
	}
	resp := map[string]any{"ok": len(errs) == 0, "entities": oks, "errors": errs}
	status := http.StatusOK
	switch {
	case len(oks) == 0:
		status = s.opts.AllFailedStatus
		resp["error"] = "all_entities_failed"
		resp["message"] = "every entity of the bulk request failed"
	case len(errs) > 0:
		status = http.StatusMultiStatus
	}
	c.json(status, resp)
}

// bulkIdentifier is what an errors[] entry names: the resolved or given
// identifier, else "unknown" (as Port says for unresolved search identifiers).
func bulkIdentifier(ent any, resolved string) string {
	if resolved != "" {
		return resolved
	}
	if m, ok := ent.(map[string]any); ok {
		if id, ok := m["identifier"].(string); ok {
			return id
		}
	}
	return "unknown"
}

func orInt(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

func orStr(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// upsertLocked validates and (unless validation-only) writes one entity body.
// It returns the resulting entity, whether it was created, and the resolved identifier.
func (s *Server) upsertLocked(bp string, raw any, m upsertMode) (Entity, bool, string, *entityError) {
	body, ok := raw.(map[string]any)
	if !ok {
		return Entity{}, false, "", invalid("entity must be a JSON object")
	}
	def, ok := s.blueprints[bp]
	if !ok {
		return Entity{}, false, "", notFound("Blueprint with identifier %q was not found", bp)
	}
	if b, present := body["blueprint"]; present && b != nil && b != bp {
		return Entity{}, false, "", invalid("entity blueprint %v does not match the route's blueprint %q", b, bp)
	}
	id, err := s.resolveIdentifierLocked(bp, body["identifier"])
	if err != nil {
		return Entity{}, false, id, err
	}
	key := entityKey{bp, id}
	old, exists := s.entities[key]
	if exists && !m.upsert {
		return Entity{}, false, id, &entityError{status: http.StatusConflict, code: "conflict",
			msg: fmt.Sprintf("Entity with identifier %q already exists in blueprint %q", id, bp)}
	}

	var next Entity
	if exists && m.merge {
		next = cloneEntity(old)
	} else {
		next = Entity{Identifier: id, Blueprint: bp}
	}
	if err := applyBody(&next, body, exists && m.merge); err != nil {
		return Entity{}, false, id, err
	}
	stubs, err := s.checkEntityLocked(def, &next, m.createMissing)
	if err != nil {
		return Entity{}, false, id, err
	}

	if exists {
		next.CreatedAt, next.CreatedBy = old.CreatedAt, old.CreatedBy
	} else {
		next.CreatedAt, next.CreatedBy = m.now, m.by
	}
	// Every successful write bumps updatedAt and takes over $datasource, even
	// when nothing changed (last writer wins; real Port is unverified here).
	next.UpdatedAt, next.UpdatedBy, next.Datasource = m.now, m.by, m.ua
	if m.validationOnly {
		return next, !exists, id, nil
	}
	for _, k := range stubs {
		s.putEntityLocked(k, &Entity{Identifier: k.identifier, Blueprint: k.blueprint, CreatedAt: m.now, UpdatedAt: m.now,
			CreatedBy: m.by, UpdatedBy: m.by, Datasource: m.ua})
	}
	stored := cloneEntity(&next)
	s.putEntityLocked(key, &stored)
	return next, !exists, id, nil
}

// resolveIdentifierLocked reads a string identifier, or resolves a
// search-query identifier to the single entity of bp it matches.
func (s *Server) resolveIdentifierLocked(bp string, v any) (string, *entityError) {
	switch t := v.(type) {
	case string:
		if !validIdentifier(t) {
			return "", invalid("identifier %q does not match the pattern or is longer than 1000 characters", t)
		}
		return t, nil
	case map[string]any:
		q, err := compileQuery(t)
		if err != nil {
			return "", invalid("search identifier: %v", err)
		}
		var found []string
		for k, e := range s.entities {
			if k.blueprint == bp && q(e) {
				found = append(found, k.identifier)
			}
		}
		switch len(found) {
		case 0:
			return "", notFound("no entity of blueprint %q matches the search identifier", bp)
		case 1:
			return found[0], nil
		}
		return "", invalid("the search identifier matches %d entities", len(found))
	case nil:
		return "", invalid("identifier is required")
	}
	return "", invalid("identifier must be a string or a search query")
}

// applyBody copies the fields present in body onto e. With merge, properties
// and relations are updated key by key and a null removes the key.
func applyBody(e *Entity, body map[string]any, merge bool) *entityError {
	for _, f := range []struct {
		name string
		dst  *string
	}{{"title", &e.Title}, {"icon", &e.Icon}} {
		v, present := body[f.name]
		if !present {
			continue
		}
		switch t := v.(type) {
		case nil:
			*f.dst = ""
		case string:
			*f.dst = t
		default:
			return invalid("%s must be a string", f.name)
		}
	}
	if v, present := body["team"]; present {
		switch t := v.(type) {
		case nil, string, map[string]any:
			e.Team = deepCopy(t)
		case []any:
			for _, x := range t {
				if _, ok := x.(string); !ok {
					return invalid("team must be a string or an array of strings")
				}
			}
			e.Team = deepCopy(t)
		default:
			return invalid("team must be a string or an array of strings")
		}
	}
	for _, f := range []struct {
		name string
		dst  *map[string]any
	}{{"properties", &e.Properties}, {"relations", &e.Relations}} {
		v, present := body[f.name]
		if !present || v == nil {
			continue
		}
		given, ok := v.(map[string]any)
		if !ok {
			return invalid("%s must be an object", f.name)
		}
		if !merge || *f.dst == nil {
			*f.dst = map[string]any{}
		}
		for k, x := range given {
			if x == nil {
				delete(*f.dst, k)
				continue
			}
			(*f.dst)[k] = deepCopy(x)
		}
	}
	return nil
}

// checkEntityLocked validates e against its blueprint and returns the relation
// targets to create (only when createMissing; otherwise a missing target is 404).
func (s *Server) checkEntityLocked(def map[string]any, e *Entity, createMissing bool) ([]entityKey, *entityError) {
	schema, _ := def["schema"].(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	for pid, v := range e.Properties {
		pdef, ok := props[pid].(map[string]any)
		if !ok {
			return nil, invalid("property %q is not defined in blueprint %q", pid, e.Blueprint)
		}
		if err := checkProperty(pid, pdef, v); err != nil {
			return nil, err
		}
	}
	if req, ok := schema["required"].([]any); ok {
		for _, r := range req {
			pid, _ := r.(string)
			if isEmptyValue(e.Properties[pid]) {
				return nil, invalid("required property %q is missing", pid)
			}
		}
	}
	rels, _ := def["relations"].(map[string]any)
	for rid, rd := range rels {
		rdef, _ := rd.(map[string]any)
		if required, _ := rdef["required"].(bool); required && isEmptyValue(e.Relations[rid]) {
			return nil, invalid("required relation %q is missing", rid)
		}
	}
	var stubs []entityKey
	self := entityKey{e.Blueprint, e.Identifier}
	for rid, v := range e.Relations {
		rdef, ok := rels[rid].(map[string]any)
		if !ok {
			return nil, invalid("relation %q is not defined in blueprint %q", rid, e.Blueprint)
		}
		many, _ := rdef["many"].(bool)
		target, _ := rdef["target"].(string)
		ids, resolvable, err := relationIDs(rid, many, v)
		if err != nil {
			return nil, err
		}
		if !resolvable {
			continue
		}
		for _, id := range ids {
			if !validIdentifier(id) {
				return nil, invalid("relation %q value %q is not a valid identifier", rid, id)
			}
			k := entityKey{target, id}
			if _, exists := s.entities[k]; exists || k == self || containsKey(stubs, k) {
				continue
			}
			_, targetExists := s.blueprints[target]
			if !createMissing || !targetExists || strings.HasPrefix(target, "_") {
				return nil, notFound("Related entity %q of blueprint %q (relation %q) was not found", id, target, rid)
			}
			stubs = append(stubs, k)
		}
	}
	return stubs, nil
}

func containsKey(keys []entityKey, k entityKey) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}
