package awscloud

import (
	"errors"
	"net/http"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// ErrorClass is what the orchestration needs to know about an AWS error:
// whether trying again can succeed (Other, Throttled, Expired) or not (Denied,
// NotFound, Rejected).
type ErrorClass int

const (
	// ErrOther is a failure that may pass: HTTP 5xx, no HTTP answer at all
	// (connection refused or reset, timeouts), an unreadable 2xx answer.
	ErrOther ErrorClass = iota
	// ErrDenied: AWS does not accept the caller or its credentials for this
	// call (authorization, opt-in, signature, unknown keys).
	ErrDenied
	// ErrThrottled: slow down and try again.
	ErrThrottled
	// ErrNotFound: the thing (or, from an endpoint without the API, the
	// operation) does not exist.
	ErrNotFound
	// ErrRejected: any other client error (HTTP 3xx/4xx or a known client
	// error code): unknown operation, validation, bad parameters. The same
	// request gets the same answer.
	ErrRejected
	// ErrExpired: the credentials (or the signed request) expired; a retry
	// with refreshed credentials succeeds.
	ErrExpired
)

func (c ErrorClass) String() string {
	switch c {
	case ErrDenied:
		return "Denied"
	case ErrThrottled:
		return "Throttled"
	case ErrNotFound:
		return "NotFound"
	case ErrRejected:
		return "Rejected"
	case ErrExpired:
		return "Expired"
	default:
		return "Other"
	}
}

// Retryable says whether the same call can succeed later.
func (c ErrorClass) Retryable() bool {
	return c == ErrOther || c == ErrThrottled || c == ErrExpired
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
	"InvalidToken":                       true,
	"MissingAuthenticationToken":         true,
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

// expiredCodes say the session (or the signed request) outlived its validity:
// the credential cache must be refreshed, then the call succeeds.
var expiredCodes = map[string]bool{
	"ExpiredToken":          true,
	"ExpiredTokenException": true,
	"RequestExpired":        true,
	"TokenRefreshRequired":  true,
}

// transientCodes are server-side failures, some of them sent with a 4xx
// status (S3's 400 RequestTimeout, STS's 400 IDPCommunicationError).
var transientCodes = map[string]bool{
	"RequestTimeout":              true,
	"RequestTimeoutException":     true,
	"RequestTimeTooSkewed":        true, // the SDK corrects its clock skew on retry
	"IDPCommunicationError":       true,
	"InternalError":               true,
	"InternalFailure":             true,
	"InternalServerError":         true,
	"InternalServerException":     true,
	"ServiceUnavailable":          true,
	"ServiceUnavailableException": true,
	"Unavailable":                 true,
}

// rejectedCodes are client errors by their code alone, whatever the status
// (S3 answers an unknown operation with 501 NotImplemented).
var rejectedCodes = map[string]bool{
	"InvalidAction":                  true,
	"UnknownOperationException":      true,
	"UnknownOperation":               true,
	"NotImplemented":                 true,
	"UnsupportedOperation":           true,
	"UnsupportedOperationException":  true,
	"UnknownService":                 true,
	"ValidationError":                true,
	"ValidationException":            true,
	"InvalidParameter":               true,
	"InvalidParameterValue":          true,
	"InvalidParameterCombination":    true,
	"InvalidParameterException":      true,
	"InvalidParameterValueException": true,
	"MissingParameter":               true,
	"InvalidInput":                   true,
	"InvalidInputException":          true,
	"InvalidArgument":                true,
	"InvalidRequest":                 true,
	"InvalidRequestException":        true,
	"MalformedQueryString":           true,
	"SerializationException":         true,
	"XAmzContentSHA256Mismatch":      true,
	"PermanentRedirect":              true,
}

// Classify maps an error from the SDK (possibly wrapped several times, e.g. by
// an *AccessError, the retryer's MaxAttemptsError or an OperationError) onto an
// ErrorClass: first by AWS's error code, then by the HTTP status; an error
// without an HTTP answer (network, timeout) may pass.
func Classify(err error) ErrorClass {
	if err == nil {
		return ErrOther
	}
	code := ErrorCode(err)
	switch {
	case throttleCodes[code]:
		return ErrThrottled
	case expiredCodes[code]:
		return ErrExpired
	case transientCodes[code]:
		return ErrOther
	case deniedCodes[code]:
		return ErrDenied
	case isNotFoundCode(code):
		return ErrNotFound
	case rejectedCodes[code]:
		return ErrRejected
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		return ErrOther
	}
	switch status := re.HTTPStatusCode(); {
	case status == http.StatusTooManyRequests:
		return ErrThrottled
	case status == http.StatusForbidden, status == http.StatusUnauthorized:
		return ErrDenied
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusNotImplemented:
		return ErrRejected
	case status >= 300 && status < 500:
		return ErrRejected
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
		strings.HasSuffix(code, "NotFoundFault") || strings.HasPrefix(code, "NoSuch") || strings.HasSuffix(code, ".NotFound") ||
		code == "ResourceNotFound"
}
