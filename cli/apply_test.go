package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestPlanApplyTreeOnTheSandbox runs the commands as a user would, against
// the embedded sandbox: plan shows changes (exit 2 with
// --detailed-exitcode), apply refuses without a terminal or --yes, applies
// with --yes in plain lines, and then plan has nothing to do and tree shows
// the accounts.
func TestPlanApplyTreeOnTheSandbox(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	design := filepath.Join(examples, "acme.yaml")
	target := []string{"--sandbox-state", filepath.Join(dir, "sandbox.json"), "--sandbox-speed", "50"}

	code, out, errOut := run(t, append([]string{"plan", "--design", design, "--detailed-exitcode"}, target...)...)
	if code != ExitChanges || !strings.Contains(out, "Plan: 39 changes") || !strings.Contains(out, "Target: sandbox") {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}

	code, _, errOut = run(t, append([]string{"apply", "--design", design}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "add --yes") {
		t.Fatalf("apply without a terminal or --yes: exit %d, %q", code, errOut)
	}

	code, out, errOut = run(t, append([]string{"apply", "--design", design, "--yes"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "Done in") || strings.Contains(out, "\x1b[") {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	if n := strings.Count(out, "✓ succeeded"); n != 39 {
		t.Errorf("%d steps succeeded, want 39:\n%s", n, out)
	}
	// The plan it suggests is of this design and target: a bare "orgwizard
	// plan" reads orgwizard.yaml and the default sandbox.
	if want := "orgwizard plan --design " + design + " --sandbox-state " + target[1] + " --sandbox-speed 50 now shows nothing to do"; !strings.Contains(out, want) {
		t.Errorf("apply does not end with %q:\n%s", want, out)
	}

	code, out, _ = run(t, append([]string{"plan", "--design", design, "--detailed-exitcode", "-o", "json"}, target...)...)
	var doc struct {
		Version int
		Steps   []any
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil || doc.Version != 1 || len(doc.Steps) != 0 {
		t.Fatalf("plan after apply: exit %d\n%s", code, out)
	}

	code, out, _ = run(t, append([]string{"tree", "-o", "json"}, target...)...)
	var tree struct {
		Accounts []struct{ Name, ID, OU string }
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &tree) != nil {
		t.Fatalf("tree: exit %d\n%s", code, out)
	}
	found := false
	for _, a := range tree.Accounts {
		if a.Name == "payments-prod-eu" && a.OU == "Workloads/prod/eu" && len(a.ID) == 12 {
			found = true
		}
	}
	if len(tree.Accounts) != 10 || !found {
		t.Errorf("tree has %d accounts, payments-prod-eu in place: %v\n%s", len(tree.Accounts), found, out)
	}

	// The text tree counts what is there against the sandbox's quota, and
	// its header has only the fields a live organization has.
	code, out, _ = run(t, append([]string{"tree"}, target...)...)
	if code != ExitOK {
		t.Fatalf("tree: exit %d\n%s", code, out)
	}
	for _, want := range []string{"9 member accounts and the management account: 10 accounts of your quota of 10 (Service Quotas)", "· management account ", "the quota is reached"} {
		if !strings.Contains(out, want) {
			t.Errorf("tree lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"layout", "home region", "over AWS's default quota", "request an increase before applying"} {
		if strings.Contains(out, bad) {
			t.Errorf("tree says %q:\n%s", bad, out)
		}
	}
}

// TestTreeUsesTheTargetsQuota: existing-org's quota is 20; tree compares
// with it, not with AWS's default of 10.
func TestTreeUsesTheTargetsQuota(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "tree", "--scenario", "existing-org", "--sandbox-state", filepath.Join(dir, "sandbox.json"))
	if code != ExitOK {
		t.Fatalf("tree: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "of your quota of 20 (Service Quotas)") || strings.Contains(out, "quota of 10") || strings.Contains(out, "note:") {
		t.Errorf("tree does not compare with existing-org's quota of 20:\n%s", out)
	}
	if first := strings.SplitN(out, "\n", 2)[0]; strings.Contains(first, "layout") || strings.Contains(first, "home region") || strings.HasSuffix(first, " ") {
		t.Errorf("tree's header has fields a live organization does not have: %q", first)
	}
}

// TestPlanShowsFailedCreation: when AWS ends a creation FAILED because the
// email belongs to an account outside the organization, apply exits 3 and
// the next plan says which creation failed, why, and the fixes that work.
func TestPlanShowsFailedCreation(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "sandbox.json")
	sb, err := sandbox.Open(sandbox.Config{StatePath: state, Scenario: "fresh",
		Faults: &sandbox.Faults{FailCreateAccount: []sandbox.CreateAccountFailure{{Match: "aws+payments-dev@acme.example", Reason: "EMAIL_ALREADY_EXISTS"}}}})
	if err != nil {
		t.Fatal(err)
	}
	sb.Close()
	design := filepath.Join(examples, "acme.yaml")
	target := []string{"--sandbox-state", state, "--sandbox-speed", "50"}
	if code, out, errOut := run(t, append([]string{"apply", "--design", design, "--yes"}, target...)...); code != ExitAWS {
		t.Fatalf("apply: exit %d, want %d\n%s%s", code, ExitAWS, out, errOut)
	}
	code, out, errOut := run(t, append([]string{"plan", "--design", design}, target...)...)
	if code != ExitOK {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"+ create account payments-dev <aws+payments-dev@acme.example>",
		"the last creation of payments-dev failed: EMAIL_ALREADY_EXISTS: aws+payments-dev@acme.example already belongs to another AWS account, outside this organization",
		"list it under accounts[]",
		"Warnings:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan lacks %q:\n%s", want, out)
		}
	}
}
