package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCostsScreenInTmux runs the real binary on the existing-org scenario
// after acme.yaml is applied there: the costs open from the first screen
// (the preflight of an organization that exists) and from the Done screen,
// the grouping switches, and the runaway payments-dev shows in dev as a
// climbing sparkline. The views come from the cache orgwizard costs keeps,
// r asks Cost Explorer again, and the command then uses the wizard's answer.
func TestCostsScreenInTmux(t *testing.T) {
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
	if out, err := exec.Command(bin, "apply", "--design", design, "--sandbox-state", state, "--sandbox-speed", "40", "--yes").CombinedOutput(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	// orgwizard costs keeps its answer; the wizard's first view uses it.
	if out, err := exec.Command(bin, "costs", "--design", design, "--sandbox-state", state).CombinedOutput(); err != nil || !strings.Contains(string(out), "2 Cost Explorer requests") {
		t.Fatalf("costs: %v\n%s", err, out)
	}
	term := startTmux(t, "orgwizard-costs-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--sandbox-speed", "40"))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	pre := term.waitFor("Press enter to design", 20*time.Second)
	if !strings.Contains(pre, "c costs") {
		t.Fatalf("the preflight of an existing organization does not offer the costs:\n%s", pre)
	}
	term.send("c")
	v := term.waitFor("[Workload]", 20*time.Second)
	for _, want := range []string{"Preflight · Costs", "payments", "website", "Management acme", "clean", "forecast $", "0 Cost Explorer requests: from the cache"} {
		if !strings.Contains(v, want) {
			t.Errorf("the costs from the preflight lack %q:\n%s", want, v)
		}
	}
	term.send("BTab") // shift+tab: back round to the accounts
	v = term.waitFor("[Account]", 5*time.Second)
	if row := screenRow(v, "payments-dev"); !climbs(row) {
		t.Errorf("payments-dev does not run away: %q\n%s", row, v)
	}
	term.send("Escape")
	term.waitFor("Press enter to design", 5*time.Second)
	term.send("Enter")
	term.waitFor("Nothing to do", 20*time.Second)
	term.send("Enter")
	done := term.waitFor("checks verified", 30*time.Second)
	if !strings.Contains(done, "c costs") {
		t.Fatalf("the Done screen does not offer the costs:\n%s", done)
	}
	term.send("c")
	v = term.waitFor("[Workload]", 20*time.Second)
	if !strings.Contains(v, "Done · Costs") || !strings.Contains(v, "0 Cost Explorer requests: from the cache") {
		t.Errorf("the second view does not come from the cache:\n%s", v)
	}
	term.send("Tab")
	v = term.waitFor("[Environment]", 5*time.Second)
	if row := screenRow(v, "dev"); !climbs(row) {
		t.Errorf("the dev environment does not show the runaway: %q\n%s", row, v)
	}
	term.send("r")
	term.waitFor("Cost Explorer requests, $", 20*time.Second)
	term.send("Escape")
	term.waitFor("checks verified", 5*time.Second)
	term.send("q")
	term.waitFor("EXIT=0", 10*time.Second)
	// The wizard's refreshed answer is kept for the command in turn.
	out, err := exec.Command(bin, "costs", "--design", design, "--sandbox-state", state).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 Cost Explorer requests: from the cache") {
		t.Errorf("costs after the wizard's refresh: %v\n%s", err, out)
	}
}

// screenRow is the line of the screen whose first word is name.
func screenRow(screen, name string) string {
	for _, l := range strings.Split(screen, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			return l
		}
	}
	return ""
}

// climbs reports whether a row's sparkline starts low and ends at its top:
// spend that runs away.
func climbs(row string) bool {
	f := strings.Fields(row)
	if len(f) == 0 {
		return false
	}
	spark := []rune(f[len(f)-1])
	return len(spark) == 30 && spark[0] == '▁' && spark[29] == '█'
}
