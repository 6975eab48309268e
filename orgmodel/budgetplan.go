package orgmodel

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// The plan steps of budgets and cost categories; they come after every
// account step, since they name accounts by id.
const (
	StepCreateBudget       StepKind = "create-budget"
	StepUpdateBudget       StepKind = "update-budget"
	StepCreateCostCategory StepKind = "create-cost-category"
	StepUpdateCostCategory StepKind = "update-cost-category"
)

// ActualBilling is what AWS Budgets and Cost Explorer hold of the management
// account: its budgets and its cost categories. Actual.Billing is nil when
// they were not read (a design without budgets).
type ActualBilling struct {
	Budgets        []ActualBudget       `json:"budgets"`
	CostCategories []ActualCostCategory `json:"costCategories"`
}

// ActualBudget is a budget as it exists, with its spend this period.
type ActualBudget struct {
	Name     string  `json:"name"`
	Type     string  `json:"type"`     // COST, USAGE ...
	TimeUnit string  `json:"timeUnit"` // MONTHLY ...
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	// LinkedAccounts is the LinkedAccount filter: empty for the whole bill.
	LinkedAccounts []string `json:"linkedAccounts,omitempty"`
	// Notifications are read for orgwizard's own budgets only.
	Notifications []ActualNotification `json:"notifications,omitempty"`
	ActualSpend   float64              `json:"actualSpend"`
	Forecast      float64              `json:"forecast"`
}

// ActualNotification is one alert of a budget.
type ActualNotification struct {
	Type          string  `json:"type"`     // ACTUAL or FORECASTED
	Operator      string  `json:"operator"` // GREATER_THAN ...
	Threshold     float64 `json:"threshold"`
	ThresholdType string  `json:"thresholdType"` // PERCENTAGE or ABSOLUTE_VALUE
}

// ActualCostCategory is a cost category as it exists: each value and the
// account ids its rules give it (rules of another shape leave Values
// partial, which the plan sees as a difference).
type ActualCostCategory struct {
	Arn    string              `json:"arn"`
	Name   string              `json:"name"`
	Values map[string][]string `json:"values"`
}

// Notifications are the alerts a budget of the design has: ACTUAL
// GREATER_THAN each alert percent, and FORECASTED GREATER_THAN 100.
func (b Budget) Notifications() []ActualNotification {
	var out []ActualNotification
	for _, a := range b.Alerts {
		out = append(out, ActualNotification{Type: "ACTUAL", Operator: "GREATER_THAN", Threshold: float64(a), ThresholdType: "PERCENTAGE"})
	}
	return append(out, ActualNotification{Type: "FORECASTED", Operator: "GREATER_THAN", Threshold: ForecastAlert, ThresholdType: "PERCENTAGE"})
}

// DeleteBudgetCommand is the command that deletes a budget by hand.
func DeleteBudgetCommand(managementID, name string) string {
	return fmt.Sprintf("aws budgets delete-budget --account-id %s --budget-name %s", managementID, name)
}

// planBudgets adds the steps that make the budgets and cost categories match
// the design, and warns of orgwizard budgets the design no longer has. It
// does nothing for a design without budgets.
func planBudgets(desired *Tree, actual *Actual, p *Plan) {
	if len(desired.Budgets) == 0 && len(desired.CostCategories) == 0 {
		return
	}
	billing := actual.Billing
	if billing == nil {
		billing = &ActualBilling{}
	}
	kinds := map[string]AccountKind{}
	for _, a := range desired.Accounts {
		kinds[a.Name] = a.Kind
	}
	have := map[string]ActualBudget{}
	for _, b := range billing.Budgets {
		have[b.Name] = b
	}
	wanted := map[string]bool{}
	for _, want := range desired.Budgets {
		wanted[want.Name] = true
		id := ""
		if want.Account != "" {
			var matched bool
			id, matched = p.Adopted[want.Account]
			if !matched && kinds[want.Account] == AdoptedKind {
				continue // not in the organization: the plan warns already
			}
		}
		b := want
		s := Step{Subject: want.Name, AccountID: id, Budget: &b}
		got, exists := have[want.Name]
		if !exists {
			s.Kind = StepCreateBudget
			s.Why = fmt.Sprintf("%s USD a month (%s), alerts at %s%% of the actual spend and 100%% of the forecast, to %s",
				formatAmount(want.Amount), want.Source, joinInts(want.Alerts, "%, "), want.Notify)
			p.Steps = append(p.Steps, s)
			continue
		}
		if diff := budgetDiff(want, id, got); len(diff) > 0 {
			s.Kind = StepUpdateBudget
			s.Why = strings.Join(diff, "; ")
			p.Steps = append(p.Steps, s)
		}
	}
	mgmt := ""
	if actual.Organization != nil {
		mgmt = actual.Organization.ManagementAccountID
	}
	for _, b := range billing.Budgets {
		if strings.HasPrefix(b.Name, BudgetPrefix) && !wanted[b.Name] {
			p.Warnings = append(p.Warnings, fmt.Sprintf("budget %s is no longer in the design; it is left in place: delete it by hand with %s", b.Name, DeleteBudgetCommand(mgmt, b.Name)))
		}
	}

	cats := map[string]ActualCostCategory{}
	for _, c := range billing.CostCategories {
		cats[c.Name] = c
	}
	for _, want := range desired.CostCategories {
		c := want
		s := Step{Subject: want.Name, Category: &c}
		got, exists := cats[want.Name]
		if !exists {
			s.Kind = StepCreateCostCategory
			s.Why = fmt.Sprintf("so that Cost Explorer groups spend by %s: %s", strings.TrimPrefix(want.Name, BudgetPrefix), strings.Join(slices.Sorted(maps.Keys(want.Values)), ", "))
			p.Steps = append(p.Steps, s)
			continue
		}
		s.CategoryArn = got.Arn
		if diff := categoryDiff(want, got, p.Adopted); diff != "" {
			s.Kind = StepUpdateCostCategory
			s.Why = diff
			p.Steps = append(p.Steps, s)
		}
	}
}

func joinInts(v []int, sep string) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, sep)
}

// budgetDiff says what differs between the budget the design wants (of the
// account id, "" for the organization's total) and the one that exists.
func budgetDiff(want Budget, id string, got ActualBudget) []string {
	var diff []string
	if got.Type != "COST" || got.TimeUnit != "MONTHLY" {
		diff = append(diff, fmt.Sprintf("it is a %s %s budget; orgwizard's are MONTHLY COST budgets", got.TimeUnit, got.Type))
	}
	if math.Round(got.Amount*100) != math.Round(want.Amount*100) || got.Currency != want.Currency {
		diff = append(diff, fmt.Sprintf("its limit is %s %s; the design says %s %s (%s)", formatAmount(got.Amount), got.Currency, formatAmount(want.Amount), want.Currency, want.Source))
	}
	wantFilter := []string{}
	if want.Account != "" {
		wantFilter = []string{id}
	}
	if id == "" && want.Account != "" {
		diff = append(diff, "its account "+want.Account+" is created by this plan")
	} else if !slices.Equal(slices.Sorted(slices.Values(got.LinkedAccounts)), wantFilter) && !(len(got.LinkedAccounts) == 0 && len(wantFilter) == 0) {
		diff = append(diff, fmt.Sprintf("it is filtered to accounts [%s]; the design wants [%s]", strings.Join(got.LinkedAccounts, ", "), strings.Join(wantFilter, ", ")))
	}
	var missing []string
	for _, n := range want.Notifications() {
		if !slices.Contains(got.Notifications, n) {
			missing = append(missing, fmt.Sprintf("%s > %s%%", strings.ToLower(n.Type), formatAmount(n.Threshold)))
		}
	}
	if len(missing) > 0 {
		diff = append(diff, "alerts missing: "+strings.Join(missing, ", "))
	}
	return diff
}

// categoryDiff says how an existing cost category's values differ from what
// the design wants, accounts named by the ids of adopted.
func categoryDiff(want CostCategory, got ActualCostCategory, adopted map[string]string) string {
	var diffs []string
	for _, v := range slices.Sorted(maps.Keys(want.Values)) {
		var ids []string
		for _, name := range want.Values[v] {
			id, ok := adopted[name]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s=%s gains %s, created by this plan", strings.TrimPrefix(want.Name, BudgetPrefix), v, name))
				continue
			}
			ids = append(ids, id)
		}
		if !slices.Equal(slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(got.Values[v]))) && len(ids) == len(want.Values[v]) {
			diffs = append(diffs, fmt.Sprintf("the accounts of %s=%s differ", strings.TrimPrefix(want.Name, BudgetPrefix), v))
		}
	}
	for v := range got.Values {
		if _, ok := want.Values[v]; !ok {
			diffs = append(diffs, fmt.Sprintf("value %s is no longer in the design", v))
		}
	}
	slices.Sort(diffs)
	return strings.Join(diffs, "; ")
}
