package awscloud_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

// wrapped wraps err the way the SDK and our collectors do.
func wrapped(err error) error {
	err = &smithy.OperationError{ServiceID: "X", OperationName: "Op", Err: &retry.MaxAttemptsError{Attempt: 8, Err: err}}
	return fmt.Errorf("collect: %w", err)
}

// withStatus is err as the SDK returns it for an HTTP answer with status.
func withStatus(status int, err error) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}}
}

// TestClassify: by code alone, whatever wraps it. Every code the AWS emulator
// can answer is here (activities' TestEveryEmulatorErrorCode checks that list
// against the emulator's source), plus codes of the real services we call.
func TestClassify(t *testing.T) {
	cases := map[string]awscloud.ErrorClass{
		// Denied: authorization, credentials AWS does not accept.
		"AccessDenied":                      awscloud.ErrDenied,
		"AccessDeniedException":             awscloud.ErrDenied,
		"UnauthorizedOperation":             awscloud.ErrDenied,
		"AuthFailure":                       awscloud.ErrDenied,
		"InvalidSignatureException":         awscloud.ErrDenied,
		"SignatureDoesNotMatch":             awscloud.ErrDenied,
		"IncompleteSignature":               awscloud.ErrDenied,
		"InvalidClientTokenId":              awscloud.ErrDenied,
		"InvalidAccessKeyId":                awscloud.ErrDenied,
		"InvalidToken":                      awscloud.ErrDenied,
		"MissingAuthenticationToken":        awscloud.ErrDenied,
		"UnrecognizedClientException":       awscloud.ErrDenied,
		"InvalidIdentityToken":              awscloud.ErrDenied,
		"OptInRequired":                     awscloud.ErrDenied,
		"AWSOrganizationsNotInUseException": awscloud.ErrDenied,
		// Throttled.
		"Throttling":               awscloud.ErrThrottled,
		"ThrottlingException":      awscloud.ErrThrottled,
		"RequestLimitExceeded":     awscloud.ErrThrottled,
		"SlowDown":                 awscloud.ErrThrottled,
		"TooManyRequestsException": awscloud.ErrThrottled,
		// Expired: refresh the credentials and retry.
		"ExpiredToken":          awscloud.ErrExpired,
		"ExpiredTokenException": awscloud.ErrExpired,
		"RequestExpired":        awscloud.ErrExpired,
		// Server side: retry.
		"InternalFailure":       awscloud.ErrOther,
		"InternalError":         awscloud.ErrOther,
		"ServiceUnavailable":    awscloud.ErrOther,
		"RequestTimeout":        awscloud.ErrOther,
		"IDPCommunicationError": awscloud.ErrOther,
		// Not found.
		"NoSuchBucket":               awscloud.ErrNotFound,
		"NoSuchTagSet":               awscloud.ErrNotFound,
		"ResourceNotFoundException":  awscloud.ErrNotFound,
		"InvalidInstanceID.NotFound": awscloud.ErrNotFound,
		"InvalidVolume.NotFound":     awscloud.ErrNotFound,
		"ClusterNotFoundException":   awscloud.ErrNotFound,
		"ParentNotFoundException":    awscloud.ErrNotFound,
		"ChildNotFoundException":     awscloud.ErrNotFound,
		"TargetNotFoundException":    awscloud.ErrNotFound,
		// RDS, MemoryDB, ElastiCache: "...NotFoundFault".
		"DBClusterNotFoundFault": awscloud.ErrNotFound,
		"UserNotFoundFault":      awscloud.ErrNotFound,
		// Rejected: the same request gets the same answer.
		"InvalidAction":                  awscloud.ErrRejected,
		"UnknownOperationException":      awscloud.ErrRejected,
		"NotImplemented":                 awscloud.ErrRejected,
		"UnknownService":                 awscloud.ErrRejected,
		"ValidationError":                awscloud.ErrRejected,
		"ValidationException":            awscloud.ErrRejected,
		"InvalidParameterValue":          awscloud.ErrRejected,
		"InvalidParameterCombination":    awscloud.ErrRejected,
		"InvalidParameterException":      awscloud.ErrRejected,
		"InvalidParameterValueException": awscloud.ErrRejected,
		"InvalidInputException":          awscloud.ErrRejected,
		"InvalidArgument":                awscloud.ErrRejected,
		"InvalidRequest":                 awscloud.ErrRejected,
		"SerializationException":         awscloud.ErrRejected,
		"XAmzContentSHA256Mismatch":      awscloud.ErrRejected,
		"PermanentRedirect":              awscloud.ErrRejected,
	}
	for code, want := range cases {
		err := wrapped(&smithy.GenericAPIError{Code: code, Message: "m"})
		if got := awscloud.Classify(err); got != want {
			t.Errorf("Classify(%s) = %v, want %v", code, got, want)
		}
		// An AccessError (credentials could not be obtained) wraps the same.
		access := &awscloud.AccessError{Code: code, Err: err}
		if got := awscloud.Classify(access); got != want {
			t.Errorf("Classify(AccessError %s) = %v, want %v", code, got, want)
		}
	}
	if got := awscloud.Classify(nil); got != awscloud.ErrOther {
		t.Errorf("Classify(nil) = %v", got)
	}
}

// TestClassifyByStatus: codes nobody listed, and answers with no AWS error
// document, go by the HTTP status; no HTTP answer at all may pass.
func TestClassifyByStatus(t *testing.T) {
	unknown := &smithy.GenericAPIError{Code: "SomethingNew", Message: "m"}
	undecodable := &smithy.DeserializationError{Err: errors.New("invalid character 'p'")}
	for _, tc := range []struct {
		name string
		err  error
		want awscloud.ErrorClass
	}{
		{"400 unknown code", withStatus(400, unknown), awscloud.ErrRejected},
		{"409 unknown code", withStatus(409, unknown), awscloud.ErrRejected},
		{"301 unknown code", withStatus(301, unknown), awscloud.ErrRejected},
		{"404 plain page", withStatus(404, undecodable), awscloud.ErrNotFound},
		{"404 UnknownError", withStatus(404, &smithy.GenericAPIError{Code: "UnknownError"}), awscloud.ErrNotFound},
		{"403 plain page", withStatus(403, undecodable), awscloud.ErrDenied},
		{"401 unknown code", withStatus(401, unknown), awscloud.ErrDenied},
		{"429 unknown code", withStatus(429, unknown), awscloud.ErrThrottled},
		{"500 unknown code", withStatus(500, unknown), awscloud.ErrOther},
		{"502 plain page", withStatus(502, undecodable), awscloud.ErrOther},
		{"503 unknown code", withStatus(503, unknown), awscloud.ErrOther},
		{"501 plain page", withStatus(501, undecodable), awscloud.ErrRejected},
		{"501 NotImplemented", withStatus(501, &smithy.GenericAPIError{Code: "NotImplemented"}), awscloud.ErrRejected},
		{"400 ExpiredToken", withStatus(400, &smithy.GenericAPIError{Code: "ExpiredToken"}), awscloud.ErrExpired},
		{"403 ExpiredTokenException", withStatus(403, &smithy.GenericAPIError{Code: "ExpiredTokenException"}), awscloud.ErrExpired},
		{"400 ThrottlingException", withStatus(400, &smithy.GenericAPIError{Code: "ThrottlingException"}), awscloud.ErrThrottled},
		{"400 RequestTimeout", withStatus(400, &smithy.GenericAPIError{Code: "RequestTimeout"}), awscloud.ErrOther},
		{"200 unreadable", withStatus(200, undecodable), awscloud.ErrOther},
		{"connection refused", &url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, awscloud.ErrOther},
		{"timeout", context.DeadlineExceeded, awscloud.ErrOther},
		{"plain", errors.New("plain"), awscloud.ErrOther},
	} {
		if got := awscloud.Classify(wrapped(tc.err)); got != tc.want {
			t.Errorf("%s: Classify = %v, want %v", tc.name, got, tc.want)
		}
	}
	for c, retry := range map[awscloud.ErrorClass]bool{
		awscloud.ErrOther: true, awscloud.ErrThrottled: true, awscloud.ErrExpired: true,
		awscloud.ErrDenied: false, awscloud.ErrNotFound: false, awscloud.ErrRejected: false,
	} {
		if c.Retryable() != retry {
			t.Errorf("%v.Retryable() = %v, want %v", c, c.Retryable(), retry)
		}
	}
}
