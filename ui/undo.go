package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// undoable keeps the design as it was before the last delete (or a part
// of the design turned off), so that u brings it back. Any other change
// forgets it: undoing would revert that change too.
type undoable struct {
	before *orgmodel.Design
	what   string
}

// deleting snapshots d before what is deleted and returns the message.
func (u *undoable) deleting(d *orgmodel.Design, what string) tea.Cmd {
	u.snapshot(d, what)
	return say("%s deleted · u undo", what)
}

// snapshot keeps d as it is now, for u to bring back what is changed next.
func (u *undoable) snapshot(d *orgmodel.Design, what string) {
	u.before, u.what = wizard.Clone(d), what
}

// undo puts the deleted row back.
func (u *undoable) undo(d *orgmodel.Design) tea.Cmd {
	if u.before == nil {
		return nil
	}
	*d = *u.before
	u.before = nil
	return say("%s restored", u.what)
}

func (u *undoable) forget()       { u.before = nil }
func (u *undoable) canUndo() bool { return u.before != nil }

// undoably changes d by change, keeping d as it was for u: a row deleted,
// or a part of the design turned off, comes back as it was, edits
// included. A change refused leaves nothing to undo and says what to
// change; one made says said, and that u undoes it.
func (u *undoable) undoably(d *orgmodel.Design, what string, change func() error, said string) tea.Cmd {
	u.snapshot(d, what)
	if err := change(); err != nil {
		u.forget()
		return sayErr(err)
	}
	return say("%s · u undo", said)
}

// undoKeys is the undo key while there is something to undo.
func (u *undoable) undoKeys(k KeyMap) []key.Binding {
	if !u.canUndo() {
		return nil
	}
	return []key.Binding{k.Undo}
}
