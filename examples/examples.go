// Package examples embeds the per-kind examples (a Port blueprint and a
// port-app-config resource for each kind) so that `starter dev` can show every
// kind in the demo catalog and the end-to-end test can run them all.
package examples

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/aws-port-sync/aws-port-sync/internal/mapping"
)

//go:embed */mapping.yml */blueprint.json
var files embed.FS

// Example is one folder: the kind it shows, its mapping (a port-app-config
// with one resource) and its blueprint.
type Example struct {
	Dir       string
	Kind      string
	Mapping   []byte
	Blueprint map[string]any
}

// All lists the examples in folder order.
func All() ([]Example, error) {
	dirs, err := fs.Glob(files, "*/mapping.yml")
	if err != nil {
		return nil, err
	}
	sort.Strings(dirs)
	var out []Example
	for _, m := range dirs {
		dir := path.Dir(m)
		ex := Example{Dir: dir}
		if ex.Mapping, err = files.ReadFile(m); err != nil {
			return nil, err
		}
		cfg, err := mapping.Parse(ex.Mapping)
		if err != nil {
			return nil, fmt.Errorf("examples/%s/mapping.yml: %w", dir, err)
		}
		if len(cfg.Resources) != 1 {
			return nil, fmt.Errorf("examples/%s/mapping.yml: %d resources, want 1", dir, len(cfg.Resources))
		}
		ex.Kind = cfg.Resources[0].Kind
		b, err := files.ReadFile(dir + "/blueprint.json")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &ex.Blueprint); err != nil {
			return nil, fmt.Errorf("examples/%s/blueprint.json: %w", dir, err)
		}
		out = append(out, ex)
	}
	return out, nil
}

// Demo is every example at once: one port-app-config with the default
// mapping's top-level settings and every example's resource, and the
// blueprints to create first, in folder order: port.Client.EnsureBlueprints
// creates them all without relations before adding any, as Ocean does, so
// their order does not matter.
func Demo() (config []byte, blueprints []map[string]any, err error) {
	all, err := All()
	if err != nil {
		return nil, nil, err
	}
	var top map[string]any
	if err := yaml.Unmarshal(mapping.DefaultConfigYAML(), &top); err != nil {
		return nil, nil, err
	}
	var resources []any
	seen := map[string]bool{}
	for _, ex := range all {
		var m map[string]any
		if err := yaml.Unmarshal(ex.Mapping, &m); err != nil {
			return nil, nil, err
		}
		resources = append(resources, m["resources"].([]any)...)
		if id, _ := ex.Blueprint["identifier"].(string); !seen[id] {
			seen[id] = true
			blueprints = append(blueprints, ex.Blueprint)
		}
	}
	top["resources"] = resources
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2) // as the default mapping and Port's docs write it
	if err := enc.Encode(top); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), blueprints, nil
}
