package awsemu_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

func TestSigV4WrongSecretAndUnknownKey(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ctx := context.Background()
	good := srv.ManagementCredentials()
	wrongSecret := good
	wrongSecret.SecretAccessKey = strings.Repeat("x", 40)
	unknown := awsemu.Credentials{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: good.SecretAccessKey}

	calls := []struct {
		name          string
		call          func(aws.Config) error
		unknownCode   string
		signatureCode string
	}{
		{"sts", func(c aws.Config) error {
			_, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}, "InvalidClientTokenId", "SignatureDoesNotMatch"},
		{"organizations", func(c aws.Config) error {
			_, err := organizations.NewFromConfig(c).ListRoots(ctx, &organizations.ListRootsInput{})
			return err
		}, "UnrecognizedClientException", "InvalidSignatureException"},
		{"account", func(c aws.Config) error {
			_, err := account.NewFromConfig(c).ListRegions(ctx, &account.ListRegionsInput{})
			return err
		}, "UnrecognizedClientException", "InvalidSignatureException"},
		{"ec2", func(c aws.Config) error {
			_, err := ec2.NewFromConfig(c).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
			return err
		}, "AuthFailure", "AuthFailure"},
		{"s3", func(c aws.Config) error {
			_, err := s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}, "InvalidAccessKeyId", "SignatureDoesNotMatch"},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(coreCfg(srv, good, "us-east-1")); err != nil {
				t.Fatalf("correct key rejected: %v", err)
			}
			coreAPIError(t, tc.call(coreCfg(srv, wrongSecret, "us-east-1")), tc.signatureCode)
			coreAPIError(t, tc.call(coreCfg(srv, unknown, "us-east-1")), tc.unknownCode)
		})
	}
}

func TestSigV4SessionTokens(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ctx := context.Background()
	mgmt := coreView(srv, func(o *awsemu.Org) string { return o.ManagementAccountID })
	principal := "arn:aws:sts::" + mgmt + ":assumed-role/" + awsemu.DefaultRoleName + "/s"
	temp := srv.IssueCredentials(mgmt, principal, time.Hour)

	badToken := temp
	badToken.SessionToken = temp.SessionToken + "x"
	_, err := sts.NewFromConfig(coreCfg(srv, badToken, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "InvalidClientTokenId")

	noToken := temp
	noToken.SessionToken = ""
	_, err = sts.NewFromConfig(coreCfg(srv, noToken, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "InvalidClientTokenId")

	static := srv.ManagementCredentials()
	static.SessionToken = temp.SessionToken
	_, err = organizations.NewFromConfig(coreCfg(srv, static, "us-east-1")).ListRoots(ctx, &organizations.ListRootsInput{})
	coreAPIError(t, err, "UnrecognizedClientException")

	expired := srv.IssueCredentials(mgmt, principal, -time.Minute)
	_, err = sts.NewFromConfig(coreCfg(srv, expired, "us-east-1")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	coreAPIError(t, err, "ExpiredToken")
	_, err = organizations.NewFromConfig(coreCfg(srv, expired, "us-east-1")).ListRoots(ctx, &organizations.ListRootsInput{})
	coreAPIError(t, err, "ExpiredTokenException")
	_, err = account.NewFromConfig(coreCfg(srv, expired, "us-east-1")).ListRegions(ctx, &account.ListRegionsInput{})
	coreAPIError(t, err, "ExpiredTokenException")
}

// tamperTransport rewrites the body after the SDK signed it (same length, so
// only the payload hash can tell).
type tamperTransport struct{ from, to string }

func (tt tamperTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	b = bytes.Replace(b, []byte(tt.from), []byte(tt.to), 1)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return http.DefaultTransport.RoundTrip(r)
}

func TestSigV4TamperedBody(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	ctx := context.Background()
	cfg := coreCfg(srv, srv.ManagementCredentials(), "us-east-1")
	cfg.HTTPClient = &http.Client{Transport: tamperTransport{from: "sync", to: "evil"}}
	_, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/X"), RoleSessionName: aws.String("sync")})
	coreAPIError(t, err, "SignatureDoesNotMatch")

	cfg.HTTPClient = &http.Client{Transport: tamperTransport{from: `"MaxResults":5`, to: `"MaxResults":6`}}
	_, err = organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(5)})
	coreAPIError(t, err, "InvalidSignatureException")
}

// coreSignedRequest signs an arbitrary request as the SDK's signer does.
func coreSignedRequest(t *testing.T, c awsemu.Credentials, method, rawURL, service string, body []byte, s3Style bool) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if s3Style {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = s3Style })
	err = signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		req, hash, service, "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSigV4CanonicalPathAndQuery(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	creds := srv.ManagementCredentials()

	// A path with escaped characters and an unusual query still verifies: the
	// emulator rejects it only for the unknown operation.
	u := srv.URL() + "/some%20path/a%2Fb/%E2%9C%93?b=2&a=x%20y&a=1&c=%2A&empty"
	req := coreSignedRequest(t, creds, http.MethodPost, u, "account", []byte(`{}`), false)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := resp.Header.Get("X-Amzn-ErrorType"); got != "UnknownOperationException" {
		t.Fatalf("error type = %q (status %d), want UnknownOperationException", got, resp.StatusCode)
	}

	// The known path with a query passes through to the operation.
	req = coreSignedRequest(t, creds, http.MethodPost, srv.URL()+"/listRegions?x=a+b%2Bc", "account", []byte(`{"MaxResults":2}`), false)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("listRegions status = %d", resp.StatusCode)
	}

	// S3 signs the singly-encoded path; double-encoding it must fail there.
	s3URL := srv.URL() + "/some-bucket/key%20with%20space"
	req = coreSignedRequest(t, creds, http.MethodGet, s3URL, "s3", nil, true)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	recs := srv.Requests()
	if last := recs[len(recs)-1]; last.ErrorCode == "SignatureDoesNotMatch" || last.ErrorCode == "InvalidAccessKeyId" {
		t.Fatalf("s3-style signed request rejected: %+v", last)
	}
	req = coreSignedRequest(t, creds, http.MethodGet, s3URL, "s3", nil, false)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("double-encoded s3 signature accepted: status %d", resp.StatusCode)
	}

	// S3 checks the declared payload hash against the body.
	req = coreSignedRequest(t, creds, http.MethodGet, srv.URL()+"/", "s3", nil, true)
	req.Header.Set("X-Amz-Content-Sha256", strings.Repeat("0", 64))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	recs = srv.Requests()
	if last := recs[len(recs)-1]; last.ErrorCode != "XAmzContentSHA256Mismatch" {
		t.Fatalf("payload hash mismatch answered %+v", last)
	}
}

func TestUnsignedRequestRejected(t *testing.T) {
	srv := coreStart(t, awsemu.Generate(coreSpec()))
	resp, err := http.PostForm(srv.URL()+"/", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "<Code>MissingAuthenticationToken</Code>") {
		t.Fatalf("unsigned answer = %d %s", resp.StatusCode, body)
	}
}
