package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ctrl+c on a form step exits 130, as ctrl+c during the apply does and the
// README promises (issue 10: it exited 0), and the design typed so far is
// saved with where the user was.
func TestCtrlCOnAFormStepExits130InTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	term := startTmux(t, "orgwizard-ctrlc-"+filepath.Base(dir),
		strings.Join([]string{bin, "--sandbox-state", state, "--design", design, "--scenario", "fresh"}, " "))
	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Organization name", 5*time.Second)
	term.typeText("acme")
	// A name without a mailbox cannot go into the design: the first
	// ctrl+c asks before dropping it, the second quits.
	term.send("C-c")
	term.waitFor("ctrl+c again quits without what you typed", 5*time.Second)
	term.send("C-c")
	screen := term.waitFor("EXIT=", 10*time.Second)
	if !strings.Contains(screen, "EXIT=130") {
		t.Errorf("ctrl+c on a form step did not exit 130:\n%s", screen)
	}
	if !strings.Contains(screen, "Your design is saved in") {
		t.Errorf("the quit message does not say where the design is:\n%s", screen)
	}
	if _, err := os.Stat(design); err != nil {
		t.Errorf("the design was not saved: %v", err)
	}
}

// In accessible mode a prompt reads a line with no way to cancel: ctrl+c
// hung there until enter (and would then have answered with the default).
// It ends the wizard with exit 130 and says what was saved.
func TestCtrlCOnAnAccessiblePromptExits130InTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	term := startTmux(t, "orgwizard-ctrlc-a11y-"+filepath.Base(dir),
		strings.Join([]string{bin, "--accessible", "--sandbox-state", state, "--design", design, "--scenario", "fresh"}, " "))
	term.waitFor("enter the number 1", 20*time.Second)
	term.typeText("1")
	term.send("Enter")
	term.waitFor("Organization name", 20*time.Second)
	term.typeText("ac")
	term.send("C-c")
	screen := term.waitFor("EXIT=", 10*time.Second)
	if !strings.Contains(screen, "EXIT=130") || !strings.Contains(screen, "Interrupted") {
		t.Errorf("ctrl+c on an accessible prompt did not end the wizard with 130:\n%s", screen)
	}
	if saved, err := os.ReadFile(design); err == nil && strings.Contains(string(saved), "name: ac\n") {
		t.Errorf("the half-typed answer was saved:\n%s", saved)
	}
}

// ctrl+c on an accessible prompt once the design is saved names the command
// that goes on, with the flags in use: it said "run orgwizard again", which
// reads orgwizard.yaml on the default sandbox.
func TestCtrlCOnAnAccessiblePromptNamesTheRerunInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "my.yaml")
	if err := os.WriteFile(design, []byte("version: 1\norganization:\n  name: acme\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-ctrlc-a11y-rerun-"+filepath.Base(dir),
		strings.Join([]string{bin, "--accessible", "--sandbox-state", state, "--design", design, "--scenario", "fresh"}, " "))
	term.waitFor("enter the number 1", 20*time.Second)
	term.typeText("1")
	term.send("Enter")
	term.waitFor("Organization name", 20*time.Second)
	term.send("C-c")
	term.waitFor("EXIT=", 10*time.Second)
	// -J joins the lines the terminal wrapped, paths and all.
	screen := term.tmux("capture-pane", "-p", "-J", "-t", term.session)
	if want := "run orgwizard --accessible --sandbox-state " + state + " --design " + design + " to go on"; !strings.Contains(screen, want) {
		t.Errorf("the interrupted accessible wizard does not say %q:\n%s", want, screen)
	}
}

// --scenario on a state built from another scenario: the wizard said
// "(scenario dirty-management)" and showed the fresh state's clean account.
// It says why it cannot, and how to start over.
func TestScenarioOnAnotherStateIsRefusedInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state := filepath.Join(dir, "sandbox.json")
	if out, err := exec.Command(bin, "tree", "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Fatalf("tree: %v\n%s", err, out)
	}
	term := startTmux(t, "orgwizard-scenario-"+filepath.Base(dir),
		strings.Join([]string{bin, "--sandbox-state", state, "--design", filepath.Join(dir, "orgwizard.yaml"), "--scenario", "dirty-management"}, " "))
	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	screen := term.waitForText("applies to a new state only", 20*time.Second)
	if !strings.Contains(screen, "was built from scenario fresh") || !strings.Contains(screen, "orgwizard sandbox reset --scenario dirty-management") {
		t.Errorf("the wizard does not say why and what to do:\n%s", term.screen())
	}
	if strings.Contains(screen, "Preflight") {
		t.Errorf("the wizard went on with another world than the one asked for:\n%s", term.screen())
	}
}
