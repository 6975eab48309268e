package ui

import (
	"slices"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// atStep starts the wizard on acme's design at step, past the target and
// the preflight.
func atStep(t *testing.T, step wizard.Step, want string) *session {
	t.Helper()
	s := start(t, Options{Design: acmeDesign(t), Reached: step, Backend: &fakeBackend{}})
	s.through()
	s.waitFor(want)
	return s
}

func TestDuplicateNamesAreExplained(t *testing.T) {
	s := atStep(t, wizard.Workloads, "bounded context")
	s.keys("a", "payments", "enter")
	s.waitFor("there is already a workload called payments")

	s = atStep(t, wizard.Environments, "per residency   prod")
	s.keys("a", "dev", "enter")
	s.waitFor("there is already an environment called dev")
}

func TestTabCompletesTheRegion(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{}})
	s.through()
	s.waitFor("Organization name")
	s.keys("acme", "enter", "enter", "aws@acme.example", "enter", "ctrl+u", "eu-central-", "tab")
	if v := s.waitFor("eu-central-1"); strings.Contains(v, "✗") {
		t.Errorf("tab did not complete the region:\n%s", v)
	}
}

// savedDesign starts the wizard on acme's design at step with a Save that
// keeps the last design written, returned by the func.
func savedDesign(t *testing.T, step wizard.Step, want string) (*session, func() *orgmodel.Design) {
	t.Helper()
	var mu sync.Mutex
	var last []byte
	s := start(t, Options{Design: acmeDesign(t), Reached: step, Backend: &fakeBackend{}, DesignPath: "acme.yaml",
		Save: func(_ string, data []byte) error { mu.Lock(); defer mu.Unlock(); last = data; return nil }})
	s.through()
	s.waitFor(want)
	return s, func() *orgmodel.Design {
		mu.Lock()
		defer mu.Unlock()
		d, _, err := wizard.Decode(last)
		if err != nil {
			t.Fatalf("the saved design does not decode: %v\n%s", err, last)
		}
		return d
	}
}

func TestDeleteIsUndone(t *testing.T) {
	s := atStep(t, wizard.Workloads, "bounded context")
	s.keys("d")
	v := s.waitFor("workload payments deleted · u undo")
	if strings.Contains(v, "Card payments API") {
		t.Errorf("payments is still listed after d:\n%s", v)
	}
	s.keys("u")
	s.waitFor("workload payments restored")
	s.waitFor("Card payments API")

	// An undo after another change would revert that change too: u then
	// does nothing.
	s.keys("d")
	s.waitFor("workload payments deleted · u undo")
	s.keys("a", "billing", "enter", "enter", "enter")
	s.waitFor("workload billing saved")
	s.keys("u")
	if v := s.waitFor("billing"); strings.Contains(v, "restored") || strings.Contains(v, "Card payments API") {
		t.Errorf("u undid a delete made before another change:\n%s", v)
	}

	s = atStep(t, wizard.Environments, "per residency   prod")
	s.keys("d")
	v = s.waitFor("environment dev deleted · u undo")
	if strings.Contains(v, "per residency   dev") {
		t.Errorf("dev is still listed after d:\n%s", v)
	}
	s.keys("u")
	s.waitFor("environment dev restored")
	s.waitFor("per residency   dev")

	// A residency takes its workloads' references with it, and u brings
	// them back.
	s = atStep(t, wizard.Residency, "served by payments")
	s.keys("d")
	v = s.waitFor("residency eu deleted · u undo")
	if strings.Contains(v, "eu-west-1, eu-central-1") {
		t.Errorf("eu is still listed after d:\n%s", v)
	}
	s.keys("u")
	s.waitFor("residency eu restored")
	s.waitFor("served by payments, website")
}

func TestResidencyIsEditedInPlace(t *testing.T) {
	s, saved := savedDesign(t, wizard.Residency, "served by payments")
	s.keys("enter")
	s.waitFor("Edit residency eu")
	s.keys("ctrl+u", "europe", "enter", "ctrl+u", "eu-west-1 eu-south-1", "enter")
	s.waitFor("residency europe saved")
	s.waitFor("eu-west-1, eu-south-1")
	s.keys("n")
	s.waitFor("Deny leaving the organization")
	d := saved()
	if r := d.Residencies[0]; r.Name != "europe" || strings.Join(r.Regions, " ") != "eu-west-1 eu-south-1" {
		t.Errorf("residency 0 saved as %+v", r)
	}
	if got := strings.Join(d.Workloads[1].Residencies, " "); got != "europe" {
		t.Errorf("website serves %q after the rename, want europe", got)
	}
}

func TestPresetsAreMultipleChoice(t *testing.T) {
	s := atStep(t, wizard.Residency, "served by payments")
	s.keys("p")
	s.waitFor("Add residencies")
	s.keys("space", "down", "space", "enter")
	v := s.waitFor("residencies uk, apac added")
	if !strings.Contains(v, "eu-west-2") || !strings.Contains(v, "ap-southeast-1") {
		t.Errorf("uk and apac are not listed:\n%s", v)
	}
	// enter alone adds the preset under the cursor, as a single choice did.
	s.keys("p")
	s.waitFor("Add residencies")
	s.keys("enter")
	s.waitFor("residency ca added")
}

func TestLayoutRadioShowsTheChoice(t *testing.T) {
	s, saved := savedDesign(t, wizard.Guardrails, "Deny leaving the organization")
	if v := s.screen(); !strings.Contains(v, "(•) by environment") || !strings.Contains(v, "( ) by workload") {
		t.Fatalf("the layout radio does not mark by environment:\n%s", v)
	}
	for range len(wizard.Toggles) + 1 {
		s.keys("down")
	}
	s.keys("space")
	s.waitFor("(•) by workload")
	if v := s.screen(); !strings.Contains(v, "( ) by environment") {
		t.Errorf("both layouts are marked:\n%s", v)
	}
	s.keys("n")
	s.waitFor("Who works where")
	s.keys("n")
	s.waitFor("Plan:")
	if d := saved(); d.Layout != orgmodel.ByWorkload {
		t.Errorf("layout saved as %q", d.Layout)
	}
}

// TestChosenButtonIsMarkedWithoutColour reads the screen as NO_COLOR
// shows it (no colour at all): the chosen Yes/No button is in brackets.
func TestChosenButtonIsMarkedWithoutColour(t *testing.T) {
	s := atStep(t, wizard.Environments, "per residency   prod")
	s.keys("enter")
	s.waitFor("Edit environment dev")
	s.keys("enter", "enter")
	v := s.waitFor("[No]")
	if strings.Contains(v, "[Yes]") {
		t.Errorf("both buttons are marked:\n%s", v)
	}
	s.keys("left")
	s.waitFor("[Yes]")
	s.keys("enter")
	s.waitFor("[x] per residency   dev")
	// y answers yes and saves, as huh's own y does.
	s.keys("down", "enter")
	s.waitFor("Edit environment staging")
	s.keys("enter", "enter", "y")
	s.waitFor("[x] per residency   staging")
}

func TestTagsAreEdited(t *testing.T) {
	s, saved := savedDesign(t, wizard.Basics, "Organization name")
	s.keys("enter", "enter", "enter", "enter")
	s.waitFor("cost-center=engineering")
	s.keys("ctrl+u", "team=platform, aws:x=1", "enter")
	s.waitFor(`reserved by AWS`)
	s.keys("ctrl+u", "team=platform, cost-center=42", "enter")
	s.waitFor("bounded context")
	want := []orgmodel.Tag{{Key: "team", Value: "platform"}, {Key: "cost-center", Value: "42"}}
	if got := saved().Tags; !slices.Equal(got, want) {
		t.Errorf("tags saved as %v, want %v", got, want)
	}
}

func TestAdoptedAccountsAreEdited(t *testing.T) {
	s, saved := savedDesign(t, wizard.Guardrails, "Deny leaving the organization")
	s.keys("o")
	s.waitFor("No adopted account. Press a to add one.")
	s.keys("a")
	s.waitFor("New adopted account")
	s.keys("legacy", "enter", "12345", "enter")
	s.waitFor("is not an AWS account id")
	s.keys("ctrl+u", "123456789012", "enter", "enter")
	s.waitFor("account legacy placed in Transitional")
	s.keys("enter")
	s.waitFor("Edit adopted account legacy")
	s.keys("enter", "enter", "down", "enter")
	v := s.waitFor("account legacy placed in")
	if !strings.Contains(v, "→ Security") {
		t.Errorf("legacy was not moved to the second OU, Security:\n%s", v)
	}
	s.keys("d")
	s.waitFor("adopted account legacy deleted · u undo")
	s.keys("u")
	s.waitFor("adopted account legacy restored")
	s.keys("esc")
	s.waitFor("o adopted accounts (1)")
	s.keys("n")
	s.waitFor("Who works where")
	s.keys("n")
	s.waitFor("Plan:")
	if got := saved().Accounts; len(got) != 1 || got[0] != (orgmodel.AdoptedAccount{Name: "legacy", ID: "123456789012", OU: "Security"}) {
		t.Errorf("accounts saved as %+v", got)
	}
}

// A paste of several lines fills one field per line, as enter between
// them would; the trailing line break is dropped.
func TestPasteFillsOneFieldPerLine(t *testing.T) {
	s := atStep(t, wizard.Workloads, "bounded context")
	s.keys("a")
	s.waitFor("New workload")
	s.tm.Send(tea.PasteMsg{Content: "billing\r\nInvoices and dunning\nbilling-team@acme.example\n"})
	v := s.waitFor("> billing-team@acme.example")
	if !strings.Contains(v, "> Invoices and dunning") || !strings.Contains(v, "> billing\n") {
		t.Errorf("the pasted lines are not one per field:\n%s", v)
	}
	s.keys("enter")
	s.waitFor("workload billing saved")

	// A refused line stops the paste in its field.
	s.keys("a")
	s.waitFor("New workload")
	s.tm.Send(tea.PasteMsg{Content: "payments\nsomething else"})
	if v := s.waitFor("there is already a workload called payments"); strings.Contains(v, "something else") {
		t.Errorf("the paste went on past a refused answer:\n%s", v)
	}
}
