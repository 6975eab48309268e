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
		Skipped: skipped, ManagementAccount: target.AccountID}
	if design.Access != nil {
		seen := map[string]bool{}
		for _, gr := range design.Access.Groups {
			for _, m := range gr.Members {
				seen[m] = true
			}
		}
		g.Members = len(seen)
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

// wrapLinks is wrapMark for text with links: a word longer than the line
// (a URL) is cut into pieces of the line's width rather than clipped, so
// that all of it is on the screen.
func wrapLinks(mark, text string, w int) []string {
	mw := lipgloss.Width(mark)
	room := max(w-mw-1, 10)
	var words []string
	for _, word := range strings.Fields(text) {
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
