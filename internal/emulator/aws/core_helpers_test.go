package awsemu_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"

	awsemu "github.com/aws-port-sync/aws-port-sync/internal/emulator/aws"
)

// coreStart serves org on a loopback port for the test's lifetime.
func coreStart(t *testing.T, org *awsemu.Org) *awsemu.Server {
	t.Helper()
	srv := awsemu.NewServer(org)
	if err := srv.Start(); err != nil {
		t.Fatalf("start emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// coreCfg is an SDK config pointed at the emulator with creds; retries are off
// so error assertions see the first answer.
func coreCfg(srv *awsemu.Server, c awsemu.Credentials, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		BaseEndpoint: aws.String(srv.URL()),
		HTTPClient:   sdkHTTPClient(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// coreSpec is a small organization with every special case present once.
func coreSpec() awsemu.Spec {
	return awsemu.Spec{
		Seed: 42, Accounts: 8, OUs: 3, Suspended: 1, PendingClosure: 1, MissingRole: 1, NoOIDC: 1,
		OptInDisabled: []string{"ap-east-1", "me-south-1"}, ResourcesPerKind: 2, ExternalID: "ext-123",
	}
}

// coreAPIError asserts err is a smithy API error with code and returns it.
func coreAPIError(t *testing.T, err error, code string) smithy.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("want API error %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %T: %v", code, err, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want error code %s, got %s (%s)", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	return ae
}

// coreView reads the server's org.
func coreView[T any](srv *awsemu.Server, fn func(org *awsemu.Org) T) T {
	var out T
	srv.View(func(org *awsemu.Org) { out = fn(org) })
	return out
}
