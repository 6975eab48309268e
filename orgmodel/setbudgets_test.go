package orgmodel

import (
	"strings"
	"testing"
)

// SetBudgets takes a block that passes the budgets checks into a design
// that no file wrote (the wizard's), which then validates; a block the
// checks refuse leaves the design as it was.
func TestSetBudgetsChecksAsValidate(t *testing.T) {
	d := &Design{Version: 1, Organization: Organization{Name: "acme", Email: "aws@acme.example", HomeRegion: "eu-west-1"},
		Environments: []Environment{{Name: "prod"}}, Workloads: []Workload{{Name: "payments"}}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := &Budgets{Currency: BudgetCurrency, Default: 100, Environments: []NamedAmount{{Name: "prd", Amount: 5}}, Alerts: []int{80}, Notify: NotifyOwner}
	if err := d.SetBudgets(bad); err == nil || !strings.Contains(err.Error(), `did you mean "prod"`) || d.Budgets != nil {
		t.Errorf("a misspelt environment: %v, budgets %+v", err, d.Budgets)
	}
	good := &Budgets{Currency: BudgetCurrency, Default: 100, Environments: []NamedAmount{{Name: "prod", Amount: 500}}, Alerts: []int{80}, Notify: NotifyOwner}
	if err := d.SetBudgets(good); err != nil || d.Budgets != good {
		t.Fatalf("SetBudgets: %v", err)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("the design does not validate with the budgets set: %v", err)
	}
	if err := d.SetBudgets(nil); err != nil || d.Budgets != nil {
		t.Errorf("nil does not remove the budgets: %v", err)
	}
}
