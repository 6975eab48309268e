package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// targetScreen asks where to build: the sandbox or an AWS profile.
type targetScreen struct {
	st         *state
	form       *embeddedForm
	choice     int
	connecting bool
	err        error
	w, h       int
}

type connectedMsg struct {
	info TargetInfo
	err  error
}

func newTargetScreen(st *state) *targetScreen {
	s := &targetScreen{st: st}
	s.form = newEmbeddedForm(huh.NewGroup(indexed(wizard.TargetChoice, labels(st.backend.Targets()), &s.choice)))
	return s
}

func (s *targetScreen) Init() tea.Cmd { return s.form.Init() }

func (s *targetScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case connectedMsg:
		s.connecting = false
		if msg.err != nil {
			s.err = msg.err
			s.form = newTargetScreen(s.st).form
			s.form.SetSize(s.w, s.h-4)
			return s.form.Init()
		}
		s.st.target = msg.info
		// At once, not through a message: a key held during the wait goes
		// to the preflight, never to this form.
		s.st.goNow(wizard.Preflight)
		return nil
	}
	if s.connecting {
		return nil
	}
	cmd, done := s.form.Update(msg)
	if done {
		s.connecting = true
		s.err = nil
		choice := s.st.backend.Targets()[s.choice]
		s.st.choice = choice
		b, ctx := s.st.backend, s.st.ctx
		return func() tea.Msg {
			info, err := b.Connect(ctx, choice)
			return connectedMsg{info, err}
		}
	}
	return cmd
}

func (s *targetScreen) View() string {
	st := s.st.styles
	if s.connecting {
		return "\n" + st.Active.Render("Connecting to "+s.st.choice.Label+" …")
	}
	out := s.form.View()
	if s.err != nil {
		out += "\n" + st.Error.Render(strings.Join(wrap("✗ "+s.err.Error(), s.w), "\n"))
	}
	return out
}

func (s *targetScreen) SetSize(w, h int) { s.w, s.h = w, h; s.form.SetSize(w, h-4) }
func (s *targetScreen) Keys() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")), s.st.keys.Enter}
}
func (s *targetScreen) Typing() bool { return false }

// Waiting: while connecting, keys are held for the next screen.
func (s *targetScreen) Waiting() bool { return s.connecting }

// wrapMark wraps text after a one-cell mark, indenting the continuation.
func wrapMark(mark, text string, w int) []string {
	lines := wrap(text, w-2)
	for i := range lines {
		if i == 0 {
			lines[i] = mark + " " + lines[i]
		} else {
			lines[i] = "  " + lines[i]
		}
	}
	return lines
}
