package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// TestFormMovesFocusAtOnce feeds keys to a form with no command ever run,
// as when keys are queued behind an enter: each lands in the field that has
// focus when it arrives, and the submission is reported at once, once.
func TestFormMovesFocusAtOnce(t *testing.T) {
	var name, mail string
	var ok bool
	f := newEmbeddedForm(huh.NewGroup(
		huh.NewInput().Value(&name),
		huh.NewInput().Value(&mail),
		huh.NewConfirm().Value(&ok),
	))
	f.Init()
	typeKeys := func(s string) {
		for _, r := range s {
			f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	enter := func() bool { _, done := f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); return done }
	typeKeys("acme")
	if enter() {
		t.Fatal("the form was submitted after its first field")
	}
	typeKeys("aws@acme.example")
	enter()
	if _, done := f.Update(tea.KeyPressMsg{Code: 'y', Text: "y"}); !done {
		t.Fatal("y on the last field did not submit the form")
	}
	if name != "acme" || mail != "aws@acme.example" || !ok {
		t.Errorf("fields hold %q, %q, %v; want acme, aws@acme.example, true", name, mail, ok)
	}
	if _, done := f.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); done {
		t.Error("a submitted form reported its submission twice")
	}
}

// TestFormShiftTabGoesBack checks shift+tab returns to the previous field.
func TestFormShiftTabGoesBack(t *testing.T) {
	var a, b string
	f := newEmbeddedForm(huh.NewGroup(huh.NewInput().Value(&a), huh.NewInput().Value(&b)))
	f.Init()
	f.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
	f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	f.Update(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	f.Update(tea.KeyPressMsg{Code: 'y', Text: "y"})
	if a != "xy" || b != "" {
		t.Errorf("fields hold %q, %q; want xy and nothing", a, b)
	}
}
