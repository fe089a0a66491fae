package awscloud_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
)

func TestClassify(t *testing.T) {
	cases := map[string]awscloud.ErrorClass{
		"AccessDenied":                awscloud.ErrDenied,
		"AccessDeniedException":       awscloud.ErrDenied,
		"UnauthorizedOperation":       awscloud.ErrDenied,
		"AuthFailure":                 awscloud.ErrDenied,
		"InvalidSignatureException":   awscloud.ErrDenied,
		"InvalidClientTokenId":        awscloud.ErrDenied,
		"UnrecognizedClientException": awscloud.ErrDenied,
		"InvalidIdentityToken":        awscloud.ErrDenied,
		"Throttling":                  awscloud.ErrThrottled,
		"ThrottlingException":         awscloud.ErrThrottled,
		"RequestLimitExceeded":        awscloud.ErrThrottled,
		"SlowDown":                    awscloud.ErrThrottled,
		"TooManyRequestsException":    awscloud.ErrThrottled,
		"NoSuchBucket":                awscloud.ErrNotFound,
		"ResourceNotFoundException":   awscloud.ErrNotFound,
		"InvalidInstanceID.NotFound":  awscloud.ErrNotFound,
		"ClusterNotFoundException":    awscloud.ErrNotFound,
		"InternalFailure":             awscloud.ErrOther,
		"ExpiredToken":                awscloud.ErrOther,
	}
	for code, want := range cases {
		var err error = &smithy.GenericAPIError{Code: code, Message: "m"}
		// Wrapped the way the SDK and our collectors wrap errors.
		err = &smithy.OperationError{ServiceID: "X", OperationName: "Op", Err: &retry.MaxAttemptsError{Attempt: 8, Err: err}}
		err = fmt.Errorf("collect: %w", err)
		if got := awscloud.Classify(err); got != want {
			t.Errorf("Classify(%s) = %v, want %v", code, got, want)
		}
	}
	if got := awscloud.Classify(nil); got != awscloud.ErrOther {
		t.Errorf("Classify(nil) = %v", got)
	}
	if got := awscloud.Classify(fmt.Errorf("plain")); got != awscloud.ErrOther {
		t.Errorf("Classify(plain) = %v", got)
	}
}
