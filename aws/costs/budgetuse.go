package costs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	btypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
)

// BudgetsAPI is the part of AWS Budgets the costs view reads.
type BudgetsAPI interface {
	DescribeBudgets(ctx context.Context, in *budgets.DescribeBudgetsInput, optFns ...func(*budgets.Options)) (*budgets.DescribeBudgetsOutput, error)
}

var _ BudgetsAPI = (*budgets.Client)(nil)

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

// BudgetUses reads every cost budget of account (the management account:
// budgets of the organization live there), every page, the most used
// first.
func BudgetUses(ctx context.Context, api BudgetsAPI, account string) ([]BudgetUse, error) {
	var out []BudgetUse
	in := &budgets.DescribeBudgetsInput{AccountId: aws.String(account)}
	for {
		page, err := api.DescribeBudgets(ctx, in)
		var nf *btypes.NotFoundException
		if errors.As(err, &nf) {
			break // AWS's answer for an account with no budget
		}
		if err != nil {
			return nil, fmt.Errorf("reading the budgets: %w", err)
		}
		for _, b := range page.Budgets {
			if b.BudgetType != btypes.BudgetTypeCost || b.BudgetLimit == nil {
				continue
			}
			u := BudgetUse{Name: aws.ToString(b.BudgetName), Currency: aws.ToString(b.BudgetLimit.Unit)}
			u.Limit, _ = strconv.ParseFloat(aws.ToString(b.BudgetLimit.Amount), 64)
			if c := b.CalculatedSpend; c != nil {
				if c.ActualSpend != nil {
					u.Actual, _ = strconv.ParseFloat(aws.ToString(c.ActualSpend.Amount), 64)
				}
				if c.ForecastedSpend != nil {
					if f, err := strconv.ParseFloat(aws.ToString(c.ForecastedSpend.Amount), 64); err == nil {
						u.Forecast = &f
					}
				}
			}
			out = append(out, u)
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
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
	return out, nil
}
