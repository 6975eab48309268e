package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestApplyWaitsForIdentityCenter: on a fresh sandbox, the plan of a
// design with access names the click it needs and where, first among the
// access steps; apply builds the organization, then exits 1 with the
// sandbox's stand-in for the click and the command to run next; after the
// click, apply gives access and plan has nothing to do.
func TestApplyWaitsForIdentityCenter(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme with access on the sandbox")
	}
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state := filepath.Join(t.TempDir(), "sandbox.json")
	design := filepath.Join(examples, "acme-access.yaml")
	target := []string{"--design", design, "--sandbox-state", state, "--sandbox-speed", "50"}

	code, out, errOut := run(t, append([]string{"plan"}, target...)...)
	if code != ExitOK {
		t.Fatalf("plan: exit %d %s", code, errOut)
	}
	enable := strings.Index(out, "  ! enable IAM Identity Center (one click in the console, by you)")
	group := strings.Index(out, "  + create group payments-team")
	if enable < 0 || group < enable || !strings.Contains(out, "https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1") {
		t.Fatalf("plan:\n%s", out)
	}

	code, out, errOut = run(t, append([]string{"apply", "--yes"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "the organization is done; its access waits for IAM Identity Center, which is not enabled") ||
		!strings.Contains(errOut, "orgwizard sandbox enable-identity-center --region eu-west-1 --sandbox-state "+state) ||
		!strings.Contains(errOut, "Then run orgwizard apply --design "+design) {
		t.Fatalf("apply without Identity Center: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "✓ succeeded create account payments-dev") {
		t.Errorf("apply did not build the organization first:\n%s", out)
	}

	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.EnableIdentityCenter(sb.Accounts()[0].ID, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	sb.Close()
	code, out, errOut = run(t, append([]string{"apply", "--yes"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "✓ succeeded assign admin to group platform-admins in payments-dev") {
		t.Fatalf("apply with Identity Center: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run(t, append([]string{"plan"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "Nothing to do") {
		t.Errorf("a second plan:\n%s", out)
	}
}
