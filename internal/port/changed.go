package port

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
)

// searchChunk is how many identifiers Ocean puts in one `$identifier in` query.
const searchChunk = 50

// ChangedEntities returns the entities of ents that a write would change:
// those missing in Port (or owned by another datasource) and those whose
// title, team, properties or relations differ, in the order given.
//
// It searches `$identifier in [...]` (50 at a time) AND `$blueprint =` AND
// `$datasource contains` dsPrefix / dsSuffix (each rule only when non-empty),
// projecting only the mapped fields. The comparison is Ocean's: a local nil
// property or relation equals a key missing in Port, team order does not
// matter, title and team are compared only when the mapping sets them.
// Entities with a search-query relation or team (a JSON object) cannot be
// compared and always count as changed. If the search fails the error is
// returned; callers should then write everything, as Ocean does.
func (c *Client) ChangedEntities(ctx context.Context, ents []catalog.Entity, dsPrefix, dsSuffix string) ([]catalog.Entity, error) {
	changed := make([]bool, len(ents))
	byBlueprint := map[string][]int{}
	var order []string
	for i, e := range ents {
		if !canCompare(e) {
			changed[i] = true
			continue
		}
		if _, ok := byBlueprint[e.Blueprint]; !ok {
			order = append(order, e.Blueprint)
		}
		byBlueprint[e.Blueprint] = append(byBlueprint[e.Blueprint], i)
	}
	for _, bp := range order {
		idx := byBlueprint[bp]
		for lo := 0; lo < len(idx); lo += searchChunk {
			chunk := idx[lo:min(lo+searchChunk, len(idx))]
			remote, err := c.searchChunk(ctx, bp, ents, chunk, dsPrefix, dsSuffix)
			if err != nil {
				return nil, fmt.Errorf("find changed entities of blueprint %q: %w", bp, err)
			}
			for _, i := range chunk {
				r, ok := remote[ents[i].Identifier]
				changed[i] = !ok || differs(ents[i], r)
			}
		}
	}
	var out []catalog.Entity
	for i, e := range ents {
		if changed[i] {
			out = append(out, e)
		}
	}
	return out, nil
}

// searchChunk fetches the Port side of ents[chunk], keyed by identifier.
func (c *Client) searchChunk(ctx context.Context, blueprint string, ents []catalog.Entity, chunk []int, dsPrefix, dsSuffix string) (map[string]catalog.Entity, error) {
	ids := make([]string, 0, len(chunk))
	seen := map[string]bool{}
	include := []string{"blueprint", "identifier"}
	fields := map[string]bool{}
	addField := func(f string) {
		if !fields[f] {
			fields[f] = true
			include = append(include, f)
		}
	}
	for _, i := range chunk {
		e := ents[i]
		if !seen[e.Identifier] {
			seen[e.Identifier] = true
			ids = append(ids, e.Identifier)
		}
		if e.Title != nil {
			addField("title")
		}
		if e.Team != nil {
			addField("team")
		}
		for _, k := range sortedKeys(e.Properties) {
			addField("properties." + k)
		}
		for _, k := range sortedKeys(e.Relations) {
			addField("relations." + k)
		}
	}
	rules := []any{
		map[string]any{"property": "$identifier", "operator": "in", "value": ids},
		map[string]any{"property": "$blueprint", "operator": "=", "value": blueprint},
	}
	if dsPrefix != "" {
		rules = append(rules, map[string]any{"property": "$datasource", "operator": "contains", "value": dsPrefix})
	}
	if dsSuffix != "" {
		rules = append(rules, map[string]any{"property": "$datasource", "operator": "contains", "value": dsSuffix})
	}
	found, err := c.SearchEntities(ctx, map[string]any{"combinator": "and", "rules": rules}, include)
	if err != nil {
		return nil, err
	}
	remote := make(map[string]catalog.Entity, len(found))
	for _, e := range found {
		if e.Blueprint == "" || e.Blueprint == blueprint {
			remote[e.Identifier] = e
		}
	}
	return remote, nil
}

// canCompare is false for entities that use search queries (objects) as team
// or relation values: what they resolve to is only known to Port.
func canCompare(e catalog.Entity) bool {
	if _, ok := e.Team.(map[string]any); ok {
		return false
	}
	for _, v := range e.Relations {
		if _, ok := v.(map[string]any); ok {
			return false
		}
	}
	return true
}

// differs is Ocean's are_entities_different, applied to the mapped fields.
func differs(local, remote catalog.Entity) bool {
	if local.Title != nil && (remote.Title == nil || *local.Title != *remote.Title) {
		return true
	}
	if local.Team != nil && !sameTeam(local.Team, remote.Team) {
		return true
	}
	return !sameFields(local.Properties, remote.Properties) || !sameFields(local.Relations, remote.Relations)
}

// sameFields compares the keys set locally; a local nil matches a key that is
// missing (or null) in Port.
func sameFields(local, remote map[string]any) bool {
	for k, lv := range local {
		rv, ok := remote[k]
		if lv == nil {
			if ok && rv != nil {
				return false
			}
			continue
		}
		if !ok || !jsonEqual(lv, rv) {
			return false
		}
	}
	return true
}

// sameTeam compares teams ignoring order; a single team equals a one-element
// list (Port stores teams as a list).
func sameTeam(local, remote any) bool {
	l, lok := teamList(local)
	r, rok := teamList(remote)
	if !lok || !rok {
		return jsonEqual(local, remote)
	}
	return slices.Equal(l, r)
}

func teamList(v any) ([]string, bool) {
	var out []string
	switch t := v.(type) {
	case nil:
	case string:
		if t != "" {
			out = []string{t}
		}
	case []string:
		out = slices.Clone(t)
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
	default:
		return nil, false
	}
	sort.Strings(out)
	return out, true
}

// jsonEqual compares two values as JSON, so Go ints equal decoded floats and
// map key order does not matter.
func jsonEqual(a, b any) bool {
	na, errA := normalize(a)
	nb, errB := normalize(b)
	if errA != nil || errB != nil {
		return false
	}
	return reflect.DeepEqual(na, nb)
}

func normalize(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
