package orgmodel

import (
	"strings"
	"testing"
)

// convergedBilling adds to a the budgets and cost categories tree wants, as
// AWS would hold them once applied.
func convergedBilling(tree *Tree, a *Actual) {
	ids := map[string]string{}
	for _, acc := range a.Accounts {
		ids[acc.Name] = acc.ID
	}
	a.Billing = &ActualBilling{}
	for _, b := range tree.Budgets {
		ab := ActualBudget{Name: b.Name, Type: "COST", TimeUnit: "MONTHLY", Amount: b.Amount, Currency: b.Currency, Notifications: b.Notifications()}
		if b.Account != "" {
			ab.LinkedAccounts = []string{ids[b.Account]}
		}
		a.Billing.Budgets = append(a.Billing.Budgets, ab)
	}
	for i, c := range tree.CostCategories {
		ac := ActualCostCategory{Arn: "arn:aws:ce::000000000001:costcategory/" + string(rune('a'+i)), Name: c.Name, Values: map[string][]string{}}
		for v, names := range c.Values {
			for _, n := range names {
				ac.Values[v] = append(ac.Values[v], ids[n])
			}
		}
		a.Billing.CostCategories = append(a.Billing.CostCategories, ac)
	}
}

func TestPlanBudgetsNothingExists(t *testing.T) {
	tree := expand(t, loadExample(t, "acme-budgets.yaml"))
	p := MakePlan(tree, nil)
	k := kinds(p)
	if k[StepCreateBudget] != len(tree.Accounts)+1 || k[StepCreateCostCategory] != 3 {
		t.Fatalf("plan has %d budgets and %d categories to create, want %d and 3:\n%s", k[StepCreateBudget], k[StepCreateCostCategory], len(tree.Accounts)+1, describeSteps(p))
	}
	// Budgets and categories come after every account step: they need ids.
	lastAccount, firstBilling := -1, len(p.Steps)
	for i, s := range p.Steps {
		switch s.Kind {
		case StepCreateAccount, StepMoveAccount, StepTagAccount:
			lastAccount = i
		case StepCreateBudget, StepCreateCostCategory:
			firstBilling = min(firstBilling, i)
		}
	}
	if firstBilling < lastAccount {
		t.Errorf("a budget step (%d) comes before an account step (%d)", firstBilling, lastAccount)
	}
	for _, s := range p.Steps {
		if s.Kind == StepCreateBudget && s.Subject == "orgwizard-payments-dev" {
			if s.String() != "create budget orgwizard-payments-dev: 300 USD a month" || !strings.Contains(s.Why, "accounts.payments-dev") || !strings.Contains(s.Why, "payments-team@acme.example") {
				t.Errorf("step reads %q, why %q", s, s.Why)
			}
		}
	}
	// Without budgets in the design, nothing of billing is planned, whatever exists.
	plain := expand(t, loadExample(t, "acme.yaml"))
	a := converged(plain)
	convergedBilling(tree, a)
	a.Billing.Budgets[0].Amount = 1
	if p := MakePlan(plain, a); !p.Empty() || len(p.Warnings) > 0 {
		t.Errorf("a design without budgets plans:\n%s%v", describeSteps(p), p.Warnings)
	}
}

func TestPlanBudgetsConvergedIsEmpty(t *testing.T) {
	tree := expand(t, loadExample(t, "acme-budgets.yaml"))
	a := converged(tree)
	convergedBilling(tree, a)
	if p := MakePlan(tree, a); !p.Empty() || len(p.Warnings) > 0 {
		t.Errorf("a converged organization plans:\n%s%v", describeSteps(p), p.Warnings)
	}
}

func TestPlanBudgetsDifferences(t *testing.T) {
	tree := expand(t, loadExample(t, "acme-budgets.yaml"))
	a := converged(tree)
	convergedBilling(tree, a)
	byName := map[string]*ActualBudget{}
	for i := range a.Billing.Budgets {
		byName[a.Billing.Budgets[i].Name] = &a.Billing.Budgets[i]
	}
	byName["orgwizard-website-dev"].Amount = 75
	n := byName["orgwizard-payments-dev"]
	n.Notifications = n.Notifications[1:] // the 80% alert lost
	byName["orgwizard-log-archive"].LinkedAccounts = []string{"999999999999"}
	a.Billing.Budgets = append(a.Billing.Budgets,
		ActualBudget{Name: "orgwizard-old-account", Type: "COST", TimeUnit: "MONTHLY", Amount: 5, Currency: "USD"},
		ActualBudget{Name: "team-budget", Type: "COST", TimeUnit: "MONTHLY", Amount: 5, Currency: "USD"})
	cat := &a.Billing.CostCategories[0] // workload
	cat.Values["payments"] = cat.Values["payments"][1:]
	cat.Values["legacy"] = []string{"123456789012"}

	p := MakePlan(tree, a)
	got := map[string]string{}
	for _, s := range p.Steps {
		got[s.Subject] = string(s.Kind) + ": " + s.Why
	}
	want := map[string]string{
		"orgwizard-website-dev":  "update-budget: its limit is 75 USD; the design says 1500 USD (workloads.website)",
		"orgwizard-payments-dev": "update-budget: alerts missing: actual > 80%",
		"orgwizard-log-archive":  "update-budget: it is filtered to accounts [999999999999]; the design wants [",
		"orgwizard-workload":     "update-cost-category: the accounts of workload=payments differ; value legacy is no longer in the design",
	}
	for subject, w := range want {
		if !strings.HasPrefix(got[subject], w) {
			t.Errorf("step for %s is %q, want %q", subject, got[subject], w)
		}
	}
	if len(p.Steps) != len(want) {
		t.Errorf("%d steps, want %d:\n%s", len(p.Steps), len(want), describeSteps(p))
	}
	warned := strings.Join(p.Warnings, "\n")
	if !strings.Contains(warned, "budget orgwizard-old-account is no longer in the design; it is left in place: delete it by hand with aws budgets delete-budget --account-id 000000000001 --budget-name orgwizard-old-account") {
		t.Errorf("the stale orgwizard budget is not reported with its command:\n%s", warned)
	}
	if strings.Contains(warned, "team-budget") {
		t.Errorf("a budget of the user's own is reported: %s", warned)
	}
	for _, s := range p.Steps {
		if s.Kind == StepUpdateCostCategory && s.CategoryArn == "" {
			t.Errorf("update of %s names no ARN", s.Subject)
		}
	}
}
