package ui

import (
	"fmt"
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
	var opts []huh.Option[int]
	for i, c := range st.backend.Targets() {
		opts = append(opts, huh.NewOption(c.Label, i))
	}
	s.form = newEmbeddedForm(huh.NewGroup(
		huh.NewSelect[int]().
			Title("Where should the organization be built?").
			Description("Start with the sandbox: a simulated AWS on this machine. Nothing real is touched.").
			Options(opts...).
			Value(&s.choice),
	))
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
		return goTo(wizard.Preflight)
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

// preflightScreen shows who we are and what exists before designing.
type preflightScreen struct {
	st      *state
	loading bool
	err     error
	w, h    int
}

type preflightMsg struct {
	pre Preflight
	err error
}

func newPreflightScreen(st *state) *preflightScreen { return &preflightScreen{st: st, loading: true} }

func (s *preflightScreen) Init() tea.Cmd {
	b, ctx := s.st.backend, s.st.ctx
	return func() tea.Msg {
		p, err := b.Preflight(ctx)
		return preflightMsg{p, err}
	}
}

func (s *preflightScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case preflightMsg:
		s.loading, s.err = false, msg.err
		s.st.pre = msg.pre
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, s.st.keys.Enter) && !s.loading && s.err == nil && s.st.pre.Management():
			return goTo(s.st.resume)
		case key.Matches(msg, s.st.keys.Retry) && s.err != nil:
			s.loading, s.err = true, nil
			return s.Init()
		}
	}
	return nil
}

func (s *preflightScreen) View() string {
	st := s.st.styles
	if s.loading {
		return "\n" + st.Active.Render("Checking the account …")
	}
	if s.err != nil {
		return "\n" + st.Error.Render(strings.Join(wrap("✗ "+s.err.Error(), s.w), "\n")) + "\n\nPress r to try again, or esc to choose another target."
	}
	p := s.st.pre
	var lines []string
	ok := func(text string) { lines = append(lines, wrapMark(st.OK.Render("✓"), text, s.w)...) }
	bad := func(text string) { lines = append(lines, wrapMark(st.Fail.Render("✗"), text, s.w)...) }
	warn := func(text string) { lines = append(lines, wrapMark(st.Warn.Render("!"), text, s.w)...) }
	ok("Signed in as account " + p.AccountID + ".")
	switch {
	case p.Organization == nil:
		ok("No organization yet. The wizard will create one, and this account becomes its management account: the one that pays and governs, and runs nothing else.")
	case p.Management():
		ok(fmt.Sprintf("Organization %s exists and this account is its management account. Accounts in it now: %d.", p.Organization.ID, p.Accounts))
	default:
		bad(fmt.Sprintf("This account is a member of organization %s, whose management account is %s. Sign in to the management account (esc, then choose its profile).", p.Organization.ID, p.Organization.ManagementAccountID))
	}
	if p.Quota > 0 {
		ok(fmt.Sprintf("Accounts quota: %d per organization (%s). AWS's default of 10 fits a startup's first design; a bigger one needs a quota increase, asked for in Service Quotas.", p.Quota, p.QuotaSource))
	}
	switch {
	case p.Resources < 0:
		warn("Inventory: " + p.Inventory)
	case p.Resources == 0:
		ok("Inventory: " + p.Inventory)
	default:
		warn("Inventory: " + p.Inventory + " The management account should run no workloads; moving them out comes with orgwizard audit.")
	}
	if s.st.resume > wizard.Basics {
		lines = append(lines, "", st.Muted.Render(fmt.Sprintf("Your design in %s is read in; you go on at %s.", s.st.path, s.st.resume.Info().Title)))
	}
	if p.Management() {
		lines = append(lines, "", "Press enter to design the organization.")
	}
	return strings.Join(lines, "\n")
}

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

func (s *preflightScreen) SetSize(w, h int) { s.w, s.h = w, h }
func (s *preflightScreen) Keys() []key.Binding {
	if s.err != nil {
		return []key.Binding{s.st.keys.Retry}
	}
	if !s.loading && !s.st.pre.Management() {
		return []key.Binding{s.st.keys.Close}
	}
	return []key.Binding{s.st.keys.Enter}
}
func (s *preflightScreen) Typing() bool { return false }
