package awsemu_test

import (
	"reflect"
	"sort"
	"time"
)

// motoShape describes what an SDK output struct carries: field path (list
// indices collapsed to [], map keys to {}) -> Go type, for every non-nil field
// of the output and of the FIRST element of each list (one comparable item).
// Zero-valued enum strings count as absent (the SDK leaves them "" when the
// response has no such member); non-pointer numbers and booleans always decode,
// so they are always present on both sides.
func motoShape(v any) map[string]string {
	out := map[string]string{}
	motoWalk("", reflect.ValueOf(v), out)
	return out
}

var (
	motoTimeType = reflect.TypeOf(time.Time{})
	// Pagination tokens are compared by behaviour, not by shape; ResultMetadata is middleware state.
	motoSkippedFields = map[string]bool{
		"ResultMetadata": true, "NextToken": true, "NextMarker": true, "ContinuationToken": true, "Marker": true,
	}
)

func motoWalk(path string, v reflect.Value, out map[string]string) {
	if !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if path != "" {
			out[path] = v.Type().String()
		}
		if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct && v.Elem().Type() != motoTimeType {
			motoWalkStruct(path, v.Elem(), out)
		}
	case reflect.Struct:
		if v.Type() == motoTimeType {
			out[path] = v.Type().String()
			return
		}
		if path != "" {
			out[path] = v.Type().String()
		}
		motoWalkStruct(path, v, out)
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		out[path] = v.Type().String()
		if v.Len() > 0 && v.Type().Elem().Kind() != reflect.Uint8 {
			motoWalk(path+"[]", v.Index(0), out)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		out[path] = v.Type().String()
		keys := v.MapKeys()
		if len(keys) > 0 {
			sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
			motoWalk(path+"{}", v.MapIndex(keys[0]), out)
		}
	case reflect.String:
		if v.Len() > 0 {
			out[path] = v.Type().String()
		}
	default:
		out[path] = v.Type().String()
	}
}

func motoWalkStruct(path string, v reflect.Value, out map[string]string) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || (path == "" && motoSkippedFields[f.Name]) {
			continue
		}
		motoWalk(path+"."+f.Name, v.Field(i), out)
	}
}

// motoMissing lists the paths moto's shape has that ours lacks or types
// differently, minus the documented moto deviations.
func motoMissing(ours, moto map[string]string, deviations map[string]string) []string {
	var missing []string
	for p, typ := range moto {
		if _, known := deviations[p]; known {
			continue
		}
		if got, ok := ours[p]; !ok {
			missing = append(missing, p+" ("+typ+")")
		} else if got != typ {
			missing = append(missing, p+" ("+typ+", ours "+got+")")
		}
	}
	sort.Strings(missing)
	return missing
}
