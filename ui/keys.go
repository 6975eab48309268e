package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the wizard answers to. Keys that work on every screen
// are modifier keys or esc, so that they never collide with typing in a field.
type KeyMap struct {
	Quit, Back, Workshop               key.Binding
	Up, Down, PageUp, PageDown, Move   key.Binding
	Next, Add, Edit, Delete, Toggle    key.Binding
	Examples, Preset, Custom, Serve    key.Binding
	Enter, Tabs, Policies, Apply, Stop key.Binding
	Retry, Close, Undo, Accounts       key.Binding
	Budgets                            key.Binding
}

// DefaultKeyMap is the wizard's keys.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:     b("ctrl+c", "quit (saved)", "ctrl+c"),
		Back:     b("esc", "back", "esc"),
		Workshop: b("ctrl+t", "workshop", "ctrl+t"),
		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		Move:     b("↑/↓", "move", "up", "down"),
		PageUp:   b("pgup", "page up", "pgup"),
		PageDown: b("pgdn", "page down", "pgdown"),
		Next:     b("n", "next step", "n"),
		Add:      b("a", "add", "a"),
		Edit:     b("enter", "edit", "enter", "e"),
		Delete:   b("d", "delete", "d", "delete"),
		Toggle:   b("space", "toggle", "space", "x"),
		Examples: b("s", "add examples", "s"),
		Preset:   b("p", "add preset", "p"),
		Custom:   b("c", "add custom", "c"),
		Serve:    b("w", "who serves where", "w"),
		Enter:    b("enter", "continue", "enter"),
		Tabs:     b("tab", "tree/plan/policies/access", "tab"),
		Policies: b("enter", "fold / read", "enter", "space"),
		Apply:    b("a", "apply", "a"),
		Stop:     b("ctrl+c", "stop safely", "ctrl+c"),
		Retry:    b("r", "retry", "r"),
		Close:    b("q", "quit", "q"),
		Undo:     b("u", "undo delete", "u"),
		Accounts: b("o", "adopted accounts", "o"),
		Budgets:  b("b", "budgets", "b"),
	}
}
