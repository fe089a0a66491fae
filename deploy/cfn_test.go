package deploy

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// A small CloudFormation evaluator for the IAM templates: parameters with
// defaults, AllowedValues and AllowedPattern, Rules, Conditions and the
// intrinsic functions the templates use (short !Tags and long Fn:: forms).
// Anything else is an error, so the templates stay within what is checked.

// noValue is AWS::NoValue: the element or property disappears.
type noValueT struct{}

var noValue = noValueT{}

func loadCFN(t *testing.T, path string) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	// CloudFormation's short tags (!Ref, !Sub, ...) only decode into a yaml.Node.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not YAML: %v", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf("%s: want one YAML mapping document", path)
	}
	walk(doc.Content[0], func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			t.Errorf("%s:%d: CloudFormation does not support YAML anchors or aliases", path, n.Line)
		}
	})
	return doc.Content[0]
}

// walk visits n and every node below it.
func walk(n *yaml.Node, visit func(*yaml.Node)) {
	visit(n)
	for _, c := range n.Content {
		walk(c, visit)
	}
}

// get returns the value of key in a mapping node, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

type stack struct {
	root       *yaml.Node
	params     map[string]any // string, or []any of strings for list types
	conditions map[string]*bool
}

// newStack resolves parameters (overrides, else defaults), validates them like
// CloudFormation, and checks the template's Rules.
func newStack(root *yaml.Node, overrides map[string]string) (*stack, error) {
	s := &stack{root: root, params: map[string]any{
		"AWS::Partition": "aws", "AWS::AccountId": "123456789012", "AWS::Region": "us-east-1",
		"AWS::StackName": "test", "AWS::NoValue": noValue,
	}, conditions: map[string]*bool{}}
	params := get(root, "Parameters")
	for name := range overrides {
		if get(params, name) == nil {
			return nil, fmt.Errorf("no parameter %s", name)
		}
	}
	if params != nil {
		for i := 0; i+1 < len(params.Content); i += 2 {
			name, p := params.Content[i].Value, params.Content[i+1]
			value, ok := overrides[name]
			if !ok {
				def := get(p, "Default")
				if def == nil {
					return nil, fmt.Errorf("parameter %s has no value and no default", name)
				}
				value = def.Value
			}
			if allowed := get(p, "AllowedValues"); allowed != nil {
				found := false
				for _, a := range allowed.Content {
					found = found || a.Value == value
				}
				if !found {
					return nil, fmt.Errorf("parameter %s: %q is not an allowed value", name, value)
				}
			}
			if pattern := get(p, "AllowedPattern"); pattern != nil {
				re, err := regexp.Compile(pattern.Value)
				if err != nil {
					return nil, fmt.Errorf("parameter %s: bad AllowedPattern: %w", name, err)
				}
				if !re.MatchString(value) {
					return nil, fmt.Errorf("parameter %s: %q does not match %s", name, value, pattern.Value)
				}
			}
			switch typ := get(p, "Type").Value; typ {
			case "String":
				s.params[name] = value
			case "CommaDelimitedList":
				var list []any
				for _, v := range strings.Split(value, ",") {
					list = append(list, strings.TrimSpace(v))
				}
				s.params[name] = list
			default:
				return nil, fmt.Errorf("parameter %s: type %s not handled by this evaluator", name, typ)
			}
		}
	}
	rules := get(root, "Rules")
	if rules != nil {
		for i := 0; i+1 < len(rules.Content); i += 2 {
			for _, a := range get(rules.Content[i+1], "Assertions").Content {
				ok, err := s.evalBool(get(a, "Assert"))
				if err != nil {
					return nil, fmt.Errorf("rule %s: %w", rules.Content[i].Value, err)
				}
				if !ok {
					return nil, fmt.Errorf("rule %s: %s", rules.Content[i].Value, get(a, "AssertDescription").Value)
				}
			}
		}
	}
	return s, nil
}

func (s *stack) condition(name string) (bool, error) {
	if v, ok := s.conditions[name]; ok {
		if v == nil {
			return false, fmt.Errorf("condition %s refers to itself", name)
		}
		return *v, nil
	}
	n := get(get(s.root, "Conditions"), name)
	if n == nil {
		return false, fmt.Errorf("no condition %s", name)
	}
	s.conditions[name] = nil
	v, err := s.evalBool(n)
	if err != nil {
		return false, fmt.Errorf("condition %s: %w", name, err)
	}
	s.conditions[name] = &v
	return v, nil
}

// resource evaluates one resource's Properties.
func (s *stack) resource(name string) (map[string]any, error) {
	r := get(get(s.root, "Resources"), name)
	if r == nil {
		return nil, fmt.Errorf("no resource %s", name)
	}
	v, err := s.eval(get(r, "Properties"))
	if err != nil {
		return nil, fmt.Errorf("resource %s: %w", name, err)
	}
	return v.(map[string]any), nil
}

func (s *stack) evalBool(n *yaml.Node) (bool, error) {
	v, err := s.eval(n)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("line %d: want a condition, got %v", n.Line, v)
	}
	return b, nil
}

func (s *stack) eval(n *yaml.Node) (any, error) {
	if n == nil {
		return nil, errors.New("missing value")
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := strings.TrimPrefix(n.Tag, "!")
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		arg := *n
		arg.Tag = ""
		return s.intrinsic(name, &arg)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, nil
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			v, err := s.eval(c)
			if err != nil {
				return nil, err
			}
			if v != noValue {
				out = append(out, v)
			}
		}
		return out, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 {
			key := n.Content[0].Value
			if key == "Ref" || (key == "Condition" && n.Content[1].Kind == yaml.ScalarNode) || strings.HasPrefix(key, "Fn::") {
				return s.intrinsic(key, n.Content[1])
			}
		}
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := s.eval(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			if v != noValue {
				out[n.Content[i].Value] = v
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

func (s *stack) args(n *yaml.Node, count int, fn string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode || (count > 0 && len(n.Content) != count) {
		return nil, fmt.Errorf("line %d: %s wants a list of %d", n.Line, fn, count)
	}
	return n.Content, nil
}

func (s *stack) intrinsic(fn string, arg *yaml.Node) (any, error) {
	switch fn {
	case "Ref":
		if v, ok := s.params[arg.Value]; ok {
			return v, nil
		}
		if get(get(s.root, "Resources"), arg.Value) != nil {
			return "ref:" + arg.Value, nil
		}
		return nil, fmt.Errorf("line %d: Ref to unknown %s", arg.Line, arg.Value)
	case "Condition":
		return s.condition(arg.Value)
	case "Fn::GetAtt":
		if arg.Kind == yaml.ScalarNode {
			return "getatt:" + arg.Value, nil
		}
		a, err := s.args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		return "getatt:" + a[0].Value + "." + a[1].Value, nil
	case "Fn::If":
		a, err := s.args(arg, 3, fn)
		if err != nil {
			return nil, err
		}
		ok, err := s.condition(a[0].Value)
		if err != nil {
			return nil, err
		}
		if ok {
			return s.eval(a[1])
		}
		return s.eval(a[2])
	case "Fn::Not":
		a, err := s.args(arg, 1, fn)
		if err != nil {
			return nil, err
		}
		b, err := s.evalBool(a[0])
		return !b, err
	case "Fn::And", "Fn::Or":
		a, err := s.args(arg, 0, fn)
		if err != nil {
			return nil, err
		}
		result := fn == "Fn::And"
		for _, c := range a {
			b, err := s.evalBool(c)
			if err != nil {
				return nil, err
			}
			if fn == "Fn::And" {
				result = result && b
			} else {
				result = result || b
			}
		}
		return result, nil
	case "Fn::Equals":
		a, err := s.args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		x, err := s.evalString(a[0])
		if err != nil {
			return nil, err
		}
		y, err := s.evalString(a[1])
		return x == y, err
	case "Fn::EachMemberEquals":
		a, err := s.args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		list, err := s.evalStrings(a[0])
		if err != nil {
			return nil, err
		}
		want, err := s.evalString(a[1])
		for _, v := range list {
			if v != want {
				return false, err
			}
		}
		return true, err
	case "Fn::Join":
		a, err := s.args(arg, 2, fn)
		if err != nil {
			return nil, err
		}
		list, err := s.evalStrings(a[1])
		if err != nil {
			return nil, err
		}
		return strings.Join(list, a[0].Value), nil
	case "Fn::Sub":
		return s.sub(arg)
	}
	return nil, fmt.Errorf("line %d: %s is not handled by this evaluator", arg.Line, fn)
}

func (s *stack) evalString(n *yaml.Node) (string, error) {
	v, err := s.eval(n)
	if err != nil {
		return "", err
	}
	str, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("line %d: want a string, got %v", n.Line, v)
	}
	return str, nil
}

func (s *stack) evalStrings(n *yaml.Node) ([]string, error) {
	v, err := s.eval(n)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("line %d: want a list, got %v", n.Line, v)
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		str, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("line %d: want strings in the list, got %v", n.Line, e)
		}
		out = append(out, str)
	}
	return out, nil
}

var subVar = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

func (s *stack) sub(arg *yaml.Node) (any, error) {
	text, vars := arg.Value, map[string]string{}
	if arg.Kind == yaml.SequenceNode {
		a, err := s.args(arg, 2, "Fn::Sub")
		if err != nil {
			return nil, err
		}
		text = a[0].Value
		for i := 0; i+1 < len(a[1].Content); i += 2 {
			v, err := s.evalString(a[1].Content[i+1])
			if err != nil {
				return nil, fmt.Errorf("Fn::Sub variable %s: %w", a[1].Content[i].Value, err)
			}
			vars[a[1].Content[i].Value] = v
		}
	}
	var firstErr error
	out := subVar.ReplaceAllStringFunc(text, func(m string) string {
		name := subVar.FindStringSubmatch(m)[1]
		if v, ok := vars[name]; ok {
			return v
		}
		if v, ok := s.params[name].(string); ok {
			return v
		}
		if res, attr, ok := strings.Cut(name, "."); ok && get(get(s.root, "Resources"), res) != nil {
			return "getatt:" + res + "." + attr
		}
		if firstErr == nil {
			firstErr = fmt.Errorf("line %d: Fn::Sub: unknown ${%s}", arg.Line, name)
		}
		return m
	})
	return out, firstErr
}
