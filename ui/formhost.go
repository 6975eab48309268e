package ui

import (
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// formHost is embedded by the list screens that add and edit rows in an
// embedded form (workloads, environments, residencies). While a form is open
// it has the keyboard: esc closes it rather than going back a step, and
// letters are typed rather than taken as commands.
type formHost struct {
	form *embeddedForm
	// title is shown above the form, "" for none. It is fixed when the form
	// opens: the form edits a draft, so the row's name cannot change under it.
	title string
	w, h  int
}

func (f *formHost) HandlesBack() bool { return f.form != nil }
func (f *formHost) Typing() bool      { return f.form != nil }

// Unsaved and Keep: a row being added or edited goes into the design only
// when its form is submitted (enter on its last field), so a ctrl+c over an
// open form asks first.
func (f *formHost) Unsaved() bool { return f.form != nil }
func (f *formHost) Keep() error {
	if f.title == "" {
		return errors.New("the form is still open (enter on its last field keeps it)")
	}
	return fmt.Errorf("the form %q is still open (enter on its last field keeps it)", f.title)
}

// SetSize gives the form all but three lines: the title's (kept even when
// there is no title, as the screens always did) and two for the message of
// a refused answer, which huh draws under the form's fields, beyond the
// height it is given.
func (f *formHost) SetSize(w, h int) {
	f.w, f.h = w, h
	if f.form != nil {
		f.form.SetSize(w, f.formHeight())
	}
}

func (f *formHost) formHeight() int { return max(f.h-3, 3) }

// openForm shows a form of groups under title and returns its Init.
func (f *formHost) openForm(title string, groups ...*huh.Group) tea.Cmd {
	f.title = title
	f.form = newEmbeddedForm(groups...)
	f.form.SetSize(f.w, f.formHeight())
	return f.form.Init()
}

// updateForm passes msg to the open form. back drops the form, unsaved;
// submitting closes it and returns what save says, so a screen only writes
// how its draft goes into the design.
func (f *formHost) updateForm(msg tea.Msg, back key.Binding, save func() tea.Cmd) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, back) {
		f.form = nil
		return nil
	}
	cmd, done := f.form.Update(msg)
	if !done {
		return cmd
	}
	f.form = nil
	return save()
}

// formView is the open form under its title in bold.
func (f *formHost) formView(st Styles) string {
	if f.title == "" {
		return f.form.View()
	}
	return st.Bold.Render(f.title) + "\n" + f.form.View()
}

// editTitle names what an edit form is for: "New workload" when i < 0
// (adding), "Edit workload payments" otherwise.
func editTitle(noun string, i int, name string) string {
	if i < 0 {
		return "New " + noun
	}
	return "Edit " + noun + " " + name
}

// editKeys are the footer's keys while an add or edit form is open.
func editKeys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field / save")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
