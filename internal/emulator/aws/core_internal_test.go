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

func TestRequestLogResizeKeepsTheNewest(t *testing.T) {
	l := newRequestLog(3)
	for i := 0; i < 5; i++ {
		l.add(RequestRecord{Operation: strconv.Itoa(i)})
	}
	l.resize(2)
	if got := l.snapshot(); len(got) != 2 || got[0].Operation != "3" || got[1].Operation != "4" {
		t.Fatalf("after shrinking: %+v", got)
	}
	l.resize(10)
	for i := 5; i < 12; i++ {
		l.add(RequestRecord{Operation: strconv.Itoa(i)})
	}
	if got := l.snapshot(); len(got) != 9 || got[0].Operation != "3" || got[8].Operation != "11" {
		t.Fatalf("after growing: %+v", got)
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
