package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// cursorList is a cursor over n rows that keeps the cursor within a window of
// h rows.
type cursorList struct {
	cursor, offset, h int
}

func (l *cursorList) move(keys KeyMap, msg tea.KeyPressMsg, n int) bool {
	switch {
	case key.Matches(msg, keys.Up):
		l.cursor--
	case key.Matches(msg, keys.Down):
		l.cursor++
	case key.Matches(msg, keys.PageUp):
		l.cursor -= max(l.h-1, 1)
	case key.Matches(msg, keys.PageDown):
		l.cursor += max(l.h-1, 1)
	default:
		return false
	}
	l.clamp(n)
	return true
}

func (l *cursorList) clamp(n int) {
	l.cursor = max(min(l.cursor, n-1), 0)
	h := max(l.h, 1)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	l.offset = max(min(l.offset, n-h), 0)
}

// window renders rows offset..offset+h, marking the cursor's.
func (l *cursorList) window(st Styles, rows []string) []string {
	l.clamp(len(rows))
	var out []string
	for i := l.offset; i < len(rows) && i < l.offset+max(l.h, 1); i++ {
		if i == l.cursor {
			out = append(out, st.Selected.Render("▸ "+rows[i]))
		} else {
			out = append(out, "  "+rows[i])
		}
	}
	return out
}

// between lays out head, the list's window over rows and tail in h lines:
// the list gets the rows that head and tail leave, and at least three (a
// list of one row shows nothing of its neighbours); what then does not fit,
// the root scrolls, keeping the cursor row in sight. head and tail are lines
// as drawn, each already wrapped to the width.
func (l *cursorList) between(st Styles, h int, head, rows, tail []string) string {
	l.h = max(h-len(head)-len(tail), min(len(rows), minListRows), 1)
	out := append(append(slices.Clip(head), l.window(st, rows)...), tail...)
	return strings.Join(out, "\n")
}

// minListRows is the fewest rows a list shows when it has them.
const minListRows = 3

// muted wraps text to w and renders each line muted.
func (st Styles) muted(text string, w int) []string {
	lines := wrap(text, w)
	for i, l := range lines {
		lines[i] = st.Muted.Render(l)
	}
	return lines
}
