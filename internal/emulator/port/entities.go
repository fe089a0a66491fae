package portemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// entityJSON renders an entity as Port's API does. team is always an array;
// title and icon are null when unset. "datasource" (the $datasource
// meta-property) is included for inspection; real Port's field name is unverified.
func entityJSON(e *Entity) map[string]any {
	team := []any{}
	switch t := e.Team.(type) {
	case string:
		team = []any{t}
	case []any:
		team = deepCopy(t).([]any)
	case map[string]any:
		return entityJSONWithTeam(e, deepCopyMap(t))
	}
	return entityJSONWithTeam(e, team)
}

func entityJSONWithTeam(e *Entity, team any) map[string]any {
	props, rels := deepCopyMap(e.Properties), deepCopyMap(e.Relations)
	if props == nil {
		props = map[string]any{}
	}
	if rels == nil {
		rels = map[string]any{}
	}
	return map[string]any{
		"identifier": e.Identifier,
		"blueprint":  e.Blueprint,
		"title":      nilIfEmpty(e.Title),
		"icon":       nilIfEmpty(e.Icon),
		"team":       team,
		"properties": props,
		"relations":  rels,
		"createdAt":  fmtTime(e.CreatedAt),
		"updatedAt":  fmtTime(e.UpdatedAt),
		"createdBy":  e.CreatedBy,
		"updatedBy":  e.UpdatedBy,
		"datasource": e.Datasource,
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// project applies include / exclude field paths ("identifier",
// "properties.x", "relations.r"; a leading "$" is ignored) to a rendered entity.
func project(full map[string]any, include, exclude []string) map[string]any {
	out := full
	if len(include) > 0 {
		out = map[string]any{}
		for _, p := range include {
			top, sub, nested := strings.Cut(strings.TrimPrefix(p, "$"), ".")
			v, ok := full[top]
			if !ok {
				continue
			}
			if !nested {
				out[top] = v
				continue
			}
			src, ok := v.(map[string]any)
			if !ok {
				continue
			}
			dst, _ := out[top].(map[string]any)
			if dst == nil {
				dst = map[string]any{}
				out[top] = dst
			}
			if sv, ok := src[sub]; ok {
				dst[sub] = sv
			}
		}
	}
	for _, p := range exclude {
		top, sub, nested := strings.Cut(strings.TrimPrefix(p, "$"), ".")
		if !nested {
			delete(out, top)
		} else if m, ok := out[top].(map[string]any); ok {
			delete(m, sub)
		}
	}
	return out
}

// getEntity serves GET /v1/blueprints/{bp}/entities/{id} with include/exclude.
func (c *call) getEntity() {
	bp, id := c.segs[1], c.segs[3]
	e, ok := c.s.Entity(bp, id)
	if !ok {
		c.error(http.StatusNotFound, "not_found", fmt.Sprintf("Entity with identifier %q of blueprint %q was not found", id, bp))
		return
	}
	c.json(http.StatusOK, map[string]any{"ok": true, "entity": project(entityJSON(&e), c.qlist("include"), c.qlist("exclude"))})
}

// deleteEntity serves DELETE /v1/blueprints/{bp}/entities/{id}: 404 when
// missing, cascading with delete_dependents=true.
func (c *call) deleteEntity() {
	bp, id := c.segs[1], c.segs[3]
	s := c.s
	s.mu.Lock()
	k := entityKey{bp, id}
	if _, ok := s.entities[k]; !ok {
		s.mu.Unlock()
		c.error(http.StatusNotFound, "not_found", fmt.Sprintf("Entity with identifier %q of blueprint %q was not found", id, bp))
		return
	}
	_, err := s.deleteLocked([]entityKey{k}, c.qbool("delete_dependents"))
	s.mu.Unlock()
	if err != nil {
		c.error(err.status, err.code, err.msg)
		return
	}
	s.changed()
	c.json(http.StatusOK, map[string]any{"ok": true})
}

// deleteBulk serves POST /v1/blueprints/{bp}/bulk/entities/delete.
func (c *call) deleteBulk() {
	var body struct {
		Entities []string `json:"entities"`
	}
	if err := json.Unmarshal(c.body, &body); err != nil || len(body.Entities) < 1 || len(body.Entities) > 100 {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema: entities must hold 1 to 100 identifiers")
		return
	}
	bp := c.segs[1]
	s := c.s
	s.mu.Lock()
	if _, ok := s.blueprints[bp]; !ok {
		s.mu.Unlock()
		c.blueprintNotFound(bp)
		return
	}
	var targets []entityKey
	for _, id := range body.Entities {
		k := entityKey{bp, id}
		if _, ok := s.entities[k]; ok && !containsKey(targets, k) {
			targets = append(targets, k)
		}
	}
	_, err := s.deleteLocked(targets, c.qbool("delete_dependents"))
	s.mu.Unlock()
	if err != nil {
		c.error(err.status, err.code, err.msg)
		return
	}
	deleted := make([]string, 0, len(targets))
	for _, k := range targets {
		deleted = append(deleted, k.identifier)
	}
	if len(deleted) > 0 {
		s.changed()
	}
	c.json(http.StatusOK, map[string]any{"ok": true, "deletedEntities": deleted})
}

// deleteLocked deletes targets (all existing). Dependents are entities
// outside the set whose relation points at a member. Without cascade any
// dependent fails the whole call (Options.DependentsStatus) and nothing is
// deleted; with cascade dependents are deleted too, transitively.
func (s *Server) deleteLocked(targets []entityKey, cascade bool) ([]entityKey, *entityError) {
	set := map[entityKey]bool{}
	for _, k := range targets {
		set[k] = true
	}
	for {
		deps := s.dependentsLocked(set)
		if len(deps) == 0 {
			break
		}
		if !cascade {
			names := make([]string, 0, len(deps))
			for _, d := range deps {
				names = append(names, d.blueprint+"/"+d.identifier)
			}
			sort.Strings(names)
			return nil, &entityError{status: s.opts.DependentsStatus, code: "has_dependents",
				msg: fmt.Sprintf("Cannot delete: entities depend on it (%s); use delete_dependents=true", strings.Join(names, ", "))}
		}
		for _, d := range deps {
			set[d] = true
		}
	}
	out := make([]entityKey, 0, len(set))
	for k := range set {
		s.deleteEntityLocked(k)
		out = append(out, k)
	}
	return out, nil
}

// dependentsLocked lists entities outside set with a relation to a member.
// The relation's target blueprint comes from the dependent's blueprint.
func (s *Server) dependentsLocked(set map[entityKey]bool) []entityKey {
	var deps []entityKey
	for k, e := range s.entities {
		if set[k] || len(e.Relations) == 0 {
			continue
		}
		rels, _ := s.blueprints[e.Blueprint]["relations"].(map[string]any)
		for rid, v := range e.Relations {
			rdef, _ := rels[rid].(map[string]any)
			target, _ := rdef["target"].(string)
			if relationPointsInto(target, v, set) {
				deps = append(deps, k)
				break
			}
		}
	}
	return deps
}

func relationPointsInto(target string, v any, set map[entityKey]bool) bool {
	switch t := v.(type) {
	case string:
		return set[entityKey{target, t}]
	case []any:
		for _, x := range t {
			if id, ok := x.(string); ok && set[entityKey{target, id}] {
				return true
			}
		}
	}
	return false
}
