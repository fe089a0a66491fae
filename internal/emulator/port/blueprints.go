package portemu

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"unicode/utf8"
)

var (
	blueprintIDPattern = regexp.MustCompile(`^[\p{L}0-9@_.+:\\/-]+$`)
	fieldIDPattern     = regexp.MustCompile(`^[A-Za-z0-9@_=\-]+$`)
	propertyTypes      = map[string]bool{"string": true, "number": true, "boolean": true, "object": true, "array": true}
)

// perKeyMaps are blueprint maps whose entries a PATCH replaces one by one.
var perKeyMaps = map[string]bool{"relations": true, "calculationProperties": true, "mirrorProperties": true, "aggregationProperties": true}

func (c *call) listBlueprints() {
	s := c.s
	s.mu.Lock()
	ids := make([]string, 0, len(s.blueprints))
	for id := range s.blueprints {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, deepCopyMap(s.blueprints[id]))
	}
	s.mu.Unlock()
	c.json(http.StatusOK, map[string]any{"ok": true, "blueprints": out})
}

func (c *call) blueprintNotFound(id string) {
	c.error(http.StatusNotFound, "not_found", fmt.Sprintf("Blueprint with identifier %q was not found", id))
}

func (c *call) getBlueprint() {
	bp, ok := c.s.Blueprint(c.segs[1])
	if !ok {
		c.blueprintNotFound(c.segs[1])
		return
	}
	c.json(http.StatusOK, map[string]any{"ok": true, "blueprint": bp})
}

// createBlueprint serves POST /v1/blueprints: 201, 409 duplicate, 422 invalid,
// 404 when a relation targets a blueprint that does not exist (which is why
// Ocean creates blueprints without relations first).
func (c *call) createBlueprint() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	s := c.s
	now := fmtTime(s.Now())
	s.mu.Lock()
	id, _ := body["identifier"].(string)
	if status, code, msg := s.validateBlueprintLocked(body); status != 0 {
		s.mu.Unlock()
		c.error(status, code, msg)
		return
	}
	if _, exists := s.blueprints[id]; exists {
		s.mu.Unlock()
		c.error(http.StatusConflict, "conflict", fmt.Sprintf("Blueprint with identifier %q already exists", id))
		return
	}
	bp := deepCopyMap(body)
	normaliseBlueprint(bp)
	bp["createdAt"], bp["updatedAt"] = now, now
	bp["createdBy"], bp["updatedBy"] = c.clientID, c.clientID
	s.blueprints[id] = bp
	out := deepCopyMap(bp)
	s.mu.Unlock()
	s.changed()
	c.json(http.StatusCreated, map[string]any{"ok": true, "blueprint": out})
}

// updateBlueprint serves PATCH (deep merge) and PUT (replace).
func (c *call) updateBlueprint() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	id := c.segs[1]
	s := c.s
	now := fmtTime(s.Now())
	s.mu.Lock()
	old, exists := s.blueprints[id]
	if !exists {
		s.mu.Unlock()
		c.blueprintNotFound(id)
		return
	}
	var next map[string]any
	if c.r.Method == http.MethodPut {
		next = deepCopyMap(body)
	} else {
		next = mergeBlueprint(old, body)
	}
	next["identifier"] = id
	if status, code, msg := s.validateBlueprintLocked(next); status != 0 {
		s.mu.Unlock()
		c.error(status, code, msg)
		return
	}
	normaliseBlueprint(next)
	next["createdAt"], next["createdBy"] = old["createdAt"], old["createdBy"]
	next["updatedAt"], next["updatedBy"] = now, c.clientID
	s.blueprints[id] = next
	out := deepCopyMap(next)
	s.mu.Unlock()
	s.changed()
	c.json(http.StatusOK, map[string]any{"ok": true, "blueprint": out})
}

// mergeBlueprint is PATCH: top-level fields are replaced, except that
// schema.properties and the relation/calculation/mirror/aggregation maps are
// merged entry by entry (each given entry replaces the stored one).
func mergeBlueprint(old, patch map[string]any) map[string]any {
	out := deepCopyMap(old)
	for k, v := range patch {
		pm, pIsMap := v.(map[string]any)
		om, oIsMap := out[k].(map[string]any)
		switch {
		case k == "schema" && pIsMap && oIsMap:
			for sk, sv := range pm {
				spm, a := sv.(map[string]any)
				som, b := om[sk].(map[string]any)
				if sk == "properties" && a && b {
					for pk, pv := range spm {
						som[pk] = deepCopy(pv)
					}
					continue
				}
				om[sk] = deepCopy(sv)
			}
		case perKeyMaps[k] && pIsMap && oIsMap:
			for rk, rv := range pm {
				om[rk] = deepCopy(rv)
			}
		default:
			out[k] = deepCopy(v)
		}
	}
	return out
}

// normaliseBlueprint fills the maps Port always returns.
func normaliseBlueprint(bp map[string]any) {
	for k := range perKeyMaps {
		if _, ok := bp[k].(map[string]any); !ok {
			bp[k] = map[string]any{}
		}
	}
	schema := bp["schema"].(map[string]any)
	if _, ok := schema["required"].([]any); !ok {
		schema["required"] = []any{}
	}
}

// validateBlueprintLocked checks a full blueprint definition; status 0 = valid.
func (s *Server) validateBlueprintLocked(bp map[string]any) (int, string, string) {
	bad := func(format string, a ...any) (int, string, string) {
		return http.StatusUnprocessableEntity, "invalid_request", fmt.Sprintf(format, a...)
	}
	id, _ := bp["identifier"].(string)
	if id == "" || id == "." || id == ".." || utf8.RuneCountInString(id) > 100 || !blueprintIDPattern.MatchString(id) {
		return bad("blueprint identifier %q is missing or invalid", id)
	}
	title, _ := bp["title"].(string)
	if n := utf8.RuneCountInString(title); n < 1 || n > 100 {
		return bad("blueprint title must be 1-100 characters")
	}
	schema, ok := bp["schema"].(map[string]any)
	if !ok {
		return bad("blueprint schema is required")
	}
	props, _ := schema["properties"].(map[string]any)
	if _, present := schema["properties"]; present && props == nil {
		return bad("schema.properties must be an object")
	}
	if props == nil {
		props = map[string]any{}
		schema["properties"] = props
	}
	for pid, pdef := range props {
		def, ok := pdef.(map[string]any)
		if !ok || !fieldIDPattern.MatchString(pid) || len(pid) > 100 {
			return bad("property %q is invalid", pid)
		}
		if t, _ := def["type"].(string); !propertyTypes[t] {
			return bad("property %q has invalid type %v", pid, def["type"])
		}
	}
	if req, present := schema["required"]; present {
		list, ok := req.([]any)
		if !ok {
			return bad("schema.required must be an array")
		}
		for _, r := range list {
			name, _ := r.(string)
			if _, defined := props[name]; !defined {
				return bad("required property %v is not defined", r)
			}
		}
	}
	if rels, present := bp["relations"]; present && rels != nil {
		relMap, ok := rels.(map[string]any)
		if !ok {
			return bad("relations must be an object")
		}
		for rid, rdef := range relMap {
			def, ok := rdef.(map[string]any)
			if !ok || !fieldIDPattern.MatchString(rid) {
				return bad("relation %q is invalid", rid)
			}
			target, _ := def["target"].(string)
			if target == "" {
				return bad("relation %q needs a target", rid)
			}
			if _, exists := s.blueprints[target]; !exists && target != id {
				return http.StatusNotFound, "not_found", fmt.Sprintf("relation %q targets blueprint %q, which was not found", rid, target)
			}
		}
	}
	return 0, "", ""
}

// deleteBlueprint refuses while the blueprint still has entities, as Port does.
func (c *call) deleteBlueprint() {
	id := c.segs[1]
	s := c.s
	s.mu.Lock()
	if _, ok := s.blueprints[id]; !ok {
		s.mu.Unlock()
		c.blueprintNotFound(id)
		return
	}
	for k := range s.entities {
		if k.blueprint == id {
			s.mu.Unlock()
			c.error(http.StatusConflict, "has_entities", fmt.Sprintf("Blueprint %q still has entities", id))
			return
		}
	}
	delete(s.blueprints, id)
	s.mu.Unlock()
	s.changed()
	c.json(http.StatusOK, map[string]any{"ok": true})
}

// deleteAllEntities serves DELETE /v1/blueprints/{id}/all-entities, done at once.
func (c *call) deleteAllEntities() {
	id := c.segs[1]
	s := c.s
	s.mu.Lock()
	if _, ok := s.blueprints[id]; !ok {
		s.mu.Unlock()
		c.blueprintNotFound(id)
		return
	}
	for k := range s.entities {
		if k.blueprint == id {
			s.deleteEntityLocked(k)
		}
	}
	if c.qbool("delete_blueprint") {
		delete(s.blueprints, id)
	}
	s.mu.Unlock()
	s.changed()
	c.json(http.StatusOK, map[string]any{"ok": true, "migrationId": fmt.Sprintf("migration_%d", s.Now().UnixNano())})
}
