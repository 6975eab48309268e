package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

func typeKeys(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

var enterKey = tea.KeyPressMsg{Code: tea.KeyEnter}

// Keys that come while the wizard connects and runs the preflight are held
// and delivered after, in order, to the screen that then has focus.
func TestKeysDuringTheWaitAreDeliveredAfterIt(t *testing.T) {
	be := &fakeBackend{}
	m := New(context.Background(), Options{Backend: be, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(enterKey) // the sandbox: connecting
	m.Update(enterKey) // on from the preflight, once it is done
	typeKeys(m, "acme")
	m.Update(tea.PasteMsg{Content: "ignored"})
	m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	if len(m.held) != 7 {
		t.Fatalf("%d messages held while connecting, want 7", len(m.held))
	}
	info, err := be.Connect(context.Background(), TargetChoice{Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(connectedMsg{info: info})
	if m.Step() != wizard.Preflight || len(m.held) != 7 {
		t.Fatalf("after connecting: step %v, %d held; want the preflight with all 7 still held", m.Step(), len(m.held))
	}
	m.Update(preflightMsg{pre: mustPreflight(t, be)})
	if len(m.held) != 7 {
		t.Fatalf("the inventory runs and %d of 7 are held", len(m.held))
	}
	m.Update(sweepDoneMsg{})
	if len(m.held) != 0 || m.Step() != wizard.Basics {
		t.Fatalf("after the preflight: step %v, %d held; want the basics, none held", m.Step(), len(m.held))
	}
	// "acme", the paste, then backspace: "acmeignore".
	if screen := plain(m); !strings.Contains(screen, "acmeignore") || strings.Contains(screen, "acmeignored") {
		t.Errorf("the held keys did not land in the name field in order:\n%s", screen)
	}
}

// ctrl+c quits at once during the wait, with the keys before it held.
func TestCtrlCDuringTheWaitQuitsAtOnce(t *testing.T) {
	m := New(context.Background(), Options{Backend: &fakeBackend{}, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(enterKey)
	typeKeys(m, "x")
	m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if !m.quitting || !m.Result().Interrupted {
		t.Errorf("ctrl+c while connecting: quitting %v, interrupted %v; want it to quit at once", m.quitting, m.Result().Interrupted)
	}
}

// esc while the preflight runs goes back at once when nothing is held;
// after a held key it is held too, so that the order stays.
func TestEscDuringTheChecks(t *testing.T) {
	be := &fakeBackend{}
	m := New(context.Background(), Options{Backend: be, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(enterKey)
	info, _ := be.Connect(context.Background(), TargetChoice{Sandbox: true})
	m.Update(connectedMsg{info: info})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.Step() != wizard.Target {
		t.Fatalf("esc during the checks: step %v, want back to the target", m.Step())
	}

	m.Update(enterKey)
	m.Update(connectedMsg{info: info})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.Step() != wizard.Target {
		t.Fatalf("esc during the second checks: step %v", m.Step())
	}
	m.Update(enterKey)
	m.Update(connectedMsg{info: info})
	m.Update(enterKey)
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.Step() != wizard.Preflight || len(m.held) != 2 {
		t.Fatalf("enter then esc during the checks: step %v, %d held; want the preflight, both held", m.Step(), len(m.held))
	}
	m.Update(preflightMsg{pre: mustPreflight(t, be)})
	m.Update(sweepDoneMsg{})
	// enter went on to the basics, and esc back from there.
	if m.Step() != wizard.Prev(wizard.Basics) || m.st.reached != wizard.Basics || len(m.held) != 0 {
		t.Errorf("after the checks: step %v, reached %v, %d held; want enter and esc both delivered", m.Step(), m.st.reached, len(m.held))
	}
}
