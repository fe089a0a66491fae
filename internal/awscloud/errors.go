package awscloud

import (
	"errors"
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// ErrorClass is what the orchestration needs to know about an AWS error: whether
// retrying can help (Throttled, Other) or not (Denied), and whether the thing is
// simply gone (NotFound).
type ErrorClass int

const (
	ErrOther ErrorClass = iota
	ErrDenied
	ErrThrottled
	ErrNotFound
)

func (c ErrorClass) String() string {
	switch c {
	case ErrDenied:
		return "Denied"
	case ErrThrottled:
		return "Throttled"
	case ErrNotFound:
		return "NotFound"
	default:
		return "Other"
	}
}

// deniedCodes are the per-protocol ways AWS says "you may not": authorization
// failures and credentials AWS does not accept. None of them heals by retrying.
var deniedCodes = map[string]bool{
	"AccessDenied":                       true,
	"AccessDeniedException":              true,
	"UnauthorizedOperation":              true,
	"UnauthorizedException":              true,
	"AuthFailure":                        true,
	"InvalidClientTokenId":               true,
	"UnrecognizedClientException":        true,
	"InvalidAccessKeyId":                 true,
	"SignatureDoesNotMatch":              true,
	"InvalidSignatureException":          true,
	"IncompleteSignature":                true,
	"InvalidIdentityToken":               true,
	"IDPRejectedClaim":                   true,
	"OptInRequired":                      true,
	"AllAccessDisabled":                  true,
	"AccountProblem":                     true,
	"AWSOrganizationsNotInUseException":  true,
	"AccessDeniedForDependencyException": true,
	"RegionDisabledException":            true,
}

// throttleCodes extends the SDK's own list with the codes of services we call.
var throttleCodes = map[string]bool{
	"Throttling":                             true,
	"ThrottlingException":                    true,
	"ThrottledException":                     true,
	"RequestThrottledException":              true,
	"TooManyRequestsException":               true,
	"ProvisionedThroughputExceededException": true,
	"TransactionInProgressException":         true,
	"RequestLimitExceeded":                   true,
	"BandwidthLimitExceeded":                 true,
	"LimitExceededException":                 true,
	"RequestThrottled":                       true,
	"SlowDown":                               true,
	"PriorRequestNotComplete":                true,
	"EC2ThrottledException":                  true,
	"TooManyRequests":                        true,
}

// Classify maps an error from the SDK (possibly wrapped several times, e.g. by
// the retryer's MaxAttemptsError or an *AccessError) onto an ErrorClass.
func Classify(err error) ErrorClass {
	if err == nil {
		return ErrOther
	}
	code := ErrorCode(err)
	switch {
	case deniedCodes[code]:
		return ErrDenied
	case throttleCodes[code]:
		return ErrThrottled
	case isNotFoundCode(code):
		return ErrNotFound
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch re.HTTPStatusCode() {
		case http.StatusForbidden, http.StatusUnauthorized:
			return ErrDenied
		case http.StatusTooManyRequests:
			return ErrThrottled
		case http.StatusNotFound:
			if code == "" || code == "NotFound" {
				return ErrNotFound
			}
		}
	}
	return ErrOther
}

// ErrorCode is the AWS error code inside err ("" if there is none).
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorMessage is the AWS error message inside err, or err's text.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return err.Error()
}

func isNotFoundCode(code string) bool {
	if code == "" {
		return false
	}
	return strings.HasSuffix(code, "NotFound") || strings.HasSuffix(code, "NotFoundException") ||
		strings.HasPrefix(code, "NoSuch") || strings.HasSuffix(code, ".NotFound") ||
		code == "ResourceNotFound"
}
