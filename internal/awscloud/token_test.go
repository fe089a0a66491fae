package awscloud

import "testing"

func TestPageTokenRoundTrip(t *testing.T) {
	type cur struct {
		List  string `json:"l,omitempty"`
		Outer int    `json:"n,omitempty"`
	}
	tok := EncodeToken(cur{List: "a/b+c", Outer: 3})
	var got cur
	if err := DecodeToken(tok, &got); err != nil || got != (cur{List: "a/b+c", Outer: 3}) {
		t.Fatalf("%q → %+v, %v", tok, got, err)
	}
	kept := cur{Outer: 1}
	if err := DecodeToken("", &kept); err != nil || kept.Outer != 1 {
		t.Fatalf("empty token: %+v, %v", kept, err)
	}
	for _, bad := range []string{"!!", EncodeToken("text")} {
		if err := DecodeToken(bad, &got); err == nil {
			t.Fatalf("%q decoded", bad)
		}
	}
}
