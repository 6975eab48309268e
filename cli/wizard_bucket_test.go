package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/ui"
	"github.com/orgwizard/orgwizard/wizard"
)

// verifyRecorder is the wizard's backend, recording whether Verify was
// called while an apply ran.
type verifyRecorder struct {
	ui.Backend
	mu       sync.Mutex
	applying bool
	during   int // Verify calls while an apply ran
	after    int
}

func (r *verifyRecorder) Apply(ctx context.Context, plan *orgmodel.Plan, actual *orgmodel.Actual, on func(apply.Event)) error {
	r.mu.Lock()
	r.applying = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.applying = false
		r.mu.Unlock()
	}()
	return r.Backend.Apply(ctx, plan, actual, on)
}

func (r *verifyRecorder) Verify(ctx context.Context) (wizard.Verified, error) {
	r.mu.Lock()
	if r.applying {
		r.during++
	} else {
		r.after++
	}
	r.mu.Unlock()
	return r.Backend.Verify(ctx)
}

// lines gives one line per Read, as a terminal does, so that each of the
// accessible wizard's prompts reads its own answer.
type lines []string

func (l *lines) Read(p []byte) (int, error) {
	if len(*l) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*l)[0]+"\n")
	*l = (*l)[1:]
	return n, nil
}

// The accessible wizard applies acme-secure on a fresh sandbox: its apply
// lines name the log bucket by its real name (made from the ids
// log-archive and the organization got during the apply), never by the
// plan's placeholder, and the wizard reads nothing back (Verify) until the
// apply has ended: the apply's events carry the name.
func TestAccessibleApplyNamesTheBucketWithoutReadingBack(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure on the sandbox")
	}
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	data, err := os.ReadFile(filepath.Join(examples, "acme-secure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	backend := &wizardBackend{flags: targetFlags{spec: target.Spec{SandboxState: filepath.Join(dir, "sandbox.json"), Scenario: "fresh", Speed: 50}}, home: func() string { return "" }}
	defer backend.close()
	rec := &verifyRecorder{Backend: backend}
	in := lines{"1", "y", "n"} // the sandbox; apply; no costs
	var out bytes.Buffer
	opt := ui.Options{Backend: rec, Design: d, Reached: wizard.Preview, DesignPath: filepath.Join(dir, "acme-secure.yaml"),
		Save: func(string, []byte) error { return nil }}
	res, err := ui.RunAccessible(ctx, opt, &in, &out)
	text := out.String()
	if err != nil || !res.Converged {
		t.Fatalf("%v, %+v:\n%s", err, res, text)
	}
	// The bucket's real name, read back once the wizard has ended.
	v, err := backend.Verify(ctx)
	if err != nil || v.Actual.Baseline == nil || v.Actual.Baseline.Bucket == nil {
		t.Fatalf("no log bucket after the apply: %v", err)
	}
	name := v.Actual.Baseline.Bucket.Name
	if name != orgmodel.LogBucketName(accountID(v.Actual, orgmodel.LogArchive), v.Actual.Organization.ID) {
		t.Fatalf("the log bucket is %s, not named after log-archive and the organization", name)
	}
	placeholder := orgmodel.LogBucketName("<log-archive id>", "<organization id>")
	var applyLines []string
	inApply := false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "Step ") && strings.Contains(l, ": "+wizard.Apply.Info().Title+"."):
			inApply = true
		case strings.HasPrefix(l, "Step "):
			inApply = false
		case inApply:
			applyLines = append(applyLines, l)
		}
	}
	said := strings.Join(applyLines, "\n")
	if len(applyLines) == 0 || strings.Contains(said, placeholder) {
		t.Errorf("the apply's lines name the bucket %s:\n%s", placeholder, said)
	}
	for _, want := range []string{
		"started: create log bucket " + name + " in log-archive (eu-west-1)",
		"succeeded: create log bucket " + name + " in log-archive (eu-west-1).",
		"succeeded: set the policy of log bucket " + name + ".",
		"succeeded: create organization trail orgwizard-organization-trail (eu-west-1) into " + name + ".",
	} {
		if !strings.Contains(said, want) {
			t.Errorf("the apply's lines lack %q:\n%s", want, said)
		}
	}
	// How to get in says the break-glass link whole, on a line of its own
	// in the text a screen reader reads.
	if !regexp.MustCompile(`: https://signin\.aws\.amazon\.com/switchrole\?roleName=OrganizationAccountAccessRole&account=\d{12}&displayName=[a-z-]+ \(`).MatchString(text) {
		t.Errorf("How to get in lacks the break-glass link whole:\n%s", text)
	}
	if rec.during != 0 {
		t.Errorf("Verify was called %d times while the apply ran: it pauses a real apply for a read", rec.during)
	}
	if rec.after == 0 {
		t.Errorf("the Done step read nothing back: the recorder saw no Verify")
	}
}

func accountID(a *orgmodel.Actual, name string) string {
	for _, acc := range a.Accounts {
		if acc.Name == name {
			return acc.ID
		}
	}
	return ""
}
