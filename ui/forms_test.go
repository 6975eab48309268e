package ui

import (
	"strings"
	"testing"

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
