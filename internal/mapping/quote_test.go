package mapping

import "testing"

// Expected values were produced with Python's re.sub and Ocean's exact pattern.
func TestRewriteSingleQuotesMatchesOcean(t *testing.T) {
	cases := []struct{ in, want string }{
		{`.x == 'foo'`, `.x == "foo"`},
		{`'a' 'b'`, `"a" 'b"`}, // Ocean's quirk: the separating space is consumed
		{`'"service"'`, `'"service"'`},
		{`"it's"`, `"it's"`},
		{`'a b'`, `"a b"`},
		{`x|'q'`, `x|'q"`},
		{`'it''s'`, `"it''s"`},
		{`"'"`, `"'"`},
		{`' x'`, `" x"`},
		{`'`, `"`},
		{`.Properties.Name`, `.Properties.Name`},
		{`'true'`, `"true"`},
		{".a == 'x'\t| 'y'", ".a == \"x\"\t| \"y\""},
	}
	for _, c := range cases {
		if got := rewriteSingleQuotes(c.in); got != c.want {
			t.Errorf("rewriteSingleQuotes(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
