package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLookalikeNameInTmux: typing a name with a Cyrillic lookalike in the
// wizard's first form shows, on the real screen, which character is wrong,
// its code point and what to type instead, not only "not a valid name".
func TestLookalikeNameInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	term := startTmux(t, "orgwizard-lookalike-"+filepath.Base(dir),
		strings.Join([]string{bin, "--sandbox-state", state, "--design", design, "--scenario", "fresh"}, " "))
	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Organization name", 5*time.Second)
	term.typeText("aсme") // the second letter is U+0441 CYRILLIC SMALL LETTER ES
	term.send("Enter")
	screen := term.waitFor("U+0441", 5*time.Second)
	// The message wraps at 80 columns; read it as one line.
	flat := strings.Join(strings.Fields(screen), " ")
	if want := `"aсme" is not a valid name: character 2, 'с' U+0441 CYRILLIC SMALL LETTER ES, is not ASCII; type a Latin 'c' (for example "acme")`; !strings.Contains(flat, want) {
		t.Errorf("the screen does not say %q:\n%s", want, screen)
	}
	term.send("C-c")
}
