package awsemu

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// The rpcv2Cbor protocol's bodies (MemoryDB): JSON-like Go values (maps with
// string keys, slices, strings, integers, floats, booleans, time.Time) to and
// from CBOR, using smithy-go's own encoder so the SDK reads exactly what it
// would read from AWS. Timestamps are tag 1 (epoch seconds), as Smithy's
// rpcv2Cbor specifies.

// cborEncode encodes v (see above); other types panic, they are emulator bugs.
func cborEncode(v any) []byte { return cbor.Encode(cborValue(v)) }

func cborValue(v any) cbor.Value {
	switch t := v.(type) {
	case nil:
		return &cbor.Nil{}
	case cbor.Value:
		return t
	case string:
		return cbor.String(t)
	case bool:
		return cbor.Bool(t)
	case int:
		return cborInt(int64(t))
	case int32:
		return cborInt(int64(t))
	case int64:
		return cborInt(t)
	case float64:
		return cbor.Float64(t)
	case time.Time:
		return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.UnixMilli()) / 1000)}
	case []string:
		l := make(cbor.List, len(t))
		for i, s := range t {
			l[i] = cbor.String(s)
		}
		return l
	case []any:
		l := make(cbor.List, len(t))
		for i, e := range t {
			l[i] = cborValue(e)
		}
		return l
	case []map[string]any:
		l := make(cbor.List, len(t))
		for i, e := range t {
			l[i] = cborValue(e)
		}
		return l
	case map[string]any:
		m := make(cbor.Map, len(t))
		for k, e := range t {
			m[k] = cborValue(e)
		}
		return m
	case map[string]string:
		m := make(cbor.Map, len(t))
		for k, e := range t {
			m[k] = cbor.String(e)
		}
		return m
	}
	panic(fmt.Sprintf("awsemu: no CBOR encoding for %T", v))
}

func cborInt(i int64) cbor.Value {
	if i < 0 {
		return cbor.NegInt(uint64(-(i + 1)))
	}
	return cbor.Uint(uint64(i))
}

// cborDecode decodes a request body into JSON-like values: maps, []any,
// strings, int64, float64, bool, time.Time, nil. An empty body is an empty map.
func cborDecode(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return map[string]any{}, nil
	}
	v, err := cbor.Decode(b)
	if err != nil {
		return nil, err
	}
	m, ok := cborGo(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("CBOR body is %T, not a map", v)
	}
	return m, nil
}

func cborGo(v cbor.Value) any {
	switch t := v.(type) {
	case cbor.Uint:
		if uint64(t) > math.MaxInt64 {
			return float64(t)
		}
		return int64(t)
	case cbor.NegInt:
		return -int64(t) - 1
	case cbor.String:
		return string(t)
	case cbor.Bool:
		return bool(t)
	case cbor.Float32:
		return float64(t)
	case cbor.Float64:
		return float64(t)
	case cbor.Slice:
		return []byte(t)
	case cbor.List:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cborGo(e)
		}
		return out
	case cbor.Map:
		out := make(map[string]any, len(t))
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out[k] = cborGo(t[k])
		}
		return out
	case *cbor.Tag:
		if t.ID == 1 {
			if f, err := cbor.AsFloat64(t.Value); err == nil {
				return time.UnixMilli(int64(f * 1000)).UTC()
			}
		}
		return cborGo(t.Value)
	}
	return nil
}

// CBOR writes a 200 rpcv2Cbor answer.
func (c *Call) CBOR(v map[string]any) {
	h := c.W.Header()
	h.Set("Content-Type", "application/cbor")
	h.Set("Smithy-Protocol", "rpc-v2-cbor")
	h.Set("X-Amzn-RequestId", c.RequestID)
	c.W.WriteHeader(http.StatusOK)
	_, _ = c.W.Write(cborEncode(v))
}
