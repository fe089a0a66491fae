package port

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// APIError is a non-2xx answer from Port after the retry policy gave up (or did
// not apply). Code and Message come from Port's error body {ok, error, message}.
type APIError struct {
	Method, Path string
	Status       int
	Code         string
	Message      string
	// RetryAfter is the wait Port asked for (Retry-After, or x-ratelimit-reset
	// on a 429), capped at the client's MaxWait; zero when none was given.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "port: %s %s: status %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// maxMessage bounds how much of an error body ends up in an error string.
const maxMessage = 1000

func newAPIError(method, path string, resp *response, maxWait time.Duration) *APIError {
	e := &APIError{Method: method, Path: path, Status: resp.status}
	var body struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(resp.body, &body); err == nil {
		e.Code, e.Message = body.Error, body.Message
	} else {
		e.Message = strings.TrimSpace(string(resp.body))
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.status)
	}
	if len(e.Message) > maxMessage {
		e.Message = e.Message[:maxMessage] + "…"
	}
	if d, ok := headerWait(resp, time.Now()); ok {
		e.RetryAfter = min(d, maxWait)
	}
	return e
}

// IsNotFound reports whether err is a 404 from Port for the thing asked for.
// A 404 from the token endpoint is not one of them: it means a wrong base URL
// (*BaseURLError), and reading it as "not created yet" would hide that.
func IsNotFound(err error) bool {
	var be *BaseURLError
	if errors.As(err, &be) {
		return false
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// IsRetryable reports whether trying the same call again later may succeed,
// so an activity can turn a false into a non-retryable Temporal error.
// Throttling, 408 and 5xx (500 included: the client does not repeat it at
// once, as Ocean, but a later activity attempt may succeed) and transport
// errors are retryable; other 4xx (bad credentials, validation, not found,
// conflict, too large) and request-encoding errors are not.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var pe *permanentError
	if errors.As(err, &pe) {
		return false
	}
	var be *BaseURLError
	if errors.As(err, &be) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusRequestTimeout || ae.Status >= 500
	}
	return true
}

// RetryAfter returns the wait Port asked for in err (Retry-After or
// x-ratelimit-reset), or zero. An activity can use it as the next retry delay.
func RetryAfter(err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}

// transportError is a request that never got an HTTP answer (after retries).
// It names the whole URL, so a wrong host or port is visible in the message.
type transportError struct {
	method, url string
	err         error
	attempts    int
}

func (e *transportError) Error() string {
	cause := e.err
	// *url.Error repeats the method and URL, quoted; say them once.
	var ue *url.Error
	if errors.As(cause, &ue) {
		cause = ue.Err
	}
	msg := fmt.Sprintf("port: %s %s: %v", e.method, e.url, cause)
	if e.attempts > 1 {
		msg += fmt.Sprintf(" (%d attempts)", e.attempts)
	}
	return msg
}

func (e *transportError) Unwrap() error { return e.err }

// IsUnreachable reports whether err is a Port call that got no HTTP answer:
// connection refused, DNS, TLS, timeouts.
func IsUnreachable(err error) bool {
	var te *transportError
	return errors.As(err, &te)
}

// IsAuthFailure reports whether Port's token endpoint refused the client id
// and secret (401 or 403).
func IsAuthFailure(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Path == tokenPath &&
		(ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden)
}

// BaseURLError says that the base URL does not lead to Port's API: its token
// endpoint answered 404 (a missing path segment, a wrong host, Port's web app
// instead of its API), or something that is not JSON. Unlike a 404 from any
// other endpoint it is not "not found yet": nothing will work until the base
// URL is fixed.
type BaseURLError struct {
	// URL is the token endpoint that was called.
	URL string
	// Status is the HTTP status of the answer.
	Status int
	// Setting names the setting to fix (Config.BaseURLSetting).
	Setting string
	// Err is the underlying *APIError or decoding error.
	Err error
}

func (e *BaseURLError) Error() string {
	status := strconv.Itoa(e.Status)
	if e.Status >= 200 && e.Status < 300 {
		status += ", not a JSON answer"
	}
	return fmt.Sprintf("Port API not found at %s (%s): check %s, e.g. https://api.getport.io or https://api.us.getport.io",
		e.URL, status, e.Setting)
}

func (e *BaseURLError) Unwrap() error { return e.Err }

// permanentError marks failures that repeating cannot fix (bad input).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
