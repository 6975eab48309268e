package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// applyHarness is the wizard on its Apply step with a clock the test moves
// and events the test sends, as the engine would.
type applyHarness struct {
	t     *testing.T
	m     *Model
	clock time.Time
	plan  *orgmodel.Plan
	t0    time.Time
}

func newApplyHarness(t *testing.T, awaits int) *applyHarness {
	t.Helper()
	h := &applyHarness{t: t, clock: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	h.t0 = h.clock
	// The fake stops half-way and waits for ctrl+c: its own events stay
	// in the channel, which the test never reads.
	m := New(context.Background(), Options{Backend: &fakeBackend{stopHalfway: true}, Design: acmeDesign(t), Reached: wizard.Preview,
		DesignPath: "my designs/acme.yaml", Now: func() time.Time { return h.clock }})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.st.target = TargetInfo{Describe: "sandbox", AccountID: fakeAccount, Sandbox: true, Args: []string{"--sandbox-state", "/tmp/s.json"}}
	m.Update(m.enter(wizard.Preview)())
	for i, s := range m.st.plan.Steps {
		if awaits > 0 && s.Kind == orgmodel.StepCreateAccount {
			m.st.plan.Steps[i].Kind, m.st.plan.Steps[i].RequestID = orgmodel.StepAwaitAccount, "car-0"
			awaits--
		}
	}
	m.enter(wizard.Apply)
	h.m, h.plan = m, m.st.plan
	// The organization and the OUs are done: the creations are on screen.
	for i, s := range h.plan.Steps {
		if creation(s) {
			break
		}
		h.send(apply.Started, i, i, 0)
		h.send(apply.Succeeded, i, i+1, 0)
	}
	return h
}

func (h *applyHarness) screen() *applyScreen { return h.m.screen.(*applyScreen) }

// creations are the plan's account creations, in order.
func (h *applyHarness) creations() []int {
	var out []int
	for i, s := range h.plan.Steps {
		if creation(s) {
			out = append(out, i)
		}
	}
	return out
}

func (h *applyHarness) at(d time.Duration) { h.clock = h.t0.Add(d) }

func (h *applyHarness) send(kind apply.EventKind, i, done, inFlight int) {
	h.m.Update(applyEventMsg(apply.Event{Time: h.clock, Kind: kind, Index: i, Step: h.plan.Steps[i], Done: done, Total: len(h.plan.Steps), InFlight: inFlight}))
}

func (h *applyHarness) tick(d time.Duration) string {
	h.at(d)
	h.m.Update(tickMsg(h.clock))
	return plain(h.m)
}

var leftRE = regexp.MustCompile(`about (?:(\d+)m)?(\d+)s left`)

// secondsLeft reads "about 1m05s left" off the screen; -1 when absent.
func secondsLeft(t *testing.T, screen string) int {
	m := leftRE.FindStringSubmatch(screen)
	if m == nil {
		return -1
	}
	n := 0
	if m[1] != "" {
		n = atoi(t, m[1]) * 60
	}
	return n + atoi(t, m[2])
}

func atoi(t *testing.T, s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// The time left comes from how long AWS took for the accounts it finished,
// and counts down while waiting; it never grows between two of AWS's answers
// (it grew by the second: 1 s, 3 s, 5 s ...). Five creations under way read
// as AWS's limit, not as "5/5" done.
func TestApplyTimeLeftCountsDown(t *testing.T) {
	h := newApplyHarness(t, 0)
	c := h.creations()
	for _, i := range c[:5] {
		h.send(apply.Started, i, 0, 1)
		h.send(apply.Waiting, i, 0, 1)
	}
	screen := h.tick(20 * time.Second)
	for _, want := range []string{"5 in flight (AWS's limit)", "4 waiting", "time left: after AWS's first account", "20s elapsed"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "5/5") {
		t.Errorf("the screen reads as done:\n%s", screen)
	}

	// AWS finishes the first account in a minute: four more waves of a
	// minute are left at most, and the other four under way are nearly done.
	h.at(time.Minute)
	h.send(apply.Succeeded, c[0], 1, 4)
	h.send(apply.Started, c[5], 1, 5)
	h.send(apply.Waiting, c[5], 1, 5)
	prev := secondsLeft(t, plain(h.m))
	if prev <= 0 {
		t.Fatalf("no estimate after AWS's first account:\n%s", plain(h.m))
	}
	for s := 61; s <= 90; s += 3 {
		screen := h.tick(time.Duration(s) * time.Second)
		left := secondsLeft(t, screen)
		if left < 0 || left > prev {
			t.Fatalf("at %ds the time left went from %ds to %ds:\n%s", s, prev, left, screen)
		}
		prev = left
	}
	h.tick(90 * time.Second)
	if want := "AWS creating 1m30s"; !strings.Contains(plain(h.m), want) {
		t.Errorf("an account under way does not say for how long (%q):\n%s", want, plain(h.m))
	}
	if want := "created in 1m00s"; !strings.Contains(plain(h.m), want) {
		t.Errorf("a created account does not say how long AWS took (%q):\n%s", want, plain(h.m))
	}
	screen = h.tick(10 * time.Minute)
	if !strings.Contains(screen, "any moment now") || secondsLeft(t, screen) != -1 {
		t.Errorf("past the estimate the time left must not count up:\n%s", screen)
	}
}

// At 80 columns the account's name and state are never cut: they come first.
func TestApplyLinesPutNameAndStateFirst(t *testing.T) {
	h := newApplyHarness(t, 0)
	c := h.creations()
	h.send(apply.Started, c[0], 0, 1)
	h.send(apply.Waiting, c[0], 0, 1)
	screen := h.tick(75 * time.Second)
	name := h.plan.Steps[c[0]].Subject
	line := ""
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, name) {
			line = l
		}
	}
	if !strings.HasPrefix(line, "… "+name) || !strings.Contains(line, "AWS creating 1m15s") {
		t.Errorf("the line of %s does not start with its name and state: %q\n%s", name, line, screen)
	}
	if !strings.Contains(screen, "✓ done  → asking AWS  … AWS creating  ↻ retrying  · to do  ■ stopped  ✗ failed") {
		t.Errorf("no legend for the marks:\n%s", screen)
	}
	for _, l := range strings.Split(screen, "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("a line is %d cells wide: %q", w, l)
		}
	}
}

// After ctrl+c what was under way is marked stopped, with AWS finishing it
// on its own; nothing says "in flight" or "AWS is creating" any more, and the
// message says how to go on with the flags in use.
func TestApplyStoppedMarksWhatWasInFlight(t *testing.T) {
	h := newApplyHarness(t, 0)
	c := h.creations()
	for _, i := range c[:5] {
		h.send(apply.Started, i, 0, 1)
		h.send(apply.Waiting, i, 0, 5)
	}
	h.tick(30 * time.Second)
	h.m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	h.m.Update(applyDoneMsg{err: context.Canceled})
	screen := plain(h.m)
	for _, want := range []string{"stopped · 30s elapsed", "5 account creations were in flight: AWS finishes them on its own", "stopped after 30s: AWS finishes it on its own"} {
		if !strings.Contains(strings.Join(strings.Fields(screen), " "), want) {
			t.Errorf("the stopped screen lacks %q:\n%s", want, screen)
		}
	}
	for _, bad := range []string{"in flight (AWS's limit)", "AWS creating 30s", "left"} {
		if strings.Contains(screen, bad) {
			t.Errorf("the stopped screen still says %q:\n%s", bad, screen)
		}
	}
	if n := strings.Count(screen, "■ "); n < 5 {
		t.Errorf("%d lines marked stopped, want the 5 in flight:\n%s", n, screen)
	}
	if msg := h.m.Result().Message; !strings.Contains(msg, "Run orgwizard --sandbox-state /tmp/s.json --design 'my designs/acme.yaml' to finish") {
		t.Errorf("the message does not carry the flags in use: %q", msg)
	}
}

// A run that finds creations an interrupted apply asked for says so, and
// awaits them.
func TestApplySaysAnInterruptedApplyIsResumed(t *testing.T) {
	h := newApplyHarness(t, 3)
	h.m.screen.Init()
	screen := strings.Join(strings.Fields(plain(h.m)), " ")
	if !strings.Contains(screen, "An interrupted apply was found: 3 account creations resumed, none repeated") {
		t.Errorf("the apply does not say it resumes:\n%s", plain(h.m))
	}
	h.m.Update(applyDoneMsg{err: context.Canceled})
}

// The Done screen keeps the apply's total time and its log.
func TestDoneKeepsTheApplysTimeAndLog(t *testing.T) {
	h := newApplyHarness(t, 0)
	c := h.creations()
	h.send(apply.Started, c[0], 0, 1)
	h.send(apply.Waiting, c[0], 0, 1)
	h.at(83 * time.Second)
	h.send(apply.Succeeded, c[0], 1, 0)
	h.m.Update(applyDoneMsg{})
	if h.m.st.applied == nil {
		t.Fatal("the apply left nothing for the Done screen")
	}
	h.m.Update(tea.WindowSizeMsg{Width: 80, Height: 80})
	h.m.Update(h.m.enter(wizard.Done)())
	screen := strings.Join(strings.Fields(plain(h.m)), " ")
	name := h.plan.Steps[c[0]].Subject
	for _, want := range []string{"Applied 39 changes in 1m23s", "Apply log", "✓ account " + name + " created in 1m23s", "orgwizard tree --sandbox-state /tmp/s.json"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the Done screen lacks %q:\n%s", want, screen)
		}
	}
}

// Accessible mode says it too, before the apply's lines.
func TestAccessibleSaysAnInterruptedApplyIsResumed(t *testing.T) {
	var out strings.Builder
	opt := Options{Backend: &fakeBackend{awaits: 2}, Design: acmeDesign(t), Reached: wizard.Preview, DesignPath: "acme.yaml"}
	answers := []string{"1", "", "", "", "3", "", "", "0", "0", "0", "y"}
	if _, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	i := strings.Index(text, "An interrupted apply was found: 2 account creations resumed, none repeated")
	if i < 0 || i > strings.Index(text, "started: ") {
		t.Errorf("accessible mode does not say it resumes before applying:\n%s", out.String())
	}
	if !strings.Contains(text, "Applied 39 changes in 0s.") {
		t.Errorf("accessible mode does not say the apply's total time:\n%s", out.String())
	}
}

// Quitting on a design step says how to go on, with the flags in use.
func TestQuitMessageCarriesTheFlags(t *testing.T) {
	be := &fakeBackend{args: []string{"--profile", "management"}}
	m := New(context.Background(), Options{Backend: be, Design: acmeDesign(t), Reached: wizard.Workloads, DesignPath: "my designs/acme.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.st.target, _ = be.Connect(context.Background(), TargetChoice{Profile: "management"})
	m.enter(wizard.Workloads)
	m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	want := "run orgwizard --profile management --design 'my designs/acme.yaml' to go on where you were (Workloads)"
	if msg := m.Result().Message; !strings.Contains(msg, want) {
		t.Errorf("the quit message is %q, want it to contain %q", msg, want)
	}
}
