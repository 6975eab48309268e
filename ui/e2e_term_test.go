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

// tmuxBinary builds orgwizard for the end-to-end tests into a fresh
// directory, returned with the binary. Without tmux the test is skipped, or
// fails in CI, where tmux must be there; -short skips it for the build.
func tmuxBinary(t *testing.T) (dir, bin string) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI")
		}
		t.Skip("tmux is not installed")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "orgwizard")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/orgwizard/orgwizard").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir, bin
}

// tmuxTerm is a real 80x24 terminal: a detached tmux session.
type tmuxTerm struct {
	t       *testing.T
	session string
}

// wizardCommand is the shell command that runs the wizard binary bin on
// the sandbox at state with the design file design, its state home in dir
// (nothing lands in the user's), and args.
func wizardCommand(dir, bin, state, design string, args ...string) string {
	return "XDG_STATE_HOME=" + dir + " " + strings.Join(append([]string{bin, "--sandbox-state", state, "--design", design}, args...), " ")
}

// startTmux runs command in a new session, killed when the test ends. The
// shell prints EXIT=<code> after it and keeps the pane open, so that a test
// can read how the wizard ended.
func startTmux(t *testing.T, session, command string) *tmuxTerm {
	t.Helper()
	// tmux has one server per user: the process id keeps two test runs
	// (two checkouts, say) from taking the same session name.
	session = fmt.Sprintf("%s-%d", session, os.Getpid())
	term := &tmuxTerm{t: t, session: session}
	term.tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "env TERM=xterm-256color "+command+"; echo EXIT=$?; sleep 30")
	t.Cleanup(func() { _ = exec.Command("tmux", "kill-session", "-t", session).Run() })
	return term
}

func (term *tmuxTerm) tmux(args ...string) string {
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (term *tmuxTerm) screen() string { return term.tmux("capture-pane", "-p", "-t", term.session) }

// waitFor polls the screen until it shows want.
func (term *tmuxTerm) waitFor(want string, timeout time.Duration) string {
	term.t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if last = term.screen(); strings.Contains(last, want) {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
	term.t.Fatalf("the screen never showed %q; it shows:\n%s", want, last)
	return ""
}

// waitUntil polls the screen until ok holds for it, and fails the test
// with what, and the screen, if it never does.
func (term *tmuxTerm) waitUntil(what string, ok func(screen string) bool, timeout time.Duration) string {
	term.t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if last = term.screen(); ok(last) {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
	term.t.Fatalf("the screen never showed %s; it shows:\n%s", what, last)
	return ""
}

// changed polls the screen until it differs from before, for at most
// timeout (a key that moves nothing leaves it as it is), and returns it.
func (term *tmuxTerm) changed(before string, timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	screen := term.screen()
	for screen == before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		screen = term.screen()
	}
	return screen
}

// send types keys one at a time with a pause, as a person does: a form
// moves to its next field between two key presses.
func (term *tmuxTerm) send(keys ...string) {
	for _, k := range keys {
		term.tmux("send-keys", "-t", term.session, k)
		time.Sleep(60 * time.Millisecond)
	}
}

// typeText types s literally, where send would read "Enter" as the key.
func (term *tmuxTerm) typeText(s string) {
	term.tmux("send-keys", "-t", term.session, "-l", s)
	time.Sleep(80 * time.Millisecond)
}
