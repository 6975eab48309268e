package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

var (
	shiftDown = tea.KeyPressMsg{Code: tea.KeyDown, Mod: tea.ModShift}
	shiftUp   = tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModShift}
)

// smallPreflight is the preflight's summary of a fresh sandbox at 60x15.
func smallPreflight(t *testing.T) *Model {
	t.Helper()
	be := &fakeBackend{}
	m := New(context.Background(), Options{Backend: be, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 15})
	info, _ := be.Connect(context.Background(), TargetChoice{Sandbox: true})
	m.Update(connectedMsg{info: info})
	m.Update(preflightMsg{pre: mustPreflight(t, be)})
	m.Update(sweepDoneMsg{})
	return m
}

// At 60x15 the preflight's last line was cut with no way to it (issue
// 10); the body now scrolls with shift+↓, and the footer says how much is
// out of sight.
func TestBodyThatDoesNotFitScrolls(t *testing.T) {
	m := smallPreflight(t)
	const last = "Press enter to design the organization."
	screen := plain(m)
	if strings.Contains(screen, last) {
		t.Fatalf("the preflight fits at 60x15; this test needs it taller:\n%s", screen)
	}
	if !strings.Contains(screen, "shift+↑/↓ scroll (") || !strings.Contains(screen, " below)") {
		t.Fatalf("the footer does not say that the body scrolls:\n%s", screen)
	}
	if n := strings.Count(screen, "\n"); n != 15 {
		t.Errorf("the frame has %d lines, want 15:\n%s", n, screen)
	}
	for range 20 {
		if strings.Contains(plain(m), last) {
			break
		}
		m.Update(shiftDown)
	}
	screen = plain(m)
	if !strings.Contains(screen, last) {
		t.Fatalf("shift+↓ never brings the last line:\n%s", screen)
	}
	if !strings.Contains(screen, " above)") || strings.Contains(screen, " below") {
		t.Errorf("at the end the footer should say what is above only:\n%s", screen)
	}
	for range 20 {
		m.Update(shiftUp)
	}
	if screen := plain(m); !strings.Contains(screen, "✓ Signed in as account") {
		t.Errorf("shift+↑ does not go back to the top:\n%s", screen)
	}
	// The keys still do what they did: enter goes on.
	m.Update(enterKey)
	if m.Step() != wizard.Basics {
		t.Errorf("enter after scrolling: step %v, want the basics", m.Step())
	}
}

// The view follows the cursor: on the guardrails at 60x15 the layout rows
// are below the fold, and moving to them brings them into sight; a scroll
// key moves the view away until the cursor moves again.
func TestScrollFollowsTheCursor(t *testing.T) {
	m := accessModel(t, &fakeBackend{}, 60, 15)
	m.Update(m.enter(wizard.Guardrails))
	rows := len(wizard.Toggles) + len(wizard.LayoutChoice.Options)
	for range rows - 1 {
		m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	screen := plain(m)
	cursor := ""
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "▸") {
			cursor = l
		}
	}
	if !strings.Contains(cursor, "by workload") {
		t.Fatalf("the cursor on the last layout is not in sight:\n%s", screen)
	}
	for range 30 {
		m.Update(shiftDown)
	}
	if screen := plain(m); !strings.Contains(screen, "ⓘ") {
		t.Errorf("shift+↓ does not reach the explanation under the list:\n%s", screen)
	}
	for range 30 {
		m.Update(shiftUp)
	}
	if screen := plain(m); strings.Contains(screen, "▸") {
		t.Errorf("shift+↑ to the top still shows the cursor row at the bottom; the view should stay where it was scrolled:\n%s", screen)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyUp})
	if screen := plain(m); !strings.Contains(screen, "▸ (•) by environment") {
		t.Errorf("moving the cursor does not bring it back into sight:\n%s", screen)
	}
}

// A long status wraps instead of being cut, taking lines from the body.
func TestLongStatusWraps(t *testing.T) {
	m := smallPreflight(t)
	m.Update(statusMsg{text: "a status long enough to need two lines at sixty columns, which it did not get"})
	screen := plain(m)
	if !strings.Contains(screen, "which it did not get") {
		t.Errorf("the status is cut:\n%s", screen)
	}
	if n := strings.Count(screen, "\n"); n != 15 {
		t.Errorf("the frame has %d lines, want 15:\n%s", n, screen)
	}
}

// A line of the apply's log wraps under what happened.
func TestWrapLogLine(t *testing.T) {
	l := "  2.0s ✓ set the policy of log bucket orgwizard-logs-123456789012-o-abc: deny deletion"
	got := wrapLogLine(l, 40)
	want := []string{
		"  2.0s ✓ set the policy of log bucket",
		"         orgwizard-logs-123456789012-o-abc:",
		"         deny deletion",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("wrapLogLine =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := wrapLogLine("short", 40); len(got) != 1 || got[0] != "short" {
		t.Errorf("a short line changed: %q", got)
	}
}
