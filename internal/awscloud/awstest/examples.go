package awstest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

// repoRoot is the nearest folder above the test's working directory that
// holds go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return root
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatal("repository root not found")
		}
		root = parent
	}
}

// MapExample maps raw items with examples/<dir>/mapping.yml and fails the test
// on any JQ error, dropped entity or property that yields nothing: the example
// must fit what the kind really produces.
func MapExample(t *testing.T, dir string, items []map[string]any) mapping.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", dir, "mapping.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mapping.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	compiled, err := mapping.Compile(cfg)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	res := compiled.ForKind(compiled.Kinds()[0])
	if len(res) != 1 {
		t.Fatalf("%s: %d resources", dir, len(res))
	}
	out, err := res[0].MapItems(items)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	if out.Dropped != 0 || out.KeyErrors != 0 || out.PropertyErrors != 0 || len(out.Entities) != len(items) {
		t.Fatalf("%s: %d entities of %d items, %d dropped, %d property errors, key errors %d (%s)",
			dir, len(out.Entities), len(items), out.Dropped, out.PropertyErrors, out.KeyErrors, out.KeyError)
	}
	seen := map[string]bool{}
	for _, e := range out.Entities {
		if seen[e.Identifier] {
			t.Fatalf("%s: identifier %q twice", dir, e.Identifier)
		}
		seen[e.Identifier] = true
	}
	return out
}

// CheckExamples maps everything the emulator's org (KindSpec) holds of each
// example's kind (dirs: examples/<dir> → kind) with the example's mapping:
// every item becomes an entity of the example's blueprint, with a unique
// identifier and only properties and relations the blueprint declares, and
// no JQ expression fails.
func CheckExamples(t *testing.T, dirs map[string]string) {
	srv := StartEmu(t, KindSpec)
	p := StaticProvider(t, srv, nil)
	accts := OrgAccounts(t, srv, p)
	for dir, kind := range dirs {
		t.Run(dir, func(t *testing.T) {
			root := filepath.Join(repoRoot(t), "examples", dir)
			raw, err := os.ReadFile(filepath.Join(root, "blueprint.json"))
			if err != nil {
				t.Fatal(err)
			}
			var bp struct {
				Identifier string `json:"identifier"`
				Schema     struct {
					Properties map[string]any `json:"properties"`
				} `json:"schema"`
				Relations map[string]any `json:"relations"`
			}
			if err := json.Unmarshal(raw, &bp); err != nil {
				t.Fatalf("blueprint: %v", err)
			}
			raw, err = os.ReadFile(filepath.Join(root, "mapping.yml"))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := mapping.Parse(raw)
			if err != nil {
				t.Fatalf("mapping: %v", err)
			}
			compiled, err := mapping.Compile(cfg)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			res := compiled.ForKind(kind)
			if len(res) != 1 {
				t.Fatalf("%d resources for %s", len(res), kind)
			}
			seen := map[string]bool{}
			for _, acct := range accts {
				for _, region := range KindSpec.Regions {
					items, _, _ := Collect(t, p, kind, awscloud.PageRequest{Account: acct, Region: region, PageSize: 100,
						IncludeActions: res[0].Resource().Selector.IncludeActions})
					out, err := res[0].MapItems(items)
					if err != nil {
						t.Fatal(err)
					}
					if out.Dropped+out.KeyErrors+out.PropertyErrors+out.FilteredOut != 0 || len(out.Entities) != len(items) {
						t.Fatalf("%d items → %+v", len(items), out)
					}
					for _, e := range out.Entities {
						if e.Blueprint != bp.Identifier || seen[e.Identifier] || e.Title == nil || *e.Title == "" {
							t.Fatalf("entity %+v", e)
						}
						seen[e.Identifier] = true
						for k := range e.Properties {
							if _, ok := bp.Schema.Properties[k]; !ok {
								t.Fatalf("property %s not in the blueprint", k)
							}
						}
						for k := range e.Relations {
							if _, ok := bp.Relations[k]; !ok {
								t.Fatalf("relation %s not in the blueprint", k)
							}
						}
					}
				}
			}
			if len(seen) == 0 {
				t.Fatalf("no %s in the org", kind)
			}
		})
	}
}
