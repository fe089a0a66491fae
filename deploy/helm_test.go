package deploy

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

// helm is not installed on the dev machines, so the tests render the chart
// with text/template and the handful of Helm/sprig functions the templates
// use, implemented with the same meaning. The function map doubles as a
// whitelist: a template that calls anything else fails to parse here.

const chartDir = "helm/aws-port-sync"

type chart struct {
	Name, Version, AppVersion string
	defaults                  map[string]any
	files                     map[string]string // template file name → source
}

func loadChart(t *testing.T) *chart {
	t.Helper()
	var meta struct {
		Name       string `yaml:"name"`
		Version    string `yaml:"version"`
		AppVersion string `yaml:"appVersion"`
	}
	readYAML(t, filepath.Join(chartDir, "Chart.yaml"), &meta)
	if meta.Name == "" || meta.Version == "" || meta.AppVersion == "" {
		t.Fatalf("Chart.yaml needs name, version and appVersion: %+v", meta)
	}
	c := &chart{Name: meta.Name, Version: meta.Version, AppVersion: meta.AppVersion, files: map[string]string{}}
	c.defaults = loadValues(t)
	entries, err := os.ReadDir(filepath.Join(chartDir, "templates"))
	if err != nil {
		t.Fatalf("read templates: %v", err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(chartDir, "templates", e.Name()))
		if err != nil {
			t.Fatalf("read template: %v", err)
		}
		c.files[e.Name()] = string(data)
	}
	return c
}

// loadValues reads values.yaml as Helm does: YAML turned into JSON, so numbers
// are float64 (what the templates really see).
func loadValues(t *testing.T) map[string]any {
	t.Helper()
	var raw map[string]any
	readYAML(t, filepath.Join(chartDir, "values.yaml"), &raw)
	return jsonRoundTrip(t, raw).(map[string]any)
}

func readYAML(t *testing.T, path string, out any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := yaml.Unmarshal(data, out); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}

func jsonRoundTrip(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("values to JSON: %v", err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("values from JSON: %v", err)
	}
	return out
}

// withSets applies `--set a.b.c=value` flags (values already typed, as helm's parser
// would type them) to a copy of the values.
func withSets(t *testing.T, base map[string]any, sets map[string]any) map[string]any {
	t.Helper()
	vals := jsonRoundTrip(t, base).(map[string]any) // deep copy
	keys := make([]string, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, path := range keys {
		parts := strings.Split(path, ".")
		m := vals
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = sets[path]
	}
	return vals
}

// rendered is the output of one render: each non-partial template's text.
type rendered map[string]string

// render executes every template like `helm template demo . -n port-ocean`.
func (c *chart) render(values map[string]any) (rendered, error) {
	root := template.New("gotpl").Option("missingkey=zero")
	root.Funcs(helmFuncs(root))
	names := make([]string, 0, len(c.files))
	for name, src := range c.files {
		full := c.Name + "/templates/" + name
		if _, err := root.New(full).Parse(src); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	data := map[string]any{
		"Values":   values,
		"Release":  map[string]any{"Name": "demo", "Namespace": "port-ocean", "Service": "Helm"},
		"Chart":    map[string]any{"Name": c.Name, "Version": c.Version, "AppVersion": c.AppVersion},
		"Template": map[string]any{"BasePath": c.Name + "/templates"},
	}
	out := rendered{}
	for _, name := range names {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var b strings.Builder
		if err := root.ExecuteTemplate(&b, c.Name+"/templates/"+name, data); err != nil {
			return nil, fmt.Errorf("render %s: %w", name, err)
		}
		out[name] = strings.ReplaceAll(b.String(), "<no value>", "")
	}
	return out, nil
}

func (c *chart) mustRender(t *testing.T, values map[string]any) rendered {
	t.Helper()
	out, err := c.render(values)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return out
}

// objects parses every rendered manifest (not NOTES.txt) into kind/name → object.
func (r rendered) objects(t *testing.T) map[string]map[string]any {
	t.Helper()
	objs := map[string]map[string]any{}
	sep := regexp.MustCompile(`(?m)^---\s*$`)
	for name, text := range r {
		if !strings.HasSuffix(name, ".yaml") {
			continue
		}
		for _, doc := range sep.Split(text, -1) {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s renders invalid YAML: %v\n%s", name, err, doc)
			}
			if obj == nil {
				continue
			}
			key := fmt.Sprintf("%v/%v", obj["kind"], dig(obj, "metadata", "name"))
			if _, dup := objs[key]; dup {
				t.Fatalf("%s rendered twice", key)
			}
			objs[key] = obj
		}
	}
	return objs
}

// all is every rendered byte, for "this string appears nowhere" checks.
func (r rendered) all() string {
	var b strings.Builder
	for _, text := range r {
		b.WriteString(text)
	}
	return b.String()
}

// dig walks maps by key and lists by int index; nil when absent.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func helmFuncs(root *template.Template) template.FuncMap {
	return template.FuncMap{
		"include": func(name string, data any) (string, error) {
			var b strings.Builder
			err := root.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		"fail": func(msg string) (string, error) { return "", errors.New(msg) },
		"default": func(d any, given ...any) any {
			if len(given) == 0 || empty(given[0]) {
				return d
			}
			return given[0]
		},
		"empty":      empty,
		"trunc":      func(n int, s string) string { return s[:min(n, len(s))] },
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"contains":   func(substr, s string) bool { return strings.Contains(s, substr) },
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"quote": func(vs ...any) string {
			var parts []string
			for _, v := range vs {
				if v != nil {
					parts = append(parts, fmt.Sprintf("%q", strval(v)))
				}
			}
			return strings.Join(parts, " ")
		},
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"toYaml":  toYaml,
		"kindIs": func(kind string, v any) bool {
			if v == nil {
				return kind == "invalid"
			}
			return reflect.ValueOf(v).Kind().String() == kind
		},
		"join": func(sep string, v any) string {
			var parts []string
			switch l := v.(type) {
			case []any:
				for _, e := range l {
					parts = append(parts, strval(e))
				}
			case []string:
				parts = l
			default:
				return strval(v)
			}
			return strings.Join(parts, sep)
		},
		"b64enc": func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"sha256sum": func(s string) string {
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:])
		},
	}
}

func strval(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case []byte:
		return string(s)
	case error:
		return s.Error()
	case fmt.Stringer:
		return s.String()
	}
	return fmt.Sprintf("%v", v)
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// toYaml is Helm's: YAML with two-space indent, no trailing newline.
func toYaml(v any) string {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// empty is sprig's: nil, zero numbers, false, and empty strings/lists/maps.
func empty(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Array, reflect.Map, reflect.Slice:
		return rv.Len() == 0
	case reflect.Bool:
		return !rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return rv.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return rv.Float() == 0
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
