package awscloud_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// awsEnv lists the variables the SDK's default config reads; tests clear them so
// the developer's own AWS setup can never leak into (or be used by) a test.
var awsEnv = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_ECS",
	"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_ENDPOINT_URL_ACCOUNT",
	"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CA_BUNDLE", // the SDK refuses a plain *http.Client when a CA bundle must be added
}

// startEmu generates an org, serves it on loopback and points the SDK at it.
func startEmu(t *testing.T, spec awsemu.Spec) *awsemu.Server {
	t.Helper()
	srv := awsemu.NewServer(awsemu.Generate(spec))
	if err := srv.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	for _, k := range awsEnv {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	return srv
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// staticProvider uses the management account's admin keys.
func staticProvider(t *testing.T, srv *awsemu.Server, mod func(*awscloud.Settings)) *awscloud.Provider {
	t.Helper()
	c := srv.ManagementCredentials()
	s := awscloud.Settings{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, HTTPClient: testHTTPClient(t)}
	if mod != nil {
		mod(&s)
	}
	p, err := awscloud.NewProvider(ctxT(t), s)
	if err != nil {
		t.Fatalf("NewProvider: %v", err)
	}
	return p
}

// webIdentityProvider writes a token for the default issuer/subject.
func webIdentityProvider(t *testing.T, srv *awsemu.Server, mod func(*awscloud.Settings)) (*awscloud.Provider, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "token")
	tok := srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, awsemu.DefaultServiceAccountSubject, "sts.amazonaws.com", time.Hour)
	if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	s := awscloud.Settings{WebIdentityTokenFile: file, HTTPClient: testHTTPClient(t)}
	if mod != nil {
		mod(&s)
	}
	p, err := awscloud.NewProvider(ctxT(t), s)
	if err != nil {
		t.Fatalf("NewProvider: %v", err)
	}
	return p, file
}

// testHTTPClient drops its idle connections before the emulator shuts down:
// a dialed but unused keep-alive connection would hold up http.Server.Shutdown
// until its grace period ends.
func testHTTPClient(t *testing.T) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

type orgFacts struct {
	mgmt     string
	roleName string
	accounts []*awsemu.Account // ordered
}

func facts(srv *awsemu.Server) orgFacts {
	var f orgFacts
	srv.View(func(o *awsemu.Org) {
		f.mgmt = o.ManagementAccountID
		f.accounts = o.OrderedAccounts()
	})
	f.roleName = awsemu.DefaultRoleName
	return f
}

func roleARN(accountID, path, name string) string {
	return "arn:aws:iam::" + accountID + ":role" + path + name
}

// ops counts request-log records by operation (and optional error code filter).
func ops(srv *awsemu.Server, op string) []awsemu.RequestRecord {
	var out []awsemu.RequestRecord
	for _, r := range srv.Requests() {
		if r.Operation == op {
			out = append(out, r)
		}
	}
	return out
}

func sortedIDs(accts []awscloud.Account) []string {
	out := make([]string, 0, len(accts))
	for _, a := range accts {
		out = append(out, a.ID)
	}
	sort.Strings(out)
	return out
}
