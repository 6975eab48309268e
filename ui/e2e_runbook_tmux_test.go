package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEndRunbookRegionWarningInTmux drives way (b) in a real terminal:
// dirty-management with acme.yaml, the runbook picker after the apply, and a
// resource of eu-west-1 pointed at payments-prod-us, whose region lock
// allows only the US regions. The screen must flag the row and say why.
func TestEndToEndRunbookRegionWarningInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	if out, err := exec.Command(bin, "sandbox", "reset", "--scenario", "dirty-management", "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Fatalf("sandbox reset: %v\n%s", err, out)
	}
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-runbook-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--sandbox-speed", "40"))
	waitFor, send := term.waitFor, term.send

	waitFor("Where should the organization be built?", 20*time.Second)
	send("Enter")
	waitFor("Press enter to choose a way out", 20*time.Second)
	send("Enter")
	waitFor("Which way out?", 5*time.Second)
	send("Down", "Enter") // (b), the second choice
	waitFor("Plan: ", 20*time.Second)
	send("a")
	waitFor("Ready to make", 5*time.Second)
	send("Enter")
	picker := waitFor("Way (b): where does each of the", 60*time.Second)
	if strings.Contains(picker, "⚠") {
		t.Fatalf("a region warning before any choice:\n%s", picker)
	}
	// The first row is a resource of eu-west-1: move its destination right
	// until it is payments-prod-us.
	if !strings.Contains(picker, "▸ table shop-carts         eu-west-1") {
		t.Fatalf("the first row is not in eu-west-1:\n%s", picker)
	}
	var screen string
	for i := 0; ; i++ {
		if i > 20 {
			t.Fatalf("payments-prod-us never came up as a destination:\n%s", screen)
		}
		before := term.screen()
		send("Right")
		// Each press shows the next destination once the wizard drew it.
		if screen = term.changed(before, 2*time.Second); strings.Contains(screen, "payments-prod-us") {
			break
		}
	}
	screen = waitFor("(us-east-1, us-west-2)", 5*time.Second)
	for _, want := range []string{"→ ⚠ payments-prod-us", "going to an account whose region lock does not allow", "eu-west-1 is outside the"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the picker does not show %q:\n%s", want, screen)
		}
	}

	// The command that follows the runbook acts on this target and design:
	// without them it audited the default state, with no design.
	send("w")
	written := strings.Join(strings.Fields(waitFor("Runbook written", 10*time.Second)), " ")
	follow := written[strings.Index(written, "Follow its progress with"):]
	for _, want := range []string{"orgwizard audit", "--sandbox-state", "--design", "--runbook"} {
		if !strings.Contains(follow, want) {
			t.Errorf("the command to follow the runbook lacks %q: %s", want, follow)
		}
	}
	send("q")
	waitFor("EXIT=0", 10*time.Second)
	out, err := exec.Command(bin, "audit", "--sandbox-state", state, "--design", design, "--runbook", filepath.Join(dir, "orgwizard-runbook.md")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Runbook: 0 of 27 resources moved out") || strings.Contains(string(out), "no design file") {
		t.Errorf("the audit the done screen suggests: %v\n%s", err, out)
	}
}

// TestEndToEndHomeRegionProposalInTmux starts a new design on the
// dirty-management account, whose workloads run mostly in eu-west-1: the
// basics step proposes eu-west-1 as the home region, says why, and saves it.
func TestEndToEndHomeRegionProposalInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "new.yaml")
	if out, err := exec.Command(bin, "sandbox", "reset", "--scenario", "dirty-management", "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Fatalf("sandbox reset: %v\n%s", err, out)
	}
	term := startTmux(t, "orgwizard-home-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design))
	waitFor, send := term.waitFor, term.send
	waitFor("Where should the organization be built?", 20*time.Second)
	send("Enter")
	waitFor("Press enter to choose a way out", 20*time.Second)
	send("Enter")
	waitFor("Which way out?", 5*time.Second)
	send("Down", "Enter") // (b): keep this account, design on
	basics := waitFor("Organization name", 20*time.Second)
	for _, want := range []string{"> eu-west-1", "where 17 of the 24 resources in regions run"} {
		if !strings.Contains(strings.Join(strings.Fields(basics), " "), want) {
			t.Errorf("the basics step does not show %q:\n%s", want, basics)
		}
	}
	term.typeText("acme")
	send("Enter", "Enter")
	term.typeText("aws@acme.example")
	send("Enter", "Enter", "Enter") // the mailbox, the proposed home region, no tags
	waitFor("Step 4 of 13", 10*time.Second)
	saved, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(saved), "homeRegion: eu-west-1") {
		t.Errorf("the saved design does not have the proposed home region:\n%s", saved)
	}
}
