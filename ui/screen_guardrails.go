package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// guardrailsScreen switches the guardrails and foundation OUs, and the layout.
type guardrailsScreen struct {
	st   *state
	list cursorList
	w, h int
	// accounts is the adopted accounts' panel while it is open (o).
	accounts *accountsPanel
	// budgets is the budgets' panel while it is open (b).
	budgets *budgetsPanel
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
func (s *guardrailsScreen) Typing() bool {
	return s.budgets != nil || s.accounts != nil && s.accounts.Typing()
}
func (s *guardrailsScreen) HandlesBack() bool { return s.accounts != nil || s.budgets != nil }

// rows is the toggles and, last, the layout's choices.
func (s *guardrailsScreen) rows() int { return len(wizard.Toggles) + len(wizard.LayoutChoice.Options) }

func (s *guardrailsScreen) Update(msg tea.Msg) tea.Cmd {
	keys := s.st.keys
	if s.budgets != nil {
		cmd, done := s.budgets.Update(msg)
		if done {
			s.budgets = nil
		}
		return cmd
	}
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
	case key.Matches(k, keys.Budgets):
		var cmd tea.Cmd
		s.budgets, cmd = newBudgetsPanel(s.st, s.w, s.h)
		return cmd
	case s.list.move(keys, k, s.rows()):
	case key.Matches(k, keys.Toggle) || key.Matches(k, keys.Enter):
		if s.list.cursor < len(wizard.Toggles) {
			v := wizard.Toggles[s.list.cursor].Value(d)
			*v = !*v
		} else {
			d.Layout = orgmodel.Layout(wizard.LayoutChoice.Options[s.list.cursor-len(wizard.Toggles)].Value)
		}
	case key.Matches(k, keys.Next):
		if err := wizard.Check(wizard.Guardrails, d); err != nil {
			return sayErr(err)
		}
		s.st.goNow(wizard.Baseline)
		return nil
	}
	return nil
}

func (s *guardrailsScreen) View() string {
	if s.budgets != nil {
		return s.budgets.View()
	}
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
	for i, t := range wizard.Toggles {
		if t.Section != section {
			section = t.Section
			lines = append(lines, st.Bold.Render(section))
		}
		box := "[ ]"
		if *t.Value(d) {
			box = "[x]"
		}
		lines = append(lines, mark(i, box+" "+t.Label))
	}
	lines = append(lines, st.Bold.Render("Layout"))
	for i, l := range wizard.LayoutChoice.Options {
		radio := "( ) "
		if wizard.LayoutOf(d) == orgmodel.Layout(l.Value) {
			radio = "(•) "
		}
		// A layout's label says where its accounts go: wrapped, never cut.
		for j, part := range wrap(l.Label, s.w-6) {
			if j == 0 {
				lines = append(lines, mark(len(wizard.Toggles)+i, radio+part))
			} else {
				lines = append(lines, "      "+part)
			}
		}
	}
	why := wizard.LayoutChoice.Help
	if s.list.cursor < len(wizard.Toggles) {
		why = wizard.Toggles[s.list.cursor].Why
	}
	summary, _ := strings.CutPrefix(wizard.BudgetsSummary(d), "Budgets:")
	if d.Budgets == nil {
		summary += " (b adds them)"
	}
	for i, l := range wrap("Budgets:"+summary, s.w) {
		if i == 0 {
			l = st.Bold.Render("Budgets:") + strings.TrimPrefix(l, "Budgets:")
		}
		lines = append(lines, l)
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
	if s.budgets != nil {
		s.budgets.SetSize(w, h)
	}
}

func (s *guardrailsScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.budgets != nil {
		return s.budgets.Keys()
	}
	if s.accounts != nil {
		return s.accounts.Keys()
	}
	adopted := k.Accounts
	if n := len(s.st.design.Accounts); n > 0 {
		adopted.SetHelp("o", fmt.Sprintf("adopted accounts (%d)", n))
	}
	return []key.Binding{k.Move, key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "switch")), adopted, k.Budgets, k.Next}
}

// confirmScreen asks before anything changes; on real AWS the user types
// the account id.
type confirmScreen struct {
	st    *state
	typed string
	w, h  int
	// gate asks for IAM Identity Center first when the design has access.
	gate identityGate
}

func newConfirmScreen(st *state) *confirmScreen {
	return &confirmScreen{st: st, gate: identityGate{st: st}}
}

func (s *confirmScreen) Init() tea.Cmd { return s.gate.Init() }
func (s *confirmScreen) Typing() bool  { return !s.gate.open() && !s.st.target.Sandbox }

func (s *confirmScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case identityMsg, identityTickMsg, replannedMsg:
		return s.gate.Update(msg)
	case tea.KeyPressMsg:
		if s.gate.open() {
			return s.gate.Update(msg)
		}
	}
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
		if err := wizard.ApplyQuestion(s.st.target.AccountID).Valid(s.typed); err != nil {
			return sayErr(fmt.Errorf("%w, or esc to go back", err))
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
	if s.gate.open() || s.gate.err != nil && s.st.plan == nil {
		return s.gate.View(s.w)
	}
	st := s.st.styles
	p := s.st.plan
	accounts, guardrails := wizard.ConfirmChanges(p)
	// Every sentence is wrapped: a narrow window must not cut what is
	// about to change, nor the key that applies it. A short one loses the
	// blank lines first, then says the changes in brief, then leaves out
	// that access follows (a new organization's), then the safety sentence.
	var title, details, brief, safety, ask []string
	for _, l := range wrap(fmt.Sprintf("Ready to make %d changes to %s.", len(p.Steps), s.st.target.Describe), s.w) {
		title = append(title, st.Bold.Render(l))
	}
	if organizationSteps(p) > 0 {
		// A plan of access or baseline steps alone has no "0 OUs".
		details = append(details, wrapMark(" ", accounts, s.w)...)
		details = append(details, wrapMark(" ", guardrails, s.w)...)
	}
	if b := wizard.ConfirmBaseline(p); b != "" {
		details = append(details, wrapMark(" ", b, s.w)...)
	}
	if a := wizard.ConfirmAccess(p); a != "" {
		details = append(details, wrapMark(" ", a, s.w)...)
	}
	brief = wrapMark(" ", wizard.ConfirmBrief(p), s.w)
	var skipped []string
	if s.st.skipAccess {
		skipped = wrapMark(" ", "Access is skipped this time: IAM Identity Center is left alone.", s.w)
	}
	bare := brief
	if s.st.orgFirst && s.st.heldAccess > 0 {
		// The preview counted them: say where they went, unless the window
		// is too short even for the safety sentence with it.
		follows := wrapMark(" ", wizard.AccessFollowsText(s.st.heldAccess), s.w)
		details = append(details, follows...)
		brief = append(brief[:len(brief):len(brief)], follows...)
	}
	for _, l := range wrap(wizard.ConfirmSafety, s.w) {
		safety = append(safety, st.Muted.Render(l))
	}
	if s.st.target.Sandbox {
		ask = wrap("This is the sandbox: nothing real changes. Press enter to apply.", s.w)
	} else {
		q := wizard.ApplyQuestion(s.st.target.AccountID)
		for _, l := range wrap(q.Help, s.w) {
			ask = append(ask, st.Warn.Render(l))
		}
		ask = append(ask, q.Title+": "+s.typed+"▏")
	}
	join := func(blank bool, parts ...[]string) []string {
		var out []string
		for i, p := range parts {
			if blank && i > 0 && len(p) > 0 && i != 2 {
				out = append(out, "")
			}
			out = append(out, p...)
		}
		return out
	}
	// title, changes, skipped access, safety, ask: a blank line between
	// all but the changes and the skipped access.
	lines := join(true, title, details, skipped, safety, ask)
	for _, try := range [][]string{
		join(false, title, details, skipped, safety, ask),
		join(true, title, brief, skipped, safety, ask),
		join(false, title, brief, skipped, safety, ask),
		join(false, title, bare, skipped, safety, ask),
		join(false, title, bare, skipped, nil, ask),
	} {
		if s.h <= 0 || len(lines) <= s.h {
			break
		}
		lines = try
	}
	return strings.Join(lines, "\n")
}

// organizationSteps counts the plan's steps that ConfirmChanges says.
func organizationSteps(p *orgmodel.Plan) int {
	n := 0
	for _, k := range []orgmodel.StepKind{orgmodel.StepCreateOU, orgmodel.StepCreateAccount, orgmodel.StepMoveAccount, orgmodel.StepTagAccount,
		orgmodel.StepCreatePolicy, orgmodel.StepUpdatePolicy, orgmodel.StepAttachPolicy} {
		n += p.Count(k)
	}
	return n
}

func (s *confirmScreen) SetSize(w, h int) { s.w, s.h, s.gate.h = w, h, h }
func (s *confirmScreen) Keys() []key.Binding {
	if s.gate.open() {
		return s.gate.Keys()
	}
	if s.st.target.Sandbox {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply"))}
	}
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply once the id matches"))}
}
