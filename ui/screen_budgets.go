package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// budgetsPanel edits the design's budgets block: on or off, the default
// monthly budget per account, one per environment, the alerts and who hears
// them. It opens from the guardrails step with b, as one form: submitting
// puts the answers into the design, esc closes it unchanged.
type budgetsPanel struct {
	formHost
	st    *state
	draft wizard.BudgetAnswers
}

func newBudgetsPanel(st *state, w, h int) (*budgetsPanel, tea.Cmd) {
	p := &budgetsPanel{st: st, draft: wizard.BudgetsOf(st.design)}
	p.formHost.SetSize(w, h)
	return p, p.open()
}

func (p *budgetsPanel) open() tea.Cmd {
	cmd := p.openForm("Budgets", group(wizard.BudgetForm(p.st.design, &p.draft)))
	p.SetSize(p.w, p.h)
	return cmd
}

// lead is the panel's explanation, wrapped to its width.
func (p *budgetsPanel) lead() []string { return wrap(wizard.BudgetsLead, p.w) }

// SetSize gives the form what the title and the lead leave.
func (p *budgetsPanel) SetSize(w, h int) {
	p.w, p.h = w, h
	if p.form != nil {
		p.form.SetSize(w, max(h-3-len(p.lead())-1, 3))
	}
}

// Update passes msg to the form; done reports that the panel closed.
func (p *budgetsPanel) Update(msg tea.Msg) (cmd tea.Cmd, done bool) {
	cmd = p.updateForm(msg, p.st.keys.Back, p.save)
	return cmd, p.form == nil
}

// save puts the answers into the design; answers it refuses open the form
// again, as they were typed, under the message that says what to change.
func (p *budgetsPanel) save() tea.Cmd {
	if err := p.draft.Apply(p.st.design); err != nil {
		return tea.Batch(p.open(), sayErr(err))
	}
	return say("%s", wizard.BudgetsSummary(p.st.design))
}

func (p *budgetsPanel) View() string {
	st := p.st.styles
	return st.Bold.Render(p.title) + "\n" + st.Muted.Render(strings.Join(p.lead(), "\n")) + "\n\n" + p.form.View()
}

func (p *budgetsPanel) Keys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field / save")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to guardrails")),
	}
}
