package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// toggle is one switch of the guardrails screen and why it matters.
type toggle struct {
	section, label, why string
	value               func(d *orgmodel.Design) *bool
}

var toggles = []toggle{
	{"Guardrails", "Deny leaving the organization", "A member account cannot walk off with its data, bills and people beyond your control.",
		func(d *orgmodel.Design) *bool { return &d.Guardrails.DenyLeaveOrganization }},
	{"Guardrails", "Region lock", "Accounts use only their residency's regions (or yours): data stays where the law wants it, and no one runs up bills in a region you never watch.",
		func(d *orgmodel.Design) *bool { return &d.Guardrails.RegionLock }},
	{"Guardrails", "Deny the root user", "Members' root users, the one login no permission can limit, can do nothing: people sign in with their own identities.",
		func(d *orgmodel.Design) *bool { return &d.Guardrails.DenyRootUser }},
	{"Foundation OUs", "Security: log-archive, security-tooling", "Logs that nobody in a workload can delete, and one place for security tools: what an auditor asks for first.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Security }},
	{"Foundation OUs", "Infrastructure: network, shared-services", "Shared networking and tools in their own accounts; worth it once several workloads share a network.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Infrastructure }},
	{"Foundation OUs", "Sandbox", "An OU for experiments, away from workloads and their data.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Sandbox }},
	{"Foundation OUs", "Suspended", "Where accounts wait before they are closed, with no access: nothing is lost by mistake.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Suspended }},
	{"Foundation OUs", "Transitional", "Where accounts brought in from outside wait until they are cleaned up and placed.",
		func(d *orgmodel.Design) *bool { return &d.Foundation.Transitional }},
}

// guardrailsScreen switches the guardrails and foundation OUs, and the layout.
type guardrailsScreen struct {
	st   *state
	list cursorList
	w, h int
	// accounts is the adopted accounts' panel while it is open (o).
	accounts *accountsPanel
}

func newGuardrailsScreen(st *state) *guardrailsScreen {
	s := &guardrailsScreen{st: st}
	if st.openAccounts {
		st.openAccounts = false
		s.accounts = newAccountsPanel(st)
	}
	return s
}

func (s *guardrailsScreen) Init() tea.Cmd {
	if s.accounts != nil {
		return s.accounts.Init()
	}
	return nil
}
func (s *guardrailsScreen) Typing() bool      { return s.accounts != nil && s.accounts.Typing() }
func (s *guardrailsScreen) HandlesBack() bool { return s.accounts != nil }

// layouts are the layout radio's choices, the rows after the toggles.
var layouts = []struct {
	layout orgmodel.Layout
	label  string
}{
	{orgmodel.ByEnvironment, "by environment: Workloads/prod holds all prod accounts (AWS's advice)"},
	{orgmodel.ByWorkload, "by workload: Workloads/<workload> holds all its accounts"},
}

// rows is the toggles and, last, the layout's choices.
func (s *guardrailsScreen) rows() int { return len(toggles) + len(layouts) }

func (s *guardrailsScreen) Update(msg tea.Msg) tea.Cmd {
	keys := s.st.keys
	if s.accounts != nil {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, keys.Back) && s.accounts.form == nil {
			s.accounts = nil
			return nil
		}
		return s.accounts.Update(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	d := s.st.design
	switch {
	case key.Matches(k, keys.Accounts):
		s.accounts = newAccountsPanel(s.st)
		s.accounts.SetSize(s.w, s.h)
		return s.accounts.Init()
	case s.list.move(keys, k, s.rows()):
	case key.Matches(k, keys.Toggle) || key.Matches(k, keys.Enter):
		if s.list.cursor < len(toggles) {
			v := toggles[s.list.cursor].value(d)
			*v = !*v
		} else {
			d.Layout = layouts[s.list.cursor-len(toggles)].layout
		}
	case key.Matches(k, keys.Next):
		if err := wizard.Check(wizard.Guardrails, d); err != nil {
			return sayErr(err)
		}
		s.st.goNow(wizard.Preview)
		return nil
	}
	return nil
}

func (s *guardrailsScreen) View() string {
	if s.accounts != nil {
		return s.accounts.View()
	}
	st := s.st.styles
	d := s.st.design
	var lines []string
	section := ""
	s.list.clamp(s.rows())
	mark := func(i int, text string) string {
		if i == s.list.cursor {
			return st.Selected.Render("▸ " + text)
		}
		return "  " + text
	}
	for i, t := range toggles {
		if t.section != section {
			section = t.section
			lines = append(lines, st.Bold.Render(section))
		}
		box := "[ ]"
		if *t.value(d) {
			box = "[x]"
		}
		lines = append(lines, mark(i, box+" "+t.label))
	}
	lines = append(lines, st.Bold.Render("Layout"))
	for i, l := range layouts {
		radio := "( ) "
		if d.Layout == l.layout || d.Layout == "" && l.layout == orgmodel.ByEnvironment {
			radio = "(•) "
		}
		lines = append(lines, mark(len(toggles)+i, radio+l.label))
	}
	why := "Groups accounts in the Workloads OU. By environment puts every prod account under one OU and one set of rules."
	if s.list.cursor < len(toggles) {
		why = toggles[s.list.cursor].why
	}
	lines = append(lines, "")
	lines = append(lines, wrapMark(st.Active.Render("ⓘ"), why, s.w)...)
	if len(lines) > s.h {
		// Keep the explanation: drop section headings first.
		var kept []string
		for _, l := range lines {
			if l == st.Bold.Render("Guardrails") || l == st.Bold.Render("Foundation OUs") || l == st.Bold.Render("Layout") {
				continue
			}
			kept = append(kept, l)
		}
		lines = kept
	}
	return strings.Join(lines, "\n")
}

func (s *guardrailsScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.list.h = h
	if s.accounts != nil {
		s.accounts.SetSize(w, h)
	}
}

func (s *guardrailsScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.accounts != nil {
		return s.accounts.Keys()
	}
	adopted := k.Accounts
	if n := len(s.st.design.Accounts); n > 0 {
		adopted.SetHelp("o", fmt.Sprintf("adopted accounts (%d)", n))
	}
	return []key.Binding{k.Move, key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "switch")), adopted, k.Next}
}

// confirmScreen asks before anything changes; on real AWS the user types
// the account id.
type confirmScreen struct {
	st    *state
	typed string
	w, h  int
}

func newConfirmScreen(st *state) *confirmScreen { return &confirmScreen{st: st} }

func (s *confirmScreen) Init() tea.Cmd { return nil }
func (s *confirmScreen) Typing() bool  { return !s.st.target.Sandbox }

func (s *confirmScreen) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if s.st.target.Sandbox {
		if k.String() == "enter" || k.String() == "y" {
			return goTo(wizard.Apply)
		}
		return nil
	}
	switch k.String() {
	case "enter":
		if strings.TrimSpace(s.typed) != s.st.target.AccountID {
			return sayErr(fmt.Errorf("%q is not %s; type the account id to apply, or esc to go back", s.typed, s.st.target.AccountID))
		}
		return goTo(wizard.Apply)
	case "backspace":
		if s.typed != "" {
			s.typed = s.typed[:len(s.typed)-1]
		}
	default:
		if t := k.Text; t != "" && len(s.typed) < 12 {
			s.typed += t
		}
	}
	return nil
}

func (s *confirmScreen) View() string {
	st := s.st.styles
	p := s.st.plan
	lines := []string{
		st.Bold.Render(fmt.Sprintf("Ready to make %d changes to %s.", len(p.Steps), s.st.target.Describe)), "",
		fmt.Sprintf("  %d OUs and %d accounts to create, %d accounts to move, %d to tag,", p.Count(orgmodel.StepCreateOU), p.Count(orgmodel.StepCreateAccount), p.Count(orgmodel.StepMoveAccount), p.Count(orgmodel.StepTagAccount)),
		fmt.Sprintf("  %d guardrails to create or update and %d attachments.", p.Count(orgmodel.StepCreatePolicy)+p.Count(orgmodel.StepUpdatePolicy), p.Count(orgmodel.StepAttachPolicy)),
		"", st.Muted.Render("Nothing is deleted. You can stop at any moment with ctrl+c and go on later."), "",
	}
	if s.st.target.Sandbox {
		lines = append(lines, "This is the sandbox: nothing real changes. Press enter to apply.")
	} else {
		lines = append(lines, st.Warn.Render("This changes the real AWS account "+s.st.target.AccountID+"."),
			"Type the account id to apply: "+s.typed+"▏")
	}
	return strings.Join(lines, "\n")
}

func (s *confirmScreen) SetSize(w, h int) { s.w, s.h = w, h }
func (s *confirmScreen) Keys() []key.Binding {
	if s.st.target.Sandbox {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply"))}
	}
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply once the id matches"))}
}
