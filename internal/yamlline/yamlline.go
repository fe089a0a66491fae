// Package yamlline makes YAML syntax errors name the line where the problem
// is. yaml.v3 reports the line of the *context* of a parser error, which for
// a block collection is the line before the one that opens it ("while parsing
// a block mapping at line N"): a key indented one space too little on line 90
// is reported at line 2 when the mapping opened there. The parser's own
// position of the problem is not exposed, so it is found again here: the
// shortest prefix of the document, from the reported line on, that fails with
// the same problem ends at the line where the parser met it.
package yamlline

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

var syntaxError = regexp.MustCompile(`^yaml: line (\d+): (.+)$`)

// Unmarshal is yaml.Unmarshal whose syntax errors name the problem's line.
// Type errors already do and are returned unchanged.
func Unmarshal(data []byte, v any) error {
	err := yaml.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	return Locate(data, err)
}

// Locate returns err, a yaml.v3 error from parsing data, with the line of a
// syntax error moved to where the parser met the problem. Other errors, and
// syntax errors it cannot place, are returned unchanged.
func Locate(data []byte, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return err
	}
	m := syntaxError.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	reported, _ := strconv.Atoi(m[1])
	problem := m[2]
	lines := bytes.SplitAfter(data, []byte("\n"))
	// failsHere reports whether the first k lines fail with the same problem.
	// Once the prefix reaches the problem's line it does, whatever follows;
	// before it, the prefix is a document that ends early, which parses.
	failsHere := func(k int) bool {
		var n yaml.Node
		perr := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if perr == nil {
			return false
		}
		pm := syntaxError.FindStringSubmatch(perr.Error())
		return pm != nil && pm[2] == problem
	}
	// The reported line is at or before the problem: the context's line,
	// counted from 0 for parser errors, or the problem's own. A binary search
	// keeps this to a dozen parses for a long file.
	lo, hi := max(reported, 1), len(lines)
	if lo > hi || !failsHere(hi) {
		return err
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		if failsHere(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == reported {
		return err
	}
	return fmt.Errorf("yaml: line %d: %s", lo, problem)
}
