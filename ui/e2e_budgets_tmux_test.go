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

// TestBudgetsInTmux sets budgets in the real binary: b on the guardrails
// step, a default and a prod budget; the step says them, and the saved
// design file holds them, which plan then turns into budgets.
func TestBudgetsInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-budgets-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--scenario", "fresh"))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Plan: ", 20*time.Second)
	term.send("Escape")
	term.waitFor("Who works where", 5*time.Second)
	term.send("Escape")
	term.waitFor("Security baseline", 5*time.Second)
	term.send("Escape")
	v := term.waitFor("Budgets: none (b adds them)", 5*time.Second)
	if !strings.Contains(v, "b budgets") {
		t.Errorf("the guardrails footer does not offer b:\n%s", v)
	}
	term.send("b")
	term.waitFor("Budgets on every member account?", 5*time.Second)
	term.send("y")
	term.typeText("250")
	term.send("Enter", "Enter", "Enter")
	term.typeText("1000")
	term.send("Enter", "Enter", "Enter")
	term.waitFor("Budgets: $250 a month per account, prod $1,000; alerts at 80%, 100%", 5*time.Second)
	term.send("n")
	term.waitFor("Security baseline", 5*time.Second)
	term.send("n")
	term.waitFor("Who works where", 5*time.Second)
	term.send("n")
	term.waitFor("Plan: ", 20*time.Second)
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
	if b := d.Budgets; b == nil || b.Default != 250 || len(b.Environments) != 1 || b.Environments[0] != (orgmodel.NamedAmount{Name: "prod", Amount: 1000}) {
		t.Fatalf("budgets saved as %+v\n%s", d.Budgets, raw)
	}
	out, err := exec.Command(bin, "plan", "--design", design, "--sandbox-state", state).CombinedOutput()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "orgwizard-payments-prod-eu") {
		t.Errorf("the plan has no budget for payments-prod-eu:\n%s", out)
	}
}
