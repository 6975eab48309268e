package budgets_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"

	"github.com/orgwizard/orgwizard/aws/budgets"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// seeded is a sandbox whose management account manages n member accounts,
// the Budgets client acting as it, and the adapter over both APIs.
func seeded(t testing.TB, n int) (*budgets.Client, *awsbudgets.Client, []string) {
	t.Helper()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if err := sandbox.SeedOrganization(state, n, 10); err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: state, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	me := sb.Accounts()[0]
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, "")}
	b := awsbudgets.NewFromConfig(cfg, func(o *awsbudgets.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	ce := costexplorer.NewFromConfig(cfg, func(o *costexplorer.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	var members []string
	for _, a := range sb.Accounts()[1:] {
		members = append(members, a.ID)
	}
	return budgets.New(b, ce, me.ID), b, members
}

func budgetOf(t *testing.T, c *budgets.Client, name string) orgmodel.ActualBudget {
	t.Helper()
	got, err := c.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var out orgmodel.ActualBudget
	for _, b := range got.Budgets {
		if b.Name == name {
			out = b
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d budgets named %s, want 1", n, name)
	}
	return out
}

// TestCreateBudgetAdoptsAndKeepsUsersAlerts: a budget created, then created
// again with another amount and alert (an apply interrupted after AWS made
// the budget), is one budget with the new amount and both alerts; an alert
// the user added stays.
func TestCreateBudgetAdoptsAndKeepsUsersAlerts(t *testing.T) {
	ctx := context.Background()
	c, api, members := seeded(t, 3)
	want := orgmodel.Budget{Name: "orgwizard-app-dev", Account: "app-dev", Amount: 100, Currency: "USD", Alerts: []int{80}, Notify: "team@acme.example"}
	if err := c.CreateBudget(ctx, want, members[0]); err != nil {
		t.Fatal(err)
	}
	got := budgetOf(t, c, want.Name)
	if got.Amount != 100 || got.Currency != "USD" || got.Type != "COST" || got.TimeUnit != "MONTHLY" ||
		!slices.Equal(got.LinkedAccounts, []string{members[0]}) || !slices.Equal(got.Notifications, want.Notifications()) {
		t.Fatalf("the budget reads back as %+v", got)
	}
	// The user's own alert.
	if _, err := api.CreateNotification(ctx, &awsbudgets.CreateNotificationInput{AccountId: aws.String(c.AccountID()), BudgetName: aws.String(want.Name),
		Notification: &types.Notification{NotificationType: types.NotificationTypeActual, ComparisonOperator: types.ComparisonOperatorGreaterThan, Threshold: 42, ThresholdType: types.ThresholdTypePercentage},
		Subscribers:  []types.Subscriber{{SubscriptionType: types.SubscriptionTypeEmail, Address: aws.String("me@acme.example")}}}); err != nil {
		t.Fatal(err)
	}
	again := want
	again.Amount, again.Alerts = 250.5, []int{50, 80}
	if err := c.CreateBudget(ctx, again, members[0]); err != nil {
		t.Fatalf("creating an existing budget again: %v", err)
	}
	got = budgetOf(t, c, want.Name)
	if got.Amount != 250.5 {
		t.Errorf("the adopted budget's amount is %v, want 250.5", got.Amount)
	}
	for _, n := range append(again.Notifications(), orgmodel.ActualNotification{Type: "ACTUAL", Operator: "GREATER_THAN", Threshold: 42, ThresholdType: "PERCENTAGE"}) {
		if !slices.Contains(got.Notifications, n) {
			t.Errorf("alert %+v is missing: %+v", n, got.Notifications)
		}
	}
	if len(got.Notifications) != 4 {
		t.Errorf("%d alerts, want 4 (50, 80, the forecast, the user's 42): %+v", len(got.Notifications), got.Notifications)
	}
}

// TestCostCategoryCreateTwiceIsOne: creating a category that exists updates
// it; Read gives each value its account ids.
func TestCostCategoryCreateTwiceIsOne(t *testing.T) {
	ctx := context.Background()
	c, _, members := seeded(t, 3)
	arn, err := c.CreateCostCategory(ctx, "orgwizard-workload", map[string][]string{"app": {members[0]}, "web": {members[1]}})
	if err != nil {
		t.Fatal(err)
	}
	arn2, err := c.CreateCostCategory(ctx, "orgwizard-workload", map[string][]string{"app": {members[0], members[2]}})
	if err != nil {
		t.Fatalf("creating it again: %v", err)
	}
	if arn2 != arn {
		t.Errorf("the second creation answered %s, not the existing %s", arn2, arn)
	}
	got, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CostCategories) != 1 {
		t.Fatalf("%d categories, want 1: %+v", len(got.CostCategories), got.CostCategories)
	}
	cat := got.CostCategories[0]
	if cat.Arn != arn || len(cat.Values) != 1 || !slices.Equal(cat.Values["app"], slices.Sorted(slices.Values([]string{members[0], members[2]}))) {
		t.Errorf("the category reads back as %+v", cat)
	}
}

// TestReadPages: more budgets than one page of DescribeBudgets are all read.
func TestReadPages(t *testing.T) {
	ctx := context.Background()
	c, _, members := seeded(t, 120)
	for i, id := range members {
		if err := c.CreateBudget(ctx, orgmodel.Budget{Name: "orgwizard-" + id, Account: id, Amount: float64(i + 1), Currency: "USD", Alerts: []int{100}, Notify: "a@acme.example"}, id); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Budgets) != 120 {
		t.Fatalf("read %d budgets, want 120", len(got.Budgets))
	}
	for _, b := range got.Budgets {
		if len(b.Notifications) != 2 {
			t.Fatalf("budget %s has %d alerts, want 2", b.Name, len(b.Notifications))
		}
	}
}
