package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// At 60 columns the header keeps the sandbox state's file name: the home
// directory said as ~, the middle of the path elided with ….
func TestHeaderFitsTheStatePath(t *testing.T) {
	const account = "sandbox, account 000000000000 (state "
	for _, c := range []struct {
		line, home string
		w          int
		want       string
	}{
		// Fits: as it is.
		{"Target: " + account + "~/s.json)", "/home/ana", 60, "Target: " + account + "~/s.json)"},
		// The home directory as ~ is enough.
		{"Target: " + account + "/home/ana/o/state.json)", "/home/ana", 60, "Target: " + account + "~/o/state.json)"},
		// Then the middle goes.
		{"Target: " + account + "/home/ana/.local/share/orgwizard/acme/state.json)", "/home/ana", 60, "Target: " + account + "~/…/state.json)"},
		{"Target: " + account + "/var/tmp/orgwizard/acme-production/state.json)", "", 70, "Target: " + account + "/var/tmp/org…/state.json)"},
		// A file name too long for the room keeps its start.
		{"Target: " + account + "/var/tmp/" + strings.Repeat("x", 30) + ".json)", "", 60, "Target: " + account + "…/" + strings.Repeat("x", 30) + ".json)"},
		// No path: left to the caller's clip.
		{"Target: profile prod, account 000000000000, role OrganizationAccountAccessRole", "", 60, "Target: profile prod, account 000000000000, role OrganizationAccountAccessRole"},
	} {
		if got := fitPath(c.line, c.w, c.home); got != c.want {
			t.Errorf("fitPath(%q, %d) = %q, want %q", c.line, c.w, got, c.want)
		}
	}

	// The wizard's header at 60 columns.
	be := &fakeBackend{}
	m := New(context.Background(), Options{Backend: be, Design: acmeDesign(t), Reached: wizard.Target, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 24})
	m.st.target = TargetInfo{Describe: "sandbox, account 000000000000 (state /nonexistent-home-of-test/orgwizard/sandboxes/acme-production/state.json)", Sandbox: true}
	header := strings.Split(plain(m), "\n")[1]
	if !strings.HasPrefix(header, "Target: sandbox, account 000000000000 (state /n") || !strings.HasSuffix(header, "…/state.json)") || lipgloss.Width(header) > 60 {
		t.Errorf("the header at 60 columns: %q", header)
	}
}
