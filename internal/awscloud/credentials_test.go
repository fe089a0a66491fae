package awscloud_test

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestStaticCredentialsAreBaseAndStillAssumeRoles(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 1, Accounts: 3, OUs: 1})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	if p.Mode() != awscloud.ProviderStatic {
		t.Fatalf("mode = %s, want StaticCredential", p.Mode())
	}
	ctx := ctxT(t)

	base, err := p.Verify(ctx, awscloud.Target{})
	if err != nil {
		t.Fatalf("verify base: %v", err)
	}
	if base.AccountID != f.Mgmt || base.ARN != "arn:aws:iam::"+f.Mgmt+":user/admin" || !base.Expiration.IsZero() {
		t.Fatalf("base identity = %+v", base)
	}

	member := f.Accounts[1].ID
	id, err := p.Verify(ctx, awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName), SessionName: awscloud.SessionMember})
	if err != nil {
		t.Fatalf("verify member role: %v", err)
	}
	wantARN := "arn:aws:sts::" + member + ":assumed-role/" + f.RoleName + "/" + awscloud.SessionMember
	if id.AccountID != member || id.ARN != wantARN {
		t.Fatalf("member identity = %+v, want %s", id, wantARN)
	}
	if d := time.Until(id.Expiration); d < 50*time.Minute || d > 61*time.Minute {
		t.Fatalf("session should last the default hour, expires in %v", d)
	}
	assumes := ops(srv, "AssumeRole")
	if len(assumes) != 1 || assumes[0].Principal != "arn:aws:iam::"+f.Mgmt+":user/admin" {
		t.Fatalf("want one AssumeRole by the static user, got %+v", assumes)
	}
}

func TestAssumeRoleFromDefaultChainWithExternalID(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 2, Accounts: 2, ExternalID: "port-ext-42"})
	f := facts(srv)
	c := srv.ManagementCredentials()
	// The default chain (env keys here; a pod or instance role in production).
	t.Setenv("AWS_ACCESS_KEY_ID", c.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
	member := f.Accounts[1].ID
	target := awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName), SessionName: awscloud.SessionExplicit}

	withID, err := awscloud.NewProvider(ctxT(t), awscloud.Settings{ExternalID: "port-ext-42"})
	if err != nil {
		t.Fatal(err)
	}
	if withID.Mode() != awscloud.ProviderAssumeRole {
		t.Fatalf("mode = %s, want AssumeRole (no token file, no static keys)", withID.Mode())
	}
	id, err := withID.Verify(ctxT(t), target)
	if err != nil {
		t.Fatalf("assume with ExternalId: %v", err)
	}
	if !strings.HasSuffix(id.ARN, "/"+awscloud.SessionExplicit) || id.AccountID != member {
		t.Fatalf("identity = %+v", id)
	}

	without, err := awscloud.NewProvider(ctxT(t), awscloud.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = without.Verify(ctxT(t), target)
	var ae *awscloud.AccessError
	if !errors.As(err, &ae) {
		t.Fatalf("want *AccessError without ExternalId, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"Unable to assume role " + target.RoleARN + " (session OceanRoleSession): AccessDenied: User: arn:aws:iam::" + f.Mgmt + ":user/admin is not authorized to perform: sts:AssumeRole on resource: " + target.RoleARN,
		"check the role exists and its trust policy allows",
		"set externalId",
	} {
		if !strings.Contains(msg, want) {
			t.Fatalf("error %q\nshould contain %q", msg, want)
		}
	}
	if awscloud.Classify(err) != awscloud.ErrDenied {
		t.Fatalf("Classify = %v, want Denied", awscloud.Classify(err))
	}

	// A wrong ExternalId says so in the hint.
	wrong, err := awscloud.NewProvider(ctxT(t), awscloud.Settings{ExternalID: "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Config(ctxT(t), target, "us-east-1"); err == nil || !strings.Contains(err.Error(), "ExternalId mismatch") {
		t.Fatalf("wrong ExternalId: want hint about ExternalId mismatch, got %v", err)
	}
}

func TestWebIdentityAssumesEveryRoleDirectly(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 3, Accounts: 3, OUs: 1})
	f := facts(srv)
	p, _ := webIdentityProvider(t, srv, nil)
	if p.Mode() != awscloud.ProviderWebIdentity {
		t.Fatalf("mode = %s", p.Mode())
	}
	for i, a := range f.Accounts {
		session := awscloud.SessionMember
		if i == 0 {
			session = awscloud.SessionOrg
		}
		id, err := p.Verify(ctxT(t), awscloud.Target{AccountID: a.ID, RoleARN: roleARN(a.ID, "/", f.RoleName), SessionName: session})
		if err != nil {
			t.Fatalf("verify %s: %v", a.ID, err)
		}
		if id.ARN != "arn:aws:sts::"+a.ID+":assumed-role/"+f.RoleName+"/"+session {
			t.Fatalf("identity = %+v", id)
		}
		if d := time.Until(id.Expiration); d < 55*time.Minute || d > 61*time.Minute {
			t.Fatalf("DurationSeconds should be 3600, expires in %v", d)
		}
	}
	if n := len(ops(srv, "AssumeRoleWithWebIdentity")); n != len(f.Accounts) {
		t.Fatalf("AssumeRoleWithWebIdentity calls = %d, want %d", n, len(f.Accounts))
	}
	if n := len(ops(srv, "AssumeRole")); n != 0 {
		t.Fatalf("web identity must not chain through AssumeRole, saw %d calls", n)
	}
	// No role and no AWS_ROLE_ARN: a clear error, not the host's credentials.
	if _, err := p.Config(ctxT(t), awscloud.Target{}, ""); err == nil || !strings.Contains(err.Error(), "AWS_ROLE_ARN") {
		t.Fatalf("base target in web identity mode: got %v", err)
	}
}

func TestWebIdentityMissingOIDCProviderExplainsFix(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 4, Accounts: 3, NoOIDC: 1})
	var noOIDC string
	srv.View(func(o *awsemu.Org) {
		for _, a := range o.OrderedAccounts() {
			if len(a.OIDC) == 0 {
				noOIDC = a.ID
			}
		}
	})
	if noOIDC == "" {
		t.Fatal("spec should produce an account without OIDC provider")
	}
	p, _ := webIdentityProvider(t, srv, nil)
	rarn := roleARN(noOIDC, "/", awsemu.DefaultRoleName)
	_, err := p.Verify(ctxT(t), awscloud.Target{AccountID: noOIDC, RoleARN: rarn, SessionName: awscloud.SessionMember})
	var ae *awscloud.AccessError
	if !errors.As(err, &ae) || ae.Code != "InvalidIdentityToken" {
		t.Fatalf("want AccessError InvalidIdentityToken, got %v", err)
	}
	for _, want := range []string{
		"Unable to assume role " + rarn + " (session OceanMemberAssumeRoleSession): InvalidIdentityToken: No OpenIDConnect provider found",
		"add the OIDC provider " + awsemu.DefaultOIDCIssuer + " (audience sts.amazonaws.com) to account " + noOIDC,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q\nshould contain %q", err, want)
		}
	}
	// A missing provider is permanent: not retried eight times by the SDK.
	if n := len(ops(srv, "AssumeRoleWithWebIdentity")); n != 1 {
		t.Fatalf("AssumeRoleWithWebIdentity calls = %d, want 1", n)
	}
	if awscloud.Classify(err) != awscloud.ErrDenied {
		t.Fatalf("Classify = %v", awscloud.Classify(err))
	}
}

func TestWebIdentityRereadsTokenFileOnRefresh(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 5, Accounts: 1})
	f := facts(srv)
	// Sessions of 15 minutes with a 20-minute window: every use refreshes.
	p, file := webIdentityProvider(t, srv, func(s *awscloud.Settings) {
		s.SessionDuration = 15 * time.Minute
		s.ExpiryWindow = 20 * time.Minute
	})
	target := awscloud.Target{AccountID: f.Mgmt, RoleARN: roleARN(f.Mgmt, "/", f.RoleName), SessionName: awscloud.SessionOrg}
	if _, err := p.Config(ctxT(t), target, ""); err != nil {
		t.Fatal(err)
	}
	expired := srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, awsemu.DefaultServiceAccountSubject, "sts.amazonaws.com", -time.Minute)
	if err := os.WriteFile(file, []byte(expired), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := p.Config(ctxT(t), target, "")
	var ae *awscloud.AccessError
	if !errors.As(err, &ae) || ae.Code != "ExpiredTokenException" || !strings.Contains(err.Error(), file) {
		t.Fatalf("refresh with an expired token file: want ExpiredTokenException naming %s, got %v", file, err)
	}
}

func TestCredentialsCachedPerAccountAndRole(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 6, Accounts: 3, OUs: 1})
	f := facts(srv)
	p := staticProvider(t, srv, nil)
	targets := []awscloud.Target{
		{AccountID: f.Accounts[1].ID, RoleARN: roleARN(f.Accounts[1].ID, "/", f.RoleName), SessionName: awscloud.SessionMember},
		{AccountID: f.Accounts[2].ID, RoleARN: roleARN(f.Accounts[2].ID, "/", f.RoleName), SessionName: awscloud.SessionMember},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		for _, tg := range targets {
			wg.Add(1)
			go func(tg awscloud.Target) {
				defer wg.Done()
				cfg, err := p.Config(ctxT(t), tg, "eu-west-1")
				if err == nil && cfg.Region != "eu-west-1" {
					err = errors.New("region not applied: " + cfg.Region)
				}
				errs <- err
			}(tg)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	assumes := ops(srv, "AssumeRole")
	if len(assumes) != 2 {
		t.Fatalf("40 Config calls over 2 targets: want 2 AssumeRole, got %d", len(assumes))
	}
}

func TestCredentialsRefreshBeforeExpiry(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 7, Accounts: 2})
	f := facts(srv)
	member := f.Accounts[1].ID
	target := awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName), SessionName: awscloud.SessionMember}
	// Sessions of 15 minutes (DurationSeconds 900) are already inside a
	// 20-minute expiry window, so the cache must re-assume on the next use.
	p := staticProvider(t, srv, func(s *awscloud.Settings) {
		s.SessionDuration = 15 * time.Minute
		s.ExpiryWindow = 20 * time.Minute
	})
	id, err := p.Verify(ctxT(t), target)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(id.Expiration); d < 14*time.Minute || d > 16*time.Minute {
		t.Fatalf("session should last 15 minutes, expires in %v", d)
	}
	before := len(ops(srv, "AssumeRole"))
	if _, err := p.Config(ctxT(t), target, ""); err != nil {
		t.Fatal(err)
	}
	if after := len(ops(srv, "AssumeRole")); after != before+1 {
		t.Fatalf("credentials inside the expiry window must be refreshed: AssumeRole %d → %d", before, after)
	}

	// With the default 5-minute window the same session is reused.
	p2 := staticProvider(t, srv, func(s *awscloud.Settings) { s.SessionDuration = 15 * time.Minute })
	srv.ResetRequests()
	for i := 0; i < 3; i++ {
		if _, err := p2.Config(ctxT(t), target, ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(ops(srv, "AssumeRole")); n != 1 {
		t.Fatalf("fresh credentials must be reused: AssumeRole = %d", n)
	}
}

func TestProviderPriority(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 8, Accounts: 1})
	c := srv.ManagementCredentials()
	file := t.TempDir() + "/token"
	if err := os.WriteFile(file, []byte("x.y.z"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prio []string
		s    awscloud.Settings
		want string
	}{
		{nil, awscloud.Settings{WebIdentityTokenFile: file, AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}, awscloud.ProviderWebIdentity},
		{[]string{"StaticCredential", "AssumeRoleWithWebIdentity"}, awscloud.Settings{WebIdentityTokenFile: file, AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey}, awscloud.ProviderStatic},
		{nil, awscloud.Settings{AccessKeyID: c.AccessKeyID}, awscloud.ProviderAssumeRole}, // one key is not "static keys"
		{[]string{"AssumeRoleWithWebIdentity"}, awscloud.Settings{}, awscloud.ProviderAssumeRole},
	}
	for i, tc := range cases {
		tc.s.CredentialProviderPriority = tc.prio
		p, err := awscloud.NewProvider(ctxT(t), tc.s)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if p.Mode() != tc.want {
			t.Fatalf("case %d: mode %s, want %s", i, p.Mode(), tc.want)
		}
	}
	_, err := awscloud.NewProvider(ctxT(t), awscloud.Settings{CredentialProviderPriority: []string{"StaticCredentials"}})
	if err == nil || !strings.Contains(err.Error(), `unknown provider "StaticCredentials"`) || !strings.Contains(err.Error(), "AssumeRoleWithWebIdentity, StaticCredential, AssumeRole") {
		t.Fatalf("unknown provider: got %v", err)
	}
}

func TestInvalidStaticKeysExplained(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 9, Accounts: 1})
	p, err := awscloud.NewProvider(ctxT(t), awscloud.Settings{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: "nope"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Verify(ctxT(t), awscloud.Target{})
	if err == nil || !strings.Contains(err.Error(), "InvalidClientTokenId") || awscloud.Classify(err) != awscloud.ErrDenied {
		t.Fatalf("unknown access key: got %v (class %v)", err, awscloud.Classify(err))
	}
	_ = srv
}

func TestNoBaseCredentialsExplained(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 10, Accounts: 2})
	f := facts(srv)
	p, err := awscloud.NewProvider(ctxT(t), awscloud.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	member := f.Accounts[1].ID
	_, err = p.Config(ctxT(t), awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName)}, "")
	var ae *awscloud.AccessError
	if !errors.As(err, &ae) || ae.RoleARN != "" || !strings.Contains(err.Error(), "Unable to obtain base credentials (AssumeRole)") ||
		!strings.Contains(err.Error(), "no credentials were found in the default chain") {
		t.Fatalf("empty default chain: got %v", err)
	}
	if len(srv.Requests()) != 0 {
		t.Fatalf("nothing should reach AWS without credentials, saw %d requests", len(srv.Requests()))
	}
}

// A session AWS calls expired while the cache still holds it (clock skew, a
// revoked session) is dropped, assumed again, and the call retried: retrying
// with the same session could never succeed.
func TestExpiredSessionIsRefreshedAndRetried(t *testing.T) {
	srv := startEmu(t, awsemu.Spec{Seed: 9, Accounts: 2, Regions: []string{"us-east-1", "eu-west-1"}})
	f := facts(srv)
	member := f.Accounts[1].ID
	target := awscloud.Target{AccountID: member, RoleARN: roleARN(member, "/", f.RoleName), SessionName: awscloud.SessionMember}
	p := staticProvider(t, srv, func(s *awscloud.Settings) {
		s.RetryMaxAttempts = 2
		s.RetryMaxBackoff = 10 * time.Millisecond
	})
	cfg, err := p.Config(ctxT(t), target, "")
	if err != nil {
		t.Fatal(err)
	}
	// Two hours later for AWS: the cached one-hour session has expired there.
	later := time.Now().Add(2 * time.Hour)
	srv.SetClock(func() time.Time { return later })
	srv.ResetRequests()

	if _, err := ec2.NewFromConfig(cfg).DescribeRegions(ctxT(t), &ec2.DescribeRegionsInput{}); err != nil {
		t.Fatalf("an expired session must be refreshed and the call retried: %v", err)
	}
	// The emulator authenticates before it routes: the refused call is
	// logged under its service only.
	var calls []awsemu.RequestRecord
	for _, r := range srv.Requests() {
		if r.Service == "ec2" {
			calls = append(calls, r)
		}
	}
	if len(calls) != 2 || calls[0].ErrorCode != "ExpiredToken" || calls[1].Status != http.StatusOK {
		t.Fatalf("want EC2 to refuse the session as expired, then serve: %+v", calls)
	}
	if n := len(ops(srv, "AssumeRole")); n != 1 {
		t.Fatalf("AssumeRole called %d times, want 1 (the refresh)", n)
	}
}
