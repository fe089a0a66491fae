package mapping

import (
	"reflect"
	"strings"
	"testing"
)

func TestCompileErrorsNamePathAndQuoteGojq(t *testing.T) {
	cfg, err := Parse([]byte(`
resources:
  - kind: A
    selector: {query: 'true'}
    port: {entity: {mappings: {identifier: .id, blueprint: '"b"'}}}
  - kind: B
    selector: {query: '.x =='}
    port:
      itemsToParse: '.list['
      entity:
        mappings:
          identifier: .id
          blueprint: '"b"'
          properties:
            state: .Properties.State.Name |
            fn: nosuchfunc(1)
          relations:
            rel: {rules: [{value: '.a +'}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(cfg)
	if err == nil {
		t.Fatal("want compile errors")
	}
	for _, want := range []string{
		`resources[1].selector.query: JQ ".x ==" does not parse: unexpected EOF`,
		`resources[1].port.itemsToParse: JQ ".list[" does not parse: unexpected EOF`,
		`resources[1].port.entity.mappings.properties.state: JQ ".Properties.State.Name |" does not parse: unexpected EOF`,
		`resources[1].port.entity.mappings.properties.fn: JQ "nosuchfunc(1)" does not compile: function not defined: nosuchfunc/1`,
		`resources[1].port.entity.mappings.relations.rel.rules[0].value: JQ ".a +" does not parse`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "resources[0]") {
		t.Errorf("valid resource reported: %v", err)
	}
}

func TestCompileSingleQuoteRewrite(t *testing.T) {
	r := compileOne(t, "- kind: K\n  selector: {query: \".s == 'on'\"}\n  port: {entity: {mappings: {identifier: .id, blueprint: \"'b'\"}}}\n")
	res, err := r.MapItems(items(t, `[{"id": "a", "s": "on"}, {"id": "c", "s": "off"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entities) != 1 || res.Entities[0].Blueprint != "b" || res.FilteredOut != 1 {
		t.Errorf("result = %+v", res)
	}
}

func TestProgramShortcutsMatchGojq(t *testing.T) {
	inputs := []any{
		map[string]any{"a": map[string]any{"b": "x"}},
		map[string]any{"a": nil},
		map[string]any{},
		map[string]any{"a": "str"}, // .a.b on a string is a JQ error: the shortcut must defer to gojq
		map[string]any{"a": []any{1}},
		nil,
	}
	for _, expr := range []string{".a.b", ".a", ".", `"lit"`, "true", "null", " .a "} {
		c := &compiler{}
		p := c.compile("x", expr)
		if p == nil {
			t.Fatalf("compile %q: %v", expr, c.errs)
		}
		slow := &program{code: p.code}
		for _, in := range inputs {
			v1, ok1, err1 := p.first(t.Context(), in)
			v2, ok2, err2 := slow.first(t.Context(), in)
			if ok1 != ok2 || (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(v1, v2) {
				t.Errorf("%q on %v: shortcut (%v,%v,%v) vs gojq (%v,%v,%v)", expr, in, v1, ok1, err1, v2, ok2, err2)
			}
		}
	}
}
