package mapping

import (
	"encoding/json"
	"math/big"
	"reflect"
	"testing"
	"time"
)

type sdkState string

func TestNormalize(t *testing.T) {
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	name := "web"
	in := map[string]any{
		"i32": int32(5), "i64": int64(6), "u": uint64(1 << 63), "f32": float32(1.5),
		"num": json.Number("42"), "fnum": json.Number("4.2"),
		"strs": []string{"a"}, "tags": map[string]string{"k": "v"}, "when": ts, "ptr": &name, "nilptr": (*string)(nil),
		"enum": sdkState("running"), "nested": []any{map[string]any{"n": int16(1)}},
		"struct": struct {
			A int `json:"a"`
		}{A: 1},
		"ok": "plain",
	}
	out := Normalize(in).(map[string]any)
	want := map[string]any{
		"i32": 5, "i64": 6, "u": new(big.Int).SetUint64(1 << 63), "f32": 1.5,
		"num": 42, "fnum": 4.2,
		"strs": []any{"a"}, "tags": map[string]any{"k": "v"}, "when": "2024-01-02T02:04:05Z", "ptr": "web", "nilptr": nil,
		"enum": "running", "nested": []any{map[string]any{"n": 1}},
		"struct": map[string]any{"a": 1.0},
		"ok":     "plain",
	}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("Normalize =\n%#v\nwant\n%#v", out, want)
	}
}
