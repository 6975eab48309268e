package costs

import (
	"slices"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// BudgetUse is one budget and how much of it is spent.
type BudgetUse struct {
	Name     string
	Limit    float64
	Actual   float64
	Forecast *float64 // AWS's forecast for the period; nil when it has none
	Currency string
}

// Percent is the share of the limit spent, in percent.
func (b BudgetUse) Percent() float64 {
	if b.Limit <= 0 {
		return 0
	}
	return b.Actual / b.Limit * 100
}

// Uses is each cost budget's use, the most used first, from the budgets
// as aws/budgets reads them (every page; none when AWS says the account has
// no budget).
func Uses(bs []orgmodel.ActualBudget) []BudgetUse {
	var out []BudgetUse
	for _, b := range bs {
		if b.Type != "COST" {
			continue
		}
		u := BudgetUse{Name: b.Name, Limit: b.Amount, Actual: b.ActualSpend, Currency: b.Currency}
		if b.Forecast > 0 {
			f := b.Forecast
			u.Forecast = &f
		}
		out = append(out, u)
	}
	slices.SortStableFunc(out, func(a, b BudgetUse) int {
		if pa, pb := a.Percent(), b.Percent(); pa != pb {
			if pa > pb {
				return -1
			}
			return 1
		}
		return 0
	})
	return out
}
