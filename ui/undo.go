package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// undoably changes d by change, keeping d as it was for u: a row deleted,
// or a part of the design turned off, comes back as it was, edits
// included. A change refused leaves nothing to undo and says what to
// change; one made says said, and that u undoes it.
func (u *undoable) undoably(d *orgmodel.Design, what string, change func() error, said string) tea.Cmd {
	u.deleting(d, what) // the snapshot; said is the message
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
