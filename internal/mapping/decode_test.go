package mapping

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestParseAppliesOceanDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`
resources:
  - kind: AWS::EC2::Instance
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .Properties.InstanceId
          blueprint: '"ec2Instance"'
`))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.DeleteDependentEntities || !cfg.CreateMissingRelatedEntities || !cfg.EnableMergeEntity || cfg.EntityDeletionThreshold != 0.9 {
		t.Errorf("top-level defaults = %+v, want true,true,true,0.9", cfg)
	}
	r := cfg.Resources[0]
	// An absent maxConcurrentAccounts is 0: the integration's setting applies.
	if r.Selector.MaxConcurrentAccounts != 0 || r.Port.ItemsToParseName != "item" || !r.Port.ItemsToParseTopLevelTransform {
		t.Errorf("resource defaults = %+v", r)
	}
	if len(r.Port.Entity.Mappings) != 1 || r.Port.Entity.Mappings[0].Blueprint != `"ec2Instance"` {
		t.Errorf("mappings = %+v", r.Port.Entity.Mappings)
	}
}

func TestParseExplicitValuesOverrideDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`{"deleteDependentEntities": false, "createMissingRelatedEntities": false,
	  "enableMergeEntity": false, "entityDeletionThreshold": 0,
	  "resources": [{"kind": "K", "selector": {"query": "true", "maxConcurrentAccounts": 2, "includeActions": ["A"],
	    "regionPolicy": {"allow": ["us-east-1"], "deny": ["eu-west-1"]}},
	    "port": {"itemsToParse": ".Properties.L", "itemsToParseName": "el", "itemsToParseTopLevelTransform": false,
	      "entity": {"mappings": [{"identifier": ".a", "blueprint": "\"b\""}, {"identifier": ".c", "blueprint": "\"d\""}]}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DeleteDependentEntities || cfg.CreateMissingRelatedEntities || cfg.EnableMergeEntity || cfg.EntityDeletionThreshold != 0 {
		t.Errorf("flags = %+v, want all false / 0", cfg)
	}
	r := cfg.Resources[0]
	want := Selector{Query: "true", MaxConcurrentAccounts: 2, IncludeActions: []string{"A"},
		RegionPolicy: RegionPolicy{Allow: []string{"us-east-1"}, Deny: []string{"eu-west-1"}}}
	if !reflect.DeepEqual(r.Selector, want) {
		t.Errorf("selector = %+v, want %+v", r.Selector, want)
	}
	if r.Port.ItemsToParse != ".Properties.L" || r.Port.ItemsToParseName != "el" || r.Port.ItemsToParseTopLevelTransform {
		t.Errorf("port = %+v", r.Port)
	}
	if len(r.Port.Entity.Mappings) != 2 || r.Port.Entity.Mappings[1].Identifier != ".c" {
		t.Errorf("mappings = %+v", r.Port.Entity.Mappings)
	}
}

func TestParseYAMLAndJSONAgree(t *testing.T) {
	y := []byte(`
entityDeletionThreshold: 0.5
resources:
  - kind: K
    selector: {query: .x == 1}
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"b"'
          properties: {p: .p}
          relations:
            r: .r
            s: {combinator: "'and'", rules: [{property: "'$identifier'", operator: "'='", value: .v}]}
`)
	j, _ := json.Marshal(map[string]any{
		"entityDeletionThreshold": 0.5,
		"resources": []any{map[string]any{
			"kind":     "K",
			"selector": map[string]any{"query": ".x == 1"},
			"port": map[string]any{"entity": map[string]any{"mappings": map[string]any{
				"identifier": ".id", "blueprint": `"b"`, "properties": map[string]any{"p": ".p"},
				"relations": map[string]any{"r": ".r", "s": map[string]any{"combinator": "'and'",
					"rules": []any{map[string]any{"property": "'$identifier'", "operator": "'='", "value": ".v"}}}},
			}}},
		}},
	})
	a, err := Parse(y)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(j)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("YAML and JSON differ:\n%+v\n%+v", a, b)
	}
	var generic map[string]any
	_ = json.Unmarshal(j, &generic)
	c, err := FromMap(generic)
	if err != nil || !reflect.DeepEqual(a, c) {
		t.Errorf("FromMap = %+v, %v; want %+v", c, err, a)
	}
}

func TestParseAcceptsUnquotedYAMLScalarsAsJQ(t *testing.T) {
	cfg, err := Parse([]byte("resources:\n- kind: K\n  selector: {query: true}\n  port: {entity: {mappings: {identifier: .a, blueprint: '\"b\"', properties: {n: 5}}}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if q := cfg.Resources[0].Selector.Query; q != "true" {
		t.Errorf("query = %q, want true", q)
	}
	if p := cfg.Resources[0].Port.Entity.Mappings[0].Properties["n"]; p != "5" {
		t.Errorf("property = %q, want 5", p)
	}
}

func TestParseErrorsNameFieldPaths(t *testing.T) {
	_, err := Parse([]byte(`
deleteDependentEntities: "yes"
resources:
  - kind: K
    selector: {query: [a], maxConcurrentAccounts: 1.5, includeActions: "A"}
    port:
      entity:
        mappings:
          identifier: {combinator: and}
          blueprint: '"b"'
          properties: {p: [1]}
`))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{
		`deleteDependentEntities: want true or false, got the string "yes"`,
		`resources[0].selector.query: want a JQ expression (a string), got a list`,
		`resources[0].selector.maxConcurrentAccounts: want a whole number, got the number 1.5`,
		`resources[0].selector.includeActions: want a list of strings, got the string "A"`,
		`resources[0].port.entity.mappings.identifier: search-query identifiers are not supported`,
		`resources[0].port.entity.mappings.properties.p: want a JQ expression (a string), got a list`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestParseRejectsNonObjectDocuments(t *testing.T) {
	for _, doc := range []string{"", "- a\n- b\n", "just text"} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%q) = nil error", doc)
		}
	}
	if _, err := FromMap(nil); err == nil || !strings.Contains(err.Error(), "PORT_APP_CONFIG_FILE") {
		t.Errorf("FromMap(nil) = %v, want a hint at PORT_APP_CONFIG_FILE", err)
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Resources[0].Port.ItemsToParseTopLevelTransform = false
	cfg.Resources[0].Selector.MaxConcurrentAccounts = 3
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, &back) {
		t.Errorf("round trip changed the config:\n%+v\n%+v", cfg, &back)
	}
	clone := cfg.Clone()
	if !reflect.DeepEqual(cfg, clone) {
		t.Error("Clone differs")
	}
}

func TestYAMLUnmarshalIntoConfigAppliesDefaults(t *testing.T) {
	var cfg Config
	if err := yaml.Unmarshal([]byte("resources:\n- kind: K\n  selector: {query: 'true'}\n"), &cfg); err != nil {
		t.Fatal(err)
	}
	if !cfg.EnableMergeEntity || cfg.EntityDeletionThreshold != 0.9 || cfg.Resources[0].Selector.MaxConcurrentAccounts != 0 {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	var r Resource
	if err := yaml.Unmarshal([]byte("kind: K\nport: {itemsToParse: .x}\n"), &r); err != nil {
		t.Fatal(err)
	}
	if r.Port.ItemsToParseName != "item" || !r.Port.ItemsToParseTopLevelTransform {
		t.Errorf("resource defaults not applied: %+v", r)
	}
}

// A maxConcurrentAccounts of 0 or less that the user wrote is refused; only an
// absent one means "use the integration's setting".
func TestParseRefusesANonPositiveAccountLimit(t *testing.T) {
	const doc = `
resources:
  - kind: AWS::S3::Bucket
    selector: {query: 'true', maxConcurrentAccounts: 2}
    port: {entity: {mappings: {identifier: .a, blueprint: '"b"'}}}
  - kind: AWS::EC2::Instance
    selector:
      query: 'true'
      maxConcurrentAccounts: %s
    port: {entity: {mappings: {identifier: .a, blueprint: '"b"'}}}
`
	for _, v := range []string{"0", "-3"} {
		_, err := Parse([]byte(strings.Replace(doc, "%s", v, 1)))
		want := "resources[1].selector.maxConcurrentAccounts: " + v + " is not a positive integer: set how many accounts this kind syncs at once, or remove it to use the integration's maxConcurrentAccounts (integration.config.maxConcurrentAccounts, default 5)"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("maxConcurrentAccounts %s: Parse error = %v\nwant %s", v, err, want)
		}
	}
	// The integration's config in Port is held to the same rule.
	_, err := FromMap(map[string]any{"resources": []any{map[string]any{
		"kind": "AWS::S3::Bucket", "selector": map[string]any{"query": "true", "maxConcurrentAccounts": 0},
	}}})
	if err == nil || !strings.Contains(err.Error(), "resources[0].selector.maxConcurrentAccounts: 0 is not a positive integer") {
		t.Errorf("FromMap error = %v, want maxConcurrentAccounts 0 refused", err)
	}
	// Absent, or null, it is 0: the integration's setting applies.
	cfg, err := Parse([]byte(strings.Replace(doc, "%s", "null", 1)))
	if err != nil || cfg.Resources[1].Selector.MaxConcurrentAccounts != 0 || cfg.Resources[0].Selector.MaxConcurrentAccounts != 2 {
		t.Fatalf("Parse = %+v, %v; want limits 2 and unset", cfg, err)
	}
	// A value that is not a whole number gets one error, not two.
	_, err = Parse([]byte(strings.Replace(doc, "%s", "1.5", 1)))
	if err == nil || strings.Count(err.Error(), "maxConcurrentAccounts") != 1 {
		t.Errorf("Parse error = %v, want one problem for 1.5", err)
	}
}

// Resource specs encoded before maxConcurrentAccounts was omitted when unset
// carry an explicit 0, and running workflows still hand them to activities.
func TestOldSpecsWithAZeroAccountLimitStillDecode(t *testing.T) {
	old := `{"index":0,"resource":{"kind":"AWS::S3::Bucket","selector":{"query":"true","regionPolicy":{},"maxConcurrentAccounts":0},` +
		`"port":{"entity":{"mappings":[{"identifier":".a","blueprint":"\"b\""}]},"itemsToParseName":"item","itemsToParseTopLevelTransform":true}},` +
		`"deleteDependentEntities":true,"createMissingRelatedEntities":true,"enableMergeEntity":true,"entityDeletionThreshold":0.9}`
	var spec ResourceSpec
	if err := json.Unmarshal([]byte(old), &spec); err != nil {
		t.Fatalf("decode an older spec: %v", err)
	}
	if spec.Resource.Selector.MaxConcurrentAccounts != 0 {
		t.Fatalf("limit = %d, want 0 (unset)", spec.Resource.Selector.MaxConcurrentAccounts)
	}
	// New specs and configs leave an unset limit out, so they round-trip
	// through the user-input decoder too.
	data, err := json.Marshal(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "maxConcurrentAccounts") {
		t.Fatalf("an unset limit is encoded: %s", data)
	}
}

// A syntax error names the line in the user's file: deep inside the document
// (yaml.v3 names the line of the enclosing mapping's context), and after
// leading blank lines (which Parse used to trim, shifting every line).
func TestParseSyntaxErrorsNameTheLineInTheFile(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"key indented one space too little": {`

# port-app-config for the production organization
deleteDependentEntities: true
resources:
  - kind: AWS::S3::Bucket
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .Properties.BucketName
          blueprint: '"s3Bucket"'
  - kind: AWS::EC2::Instance
    selector:
      query: 'true'
      regionPolicy:
        allow: [us-east-1, eu-west-1]
    port:
      entity:
        mappings:
          identifier: .Properties.InstanceId
          title: .Properties.Tags | map(select(.Key == "Name")) | first | .Value
         blueprint: '"ec2Instance"'
          properties:
            state: .Properties.State.Name
`, "parse port-app-config (YAML): yaml: line 24: did not find expected key"},
		"unclosed flow sequence": {"\n\nresources:\n  - kind: AWS::EC2::Instance\n    selector:\n      query: 'true'\n      regionPolicy: {allow: [us-east-1}\n",
			"parse port-app-config (YAML): yaml: line 7: did not find expected ',' or ']'"},
		"JSON": {"\n{\n  \"resources\": [\n    {\"kind\": \"K\",}\n  ]\n}\n",
			`parse port-app-config (JSON): line 4, column 18: invalid character '}' looking for beginning of object key string`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Parse error = %v\nwant %s", err, tc.want)
			}
		})
	}
	// A first line that is indented (as a whole block pasted in) still parses.
	if _, err := Parse([]byte("  resources:\n  - kind: K\n  deleteDependentEntities: true\n")); err != nil {
		t.Fatalf("an indented document: %v", err)
	}
}

func TestHistoryWindowAndGetResourceSelectors(t *testing.T) {
	cfg, err := Parse([]byte(`
resources:
  - kind: AWS::CodeBuild::BuildRun
    selector: {query: "true"}
    port: {entity: {mappings: {identifier: .Properties.id, blueprint: '"b"'}}}
  - kind: AWS::CodeBuild::BuildRun
    selector: {query: "true", historyWindowDays: 0}
    port: {entity: {mappings: {identifier: .Properties.id, blueprint: '"b"'}}}
  - kind: AWS::Logs::LogGroup
    selector: {query: "true", historyWindowDays: 7, useGetResourceAPI: 'true'}
    port: {entity: {mappings: {identifier: .Identifier, blueprint: '"b"'}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	if w := cfg.Resources[0].Selector.HistoryWindow(); w != DefaultHistoryWindowDays*day {
		t.Fatalf("default window %v", w)
	}
	if w := cfg.Resources[1].Selector.HistoryWindow(); w != 0 {
		t.Fatalf("historyWindowDays 0 (all history) gave %v", w)
	}
	if s := cfg.Resources[2].Selector; s.HistoryWindow() != 7*day || !s.UseGetResourceAPI || cfg.Resources[0].Selector.UseGetResourceAPI {
		t.Fatalf("selector %+v", s)
	}
	for _, bad := range []string{`historyWindowDays: -1`, `historyWindowDays: "a month"`, `useGetResourceAPI: "yes"`} {
		_, err := Parse([]byte("resources:\n  - kind: AWS::Logs::LogGroup\n    selector: {query: 'true', " + bad + "}\n"))
		field := strings.TrimSpace(strings.Split(bad, ":")[0])
		if err == nil || !strings.Contains(err.Error(), "resources[0].selector."+field) {
			t.Fatalf("%s: %v", bad, err)
		}
	}
}
