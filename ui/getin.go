package ui

import (
	"fmt"
	"hash/fnv"
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
// hyperlink (OSC 8): where the terminal supports them a click opens, and
// its menu copies, the whole link. A word longer than the line is cut
// into pieces of the line's width, so that all of it is on the screen and
// each piece fits its line; the pieces of a URL are each a hyperlink to
// the whole of it, under one id, so that a terminal takes them for one
// link. The wizard also prints How to get in's links whole when it ends
// (getInLinks), for terminals that do not know hyperlinks.
func wrapLinks(mark, text string, w int) []string {
	mw := lipgloss.Width(mark)
	room := max(w-mw-1, 10)
	var words []string
	for _, word := range strings.Fields(text) {
		words = append(words, linkPieces(word, room)...)
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

// linkPieces cuts word into pieces of at most room cells, the part of each
// that is a URL made a hyperlink to the whole URL; the punctuation after
// the URL is no part of the link.
func linkPieces(word string, room int) []string {
	link, _ := splitLink(word)
	r, n := []rune(word), len([]rune(link))
	var out []string
	for start := 0; start < len(r); start += room {
		end := min(start+room, len(r))
		piece := ""
		if start < n {
			piece = hyperlink(link, string(r[start:min(end, n)]))
		}
		if end > n {
			piece += string(r[max(start, n):end])
		}
		out = append(out, piece)
	}
	return out
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

// hyperlink is shown as an OSC 8 hyperlink to link. Its id, the same for
// every piece of one link, tells the terminal that the pieces are one.
func hyperlink(link, shown string) string {
	h := fnv.New32a()
	h.Write([]byte(link))
	return lipgloss.NewStyle().Hyperlink(link, fmt.Sprintf("id=ow%08x", h.Sum32())).Render(shown)
}

// getInLinks are the links of How to get in, each whole on a line under
// what it is for (the text before its line's first colon or comma), for
// the terminal once the wizard has ended: the Done screen is gone then,
// and there a long link is in pieces, whole only to a click.
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
