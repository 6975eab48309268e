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
// contact and u brings it back, t turns the whole baseline off and on, and
// n goes on to Who works where.
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
	if screen := plain(m); !strings.Contains(screen, "Days the log bucket keeps each log file") {
		t.Fatalf("enter does not open the retention:\n%s", screen)
	}
	press(m, "ctrl+u", "36500", "enter")
	if screen := plain(m); !strings.Contains(screen, "ten years") || !strings.Contains(screen, "Days the log bucket keeps") {
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
	if m.st.design.Baseline != nil || !strings.Contains(plain(m), "The baseline is off") {
		t.Fatalf("t does not turn the baseline off:\n%s", plain(m))
	}
	press(m, "t")
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

// The live progress says which account and region a cross-account
// baseline step runs in, as the engine reports it when it enters the
// account.
func TestProgressSaysWhereBaselineStepsRun(t *testing.T) {
	d := acmeDesign(t)
	if err := d.SetBaseline(orgmodel.DefaultBaseline()); err != nil {
		t.Fatal(err)
	}
	m := New(context.Background(), Options{Backend: &fakeBackend{stopHalfway: true}, Design: d, Reached: wizard.Preview, DesignPath: "acme.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 30})
	m.st.target = TargetInfo{Describe: "sandbox", AccountID: fakeAccount, Sandbox: true}
	m.Update(m.enter(wizard.Preview)())
	m.enter(wizard.Apply)
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
		"… " + clip(plan.Steps[bucket].String(), minStepText) + " · in log-archive (222222222222), eu-west-1, through",
		"… " + clip(plan.Steps[guardDuty].String(), minStepText) + " · in security-tooling (333333333333), " + plan.Steps[guardDuty].Baseline.Region,
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the progress lacks %q:\n%s", want, screen)
		}
	}
}
