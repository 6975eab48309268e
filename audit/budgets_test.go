package audit

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func billingActual() *orgmodel.Actual {
	return &orgmodel.Actual{
		Organization: &orgmodel.ActualOrganization{ID: "o-1", ManagementAccountID: "000000000001", FeatureSet: "ALL"},
		Accounts: []orgmodel.ActualAccount{
			{ID: "000000000001", Name: "management", Status: "ACTIVE"},
			{ID: "100000000001", Name: "app-dev", Status: "ACTIVE"},
			{ID: "100000000002", Name: "app-prod", Status: "ACTIVE"},
			{ID: "100000000003", Name: "legacy", Status: "ACTIVE"},
			{ID: "100000000004", Name: "closed", Status: "SUSPENDED"},
		},
	}
}

func budget(name, account string, limit, spent float64) orgmodel.ActualBudget {
	b := orgmodel.ActualBudget{Name: name, Type: "COST", TimeUnit: "MONTHLY", Amount: limit, Currency: "USD", ActualSpend: spent}
	if account != "" {
		b.LinkedAccounts = []string{account}
	}
	return b
}

func designWith(budgets bool) *orgmodel.Tree {
	t := &orgmodel.Tree{Accounts: []orgmodel.Account{{Name: "app-dev"}, {Name: "app-prod"}}}
	if budgets {
		t.Budgets = []orgmodel.Budget{{Name: "orgwizard-app-dev"}}
	}
	return t
}

func TestBudgetChecks(t *testing.T) {
	withBudgets := []orgmodel.ActualBudget{budget("orgwizard-app-dev", "100000000001", 100, 40), budget("orgwizard-app-prod", "100000000002", 1000, 999.99)}
	for _, tc := range []struct {
		name          string
		design        *orgmodel.Tree
		billing       Billing
		cover, within Status
		spend         Status
		says          []string
	}{
		{name: "all budgeted, within, clean", design: designWith(true),
			billing: Billing{Budgets: append(withBudgets, budget("orgwizard-legacy", "100000000003", 5, 1)), ManagementSpend: 9.99, Currency: "USD"},
			cover:   Pass, within: Pass, spend: Pass, says: []string{"all 3 active member accounts have a budget", "all 3 cost budgets are within", "9.99 USD this month so far, under 10.00"}},
		{name: "designed budgets missing", design: designWith(true),
			billing: Billing{Budgets: withBudgets[:1], ManagementSpend: 10.01, Currency: "USD"},
			cover:   Fail, within: Pass, spend: Warn,
			says: []string{"2 of the 3 active member accounts have no budget: app-prod, legacy", "Run orgwizard apply --design acme.yaml", "Not in the design: legacy; adopt them under accounts:", "10.01 USD this month so far, at or above the 10.00"}},
		{name: "spend exactly at the cost view's line", design: designWith(true),
			billing: Billing{Budgets: withBudgets, ManagementSpend: 10, Currency: "USD"},
			cover:   Fail, within: Pass, spend: Warn, says: []string{"10.00 USD this month so far, at or above the 10.00"}},
		{name: "no budgets in the design", design: designWith(false),
			billing: Billing{Currency: "USD"},
			cover:   Warn, within: Pass, spend: Pass, says: []string{"3 of the 3 active member accounts have no budget", "Add a budgets: block to the design", "there is no cost budget to exceed"}},
		{name: "over budget", design: designWith(true),
			billing: Billing{Budgets: append(withBudgets, budget("orgwizard-legacy", "100000000003", 100, 555.05), budget("orgwizard-organization", "", 1200, 1595.04)), Currency: "USD"},
			cover:   Pass, within: Fail, spend: Pass,
			says: []string{"2 of 4 budgets are over their limit: orgwizard-legacy at 555% (555.05 of 100.00 USD); orgwizard-organization at 133% (1595.04 of 1200.00 USD)", "orgwizard costs --by account"}},
		{name: "reads refused", design: designWith(true),
			billing: Billing{BudgetsErr: errors.New("AccessDeniedException"), SpendErr: errors.New("AccessDeniedException")},
			cover:   Warn, within: Warn, spend: Warn, says: []string{"the budgets could not be read: AccessDeniedException", "its spend could not be read", "orgwizard iam-policy --for audit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.billing
			checks := Run(Input{Account: "000000000001", Actual: billingActual(), Design: tc.design, DesignFile: "acme.yaml", Billing: &b})
			c := byID(checks)
			if len(checks) != 9 {
				t.Fatalf("%d checks, want 9", len(checks))
			}
			for id, want := range map[string]Status{CheckBudgets: tc.cover, CheckOverBudget: tc.within, CheckManagementSpend: tc.spend} {
				if c[id].Status != want {
					t.Errorf("%s is %s, want %s: %s", id, c[id].Status, want, c[id].Why)
				}
				if c[id].Status != Pass && c[id].Fix == "" {
					t.Errorf("%s says no fix", id)
				}
			}
			var all strings.Builder
			for _, ck := range checks {
				all.WriteString(ck.Why + "\n" + ck.Fix + "\n")
			}
			for _, s := range tc.says {
				if !strings.Contains(all.String(), s) {
					t.Errorf("the checks do not say %q:\n%s", s, all.String())
				}
			}
		})
	}
	// Without billing read, the checklist is what it was.
	if n := len(Run(Input{Account: "000000000001", Actual: billingActual()})); n != 6 {
		t.Errorf("%d checks without billing, want 6", n)
	}
}
