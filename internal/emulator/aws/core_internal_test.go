package awsemu

import (
	"strconv"
	"testing"
)

func TestRequestLogIsBounded(t *testing.T) {
	l := newRequestLog(3)
	for i := 0; i < 5; i++ {
		l.add(RequestRecord{Operation: strconv.Itoa(i)})
	}
	got := l.snapshot()
	if len(got) != 3 || got[0].Operation != "2" || got[2].Operation != "4" {
		t.Fatalf("ring = %+v", got)
	}
}

func TestCanonicalQueryAndEscape(t *testing.T) {
	if got := canonicalQuery("b=2&a=x+y&a=1&c=%2A&empty"); got != "a=1&a=x%20y&b=2&c=%2A&empty=" {
		t.Fatalf("canonical query = %q", got)
	}
	if got := uriEscape("/a b/%2F~", false); got != "/a%20b/%252F~" {
		t.Fatalf("escape = %q", got)
	}
}
