package examples_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/activities"
	"github.com/aws-port-sync/aws-port-sync/examples"
	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

// Every native kind has an example, named after it, that compiles, turns on
// every includeActions the kind has (three at most), and maps only properties its blueprint
// declares; a blueprint shared with the default mapping is identical to it.
func TestEveryKindHasAValidExample(t *testing.T) {
	all, err := examples.All()
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]examples.Example{}
	cloudControl := 0
	defaults := map[string]map[string]any{}
	for _, bp := range mapping.DefaultBlueprints() {
		defaults[bp["identifier"].(string)] = bp
	}
	for _, ex := range all {
		parts := strings.Split(ex.Kind, "::")
		if len(parts) != 3 || ex.Dir != parts[1]+"-"+parts[2] {
			t.Fatalf("examples/%s shows %s: name the folder <Service>-<Type>", ex.Dir, ex.Kind)
		}
		byKind[ex.Kind] = ex
		cfg, err := mapping.Parse(ex.Mapping)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := activities.ValidateMapping(cfg); err != nil {
			t.Fatalf("examples/%s: %v", ex.Dir, err)
		}
		kind, err := awscloud.ResolveKind(ex.Kind)
		if err != nil {
			t.Fatalf("examples/%s: %v", ex.Dir, err)
		}
		if _, native := awscloud.LookupKind(ex.Kind); !native {
			cloudControl++
		}
		r := cfg.Resources[0]
		// Every action of the kind, up to the three a selector may name.
		got, all := r.Selector.IncludeActions, kind.Actions()
		if len(got) != min(len(all), mapping.MaxIncludeActions) || slices.ContainsFunc(got, func(a string) bool { return !slices.Contains(all, a) }) {
			t.Fatalf("examples/%s: includeActions %v, want %d of the kind's %v", ex.Dir, got, min(len(all), mapping.MaxIncludeActions), all)
		}
		id := ex.Blueprint["identifier"].(string)
		schema := ex.Blueprint["schema"].(map[string]any)["properties"].(map[string]any)
		for _, m := range r.Port.Entity.Mappings {
			if m.Blueprint != `"`+id+`"` {
				t.Fatalf("examples/%s: mapping writes to %s, blueprint.json is %s", ex.Dir, m.Blueprint, id)
			}
			for p := range m.Properties {
				if _, ok := schema[p]; !ok {
					t.Fatalf("examples/%s: property %s is not in the blueprint", ex.Dir, p)
				}
			}
		}
		if def, ok := defaults[id]; ok && !reflect.DeepEqual(def, ex.Blueprint) {
			t.Fatalf("examples/%s: blueprint %s differs from the default mapping's", ex.Dir, id)
		}
	}
	for _, k := range awscloud.KindNames() {
		if _, ok := byKind[k]; !ok {
			t.Errorf("kind %s has no example in examples/", k)
		}
	}
	if cloudControl < 2 {
		t.Errorf("%d Cloud Control examples, want at least 2", cloudControl)
	}
}

// The demo configuration holds every example, and its blueprints are every
// example's blueprint once and hold every blueprint they relate to.
func TestDemoHoldsEveryExample(t *testing.T) {
	all, _ := examples.All()
	cfgYAML, bps, err := examples.Demo()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mapping.Parse(cfgYAML)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Resources) != len(all) {
		t.Fatalf("%d resources, want %d", len(cfg.Resources), len(all))
	}
	ids := map[string]bool{}
	for _, bp := range bps {
		id := bp["identifier"].(string)
		if ids[id] {
			t.Fatalf("blueprint %s twice", id)
		}
		ids[id] = true
	}
	for _, ex := range all {
		if !ids[ex.Blueprint["identifier"].(string)] {
			t.Fatalf("examples/%s: blueprint %s missing", ex.Dir, ex.Blueprint["identifier"])
		}
	}
	for _, bp := range bps {
		for _, r := range bp["relations"].(map[string]any) {
			if target := r.(map[string]any)["target"].(string); !ids[target] {
				t.Fatalf("%s relates to %s, which the demo does not create", bp["identifier"], target)
			}
		}
	}
}
