package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestFastKeysAndPasteInTmux types the basics and a workload in ONE tmux
// send-keys call, as fast as a terminal delivers keys (and as a paste or a
// script does), then pastes a workload's answers with bracketed paste. Every
// key must land in the field that has focus when it arrives: before, the
// mailbox was saved as "ws@acme.example" and the workload's name as
// "paymentsC". Tab must accept the region suggestion.
func TestFastKeysAndPasteInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	term := startTmux(t, "orgwizard-fast-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--scenario", "fresh"))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Organization name", 5*time.Second)

	// One call: tmux writes all of it to the terminal at once.
	term.tmux("send-keys", "-t", term.session,
		"acme", "Enter", "Enter", "aws@acme.example", "Enter",
		"C-u", "eu-central-", "Tab", "Enter", "team=platform", "Enter",
		"a", "payments", "Enter", "Card payments API", "Enter", "payments-team@acme.example", "Enter",
		"a")
	term.waitFor("New workload", 10*time.Second)

	// Bracketed paste, each answer copied with its line break.
	paste := func(text string) {
		term.tmux("set-buffer", "-b", "orgwizard-test", text)
		term.tmux("paste-buffer", "-p", "-d", "-b", "orgwizard-test", "-t", term.session)
	}
	paste("website\n")
	term.send("Enter")
	paste("Marketing site and customer portal\n")
	// Then on through the environments, again in one call: y answers the
	// yes/no question and saves, n goes on to the next step.
	term.tmux("send-keys", "-t", term.session, "Enter", "Enter", "n",
		"a", "qa", "Enter", "Quality assurance", "Enter", "n", "n")
	// The count at the top shows from the first step that adds accounts,
	// before any residency: 2 workloads in 4 environments, the 2 security
	// accounts and the management account. It showed nothing until the
	// residencies, prod being split by residency.
	if residency := term.waitFor("A residency is", 10*time.Second); !strings.Contains(residency, "11 accounts, over your quota of 10") {
		t.Errorf("the residency step does not count 11 accounts at the top:\n%s", residency)
	}
	term.send("C-c")
	term.waitFor("EXIT=", 10*time.Second)

	raw, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Decode(raw)
	if err != nil {
		t.Fatalf("the saved design does not decode: %v\n%s", err, raw)
	}
	o := d.Organization
	if o.Name != "acme" || o.Email != "aws@acme.example" || o.HomeRegion != "eu-central-1" {
		t.Errorf("basics saved as name %q, email %q, home region %q; want acme, aws@acme.example, eu-central-1\n%s", o.Name, o.Email, o.HomeRegion, raw)
	}
	if len(d.Tags) != 1 || d.Tags[0] != (orgmodel.Tag{Key: "team", Value: "platform"}) {
		t.Errorf("tags saved as %v, want team=platform", d.Tags)
	}
	if e := d.Environments[len(d.Environments)-1]; e.Name != "qa" || e.Description != "Quality assurance" || e.PerResidency {
		t.Errorf("the last environment saved as %+v, want qa, Quality assurance, not per residency", e)
	}
	want := []orgmodel.Workload{
		{Name: "payments", Description: "Card payments API", Owner: "payments-team@acme.example"},
		{Name: "website", Description: "Marketing site and customer portal"},
	}
	if len(d.Workloads) != len(want) {
		t.Fatalf("saved workloads %+v, want %+v\n%s", d.Workloads, want, raw)
	}
	for i, w := range want {
		got := d.Workloads[i]
		if got.Name != w.Name || got.Description != w.Description || got.Owner != w.Owner {
			t.Errorf("workload %d saved as %+v, want %+v", i, got, w)
		}
	}
}
