package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestBaselineOnTheSandbox: the security baseline of acme-secure.yaml is
// built end to end on the sandbox (trusted access, the log bucket in
// log-archive and the organization trail, GuardDuty, Security Hub and
// Access Analyzer from security-tooling, centralized root access, the
// alternate contacts), a second plan has nothing to do, and audit's five
// baseline checks pass, the member accounts' root credentials read through
// root sessions included.
func TestBaselineOnTheSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure on the sandbox")
	}
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state := filepath.Join(t.TempDir(), "sandbox.json")
	target := []string{"--design", filepath.Join(examples, "acme-secure.yaml"), "--sandbox-state", state, "--sandbox-speed", "50"}

	code, out, errOut := run(t, append([]string{"apply", "--yes"}, target...)...)
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, step := range []string{"✓ succeeded start logging on trail orgwizard-organization-trail", "✓ succeeded GuardDuty in us-east-1"} {
		if !strings.Contains(out, step) {
			t.Errorf("apply did not say %q:\n%s", step, out)
		}
	}
	// The apply's lines name the log bucket as it is in AWS, not as the
	// plan printed before them could, before log-archive and the
	// organization had ids.
	named := false
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "[") {
			continue // the plan
		}
		if strings.Contains(line, orgmodel.LogBucketPlaceholder) {
			t.Errorf("an apply line names the log bucket by the plan's placeholder: %s", line)
		}
		named = named || strings.Contains(line, "✓ succeeded create log bucket "+orgmodel.LogBucketPrefix)
	}
	if !named {
		t.Errorf("no apply line says the log bucket was created, by its name:\n%s", out)
	}
	code, out, errOut = run(t, append([]string{"plan", "--detailed-exitcode"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "Nothing to do") {
		t.Fatalf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}
	_, doc, errOut := runAudit(t, target...)
	want := map[string]bool{"organization-trail": true, "log-bucket-protected": true, "guardduty-coverage": true,
		"member-root-credentials": true, "alternate-contacts": true}
	for _, c := range doc.Checks {
		if want[c.ID] {
			delete(want, c.ID)
			if c.Status != "pass" {
				t.Errorf("audit %s: %s: %s (fix: %s)", c.ID, c.Status, c.Why, c.Fix)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("audit lacks the checks %v (stderr %s)", want, errOut)
	}
}
