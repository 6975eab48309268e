package ui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// waitForText is waitFor with the screen's line breaks and indents folded
// into single spaces, for a sentence the screen wraps.
func (term *tmuxTerm) waitForText(want string, timeout time.Duration) string {
	term.t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		last = strings.Join(strings.Fields(term.tmux("capture-pane", "-p", "-J", "-t", term.session)), " ")
		if strings.Contains(last, want) {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
	term.t.Fatalf("the screen never showed %q; it shows:\n%s", want, term.screen())
	return ""
}

// scrollTo moves down a line at a time until the screen shows want.
func (term *tmuxTerm) scrollTo(want string) {
	term.t.Helper()
	for range 80 {
		if strings.Contains(strings.Join(strings.Fields(term.tmux("capture-pane", "-p", "-J", "-t", term.session)), " "), want) {
			return
		}
		term.send("Down")
	}
	term.t.Fatalf("scrolling never showed %q; the screen shows:\n%s", want, term.screen())
}

// TestEndToEndStopAndResumeInTmux stops an apply with ctrl+c while AWS
// creates five accounts, and checks what the user sees: the live progress
// (AWS's limit, each account's name and state first), the stopped screen
// (what was in flight marked stopped, AWS finishing it on its own), and the
// command to go on, carrying the flags in use. That very command, run next,
// says that the interrupted apply's creations are resumed, none repeated,
// and converges; the Done screen keeps the total time and the log, and its
// tree command carries the flags too. Every account exists exactly once.
func TestEndToEndStopAndResumeInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}
	// A creation takes 20 s: long enough to stop five in flight and come
	// back before AWS (the sandbox) finishes them.
	first := startTmux(t, "orgwizard-stop-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--sandbox-speed", "0.2"))
	first.waitFor("Where should the organization be built?", 20*time.Second)
	first.send("Enter")
	first.waitFor("Press enter to design", 20*time.Second)
	first.send("Enter")
	first.waitFor("Plan: 39 changes", 20*time.Second)
	first.send("a")
	first.waitFor("Ready to make 39 changes", 5*time.Second)
	first.send("Enter")

	live := first.waitFor("5 in flight (AWS's limit)", 20*time.Second)
	if !regexp.MustCompile(`(?m)^… [a-z-]+ +AWS creating \d+s`).MatchString(live) {
		t.Errorf("an account in flight does not show its name, state and time first:\n%s", live)
	}
	for _, want := range []string{"4 waiting", "✓ done  → asking AWS  … AWS creating"} {
		if !strings.Contains(live, want) {
			t.Errorf("the live screen lacks %q:\n%s", want, live)
		}
	}
	first.send("C-c")
	stopped := first.waitForText("were in flight: AWS finishes them on its own", 10*time.Second)
	if strings.Contains(stopped, "in flight (AWS's limit)") || regexp.MustCompile(`AWS creating \d`).MatchString(stopped) {
		t.Errorf("the stopped screen still says the creations are under way:\n%s", first.screen())
	}
	// Stopped in the first wave of five, or as AWS finished one of them.
	inFlight := regexp.MustCompile(`(\d) account creations were in flight`).FindStringSubmatch(stopped)
	if inFlight == nil || inFlight[1] < "4" {
		t.Fatalf("the stopped screen does not count the creations in flight:\n%s", first.screen())
	}
	// The window shows what was in flight, each marked stopped.
	if n := len(regexp.MustCompile(`(?m)^■ [a-z-]+ +stopped after \d+s: AWS finishes it on its own`).FindAllString(first.screen(), -1)); n < 2 {
		t.Errorf("%d accounts marked stopped on screen:\n%s", n, first.screen())
	}
	first.send("q")
	quit := first.waitForText("EXIT=130", 10*time.Second)
	again := regexp.MustCompile(`Run (orgwizard [^\n]*?) to finish\.`).FindStringSubmatch(quit)
	if again == nil {
		t.Fatalf("the message does not say how to go on:\n%s", quit)
	}
	want := "orgwizard --sandbox-state " + state + " --sandbox-speed 0.2 --design " + design
	if again[1] != want {
		t.Fatalf("the command to go on is %q, want %q", again[1], want)
	}

	// The command the user was given, as given.
	second := startTmux(t, "orgwizard-resume-"+filepath.Base(dir),
		"XDG_STATE_HOME="+dir+" "+strings.Replace(again[1], "orgwizard", bin, 1))
	second.waitFor("Where should the organization be built?", 20*time.Second)
	second.send("Enter")
	second.waitFor("Press enter to design", 20*time.Second)
	second.send("Enter")
	// Those AWS has not finished meanwhile are resumed: on a busy machine
	// one may finish before the preview reads the organization.
	resumed := regexp.MustCompile(`An interrupted apply was found: (\d) account creations? resumed, none repeated`).FindStringSubmatch(
		second.waitForText("An interrupted apply was found:", 20*time.Second))
	if resumed == nil || resumed[1] > inFlight[1] || resumed[1] == "0" {
		t.Errorf("the re-run resumes %v of the %s creations in flight:\n%s", resumed, inFlight[1], second.screen())
	}
	second.send("a")
	second.waitFor("Ready to make", 5*time.Second)
	second.send("Enter")
	done := second.waitForText("checks verified", 90*time.Second)
	if !regexp.MustCompile(`Applied \d+ changes in \d+s`).MatchString(done) {
		t.Errorf("the Done screen does not keep the total time:\n%s", second.screen())
	}
	second.scrollTo("Look around with: orgwizard tree --sandbox-state " + state + " --sandbox-speed 0.2")
	second.scrollTo("Apply log")
	second.send("q")
	second.waitForText("EXIT=0", 10*time.Second)

	// Nine accounts and the management account, every email exactly once.
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Accounts []struct {
			Email string `json:"email"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range st.Accounts {
		seen[a.Email]++
	}
	for email, n := range seen {
		if n != 1 {
			t.Errorf("%s exists %d times", email, n)
		}
	}
	if len(st.Accounts) != 10 {
		t.Errorf("%d accounts, want 10", len(st.Accounts))
	}
	if out, err := exec.Command(bin, "plan", "--detailed-exitcode", "--design", design, "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Errorf("plan after the resumed apply: %v (want exit 0)\n%s", err, out)
	}
}
