package ui

import (
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// formDoneMsg says the embedded form was submitted.
type formDoneMsg struct{ id int }

// formIDs numbers forms; atomic because tests run wizards in parallel.
var formIDs atomic.Int64

// embeddedForm is a huh form inside a screen: huh's own help is off (the
// footer shows its keys) and submitting sends formDoneMsg with the form's id.
type embeddedForm struct {
	form *huh.Form
	id   int
}

func newEmbeddedForm(groups ...*huh.Group) *embeddedForm {
	id := int(formIDs.Add(1))
	f := huh.NewForm(groups...).
		WithShowHelp(false).
		WithTheme(huh.ThemeFunc(huh.ThemeCharm))
	f.SubmitCmd = func() tea.Msg { return formDoneMsg{id: id} }
	return &embeddedForm{form: f, id: id}
}

func (e *embeddedForm) Init() tea.Cmd { return e.form.Init() }

// Update passes msg to the form and reports whether msg is this form's
// submission.
func (e *embeddedForm) Update(msg tea.Msg) (tea.Cmd, bool) {
	if d, ok := msg.(formDoneMsg); ok {
		return nil, d.id == e.id
	}
	m, cmd := e.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		e.form = f
	}
	return cmd, false
}

func (e *embeddedForm) View() string { return e.form.View() }

func (e *embeddedForm) SetSize(w, h int) {
	e.form.WithWidth(min(w, 78)).WithHeight(h)
}

func (e *embeddedForm) Keys() []key.Binding { return e.form.KeyBinds() }
