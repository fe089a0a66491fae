package deploy

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"
)

// The chart is rendered by Helm's own packages (helm.sh/helm/v3, the version
// in go.mod), the way `helm install --dry-run` / `helm template` does it:
// the chart loader, the CLI's value flags (-f, --set-json, --set,
// --set-string, --set-file, --set-literal, in the CLI's order, parsed by
// strvals), chartutil.ToRenderValues (defaults coalesced, schema checked),
// engine.Render, and releaseutil.SortManifests to split hooks from manifests.

const chartDir = "helm/aws-port-sync"

// helmInstall is one `helm upgrade --install RELEASE CHART …` invocation.
type helmInstall struct {
	release, namespace, chart string
	valueFiles                []string
	jsonValues                []string
	values                    []string // --set
	stringValues              []string // --set-string
	fileValues                []string // --set-file
	literalValues             []string // --set-literal
	dir                       string   // where the command runs: relative paths start here
}

// mergeValues is the Helm CLI's value merging (pkg/cli/values.Options.MergeValues),
// minus remote -f URLs.
func (in helmInstall) mergeValues() (map[string]any, error) {
	base := map[string]any{}
	for _, f := range in.valueFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		current := map[string]any{}
		if err := yaml.Unmarshal(data, &current); err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", f, err)
		}
		base = mergeMaps(base, current)
	}
	for _, v := range in.jsonValues {
		if err := strvals.ParseJSON(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-json data %s: %w", v, err)
		}
	}
	for _, v := range in.values {
		if err := strvals.ParseInto(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set data: %w", err)
		}
	}
	for _, v := range in.stringValues {
		if err := strvals.ParseIntoString(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-string data: %w", err)
		}
	}
	for _, v := range in.fileValues {
		reader := func(rs []rune) (any, error) {
			data, err := os.ReadFile(filepath.Join(in.dir, string(rs)))
			return string(data), err
		}
		if err := strvals.ParseIntoFile(v, base, reader); err != nil {
			return nil, fmt.Errorf("failed parsing --set-file data: %w", err)
		}
	}
	for _, v := range in.literalValues {
		if err := strvals.ParseLiteralInto(v, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-literal data: %w", err)
		}
	}
	return base, nil
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v, ok := v.(map[string]any); ok {
			if bv, ok := out[k]; ok {
				if bv, ok := bv.(map[string]any); ok {
					out[k] = mergeMaps(bv, v)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

// rendered is what an install would send to the API server.
type rendered struct {
	install   helmInstall
	manifests []releaseutil.Manifest // in install order
	hooks     map[string]string      // hook manifest path → text, with its events
	hookKinds map[string][]string
	notes     string
}

// all is every rendered byte, for "this string appears nowhere" checks.
func (r *rendered) all() string {
	var b strings.Builder
	for _, m := range r.manifests {
		b.WriteString(m.Content + "\n")
	}
	for _, h := range r.hooks {
		b.WriteString(h + "\n")
	}
	b.WriteString(r.notes)
	return b.String()
}

// docs is every manifest, hooks included, as YAML documents with their source.
func (r *rendered) docs() []sourcedDoc {
	var out []sourcedDoc
	for _, m := range r.manifests {
		out = append(out, sourcedDoc{source: m.Name, text: m.Content})
	}
	for name, text := range r.hooks {
		out = append(out, sourcedDoc{source: name, text: text, hook: true})
	}
	return out
}

type sourcedDoc struct {
	source, text string
	hook         bool
}

var loadedChart *chart.Chart

func loadChart(t testing.TB, dir string) *chart.Chart {
	t.Helper()
	if loadedChart != nil && dir == chartDir {
		return loadedChart
	}
	c, err := loader.Load(dir)
	if err != nil {
		t.Fatalf("helm could not load the chart: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Chart.yaml: %v", err)
	}
	if dir == chartDir {
		loadedChart = c
	}
	return c
}

// helmRender renders like `helm upgrade --install` on a new release (client
// side: what a dry run prints). An error is what helm would print.
func helmRender(t testing.TB, in helmInstall) (*rendered, error) {
	t.Helper()
	if err := chartutil.ValidateReleaseName(in.release); err != nil {
		return nil, fmt.Errorf("release name %q: %w", in.release, err)
	}
	c := loadChart(t, in.chart)
	vals, err := in.mergeValues()
	if err != nil {
		return nil, err
	}
	if err := chartutil.ProcessDependenciesWithMerge(c, vals); err != nil {
		return nil, err
	}
	caps := chartutil.DefaultCapabilities.Copy()
	options := chartutil.ReleaseOptions{Name: in.release, Namespace: in.namespace, Revision: 1, IsInstall: true}
	toRender, err := chartutil.ToRenderValues(c, vals, options, caps)
	if err != nil {
		return nil, err
	}
	var e engine.Engine
	files, err := e.Render(c, toRender)
	if err != nil {
		return nil, err
	}
	r := &rendered{install: in, hooks: map[string]string{}, hookKinds: map[string][]string{}}
	for name, text := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			if name == path.Join(c.Name(), "templates", "NOTES.txt") {
				r.notes = text
			}
			delete(files, name)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, caps.APIVersions, releaseutil.InstallOrder)
	if err != nil {
		return nil, err
	}
	r.manifests = manifests
	for _, h := range hooks {
		key := h.Path + "#" + h.Name
		r.hooks[key] = h.Manifest
		for _, ev := range h.Events {
			r.hookKinds[key] = append(r.hookKinds[key], string(ev))
		}
	}
	return r, nil
}

// mustRender renders and validates every manifest strictly (see manifests_test.go).
func mustRender(t *testing.T, in helmInstall) (*rendered, *objects) {
	t.Helper()
	r, err := helmRender(t, in)
	if err != nil {
		t.Fatalf("helm would refuse the install: %v", err)
	}
	return r, decodeStrict(t, r)
}

// install builds a helmInstall of the chart from `--set` style arguments.
func install(release string, sets ...string) helmInstall {
	return helmInstall{release: release, namespace: "port-ocean", chart: chartDir, values: sets, dir: "."}
}

// required are the values no install works without.
var required = []string{
	"image.repository=registry.example.com/aws-port-sync", "image.tag=0.1.0",
	"port.clientId=id", "port.clientSecret=port-secret-value",
	"integration.identifier=my-aws", "temporal.address=temporal-frontend.temporal:7233",
}

func with(sets ...string) []string { return append(append([]string{}, required...), sets...) }
