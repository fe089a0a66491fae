package port

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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

// IsNotFound reports whether err is a 404 from Port.
func IsNotFound(err error) bool {
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

// permanentError marks failures that repeating cannot fix (bad input).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
