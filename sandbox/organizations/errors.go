package organizations

import (
	"net/http"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

func constraint(reason, format string, args ...any) *core.Error {
	e := core.Errf("ConstraintViolationException", format, args...)
	e.Reason = reason
	return e
}

func invalidInput(reason, format string, args ...any) *core.Error {
	e := core.Errf("InvalidInputException", format, args...)
	e.Reason = reason
	return e
}

func notInUse() *core.Error {
	return core.Errf("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
}

func accessDenied() *core.Error {
	return &core.Error{Status: http.StatusBadRequest, Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}
}
