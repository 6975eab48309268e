// Package budgets reads and writes orgwizard's AWS Budgets budgets and Cost
// Explorer cost categories, from the management account: the budget of each
// member account with its alerts, the organization's total, and the cost
// categories that map each account to its workload, environment and
// residency. It creates and updates; it never deletes.
package budgets

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"

	"golang.org/x/sync/errgroup"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// API is the part of AWS Budgets orgwizard calls.
type API interface {
	DescribeBudgets(ctx context.Context, in *budgets.DescribeBudgetsInput, optFns ...func(*budgets.Options)) (*budgets.DescribeBudgetsOutput, error)
	DescribeNotificationsForBudget(ctx context.Context, in *budgets.DescribeNotificationsForBudgetInput, optFns ...func(*budgets.Options)) (*budgets.DescribeNotificationsForBudgetOutput, error)
	CreateBudget(ctx context.Context, in *budgets.CreateBudgetInput, optFns ...func(*budgets.Options)) (*budgets.CreateBudgetOutput, error)
	UpdateBudget(ctx context.Context, in *budgets.UpdateBudgetInput, optFns ...func(*budgets.Options)) (*budgets.UpdateBudgetOutput, error)
	CreateNotification(ctx context.Context, in *budgets.CreateNotificationInput, optFns ...func(*budgets.Options)) (*budgets.CreateNotificationOutput, error)
	CreateSubscriber(ctx context.Context, in *budgets.CreateSubscriberInput, optFns ...func(*budgets.Options)) (*budgets.CreateSubscriberOutput, error)
}

// CategoryAPI is the part of Cost Explorer's cost categories orgwizard calls.
type CategoryAPI interface {
	ListCostCategoryDefinitions(ctx context.Context, in *costexplorer.ListCostCategoryDefinitionsInput, optFns ...func(*costexplorer.Options)) (*costexplorer.ListCostCategoryDefinitionsOutput, error)
	DescribeCostCategoryDefinition(ctx context.Context, in *costexplorer.DescribeCostCategoryDefinitionInput, optFns ...func(*costexplorer.Options)) (*costexplorer.DescribeCostCategoryDefinitionOutput, error)
	CreateCostCategoryDefinition(ctx context.Context, in *costexplorer.CreateCostCategoryDefinitionInput, optFns ...func(*costexplorer.Options)) (*costexplorer.CreateCostCategoryDefinitionOutput, error)
	UpdateCostCategoryDefinition(ctx context.Context, in *costexplorer.UpdateCostCategoryDefinitionInput, optFns ...func(*costexplorer.Options)) (*costexplorer.UpdateCostCategoryDefinitionOutput, error)
}

var (
	_ API         = (*budgets.Client)(nil)
	_ CategoryAPI = (*costexplorer.Client)(nil)
)

// Client acts on the budgets and cost categories of one management account.
type Client struct {
	api       API
	ce        CategoryAPI
	accountID string
	parallel  int
}

// New returns a Client for the management account accountID.
func New(api API, ce CategoryAPI, accountID string) *Client {
	return &Client{api: api, ce: ce, accountID: accountID, parallel: 8}
}

// Read returns the account's budgets, with the alerts of orgwizard's own, and
// its cost categories, with the accounts of orgwizard's own.
func (c *Client) Read(ctx context.Context) (*orgmodel.ActualBilling, error) {
	bs, err := c.Budgets(ctx)
	if err != nil {
		return nil, err
	}
	out := &orgmodel.ActualBilling{Budgets: bs, CostCategories: []orgmodel.ActualCostCategory{}}
	if err := c.each(ctx, len(out.Budgets), func(ctx context.Context, i int) error {
		b := &out.Budgets[i]
		if !strings.HasPrefix(b.Name, orgmodel.BudgetPrefix) {
			return nil
		}
		ns, err := c.notifications(ctx, b.Name)
		b.Notifications = ns
		return err
	}); err != nil {
		return nil, err
	}

	refs, err := c.categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing the cost categories: %w", err)
	}
	for _, r := range refs {
		if !strings.HasPrefix(aws.ToString(r.Name), orgmodel.BudgetPrefix) || r.EffectiveEnd != nil {
			continue
		}
		d, err := c.ce.DescribeCostCategoryDefinition(ctx, &costexplorer.DescribeCostCategoryDefinitionInput{CostCategoryArn: r.CostCategoryArn})
		if err != nil {
			return nil, fmt.Errorf("reading cost category %s: %w", aws.ToString(r.Name), err)
		}
		out.CostCategories = append(out.CostCategories, actualCategory(d.CostCategory))
	}
	return out, nil
}

// Budgets returns every budget of the account with its limit and spend,
// without alerts: what audit needs, in one request a hundred budgets.
func (c *Client) Budgets(ctx context.Context) ([]orgmodel.ActualBudget, error) {
	out := []orgmodel.ActualBudget{}
	in := &budgets.DescribeBudgetsInput{AccountId: aws.String(c.accountID), MaxResults: aws.Int32(100)}
	for {
		page, err := c.api.DescribeBudgets(ctx, in)
		var nf *types.NotFoundException
		if errors.As(err, &nf) {
			return out, nil // AWS's answer for an account with no budget
		}
		if err != nil {
			return nil, fmt.Errorf("reading the budgets of account %s: %w", c.accountID, err)
		}
		for _, b := range page.Budgets {
			out = append(out, actualBudget(b))
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

func (c *Client) notifications(ctx context.Context, name string) ([]orgmodel.ActualNotification, error) {
	var out []orgmodel.ActualNotification
	in := &budgets.DescribeNotificationsForBudgetInput{AccountId: aws.String(c.accountID), BudgetName: aws.String(name), MaxResults: aws.Int32(100)}
	for {
		page, err := c.api.DescribeNotificationsForBudget(ctx, in)
		var nf *types.NotFoundException
		if errors.As(err, &nf) {
			return out, nil // a budget without alerts, or gone meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("reading the alerts of budget %s: %w", name, err)
		}
		for _, n := range page.Notifications {
			tt := string(n.ThresholdType)
			if tt == "" {
				tt = string(types.ThresholdTypePercentage)
			}
			out = append(out, orgmodel.ActualNotification{Type: string(n.NotificationType), Operator: string(n.ComparisonOperator), Threshold: n.Threshold, ThresholdType: tt})
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// each runs fn for 0..n-1, c.parallel at a time, and returns the first error.
func (c *Client) each(ctx context.Context, n int, fn func(context.Context, int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallel)
	for i := range n {
		g.Go(func() error { return fn(gctx, i) })
	}
	return g.Wait()
}

func amount(s *types.Spend) (float64, string) {
	if s == nil {
		return 0, ""
	}
	v, _ := strconv.ParseFloat(aws.ToString(s.Amount), 64)
	return v, aws.ToString(s.Unit)
}

func actualBudget(b types.Budget) orgmodel.ActualBudget {
	a := orgmodel.ActualBudget{Name: aws.ToString(b.BudgetName), Type: string(b.BudgetType), TimeUnit: string(b.TimeUnit)}
	a.Amount, a.Currency = amount(b.BudgetLimit)
	a.LinkedAccounts = slices.Clone(b.CostFilters["LinkedAccount"])
	if b.CalculatedSpend != nil {
		a.ActualSpend, _ = amount(b.CalculatedSpend.ActualSpend)
		a.Forecast, _ = amount(b.CalculatedSpend.ForecastedSpend)
	}
	return a
}

func actualCategory(c *cetypes.CostCategory) orgmodel.ActualCostCategory {
	a := orgmodel.ActualCostCategory{Arn: aws.ToString(c.CostCategoryArn), Name: aws.ToString(c.Name), Values: map[string][]string{}}
	for _, r := range c.Rules {
		v := aws.ToString(r.Value)
		if r.Rule == nil || r.Rule.Dimensions == nil || r.Rule.Dimensions.Key != cetypes.DimensionLinkedAccount || v == "" {
			// A rule of another shape: the plan sees the value as
			// missing accounts and rewrites the category.
			a.Values[v] = append(a.Values[v], "")
			continue
		}
		a.Values[v] = append(a.Values[v], r.Rule.Dimensions.Values...)
	}
	return a
}

// budget is the AWS Budgets budget of b, filtered to linkedAccount ("" for
// the whole bill).
func budget(b orgmodel.Budget, linkedAccount string) *types.Budget {
	out := &types.Budget{
		BudgetName:  aws.String(b.Name),
		BudgetType:  types.BudgetTypeCost,
		TimeUnit:    types.TimeUnitMonthly,
		BudgetLimit: &types.Spend{Amount: aws.String(strconv.FormatFloat(b.Amount, 'f', -1, 64)), Unit: aws.String(b.Currency)},
	}
	if linkedAccount != "" {
		// CostFilters, which AWS Budgets still takes and the sandbox and
		// moto read; its newer FilterExpression says the same.
		out.CostFilters = map[string][]string{"LinkedAccount": {linkedAccount}}
	}
	return out
}

func notification(n orgmodel.ActualNotification) *types.Notification {
	return &types.Notification{NotificationType: types.NotificationType(n.Type), ComparisonOperator: types.ComparisonOperator(n.Operator),
		Threshold: n.Threshold, ThresholdType: types.ThresholdType(n.ThresholdType)}
}

// CreateBudget creates b, filtered to linkedAccount, with its alerts. A
// budget of that name that exists already (created by an apply that was
// interrupted before it could tell) is adopted: updated to b.
func (c *Client) CreateBudget(ctx context.Context, b orgmodel.Budget, linkedAccount string) error {
	in := &budgets.CreateBudgetInput{AccountId: aws.String(c.accountID), Budget: budget(b, linkedAccount)}
	for _, n := range b.Notifications() {
		in.NotificationsWithSubscribers = append(in.NotificationsWithSubscribers, types.NotificationWithSubscribers{
			Notification: notification(n),
			Subscribers:  []types.Subscriber{{SubscriptionType: types.SubscriptionTypeEmail, Address: aws.String(b.Notify)}},
		})
	}
	_, err := c.api.CreateBudget(ctx, in)
	var dup *types.DuplicateRecordException
	if errors.As(err, &dup) {
		return c.UpdateBudget(ctx, b, linkedAccount)
	}
	if err != nil {
		return fmt.Errorf("creating budget %s: %w", b.Name, err)
	}
	return nil
}

// UpdateBudget sets the limit and filter of the existing budget b, and adds
// the alerts and the subscriber it lacks. Alerts and subscribers that are
// there already are left, as is any the user added.
func (c *Client) UpdateBudget(ctx context.Context, b orgmodel.Budget, linkedAccount string) error {
	if _, err := c.api.UpdateBudget(ctx, &budgets.UpdateBudgetInput{AccountId: aws.String(c.accountID), NewBudget: budget(b, linkedAccount)}); err != nil {
		return fmt.Errorf("updating budget %s: %w", b.Name, err)
	}
	sub := types.Subscriber{SubscriptionType: types.SubscriptionTypeEmail, Address: aws.String(b.Notify)}
	for _, n := range b.Notifications() {
		_, err := c.api.CreateNotification(ctx, &budgets.CreateNotificationInput{AccountId: aws.String(c.accountID), BudgetName: aws.String(b.Name),
			Notification: notification(n), Subscribers: []types.Subscriber{sub}})
		var dup *types.DuplicateRecordException
		if !errors.As(err, &dup) {
			if err != nil {
				return fmt.Errorf("adding an alert to budget %s: %w", b.Name, err)
			}
			continue
		}
		// The alert exists: make sure it mails the design's address too.
		_, err = c.api.CreateSubscriber(ctx, &budgets.CreateSubscriberInput{AccountId: aws.String(c.accountID), BudgetName: aws.String(b.Name),
			Notification: notification(n), Subscriber: &sub})
		if err != nil && !errors.As(err, &dup) {
			return fmt.Errorf("adding %s to an alert of budget %s: %w", b.Notify, b.Name, err)
		}
	}
	return nil
}

// rules are the cost category rules that give each value its accounts.
func rules(values map[string][]string) []cetypes.CostCategoryRule {
	var out []cetypes.CostCategoryRule
	for _, v := range slices.Sorted(maps.Keys(values)) {
		out = append(out, cetypes.CostCategoryRule{
			Type:  cetypes.CostCategoryRuleTypeRegular,
			Value: aws.String(v),
			Rule: &cetypes.Expression{Dimensions: &cetypes.DimensionValues{
				Key: cetypes.DimensionLinkedAccount, Values: slices.Sorted(slices.Values(values[v])),
			}},
		})
	}
	return out
}

// CreateCostCategory creates the cost category name whose values map to the
// given account ids, and returns its ARN. One of that name that exists
// already (an interrupted apply's) is updated instead.
func (c *Client) CreateCostCategory(ctx context.Context, name string, values map[string][]string) (string, error) {
	out, err := c.ce.CreateCostCategoryDefinition(ctx, &costexplorer.CreateCostCategoryDefinitionInput{
		Name: aws.String(name), RuleVersion: cetypes.CostCategoryRuleVersionCostCategoryExpressionV1, Rules: rules(values),
	})
	if err == nil {
		return aws.ToString(out.CostCategoryArn), nil
	}
	arn, found, lerr := c.findCategory(ctx, name)
	if lerr != nil || !found {
		return "", fmt.Errorf("creating cost category %s: %w", name, err)
	}
	return arn, c.UpdateCostCategory(ctx, arn, values)
}

func (c *Client) findCategory(ctx context.Context, name string) (string, bool, error) {
	refs, err := c.categories(ctx)
	if err != nil {
		return "", false, err
	}
	for _, r := range refs {
		if aws.ToString(r.Name) == name && r.EffectiveEnd == nil {
			return aws.ToString(r.CostCategoryArn), true, nil
		}
	}
	return "", false, nil
}

// categories lists the account's cost categories, every page.
func (c *Client) categories(ctx context.Context) ([]cetypes.CostCategoryReference, error) {
	var refs []cetypes.CostCategoryReference
	in := &costexplorer.ListCostCategoryDefinitionsInput{}
	for {
		page, err := c.ce.ListCostCategoryDefinitions(ctx, in)
		if err != nil {
			return nil, err
		}
		refs = append(refs, page.CostCategoryReferences...)
		if aws.ToString(page.NextToken) == "" {
			return refs, nil
		}
		in.NextToken = page.NextToken
	}
}

// UpdateCostCategory replaces the rules of the cost category arn.
func (c *Client) UpdateCostCategory(ctx context.Context, arn string, values map[string][]string) error {
	_, err := c.ce.UpdateCostCategoryDefinition(ctx, &costexplorer.UpdateCostCategoryDefinitionInput{
		CostCategoryArn: aws.String(arn), RuleVersion: cetypes.CostCategoryRuleVersionCostCategoryExpressionV1, Rules: rules(values),
	})
	if err != nil {
		return fmt.Errorf("updating cost category %s: %w", arn, err)
	}
	return nil
}

// AccountID is the management account the client acts for.
func (c *Client) AccountID() string { return c.accountID }
