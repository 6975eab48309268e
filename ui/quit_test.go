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
