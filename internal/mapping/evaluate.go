package mapping

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/big"
	"sort"
	"strconv"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
)

// Result is what one page of raw items mapped to.
type Result struct {
	Entities []catalog.Entity `json:"entities"`
	// FilteredOut counts items whose selector.query was false.
	FilteredOut int `json:"filteredOut"`
	// PropertyErrors counts mapping leaves (title, properties, relations…) that
	// raised a JQ error or yielded nothing; each became null, as in Ocean.
	PropertyErrors int `json:"propertyErrors"`
	// Dropped counts entities discarded for an empty, null or non-scalar
	// identifier or blueprint (Ocean's "mapping fault").
	Dropped int `json:"dropped"`
	// ItemsToParseSkipped counts raw items whose itemsToParse did not yield an array.
	ItemsToParseSkipped int `json:"itemsToParseSkipped"`
	// KeyErrors counts items lost to a JQ *error* (not an empty value) in the
	// identifier, blueprint or itemsToParse expression; KeyError is the first,
	// naming the field. Unlike Dropped, the item may exist in Port, so the
	// caller must not treat its absence as a deletion.
	KeyErrors int    `json:"keyErrors"`
	KeyError  string `json:"keyError,omitempty"`
}

// ByBlueprint groups the entities by blueprint (Port's bulk route takes one
// blueprint per call); blueprints are returned sorted, entity order is kept.
func (r Result) ByBlueprint() ([]string, map[string][]catalog.Entity) {
	groups := map[string][]catalog.Entity{}
	for _, e := range r.Entities {
		groups[e.Blueprint] = append(groups[e.Blueprint], e)
	}
	names := make([]string, 0, len(groups))
	for bp := range groups {
		names = append(names, bp)
	}
	sort.Strings(names)
	return names, groups
}

// SelectorError is a selector.query that did not yield a boolean. Ocean counts
// it as an error of the kind, which blocks deletion; callers should do the same.
type SelectorError struct {
	Kind          string
	ResourceIndex int
	ItemIndex     int // position of the raw item in the page
	Value         any // what the query yielded (nil with Err or NoValue)
	NoValue       bool
	Err           error
}

func (e *SelectorError) Error() string {
	prefix := fmt.Sprintf("resources[%d].selector.query (kind %s), raw item %d", e.ResourceIndex, e.Kind, e.ItemIndex)
	switch {
	case e.Err != nil:
		return fmt.Sprintf("%s: JQ error: %v", prefix, e.Err)
	case e.NoValue:
		return prefix + ": yielded no value, want true or false"
	default:
		return fmt.Sprintf("%s: yielded %s, want true or false (compare explicitly, e.g. .Properties.State.Name == \"running\")", prefix, previewValue(e.Value))
	}
}

func (e *SelectorError) Unwrap() error { return e.Err }

// MapItems maps one page of raw items ({Type, Properties, __ExtraContext}).
// Values must be gojq-readable (see Normalize). A selector that does not yield
// a boolean stops the page and returns a *SelectorError with the counts so far.
func (r *CompiledResource) MapItems(raws []map[string]any) (Result, error) {
	return r.MapItemsContext(context.Background(), raws)
}

// MapItemsContext is MapItems with cancellation of long-running JQ.
func (r *CompiledResource) MapItemsContext(ctx context.Context, raws []map[string]any) (Result, error) {
	st := &evalState{ctx: ctx, r: r}
	st.res.Entities = make([]catalog.Entity, 0, len(raws)*len(r.mappings))
	for i, raw := range raws {
		if err := ctx.Err(); err != nil {
			return st.res, fmt.Errorf("map %s items: %w", r.Kind(), err)
		}
		if err := st.item(i, raw); err != nil {
			return st.res, err
		}
	}
	return st.res, nil
}

type evalState struct {
	ctx    context.Context
	r      *CompiledResource
	res    Result
	logged map[string]bool // fields already logged in this call
}

func (st *evalState) item(i int, raw map[string]any) (err error) {
	defer func() {
		// gojq panics on Go values it cannot read; a bad item must not kill the worker.
		if p := recover(); p != nil {
			err = fmt.Errorf("%s (kind %s), raw item %d: JQ cannot read the item (%v); pass raw items through mapping.Normalize", st.r.path, st.r.Kind(), i, p)
		}
	}()
	r := st.r
	if r.itemsToParse == nil {
		return st.object(i, raw)
	}
	v, ok, jqErr := r.itemsToParse.first(st.ctx, raw)
	list, isList := v.([]any)
	if jqErr != nil {
		st.keyError(r.path+".port.itemsToParse", jqErr)
		return nil
	}
	if !ok || !isList {
		st.res.ItemsToParseSkipped++
		st.logOnce(slog.LevelWarn, r.path+".port.itemsToParse", "itemsToParse did not yield an array; item skipped", jqErr, v)
		return nil
	}
	base := raw
	if r.delItems != nil {
		dv, ok, delErr := r.delItems.first(st.ctx, raw)
		if m, isMap := dv.(map[string]any); ok && delErr == nil && isMap {
			base = m
		} else {
			st.logOnce(slog.LevelDebug, r.path+".port.itemsToParse", "could not remove the parsed array from the item (not a path expression); kept it", delErr, nil)
		}
	}
	for _, el := range list {
		obj := make(map[string]any, len(base)+1)
		for k, v := range base {
			obj[k] = v
		}
		obj[r.itemsName] = el
		if err := st.object(i, obj); err != nil {
			return err
		}
	}
	return nil
}

func (st *evalState) object(i int, obj map[string]any) error {
	r := st.r
	v, ok, err := r.selector.first(st.ctx, obj)
	if err != nil || !ok {
		return &SelectorError{Kind: r.Kind(), ResourceIndex: r.Index(), ItemIndex: i, NoValue: !ok && err == nil, Err: err}
	}
	pass, isBool := v.(bool)
	if !isBool {
		return &SelectorError{Kind: r.Kind(), ResourceIndex: r.Index(), ItemIndex: i, Value: v}
	}
	if !pass {
		st.res.FilteredOut++
		return nil
	}
	for mi := range r.mappings {
		if e, ok := st.entity(&r.mappings[mi], obj); ok {
			st.res.Entities = append(st.res.Entities, e)
		}
	}
	return nil
}

func (st *evalState) entity(m *compiledMapping, obj map[string]any) (catalog.Entity, bool) {
	// Identifier and blueprint first: a dropped entity costs no further JQ runs.
	idv, err := st.key(&m.identifier, obj)
	if err != nil {
		return catalog.Entity{}, false
	}
	id, ok := idString(idv)
	if !ok {
		st.res.Dropped++
		st.logOnce(slog.LevelDebug, m.identifier.path, "empty, null or non-scalar identifier; entity dropped", nil, nil)
		return catalog.Entity{}, false
	}
	bpv, err := st.key(&m.blueprint, obj)
	if err != nil {
		return catalog.Entity{}, false
	}
	bp, ok := idString(bpv)
	if !ok {
		st.res.Dropped++
		st.logOnce(slog.LevelDebug, m.blueprint.path, "empty, null or non-scalar blueprint; entity dropped", nil, nil)
		return catalog.Entity{}, false
	}
	e := catalog.Entity{Identifier: id, Blueprint: bp}
	if m.title != nil {
		e.Title = st.text(m.title, obj)
	}
	if m.icon != nil {
		e.Icon = st.text(m.icon, obj)
	}
	if m.team != nil {
		e.Team = st.eval(m.team, obj)
	}
	if m.properties != nil {
		e.Properties = make(map[string]any, len(m.properties))
		for pi := range m.properties {
			p := &m.properties[pi]
			e.Properties[p.name] = st.eval(&p.leaf, obj) // explicit null on failure, as Ocean sends
		}
	}
	if m.relations != nil {
		e.Relations = make(map[string]any, len(m.relations))
		for ri := range m.relations {
			rel := &m.relations[ri]
			e.Relations[rel.name] = st.node(&rel.node, obj)
		}
	}
	return e, true
}

// key runs an identifier or blueprint leaf. A JQ error is a key error (the
// item's entity cannot be known); no output is an empty value.
func (st *evalState) key(l *leaf, input any) (any, error) {
	v, ok, err := l.first(st.ctx, input)
	if err != nil {
		st.keyError(l.path, err)
		return nil, err
	}
	if !ok {
		return nil, nil
	}
	return v, nil
}

func (st *evalState) keyError(path string, err error) {
	st.res.KeyErrors++
	if st.res.KeyError == "" {
		st.res.KeyError = fmt.Sprintf("%s: %v", path, err)
	}
}

// eval runs one leaf: first output only; an error or no output is null and counted.
func (st *evalState) eval(l *leaf, input any) any {
	v, ok, err := l.first(st.ctx, input)
	if err != nil || !ok {
		st.res.PropertyErrors++
		st.logOnce(slog.LevelDebug, l.path, "JQ yielded no value; using null", err, nil)
		return nil
	}
	return v
}

func (st *evalState) node(n *node, input any) any {
	switch {
	case n.leaf != nil:
		return st.eval(n.leaf, input)
	case n.obj != nil:
		out := make(map[string]any, len(n.obj))
		for i := range n.obj {
			out[n.obj[i].name] = st.node(&n.obj[i].node, input)
		}
		return out
	case n.list != nil:
		out := make([]any, len(n.list))
		for i := range n.list {
			out[i] = st.node(&n.list[i], input)
		}
		return out
	default:
		return n.value
	}
}

// text evaluates a title or icon; scalars become their text, anything else is null.
func (st *evalState) text(l *leaf, input any) *string {
	v := st.eval(l, input)
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		return &t
	case bool:
		s := strconv.FormatBool(t)
		return &s
	}
	if s, ok := numberString(v); ok {
		return &s
	}
	st.res.PropertyErrors++
	st.logOnce(slog.LevelDebug, l.path, "yielded an object or array, want text; using null", nil, v)
	return nil
}

func (st *evalState) logOnce(level slog.Level, field, msg string, err error, value any) {
	if st.logged == nil {
		st.logged = map[string]bool{}
	}
	if st.logged[field] {
		return
	}
	st.logged[field] = true
	attrs := []any{"field", field, "kind", st.r.Kind()}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	if value != nil {
		attrs = append(attrs, "value", previewValue(value))
	}
	slog.Log(st.ctx, level, "mapping: "+msg, attrs...)
}

// idString turns an identifier or blueprint into text. Strings pass as they
// are; numbers become their decimal text (an account id computed with
// tonumber still works) — Ocean would send the number itself, which Port's
// string identifiers reject. Empty text, zero (falsy in Ocean), null,
// booleans, objects and arrays drop the entity.
func idString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, t != ""
	case int:
		return strconv.Itoa(t), t != 0
	case float64:
		if t == 0 {
			return "", false
		}
	}
	return numberString(v)
}

func numberString(v any) (string, bool) {
	switch t := v.(type) {
	case int:
		return strconv.Itoa(t), true
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return "", false
		}
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case *big.Int:
		return t.String(), true
	case json.Number:
		return string(t), true
	}
	return "", false
}

// previewValue describes a JQ value for messages that reach logs and, through
// activity errors, workflow history. Strings and objects are not shown: raw
// items carry things like Lambda environment variables, which hold secrets.
func previewValue(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("%v", t)
	case float64, int, int64, json.Number:
		return fmt.Sprintf("the number %v", t)
	case string:
		return fmt.Sprintf("a string (%d characters)", len(t))
	case []any:
		return fmt.Sprintf("an array of %d", len(t))
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
