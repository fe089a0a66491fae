package portemu

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// entityIDPattern is Port's identifier pattern without the (?!\.{1,2}$)
// lookahead, which Go's regexp lacks; validIdentifier checks that part.
var entityIDPattern = regexp.MustCompile(`^[\p{L}0-9@_.+:\\/=-]+$`)

// entityError is one entity's failure: the HTTP status of a single upsert, or
// the statusCode of a bulk errors[] entry.
type entityError struct {
	status int
	code   string
	msg    string
}

func (e *entityError) Error() string { return e.msg }

func invalid(format string, a ...any) *entityError {
	return &entityError{status: http.StatusUnprocessableEntity, code: "invalid_request", msg: fmt.Sprintf(format, a...)}
}

func notFound(format string, a ...any) *entityError {
	return &entityError{status: http.StatusNotFound, code: "not_found", msg: fmt.Sprintf(format, a...)}
}

func validIdentifier(id string) bool {
	n := utf8.RuneCountInString(id)
	return n >= 1 && n <= 1000 && id != "." && id != ".." && entityIDPattern.MatchString(id)
}

// checkProperty validates one non-null property value against its definition.
func checkProperty(pid string, def map[string]any, v any) *entityError {
	typ, _ := def["type"].(string)
	if !typeMatches(typ, v) {
		return invalid("property %q must be of type %s, got %s", pid, typ, jsonType(v))
	}
	if enum, ok := def["enum"].([]any); ok && !inList(v, enum) {
		return invalid("property %q value %v is not one of the allowed values %v", pid, v, enum)
	}
	if f, _ := def["format"].(string); typ == "string" {
		if err := checkFormat(f, v.(string)); err != nil {
			return invalid("property %q: %v", pid, err)
		}
	}
	if typ == "array" {
		items, _ := def["items"].(map[string]any)
		itemType, _ := items["type"].(string)
		itemEnum, _ := items["enum"].([]any)
		for i, x := range v.([]any) {
			if itemType != "" && !typeMatches(itemType, x) {
				return invalid("property %q item %d must be of type %s, got %s", pid, i, itemType, jsonType(x))
			}
			if itemEnum != nil && !inList(x, itemEnum) {
				return invalid("property %q item %d value %v is not one of %v", pid, i, x, itemEnum)
			}
		}
	}
	return nil
}

func checkFormat(format, v string) error {
	switch format {
	case "date-time":
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return fmt.Errorf("%q is not a date-time", v)
		}
	case "url":
		u, err := url.Parse(v)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("%q is not a url", v)
		}
	case "email":
		if !strings.Contains(v, "@") {
			return fmt.Errorf("%q is not an email", v)
		}
	}
	return nil
}

func typeMatches(typ string, v any) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	}
	return true
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func inList(v any, list []any) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, v) {
			return true
		}
	}
	return false
}

// relationIDs reads a relation value: a string for many=false, an array of
// strings for many=true. A search-query object is stored unresolved (ok=false, nil error).
func relationIDs(rid string, many bool, v any) ([]string, bool, *entityError) {
	switch t := v.(type) {
	case string:
		if many {
			return nil, false, invalid("relation %q is many=true and needs an array of identifiers", rid)
		}
		return []string{t}, true, nil
	case []any:
		if !many {
			return nil, false, invalid("relation %q is many=false but got an array", rid)
		}
		ids := make([]string, 0, len(t))
		for _, x := range t {
			id, ok := x.(string)
			if !ok {
				return nil, false, invalid("relation %q must hold identifier strings", rid)
			}
			ids = append(ids, id)
		}
		return ids, true, nil
	case map[string]any:
		return nil, false, nil
	}
	return nil, false, invalid("relation %q has invalid value of type %s", rid, jsonType(v))
}

// isEmptyValue is Port's notion of "not set" for required fields and isEmpty.
func isEmptyValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}
