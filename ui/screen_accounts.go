package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// accountsPanel edits the design's accounts[]: existing accounts the design
// places in an OU (an old management account, an account invited long ago).
// It opens from the guardrails step with o, and lists beside them the
// accounts the organization has and the design does not name, so that one
// can be adopted into an OU rather than left alone.
type accountsPanel struct {
	formHost
	undoable
	st   *state
	list cursorList
	// plan is the last plan read, for what it leaves alone; reading is
	// set while it is read, readErr when it could not be.
	plan    *orgmodel.Plan
	reading bool
	readErr error
	editing int // index in accounts[], -1 adds
	draft   orgmodel.AdoptedAccount
	// key is the id or email typed for a new account.
	key string
}

// foundMsg is the plan read for the accounts the design does not name.
type foundMsg struct {
	plan *orgmodel.Plan
	err  error
}

func newAccountsPanel(st *state) *accountsPanel {
	return &accountsPanel{st: st, plan: st.plan}
}

// found are the accounts the plan leaves alone that the design does not
// adopt yet: adopting one, or undoing its deletion, takes it off the list.
func (p *accountsPanel) found() []orgmodel.Unmanaged { return wizard.Adoptable(p.st.design, p.plan) }

// Init reads the organization when the target has one, for the accounts
// it holds that the design does not name.
func (p *accountsPanel) Init() tea.Cmd {
	if p.st.pre.Organization == nil || p.st.backend == nil {
		return nil
	}
	tree, err := p.st.design.Expand()
	if err != nil {
		p.readErr = err
		return nil
	}
	p.reading = true
	b, ctx := p.st.backend, p.st.ctx
	return func() tea.Msg {
		plan, _, err := b.Plan(ctx, tree)
		return foundMsg{plan, err}
	}
}

// rows is accounts[] then the adoptable accounts.
func (p *accountsPanel) rows() int { return len(p.st.design.Accounts) + len(p.found()) }

func (p *accountsPanel) ouSelect(value *string) *huh.Select[string] {
	c := wizard.OUChoice(p.st.design)
	// The fields above it take three lines, its title one.
	return choice(c, value).Height(min(len(c.Options)+1, max(p.formHeight()-4, 3)))
}

// edit opens the form for accounts[i], or a new account when i < 0.
func (p *accountsPanel) edit(i int) tea.Cmd {
	p.editing, p.draft, p.key = i, orgmodel.AdoptedAccount{OU: orgmodel.OUTransitional}, ""
	if i >= 0 {
		p.draft = p.st.design.Accounts[i]
		p.key = p.draft.ID
		if p.key == "" {
			p.key = p.draft.Email
		}
	}
	return p.openForm(editTitle("adopted account", i, p.draft.Name), group(wizard.AccountForm(&p.draft.Name, &p.key), p.ouSelect(&p.draft.OU)))
}

// adopt opens the form that places found account u in an OU.
func (p *accountsPanel) adopt(u orgmodel.Unmanaged) tea.Cmd {
	p.editing, p.key = -1, u.ID
	p.draft = orgmodel.AdoptedAccount{Name: wizard.AdoptName(u), ID: u.ID, OU: orgmodel.OUTransitional}
	return p.openForm(fmt.Sprintf("Adopt %s (%s), now in %s", u.Name, u.ID, rootIfEmpty(u.Path)), group([]wizard.Field{wizard.Ask(wizard.AdoptQuestion, &p.draft.Name)}, p.ouSelect(&p.draft.OU)))
}

func (p *accountsPanel) save() tea.Cmd {
	a, err := wizard.SetAccount(p.st.design, p.editing, p.draft.Name, p.key, p.draft.OU)
	if err != nil {
		return sayErr(err)
	}
	p.forget()
	return say("account %s placed in %s", a.Name, a.OU)
}

func (p *accountsPanel) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(foundMsg); ok {
		p.reading, p.readErr = false, m.err
		if m.err == nil {
			p.plan = m.plan
		}
		return nil
	}
	if p.form != nil {
		return p.updateForm(msg, p.st.keys.Back, p.save)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	d, keys := p.st.design, p.st.keys
	switch {
	case p.list.move(keys, k, p.rows()):
	case key.Matches(k, keys.Add):
		return p.edit(-1)
	case key.Matches(k, keys.Edit) && p.list.cursor < len(d.Accounts):
		return p.edit(p.list.cursor)
	case key.Matches(k, keys.Edit) && p.list.cursor < p.rows():
		return p.adopt(p.found()[p.list.cursor-len(d.Accounts)])
	case key.Matches(k, keys.Delete) && p.list.cursor < len(d.Accounts):
		cmd := p.deleting(d, "adopted account "+d.Accounts[p.list.cursor].Name)
		d.Accounts = slices.Delete(d.Accounts, p.list.cursor, p.list.cursor+1)
		return cmd
	case key.Matches(k, keys.Undo):
		return p.undo(d)
	}
	return nil
}

func (p *accountsPanel) View() string {
	st := p.st.styles
	if p.form != nil {
		return p.formView(st)
	}
	d := p.st.design
	intro := wrap(wizard.AdoptedLead, p.w)
	lines := []string{st.Bold.Render("Adopted accounts"), st.Muted.Render(strings.Join(intro, "\n")), ""}
	var rows []string
	for _, a := range d.Accounts {
		who := a.ID
		if who == "" {
			who = a.Email
		}
		rows = append(rows, fmt.Sprintf("%-20s %-24s → %s", a.Name, who, a.OU))
	}
	for _, u := range p.found() {
		rows = append(rows, fmt.Sprintf("%-20s %-14s %s", u.Name, u.ID, st.Muted.Render("found, not in the design: enter adopts")))
	}
	if len(rows) == 0 {
		lines = append(lines, "No adopted account. Press a to add one.")
	}
	note := ""
	switch {
	case p.reading:
		note = "Reading the organization for accounts the design does not name …"
	case p.readErr != nil:
		note = "Could not read the organization's accounts: " + firstLine(p.readErr.Error())
	}
	p.list.h = max(p.h-len(lines)-3, 1)
	lines = append(lines, p.list.window(st, rows)...)
	if note != "" {
		lines = append(lines, "", st.Muted.Render(note))
	}
	return strings.Join(lines, "\n")
}

func (p *accountsPanel) SetSize(w, h int) {
	p.formHost.SetSize(w, h)
}

func (p *accountsPanel) Keys() []key.Binding {
	k := p.st.keys
	if p.form != nil {
		return editKeys()
	}
	keys := []key.Binding{k.Move, k.Add}
	if p.rows() > 0 {
		keys = append(keys, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit / adopt")))
	}
	if len(p.st.design.Accounts) > 0 {
		keys = append(keys, k.Delete)
	}
	keys = append(keys, p.undoKeys(k)...)
	return append(keys, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to guardrails")))
}
