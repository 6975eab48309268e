package ui

import (
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/wizard"
)

// b on the guardrails step opens the budgets' form; its answers go into
// the design (and the saved file) on submit, a refused default says what
// to change, and esc closes the form leaving the design as it was.
func TestBudgetsPanelSetsTheDefault(t *testing.T) {
	s, saved := savedDesign(t, wizard.Guardrails, "Budgets: none (b adds them)")
	s.keys("b")
	s.waitFor("Budgets per workload or account are set in the design file")
	s.keys("esc")
	s.waitFor("Budgets: none (b adds them)")

	s.keys("b")
	s.waitFor("Budgets on every member account?")
	s.keys("y", "0", "enter")
	s.waitFor("0 is not a positive amount")
	s.keys("ctrl+u", "250", "enter", "enter", "enter", "$1,000", "enter", "enter", "enter")
	v := s.waitFor("Budgets: $250 a month per account, prod $1,000; alerts at 80%, 100%")
	if !strings.Contains(v, "b budgets") {
		t.Errorf("the footer does not offer b:\n%s", v)
	}
	// The next step checks the whole design and saves it.
	s.keys("n")
	s.waitFor("Who works where")
	s.keys("n")
	s.waitFor("Plan:")
	d := saved()
	if b := d.Budgets; b == nil || b.Default != 250 || len(b.Environments) != 1 || b.Environments[0].Amount != 1000 || b.Notify != "owner" {
		t.Fatalf("saved budgets: %+v", b)
	}
}
