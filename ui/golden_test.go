package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// snapshotMsg asks for the screen as text; the program's filter answers it
// from inside the program's goroutine, where reading the model is safe.
type snapshotMsg struct{ ch chan string }

type session struct {
	t  *testing.T
	tm *teatest.TestModel
}

func start(t *testing.T, opt Options) *session {
	t.Helper()
	if opt.Now == nil {
		opt.Now = fixedNow
	}
	m := New(context.Background(), opt)
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(
			tea.WithColorProfile(colorprofile.Ascii),
			tea.WithFilter(func(model tea.Model, msg tea.Msg) tea.Msg {
				if s, ok := msg.(snapshotMsg); ok {
					s.ch <- plain(model.(*Model))
					return nil
				}
				return msg
			}),
		))
	t.Cleanup(func() { _ = tm.Quit() })
	return &session{t: t, tm: tm}
}

func (s *session) screen() string {
	ch := make(chan string, 1)
	s.tm.Send(snapshotMsg{ch})
	select {
	case v := <-ch:
		return v
	case <-time.After(2 * time.Second):
		s.t.Fatal("the program does not answer")
		return ""
	}
}

// waitFor waits until the screen shows want and has stopped changing.
func (s *session) waitFor(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		v := s.screen()
		if strings.Contains(v, want) && v == last {
			return v
		}
		last = v
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, last)
	return ""
}

func (s *session) keys(keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			s.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			s.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		case "tab":
			s.tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		case "space":
			s.tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
		case "down":
			s.tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		case "left":
			s.tm.Send(tea.KeyPressMsg{Code: tea.KeyLeft})
		case "ctrl+c":
			s.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		case "ctrl+t":
			s.tm.Send(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
		case "ctrl+u":
			s.tm.Send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
		default:
			s.tm.Type(k)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// through connects and passes the preflight.
func (s *session) through() {
	s.waitFor("Where should the organization be built?")
	s.keys("enter")
	s.waitFor("Press enter to design")
	s.keys("enter")
}

// wayOut connects to a dirty account and opens the ways out.
func (s *session) wayOut() {
	s.waitFor("Where should the organization be built?")
	s.keys("enter")
	s.waitFor("Press enter to choose a way out")
	s.keys("enter")
	s.waitFor("Which way out?")
}

func TestGoldenScreens(t *testing.T) {
	// Read here, on the test's goroutine: the cases build their options
	// on their own, where t.Fatal or t.Skip would panic.
	acme := acmeFrom(t)
	cases := []struct {
		name string
		opt  func() Options
		be   *fakeBackend
		run  func(s *session) string
	}{
		{"1-target", func() Options { return Options{} }, &fakeBackend{}, func(s *session) string {
			return s.waitFor("Where should the organization be built?")
		}},
		{"2-preflight", func() Options { return Options{} }, &fakeBackend{}, func(s *session) string {
			s.waitFor("Where should")
			s.keys("enter")
			return s.waitFor("Press enter to design")
		}},
		{"2-preflight-dirty", func() Options { return Options{} }, &fakeBackend{dirty: true}, func(s *session) string {
			s.waitFor("Where should")
			s.keys("enter")
			return s.waitFor("Press enter to choose a way out")
		}},
		{"2-preflight-ways", func() Options { return Options{} }, &fakeBackend{dirty: true}, func(s *session) string {
			s.wayOut()
			return s.waitFor("Quick: an hour")
		}},
		{"2-preflight-ways-continue", func() Options { return Options{} }, &fakeBackend{dirty: true}, func(s *session) string {
			s.wayOut()
			s.keys("down", "down")
			return s.waitFor("stays unticked")
		}},
		{"2-preflight-way-a-running", func() Options { return Options{} }, &fakeBackend{dirty: true, migrateHalfway: true}, func(s *session) string {
			s.wayOut()
			s.keys("enter")
			s.waitFor("Press enter (or type yes)")
			s.keys("enter")
			return s.waitFor("→ Accept the invitation")
		}},
		{"2-preflight-way-a-done", func() Options { return Options{} }, &fakeBackend{dirty: true}, func(s *session) string {
			s.wayOut()
			s.keys("enter")
			s.waitFor("Press enter (or type yes)")
			s.keys("enter")
			return s.waitFor("is the management account now")
		}},
		{"2-preflight-way-a-new-account", func() Options { return Options{} }, &fakeBackend{dirty: true}, func(s *session) string {
			s.wayOut()
			s.keys("enter")
			s.waitFor("Press enter (or type yes)")
			s.keys("enter")
			s.waitFor("is the management account now")
			s.keys("enter")
			return s.waitFor("Press enter to design")
		}},
		{"3-basics", func() Options { return Options{} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("Organization name")
			s.keys("acme", "enter")
			s.waitFor("one mailbox")
			s.keys("enter")
			// huh moves the focus through a command: type only once the
			// mailbox has it, or the first keys land in the field before.
			s.waitFor("┃ Mailbox")
			s.keys("aws@acme.example")
			return s.waitFor("aws+log-archive@acme.example")
		}},
		{"4-workloads", func() Options { return Options{Design: acme(), Reached: wizard.Workloads} }, &fakeBackend{}, func(s *session) string {
			s.through()
			return s.waitFor("bounded context")
		}},
		{"4-workloads-edit", func() Options { return Options{Design: acme(), Reached: wizard.Workloads} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("bounded context")
			s.keys("enter")
			return s.waitFor("Edit workload payments")
		}},
		{"5-environments", func() Options { return Options{Design: acme(), Reached: wizard.Environments} }, &fakeBackend{}, func(s *session) string {
			s.through()
			return s.waitFor("per residency   prod")
		}},
		{"6-residency", func() Options { return Options{Design: acme(), Reached: wizard.Residency} }, &fakeBackend{}, func(s *session) string {
			s.through()
			return s.waitFor("served by payments")
		}},
		{"6-residency-presets", func() Options { return Options{Design: acme(), Reached: wizard.Residency} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("served by payments")
			s.keys("p")
			return s.waitFor("Add residencies")
		}},
		{"7-guardrails", func() Options { return Options{Design: acme(), Reached: wizard.Guardrails} }, &fakeBackend{}, func(s *session) string {
			s.through()
			return s.waitFor("Deny leaving the organization")
		}},
		{"7-guardrails-workshop", func() Options { return Options{Design: acme(), Reached: wizard.Guardrails} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("Deny leaving the organization")
			s.keys("ctrl+t")
			return s.waitFor("Workshop ·")
		}},
		{"8-preview-tree", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{}, func(s *session) string {
			s.through()
			return s.waitFor("Plan: 39 changes")
		}},
		{"8-preview-plan", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("Plan: 39 changes")
			s.keys("tab")
			return s.waitFor("1. create the organization")
		}},
		{"8-preview-policy", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("Plan: 39 changes")
			s.keys("tab", "tab", "enter")
			return s.waitFor(`"Version"`)
		}},
		{"8-preview-nothing-to-do", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{converged: true}, func(s *session) string {
			s.through()
			return s.waitFor("Nothing to do")
		}},
		{"9-confirm", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("Plan: 39 changes")
			s.keys("a")
			return s.waitFor("Ready to make 39 changes")
		}},
		{"10-apply", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{stopHalfway: true}, func(s *session) string {
			s.through()
			s.waitFor("Plan: 39 changes")
			s.keys("a")
			s.waitFor("Ready to make")
			s.keys("enter")
			return s.waitFor("3 accounts in flight")
		}},
		{"10-apply-stopped", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{stopHalfway: true}, func(s *session) string {
			s.through()
			s.waitFor("Plan: 39 changes")
			s.keys("a")
			s.waitFor("Ready to make")
			s.keys("enter")
			s.waitFor("3 accounts in flight")
			s.keys("ctrl+c")
			return s.waitFor("Stopped safely")
		}},
		{"11-done-runbook", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{dirty: true}, func(s *session) string {
			s.wayOut()
			s.keys("down", "enter")
			s.waitFor("Plan: 39 changes")
			s.keys("a")
			s.waitFor("Ready to make")
			s.keys("enter")
			return s.waitFor("Way (b): where does each")
		}},
		{"11-done-runbook-written", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{dirty: true}, func(s *session) string {
			s.wayOut()
			s.keys("down", "enter")
			s.waitFor("Plan: 39 changes")
			s.keys("a")
			s.waitFor("Ready to make")
			s.keys("enter")
			s.waitFor("Way (b): where does each")
			s.keys("down", "down", "right", "w")
			return s.waitFor("Runbook written")
		}},
		{"11-done", func() Options { return Options{Design: acme(), Reached: wizard.Preview} }, &fakeBackend{}, func(s *session) string {
			s.through()
			s.waitFor("Plan: 39 changes")
			s.keys("a")
			s.waitFor("Ready to make")
			s.keys("enter")
			return s.waitFor("checks verified")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			opt := c.opt()
			opt.Backend = c.be
			opt.DesignPath = "orgwizard.yaml"
			s := start(t, opt)
			golden.RequireEqual(t, c.run(s))
		})
	}
}
