package mapping

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/catalog"
)

// compileOne builds a single-resource config from a YAML resource body.
func compileOne(t *testing.T, resourceYAML string) *CompiledResource {
	t.Helper()
	cfg, err := Parse([]byte("resources:\n" + resourceYAML))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	c, err := Compile(cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c.Resources[0]
}

// items decodes JSON raw items the way a collector page arrives.
func items(t *testing.T, js string) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func strp(s string) *string { return &s }

func TestSelectorSemantics(t *testing.T) {
	raws := `[{"Properties": {"State": "running", "N": 1}}, {"Properties": {"State": "stopped", "N": 2}}]`
	cases := []struct {
		query       string
		wantIDs     []string
		wantFilter  int
		wantErrPart string
	}{
		{`true`, []string{"1", "2"}, 0, ""},
		{`false`, nil, 2, ""},
		{`'true'`, nil, 0, `yielded a string (4 characters), want true or false`}, // a JQ string, as in Ocean
		{`.Properties.State == 'running'`, []string{"1"}, 1, ""},
		{`.Properties.State == "running" and .Properties.N > 0`, []string{"1"}, 1, ""},
		{`.Properties.State`, nil, 0, `resources[0].selector.query (kind K), raw item 0: yielded a string (7 characters), want true or false`},
		{`empty`, nil, 0, "raw item 0: yielded no value"},
		{`error("boom")`, nil, 0, "raw item 0: JQ error: error: boom"},
		{`if .Properties.N == 1 then "yes" else true end`, nil, 0, `raw item 0: yielded a string (3 characters)`},
		{`null`, nil, 0, "yielded null, want true or false"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			r := compileOne(t, "- kind: K\n  selector: {query: "+jsonString(c.query)+"}\n  port: {entity: {mappings: {identifier: .Properties.N, blueprint: '\"b\"'}}}\n")
			res, err := r.MapItems(items(t, raws))
			if c.wantErrPart != "" {
				var se *SelectorError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), c.wantErrPart) {
					t.Fatalf("err = %v, want a SelectorError containing %q", err, c.wantErrPart)
				}
				if se.Kind != "K" || se.ResourceIndex != 0 {
					t.Errorf("SelectorError = %+v", se)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range res.Entities {
				ids = append(ids, e.Identifier)
			}
			if !reflect.DeepEqual(ids, c.wantIDs) || res.FilteredOut != c.wantFilter {
				t.Errorf("ids = %v filtered = %d, want %v %d", ids, res.FilteredOut, c.wantIDs, c.wantFilter)
			}
		})
	}
}

// jsonString quotes s as a JSON string, which YAML reads verbatim.
func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestLeavesFirstOutputNullsAndCounts(t *testing.T) {
	r := compileOne(t, `- kind: K
  selector: {query: 'true'}
  port:
    entity:
      mappings:
        identifier: .id
        blueprint: '"b"'
        title: .name
        properties:
          first: .list[]
          missing: .nope
          failing: .name | tonumber
          empty: empty
          tags: .tags
        relations:
          account: .acct
          broken: error("x")
`)
	res, err := r.MapItems(items(t, `[{"id": "a", "name": "Alpha", "list": [1, 2, 3], "tags": [{"Key": "k"}], "acct": "123"}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.Entity{
		Identifier: "a", Blueprint: "b", Title: strp("Alpha"),
		Properties: map[string]any{"first": 1.0, "missing": nil, "failing": nil, "empty": nil,
			"tags": []any{map[string]any{"Key": "k"}}},
		Relations: map[string]any{"account": "123", "broken": nil},
	}
	if len(res.Entities) != 1 || !reflect.DeepEqual(res.Entities[0], want) {
		t.Fatalf("entity = %#v\nwant %#v", res.Entities, want)
	}
	// failing, empty and broken count; a plain missing key is a legitimate null.
	if res.PropertyErrors != 3 {
		t.Errorf("PropertyErrors = %d, want 3", res.PropertyErrors)
	}
	for _, k := range []string{"missing", "failing", "empty"} {
		if _, present := res.Entities[0].Properties[k]; !present {
			t.Errorf("property %s not sent as explicit null", k)
		}
	}
}

func TestOnlyMappedKeysAreSet(t *testing.T) {
	r := compileOne(t, "- kind: K\n  selector: {query: 'true'}\n  port: {entity: {mappings: {identifier: .id, blueprint: '\"b\"'}}}\n")
	res, err := r.MapItems(items(t, `[{"id": "a"}]`))
	if err != nil {
		t.Fatal(err)
	}
	e := res.Entities[0]
	if e.Title != nil || e.Icon != nil || e.Team != nil || e.Properties != nil || e.Relations != nil {
		t.Errorf("unmapped keys set: %#v", e)
	}
	js, _ := json.Marshal(e)
	if string(js) != `{"identifier":"a","blueprint":"b"}` {
		t.Errorf("JSON = %s", js)
	}
}

func TestIdentifierAndBlueprintCoercion(t *testing.T) {
	r := compileOne(t, "- kind: K\n  selector: {query: 'true'}\n  port: {entity: {mappings: {identifier: .id, blueprint: .bp, title: .t}}}\n")
	res, err := r.MapItems(items(t, `[
	  {"id": "ok", "bp": "b", "t": 7},
	  {"id": 123456789012, "bp": "b"},
	  {"id": "", "bp": "b"},
	  {"id": null, "bp": "b"},
	  {"id": "x", "bp": null},
	  {"id": true, "bp": "b"},
	  {"id": {"a": 1}, "bp": "b"},
	  {"id": 0, "bp": "b"},
	  {"id": 1.5, "bp": "b", "t": {"o": 1}}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Entities {
		title := "<nil>"
		if e.Title != nil {
			title = *e.Title
		}
		got = append(got, e.Identifier+"/"+title)
	}
	want := []string{"ok/7", "123456789012/<nil>", "1.5/<nil>"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entities = %v, want %v", got, want)
	}
	if res.Dropped != 6 {
		t.Errorf("Dropped = %d, want 6", res.Dropped)
	}
	// The object title is nulled and counted.
	if res.PropertyErrors != 1 {
		t.Errorf("PropertyErrors = %d, want 1", res.PropertyErrors)
	}
}

func TestItemsToParse(t *testing.T) {
	raw := `[{"Type": "K", "Properties": {"Name": "svc", "Ports": [{"p": 80}, {"p": 443}, {"p": 8080}]}},
	         {"Type": "K", "Properties": {"Name": "odd", "Ports": "nope"}}]`
	r := compileOne(t, `- kind: K
  selector: {query: '.item.p != 8080'}
  port:
    itemsToParse: .Properties.Ports
    entity:
      mappings:
        identifier: .Properties.Name + "-" + (.item.p | tostring)
        blueprint: '"port"'
        properties:
          hasPorts: .Properties | has("Ports")
          port: .item.p
`)
	res, err := r.MapItems(items(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entities) != 2 || res.Entities[0].Identifier != "svc-80" || res.Entities[1].Identifier != "svc-443" {
		t.Fatalf("entities = %+v", res.Entities)
	}
	if res.Entities[0].Properties["hasPorts"] != false {
		t.Errorf("top-level transform did not remove the array: %v", res.Entities[0].Properties)
	}
	if res.FilteredOut != 1 || res.ItemsToParseSkipped != 1 {
		t.Errorf("FilteredOut = %d, ItemsToParseSkipped = %d; want 1, 1", res.FilteredOut, res.ItemsToParseSkipped)
	}

	// Without the transform, and with a custom name, the array stays.
	r2 := compileOne(t, `- kind: K
  selector: {query: 'true'}
  port:
    itemsToParse: .Properties.Ports
    itemsToParseName: port
    itemsToParseTopLevelTransform: false
    entity:
      mappings:
        identifier: .Properties.Name + "-" + (.port.p | tostring)
        blueprint: '"port"'
        properties:
          hasPorts: .Properties | has("Ports")
`)
	res2, err := r2.MapItems(items(t, raw)[:1])
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Entities) != 3 || res2.Entities[2].Identifier != "svc-8080" || res2.Entities[0].Properties["hasPorts"] != true {
		t.Errorf("entities = %+v", res2.Entities)
	}
}

func TestItemsToParseDoesNotMutateTheRawItem(t *testing.T) {
	r := compileOne(t, "- kind: K\n  selector: {query: 'true'}\n  port: {itemsToParse: .L, entity: {mappings: {identifier: .item, blueprint: '\"b\"'}}}\n")
	raws := items(t, `[{"L": ["a", "b"]}]`)
	if _, err := r.MapItems(raws); err != nil {
		t.Fatal(err)
	}
	if _, ok := raws[0]["L"]; !ok || len(raws[0]) != 1 {
		t.Errorf("raw item changed: %v", raws[0])
	}
}

func TestSeveralMappingsYieldSeveralEntities(t *testing.T) {
	r := compileOne(t, `- kind: K
  selector: {query: 'true'}
  port:
    entity:
      mappings:
        - {identifier: .a, blueprint: '"one"'}
        - {identifier: .b, blueprint: '"two"'}
`)
	res, err := r.MapItems(items(t, `[{"a": "x", "b": null}, {"a": "y", "b": "z"}]`))
	if err != nil {
		t.Fatal(err)
	}
	bps, groups := res.ByBlueprint()
	if !reflect.DeepEqual(bps, []string{"one", "two"}) || len(groups["one"]) != 2 || len(groups["two"]) != 1 || res.Dropped != 1 {
		t.Errorf("blueprints %v groups %v dropped %d", bps, groups, res.Dropped)
	}
}

func TestSearchQueryRelation(t *testing.T) {
	r := compileOne(t, `- kind: K
  selector: {query: 'true'}
  port:
    entity:
      mappings:
        identifier: .id
        blueprint: '"b"'
        relations:
          owner:
            combinator: "'and'"
            rules:
              - {property: "'$identifier'", operator: "'='", value: .owner}
              - {property: "'region'", operator: "'='", value: .nope | tonumber}
`)
	res, err := r.MapItems(items(t, `[{"id": "a", "owner": "team-1"}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"combinator": "and", "rules": []any{
		map[string]any{"property": "$identifier", "operator": "=", "value": "team-1"},
		map[string]any{"property": "region", "operator": "=", "value": nil},
	}}
	if got := res.Entities[0].Relations["owner"]; !reflect.DeepEqual(got, want) {
		t.Errorf("relation = %#v, want %#v", got, want)
	}
	if res.PropertyErrors != 1 {
		t.Errorf("PropertyErrors = %d, want 1", res.PropertyErrors)
	}
}

func TestEnvironmentIsReadable(t *testing.T) {
	t.Setenv("AWS_PORT_SYNC_TEST_TEAM", "platform")
	r := compileOne(t, "- kind: K\n  selector: {query: 'true'}\n  port: {entity: {mappings: {identifier: .id, blueprint: '\"b\"', team: env.AWS_PORT_SYNC_TEST_TEAM, icon: $ENV.AWS_PORT_SYNC_TEST_TEAM}}}\n")
	res, err := r.MapItems(items(t, `[{"id": "a"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if e := res.Entities[0]; e.Team != "platform" || e.Icon == nil || *e.Icon != "platform" {
		t.Errorf("team = %v icon = %v", e.Team, e.Icon)
	}
}

func TestUnreadableItemIsAnErrorNotAPanic(t *testing.T) {
	r := compileOne(t, "- kind: K\n  selector: {query: '.x | length > 0'}\n  port: {entity: {mappings: {identifier: .id, blueprint: '\"b\"'}}}\n")
	type odd struct{ A int }
	_, err := r.MapItems([]map[string]any{{"x": odd{1}}})
	if err == nil || !strings.Contains(err.Error(), "mapping.Normalize") {
		t.Fatalf("err = %v, want a hint at Normalize", err)
	}
	raw := map[string]any{"x": odd{1}, "id": "a"}
	Normalize(raw)
	res, err := r.MapItems([]map[string]any{raw})
	if err != nil || len(res.Entities) != 1 {
		t.Fatalf("after Normalize: %v, %v", res, err)
	}
}

func TestMapItemsHonoursCancellation(t *testing.T) {
	r := compileOne(t, "- kind: K\n  selector: {query: 'true'}\n  port: {entity: {mappings: {identifier: .id, blueprint: '\"b\"'}}}\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.MapItemsContext(ctx, items(t, `[{"id": "a"}]`))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestConcurrentMapItemsShareOneCompiledResource(t *testing.T) {
	r := compileOne(t, "- kind: K\n  selector: {query: '.n % 2 == 0'}\n  port: {entity: {mappings: {identifier: '.n | tostring', blueprint: '\"b\"', properties: {sq: '.n * .n'}}}}\n")
	var wg sync.WaitGroup
	results := make([]Result, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			raws := make([]map[string]any, 100)
			for i := range raws {
				raws[i] = map[string]any{"n": i}
			}
			results[g], _ = r.MapItems(raws)
		}()
	}
	wg.Wait()
	for g, res := range results {
		if len(res.Entities) != 50 || res.FilteredOut != 50 || res.Entities[49].Properties["sq"] != 98*98 {
			t.Errorf("goroutine %d: %d entities, %d filtered", g, len(res.Entities), res.FilteredOut)
		}
	}
}

func TestIdentifierErrorIsAKeyErrorNotADrop(t *testing.T) {
	cfg, err := Parse([]byte(`
resources:
  - kind: AWS::EC2::Instance
    selector: {query: "true"}
    port:
      entity:
        mappings:
          identifier: .Properties.Tags | from_entries | .Name
          blueprint: '"ec2Instance"'
`))
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	items := []map[string]any{
		{"Properties": map[string]any{"Tags": []any{map[string]any{"Key": "Name", "Value": "web"}}}},
		{"Properties": map[string]any{"Tags": "not-a-list"}}, // from_entries raises an error
		{"Properties": map[string]any{"Tags": []any{}}},      // no Name: an empty identifier
	}
	res, err := compiled.Resources[0].MapItems(items)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entities) != 1 || res.Entities[0].Identifier != "web" {
		t.Fatalf("entities = %+v", res.Entities)
	}
	if res.KeyErrors != 1 || !strings.Contains(res.KeyError, "mappings.identifier") {
		t.Fatalf("key errors = %d (%q), want 1 naming the identifier", res.KeyErrors, res.KeyError)
	}
	if res.Dropped != 1 {
		t.Fatalf("dropped = %d, want 1 (the empty identifier)", res.Dropped)
	}
}
