package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/orgwizard/orgwizard/wizard"
)

// settle runs cmd as the program would and feeds what it returns back to
// m, until nothing is left; a command that does not answer at once (a
// timer) is dropped.
func settle(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(50 * time.Millisecond):
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			settle(m, c)
		}
	default:
		_, next := m.Update(msg)
		settle(m, next)
	}
}

// press sends keys to m: a name (enter, esc, ctrl+u) or text, letter by letter.
func press(m *Model, keys ...string) {
	for _, k := range keys {
		var msgs []tea.KeyPressMsg
		switch k {
		case "enter":
			msgs = []tea.KeyPressMsg{{Code: tea.KeyEnter}}
		case "esc":
			msgs = []tea.KeyPressMsg{{Code: tea.KeyEscape}}
		case "ctrl+u":
			msgs = []tea.KeyPressMsg{{Code: 'u', Mod: tea.ModCtrl}}
		case "tab":
			msgs = []tea.KeyPressMsg{{Code: tea.KeyTab}}
		case "right":
			msgs = []tea.KeyPressMsg{{Code: tea.KeyRight}}
		case "down":
			msgs = []tea.KeyPressMsg{{Code: tea.KeyDown}}
		default:
			for _, r := range k {
				msgs = append(msgs, tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
		for _, msg := range msgs {
			_, cmd := m.Update(msg)
			settle(m, cmd)
		}
	}
}

// accessModel is the wizard on acme's design, connected, at the access step
// for the first time (the design reached the guardrails).
func accessModel(t *testing.T, be *fakeBackend, w, h int) *Model {
	t.Helper()
	m := New(context.Background(), Options{Backend: be, Design: acmeDesign(t), Reached: wizard.Guardrails, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	info, _ := be.Connect(context.Background(), TargetChoice{Sandbox: true})
	m.st.target = info
	m.st.pre = mustPreflight(t, be)
	settle(m, m.goStep(wizard.Access))
	return m
}

// The step proposes the groups, edits one in its form (a refused grant is
// said in words, on the screen, and the form stays open), deletes and
// brings back a group, turns access off and on, and goes on with n.
func TestAccessStepEditsGroups(t *testing.T) {
	m := accessModel(t, &fakeBackend{}, 80, 24)
	screen := plain(m)
	for _, want := range []string{"Step 9 of 13 · Who works where", "payments-team    2 grants  · payments-team@acme.example", "auditors", "4 groups proposed from your workloads", "admin on workload=payments environment=dev,staging"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("the access step lacks %q:\n%s", want, screen)
		}
	}
	press(m, "enter")
	if screen := plain(m); !strings.Contains(screen, "Edit group payments-team") || !strings.Contains(screen, "Grants: permission set on accounts") {
		t.Fatalf("enter does not open the group's form:\n%s", screen)
	}
	press(m, "enter", "enter", "ctrl+u", "root on workload=payments", "enter")
	if screen := plain(m); !strings.Contains(screen, `"root" is neither a preset`) || !strings.Contains(screen, "Edit group payments-team") {
		t.Fatalf("a refused grant is not said, or the form closed:\n%s", screen)
	}
	press(m, "ctrl+u", "power-user on workload=payments env=dev; read-only on workload=payments", "enter")
	screen = plain(m)
	if !strings.Contains(screen, "group payments-team saved") || !strings.Contains(screen, "power-user on workload=payments environment=dev") {
		t.Fatalf("the group is not saved:\n%s", screen)
	}
	if g := m.st.design.Access.Groups[0]; wizard.FormatGrants(g.Grants) != "power-user on workload=payments environment=dev; read-only on workload=payments" {
		t.Errorf("saved grants %q", wizard.FormatGrants(g.Grants))
	}
	press(m, "d")
	if screen := plain(m); !strings.Contains(screen, "group payments-team deleted · u undo") || len(m.st.design.Access.Groups) != 3 {
		t.Fatalf("d does not delete the group:\n%s", screen)
	}
	press(m, "u")
	if len(m.st.design.Access.Groups) != 4 {
		t.Fatal("u does not bring the group back")
	}
	press(m, "t")
	if screen := plain(m); m.st.design.Access != nil || !strings.Contains(screen, "Access is off") || !strings.Contains(screen, "t access on") {
		t.Fatalf("t does not turn access off:\n%s", screen)
	}
	press(m, "t")
	if m.st.design.Access == nil || len(m.st.design.Access.Groups) != 4 {
		t.Fatal("t does not turn access on with the proposal")
	}
	press(m, "a", "auditors", "enter")
	if screen := plain(m); !strings.Contains(screen, "there is already a group called auditors") {
		t.Fatalf("a name taken is not said:\n%s", screen)
	}
	press(m, "esc", "n")
	if m.Step() != wizard.Preview {
		t.Fatalf("n does not go on to the preview:\n%s", plain(m))
	}
}

// A design that has been past the step without access keeps it off: the
// proposal is for a design that never got this far.
func TestAccessStaysOffOnceTurnedOff(t *testing.T) {
	be := &fakeBackend{}
	m := New(context.Background(), Options{Backend: be, Design: acmeDesign(t), Reached: wizard.Preview, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	settle(m, m.goStep(wizard.Access))
	if m.st.design.Access != nil || !strings.Contains(plain(m), "Access is off") {
		t.Fatalf("a design that reached the preview got the proposal:\n%s", plain(m))
	}
}

// The preview's Access tab: accounts by groups, full names where they fit,
// numbered columns and marks with a legend where they do not, and columns
// that scroll sideways when even those do not fit.
func TestPreviewAccessTab(t *testing.T) {
	for _, c := range []struct {
		w, h       int
		want, lack []string
	}{
		{120, 40, []string{"account          payments-team website-team platform-admins auditors", "payments-prod-eu read-only     ·            admin           read-only", "9 of 9 accounts reachable"}, []string{"1 payments-team", "rows"}},
		{60, 15, []string{"account          1 2 3 4", "payments-dev     A · A R", "1 payments-team, 2 website-team, 3 platform-admins, 4", "A admin, R read-only, · none; rows 1-4 of 9"}, nil},
	} {
		m := accessModel(t, &fakeBackend{}, c.w, c.h)
		press(m, "n")
		press(m, "tab", "tab", "tab")
		screen := plain(m)
		for _, want := range c.want {
			if !strings.Contains(screen, want) {
				t.Errorf("%dx%d: the Access tab lacks %q:\n%s", c.w, c.h, want, screen)
			}
		}
		for _, lack := range c.lack {
			if strings.Contains(screen, lack) {
				t.Errorf("%dx%d: the Access tab shows %q:\n%s", c.w, c.h, lack, screen)
			}
		}
	}
}

// Before the apply, with Identity Center off: the screen says what to click
// and where, checks again by itself, and on the sandbox e does the click;
// then the plan is read again and the confirmation shows.
func TestIdentityCenterGate(t *testing.T) {
	be := &fakeBackend{orgBare: true}
	m := accessModel(t, be, 80, 24)
	press(m, "n")
	settle(m, m.screen.Init())
	press(m, "a")
	settle(m, goTo(wizard.Confirm))
	screen := plain(m)
	for _, want := range []string{"IAM Identity Center is not on", "https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1", `"Enable with AWS Organizations"`, "checks every 5 seconds and goes on by itself", "r check now", "s skip access this time", "e enable it (sandbox)"} {
		if !strings.Contains(flat(m), want) {
			t.Errorf("the gate lacks %q:\n%s", want, screen)
		}
	}
	reads := be.identityReads
	press(m, "r")
	if be.identityReads != reads+1 {
		t.Errorf("r did not check now: %d reads, then %d", reads, be.identityReads)
	}
	reads = be.identityReads
	// The poll's tick asks again by itself.
	_, cmd := m.Update(identityTickMsg{gen: m.screen.(*confirmScreen).gate.wait.Gen()})
	settle(m, cmd)
	if be.identityReads != reads+1 {
		t.Errorf("the poll did not ask again: %d reads, then %d", reads, be.identityReads)
	}
	plans := len(be.planTrees)
	press(m, "e")
	if screen := plain(m); be.enabled != 1 || !strings.Contains(screen, "Ready to make") || len(be.planTrees) != plans+1 {
		t.Fatalf("e: %d clicks, %d plans after %d:\n%s", be.enabled, len(be.planTrees), plans, screen)
	}
}

// A new organization: Identity Center can only be turned on once the
// organization exists, so the organization is applied first (its plan read
// without the access part), then the gate; once it is on, the access part
// is confirmed and applied, and the Done screen shows the access portal.
func TestIdentityCenterAfterNewOrganization(t *testing.T) {
	be := &fakeBackend{}
	m := accessModel(t, be, 80, 24)
	press(m, "n")
	settle(m, m.screen.Init())
	settle(m, goTo(wizard.Confirm))
	if screen := plain(m); !strings.Contains(screen, "Ready to make 39 changes") || be.identityReads != 0 || be.planTrees[len(be.planTrees)-1].Access != nil {
		t.Fatalf("a new organization is held before its apply:\n%s", screen)
	}
	press(m, "enter")
	for i := 0; i < 100 && m.Step() != wizard.Confirm; i++ {
		time.Sleep(10 * time.Millisecond)
		settle(m, func() tea.Msg { return nil })
	}
	if m.Step() != wizard.Confirm || !strings.Contains(flat(m), "Enable with AWS Organizations") {
		t.Fatalf("after the apply, step %s:\n%s", m.Step(), plain(m))
	}
	press(m, "e")
	if screen := plain(m); m.Step() != wizard.Confirm || !strings.Contains(screen, "Ready to make") || be.planTrees[len(be.planTrees)-1].Access == nil {
		t.Fatalf("with Identity Center on, the access part is not up for confirmation:\n%s", screen)
	}
	press(m, "enter")
	for i := 0; i < 100 && m.Step() != wizard.Done; i++ {
		time.Sleep(10 * time.Millisecond)
		settle(m, func() tea.Msg { return nil })
	}
	if m.Step() != wizard.Done || !strings.Contains(plain(m), "Your organization is in place") {
		t.Fatalf("after the access part, step %s:\n%s", m.Step(), plain(m))
	}
	press(m, "g")
	if screen := flat(m); !strings.Contains(screen, "Access portal: "+fakePortal) {
		t.Errorf("the Done screen does not say how to get in:\n%s", plain(m))
	}
}

// Skipping access this time reads the plan without it and goes on to the
// confirmation; the design keeps its groups.
func TestIdentityCenterGateSkip(t *testing.T) {
	be := &fakeBackend{orgBare: true}
	m := accessModel(t, be, 80, 24)
	press(m, "n")
	settle(m, m.screen.Init())
	settle(m, goTo(wizard.Confirm))
	press(m, "s")
	if screen := plain(m); !strings.Contains(screen, "Ready to make") || be.enabled != 0 || m.st.design.Access == nil || be.planTrees[len(be.planTrees)-1].Access != nil || !m.st.skipAccess {
		t.Fatalf("s does not skip access this time:\n%s", screen)
	}
}

// A read of Identity Center that fails is said, with what to do; the
// sandbox's click is offered, and its failure said as the click's; r reads
// again.
func TestIdentityCenterGateReadFails(t *testing.T) {
	be := &fakeBackend{orgBare: true, identityErr: errors.New("AccessDeniedException: not allowed")}
	m := accessModel(t, be, 80, 24)
	press(m, "n")
	settle(m, m.screen.Init())
	settle(m, goTo(wizard.Confirm))
	if screen := flat(m); !strings.Contains(screen, "Could not read IAM Identity Center: AccessDeniedException: not allowed (r tries again") ||
		!strings.Contains(screen, "e enable it (sandbox)") {
		t.Fatalf("a failed read:\n%s", plain(m))
	}
	reads := be.identityReads
	press(m, "e")
	if screen := flat(m); be.identityReads != reads+1 || !strings.Contains(screen, "Could not enable IAM Identity Center: AccessDeniedException") {
		t.Fatalf("a failed click (%d reads after %d):\n%s", be.identityReads, reads, plain(m))
	}
	// The click went through (its answer was lost): r finds Identity
	// Center on, and the plan, read before without it, is read again.
	be.identityErr = nil
	plans := len(be.planTrees)
	press(m, "r")
	if screen := flat(m); !strings.Contains(screen, "Ready to make") || len(be.planTrees) != plans+1 || be.planTrees[plans].Access == nil {
		t.Fatalf("r after the failure: %d plans after %d:\n%s", len(be.planTrees), plans, plain(m))
	}
}

// goldenAccess drives the wizard through the access work at a size.
func TestGoldenAccess(t *testing.T) {
	sizes := []struct{ w, h int }{{60, 15}, {80, 24}, {120, 40}}
	cases := []struct {
		name string
		be   func() *fakeBackend
		run  func(s *session) string
	}{
		{"step", func() *fakeBackend { return &fakeBackend{} }, func(s *session) string {
			return s.waitFor("groups proposed")
		}},
		{"edit", func() *fakeBackend { return &fakeBackend{} }, func(s *session) string {
			s.waitFor("groups proposed")
			s.keys("enter")
			return s.waitFor("Edit group payments-team")
		}},
		{"preview", func() *fakeBackend { return &fakeBackend{} }, func(s *session) string {
			s.waitFor("groups proposed")
			s.keys("n")
			s.waitFor("Plan: 75 changes")
			s.keys("tab", "tab", "tab")
			return s.waitFor("accounts reachable")
		}},
		{"identity-center-off", func() *fakeBackend { return &fakeBackend{orgBare: true} }, func(s *session) string {
			s.waitFor("groups proposed")
			s.keys("n")
			s.waitFor("Plan: ")
			s.keys("a")
			return s.waitFor("not on yet (checked")
		}},
		{"done", func() *fakeBackend { return &fakeBackend{identityOn: true} }, func(s *session) string {
			s.waitFor("groups proposed")
			s.keys("n")
			s.waitFor("Plan: 75 changes")
			s.keys("a")
			s.waitFor("Ready to make 39 changes")
			s.keys("enter")
			// Identity Center is on: the access part, confirmed in turn.
			s.waitFor("access steps in IAM Identity Center")
			s.keys("enter")
			s.waitFor("checks verified")
			s.keys("g")
			return s.waitFor("Access portal")
		}},
	}
	acme := acmeFrom(t)
	for _, size := range sizes {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s-%dx%d", c.name, size.w, size.h), func(t *testing.T) {
				t.Parallel()
				s := start(t, Options{Design: acme(), Reached: wizard.Guardrails, Backend: c.be(), DesignPath: "orgwizard.yaml"})
				s.through()
				s.waitFor("Deny leaving")
				s.tm.Send(tea.WindowSizeMsg{Width: size.w, Height: size.h})
				s.keys("n")
				// The baseline is turned off: these are access's goldens.
				s.waitFor("baseline proposed")
				s.keys("t")
				s.waitFor("baseline off")
				s.keys("n")
				golden.RequireEqual(t, c.run(s))
			})
		}
	}
}
