package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// finished waits for the wizard to quit and returns how it ended.
func (s *session) finished() Result {
	s.t.Helper()
	m, ok := s.tm.FinalModel(s.t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if !ok {
		s.t.Fatal("the final model is not the wizard")
	}
	return m.st.result
}

// ctrl+c in the middle of the basics step keeps what was typed: the answers
// go into the design, which is saved before the wizard quits.
func TestCtrlCKeepsTheBasicsTyped(t *testing.T) {
	s, saved := savedDesign(t, wizard.Basics, "Organization name")
	s.keys("ctrl+u", "globex", "ctrl+c")
	if res := s.finished(); !res.Interrupted {
		t.Errorf("ctrl+c did not end as an interrupt: %+v", res)
	}
	if got := saved().Organization.Name; got != "globex" {
		t.Errorf("the saved design's name is %q, want the typed globex", got)
	}
}

// Answers that cannot go into the design (a required field emptied) are
// not dropped silently: the first ctrl+c says so, a second quits without
// them, and any other key goes on typing.
func TestCtrlCAsksBeforeDroppingWhatCannotBeKept(t *testing.T) {
	s, saved := savedDesign(t, wizard.Basics, "Organization name")
	s.keys("ctrl+u", "ctrl+c")
	s.waitFor("ctrl+c again quits without what you typed")
	s.keys("g")
	if v := s.waitFor("Organization name"); strings.Contains(v, "ctrl+c again") {
		t.Errorf("a key other than ctrl+c did not take the question away:\n%s", v)
	}
	s.keys("ctrl+u", "ctrl+c")
	s.waitFor("ctrl+c again quits without what you typed")
	s.keys("ctrl+c")
	if res := s.finished(); !res.Interrupted {
		t.Errorf("the second ctrl+c did not quit as an interrupt: %+v", res)
	}
	if got := saved().Organization.Name; got != "acme" {
		t.Errorf("the saved design's name is %q, want acme as it was", got)
	}
}

// A row half typed in a list step's form is asked about too.
func TestCtrlCAsksBeforeDroppingAnOpenForm(t *testing.T) {
	s := atStep(t, wizard.Workloads, "bounded context")
	s.keys("a", "ledger", "ctrl+c")
	s.waitFor("ctrl+c again quits without what you typed")
	s.keys("s")
	s.waitFor("ledgers")
	s.keys("ctrl+c")
	s.waitFor("ctrl+c again quits without what you typed")
	s.keys("ctrl+c")
	if res := s.finished(); !res.Interrupted {
		t.Errorf("the second ctrl+c did not quit as an interrupt: %+v", res)
	}
}

// Rows added, edited or deleted on a list step are in the design before
// the step ends: ctrl+c saves them. A preset added with p and enter, then
// ctrl+c, was lost, though the footer says "quit (saved)" and the quit
// message that the design is saved.
func TestCtrlCKeepsTheRowsOfAListStep(t *testing.T) {
	s, saved := savedDesign(t, wizard.Residency, "served by payments")
	s.keys("p", "enter")
	s.waitFor("residency uk added")
	s.keys("enter")
	s.waitFor("Edit residency eu")
	s.keys("ctrl+u", "europe", "enter", "enter")
	s.waitFor("residency europe saved")
	s.keys("ctrl+c")
	if res := s.finished(); !res.Interrupted {
		t.Errorf("ctrl+c did not end as an interrupt: %+v", res)
	}
	var names []string
	for _, r := range saved().Residencies {
		names = append(names, r.Name)
	}
	if got := strings.Join(names, " "); got != "europe us uk" {
		t.Errorf("the saved design's residencies are %q, want europe us uk", got)
	}

	s, saved = savedDesign(t, wizard.Workloads, "bounded context")
	s.keys("d")
	s.waitFor("workload payments deleted")
	s.keys("ctrl+c")
	s.finished()
	if w := saved().Workloads; len(w) != 1 || w[0].Name != "website" {
		t.Errorf("the saved design's workloads are %+v, want website alone", w)
	}
}
