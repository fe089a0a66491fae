package activities

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/aws-port-sync/aws-port-sync/internal/awscloud"
	"github.com/aws-port-sync/aws-port-sync/internal/port"
	"github.com/aws-port-sync/aws-port-sync/internal/syncdef"
)

// invalidConfig is an error that no retry fixes: the user must change settings.
func invalidConfig(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), syncdef.ErrTypeInvalidConfig, nil)
}

// awsError classifies an AWS failure (see awscloud.Classify). Only what can
// succeed later is retried by Temporal, after the SDK's own retries:
// throttling, 5xx, network errors and expired credentials (by then refreshed).
// Denials and every other client error AWS answered (unknown operation,
// validation, not found) fail at once with AWS's code and message.
func awsError(what string, err error) error {
	if err == nil {
		return nil
	}
	detail := err.Error()
	// An assumption failure already reads like Ocean's troubleshooting; keep it
	// free of the SDK's wrapping ("failed to refresh cached credentials, …").
	var access *awscloud.AccessError
	if errors.As(err, &access) {
		detail = access.Error()
	}
	msg := detail
	if what != "" { // "" where the workflow names the step itself
		msg = what + ": " + detail
	}
	switch awscloud.Classify(err) {
	case awscloud.ErrDenied:
		return temporal.NewNonRetryableApplicationError(msg, syncdef.ErrTypeAccessDenied, err)
	case awscloud.ErrRejected, awscloud.ErrNotFound:
		return temporal.NewNonRetryableApplicationError(msg, syncdef.ErrTypeAWSRejected, err)
	case awscloud.ErrThrottled:
		return temporal.NewApplicationErrorWithOptions(msg, "Throttled", temporal.ApplicationErrorOptions{
			Cause: err, NextRetryDelay: 5 * time.Second,
		})
	case awscloud.ErrExpired:
		return temporal.NewApplicationErrorWithCause(msg, "CredentialsExpired", err)
	default:
		return temporal.NewApplicationErrorWithCause(msg, "AWSError", err)
	}
}

// portError classifies a Port failure: 4xx other than the retried ones are
// final; 429/5xx are retried, after Retry-After when Port gave one.
func portError(what string, err error) error {
	if err == nil {
		return nil
	}
	msg := fmt.Sprintf("%s: %v", what, err)
	// A wrong base URL answers the same way every time.
	var baseURL *port.BaseURLError
	if errors.As(err, &baseURL) {
		return temporal.NewNonRetryableApplicationError(msg, syncdef.ErrTypeInvalidConfig, err)
	}
	var apiErr *port.APIError
	// Like the client, never retry what Port answered 500 or another 4xx to:
	// the same request would get the same answer.
	if errors.As(err, &apiErr) && (!port.IsRetryable(err) || apiErr.Status == 500) {
		typ := syncdef.ErrTypePortRejected
		if port.IsNotFound(err) {
			typ = syncdef.ErrTypeNotFound
		}
		return temporal.NewNonRetryableApplicationError(msg, typ, err)
	}
	opts := temporal.ApplicationErrorOptions{Cause: err}
	if d := port.RetryAfter(err); d > 0 {
		opts.NextRetryDelay = d
	}
	return temporal.NewApplicationErrorWithOptions(msg, "PortUnavailable", opts)
}
