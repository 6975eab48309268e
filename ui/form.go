package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// embeddedForm is a huh form inside a screen: huh's own help is off (the
// footer shows its keys) and the form moves between its fields here, at
// once, rather than as huh does it.
//
// huh moves focus with a message: a field answers enter with a command that
// sends "next field" back through the program's event loop. Keys already
// queued behind that enter (typed fast, or sent by tmux in one go) reach the
// field that had focus before, so "acme⏎⏎aws@…" saved the mailbox as
// "ws@…". Here the form's keymap gives huh no key that moves focus, and
// Update moves it synchronously, so every key goes to the field that has
// focus when the key arrives. Submitting is synchronous for the same reason.
type embeddedForm struct {
	form *huh.Form
	done bool
}

var (
	// formNext and formPrev move between fields; tab moves on too, except
	// in a text field, where it accepts the suggestion shown.
	formNext = key.NewBinding(key.WithKeys("enter"))
	formTab  = key.NewBinding(key.WithKeys("tab"))
	formPrev = key.NewBinding(key.WithKeys("shift+tab"))
	// Confirm fields answer y and n as huh's do.
	formYes = key.NewBinding(key.WithKeys("y", "Y"))
	formNo  = key.NewBinding(key.WithKeys("n", "N"))
)

// formKeyMap is huh's keymap with every key that moves focus or submits
// unbound: a binding with no keys never matches, even once huh enables it
// for a field's position.
func formKeyMap() *huh.KeyMap {
	none := func() key.Binding { return key.NewBinding() }
	km := huh.NewDefaultKeyMap()
	km.Quit = none()
	km.Input.Next, km.Input.Prev, km.Input.Submit = none(), none(), none()
	km.Input.AcceptSuggestion = key.NewBinding(key.WithKeys("tab", "ctrl+e"), key.WithHelp("tab", "complete"))
	km.Select.Next, km.Select.Prev, km.Select.Submit = none(), none(), none()
	km.MultiSelect.Next, km.MultiSelect.Prev, km.MultiSelect.Submit = none(), none(), none()
	km.Confirm.Next, km.Confirm.Prev, km.Confirm.Submit = none(), none(), none()
	km.Confirm.Accept, km.Confirm.Reject = none(), none()
	km.Note.Next, km.Note.Prev, km.Note.Submit = none(), none(), none()
	km.Text.Next, km.Text.Prev, km.Text.Submit = none(), none(), none()
	// No filtering: the lists are short, and a filter would take enter and
	// esc, which here move on and cancel.
	km.Select.Filter, km.MultiSelect.Filter = none(), none()
	return km
}

// redrawMsg makes the form's group draw its fields again.
type redrawMsg struct{}

func newEmbeddedForm(groups ...*huh.Group) *embeddedForm {
	f := huh.NewForm(groups...).
		WithShowHelp(false).
		WithKeyMap(formKeyMap()).
		WithTheme(formTheme())
	return &embeddedForm{form: f}
}

func (e *embeddedForm) Init() tea.Cmd { return e.form.Init() }

// Update passes msg to the form and reports whether the form was submitted
// by it. Moving between fields and submitting happen here, before Update
// returns.
func (e *embeddedForm) Update(msg tea.Msg) (tea.Cmd, bool) {
	if e.done {
		// Submitted: done was reported once, and the form takes nothing
		// more (as huh's own does once completed).
		return nil, false
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		field := e.form.GetFocusedField()
		_, input := field.(*huh.Input)
		switch {
		case key.Matches(msg, formNext), key.Matches(msg, formTab) && !input:
			return e.next()
		case key.Matches(msg, formPrev):
			return e.prev(), false
		case key.Matches(msg, formYes, formNo):
			if c, ok := field.(*huh.Confirm); ok {
				if want := key.Matches(msg, formYes); c.GetValue() != want {
					e.pass(tea.KeyPressMsg{Code: tea.KeyLeft})
				}
				return e.next()
			}
		}
	case tea.PasteMsg:
		return e.paste(msg.Content)
	}
	return e.pass(msg), false
}

// paste types a pasted text into the focused field. A copied answer often
// ends with a line break, which a text field would keep as a space: it is
// dropped. A line break inside moves to the next field, as it does when a
// terminal without bracketed paste sends it as enter, so several answers
// pasted at once land one per field; a refused answer stops the paste there.
func (e *embeddedForm) paste(text string) (tea.Cmd, bool) {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\r\n"), "\n")
	var cmds []tea.Cmd
	for i, line := range lines {
		cmds = append(cmds, e.pass(tea.PasteMsg{Content: strings.TrimSuffix(line, "\r")}))
		if i == len(lines)-1 {
			break
		}
		field := e.form.GetFocusedField()
		cmd, done := e.next()
		cmds = append(cmds, cmd)
		if done {
			return tea.Batch(cmds...), true
		}
		if field.Error() != nil {
			break
		}
	}
	return tea.Batch(cmds...), false
}

func (e *embeddedForm) pass(msg tea.Msg) tea.Cmd {
	m, cmd := e.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		e.form = f
	}
	return cmd
}

// next checks the focused field and moves to the next one, the next group
// or submits, as huh would on enter, but now.
func (e *embeddedForm) next() (tea.Cmd, bool) {
	field := e.form.GetFocusedField()
	// Blur validates the field's value (every huh field does).
	field.Blur()
	if field.Error() != nil {
		// The group draws its fields only when it updates: update it so
		// that the error shows.
		return tea.Batch(field.Focus(), e.pass(redrawMsg{})), false
	}
	cmd := e.form.NextField()
	if e.form.GetFocusedField() != field {
		return cmd, false
	}
	// The field was its group's last: huh's cmd only holds the "next group"
	// message, done here instead.
	cmd = e.form.NextGroup()
	if e.form.State == huh.StateCompleted {
		e.done = true
		return nil, true
	}
	return cmd, false
}

// prev moves to the previous field or group, now.
func (e *embeddedForm) prev() tea.Cmd {
	field := e.form.GetFocusedField()
	cmd := e.form.PrevField()
	if e.form.GetFocusedField() != field {
		return cmd
	}
	return e.form.PrevGroup()
}

func (e *embeddedForm) View() string { return e.form.View() }

func (e *embeddedForm) SetSize(w, h int) {
	e.form.WithWidth(min(w, 78)).WithHeight(h)
}
