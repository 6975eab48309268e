package wizard

import (
	"os"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Turning budgets on puts the answers into the design, which then passes
// the whole design's validation; the design's summary line says them.
func TestBudgetAnswersApply(t *testing.T) {
	d := acme(t)
	a := BudgetsOf(d)
	if a.On || a.Alerts != "80, 100" || a.Notify != orgmodel.NotifyOwner || len(a.Environments) != 3 {
		t.Fatalf("BudgetsOf(acme without budgets) = %+v", a)
	}
	if got := BudgetsSummary(d); got != "Budgets: none" {
		t.Errorf("summary without budgets: %q", got)
	}
	a.On, a.Default, a.Environments[2], a.Alerts, a.Notify = true, "100", "$1,000", "50, 90%", "finops@acme.example"
	if err := a.Apply(d); err != nil {
		t.Fatal(err)
	}
	b := d.Budgets
	if b == nil || b.Default != 100 || len(b.Environments) != 1 || b.Environments[0] != (orgmodel.NamedAmount{Name: "prod", Amount: 1000}) ||
		len(b.Alerts) != 2 || b.Alerts[1] != 90 || b.Notify != "finops@acme.example" || b.Currency != "USD" {
		t.Fatalf("applied as %+v", b)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("the design the wizard made does not validate: %v", err)
	}
	if got := BudgetsSummary(d); got != "Budgets: $100 a month per account, prod $1,000; alerts at 50%, 90%" {
		t.Errorf("summary: %q", got)
	}
	if back := BudgetsOf(d); back.Default != "100" || back.Environments[2] != "1000" || back.Environments[0] != "" || back.Alerts != "50, 90" {
		t.Errorf("the answers read back: %+v", back)
	}
	a.On = false
	if err := a.Apply(d); err != nil || d.Budgets != nil {
		t.Errorf("off: %v, budgets %+v", err, d.Budgets)
	}
}

// Editing a file's budgets keeps what the wizard does not ask: the
// workload and account overrides.
func TestBudgetAnswersKeepOverrides(t *testing.T) {
	data, err := os.ReadFile("../examples/acme-budgets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	a := BudgetsOf(d)
	if !a.On || a.Default != "500" || a.Environments[2] != "2500" {
		t.Fatalf("BudgetsOf(acme-budgets) = %+v", a)
	}
	a.Default = "600"
	if err := a.Apply(d); err != nil {
		t.Fatal(err)
	}
	if b := d.Budgets; b.Default != 600 || len(b.Workloads) != 1 || len(b.Accounts) != 2 {
		t.Errorf("overrides lost: %+v", b)
	}
	if got := BudgetsSummary(d); got != "Budgets: $600 a month per account, prod $2,500, 3 more in the file; alerts at 80%, 100%" {
		t.Errorf("summary: %q", got)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}

// Each question refuses what orgmodel refuses, with orgmodel's words, and
// a refused Apply changes nothing.
func TestBudgetQuestionsCheckWithOrgmodel(t *testing.T) {
	d := acme(t)
	_, def, envs, alerts, notify := BudgetQuestions(d)
	for _, c := range []struct {
		q         Question
		v, wantIn string
	}{
		{def, "0", "not a positive amount"},
		{def, "12.345", "more than two decimals"},
		{def, "lots", "not an amount"},
		{def, "", "not an amount"},
		{def, "2000000000", "is there a zero too many"},
		{envs[0], "-3", "not a positive amount"},
		{alerts, "80, 80", "listed twice"},
		{alerts, "0", "not a percent from 1 to 1000"},
		{alerts, "1,2,3,4,5,6,7,8,9,10", "AWS Budgets allows 10"},
		{alerts, "eighty", "not a whole percent"},
		{notify, "finops", "neither \"owner\""},
	} {
		if err := c.q.Valid(c.v); err == nil || !strings.Contains(err.Error(), c.wantIn) {
			t.Errorf("%s %q: %v, want %q", c.q.Title, c.v, err, c.wantIn)
		}
	}
	for _, c := range []struct {
		q Question
		v string
	}{{def, "100"}, {def, "99.50"}, {envs[2], ""}, {envs[2], "1,000"}, {alerts, "80, 100"}, {notify, "owner"}, {notify, "finops@acme.example"}} {
		if err := c.q.Valid(c.v); err != nil {
			t.Errorf("%s %q refused: %v", c.q.Title, c.v, err)
		}
	}
	a := BudgetAnswers{On: true, Default: "100", Alerts: "80", Notify: "not-an-email"}
	if err := a.Apply(d); err == nil || d.Budgets != nil {
		t.Errorf("a bad notify applied: %v, %+v", err, d.Budgets)
	}
}
