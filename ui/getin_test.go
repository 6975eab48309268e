package ui

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// How to get in counts people as the expansion makes users: one per
// address, whatever its spelling in each group.
func TestGetInCountsPeopleOnce(t *testing.T) {
	d := acmeDesign(t)
	if err := d.SetAccess(&orgmodel.Access{Groups: []orgmodel.GroupSpec{
		{Name: "payments-team", Members: []string{"Ana@acme.example", "bo@acme.example"}, Grants: []orgmodel.Grant{{PermissionSet: "admin", Workload: []string{"payments"}}}},
		{Name: "auditors", Members: []string{"ana@acme.example"}, Grants: []orgmodel.Grant{{PermissionSet: "read-only", Accounts: []string{orgmodel.AllAccounts}}}},
	}}); err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []*orgmodel.Tree{nil, tree} {
		if g := getIn(d, "acme.yaml", TargetInfo{}, nil, false, tr, nil); g.Members != 2 {
			t.Errorf("tree %v: %d members, want 2 (Ana and ana are one person)", tr != nil, g.Members)
		}
	}
}

// A link longer than the line is cut into pieces that fit, all of it on
// the screen, each piece an OSC 8 hyperlink to the whole URL under one id,
// so that a click on any of them opens all of it; a short link is one
// hyperlink, and the punctuation after a link is not part of it.
func TestWrapLinksKeepsALinkWhole(t *testing.T) {
	long := access.SwitchRoleURL("200000000003", access.OrganizationAccountAccessRole, "payments-dev")
	text := "Break glass: switch to an account's role, such as payments-dev: " + long + ". Then (orgwizard access lists every account's link)."
	open := regexp.MustCompile(`\x1b\]8;(id=[^;]*);([^\x07]*)\x07([^\x1b]*)\x1b\]8;;\x07`)
	for _, w := range []int{40, 60, 80, 120} {
		lines := wrapLinks("•", text, w)
		all := strings.Join(lines, "\n")
		for _, l := range lines {
			if lw := lipgloss.Width(l); lw > w {
				t.Errorf("%d columns: a line is %d wide: %q", w, lw, stripANSI(l))
			}
		}
		var shown string
		ids := map[string]bool{}
		for _, m := range open.FindAllStringSubmatch(all, -1) {
			if m[2] != long {
				t.Errorf("%d columns: a piece links to %q, not the whole URL", w, m[2])
			}
			ids[m[1]] = true
			shown += m[3]
		}
		if shown != long || len(ids) != 1 {
			t.Errorf("%d columns: the hyperlinked pieces show %q under ids %v, want the URL whole under one id:\n%q", w, shown, ids, all)
		}
		if !strings.Contains(strings.ReplaceAll(stripANSI(all), "\n  ", ""), long+". Then") {
			t.Errorf("%d columns: the full stop after the link is lost:\n%s", w, stripANSI(all))
		}
	}
	short := "Access portal: " + fakePortal + " (IAM Identity Center in eu-west-1). Root: at https://console.aws.amazon.com/."
	all := strings.Join(wrapLinks("•", short, 80), "\n")
	for _, link := range []string{fakePortal, "https://console.aws.amazon.com/"} {
		if m := open.FindAllStringSubmatch(all, -1); !slices.ContainsFunc(m, func(m []string) bool { return m[2] == link && m[3] == link }) {
			t.Errorf("%s is not one whole hyperlink: %q", link, all)
		}
	}
	if !strings.Contains(all, "https://console.aws.amazon.com/"+ansi.ResetHyperlink()+".") {
		t.Errorf("the full stop is part of the link: %q", all)
	}
}

// The links of How to get in, each under what it is for, whole.
func TestGetInLinks(t *testing.T) {
	long := access.SwitchRoleURL("200000000003", access.OrganizationAccountAccessRole, "payments-dev")
	got := getInLinks([]string{
		"Access portal: " + fakePortal + " (IAM Identity Center in eu-west-1). Everyone signs in there.",
		"AWS CLI profiles, one per account: orgwizard access aws-config, then aws sso login.",
		"Break glass, when the portal cannot help: switch to payments-dev: " + long + " (orgwizard access lists every account's link).",
		"Root emails: choose \"Forgot password?\" at https://console.aws.amazon.com/ with its email; again https://console.aws.amazon.com/.",
	})
	want := []string{"Access portal: " + fakePortal, "Break glass: " + long, "Root emails: https://console.aws.amazon.com/"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("getInLinks =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Quitting the Done screen leaves the links in full on the terminal (the
// wizard's last words), since the screen, where a long one is in pieces,
// is gone.
func TestDoneSaysTheLinksInFullOnQuit(t *testing.T) {
	h := newApplyHarness(t, 0)
	h.m.Update(tea.WindowSizeMsg{Width: 80, Height: 200})
	h.m.Update(h.m.enter(wizard.Done)())
	actual := convergedActual(h.m.st.tree)
	h.m.Update(verifiedMsg{v: wizard.Verified{Caller: fakeAccount, Actual: actual}})
	g := getIn(h.m.st.design, h.m.st.path, h.m.st.target, nil, false, h.m.st.tree, actual)
	if g.BreakGlassURL == "" || len(g.BreakGlassURL) < 80 {
		t.Fatalf("no long break-glass link to test with: %q", g.BreakGlassURL)
	}
	if screen := plain(h.m); strings.Contains(screen, g.BreakGlassURL) || !strings.Contains(screen, "https://signin.aws.amazon.com/switchrole?") {
		t.Fatalf("at 80 columns the break-glass link is not in pieces (the test's premise):\n%s", screen)
	}
	press(h.m, "q")
	msg := h.m.Result().Message
	if !strings.Contains(msg, "The organization matches") || !strings.Contains(msg, "How to get in, the links in full:\n  Break glass: "+g.BreakGlassURL+"\n") {
		t.Errorf("the last words lack the break-glass link in full:\n%s", msg)
	}
	h.m.quit() // a second quit (ctrl+c as it ends) says them once
	if n := strings.Count(h.m.Result().Message, linksLead); n != 1 {
		t.Errorf("the links are said %d times:\n%s", n, h.m.Result().Message)
	}
}
