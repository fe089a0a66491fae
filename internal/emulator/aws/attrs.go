package awsemu

import (
	"encoding/base64"
	"time"
)

// Tolerant readers of Resource.Attributes: hand-built resources in tests may
// use int where the generator uses int32, and absent attributes read as zero.

// AttrString returns a string attribute ("" when absent or not a string).
func (r *Resource) AttrString(name string) string {
	s, _ := r.Attributes[name].(string)
	return s
}

// AttrInt returns a numeric attribute of any Go integer or float type.
func (r *Resource) AttrInt(name string) int64 {
	switch v := r.Attributes[name].(type) {
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	case float64:
		return int64(v)
	case float32:
		return int64(v)
	case uint32:
		return int64(v)
	case uint64:
		return int64(v)
	}
	return 0
}

// AttrBool returns a boolean attribute.
func (r *Resource) AttrBool(name string) bool {
	b, _ := r.Attributes[name].(bool)
	return b
}

// AttrTime returns a time attribute (time.Time or RFC 3339 string); zero when absent.
func (r *Resource) AttrTime(name string) time.Time {
	switch v := r.Attributes[name].(type) {
	case time.Time:
		return v
	case string:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// AttrStrings returns a []string attribute ([]any of strings is accepted too).
func (r *Resource) AttrStrings(name string) []string {
	switch v := r.Attributes[name].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Has reports whether the attribute is present.
func (r *Resource) Has(name string) bool {
	_, ok := r.Attributes[name]
	return ok
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
