package portemu

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
)

// searchAll serves POST /v1/entities/search: the body is the query itself
// ({combinator, rules}); include/exclude query params project the result.
// No pagination, as in Port.
func (c *call) searchAll() {
	body, ok := c.decodeObject()
	if !ok {
		return
	}
	if q, wrapped := body["query"].(map[string]any); wrapped && body["rules"] == nil {
		body = q
	}
	match, err := compileQuery(body)
	if err != nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "invalid search query: "+err.Error())
		return
	}
	include, exclude := c.qlist("include"), c.qlist("exclude")
	s := c.s
	out := []any{}
	s.mu.Lock()
	keys, narrowed := s.candidateKeysLocked(body)
	if !narrowed {
		keys = s.sortedKeysLocked()
	}
	for _, k := range keys {
		if e := s.entities[k]; e != nil && match(e) {
			out = append(out, project(entityJSON(e), include, exclude))
		}
	}
	s.mu.Unlock()
	c.json(http.StatusOK, map[string]any{"ok": true, "entities": out})
}

// candidateKeysLocked narrows a top-level "and" query that pins $blueprint
// (=) and possibly $identifier (= or in) to the keys that can match, in
// key order, so that a search by identifiers (the client's change check)
// costs its own size, not the catalog's. Both fields are plain strings,
// compared exactly, so the candidates hold every match; the full query
// still decides. ok is false when the query pins no blueprint.
func (s *Server) candidateKeysLocked(q map[string]any) (keys []entityKey, ok bool) {
	if comb, _ := q["combinator"].(string); comb != "" && comb != "and" {
		return nil, false
	}
	rules, _ := q["rules"].([]any)
	blueprint, haveBlueprint := "", false
	var ids []string
	haveIDs := false
	for _, r := range rules {
		m, _ := r.(map[string]any)
		prop, _ := m["property"].(string)
		op, _ := m["operator"].(string)
		switch {
		case prop == "$blueprint" && op == "=" && !haveBlueprint:
			blueprint, haveBlueprint = "", true
			if v, isStr := m["value"].(string); isStr {
				blueprint = v
			}
		case prop == "$identifier" && op == "=" && !haveIDs:
			haveIDs = true
			if v, isStr := m["value"].(string); isStr {
				ids = append(ids, v)
			}
		case prop == "$identifier" && op == "in" && !haveIDs:
			haveIDs = true
			list, _ := m["value"].([]any)
			for _, v := range list {
				if id, isStr := v.(string); isStr {
					ids = append(ids, id)
				}
			}
		}
	}
	if !haveBlueprint {
		return nil, false
	}
	if haveIDs {
		for _, id := range ids {
			if k := (entityKey{blueprint, id}); s.entities[k] != nil {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, compareKeys)
		return slices.Compact(keys), true
	}
	all := s.sortedKeysLocked()
	lo := sort.Search(len(all), func(i int) bool { return all[i].blueprint >= blueprint })
	hi := sort.Search(len(all), func(i int) bool { return all[i].blueprint > blueprint })
	return all[lo:hi], true
}

// cursor is the opaque page token: the last key served, so pages stay
// consistent while entities come and go between calls.
func encodeCursor(k entityKey) string {
	b, _ := json.Marshal([]string{k.blueprint, k.identifier})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (entityKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var parts []string
	if err == nil {
		err = json.Unmarshal(b, &parts)
	}
	if err != nil || len(parts) != 2 {
		return entityKey{}, errors.New("invalid cursor")
	}
	return entityKey{parts[0], parts[1]}, nil
}

func keyAfter(a, b entityKey) bool {
	if a.blueprint != b.blueprint {
		return a.blueprint > b.blueprint
	}
	return a.identifier > b.identifier
}

// page selects up to limit matching entities after the cursor; next is ""
// on the last page.
// With blueprint set, only that blueprint's entities are considered; with
// candidates set, only the (sorted) keys it returns.
func (s *Server) page(blueprint string, candidates func() []entityKey, match func(*Entity) bool, from string, limit int, include, exclude []string) ([]any, string, error) {
	var after *entityKey
	if from != "" {
		k, err := decodeCursor(from)
		if err != nil {
			return nil, "", err
		}
		after = &k
	}
	out := []any{}
	var last entityKey
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []entityKey
	if candidates != nil {
		keys = candidates()
	} else {
		keys = s.sortedKeysLocked()
	}
	start := 0
	if blueprint != "" {
		start = sort.Search(len(keys), func(i int) bool { return keys[i].blueprint >= blueprint })
	}
	if after != nil {
		start = max(start, sort.Search(len(keys), func(i int) bool { return keyAfter(keys[i], *after) }))
	}
	for _, k := range keys[start:] {
		if blueprint != "" && k.blueprint != blueprint {
			break
		}
		e := s.entities[k]
		if !match(e) {
			continue
		}
		if len(out) == limit {
			return out, encodeCursor(last), nil
		}
		out = append(out, project(entityJSON(e), include, exclude))
		last = k
	}
	return out, "", nil
}

// searchBlueprint serves POST /v1/blueprints/{bp}/entities/search with
// {query, include, exclude, limit (1..1000, default 200), from}.
func (c *call) searchBlueprint() {
	var body struct {
		Query   map[string]any `json:"query"`
		Include []string       `json:"include"`
		Exclude []string       `json:"exclude"`
		Limit   *int           `json:"limit"`
		From    string         `json:"from"`
	}
	if err := json.Unmarshal(c.body, &body); err != nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema")
		return
	}
	limit := 200
	if body.Limit != nil {
		limit = *body.Limit
	}
	if limit < 1 || limit > 1000 {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "limit must be between 1 and 1000")
		return
	}
	bp := c.segs[1]
	if _, ok := c.s.Blueprint(bp); !ok {
		c.blueprintNotFound(bp)
		return
	}
	match := func(*Entity) bool { return true }
	if body.Query != nil {
		q, err := compileQuery(body.Query)
		if err != nil {
			c.error(http.StatusUnprocessableEntity, "invalid_request", "invalid search query: "+err.Error())
			return
		}
		match = q
	}
	ents, next, err := c.s.page(bp, nil, match, body.From, limit, body.Include, body.Exclude)
	if err != nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", err.Error())
		return
	}
	resp := map[string]any{"ok": true, "entities": ents}
	if next != "" {
		resp["next"] = next
	}
	c.json(http.StatusOK, resp)
}

// maxDatasourceLimit bounds one datasource page (Ocean asks for 5000).
const maxDatasourceLimit = 10000

// datasourceEntities serves POST /v1/blueprints/entities/datasource-entities:
// entities whose $datasource has the prefix AND the suffix and, with before,
// whose updatedAt is strictly earlier; next is null on the last page.
func (c *call) datasourceEntities() {
	var body struct {
		Prefix *string `json:"datasource_prefix"`
		Suffix *string `json:"datasource_suffix"`
		Limit  *int    `json:"limit"`
		From   *string `json:"from"`
		Before *string `json:"before"`
	}
	if err := json.Unmarshal(c.body, &body); err != nil || body.Prefix == nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", "The json provided does not match the route's schema: datasource_prefix is required")
		return
	}
	limit := 1000
	if body.Limit != nil {
		limit = *body.Limit
	}
	if limit < 1 || limit > maxDatasourceLimit {
		c.error(http.StatusUnprocessableEntity, "invalid_request", fmt.Sprintf("limit must be between 1 and %d", maxDatasourceLimit))
		return
	}
	var before time.Time
	if body.Before != nil && *body.Before != "" {
		t, ok := parseTime(*body.Before)
		if !ok {
			c.error(http.StatusUnprocessableEntity, "invalid_request", "before must be an ISO-8601 timestamp")
			return
		}
		before = t
	}
	prefix, suffix := *body.Prefix, ""
	if body.Suffix != nil {
		suffix = *body.Suffix
	}
	from := ""
	if body.From != nil {
		from = *body.From
	}
	match := func(e *Entity) bool {
		return ownedBy(e.Datasource, prefix, suffix) && (before.IsZero() || e.UpdatedAt.Before(before))
	}
	candidates := func() []entityKey { return c.s.datasourceKeysLocked(prefix, suffix) }
	ents, next, err := c.s.page("", candidates, match, from, limit, c.qlist("include"), c.qlist("exclude"))
	if err != nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request", err.Error())
		return
	}
	var nextVal any
	if next != "" {
		nextVal = next
	}
	c.json(http.StatusOK, map[string]any{"ok": true, "entities": ents, "next": nextVal})
}
