package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestAdoptUnmanagedAccountInTmux runs the wizard on the existing-org
// scenario, whose organization holds legacy-app, an account acme.yaml does
// not name. The preview offers to adopt it; adopting it into Transitional
// makes it an accounts[] entry, and the plan then moves it instead of
// leaving it alone.
func TestAdoptUnmanagedAccountInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	if out, err := exec.Command(bin, "sandbox", "reset", "--scenario", "existing-org", "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Fatalf("sandbox reset: %v\n%s", err, out)
	}
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-adopt-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Plan: ", 20*time.Second)
	plan := term.waitFor("o adopts one into an OU", 5*time.Second)
	if !strings.Contains(plan, "1 account in the organization is not in the design") {
		t.Errorf("the plan does not leave one account alone:\n%s", plan)
	}
	term.send("o")
	term.waitFor("found, not in the design: enter adopts", 10*time.Second)
	term.send("Enter")
	term.waitFor("Adopt legacy-app", 5*time.Second)
	term.send("Enter") // the name, legacy-app
	term.send("Enter") // the OU, Transitional first
	term.waitFor("account legacy-app placed in Transitional", 5*time.Second)
	term.send("Escape")
	term.waitFor("Deny leaving the organization", 5*time.Second)
	term.send("n")
	term.waitFor("Security baseline", 5*time.Second)
	term.send("n")
	term.waitFor("Who works where", 5*time.Second)
	term.send("n")
	plan = term.waitFor("Plan: ", 20*time.Second)
	if strings.Contains(plan, "o adopts") {
		t.Errorf("an account is still left alone after adopting legacy-app:\n%s", plan)
	}
	term.send("C-c")
	term.waitFor("EXIT=", 10*time.Second)

	raw, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(raw)
	if err != nil {
		t.Fatalf("the saved design is not valid: %v\n%s", err, raw)
	}
	if len(d.Accounts) != 1 || d.Accounts[0].Name != "legacy-app" || d.Accounts[0].OU != "Transitional" || len(d.Accounts[0].ID) != 12 {
		t.Errorf("accounts[] is %+v, want legacy-app by its id in Transitional\n%s", d.Accounts, raw)
	}
	out, err := exec.Command(bin, "plan", "--design", design, "--sandbox-state", state).CombinedOutput()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "move account legacy-app") || strings.Contains(string(out), "left alone") && strings.Contains(string(out), "account legacy-app (") {
		t.Errorf("the plan does not move legacy-app into Transitional:\n%s", out)
	}
}
