package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// A first-time user at the basics step has not typed a mailbox yet: the
// account emails line is a preview with an example mailbox, which also
// shows what "+ addressing" makes, not a complaint about an empty field.
// The complaint comes once the user has been to the mailbox and left it
// empty.
func TestBasicsPreviewsTheEmailsBeforeTheMailboxIsTyped(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{}})
	s.through()
	v := s.waitFor("Organization name")
	if strings.Contains(v, "is empty") {
		t.Errorf("the basics step complains before anything was typed:\n%s", v)
	}
	if !strings.Contains(flatText(v), "Account emails, with aws@acme.example as the mailbox: aws+log-archive@acme.example, aws+payments-dev@acme.example …") {
		t.Errorf("the basics step does not preview the account emails from an example mailbox:\n%s", v)
	}
	// Typing the mailbox: what is typed so far is not complained about.
	s.keys("acme", "enter", "enter")
	s.waitFor("┃ Mailbox")
	s.keys("aws@")
	if v := s.waitFor("┃ > aws@"); strings.Contains(v, `mailbox "aws@"`) || strings.Contains(v, "is empty") {
		t.Errorf("a mailbox being typed is complained about:\n%s", v)
	}
	// Leaving it incomplete: now the line says what to change.
	s.keys("enter")
	v = s.waitFor(`Account emails: mailbox "aws@" needs a domain`)
	if strings.Contains(v, "as the mailbox:") {
		t.Errorf("the preview stays once the mailbox was left incomplete:\n%s", v)
	}
}

// The template option previews its emails from the template's example.
func TestBasicsPreviewsTheTemplateEmails(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{}})
	s.through()
	s.waitFor("Organization name")
	s.keys("acme", "enter")
	s.waitFor("┃ ← one mailbox")
	s.tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
	v := s.waitFor("┃ ← a template")
	if !strings.Contains(flatText(v), "Account emails, with the template aws-{account}@acme.example: aws-log-archive@acme.example,") {
		t.Errorf("the template option does not preview its emails:\n%s", v)
	}
}

// flatText is v with its line breaks and runs of spaces as one space, for
// finding a sentence that wraps.
func flatText(v string) string { return strings.Join(strings.Fields(v), " ") }

// Leaving the template empty says the template is empty, not the mailbox
// the user chose not to give.
func TestBasicsSaysTheTemplateIsEmpty(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{}})
	s.through()
	s.waitFor("Organization name")
	s.keys("acme", "enter")
	s.waitFor("┃ ← one mailbox")
	s.tm.Send(tea.KeyPressMsg{Code: tea.KeyRight})
	s.waitFor("┃ ← a template")
	s.keys("enter")
	s.waitFor("┃ Email template")
	s.keys("enter")
	v := s.waitFor("Account emails: email template is empty")
	if strings.Contains(v, "mailbox is empty") {
		t.Errorf("an empty template is said to be an empty mailbox:\n%s", v)
	}
}

// With nothing to do, enter on the preview finishes, on every tab: the
// footer offers no other enter (fold, read) that it would not do.
func TestPreviewNothingToDoOffersOneEnter(t *testing.T) {
	acme := acmeDesign(t)
	s := start(t, Options{Design: acme, Reached: wizard.Preview, Backend: &fakeBackend{converged: true}})
	s.through()
	for _, tab := range []string{"Tree", "Policies"} {
		v := s.waitFor("Nothing to do")
		if n := strings.Count(v, "enter "); n != 1 || !strings.Contains(v, "enter finish") {
			// One key in the footer ("Press enter." in the summary has
			// no space after it).
			t.Errorf("on the %s tab the footer does not offer enter once, as finish:\n%s", tab, v)
		}
		s.keys("tab")
		if tab == "Tree" {
			s.keys("tab")
		}
	}
	s.keys("enter")
	s.waitFor("Step 13 of 13 · Done")
}

// A new organization is built before its access part: the confirmation
// says that the access steps the preview counted come after, and once the
// organization is built, the wait for Identity Center starts by saying so
// (the step number goes back to Confirm) and what s does now.
func TestNewOrganizationSaysAccessFollows(t *testing.T) {
	be := &fakeBackend{}
	m := accessModel(t, be, 80, 24)
	press(m, "n")
	settle(m, m.screen.Init())
	held := wizard.AccessSteps(m.st.plan)
	if held == 0 {
		t.Fatalf("the preview's plan has no access steps:\n%s", plain(m))
	}
	settle(m, goTo(wizard.Confirm))
	want := fmt.Sprintf("Then access: %d steps in IAM Identity Center, once it is on in the new organization.", held)
	if screen := flat(m); !strings.Contains(screen, "Ready to make 39 changes") || !strings.Contains(screen, want) {
		t.Fatalf("the confirmation does not say that access follows (%q):\n%s", want, plain(m))
	}
	press(m, "enter")
	for i := 0; i < 100 && m.Step() != wizard.Confirm; i++ {
		time.Sleep(10 * time.Millisecond)
		settle(m, func() tea.Msg { return nil })
	}
	screen := flat(m)
	for _, want := range []string{
		"✓ The organization is built: 39 changes applied in",
		"Skipping access this time goes on to the Done screen with the organization as built",
		"Press e.",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("after the organization's apply the gate lacks %q:\n%s", want, plain(m))
		}
	}
	if strings.Contains(screen, "builds the organization") {
		t.Errorf("the gate offers to build an organization that is built:\n%s", plain(m))
	}
	// Skipping access: the Done screen says the access steps wait, as
	// chosen, rather than that steps remain to apply.
	press(m, "s")
	for i := 0; i < 100 && (m.Step() != wizard.Done || strings.Contains(flat(m), "Reading the organization back")); i++ {
		time.Sleep(10 * time.Millisecond)
		settle(m, func() tea.Msg { return nil })
	}
	done := flat(m)
	if strings.Contains(done, "steps remain") || !strings.Contains(done, "its access waits, as you chose") {
		t.Errorf("after skipping access, Done does not say the access waits as chosen:\n%s", plain(m))
	}
}

// The basics form fits an 80x24 window: once the focus leaves the first
// field, its title stays on screen (the form was given a line less than
// the window has, and huh scrolled the title away).
func TestBasicsKeepsEveryTitleAt80x24(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{}})
	s.through()
	s.waitFor("Organization name")
	s.keys("acme", "enter", "enter")
	s.waitFor("┃ Mailbox")
	for _, typed := range []string{"", "aws@acme.example"} {
		s.keys(typed)
		v := s.waitFor("┃ > " + typed)
		for _, want := range []string{"Organization name", "Account emails come from", "Home region", "Tags on every account"} {
			if !strings.Contains(v, want) {
				t.Errorf("with %q typed, the basics step at 80x24 cuts %q:\n%s", typed, want, v)
			}
		}
		if strings.Contains(v, "scroll") {
			t.Errorf("with %q typed, the basics step does not fit 80x24:\n%s", typed, v)
		}
	}
}

// A refused answer's message fits under the basics form at 80x24, with
// no part of the screen pushed below the window.
func TestBasicsRefusalFitsAt80x24(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{}})
	s.through()
	s.waitFor("Organization name")
	s.keys("Acme", "enter")
	v := s.waitFor("* name")
	if strings.Contains(v, "scroll") || !strings.Contains(v, "┃ Organization name") {
		t.Errorf("the refusal does not fit 80x24:\n%s", v)
	}
}

// At 60 columns the preview keeps to two lines: one example email.
func TestBasicsPreviewFitsTwoLinesAt60(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{}})
	s.waitFor("Where should the organization be built?")
	s.keys("enter")
	s.waitFor("Signed in as account")
	s.keys("enter")
	s.waitFor("┃ Organization name")
	s.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 15})
	v := s.waitFor("Step 3 of 13 · Organization basics\nTarget: sandbox, account 111111111111 (state …/sandbox.json)")
	if !strings.Contains(v, "Account emails, with aws@acme.example as the mailbox:\naws+log-archive@acme.example …\n┃ Organization name") {
		t.Errorf("the preview does not keep to two lines at 60 columns:\n%s", v)
	}
}

// The preview's Security and Plan tabs are text that may be taller than
// the window: the footer says how much is out of sight, ↑/↓ brings it in,
// and where all of it is in sight ↑/↓ is not offered.
func TestPreviewTextTabsSayWhatIsOutOfSight(t *testing.T) {
	s := start(t, Options{Design: acmeDesign(t), Reached: wizard.Preview, Backend: &fakeBackend{}})
	s.through()
	s.waitFor("Plan: 39 changes")
	s.keys("tab")
	v := s.waitFor("1. create the organization")
	if !strings.Contains(v, "↑/↓ scroll (") || !strings.Contains(v, " below)") {
		t.Errorf("the Plan tab does not say that more is below:\n%s", v)
	}
	s.keys("tab", "tab", "tab")
	v = s.waitFor("The baseline is off")
	if strings.Contains(v, "↑/↓") {
		t.Errorf("the Security tab offers ↑/↓ with all of it in sight:\n%s", v)
	}

	// With the baseline, at 80x24 the Security tab is taller than the room.
	m := baselineModel(t, acmeDesign(t), 80, 24)
	press(m, "n")
	press(m, "t", "n") // access off
	press(m, "tab", "tab", "tab", "tab")
	if screen := plain(m); !strings.Contains(screen, "↑/↓ scroll (") || !strings.Contains(screen, " below)") || strings.Contains(screen, "Trusted access") {
		t.Errorf("the Security tab does not say that more is below:\n%s", screen)
	}
	for range 20 {
		press(m, "down")
	}
	if screen := plain(m); !strings.Contains(screen, "Trusted access") || !strings.Contains(screen, "↑/↓ scroll (") || !strings.Contains(screen, " above)") || strings.Contains(screen, " below)") {
		t.Errorf("at its end the Security tab does not say what is above:\n%s", screen)
	}
}
