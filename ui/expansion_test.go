package ui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// bigDesignModel is the wizard on bigDesign's step at, through a preflight
// whose quota (2,000) is known, so that every step counts the design's
// accounts against it.
func bigDesignModel(tb testing.TB, at wizard.Step) *Model {
	tb.Helper()
	be := &fakeBackend{quota: 2000}
	m := New(context.Background(), Options{Backend: be, Design: bigDesign(), Reached: wizard.Preview, DesignPath: "big.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.st.target, _ = be.Connect(context.Background(), TargetChoice{Sandbox: true})
	m.enter(wizard.Preflight)
	pre, err := be.Preflight(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	m.Update(preflightMsg{pre: pre})
	m.Update(sweepDoneMsg{res: nil})
	if at != wizard.Preflight {
		m.Update(m.enter(at))
	}
	if !m.st.quota.known() && at != wizard.Preflight {
		tb.Fatalf("the %v step does not count the accounts", at)
	}
	return m
}

// BenchmarkKeyOnWorkloadsStep1000Accounts is one key press on the workloads
// step of a design of 1,003 accounts, and the frame it draws: the design
// does not change, so nothing needs expanding it again.
func BenchmarkKeyOnWorkloadsStep1000Accounts(b *testing.B) {
	m := bigDesignModel(b, wizard.Workloads)
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	b.ResetTimer()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkFramePreflight1000Accounts is one frame of the preflight, which
// counts the design read in against the quota.
func BenchmarkFramePreflight1000Accounts(b *testing.B) {
	m := bigDesignModel(b, wizard.Preflight)
	b.ResetTimer()
	for b.Loop() {
		m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		_ = m.View()
	}
}

// Keys that leave the design as it is do not expand it again (every key
// expanded it, 3 ms a key on a design of 1,000 accounts), and a change still
// shows in the count at once.
func TestKeysDoNotExpandAnUnchangedDesign(t *testing.T) {
	m := bigDesignModel(t, wizard.Workloads)
	before := m.st.expansion.Expansions()
	for range 20 {
		m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		_ = m.View()
		m.Update(tea.KeyPressMsg{Code: tea.KeyUp})
		_ = m.View()
	}
	if n := m.st.expansion.Expansions() - before; n != 0 {
		t.Errorf("40 keys that change nothing expanded the design %d times", n)
	}
	need := m.st.quota.Need
	m.st.design.Workloads = m.st.design.Workloads[:len(m.st.design.Workloads)-1]
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if got := m.st.quota.Need; got != need-7 {
		t.Errorf("one workload fewer counts %d accounts, want %d", got, need-7)
	}
	if n := m.st.expansion.Expansions() - before; n != 1 {
		t.Errorf("a change expanded the design %d times, want once", n)
	}
}
