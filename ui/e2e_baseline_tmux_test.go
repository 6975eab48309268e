package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestBaselineInTmux goes through the step Security baseline in the real
// binary (tmux, 80x24): acme's design, written before the baseline existed,
// has been to the preview, so the step keeps the baseline off and says so;
// t turns it on with the defaults, space turns Security Hub on, enter sets
// the security contact (a phone AWS would refuse is said in words); the
// preview's Security tab says what is created where, and the saved design
// holds the blocks with the file's comments kept.
func TestBaselineInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-baseline-"+filepath.Base(dir),
		"XDG_STATE_HOME="+dir+" "+strings.Join([]string{bin, "--sandbox-state", state, "--design", design, "--scenario", "fresh"}, " "))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Plan: ", 20*time.Second)
	term.send("Escape")
	term.waitFor("Who works where", 5*time.Second)
	term.send("Escape")
	off := term.waitFor("Security baseline", 5*time.Second)
	if !strings.Contains(off, "The baseline is off") || !strings.Contains(off, "[ ] Organization trail · default on") {
		t.Errorf("a design that has been past the step is not shown without a baseline:\n%s", off)
	}
	term.send("t")
	term.waitFor("baseline on with the defaults", 5*time.Second)
	term.send("Down", "Down", "Down", "Space")
	if hub := term.waitFor("security hub on", 5*time.Second); !strings.Contains(strings.Join(strings.Fields(hub), " "), "Security Hub charges per security check and per finding ingested") {
		t.Errorf("Security Hub's cost is not said:\n%s", hub)
	}
	term.send("Down", "Down", "Down", "Enter")
	term.waitFor("Security contact: name", 5*time.Second)
	term.typeText("Ana Lopez")
	term.send("Enter")
	term.typeText("sec@acme.example")
	term.send("Enter")
	term.typeText("call me")
	term.send("Enter")
	term.waitFor("characters AWS refuses", 5*time.Second)
	term.send("C-u")
	term.typeText("+1 555 0100")
	term.send("Enter")
	term.typeText("CISO")
	term.send("Enter")
	term.waitFor("Security contact: Ana Lopez, CISO", 5*time.Second)
	term.send("n")
	term.waitFor("Who works where", 5*time.Second)
	term.send("n")
	term.waitFor("Plan: ", 20*time.Second)
	term.send("Tab", "Tab", "Tab", "Tab")
	sec := strings.Join(strings.Fields(term.waitFor("Log bucket in", 5*time.Second)), " ")
	for _, want := range []string{"Log bucket in log-archive (eu-west-1)", "Organization trail orgwizard-organization-trail in the management account", "GuardDuty run from security-tooling (delegated admin)"} {
		if !strings.Contains(sec, want) {
			t.Errorf("the Security tab lacks %q:\n%s", want, term.screen())
		}
	}
	term.send("Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down")
	if sec := strings.Join(strings.Fields(term.waitFor("Alternate contacts", 5*time.Second)), " "); !strings.Contains(sec, "Alternate contacts (security) on 10 accounts") || !strings.Contains(sec, "Security Hub run from security-tooling") {
		t.Errorf("the Security tab does not scroll to Security Hub and the contacts:\n%s", term.screen())
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
	want := orgmodel.DefaultBaseline()
	want.SecurityHub = true
	if d.Baseline == nil || *d.Baseline != *want || d.Contacts == nil || d.Contacts.Security == nil || *d.Contacts.Security != (orgmodel.Contact{Name: "Ana Lopez", Email: "sec@acme.example", Phone: "+1 555 0100", Title: "CISO"}) {
		t.Fatalf("saved baseline %+v, contacts %+v\n%s", d.Baseline, d.Contacts, raw)
	}
	if !strings.Contains(string(raw), "# A startup with two bounded contexts") || !strings.Contains(string(raw), "# one production account per residency") {
		t.Errorf("the design's comments are lost:\n%s", raw)
	}
}
