package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/iampolicy"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/sandbox"
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

// notAuthorizedRE finds the action in AWS's wording: "... is not authorized
// to perform: organizations:CreateAccount on resource ...".
var notAuthorizedRE = regexp.MustCompile(`not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)`)

// deniedActions returns the IAM actions AWS denied somewhere in err (one
// error, or every step of a failed apply), or nil.
func deniedActions(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if f, ok := err.(apply.Failures); ok {
			for _, e := range f {
				walk(e)
			}
			return
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) || !orgs.Denied(ae) {
			return
		}
		action := ""
		if m := notAuthorizedRE.FindStringSubmatch(ae.ErrorMessage()); m != nil {
			action = m[1]
		} else if oe := (*smithy.OperationError)(nil); errors.As(err, &oe) {
			action = iampolicy.ActionForServiceID(oe.Service(), oe.Operation())
		}
		if action != "" && !slices.Contains(out, action) {
			out = append(out, action)
		}
	}
	walk(err)
	return out
}

// permissionError is a call AWS refused for want of a permission: the user
// fixes it in IAM, so exit 1, naming the action and where the policy is.
func permissionError(err error) error {
	actions := deniedActions(err)
	if len(actions) == 0 {
		return nil
	}
	return &ExitError{Code: ExitUser, Err: fmt.Errorf("AWS denied %s: the credentials lack the permission. "+
		"Attach orgwizard's least-privilege policy to them (orgwizard iam-policy prints it; --for apply, audit, migrate or costs prints one command's part) "+
		"or ask your AWS administrator, then run the command again.\nAWS said: %w", strings.Join(actions, ", "), err)}
}

// failure maps an error from opening or talking to a target to its exit
// code: what the user must change (a profile that does not exist, a sandbox
// state another process holds) is 1 with a message that says what to do;
// the rest is an AWS or network failure, 3.
func failure(err error) *ExitError {
	var noProfile config.SharedConfigProfileNotExistError
	var inUse *sandbox.StateInUseError
	switch {
	case errors.As(err, &noProfile):
		files := noProfile.Filename
		if len(files) == 0 {
			files = []string{config.DefaultSharedConfigFilename(), config.DefaultSharedCredentialsFilename()}
			if f := os.Getenv("AWS_CONFIG_FILE"); f != "" {
				files[0] = f
			}
			if f := os.Getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
				files[1] = f
			}
		}
		how := fmt.Sprintf("create it with 'aws configure sso --profile %[1]s' or 'aws configure --profile %[1]s', or use one that 'aws configure list-profiles' lists", noProfile.Profile)
		if os.Getenv("AWS_PROFILE") == noProfile.Profile {
			how += " (AWS_PROFILE names it)"
		}
		return &ExitError{Code: ExitUser, Err: fmt.Errorf("there is no AWS profile %q in %s: %s", noProfile.Profile, strings.Join(files, " or "), how)}
	case errors.As(err, &inUse):
		return &ExitError{Code: ExitUser, Err: inUse}
	}
	return &ExitError{Code: ExitAWS, Err: err}
}
