package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEveryStepAt60x15InTmux walks the wizard on the sandbox in a 60x15
// terminal, from the target to the Done screen, and reaches on each step
// the text that a small window cut with no way to it (issue 10): the
// preflight's last line, the list screens' last lines, the layouts and the
// explanation of the guardrails, the plan's reasons, the confirmation.
// Each is either on the screen or brought into it with shift+↓, which the
// footer then shows.
func TestEveryStepAt60x15InTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	term := startTmuxSized(t, "orgwizard-small-"+filepath.Base(dir), 60, 15,
		wizardCommand(dir, bin, state, design, "--scenario", "fresh", "--sandbox-speed", "1000"))

	// reach waits for want in the screen, its lines joined (wrapped text
	// is found whole), scrolling down while the footer offers it. It
	// waits, because the screen read just after a key may not show the
	// key's answer yet: at load the wizard draws it 100 ms and more after
	// the key, and a walk that read the screen once, 60 ms after the
	// residency picker's enter, found the picker still open and took the
	// enter for lost.
	reach := func(step, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		var screen string
		for scrolls := 0; ; {
			screen = term.screen()
			if strings.Contains(strings.Join(strings.Fields(screen), " "), want) {
				return
			}
			if time.Now().After(deadline) {
				break
			}
			if scrolls < 40 && strings.Contains(screen, "shift+↑/↓ scroll") && strings.Contains(screen, " below)") {
				term.send("S-Down")
				scrolls++
				continue
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("%s: %q is cut at 60x15 with no way to it:\n%s", step, want, screen)
	}
	top := func() {
		for range 3 {
			term.send("S-Up", "S-Up", "S-Up", "S-Up", "S-Up")
		}
	}

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Inventory: nothing runs here", 20*time.Second)
	reach("preflight", "Press enter to design the organization.")
	term.send("Enter")
	term.waitFor("Organization name", 10*time.Second)
	term.tmux("send-keys", "-t", term.session, "acme", "Enter", "Enter", "aws@acme.example", "Enter", "Enter", "Enter")
	term.waitFor("Step 4 of 13", 10*time.Second)
	reach("workloads", "No workload yet. Press a to add one, or s to start from two examples.")
	term.send("s")
	reach("workloads", "2 workloads × 3 environments. Press n when the list is complete.")
	term.send("n")
	term.waitFor("Step 5 of 13", 10*time.Second)
	reach("environments", "3 environments. Press n when they are right.")
	term.send("n")
	term.waitFor("Step 6 of 13", 10*time.Second)
	reach("residency", "No residency. Press p for a preset (EU, US, UK, APAC ...), c for a custom one, or n to go on without.")
	reach("residency", "prod is split per residency: without one it gets a single account per workload.")
	top()
	// The picker opens, and enter adds the preset under its cursor.
	term.send("p")
	term.waitFor("Add residencies", 10*time.Second)
	term.send("Enter")
	reach("residency", "Press w to choose which workloads serve where, n when done.")
	term.send("n")
	term.waitFor("Step 7 of 13", 10*time.Second)
	for range 10 {
		term.send("Down")
	}
	// The cursor on the last layout is in sight.
	term.waitFor("▸ ( ) by workload", 10*time.Second)
	reach("guardrails", "by workload: Workloads/<workload> holds all its accounts")
	reach("guardrails", "ⓘ")
	term.send("n")
	term.waitFor("Step 8 of 13", 10*time.Second)
	term.send("n")
	term.waitFor("Step 9 of 13", 10*time.Second)
	reach("access", "4 groups proposed from your workloads; edit them, or press t to turn access off")
	term.send("n")
	term.waitFor("Plan: ", 20*time.Second)
	reach("preview", "7 OUs · 8 accounts · 4 guardrails · 4 groups")
	term.send("Tab")
	reach("preview's plan", "this account belongs to no organization; it becomes the management account")
	term.send("a")
	term.waitFor("Step 11 of 13", 10*time.Second)
	reach("confirmation", "Nothing is deleted. You can stop at any moment with ctrl+c and go on later.")
	reach("confirmation", "This is the sandbox: nothing real changes. Press enter to apply.")
	term.send("Enter")
	// Access waits for IAM Identity Center: e turns it on in the sandbox.
	term.waitFor("e enable it (sandbox)", 30*time.Second)
	term.send("e")
	term.waitFor("IAM Identity Center is on", 30*time.Second)
	term.waitFor("Ready to make", 30*time.Second)
	reach("confirmation of access", "Press enter to apply.")
	term.send("Enter")
	term.waitFor("Your organization is in place", 60*time.Second)
	reach("done", "Applied ")
	// The accounts and the apply's log, at the end, are whole.
	for range 30 {
		term.send("PageDown")
	}
	// The end of the apply's log is on the screen.
	screen := term.waitFor("✓", 10*time.Second)
	for i, l := range strings.Split(screen, "\n") {
		if i != 1 && strings.HasSuffix(strings.TrimRight(l, " "), "…") {
			t.Errorf("done: line %d is cut: %q\n%s", i, l, screen)
		}
	}
	term.send("g")
	reach("how to get in", "AWS CLI profiles, one per account and permission set")
	term.send("C-c")
	if screen := term.waitFor("EXIT=", 10*time.Second); !strings.Contains(screen, "EXIT=") {
		t.Fatalf("the wizard did not exit:\n%s", screen)
	}
}

// startTmuxSized is startTmux in a terminal of w x h.
func startTmuxSized(t *testing.T, session string, w, h int, command string) *tmuxTerm {
	t.Helper()
	session = fmt.Sprintf("%s-%d", session, os.Getpid())
	term := &tmuxTerm{t: t, session: session}
	term.tmux("new-session", "-d", "-s", session, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "env TERM=xterm-256color "+command+"; echo EXIT=$?; sleep 30")
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", session).Run() })
	return term
}
