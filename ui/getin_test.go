package ui

import (
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

// A link longer than the line stays one OSC 8 hyperlink to the whole URL,
// its text shortened to fit, rather than pieces of the line's width that
// nobody can click or copy whole; a short link is shown whole, and the
// punctuation after a link is not part of it.
func TestWrapLinksKeepsALinkWhole(t *testing.T) {
	long := access.SwitchRoleURL("200000000003", access.OrganizationAccountAccessRole, "payments-dev")
	text := "Break glass: switch to an account's role, such as payments-dev: " + long + " (orgwizard access lists every account's link)."
	for _, w := range []int{40, 60, 80, 120} {
		lines := wrapLinks("•", text, w)
		all := strings.Join(lines, "\n")
		if n := strings.Count(all, ansi.SetHyperlink(long)); n != 1 {
			t.Errorf("%d columns: the link is opened %d times, want once:\n%q", w, n, all)
		}
		var shown string
		for _, l := range lines {
			if lw := lipgloss.Width(l); lw > w {
				t.Errorf("%d columns: a line is %d wide: %q", w, lw, stripANSI(l))
			}
			if i := strings.Index(l, ansi.SetHyperlink(long)); i >= 0 {
				rest := l[i+len(ansi.SetHyperlink(long)):]
				end := strings.Index(rest, ansi.ResetHyperlink())
				if end < 0 {
					t.Fatalf("%d columns: the link is not closed on its line: %q", w, l)
				}
				shown = rest[:end]
			}
		}
		if !strings.HasPrefix(shown, "https://signin.aws.amazon") || !strings.Contains(shown, "…") || !strings.HasSuffix(shown, "payments-dev") {
			t.Errorf("%d columns: the link shows %q, want its start, … and its end", w, shown)
		}
		if strings.Count(stripANSI(all), "displayName") > 1 {
			t.Errorf("%d columns: the link is cut into pieces:\n%s", w, stripANSI(all))
		}
	}
	short := "Access portal: " + fakePortal + " (IAM Identity Center in eu-west-1). Root: at https://console.aws.amazon.com/."
	all := strings.Join(wrapLinks("•", short, 80), "\n")
	for _, want := range []string{
		ansi.SetHyperlink(fakePortal) + fakePortal + ansi.ResetHyperlink() + " (IAM",
		ansi.SetHyperlink("https://console.aws.amazon.com/") + "https://console.aws.amazon.com/" + ansi.ResetHyperlink() + ".",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the links are not whole hyperlinks: %q lacks %q", all, want)
		}
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
// wizard's last words), since the screen, which shortened the long one, is
// gone.
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
		t.Fatalf("at 80 columns the Done screen does not shorten the break-glass link:\n%s", screen)
	}
	press(h.m, "q")
	msg := h.m.Result().Message
	if !strings.Contains(msg, "The organization matches") || !strings.Contains(msg, "How to get in, the links in full:\n  Break glass: "+g.BreakGlassURL+"\n") {
		t.Errorf("the last words lack the break-glass link in full:\n%s", msg)
	}
}
