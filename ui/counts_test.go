package ui

import (
	"context"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// A count of one takes the singular: the workloads step said "1 workloads ×
// 2 environments" for solo.yaml.
func TestCountsOfOneAreSingular(t *testing.T) {
	data, err := os.ReadFile("../examples/solo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	d.Environments = d.Environments[:1]
	m := New(context.Background(), Options{Backend: &fakeBackend{quota: 10}, Design: d, Reached: wizard.Workloads, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.enter(wizard.Workloads)
	if screen := plain(m); !strings.Contains(screen, "1 workload × 1 environment.") {
		t.Errorf("the workloads step does not count one workload and one environment in the singular:\n%s", screen)
	}
	m.enter(wizard.Environments)
	if screen := plain(m); !strings.Contains(screen, "1 environment. Press n") {
		t.Errorf("the environments step does not count one environment in the singular:\n%s", screen)
	}
}

// An adopted account exists: the design steps do not count it as one more
// to create (the old management account of way (a), adopted by its id,
// made the guardrails step say 12/12 where the preview said 11 of 12).
func TestQuotaFromDesignLeavesAdoptedAccountsOut(t *testing.T) {
	d := acmeDesign(t)
	d.Foundation.Transitional = true
	d.Accounts = append(d.Accounts, orgmodel.AdoptedAccount{Name: "acme-legacy", ID: "123456789012", OU: "Transitional"})
	q, ok := quotaFromDesign(Preflight{Quota: 12, Accounts: 2, Emails: []string{"new@example.com", "old@example.com"}}, d, nil)
	if !ok || q.Need != 11 {
		t.Errorf("quotaFromDesign = %+v, %v; want 11 accounts: 2 there and acme's 9 to create", q, ok)
	}
}

// Before the residency step, prod split by residency has none to split by:
// the count is what going on without one gives, not nothing.
func TestQuotaFromDesignBeforeResidencies(t *testing.T) {
	d := acmeDesign(t)
	d.Residencies = nil
	for i := range d.Workloads {
		d.Workloads[i].Residencies = nil
	}
	q, ok := quotaFromDesign(Preflight{Quota: 10, Accounts: 1}, d, nil)
	if !ok || q.Need != 9 {
		t.Errorf("quotaFromDesign = %+v, %v; want 9 accounts: the management account, 2 security, 2 workloads in 3 environments", q, ok)
	}
	if !d.Environments[2].PerResidency {
		t.Error("counting changed the design")
	}
}
