package awscloud_test

import (
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

func TestPageTokenRoundTrip(t *testing.T) {
	type cur struct {
		List  string `json:"l,omitempty"`
		Outer int    `json:"n,omitempty"`
	}
	tok := awscloud.EncodeToken(cur{List: "a/b+c", Outer: 3})
	var got cur
	if err := awscloud.DecodeToken(tok, &got); err != nil || got != (cur{List: "a/b+c", Outer: 3}) {
		t.Fatalf("%q → %+v, %v", tok, got, err)
	}
	kept := cur{Outer: 1}
	if err := awscloud.DecodeToken("", &kept); err != nil || kept.Outer != 1 {
		t.Fatalf("empty token: %+v, %v", kept, err)
	}
	for _, bad := range []string{"!!", awscloud.EncodeToken("text")} {
		if err := awscloud.DecodeToken(bad, &got); err == nil {
			t.Fatalf("%q decoded", bad)
		}
	}
}
