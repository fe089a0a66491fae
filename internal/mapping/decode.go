package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// decoder turns the generic tree (from YAML or JSON) into Config, applying
// Ocean's defaults and collecting every type problem with its field path, so a
// user fixes the whole file in one round instead of one error at a time.
type decoder struct {
	errs []error
	// userInput is set when decoding what a user wrote (a port-app-config file
	// or the integration's config in Port), as opposed to a resource spec this
	// program encoded itself (workflow history may hold older specs).
	userInput bool
}

func (d *decoder) fail(path, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

func (d *decoder) err() error { return errors.Join(d.errs...) }

func decodeConfig(v any) (*Config, error) {
	d := &decoder{userInput: true}
	m, ok := d.object(v, "port-app-config")
	if !ok {
		return nil, d.err()
	}
	cfg := &Config{
		DeleteDependentEntities:      d.boolean(m, "deleteDependentEntities", DefaultDeleteDependentEntities),
		CreateMissingRelatedEntities: d.boolean(m, "createMissingRelatedEntities", DefaultCreateMissingRelatedEntities),
		EnableMergeEntity:            d.boolean(m, "enableMergeEntity", DefaultEnableMergeEntity),
		EntityDeletionThreshold:      d.number(m, "entityDeletionThreshold", "entityDeletionThreshold", DefaultEntityDeletionThreshold),
	}
	if raw, present := m["resources"]; present && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			d.fail("resources", "want a list of resources, got %s", describe(raw))
		}
		for i, item := range list {
			cfg.Resources = append(cfg.Resources, d.resource(item, fmt.Sprintf("resources[%d]", i)))
		}
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (d *decoder) resource(v any, path string) Resource {
	r := Resource{
		// MaxConcurrentAccounts stays 0 unless the selector sets it: the
		// integration's own setting applies then.
		Port: PortSpec{ItemsToParseName: DefaultItemsToParseName, ItemsToParseTopLevelTransform: true},
	}
	m, ok := d.object(v, path)
	if !ok {
		return r
	}
	r.Kind = d.str(m, "kind", path+".kind")
	if sel, present := m["selector"]; present && sel != nil {
		sp := path + ".selector"
		if sm, ok := d.object(sel, sp); ok {
			r.Selector.Query = d.jq(sm, "query", sp+".query")
			r.Selector.IncludeActions = d.strings(sm, "includeActions", sp+".includeActions")
			r.Selector.MaxConcurrentAccounts = d.accountLimit(sm, sp+".maxConcurrentAccounts")
			r.Selector.HistoryWindowDays = d.historyWindow(sm, sp+".historyWindowDays")
			r.Selector.UseGetResourceAPI = d.flexBool(sm, "useGetResourceAPI", sp+".useGetResourceAPI")
			if rp, present := sm["regionPolicy"]; present && rp != nil {
				rpp := sp + ".regionPolicy"
				if rpm, ok := d.object(rp, rpp); ok {
					r.Selector.RegionPolicy.Allow = d.strings(rpm, "allow", rpp+".allow")
					r.Selector.RegionPolicy.Deny = d.strings(rpm, "deny", rpp+".deny")
				}
			}
		}
	}
	if port, present := m["port"]; present && port != nil {
		pp := path + ".port"
		if pm, ok := d.object(port, pp); ok {
			r.Port.ItemsToParse = d.jq(pm, "itemsToParse", pp+".itemsToParse")
			if name := d.str(pm, "itemsToParseName", pp+".itemsToParseName"); name != "" {
				r.Port.ItemsToParseName = name
			}
			r.Port.ItemsToParseTopLevelTransform = d.boolAt(pm, "itemsToParseTopLevelTransform", pp+".itemsToParseTopLevelTransform", true)
			if ent, present := pm["entity"]; present && ent != nil {
				ep := pp + ".entity"
				if em, ok := d.object(ent, ep); ok {
					r.Port.Entity.Mappings = d.mappings(em["mappings"], ep+".mappings")
				}
			}
		}
	}
	return r
}

func (d *decoder) mappings(v any, path string) Mappings {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		out := make(Mappings, 0, len(t))
		for i, item := range t {
			out = append(out, d.mapping(item, fmt.Sprintf("%s[%d]", path, i)))
		}
		return out
	default:
		return Mappings{d.mapping(v, path)}
	}
}

func (d *decoder) mapping(v any, path string) EntityMapping {
	var em EntityMapping
	m, ok := d.object(v, path)
	if !ok {
		return em
	}
	if id, isObj := m["identifier"].(map[string]any); isObj && id != nil {
		d.fail(path+".identifier", "search-query identifiers are not supported; map the identifier with a JQ string such as .Properties.Arn")
	} else {
		em.Identifier = d.jq(m, "identifier", path+".identifier")
	}
	em.Title = d.jq(m, "title", path+".title")
	em.Blueprint = d.jq(m, "blueprint", path+".blueprint")
	em.Icon = d.jq(m, "icon", path+".icon")
	if team, isObj := m["team"].(map[string]any); isObj && team != nil {
		d.fail(path+".team", "search-query teams are not supported; map the team with a JQ string")
	} else {
		em.Team = d.jq(m, "team", path+".team")
	}
	if props, present := m["properties"]; present && props != nil {
		pp := path + ".properties"
		if pm, ok := d.object(props, pp); ok {
			em.Properties = make(map[string]string, len(pm))
			for _, k := range sortedKeys(pm) {
				em.Properties[k] = d.jq(pm, k, pp+"."+k)
			}
		}
	}
	if rels, present := m["relations"]; present && rels != nil {
		rp := path + ".relations"
		if rm, ok := d.object(rels, rp); ok {
			em.Relations = make(map[string]any, len(rm))
			for _, k := range sortedKeys(rm) {
				em.Relations[k] = d.template(rm[k], rp+"."+k)
			}
		}
	}
	return em
}

// template keeps a relation's value: a JQ string, or a search-query object or
// list whose string leaves are JQ; other scalars stay constants.
func (d *decoder) template(v any, path string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for _, k := range sortedKeys(t) {
			out[k] = d.template(t[k], path+"."+k)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = d.template(e, fmt.Sprintf("%s[%d]", path, i))
		}
		return out
	case map[any]any:
		d.fail(path, "object keys must be strings")
		return nil
	default:
		return Normalize(t)
	}
}

func (d *decoder) object(v any, path string) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case map[any]any:
		d.fail(path, "object keys must be strings")
	default:
		d.fail(path, "want an object, got %s", describe(v))
	}
	return nil, false
}

func (d *decoder) str(m map[string]any, key, path string) string {
	v, present := m[key]
	if !present || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(path, "want a string, got %s", describe(v))
	}
	return s
}

// jq reads a JQ expression. YAML turns an unquoted `true` or `5` into a bool or
// number; their JQ text means the same, so they are accepted as that text.
func (d *decoder) jq(m map[string]any, key, path string) string {
	v, present := m[key]
	if !present || v == nil {
		return ""
	}
	switch t := v.(type) {
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case int, int64, float64, json.Number:
		b, _ := json.Marshal(t)
		return string(b)
	default:
		d.fail(path, "want a JQ expression (a string), got %s", describe(v))
		return ""
	}
}

func (d *decoder) strings(m map[string]any, key, path string) []string {
	v, present := m[key]
	if !present || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		d.fail(path, "want a list of strings, got %s", describe(v))
		return nil
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			d.fail(fmt.Sprintf("%s[%d]", path, i), "want a string, got %s", describe(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) boolean(m map[string]any, key string, def bool) bool {
	return d.boolAt(m, key, key, def)
}

func (d *decoder) boolAt(m map[string]any, key, path string, def bool) bool {
	v, present := m[key]
	if !present || v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		d.fail(path, "want true or false, got %s", describe(v))
		return def
	}
	return b
}

func (d *decoder) number(m map[string]any, key, path string, def float64) float64 {
	v, present := m[key]
	if !present || v == nil {
		return def
	}
	f, ok := toFloat(v)
	if !ok {
		d.fail(path, "want a number, got %s", describe(v))
		return def
	}
	return f
}

func (d *decoder) integer(m map[string]any, key, path string, def int) int {
	v, present := m[key]
	if !present || v == nil {
		return def
	}
	f, ok := toFloat(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
		d.fail(path, "want a whole number, got %s", describe(v))
		return def
	}
	return int(f)
}

// historyWindow reads selector.historyWindowDays: absent is nil (the
// default window), else a whole number of days, 0 meaning all history.
func (d *decoder) historyWindow(m map[string]any, path string) *int {
	v, present := m["historyWindowDays"]
	if !present || v == nil {
		return nil
	}
	errs := len(d.errs)
	n := d.integer(m, "historyWindowDays", path, 0)
	if len(d.errs) > errs {
		return nil
	}
	if n < 0 {
		d.fail(path, "%d is negative: give the number of days of history to read (default %d), or 0 to read all of it", n, DefaultHistoryWindowDays)
		return nil
	}
	return &n
}

// flexBool reads a boolean that Port's older integrations wrote as a string
// ('true'), as their documented mappings still do.
func (d *decoder) flexBool(m map[string]any, key, path string) bool {
	switch v := m[key].(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true
		case "false":
			return false
		}
	}
	d.fail(path, "want true or false, got %s", describe(m[key]))
	return false
}

// accountLimit reads selector.maxConcurrentAccounts. Absent, it is 0: the
// integration's maxConcurrentAccounts applies. Present, it must be positive:
// a 0 written by the user would otherwise read as "not set" without a word.
// Specs encoded before the JSON tag had omitempty carry an explicit 0 that
// means "not set", so only user input is held to this.
func (d *decoder) accountLimit(m map[string]any, path string) int {
	v, present := m["maxConcurrentAccounts"]
	errs := len(d.errs)
	n := d.integer(m, "maxConcurrentAccounts", path, 0)
	if !d.userInput || !present || v == nil || len(d.errs) > errs || n >= 1 {
		return n
	}
	d.fail(path, "%s", accountLimitProblem(n))
	return 0
}

// accountLimitProblem says what is wrong with selector.maxConcurrentAccounts n
// and how to fix it.
func accountLimitProblem(n int) string {
	return fmt.Sprintf("%d is not a positive integer: set how many accounts this kind syncs at once, or remove it to use the integration's maxConcurrentAccounts (integration.config.maxConcurrentAccounts, default %d)", n, DefaultMaxConcurrentAccounts)
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case uint64:
		return float64(t), true
	case float64:
		return t, true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

// describe names a value's type and shows it briefly, for error messages.
func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", t)
	case bool:
		return fmt.Sprintf("the boolean %v", t)
	case int, int64, uint64, float64, json.Number:
		return fmt.Sprintf("the number %v", t)
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "an object"
	default:
		return fmt.Sprintf("a %T", v)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
