package orgs_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/orgs"
)

// TestDenied pins the one set of AWS's permission-refused codes that
// aws/baseline and the CLI's exit codes share: each service's spelling of
// it counts, wrapped or not, and nothing else does.
func TestDenied(t *testing.T) {
	for _, code := range []string{"AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation"} {
		err := fmt.Errorf("calling X: %w", &smithy.GenericAPIError{Code: code, Message: "not authorized"})
		if !orgs.Denied(err) {
			t.Errorf("Denied(%s) = false, want true", code)
		}
		if orgs.Code(err) != code {
			t.Errorf("Code(%s) = %q", code, orgs.Code(err))
		}
	}
	for _, err := range []error{nil, errors.New("AccessDenied"), &smithy.GenericAPIError{Code: "ThrottlingException"}} {
		if orgs.Denied(err) {
			t.Errorf("Denied(%v) = true, want false", err)
		}
	}
}
