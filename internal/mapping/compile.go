package mapping

import (
	"errors"
	"fmt"
	"os"

	"github.com/itchyny/gojq"
)

// Compiled is a whole port-app-config with every JQ expression compiled.
type Compiled struct {
	Config    *Config
	Resources []*CompiledResource
}

// CompiledResource is one resources[] entry, compiled once and safe for
// concurrent MapItems calls (gojq code is immutable once compiled).
type CompiledResource struct {
	// Spec is what the resource was compiled from (resource, index, config flags).
	Spec ResourceSpec

	path         string // "resources[2]"
	selector     *program
	itemsToParse *program
	delItems     *program // del(<itemsToParse>), nil unless the top-level transform is on
	itemsName    string
	mappings     []compiledMapping
}

// Index is the resource's position in the port-app-config.
func (r *CompiledResource) Index() int { return r.Spec.Index }

// Kind is the resource's kind, e.g. AWS::EC2::Instance.
func (r *CompiledResource) Kind() string { return r.Spec.Resource.Kind }

// Resource is the source resource entry.
func (r *CompiledResource) Resource() Resource { return r.Spec.Resource }

type compiledMapping struct {
	identifier, blueprint leaf
	title, icon, team     *leaf
	properties            []namedLeaf
	relations             []namedNode
}

type leaf struct {
	path string
	*program
}

type namedLeaf struct {
	name string
	leaf
}

// node is a relation template: a JQ leaf, an object or list of nodes, or a constant.
type node struct {
	leaf  *leaf
	obj   []namedNode
	list  []node
	value any
}

type namedNode struct {
	name string
	node
}

// Compile compiles every JQ expression of cfg once. Each compile error names
// the field path and quotes gojq's message; all of them are reported together.
func Compile(cfg *Config) (*Compiled, error) {
	if cfg == nil {
		return nil, errors.New("compile port-app-config: no config")
	}
	out := &Compiled{Config: cfg}
	var errs []error
	for i := range cfg.Resources {
		r, err := compileResource(cfg.ResourceSpec(i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out.Resources = append(out.Resources, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// compiler collects every compile error of one resource.
type compiler struct{ errs []error }

var compilerOptions = []gojq.CompilerOption{
	// Ocean lets mappings read the environment (allow_environment_variables_jq_access defaults to true).
	gojq.WithEnvironLoader(os.Environ),
}

func (c *compiler) compile(path, expr string) *program {
	src := rewriteSingleQuotes(expr)
	q, err := gojq.Parse(src)
	if err != nil {
		c.errs = append(c.errs, fmt.Errorf("%s: JQ %q does not parse: %s", path, expr, parseErrorText(src, err)))
		return nil
	}
	code, err := gojq.Compile(q, compilerOptions...)
	if err != nil {
		c.errs = append(c.errs, fmt.Errorf("%s: JQ %q does not compile: %v", path, expr, err))
		return nil
	}
	return newProgram(src, code)
}

func parseErrorText(src string, err error) string {
	var pe *gojq.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v (at byte %d of %q)", err, pe.Offset, src)
	}
	return err.Error()
}

func (c *compiler) leaf(path, expr string) leaf {
	return leaf{path: path, program: c.compile(path, expr)}
}

func (c *compiler) optional(path, expr string) *leaf {
	if expr == "" {
		return nil
	}
	l := c.leaf(path, expr)
	return &l
}

func (c *compiler) node(path string, v any) node {
	switch t := v.(type) {
	case string:
		l := c.leaf(path, t)
		return node{leaf: &l}
	case map[string]any:
		n := node{obj: make([]namedNode, 0, len(t))}
		for _, k := range sortedKeys(t) {
			n.obj = append(n.obj, namedNode{name: k, node: c.node(path+"."+k, t[k])})
		}
		if n.obj == nil {
			n.obj = []namedNode{}
		}
		return n
	case []any:
		n := node{list: make([]node, len(t))}
		for i, e := range t {
			n.list[i] = c.node(fmt.Sprintf("%s[%d]", path, i), e)
		}
		return n
	default:
		return node{value: t}
	}
}

func compileResource(spec ResourceSpec) (*CompiledResource, error) {
	res := spec.Resource
	path := fmt.Sprintf("resources[%d]", spec.Index)
	c := &compiler{}
	r := &CompiledResource{Spec: spec, path: path, itemsName: res.Port.ItemsToParseName}
	if r.itemsName == "" {
		r.itemsName = DefaultItemsToParseName
	}
	if res.Selector.Query == "" {
		c.errs = append(c.errs, fmt.Errorf("%s.selector.query: required; use 'true' to keep every item", path))
	} else {
		r.selector = c.compile(path+".selector.query", res.Selector.Query)
	}
	if res.Port.ItemsToParse != "" {
		r.itemsToParse = c.compile(path+".port.itemsToParse", res.Port.ItemsToParse)
		if r.itemsToParse != nil && res.Port.ItemsToParseTopLevelTransform {
			// Compiled once here: Ocean removes the parsed array from each copy.
			r.delItems = c.compile(path+".port.itemsToParse", "del("+res.Port.ItemsToParse+")")
		}
	}
	if len(res.Port.Entity.Mappings) == 0 {
		c.errs = append(c.errs, fmt.Errorf("%s.port.entity.mappings: required: give at least identifier and blueprint", path))
	}
	for i, m := range res.Port.Entity.Mappings {
		mp := mappingPath(path, i, len(res.Port.Entity.Mappings))
		cm := compiledMapping{
			identifier: c.required(mp+".identifier", m.Identifier, "e.g. .Properties.Arn"),
			blueprint:  c.required(mp+".blueprint", m.Blueprint, `a quoted JQ string such as '"ec2Instance"'`),
			title:      c.optional(mp+".title", m.Title),
			icon:       c.optional(mp+".icon", m.Icon),
			team:       c.optional(mp+".team", m.Team),
		}
		for _, k := range sortedKeys(m.Properties) {
			cm.properties = append(cm.properties, namedLeaf{name: k, leaf: c.leaf(mp+".properties."+k, m.Properties[k])})
		}
		for _, k := range sortedKeys(m.Relations) {
			cm.relations = append(cm.relations, namedNode{name: k, node: c.node(mp+".relations."+k, m.Relations[k])})
		}
		r.mappings = append(r.mappings, cm)
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return r, nil
}

func (c *compiler) required(path, expr, hint string) leaf {
	if expr == "" {
		c.errs = append(c.errs, fmt.Errorf("%s: required, %s", path, hint))
		return leaf{path: path}
	}
	return c.leaf(path, expr)
}

// mappingPath names a mapping the way the user wrote it: no index for the
// usual single object.
func mappingPath(resourcePath string, i, n int) string {
	if n == 1 {
		return resourcePath + ".port.entity.mappings"
	}
	return fmt.Sprintf("%s.port.entity.mappings[%d]", resourcePath, i)
}

// Kinds lists the distinct kinds in config order.
func (c *Compiled) Kinds() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range c.Resources {
		if !seen[r.Kind()] {
			seen[r.Kind()] = true
			out = append(out, r.Kind())
		}
	}
	return out
}

// ForKind returns the compiled resources of one kind, in config order.
func (c *Compiled) ForKind(kind string) []*CompiledResource {
	var out []*CompiledResource
	for _, r := range c.Resources {
		if r.Kind() == kind {
			out = append(out, r)
		}
	}
	return out
}
