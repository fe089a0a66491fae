package syncdef

import (
	"errors"

	"go.temporal.io/sdk/temporal"
)

// ErrorReason turns an activity, child or step error into the short text
// users see in progress and reports: the application error's message, not
// the wrapping chain. Workflows and the scope activity both report with it.
func ErrorReason(err error) string {
	if err == nil {
		return ""
	}
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Message() != "" {
		return app.Message()
	}
	var timeout *temporal.TimeoutError
	if errors.As(err, &timeout) {
		return "timed out (" + timeout.TimeoutType().String() + ")"
	}
	return err.Error()
}
