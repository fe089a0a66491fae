package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"
)

func asApplicationError(err error, target **temporal.ApplicationError) bool {
	return errors.As(err, target)
}

// errorType is the application error type of err ("" when it has none).
func errorType(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type()
	}
	return ""
}
