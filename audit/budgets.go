package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// ManagementSpendThreshold is the month-to-date spend, in USD, above which
// the management account's own spend is a warning. A management account
// that runs nothing but the organization costs cents a month (Cost
// Explorer's requests, a CloudTrail trail's S3 storage); $10 leaves room for
// those and for a few orgwizard costs views, and a single forgotten EC2
// instance passes it within days. It is the cost view's line, so both call
// the same spend clean.
const ManagementSpendThreshold = costview.CleanManagementThreshold

// Billing is the management account's budgets and own spend, as read for
// the budget checks. A read that failed leaves its error instead.
type Billing struct {
	Budgets    []orgmodel.ActualBudget
	BudgetsErr error
	// ManagementSpend is the management account's spend this month so far.
	ManagementSpend float64
	Currency        string
	SpendErr        error
}

const readFix = "Allow budgets:ViewBudget and ce:GetCostAndUsage (orgwizard iam-policy --for audit lists them), then run the audit again."

func budgetChecks(in Input) []Check {
	b := in.Billing
	if b == nil {
		return nil
	}
	return []Check{budgetCover(in), overBudget(in), managementSpend(in)}
}

// budgetCover: every member account has a budget of its own.
func budgetCover(in Input) Check {
	c := Check{ID: CheckBudgets, Title: "Every member account has a monthly budget"}
	designed := in.Design != nil && len(in.Design.Budgets) > 0
	switch {
	case in.Actual == nil || in.Actual.Organization == nil:
		c.Status, c.Why = Warn, "there is no organization to read"
		c.Fix = "orgwizard apply creates it; a design's budgets: block gives every account a budget."
		return c
	case in.Billing.BudgetsErr != nil:
		c.Status, c.Why, c.Fix = Warn, "the budgets could not be read: "+in.Billing.BudgetsErr.Error(), readFix
		return c
	}
	covered := map[string]bool{}
	for _, b := range in.Billing.Budgets {
		for _, id := range b.LinkedAccounts {
			covered[id] = true
		}
	}
	var missing []string
	members := 0
	for _, a := range in.Actual.Accounts {
		if a.ID == in.Actual.Organization.ManagementAccountID || (a.Status != "" && a.Status != "ACTIVE") {
			continue
		}
		members++
		if !covered[a.ID] {
			missing = append(missing, a.Name)
		}
	}
	slices.Sort(missing)
	inDesign := map[string]bool{}
	if in.Design != nil {
		for _, a := range in.Design.Accounts {
			inDesign[a.Name] = true
		}
	}
	var outside []string
	for _, name := range missing {
		if !inDesign[name] {
			outside = append(outside, name)
		}
	}
	switch {
	case len(missing) == 0:
		c.Status, c.Why = Pass, fmt.Sprintf("all %d active member accounts have a budget filtered to them", members)
	case designed:
		c.Status = Fail
		c.Why = fmt.Sprintf("%d of the %d active member accounts have no budget: %s", len(missing), members, list(missing))
		var fixes []string
		if len(outside) < len(missing) {
			fixes = append(fixes, fmt.Sprintf("Run orgwizard apply --design %s: it creates the budgets the design's budgets: block sets.", in.DesignFile))
		}
		if len(outside) > 0 {
			fixes = append(fixes, fmt.Sprintf("Not in the design: %s; adopt them under accounts: (with the OU to place them in) so that apply budgets them too, or create their budgets by hand.", list(outside)))
		}
		c.Fix = strings.Join(fixes, " ")
	default:
		c.Status = Warn
		c.Why = fmt.Sprintf("%d of the %d active member accounts have no budget, so a runaway account is found on the monthly bill: %s", len(missing), members, list(missing))
		c.Fix = "Add a budgets: block to the design (default: 100 is a start; see examples/acme-budgets.yaml) and run orgwizard apply: every account gets a monthly budget with alerts."
	}
	return c
}

// overBudget: no budget's actual spend is past its limit.
func overBudget(in Input) Check {
	c := Check{ID: CheckOverBudget, Title: "No budget is over 100%"}
	if in.Billing.BudgetsErr != nil {
		c.Status, c.Why, c.Fix = Warn, "the budgets could not be read: "+in.Billing.BudgetsErr.Error(), readFix
		return c
	}
	var over []string
	n := 0
	for _, b := range in.Billing.Budgets {
		if b.Type != "COST" || b.Amount <= 0 {
			continue
		}
		n++
		if b.ActualSpend > b.Amount {
			over = append(over, fmt.Sprintf("%s at %.0f%% (%.2f of %.2f %s)", b.Name, 100*b.ActualSpend/b.Amount, b.ActualSpend, b.Amount, b.Currency))
		}
	}
	slices.Sort(over)
	switch {
	case len(over) > 0:
		c.Status = Fail
		c.Why = fmt.Sprintf("%d of %d budgets are over their limit: %s", len(over), n, strings.Join(over, "; "))
		c.Fix = "See what those accounts run (orgwizard costs --by account); stop what should not run, or raise the budget in the design if the spend is expected."
	case n == 0:
		c.Status, c.Why = Pass, "there is no cost budget to exceed"
	default:
		c.Status, c.Why = Pass, fmt.Sprintf("all %d cost budgets are within their limit", n)
	}
	return c
}

// managementSpend: the management account's own month-to-date spend.
func managementSpend(in Input) Check {
	c := Check{ID: CheckManagementSpend, Title: "The management account's own spend is next to nothing"}
	b := in.Billing
	switch {
	case b.SpendErr != nil:
		c.Status, c.Why, c.Fix = Warn, "its spend could not be read: "+b.SpendErr.Error(), readFix
	case b.ManagementSpend >= ManagementSpendThreshold:
		c.Status = Warn
		c.Why = fmt.Sprintf("it has spent %.2f %s this month so far, at or above the %.2f a management account that runs nothing stays under", b.ManagementSpend, b.Currency, ManagementSpendThreshold)
		c.Fix = "Find what runs there (see " + CheckManagementClean + "; orgwizard costs shows the spend) and move it to a member account."
	default:
		c.Status = Pass
		c.Why = fmt.Sprintf("%.2f %s this month so far, under %.2f", b.ManagementSpend, b.Currency, ManagementSpendThreshold)
	}
	return c
}
