package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// Accessible mode's apply lines name the log bucket once log-archive and the
// organization exist, not with the plan's placeholder.
func TestAccessibleApplyNamesTheBucket(t *testing.T) {
	trail := &orgmodel.TrailSpec{Name: "orgwizard-trail", HomeRegion: "eu-west-1", Bucket: orgmodel.LogBucketSpec{Account: "log-archive", Region: "eu-west-1"}}
	create := orgmodel.Step{Kind: orgmodel.StepCreateAccount, Subject: "log-archive", Email: "log@acme.example"}
	bucketStep := orgmodel.Step{Kind: orgmodel.StepCreateLogBucket, Subject: bucketPlaceholder,
		Baseline: &orgmodel.BaselineStep{Account: "log-archive", Region: "eu-west-1", Trail: trail}}
	plan := &orgmodel.Plan{Steps: []orgmodel.Step{create, bucketStep}}

	exists := false // log-archive, before its creation succeeds
	reads := 0
	verify := func(context.Context) (wizard.Verified, error) {
		reads++
		a := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-a1b2c3d4e5"}}
		if exists {
			a.Accounts = []orgmodel.ActualAccount{{ID: "222222222222", Name: "log-archive"}}
		}
		return wizard.Verified{Actual: a}, nil
	}
	n := &bucketNamer{plan: plan, verify: verify}
	say := func(e apply.Event) string { return n.name(context.Background(), e, eventLine(e)) }

	// Before any baseline step, the plan's own lines are left alone and
	// nothing is read.
	if got := say(apply.Event{Kind: apply.Succeeded, Index: 0, Step: create, Done: 1, Total: 2}); strings.Contains(got, "orgwizard-logs") || reads != 0 {
		t.Fatalf("an account's line: %q, %d reads", got, reads)
	}
	exists = true
	name := orgmodel.LogBucketName("222222222222", "o-a1b2c3d4e5")
	for _, e := range []apply.Event{
		{Kind: apply.Started, Index: 1, Step: bucketStep, Done: 1, Total: 2},
		{Kind: apply.Waiting, Index: 1, Step: bucketStep, Message: "waiting for S3 to have " + bucketPlaceholder, Done: 1, Total: 2},
		{Kind: apply.Succeeded, Index: 1, Step: bucketStep, Done: 2, Total: 2},
	} {
		got := say(e)
		if strings.Contains(got, "<log-archive id>") || !strings.Contains(got, name) {
			t.Errorf("%s: %q does not name %s", e.Kind, got, name)
		}
		if e.Kind == apply.Waiting && !strings.HasPrefix(got, "waiting: create log bucket "+name) {
			t.Errorf("the waiting line: %q", got)
		}
	}
	if reads != 1 {
		t.Errorf("the name was read %d times, want once", reads)
	}

	// A read that fails leaves the placeholder (never a wrong name) and is
	// tried again when a baseline step succeeds.
	fails := true
	n = &bucketNamer{plan: plan, verify: func(ctx context.Context) (wizard.Verified, error) {
		if fails {
			return wizard.Verified{}, errors.New("throttled")
		}
		return verify(ctx)
	}}
	if got := say(apply.Event{Kind: apply.Started, Index: 1, Step: bucketStep}); !strings.Contains(got, bucketPlaceholder) {
		t.Errorf("after a failed read: %q", got)
	}
	if got := say(apply.Event{Kind: apply.Waiting, Index: 1, Step: bucketStep, Message: "still"}); !strings.Contains(got, bucketPlaceholder) {
		t.Errorf("read again before a step succeeded: %q", got)
	}
	fails = false
	if got := say(apply.Event{Kind: apply.Succeeded, Index: 1, Step: bucketStep}); !strings.Contains(got, name) {
		t.Errorf("not read again once a step succeeded: %q", got)
	}

	// The bucket's own name wins once it exists.
	a := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-a1b2c3d4e5"}, Baseline: &orgmodel.ActualBaseline{Bucket: &orgmodel.ActualBucket{Name: "orgwizard-logs-333333333333-o-zzzzzzzzzz"}}}
	if got := bucketFrom(a, "log-archive"); got != "orgwizard-logs-333333333333-o-zzzzzzzzzz" {
		t.Errorf("bucketFrom = %q", got)
	}
}
