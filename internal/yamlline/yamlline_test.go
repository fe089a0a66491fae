package yamlline_test

import (
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/yamlline"
)

func TestSyntaxErrorsNameTheProblemLine(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"key indented one space too little, deep in a mapping", `# port-app-config
resources:
  - kind: AWS::EC2::Instance
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .Properties.InstanceId
          title: .Properties.Name
         blueprint: '"ec2Instance"'
          team: .Tags.team
`, "yaml: line 11: did not find expected key"},
		{"unclosed flow sequence", "a:\n  b: 1\n  c:\n    d: [1, 2}\n  e: 3\n", "yaml: line 4: did not find expected ',' or ']'"},
		{"key after a nested mapping, dedented too little", "a:\n  b: 1\n  c: 2\n d: 3\n", "yaml: line 4: did not find expected key"},
		{"tab indentation", "a:\n  b: 1\n\tc: 2\n", "yaml: line 3: found a tab character that violates indentation"},
		// go-yaml/yaml#704: reported at the end of the document.
		{"missing colon at the top level", "a:\n  1: b\nc\n\n\n\n\n\n", "yaml: line 3: could not find expected ':'"},
		// Already right: unchanged.
		{"missing colon in a mapping", "a:\n  b: 1\n  c\n\n\n\n", "yaml: line 3: could not find expected ':'"},
		{"unterminated quote", "a:\n  b: 'x\n  c: 2\n", "yaml: line 2: found unexpected end of stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			err := yamlline.Unmarshal([]byte(tc.doc), &v)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error = %v\nwant    %s", err, tc.want)
			}
		})
	}
}

func TestTypeErrorsAndValidYAMLAreLeftAlone(t *testing.T) {
	var v struct{ N int }
	err := yamlline.Unmarshal([]byte("\n\nn: abc\n"), &v)
	if err == nil || !strings.Contains(err.Error(), "line 3: cannot unmarshal !!str `abc` into int") {
		t.Fatalf("error = %v, want yaml.v3's type error at line 3", err)
	}
	var ok map[string]any
	if err := yamlline.Unmarshal([]byte("a: 1\n"), &ok); err != nil || ok["a"] != 1 {
		t.Fatalf("Unmarshal = %v, %v", ok, err)
	}
}
