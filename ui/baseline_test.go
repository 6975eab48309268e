package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// baselineModel is the wizard on design d, connected, at the baseline step
// for the first time (the design reached the guardrails).
func baselineModel(t *testing.T, d *orgmodel.Design, w, h int) *Model {
	t.Helper()
	be := &fakeBackend{}
	m := New(context.Background(), Options{Backend: be, Design: d, Reached: wizard.Guardrails, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	info, _ := be.Connect(context.Background(), TargetChoice{Sandbox: true})
	m.st.target = info
	m.st.pre = mustPreflight(t, be)
	settle(m, m.goStep(wizard.Baseline))
	return m
}

// The step proposes the defaults, visibly; space switches the selected
// item, enter edits the retention and a contact in the embedded form
// (a refused answer said in words, the form kept open), d removes a
// contact and u brings it back, t turns the whole baseline off (u brings it
// back as edited) and on with the defaults, and n goes on to Who works where.
func TestBaselineStepProposesTogglesAndEdits(t *testing.T) {
	m := baselineModel(t, acmeDesign(t), 80, 24)
	// The proposal's message, sent here rather than left to settle's
	// timeout, which a loaded machine can miss.
	m.Update(m.screen.Init()())
	screen := plain(m)
	for _, want := range []string{"Step 8 of 13 · Security baseline", "baseline proposed (Security Hub off)", "▸ [x] Organization trail · default on", "Log retention: 365 days · default 365", "[ ] Security Hub · default off", "Protects: A record of every API call", "Costs: The first copy of management events"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("the baseline step lacks %q:\n%s", want, screen)
		}
	}
	if b := m.st.design.Baseline; b == nil || *b != *orgmodel.DefaultBaseline() {
		t.Fatalf("the proposal is not the defaults: %+v", b)
	}
	// Security Hub: down twice from the trail (past the retention).
	press(m, "down", "down", "down", " ")
	if !m.st.design.Baseline.SecurityHub || !strings.Contains(plain(m), "security hub on") || !strings.Contains(plain(m), "Security Hub charges per security check") {
		t.Fatalf("space does not turn Security Hub on:\n%s", plain(m))
	}
	// The retention: a refused number stays in the form, with the reason.
	press(m, "k", "k")
	press(m, "enter")
	if screen := plain(m); !strings.Contains(screen, "Days each log file is kept at least") {
		t.Fatalf("enter does not open the retention:\n%s", screen)
	}
	press(m, "ctrl+u", "36500", "enter")
	if screen := plain(m); !strings.Contains(screen, "ten years") || !strings.Contains(screen, "Days each log file is kept") {
		t.Fatalf("a retention of 36500 is not refused in words:\n%s", screen)
	}
	press(m, "ctrl+u", "2555", "enter")
	if m.st.design.Baseline.LogRetentionDays != 2555 || !strings.Contains(plain(m), "a log lasts about 5110 days: 2555 current, then 2555 as an old version") {
		t.Fatalf("the retention is not saved:\n%s", plain(m))
	}
	// The security contact, its phone refused first.
	for range wizard.BaselineItems {
		press(m, "down")
	}
	press(m, "enter")
	if !strings.Contains(plain(m), "Security contact: name") {
		t.Fatalf("enter does not open the security contact:\n%s", plain(m))
	}
	press(m, "Ana Lopez", "enter", "sec@acme.example", "enter", "call me", "enter")
	if screen := plain(m); !strings.Contains(screen, "characters AWS refuses") {
		t.Fatalf("a refused phone is not said:\n%s", screen)
	}
	press(m, "ctrl+u", "+1 555 0100", "enter", "CISO", "enter")
	if c := m.st.design.Contacts; c == nil || c.Security == nil || c.Security.Title != "CISO" || !strings.Contains(plain(m), "Security contact: Ana Lopez, CISO") {
		t.Fatalf("the contact is not saved: %+v\n%s", c, plain(m))
	}
	press(m, "d")
	if m.st.design.Contacts != nil || !strings.Contains(plain(m), "security contact deleted · u undo") {
		t.Fatalf("d does not remove the contact:\n%s", plain(m))
	}
	press(m, "u")
	if m.st.design.Contacts == nil {
		t.Fatal("u does not bring the contact back")
	}
	press(m, "t")
	if m.st.design.Baseline != nil || !strings.Contains(plain(m), "The baseline is off") || !strings.Contains(plain(m), "baseline off: nothing turned on, what exists left alone · u undo") {
		t.Fatalf("t does not turn the baseline off, undoably:\n%s", plain(m))
	}
	// u brings the baseline back as it was edited, as it does access.
	press(m, "u")
	if b := m.st.design.Baseline; b == nil || !b.SecurityHub || b.LogRetentionDays != 2555 || !strings.Contains(plain(m), "baseline restored") {
		t.Fatalf("u does not bring the edited baseline back: %+v\n%s", b, plain(m))
	}
	press(m, "t", "t")
	if b := m.st.design.Baseline; b == nil || *b != *orgmodel.DefaultBaseline() {
		t.Fatalf("t does not turn the defaults back on: %+v", b)
	}
	press(m, "n")
	if m.Step() != wizard.Access {
		t.Fatalf("n goes to %s, want access", m.Step())
	}
}

// Without the Security OU the step proposes nothing, says why the baseline
// cannot be on and how to change it, and refuses the trail with that
// reason; centralized root access alone may be turned on.
func TestBaselineStepWithoutTheSecurityOU(t *testing.T) {
	d := acmeDesign(t)
	d.Foundation.Security = false
	m := baselineModel(t, d, 80, 24)
	screen := flat(m)
	for _, want := range []string{"The baseline cannot be turned on: baseline: needs foundation.security: true", "select Security"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("the step lacks %q:\n%s", want, plain(m))
		}
	}
	if d.Baseline != nil {
		t.Fatal("a baseline was proposed without the Security OU")
	}
	press(m, " ")
	if d.Baseline != nil || !strings.Contains(flat(m), "organizationTrail (its logs go to log-archive)") {
		t.Fatalf("the trail was turned on without the Security OU:\n%s", plain(m))
	}
	press(m, "t")
	if d.Baseline != nil {
		t.Fatal("t turned the baseline on without the Security OU")
	}
	for range 5 {
		press(m, "down")
	}
	press(m, " ")
	if d.Baseline == nil || !d.Baseline.CentralRootAccess || d.Baseline.OrganizationTrail {
		t.Fatalf("root access alone: %+v", d.Baseline)
	}
}

// A design that has been past the step without a baseline keeps it off.
func TestBaselineStaysOffOnceTurnedOff(t *testing.T) {
	be := &fakeBackend{}
	m := New(context.Background(), Options{Backend: be, Design: acmeDesign(t), Reached: wizard.Access, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	settle(m, m.goStep(wizard.Baseline))
	if m.st.design.Baseline != nil || !strings.Contains(plain(m), "The baseline is off") {
		t.Fatalf("a design that was past the step got the proposal:\n%s", plain(m))
	}
}

// The preview's Security tab says what is created where, at every size.
func TestPreviewSecurityTab(t *testing.T) {
	for _, c := range []struct{ w, h int }{{60, 15}, {80, 24}, {120, 40}} {
		m := baselineModel(t, acmeDesign(t), c.w, c.h)
		press(m, "n")
		press(m, "t", "n") // access off
		press(m, "tab", "tab", "tab", "tab")
		screen := flat(m)
		for _, want := range []string{"Security", "Log bucket in log-archive (eu-west-1)"} {
			if !strings.Contains(screen, want) {
				t.Errorf("%dx%d: the Security tab lacks %q:\n%s", c.w, c.h, want, plain(m))
			}
		}
		for range 20 {
			press(m, "down")
		}
		if screen := flat(m); !strings.Contains(screen, "Trusted access in AWS Organizations") {
			t.Errorf("%dx%d: the Security tab does not scroll to its end:\n%s", c.w, c.h, plain(m))
		}
	}
}

// The Done screen says what centralized root access means for the
// account emails.
func TestHowToGetInSaysRootAccess(t *testing.T) {
	d := acmeDesign(t)
	if err := d.SetBaseline(orgmodel.DefaultBaseline()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Join(wizard.HowToGetIn(getIn(d, "acme.yaml", TargetInfo{Sandbox: true}, nil, false, nil, &orgmodel.Actual{})), "\n")
	if !strings.Contains(lines, "member accounts the organization creates have no root password, and their account emails can no longer recover one") {
		t.Errorf("How to get in does not say what root access means:\n%s", lines)
	}
	d.Baseline.CentralRootAccess = false
	lines = strings.Join(wizard.HowToGetIn(getIn(d, "acme.yaml", TargetInfo{Sandbox: true}, nil, false, nil, &orgmodel.Actual{})), "\n")
	if strings.Contains(lines, "no root password") || !strings.Contains(lines, "Forgot password?") {
		t.Errorf("without root access, How to get in still says it:\n%s", lines)
	}
}

// The step and the Security tab at each size, under NO_COLOR (the
// goldens are plain).
func TestGoldenBaseline(t *testing.T) {
	sizes := []struct{ w, h int }{{60, 15}, {80, 24}, {120, 40}}
	cases := []struct {
		name string
		run  func(s *session) string
	}{
		{"step", func(s *session) string {
			return s.waitFor("baseline proposed")
		}},
		{"blocked", func(s *session) string {
			return s.waitFor("Security OU")
		}},
		{"contact", func(s *session) string {
			s.waitFor("baseline proposed")
			for range len(wizard.BaselineItems) + 1 {
				s.keys("down")
			}
			s.keys("enter")
			return s.waitFor("Security contact: name")
		}},
		{"security", func(s *session) string {
			s.waitFor("baseline proposed")
			s.keys("n")
			s.waitFor("groups proposed")
			s.keys("t")
			s.waitFor("access off")
			s.keys("n")
			s.waitFor("Plan: ")
			s.keys("tab", "tab", "tab", "tab")
			return s.waitFor("Log bucket in")
		}},
	}
	acme := acmeFrom(t)
	for _, size := range sizes {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s-%dx%d", c.name, size.w, size.h), func(t *testing.T) {
				t.Parallel()
				d := acme()
				d.Foundation.Security = c.name != "blocked"
				s := start(t, Options{Design: d, Reached: wizard.Guardrails, Backend: &fakeBackend{}, DesignPath: "orgwizard.yaml"})
				s.through()
				s.waitFor("Deny leaving")
				s.tm.Send(tea.WindowSizeMsg{Width: size.w, Height: size.h})
				s.keys("n")
				golden.RequireEqual(t, c.run(s))
			})
		}
	}
}

// baselineApplying is the wizard on the apply step of acme with the
// baseline's defaults, w columns by 30 lines, the test sending the events.
func baselineApplying(t *testing.T, w int) *Model {
	t.Helper()
	d := acmeDesign(t)
	if err := d.SetBaseline(orgmodel.DefaultBaseline()); err != nil {
		t.Fatal(err)
	}
	m := New(context.Background(), Options{Backend: &fakeBackend{stopHalfway: true}, Design: d, Reached: wizard.Preview, DesignPath: "acme.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
	m.st.target = TargetInfo{Describe: "sandbox", AccountID: fakeAccount, Sandbox: true}
	m.Update(m.enter(wizard.Preview)())
	m.enter(wizard.Apply)
	return m
}

// The live progress says which account and region a cross-account
// baseline step runs in, as the engine reports it when it enters the
// account.
func TestProgressSaysWhereBaselineStepsRun(t *testing.T) {
	m := baselineApplying(t, 80)
	plan := m.st.plan
	send := func(kind apply.EventKind, i int, msg string) {
		m.Update(applyEventMsg(apply.Event{Time: fixedNow(), Kind: kind, Index: i, Step: plan.Steps[i], Message: msg, Done: i, Total: len(plan.Steps)}))
	}
	var bucket, guardDuty = -1, -1
	for i, s := range plan.Steps {
		send(apply.Started, i, "")
		switch {
		case s.Kind == orgmodel.StepCreateLogBucket && bucket < 0:
			bucket = i
			send(apply.Waiting, i, "in log-archive (222222222222), eu-west-1, through OrganizationAccountAccessRole")
		case s.Kind == orgmodel.StepConfigureGuardDuty && guardDuty < 0:
			guardDuty = i
			send(apply.Waiting, i, "in security-tooling (333333333333), "+s.Baseline.Region+", through OrganizationAccountAccessRole")
		default:
			send(apply.Succeeded, i, "")
		}
	}
	if bucket < 0 || guardDuty < 0 {
		t.Fatalf("the plan has no log bucket or GuardDuty step:\n%s", plan)
	}
	// At 80 columns the step's text gives way to where it runs.
	screen := plain(m)
	for _, want := range []string{
		"… " + clip(plan.Steps[bucket].String(), minStepText(80)) + " · in log-archive (222222222222), eu-west-1, through",
		"… " + clip(plan.Steps[guardDuty].String(), minStepText(80)) + " · in security-tooling (333333333333), " + plan.Steps[guardDuty].Baseline.Region,
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the progress lacks %q:\n%s", want, screen)
		}
	}
	// At 60 columns the text gives way further: the client's own message
	// keeps the account and the region whole.
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 30})
	region := plan.Steps[guardDuty].Baseline.Region
	send(apply.Waiting, guardDuty, "in security-tooling, "+region+": enrolling 7 accounts in GuardDuty")
	if screen := plain(m); !strings.Contains(screen, " · in security-tooling, "+region+": ") {
		t.Errorf("at 60 columns the progress cuts the account or the region:\n%s", screen)
	}
}

// The step's layout is made for its longest detail: moving the cursor never
// moves the lead or the list, and at 80x24 the lead is on the screen with
// every row's detail whole (at 60x15 it gives way, the list keeps its place).
func TestBaselineStepLayoutHoldsStill(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 15}} {
		m := baselineModel(t, acmeDesign(t), size[0], size[1])
		top := -1
		for r := range baselineRows {
			screen := plain(m)
			lines := strings.Split(screen, "\n")
			at := -1
			for i, l := range lines {
				if strings.HasPrefix(l, "Protects: ") {
					at = i
					break
				}
			}
			if top < 0 {
				top = at
			}
			if at != top {
				t.Fatalf("%dx%d: row %d moves the detail from line %d to %d:\n%s", size[0], size[1], r, top, at, screen)
			}
			lead := strings.Contains(strings.Join(strings.Fields(screen), " "), wizard.BaselineLead)
			if size[0] == 80 && !lead {
				t.Fatalf("80x24: row %d hides the lead:\n%s", r, screen)
			}
			if size[0] == 60 && lead {
				t.Fatalf("60x15: the lead is kept at row %d where the list needs the room:\n%s", r, screen)
			}
			detail := strings.Join(strings.Fields(strings.Join(m.screen.(*baselineScreen).detail(), " ")), " ")
			if !strings.Contains(strings.Join(strings.Fields(screen), " "), detail) {
				t.Fatalf("%dx%d: row %d's detail is cut:\n%s", size[0], size[1], r, screen)
			}
			press(m, "down")
		}
	}
}

// The preview's plan line and the confirmation say the baseline's part of
// the plan (what, where, how many steps), and a narrow window wraps the
// confirmation rather than cut it, down to the key that applies.
func TestConfirmSaysTheBaseline(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 15}} {
		d := acmeDesign(t)
		b := orgmodel.DefaultBaseline()
		b.SecurityHub = true
		if err := d.SetBaseline(b); err != nil {
			t.Fatal(err)
		}
		if err := d.SetContacts(&orgmodel.Contacts{Security: &orgmodel.Contact{Name: "Ana Lopez", Email: "sec@acme.example", Phone: "+1 555 0100", Title: "CISO"}}); err != nil {
			t.Fatal(err)
		}
		d.Access = nil
		m := New(context.Background(), Options{Backend: &fakeBackend{}, Design: d, Reached: wizard.Preview, DesignPath: "acme.yaml", Now: fixedNow})
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m.st.target = TargetInfo{Describe: "sandbox, account " + fakeAccount + " (state /tmp/a/long/path/to/sandbox.json)", AccountID: fakeAccount, Sandbox: true}
		m.Update(m.enter(wizard.Preview)())
		n := wizard.BaselineSteps(m.st.plan)
		if n == 0 {
			t.Fatalf("the plan has no baseline step:\n%s", m.st.plan)
		}
		if screen := flat(m); !strings.Contains(screen, fmt.Sprintf(" %d baseline steps;", n)) {
			t.Errorf("%dx%d: the preview's plan line does not count the baseline:\n%s", size[0], size[1], plain(m))
		}
		press(m, "a")
		screen := flat(m)
		part := fmt.Sprintf("%d steps of the security baseline: trusted access, the log bucket in log-archive, the organization trail, GuardDuty from security-tooling in 4 regions, Security Hub from security-tooling in 4 regions, Access Analyzer, centralized root access, alternate contacts on 10 accounts.", n)
		if size[1] < 24 {
			// A short window says the parts in brief.
			part = fmt.Sprintf("8 OUs, 9 accounts, 9 moves, 12 guardrail steps, %d baseline steps (a taller window says each).", n)
		}
		for _, want := range []string{
			part,
			"(state /tmp/a/long/path/to/sandbox.json).",
			"go on later.",
			"Press enter to apply.",
		} {
			if !strings.Contains(screen, want) {
				t.Errorf("%dx%d: the confirmation lacks %q:\n%s", size[0], size[1], want, plain(m))
			}
		}
		if body := strings.SplitN(plain(m), "\n", 4)[3]; strings.Contains(body, "…") {
			t.Errorf("%dx%d: the confirmation is cut:\n%s", size[0], size[1], plain(m))
		}
	}
}

// The Done screen's apply log wraps a long line under its text instead of
// cutting it: a baseline step names its account and region at its end.
func TestDoneLogWrapsLongSteps(t *testing.T) {
	step := "make security-tooling the delegated administrator of Security Hub in us-west-2"
	l := fmt.Sprintf("%5.1fs ✓ %s", 2.3, step)
	got := wrapLogLine(l, 60)
	if len(got) != 2 || !strings.HasPrefix(got[0], "  2.3s ✓ make security-tooling") || !strings.HasPrefix(got[1], "         ") {
		t.Fatalf("wrapLogLine(%q, 60) = %q", l, got)
	}
	if flatJoin := strings.Join(strings.Fields(strings.Join(got, " ")), " "); flatJoin != strings.Join(strings.Fields(l), " ") {
		t.Errorf("the wrapped line lost words: %q", got)
	}
	for _, g := range got {
		if w := len([]rune(g)); w > 60 {
			t.Errorf("a line of %d cells in 60: %q", w, g)
		}
	}
	if got := wrapLogLine("  0.3s ✓ create OU Security", 60); len(got) != 1 {
		t.Errorf("a short line is wrapped: %q", got)
	}

	// On the Done screen, at 80 columns.
	h := newApplyHarness(t, 0)
	h.m.st.applied = &appliedRun{Changes: 1, Log: []string{l}}
	h.m.Update(tea.WindowSizeMsg{Width: 80, Height: 200})
	h.m.Update(h.m.enter(wizard.Done)())
	if screen := plain(h.m); !strings.Contains(strings.Join(strings.Fields(screen), " "), step) {
		t.Errorf("the Done screen cuts the log's line:\n%s", screen)
	}
}

// Turned off in a small window, the step says so in brief: it is off and t
// turns it on. It used to say the Security OU is missing, which the design
// has.
func TestBaselineOffInASmallWindow(t *testing.T) {
	for _, size := range [][2]int{{60, 15}, {80, 24}} {
		m := baselineModel(t, acmeDesign(t), size[0], size[1])
		press(m, "t")
		screen := flat(m)
		if strings.Contains(screen, "needs the Security OU") {
			t.Errorf("%dx%d: the baseline turned off is said to need the Security OU, which the design has:\n%s", size[0], size[1], plain(m))
		}
		if !strings.Contains(screen, "The baseline is off") || !strings.Contains(screen, "baseline off: nothing turned on, what exists left alone") {
			t.Errorf("%dx%d: the step does not say the baseline is off:\n%s", size[0], size[1], plain(m))
		}
	}
}

// The live progress and the Done screen's log name the log bucket as the
// apply's events carry it (apply.Event.Bucket), not with the placeholder
// the plan had before log-archive and the organization had ids; the Done
// screen's read back (which here knows no bucket) is not needed for it.
func TestProgressNamesTheBucketFromEvents(t *testing.T) {
	m := baselineApplying(t, 120)
	plan := m.st.plan
	placeholder := orgmodel.LogBucketName("<log-archive id>", "<organization id>")
	name := orgmodel.LogBucketName("222222222222", "o-a1b2c3d4e5")
	bucket := -1
	for i, s := range plan.Steps {
		if s.Kind == orgmodel.StepCreateLogBucket {
			bucket = i
		}
	}
	if bucket < 0 || !strings.Contains(plan.Steps[bucket].String(), placeholder) {
		t.Fatalf("the plan has no log bucket step named with the placeholder:\n%s", plan)
	}
	send := func(kind apply.EventKind, i int) {
		e := apply.Event{Time: fixedNow(), Kind: kind, Index: i, Step: plan.Steps[i], Done: i, Total: len(plan.Steps)}
		if i == bucket {
			e.Bucket = name
		}
		m.Update(applyEventMsg(e))
	}
	for i := range plan.Steps[:bucket] {
		send(apply.Started, i)
		send(apply.Succeeded, i)
	}
	send(apply.Started, bucket)
	if screen := plain(m); !strings.Contains(screen, "→ create log bucket "+name+" in log-archive") || strings.Contains(screen, placeholder) {
		t.Errorf("the bucket's step line does not name it:\n%s", screen)
	}
	send(apply.Succeeded, bucket)
	// A later step's line names it too, once an event carried the name.
	if screen := plain(m); !strings.Contains(screen, "log bucket "+name) || strings.Contains(screen, placeholder) {
		t.Errorf("the steps after the bucket's do not name it:\n%s", screen)
	}
	m.Update(applyDoneMsg{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 400})
	m.Update(m.enter(wizard.Done)())
	m.Update(verifiedMsg{v: wizard.Verified{Caller: fakeAccount, Actual: &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-a1b2c3d4e5"}}}})
	screen := flat(m)
	if !strings.Contains(screen, "✓ create log bucket "+name+" in log-archive (eu-west-1)") || strings.Contains(screen, "<log-archive id>") {
		t.Errorf("the Done screen's log does not name the bucket:\n%s", plain(m))
	}
}
