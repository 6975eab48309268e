package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEndQuotaBlocksApplyInTmux runs the wizard on the small-quota
// scenario (4 accounts) with acme's design (10): the preflight refuses the
// count instead of ticking the quota, the title line counts against the
// quota, and Preview blocks apply with the way out; a stays on Preview.
func TestEndToEndQuotaBlocksApplyInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-quota-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--scenario", "small-quota"))
	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	pre := term.waitForText("Press enter to design", 20*time.Second)
	if !strings.Contains(pre, "✗ Your design needs 10 accounts, over your quota of 4 (Service Quotas)") || strings.Contains(pre, "✓ Accounts quota") {
		t.Errorf("the preflight does not count the design against the quota:\n%s", term.screen())
	}
	term.send("Enter")
	preview := term.waitForText("apply is blocked", 20*time.Second)
	// On the sandbox, which the wizard holds, the request can only be made
	// once it quits: it says how, with the state file in use.
	for _, want := range []string{"10 accounts, over your quota of 4", "--desired-value 10", "r read the quota again",
		"quit (ctrl+c), run orgwizard sandbox serve --sandbox-state " + state + ",", "(or add --account-quota 10)",
		"stop it and run orgwizard --sandbox-state " + state + " --design " + design + ";"} {
		if !strings.Contains(preview, want) {
			t.Errorf("the preview lacks %q:\n%s", want, term.screen())
		}
	}
	if strings.Contains(preview, "a apply") {
		t.Errorf("apply is offered over the quota:\n%s", term.screen())
	}
	term.send("a")
	term.waitFor("apply is blocked: over the accounts quota", 5*time.Second)
	if screen := term.screen(); !strings.Contains(screen, "Step 10 of 13 · Preview") {
		t.Errorf("a left the preview over the quota:\n%s", screen)
	}
}
