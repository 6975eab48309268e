package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// An apply that could not enter an account for the baseline is found among
// its failures, so that apply exits 1 with the account and the fix rather
// than only "the credentials lack the permission".
func TestCannotEnterFindsTheAccount(t *testing.T) {
	denied := &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: sts:AssumeRole"}
	ee := &baseline.EnterError{AccountID: "222222222222", Name: "log-archive", Err: denied}
	failures := apply.Failures{
		{Step: orgmodel.Step{Kind: orgmodel.StepCreateOU, Subject: "Workloads"}, Err: errors.New("boom")},
		{Step: orgmodel.Step{Kind: orgmodel.StepCreateLogBucket, Subject: "b"}, Err: fmt.Errorf("wrapped: %w", ee)},
	}
	if got := cannotEnter(failures); got != ee {
		t.Errorf("cannotEnter = %v, want the log-archive error", got)
	}
	if got := cannotEnter(apply.Failures{failures[0]}); got != nil {
		t.Errorf("cannotEnter found %v in failures without one", got)
	}
	if got := cannotEnter(denied); got != nil {
		t.Errorf("cannotEnter found %v in a plain error", got)
	}
}
