package ui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// getIn is what the Done screen's "How to get in" says, from what the
// wizard knows: the design, the target, Identity Center as last read, and
// the accounts as read back (for the break-glass link).
func getIn(design *orgmodel.Design, path string, target TargetInfo, ic *IdentityCenter, skipped bool, tree *orgmodel.Tree, actual *orgmodel.Actual) wizard.GetIn {
	g := wizard.GetIn{Sandbox: target.Sandbox, DesignPath: path, TargetArgs: target.Args, Access: design.Access != nil,
		Skipped: skipped, ManagementAccount: target.AccountID, CentralRoot: design.Baseline != nil && design.Baseline.CentralRootAccess}
	if design.Access != nil {
		// The people are the expansion's users: one per address, compared
		// ignoring case as the identity store compares user names.
		t := tree
		if t == nil || t.Access == nil {
			t, _ = design.Expand()
		}
		if t != nil && t.Access != nil {
			g.Members = len(t.Access.Users)
		}
	}
	if ic != nil && ic.Enabled {
		g.PortalURL, g.Region = ic.PortalURL, ic.Region
	}
	if tree != nil && actual != nil {
		ids := map[string]string{}
		for _, a := range actual.Accounts {
			ids[a.Name] = a.ID
		}
		// A workload account when there is one: that is where people work.
		for _, kind := range []orgmodel.AccountKind{orgmodel.WorkloadAccount, ""} {
			for _, a := range tree.Accounts {
				if id := ids[a.Name]; id != "" && g.BreakGlassURL == "" && (kind == "" || a.Kind == kind) {
					g.BreakGlassURL = access.SwitchRoleURL(id, access.OrganizationAccountAccessRole, a.Name)
					g.BreakGlassAccount = a.Name
				}
			}
		}
	}
	return g
}

// wrapLinks is wrapMark for text with links. Each URL is a terminal
// hyperlink (OSC 8): where the terminal supports them a click opens or
// copies the whole link. One longer than the line shows shortened (its
// start, "…", its end) so that it stays one link, never pieces that nobody
// can click or copy whole; the wizard prints the links in full when it ends
// (getInLinks). Any other word longer than the line is cut into pieces of
// the line's width, so that all of it is on the screen.
func wrapLinks(mark, text string, w int) []string {
	mw := lipgloss.Width(mark)
	room := max(w-mw-1, 10)
	var words []string
	for _, word := range strings.Fields(text) {
		if link, rest := splitLink(word); link != "" {
			words = append(words, hyperlink(link, room-len([]rune(rest)))+rest)
			continue
		}
		for len([]rune(word)) > room {
			r := []rune(word)
			words = append(words, string(r[:room]))
			word = string(r[room:])
		}
		words = append(words, word)
	}
	lines := wrap(strings.Join(words, " "), room)
	for i := range lines {
		if i == 0 {
			lines[i] = mark + " " + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", mw+1) + lines[i]
		}
	}
	return lines
}

// splitLink splits a word into the URL it is and the punctuation that
// ends the sentence after it; link is "" when the word is no URL.
func splitLink(word string) (link, rest string) {
	if !strings.HasPrefix(word, "https://") && !strings.HasPrefix(word, "http://") {
		return "", word
	}
	link = strings.TrimRight(word, ".,;:)")
	return link, word[len(link):]
}

// hyperlink is link as an OSC 8 hyperlink whose text fits in room cells:
// the link itself, or its start and end around "…".
func hyperlink(link string, room int) string {
	shown := link
	if r := []rune(link); len(r) > room {
		room = max(room, 10)
		tail := (room - 1) / 3
		shown = string(r[:room-1-tail]) + "…" + string(r[len(r)-tail:])
	}
	return lipgloss.NewStyle().Hyperlink(link).Render(shown)
}

// getInLinks are the links of How to get in, each whole on a line under
// what it is for (the text before its line's first colon or comma), for
// the terminal once the wizard has ended: the Done screen is gone then,
// and there a long link is shortened.
func getInLinks(lines []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		what := l
		if i := strings.IndexAny(l, ":,"); i > 0 {
			what = l[:i]
		}
		for _, word := range strings.Fields(l) {
			if link, _ := splitLink(word); link != "" && !seen[link] {
				seen[link] = true
				out = append(out, what+": "+link)
			}
		}
	}
	return out
}
