package cli

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, as cli.md defines them. They are decided here and nowhere else.
const (
	ExitOK          = 0
	ExitUser        = 1   // bad design, bad flag, refused confirmation
	ExitChanges     = 2   // plan --detailed-exitcode: there is something to do
	ExitAWS         = 3   // an AWS or network failure after retries
	ExitInterrupted = 130 // interrupted by the user
)

// ExitError carries an exit code. When Reported is true the command has
// already told the user everything (for example every validation error),
// so the error handler prints nothing more.
type ExitError struct {
	Code     int
	Err      error
	Reported bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// userError is a mistake the user can fix: exit 1 with a message that says what to change.
func userError(format string, args ...any) error {
	return &ExitError{Code: ExitUser, Err: fmt.Errorf(format, args...)}
}

// reported marks an error the command has already printed in full.
func reported(code int, err error) error {
	return &ExitError{Code: code, Err: err, Reported: true}
}

// exitCode maps any error that reaches the top to the exit code cli.md promises.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	// Anything else that reaches the top is a flag or argument cobra refused.
	return ExitUser
}
