package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/orgwizard/orgwizard/wizard"
)

// matrixView draws the preview's Access tab: accounts (rows) by groups
// (columns), the permission set in each cell. Wide enough, the columns carry
// the groups' names and the cells the permission sets' names; narrower, the
// columns are numbered and the cells abbreviated, with a legend under the
// matrix; columns that still do not fit scroll sideways (←/→), and rows
// scroll with ↑/↓ under a header that stays.
type matrixView struct {
	top, left int
}

// setAbbrevs gives each permission set a short mark: its first letter in
// capitals, or more letters when two sets share one.
func setAbbrevs(sets []string) map[string]string {
	out := map[string]string{}
	taken := map[string]bool{}
	for i, s := range sets {
		for n := 1; n <= len(s)+1; n++ {
			a := strings.ToUpper(s[:min(n, len(s))])
			if n > len(s) {
				a = fmt.Sprintf("%s%d", strings.ToUpper(s[:1]), i+1)
			}
			if !taken[a] {
				out[s], taken[a] = a, true
				break
			}
		}
	}
	return out
}

// cellText is a cell: its permission sets joined by +, each named in full
// or by its mark.
func cellText(sets []string, abbr map[string]string, full bool) string {
	if len(sets) == 0 {
		return "·"
	}
	parts := make([]string, len(sets))
	for i, s := range sets {
		parts[i] = s
		if !full {
			parts[i] = abbr[s]
		}
	}
	return strings.Join(parts, "+")
}

// render draws m in w x h.
func (v *matrixView) render(st Styles, m *wizard.AccessMatrix, w, h int) []string {
	if m == nil {
		return wrap(wizard.AccessOffText+" Press esc to go back to "+wizard.Access.Info().Title+" and turn it on.", w)
	}
	if len(m.Groups) == 0 || len(m.Accounts) == 0 {
		return []string{"No group or no account: nothing to show."}
	}
	abbr := setAbbrevs(m.Sets)
	width := utf8.RuneCountInString
	acctW := 0
	for _, a := range m.Accounts {
		acctW = max(acctW, width(a))
	}
	acctW = min(acctW, max(w/3, 10))
	// Wide: each column as wide as its group's name or its widest cell.
	full := true
	colW := make([]int, len(m.Groups))
	total := acctW
	for j, g := range m.Groups {
		colW[j] = width(g)
		for i := range m.Accounts {
			colW[j] = max(colW[j], width(cellText(m.Cells[i][j], abbr, true)))
		}
		total += 1 + colW[j]
	}
	if total > w {
		full = false
		for j := range m.Groups {
			colW[j] = width(fmt.Sprint(j + 1))
			for i := range m.Accounts {
				colW[j] = max(colW[j], width(cellText(m.Cells[i][j], abbr, false)))
			}
		}
	}
	// The columns that fit from left on.
	v.left = max(min(v.left, len(m.Groups)-1), 0)
	last, used := v.left, acctW
	for last < len(m.Groups) && used+1+colW[last] <= w {
		used += 1 + colW[last]
		last++
	}
	if last == v.left {
		last = v.left + 1 // at least one column, clipped
	}
	head := padRight("account", acctW)
	for j := v.left; j < last; j++ {
		name := m.Groups[j]
		if !full {
			name = fmt.Sprint(j + 1)
		}
		head += " " + padRight(name, colW[j])
	}
	// One legend, wrapped: the columns' groups and the cells' marks when
	// they are abbreviated, what scrolls, and the count that matters.
	var parts []string
	if !full {
		var gs, ps []string
		for j, g := range m.Groups {
			gs = append(gs, fmt.Sprintf("%d %s", j+1, g))
		}
		for _, s := range m.Sets {
			ps = append(ps, abbr[s]+" "+s)
		}
		parts = append(parts, strings.Join(gs, ", "), strings.Join(append(ps, "· none"), ", "))
	}
	if v.left > 0 || last < len(m.Groups) {
		parts = append(parts, fmt.Sprintf("groups %d-%d of %d, ←/→ for the others", v.left+1, last, len(m.Groups)))
	}
	reach := fmt.Sprintf("%d of %d accounts reachable", m.Reachable(), len(m.Accounts))
	legend := wrap(strings.Join(append(parts, reach), "; ")+".", w)
	if rows := max(h-1-len(legend), 1); rows < len(m.Accounts) {
		// Say which rows show; the legend may then take one more line.
		v.top = max(min(v.top, len(m.Accounts)-rows), 0)
		parts = append(parts, fmt.Sprintf("rows %d-%d of %d, ↑/↓ scrolls", v.top+1, min(v.top+rows, len(m.Accounts)), len(m.Accounts)))
		legend = wrap(strings.Join(append(parts, reach), "; ")+".", w)
	}
	rows := max(h-1-len(legend), 1)
	v.top = max(min(v.top, len(m.Accounts)-rows), 0)
	out := []string{st.Bold.Render(clip(head, w))}
	for i := v.top; i < len(m.Accounts) && i < v.top+rows; i++ {
		line := padRight(clip(m.Accounts[i], acctW), acctW)
		for j := v.left; j < last; j++ {
			c := cellText(m.Cells[i][j], abbr, full)
			if len(m.Cells[i][j]) == 0 {
				line += " " + st.Muted.Render(padRight(c, colW[j]))
			} else {
				line += " " + padRight(c, colW[j])
			}
		}
		out = append(out, line)
	}
	for len(out) < 1+rows && len(out) < 1+len(m.Accounts) {
		out = append(out, "")
	}
	for _, l := range legend {
		out = append(out, st.Muted.Render(l))
	}
	return out
}

// move scrolls by a key: rows up and down, columns left and right; false
// for another key.
func (v *matrixView) move(k string, page int) bool {
	switch k {
	case "up", "k":
		v.top = max(v.top-1, 0)
	case "down", "j":
		v.top++
	case "pgdown":
		v.top += max(page, 1)
	case "pgup":
		v.top = max(v.top-max(page, 1), 0)
	case "left", "h":
		v.left = max(v.left-1, 0)
	case "right", "l":
		v.left++
	default:
		return false
	}
	return true
}
