package awscloud_test

import (
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// AWS answers InvalidIdentityToken both for a JWT from an issuer the account
// does not trust and for a token that is no JWT at all. Only the first is
// fixed by adding an OIDC provider; the second by pointing the token file at
// the projected service account token.
func TestWebIdentityTokenThatIsNotAJWTExplainsFix(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for name, token := range map[string]string{
		"opaque access token":  "ya29.a0AfH6SMBx-opaque",
		"three parts, no JSON": "aaaa.bbbb.cccc",
		"no signature part":    seg(`{"alg":"RS256"}`) + "." + seg(`{"iss":"https://oidc.example.com"}`),
		"payload not JSON":     seg(`{"alg":"RS256"}`) + "." + seg("hello") + "." + seg("sig"),
		"blank file":           "",
	} {
		t.Run(name, func(t *testing.T) {
			srv := startEmu(t, awsemu.Spec{Seed: 6, Accounts: 1})
			f := facts(srv)
			p, file := webIdentityProvider(t, srv, nil)
			if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			rarn := roleARN(f.Mgmt, "/", f.RoleName)
			_, err := p.Verify(ctxT(t), awscloud.Target{AccountID: f.Mgmt, RoleARN: rarn, SessionName: awscloud.SessionOrg})
			var ae *awscloud.AccessError
			if !errors.As(err, &ae) || ae.Code != "InvalidIdentityToken" {
				t.Fatalf("want AccessError InvalidIdentityToken, got %v", err)
			}
			want := "the web identity token in " + file + " is not a JWT: check AWS_WEB_IDENTITY_TOKEN_FILE points at the projected service account token"
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q\nshould contain %q", err, want)
			}
			if strings.Contains(err.Error(), "OIDC provider") {
				t.Fatalf("error %q suggests an OIDC provider for a token that is not a JWT", err)
			}
		})
	}
}
