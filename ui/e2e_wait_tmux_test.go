package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestKeysTypedDuringTheChecksInTmux chooses the target and types the
// basics in ONE tmux send-keys call: the keys arrive while the wizard
// connects to the sandbox and runs the preflight, and must be delivered
// after it, each to the field that has focus then (issue 10). Before, the
// wizard dropped them: it stayed on the preflight with nothing typed.
func TestKeysTypedDuringTheChecksInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	term := startTmux(t, "orgwizard-wait-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--scenario", "fresh"))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	// enter: the sandbox; enter: on from the preflight; then the basics.
	term.tmux("send-keys", "-t", term.session, "Enter", "Enter", "acme", "Enter", "Enter", "aws@acme.example", "Enter")
	screen := term.waitFor("Organization basics", 20*time.Second)
	// The region field has focus: the name and the mailbox are behind it.
	term.waitFor("Home region", 10*time.Second)
	term.send("C-c")
	screen = term.waitFor("EXIT=", 10*time.Second)
	if !strings.Contains(screen, "EXIT=130") {
		t.Errorf("ctrl+c on the basics did not exit 130:\n%s", screen)
	}
	raw, err := os.ReadFile(design)
	if err != nil {
		t.Fatalf("no design saved: %v\n%s", err, screen)
	}
	d, err := orgmodel.Decode(raw)
	if err != nil {
		t.Fatalf("the saved design does not decode: %v\n%s", err, raw)
	}
	if o := d.Organization; o.Name != "acme" || o.Email != "aws@acme.example" {
		t.Errorf("the basics typed during the checks were saved as name %q, mailbox %q; want acme, aws@acme.example\n%s", o.Name, o.Email, raw)
	}
}
