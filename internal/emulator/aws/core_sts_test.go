package awsemu_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// coreAccounts picks accounts of the generated org by role.
type coreAccounts struct {
	mgmt, member, other, missingRole, noOIDC, suspended string
}

func corePick(t *testing.T, srv *awsemu.Server) coreAccounts {
	t.Helper()
	return coreView(srv, func(org *awsemu.Org) coreAccounts {
		ca := coreAccounts{mgmt: org.ManagementAccountID}
		for _, id := range org.AccountOrder[1:] {
			a := org.Accounts[id]
			_, hasRole := a.Roles[awsemu.DefaultRoleName]
			_, hasOIDC := a.OIDC[awsemu.DefaultOIDCIssuer]
			switch {
			case a.State == "SUSPENDED":
				ca.suspended = id
			case !hasRole:
				ca.missingRole = id
			case !hasOIDC:
				ca.noOIDC = id
			case a.State == "ACTIVE" && ca.member == "":
				ca.member = id
			case a.State == "ACTIVE" && ca.other == "":
				ca.other = id
			}
		}
		if ca.member == "" || ca.other == "" || ca.missingRole == "" || ca.noOIDC == "" || ca.suspended == "" {
			t.Fatalf("generated org lacks a needed account: %+v", ca)
		}
		return ca
	})
}

func coreRoleARN(acct string) string {
	return "arn:aws:iam::" + acct + ":role/" + awsemu.DefaultRoleName
}

func TestSTSGetCallerIdentity(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()

	out, err := sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if aws.ToString(out.Account) != ca.mgmt || aws.ToString(out.Arn) != "arn:aws:iam::"+ca.mgmt+":user/admin" ||
		!strings.HasPrefix(aws.ToString(out.UserId), "AIDA") {
		t.Fatalf("identity = %s %s %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId))
	}

	principal := "arn:aws:sts::" + ca.member + ":assumed-role/" + awsemu.DefaultRoleName + "/sess"
	temp := srv.IssueCredentials(ca.member, principal, time.Hour)
	if !strings.HasPrefix(temp.AccessKeyID, "ASIA") || temp.SessionToken == "" {
		t.Fatalf("temporary credentials look wrong: %+v", temp)
	}
	out, err = sts.NewFromConfig(coreCfg(srv, temp, "eu-west-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with temp creds: %v", err)
	}
	if aws.ToString(out.Account) != ca.member || aws.ToString(out.Arn) != principal ||
		!strings.HasPrefix(aws.ToString(out.UserId), "AROA") || !strings.HasSuffix(aws.ToString(out.UserId), ":sess") {
		t.Fatalf("temp identity = %s %s %s", aws.ToString(out.Account), aws.ToString(out.Arn), aws.ToString(out.UserId))
	}
}

func TestSTSAssumeRole(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	mgmt := sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1"))

	out, err := mgmt.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(coreRoleARN(ca.member)), RoleSessionName: aws.String("sync"),
		ExternalId: aws.String("ext-123"), DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatalf("AssumeRole from management: %v", err)
	}
	wantARN := "arn:aws:sts::" + ca.member + ":assumed-role/" + awsemu.DefaultRoleName + "/sync"
	if aws.ToString(out.AssumedRoleUser.Arn) != wantARN || !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ":sync") {
		t.Fatalf("assumed role user = %+v", out.AssumedRoleUser)
	}
	if !out.Credentials.Expiration.Equal(now.Add(900 * time.Second)) {
		t.Fatalf("expiration = %v, want %v", out.Credentials.Expiration, now.Add(900*time.Second))
	}
	session := awsemu.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	id, err := sts.NewFromConfig(coreCfg(srv, session, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with assumed creds: %v", err)
	}
	if aws.ToString(id.Account) != ca.member || aws.ToString(id.Arn) != wantARN {
		t.Fatalf("assumed identity = %s %s", aws.ToString(id.Account), aws.ToString(id.Arn))
	}

	// The session expires with the emulator clock.
	now = now.Add(901 * time.Second)
	_, err = sts.NewFromConfig(coreCfg(srv, session, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "ExpiredToken")
	now = now.Add(-901 * time.Second)

	denied := func(t *testing.T, client *sts.Client, caller, role string, in *sts.AssumeRoleInput) {
		t.Helper()
		in.RoleArn = aws.String(role)
		in.RoleSessionName = aws.String("sync")
		_, err := client.AssumeRole(ctx, in)
		ae := coreAPIError(t, err, "AccessDenied")
		want := "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + role
		if ae.ErrorMessage() != want {
			t.Fatalf("message = %q, want %q", ae.ErrorMessage(), want)
		}
	}
	mgmtUser := "arn:aws:iam::" + ca.mgmt + ":user/admin"
	t.Run("external id mismatch", func(t *testing.T) {
		denied(t, mgmt, mgmtUser, coreRoleARN(ca.member), &sts.AssumeRoleInput{ExternalId: aws.String("wrong")})
		denied(t, mgmt, mgmtUser, coreRoleARN(ca.member), &sts.AssumeRoleInput{})
	})
	t.Run("missing role", func(t *testing.T) {
		denied(t, mgmt, mgmtUser, coreRoleARN(ca.missingRole), &sts.AssumeRoleInput{ExternalId: aws.String("ext-123")})
	})
	t.Run("wrong path", func(t *testing.T) {
		role := "arn:aws:iam::" + ca.member + ":role/other/" + awsemu.DefaultRoleName
		denied(t, mgmt, mgmtUser, role, &sts.AssumeRoleInput{ExternalId: aws.String("ext-123")})
	})
	t.Run("untrusted account", func(t *testing.T) {
		other := sts.NewFromConfig(coreCfg(srv, srv.StaticCredentials(ca.other, "dev"), "us-east-1"))
		denied(t, other, "arn:aws:iam::"+ca.other+":user/dev", coreRoleARN(ca.member), &sts.AssumeRoleInput{ExternalId: aws.String("ext-123")})
	})
	t.Run("own account trusted via root", func(t *testing.T) {
		self := sts.NewFromConfig(coreCfg(srv, srv.StaticCredentials(ca.member, "dev"), "us-east-1"))
		_, err := self.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(coreRoleARN(ca.member)),
			RoleSessionName: aws.String("self"), ExternalId: aws.String("ext-123")})
		if err != nil {
			t.Fatalf("self-account assume: %v", err)
		}
	})
	t.Run("denied role", func(t *testing.T) {
		srv.Update(func(org *awsemu.Org) {
			if err := org.DenyRole(ca.other, awsemu.DefaultRoleName); err != nil {
				t.Fatal(err)
			}
		})
		denied(t, mgmt, mgmtUser, coreRoleARN(ca.other), &sts.AssumeRoleInput{ExternalId: aws.String("ext-123")})
	})
	t.Run("duration bounds", func(t *testing.T) {
		for _, d := range []int32{899, 3601} {
			_, err := mgmt.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(coreRoleARN(ca.member)),
				RoleSessionName: aws.String("sync"), ExternalId: aws.String("ext-123"), DurationSeconds: aws.Int32(d)})
			coreAPIError(t, err, "ValidationError")
		}
	})
	t.Run("role chaining limited to one hour", func(t *testing.T) {
		srv.Update(func(org *awsemu.Org) {
			org.Accounts[ca.member].Roles[awsemu.DefaultRoleName].MaxSessionDuration = 43200
		})
		chained := sts.NewFromConfig(coreCfg(srv, session, "us-east-1"))
		_, err := chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(coreRoleARN(ca.member)),
			RoleSessionName: aws.String("chain"), ExternalId: aws.String("ext-123"), DurationSeconds: aws.Int32(7200)})
		ae := coreAPIError(t, err, "ValidationError")
		if !strings.Contains(ae.ErrorMessage(), "role chaining") {
			t.Fatalf("message = %q", ae.ErrorMessage())
		}
		// The session (a principal of the member account) is trusted via the account root.
		_, err = chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(coreRoleARN(ca.member)),
			RoleSessionName: aws.String("chain"), ExternalId: aws.String("ext-123")})
		if err != nil {
			t.Fatalf("chained assume within an hour: %v", err)
		}
	})
}

func TestSTSAssumeRoleWithWebIdentity(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ca := corePick(t, srv)
	ctx := context.Background()
	anon := sts.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{},
		BaseEndpoint: aws.String(srv.URL()), HTTPClient: sdkHTTPClient(), Retryer: func() aws.Retryer { return aws.NopRetryer{} }})
	token := srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, awsemu.DefaultServiceAccountSubject, "sts.amazonaws.com", time.Hour)

	assume := func(acct, tok string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
			RoleArn: aws.String(coreRoleARN(acct)), RoleSessionName: aws.String("port-ocean"), WebIdentityToken: aws.String(tok),
		})
	}
	out, err := assume(ca.mgmt, token)
	if err != nil {
		t.Fatalf("AssumeRoleWithWebIdentity: %v", err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != awsemu.DefaultServiceAccountSubject ||
		aws.ToString(out.Audience) != "sts.amazonaws.com" ||
		aws.ToString(out.Provider) != "https://"+awsemu.DefaultOIDCIssuer ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+ca.mgmt+":assumed-role/"+awsemu.DefaultRoleName+"/port-ocean" {
		t.Fatalf("web identity result = subject %q audience %q provider %q arn %q", aws.ToString(out.SubjectFromWebIdentityToken),
			aws.ToString(out.Audience), aws.ToString(out.Provider), aws.ToString(out.AssumedRoleUser.Arn))
	}
	session := awsemu.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	id, err := sts.NewFromConfig(coreCfg(srv, session, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != ca.mgmt {
		t.Fatalf("GetCallerIdentity with web identity creds: %v %v", err, id)
	}
	recs := srv.Requests()
	first := recs[0]
	if first.Operation != "AssumeRoleWithWebIdentity" || first.AccountID != ca.mgmt || first.Status != 200 || first.AccessKeyID != "" {
		t.Fatalf("unsigned request record = %+v", first)
	}

	t.Run("no OIDC provider", func(t *testing.T) {
		_, err := assume(ca.noOIDC, token)
		var iit *ststypes.InvalidIdentityTokenException
		if !errors.As(err, &iit) {
			t.Fatalf("want InvalidIdentityTokenException, got %T %v", err, err)
		}
		if want := "No OpenIDConnect provider found in your account for https://" + awsemu.DefaultOIDCIssuer; iit.ErrorMessage() != want {
			t.Fatalf("message = %q, want %q", iit.ErrorMessage(), want)
		}
	})
	t.Run("subject not trusted", func(t *testing.T) {
		bad := srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, "system:serviceaccount:default:other", "sts.amazonaws.com", time.Hour)
		_, err := assume(ca.member, bad)
		ae := coreAPIError(t, err, "AccessDenied")
		if ae.ErrorMessage() != "Not authorized to perform sts:AssumeRoleWithWebIdentity" {
			t.Fatalf("message = %q", ae.ErrorMessage())
		}
	})
	t.Run("missing role", func(t *testing.T) {
		_, err := assume(ca.missingRole, token)
		coreAPIError(t, err, "AccessDenied")
	})
	t.Run("wrong audience", func(t *testing.T) {
		bad := srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, awsemu.DefaultServiceAccountSubject, "someone-else", time.Hour)
		_, err := assume(ca.member, bad)
		var iit *ststypes.InvalidIdentityTokenException
		if !errors.As(err, &iit) {
			t.Fatalf("want InvalidIdentityTokenException, got %v", err)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		old := srv.MintWebIdentityToken(awsemu.DefaultOIDCIssuer, awsemu.DefaultServiceAccountSubject, "sts.amazonaws.com", -time.Minute)
		_, err := assume(ca.member, old)
		var exp *ststypes.ExpiredTokenException
		if !errors.As(err, &exp) {
			t.Fatalf("want ExpiredTokenException, got %T %v", err, err)
		}
	})
	t.Run("malformed token", func(t *testing.T) {
		_, err := assume(ca.member, "not-a-jwt")
		coreAPIError(t, err, "InvalidIdentityToken")
	})
}

func TestSTSAssumeRoleWithPath(t *testing.T) {
	spec := coreSpec()
	spec.RolePath = "port/"
	spec.ExternalID = ""
	srv := coreStart(t, awsemu.Generate(spec))
	ca := corePick(t, srv)
	ctx := context.Background()
	role := "arn:aws:iam::" + ca.member + ":role/port/" + awsemu.DefaultRoleName
	out, err := sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("port")})
	if err != nil {
		t.Fatalf("assume role with path: %v", err)
	}
	// The session is a principal of the member account, trusted via its root,
	// so it can assume the role again (the trust check maps it to the role ARN).
	session := awsemu.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	if _, err := sts.NewFromConfig(coreCfg(srv, session, "us-east-1")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("again")}); err != nil {
		t.Fatalf("chained assume: %v", err)
	}
	_, err = sts.NewFromConfig(coreCfg(srv, srv.ManagementCredentials(), "us-east-1")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(coreRoleARN(ca.member)), RoleSessionName: aws.String("port")})
	coreAPIError(t, err, "AccessDenied")
}
