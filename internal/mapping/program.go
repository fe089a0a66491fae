package mapping

import (
	"context"
	"regexp"
	"strings"

	"github.com/itchyny/gojq"
)

// program is one compiled JQ expression. Most mapping leaves are plain paths
// (.Properties.InstanceId) or literals ('"ec2Instance"', true); those are
// answered without starting the gojq VM, which is most of the cost of a page.
// The shortcuts give exactly gojq's answer; anything else runs gojq.
type program struct {
	code    *gojq.Code
	fields  []string // non-nil: a plain path of object keys ("." is an empty, non-nil path)
	konst   any
	isConst bool
}

var (
	plainPath     = regexp.MustCompile(`^\s*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\s*$`)
	identity      = regexp.MustCompile(`^\s*\.\s*$`)
	plainString   = regexp.MustCompile(`^\s*"([^"\\]*)"\s*$`)
	keywordConsts = map[string]any{"true": true, "false": false, "null": nil}
)

func newProgram(src string, code *gojq.Code) *program {
	p := &program{code: code}
	trimmed := strings.TrimSpace(src)
	switch {
	case plainPath.MatchString(src):
		p.fields = strings.Split(strings.TrimPrefix(trimmed, "."), ".")
	case identity.MatchString(src):
		p.fields = []string{}
	default:
		if v, ok := keywordConsts[trimmed]; ok {
			p.konst, p.isConst = v, true
		} else if m := plainString.FindStringSubmatch(src); m != nil {
			p.konst, p.isConst = m[1], true
		}
	}
	return p
}

// first returns the program's first output: ok is false when there is none,
// err is set when JQ raised an error.
func (p *program) first(ctx context.Context, input any) (v any, ok bool, err error) {
	if p.isConst {
		return p.konst, true, nil
	}
	if p.fields != nil {
		if v, done := walk(input, p.fields); done {
			return v, true, nil
		}
	}
	iter := p.code.RunWithContext(ctx, input)
	v, ok = iter.Next()
	if !ok {
		return nil, false, nil
	}
	if e, isErr := v.(error); isErr {
		// gojq builds some messages lazily and panics there on Go values it
		// cannot read; surface that panic now, where MapItems recovers it.
		_ = e.Error()
		return nil, true, e
	}
	return v, true, nil
}

// walk follows object keys as jq does (a missing key or null gives null); it
// gives up (done=false) on any other value, where jq would raise an error.
func walk(input any, fields []string) (any, bool) {
	cur := input
	for _, f := range fields {
		switch m := cur.(type) {
		case map[string]any:
			cur = m[f]
		case nil:
			return nil, true
		default:
			return nil, false
		}
	}
	return cur, true
}
