package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"time"
)

// Normalize converts v into the value types gojq reads (nil, bool, int, float64,
// *big.Int, string, []any, map[string]any). gojq panics on anything else, so
// raw items built from Go values (typed ints, []string, map[string]string,
// time.Time, structs) must pass through here; items decoded by encoding/json
// into `any` are already fine and cost one walk.
//
// []any and map[string]any are rewritten in place (no copy) because raw items
// are owned by the collector page that is being mapped.
func Normalize(v any) any {
	switch t := v.(type) {
	case nil, bool, string, int, float64, *big.Int:
		return v
	case map[string]any:
		for k, e := range t {
			if !native(e) {
				t[k] = Normalize(e)
			}
		}
		return t
	case []any:
		for i, e := range t {
			if !native(e) {
				t[i] = Normalize(e)
			}
		}
		return t
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil && i >= math.MinInt && i <= math.MaxInt {
			return int(i)
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return string(t)
	case float32:
		return float64(t)
	case int8:
		return int(t)
	case int16:
		return int(t)
	case int32:
		return int(t)
	case int64:
		return int(t)
	case uint8:
		return int(t)
	case uint16:
		return int(t)
	case uint32:
		return int(t)
	case uint:
		return uintValue(uint64(t))
	case uint64:
		return uintValue(t)
	case []string:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out
	case []map[string]any:
		out := make([]any, len(t))
		for i, m := range t {
			out[i] = Normalize(m)
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, s := range t {
			out[k] = s
		}
		return out
	case time.Time:
		// Python's JSON-mode dump (what Ocean hands to JQ) writes ISO-8601 strings.
		return t.UTC().Format(time.RFC3339Nano)
	case *time.Time:
		if t == nil {
			return nil
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	return normalizeReflect(v)
}

// native reports whether v is already a gojq value; containers are normalized
// in place by the call itself. Skipping writes for them keeps Normalize of an
// already-clean item free of stores, so it is safe on shared read-only items.
func native(v any) bool {
	switch t := v.(type) {
	case nil, bool, string, int, float64, *big.Int:
		return true
	case map[string]any, []any:
		Normalize(t)
		return true
	}
	return false
}

func uintValue(u uint64) any {
	if u <= math.MaxInt64 {
		return int(u)
	}
	return new(big.Int).SetUint64(u)
}

// normalizeReflect handles pointers, other typed slices and maps, and structs
// (through their JSON form, which is what an SDK struct would look like to Ocean).
func normalizeReflect(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return Normalize(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			break // []byte: JSON (base64) like Ocean's dump
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = Normalize(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		if rv.IsNil() {
			return nil
		}
		out := make(map[string]any, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			out[iter.Key().String()] = Normalize(iter.Value().Interface())
		}
		return out
	case reflect.String:
		return rv.String() // named string types such as SDK enums
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return uintValue(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return string(data)
	}
	return out
}
