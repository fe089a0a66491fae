package mapping

import (
	"strings"
	"unicode"
)

// rewriteSingleQuotes reproduces Ocean's pre-compile rewrite of single-quoted
// JQ string literals (jq_entity_processor `_format_filter`), which is the
// Python substitution
//
//	re.sub(r'(^|\s)\'(?!\s|")|(?<!\s|")\'(\s|$)', r'\1"\2', filter)
//
// Go's regexp has no look-around, so this scans the way re.sub does: left to
// right, non-overlapping, the first alternative tried first, each match
// consuming the whitespace it captured. Matching Ocean exactly (quirks
// included) means a mapping behaves the same here as in Ocean.
func rewriteSingleQuotes(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	runes := []rune(s)
	n := len(runes)
	var b strings.Builder
	b.Grow(len(s))
	isSpace := pySpace
	// notSpaceOrDQ is the negative look-ahead/behind (?!\s|") at index j.
	notSpaceOrDQ := func(j int) bool { return j < 0 || j >= n || !(isSpace(runes[j]) || runes[j] == '"') }
	for i := 0; i < n; {
		// Alternative 1a: ^' not followed by whitespace or ".
		if i == 0 && runes[0] == '\'' && notSpaceOrDQ(1) {
			b.WriteByte('"')
			i++
			continue
		}
		// Alternative 1b: \s' not followed by whitespace or ".
		if isSpace(runes[i]) && i+1 < n && runes[i+1] == '\'' && notSpaceOrDQ(i+2) {
			b.WriteRune(runes[i])
			b.WriteByte('"')
			i += 2
			continue
		}
		// Alternative 2: ' not preceded by whitespace or ", followed by \s or end.
		if runes[i] == '\'' && notSpaceOrDQ(i-1) {
			if i+1 == n {
				b.WriteByte('"')
				i++
				continue
			}
			if isSpace(runes[i+1]) {
				b.WriteByte('"')
				b.WriteRune(runes[i+1])
				i += 2
				continue
			}
		}
		b.WriteRune(runes[i])
		i++
	}
	return b.String()
}

// pySpace is Python's `\s` for str patterns: Unicode whitespace plus the
// information separators U+001C..U+001F, which Go's unicode.IsSpace leaves out.
func pySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
