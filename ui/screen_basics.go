package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// basicsScreen asks the organization's name, mailbox and home region, and
// shows the account emails that result while the user types.
type basicsScreen struct {
	st   *state
	form *embeddedForm
	// a is what the form holds: the design's values at first, what the user
	// typed when the form opens again after a refused answer.
	a wizard.BasicsAnswers
	// addr is the mailbox (or template) field; addrLeft: the user has been
	// to it and moved on, or an answer was refused. Until then the account
	// emails line previews an example rather than complaining about a
	// mailbox nobody has had the chance to type.
	addr     *huh.Input
	addrLeft bool
	w, h     int
	// formH is the height the form was last given (fit), with the
	// refusals it showed then.
	formH    int
	formErrs string
}

func newBasicsScreen(st *state) *basicsScreen {
	s := &basicsScreen{st: st, a: wizard.BasicsOf(st.design)}
	s.form = s.newForm()
	return s
}

// newForm asks the basics step's questions for what s holds.
func (s *basicsScreen) newForm() *embeddedForm {
	q := wizard.BasicsQuestions
	// On a new design, the region where most of the account's resources
	// run is proposed; the field says why.
	home := q.HomeRegion
	if hint := s.st.homeHint; hint != "" {
		home.Help += " " + hint
	}
	s.addr = fieldOf(s.a.AddressQuestion, &s.a.From, &s.a.Address)
	return newEmbeddedForm(huh.NewGroup(
		field(q.Name, &s.a.Name),
		choice(q.From, &s.a.From).Inline(true),
		s.addr,
		field(home, &s.a.Region),
		field(q.Tags, &s.a.Tags),
	))
}

func (s *basicsScreen) Init() tea.Cmd { return s.form.Init() }

func (s *basicsScreen) Update(msg tea.Msg) tea.Cmd {
	wasAddr := s.onAddr()
	cmd, done := s.form.Update(msg)
	if k, ok := msg.(tea.KeyPressMsg); wasAddr && (!s.onAddr() || ok && key.Matches(k, formNext) && s.addr.Error() != nil) {
		// Moved on, or enter refused what was typed: the line says why.
		s.addrLeft = true
	}
	if !done {
		return tea.Batch(cmd, s.fit())
	}
	if err := s.a.Apply(s.st.design); err != nil {
		// The answers stay as typed, for the user to correct.
		s.addrLeft = true
		s.form = s.newForm()
		s.SetSize(s.w, s.h)
		return tea.Batch(s.form.Init(), sayErr(err))
	}
	s.st.fresh = false // the home region is the user's now: no sweep proposes another
	s.st.goNow(wizard.Workloads)
	return nil
}

func (s *basicsScreen) View() string {
	return strings.Join(s.tailLines(), "\n") + "\n" + s.form.View()
}

// fit gives the form the lines the account emails line leaves, which
// change as the user types, and the form draws its fields again for that
// height: a form given less than it needs scrolls its first title away
// as soon as the focus moves on.
func (s *basicsScreen) fit() tea.Cmd {
	h := max(s.h-len(s.tailLines()), 3)
	// huh sizes the fields' viewport from the height less its footer, the
	// refusal of an answer: a refusal that comes or goes sizes it again.
	errs := fmt.Sprint(s.form.form.Errors())
	if h == s.formH && errs == s.formErrs {
		return nil
	}
	s.formH, s.formErrs = h, errs
	s.form.SetSize(s.w, s.formHeight())
	return s.form.pass(redrawMsg{})
}

// formHeight is formH for huh: it counts a refusal's lines, not the blank
// line it draws above them.
func (s *basicsScreen) formHeight() int {
	if len(s.form.form.Errors()) > 0 {
		return max(s.formH-1, 3)
	}
	return s.formH
}

// size gives the form its height without drawing it again: SetSize has no
// way to pass on the commands a draw returns (such as loading a field's
// title), so the next Update draws it.
func (s *basicsScreen) size() {
	s.formH, s.formErrs = max(s.h-len(s.tailLines()), 3), fmt.Sprint(s.form.form.Errors())
	s.form.SetSize(s.w, s.formHeight())
}

// tailLines are the account emails line, wrapped to the window.
func (s *basicsScreen) tailLines() []string {
	st := s.st.styles
	emails, err := wizard.ExampleEmails(s.a.Draft(s.st.design), 3)
	var tail string
	switch {
	case err != nil && !s.addrLeft:
		// Nothing typed yet, or being typed: what an example gives.
		tail = s.emailsPreview()
	case err != nil:
		if aerr := s.a.AddressQuestion().Valid(strings.TrimSpace(s.a.Address)); aerr != nil {
			err = aerr
		}
		tail = st.Muted.Render("Account emails: " + firstLine(err.Error()))
	default:
		tail = st.Muted.Render("Account emails: ") + strings.Join(emails, ", ") + st.Muted.Render(" …")
	}
	return wrap(tail, s.w)
}

// onAddr reports whether the mailbox (or template) field has focus.
func (s *basicsScreen) onAddr() bool {
	return s.form.form.GetFocusedField() == huh.Field(s.addr)
}

// emailsPreview is the account emails line before the user has given the
// mailbox: the emails the question's example would make, which shows what
// "+ addressing" (or a template) does.
func (s *basicsScreen) emailsPreview() string {
	st := s.st.styles
	q := s.a.AddressQuestion()
	a := s.a
	a.Address = q.Example
	emails, err := wizard.ExampleEmails(a.Draft(s.st.design), 2)
	if err != nil {
		// An example that does not check out is a bug; say the question.
		return st.Muted.Render("Account emails: " + q.Title)
	}
	lead := "Account emails, with " + q.Example + " as the mailbox: "
	if a.From == wizard.FromTemplate {
		lead = "Account emails, with the template " + q.Example + ": "
	}
	text := st.Muted.Render(lead) + strings.Join(emails, ", ") + st.Muted.Render(" …")
	if len(wrap(text, s.w)) > 2 && len(emails) > 1 {
		// A narrow window: one email says it as well, in two lines.
		text = st.Muted.Render(lead) + emails[0] + st.Muted.Render(" …")
	}
	return text
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func (s *basicsScreen) SetSize(w, h int) { s.w, s.h = w, h; s.size() }
func (s *basicsScreen) Keys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete region")),
	}
}
func (s *basicsScreen) Typing() bool { return true }

// Unsaved and Keep let a ctrl+c keep the answers typed so far.
func (s *basicsScreen) Unsaved() bool { return s.a != wizard.BasicsOf(s.st.design) }
func (s *basicsScreen) Keep() error   { return s.a.Apply(s.st.design) }
