package awstest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

// MapExample maps raw items with examples/<dir>/mapping.yml and fails the test
// on any JQ error, dropped entity or property that yields nothing: the example
// must fit what the kind really produces.
func MapExample(t *testing.T, dir string, items []map[string]any) mapping.Result {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatal("repository root not found")
		}
		root = parent
	}
	data, err := os.ReadFile(filepath.Join(root, "examples", dir, "mapping.yml"))
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
