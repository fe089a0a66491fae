package portemu

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// matcher decides whether an entity satisfies a compiled search query.
type matcher func(*Entity) bool

// compileQuery compiles Port's {combinator, rules} query; a rule is
// {property, operator, value} or a nested group. Unknown operators are errors
// (422), so a client relying on an operator the emulator lacks fails loudly.
func compileQuery(q map[string]any) (matcher, error) {
	if _, group := q["combinator"]; group {
		return compileGroup(q)
	}
	if _, group := q["rules"]; group {
		return compileGroup(q)
	}
	return compileRule(q)
}

func compileGroup(q map[string]any) (matcher, error) {
	comb, _ := q["combinator"].(string)
	if comb == "" {
		comb = "and"
	}
	if comb != "and" && comb != "or" {
		return nil, fmt.Errorf("combinator must be \"and\" or \"or\", got %q", comb)
	}
	raw, ok := q["rules"].([]any)
	if !ok {
		return nil, errors.New("rules must be an array")
	}
	rules := make([]matcher, 0, len(raw))
	for i, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("rule %d must be an object", i)
		}
		rm, err := compileQuery(m)
		if err != nil {
			return nil, err
		}
		rules = append(rules, rm)
	}
	if comb == "and" {
		return func(e *Entity) bool {
			for _, r := range rules {
				if !r(e) {
					return false
				}
			}
			return true
		}, nil
	}
	return func(e *Entity) bool {
		for _, r := range rules {
			if r(e) {
				return true
			}
		}
		return false
	}, nil
}

func compileRule(q map[string]any) (matcher, error) {
	prop, _ := q["property"].(string)
	op, _ := q["operator"].(string)
	if prop == "" || op == "" {
		return nil, errors.New("a rule needs property and operator")
	}
	val := q["value"]
	field := func(e *Entity) any { return fieldValue(e, prop) }
	not := func(m matcher) matcher { return func(e *Entity) bool { return !m(e) } }
	str := func(fn func(f, v string) bool) (matcher, error) {
		v, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("operator %q needs a string value", op)
		}
		return func(e *Entity) bool {
			f, ok := field(e).(string)
			return ok && fn(f, v)
		}, nil
	}
	list := func() ([]any, error) {
		l, ok := val.([]any)
		if !ok {
			return nil, fmt.Errorf("operator %q needs an array value", op)
		}
		return l, nil
	}
	switch op {
	case "=":
		return func(e *Entity) bool { return equalOrHas(field(e), val) }, nil
	case "!=":
		return func(e *Entity) bool { return !equalOrHas(field(e), val) }, nil
	case "in", "notIn":
		l, err := list()
		if err != nil {
			return nil, err
		}
		m := func(e *Entity) bool { return anyIn(field(e), l) }
		if op == "notIn" {
			return not(m), nil
		}
		return m, nil
	case "contains", "doesNotContains":
		m := func(e *Entity) bool { return contains(field(e), val) }
		if op == "doesNotContains" {
			return not(m), nil
		}
		return m, nil
	case "containsAny":
		l, err := list()
		if err != nil {
			return nil, err
		}
		return func(e *Entity) bool {
			f := field(e)
			for _, x := range l {
				if contains(f, x) {
					return true
				}
			}
			return false
		}, nil
	case "beginsWith":
		return str(strings.HasPrefix)
	case "endsWith":
		return str(strings.HasSuffix)
	case "doesNotBeginsWith", "doesNotEndsWith":
		fn := strings.HasPrefix
		if op == "doesNotEndsWith" {
			fn = strings.HasSuffix
		}
		m, err := str(fn)
		if err != nil {
			return nil, err
		}
		return not(m), nil
	case "isEmpty":
		return func(e *Entity) bool { return isEmptyValue(field(e)) }, nil
	case "isNotEmpty":
		return func(e *Entity) bool { return !isEmptyValue(field(e)) }, nil
	case ">", ">=", "<", "<=":
		return func(e *Entity) bool {
			c, ok := compare(field(e), val)
			if !ok {
				return false
			}
			switch op {
			case ">":
				return c > 0
			case ">=":
				return c >= 0
			case "<":
				return c < 0
			}
			return c <= 0
		}, nil
	case "between", "notBetween":
		rng, _ := val.(map[string]any)
		if rng["from"] == nil || rng["to"] == nil {
			return nil, fmt.Errorf("operator %q needs {from, to} (presets are not emulated)", op)
		}
		m := func(e *Entity) bool {
			lo, ok1 := compare(field(e), rng["from"])
			hi, ok2 := compare(field(e), rng["to"])
			return ok1 && ok2 && lo >= 0 && hi <= 0
		}
		if op == "notBetween" {
			return not(m), nil
		}
		return m, nil
	}
	return nil, fmt.Errorf("operator %q is not supported by the emulator", op)
}

// fieldValue reads a meta-property ($identifier, $updatedAt, …) or a
// property (falling back to a relation of that name).
func fieldValue(e *Entity, prop string) any {
	switch prop {
	case "$identifier":
		return e.Identifier
	case "$blueprint":
		return e.Blueprint
	case "$title":
		return nilIfEmpty(e.Title)
	case "$icon":
		return nilIfEmpty(e.Icon)
	case "$team":
		return entityJSON(e)["team"]
	case "$datasource":
		return e.Datasource
	case "$updatedAt":
		return e.UpdatedAt
	case "$createdAt":
		return e.CreatedAt
	case "$updatedBy":
		return e.UpdatedBy
	case "$createdBy":
		return e.CreatedBy
	}
	if v, ok := e.Properties[prop]; ok {
		return v
	}
	return e.Relations[prop]
}

func parseTime(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func equal(f, v any) bool {
	if ft, ok := f.(time.Time); ok {
		vt, ok := parseTime(v)
		return ok && ft.Equal(vt)
	}
	return reflect.DeepEqual(f, v)
}

// equalOrHas is "=": equality, or membership when the field is an array
// (e.g. $team = "platform") and the value is not.
func equalOrHas(f, v any) bool {
	if arr, ok := f.([]any); ok {
		if _, vArr := v.([]any); !vArr {
			return inList(v, arr)
		}
	}
	return equal(f, v)
}

func anyIn(f any, l []any) bool {
	if arr, ok := f.([]any); ok {
		for _, x := range arr {
			if inList(x, l) {
				return true
			}
		}
		return false
	}
	for _, x := range l {
		if equal(f, x) {
			return true
		}
	}
	return false
}

// contains is substring on strings and membership on arrays.
func contains(f, v any) bool {
	switch t := f.(type) {
	case string:
		s, ok := v.(string)
		return ok && strings.Contains(t, s)
	case []any:
		return inList(v, t)
	}
	return false
}

// compare orders numbers, dates (meta dates and ISO strings) and strings.
func compare(f, v any) (int, bool) {
	switch t := f.(type) {
	case time.Time:
		vt, ok := parseTime(v)
		return t.Compare(vt), ok
	case float64:
		n, ok := v.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case t < n:
			return -1, true
		case t > n:
			return 1, true
		}
		return 0, true
	case string:
		if ft, ok := parseTime(t); ok {
			if vt, ok := parseTime(v); ok {
				return ft.Compare(vt), true
			}
		}
		s, ok := v.(string)
		return strings.Compare(t, s), ok
	}
	return 0, false
}
