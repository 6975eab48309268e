package sandbox_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	btypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/sandbox"
	"github.com/orgwizard/orgwizard/sandbox/billing"
)

func (w *world) ce(a sandbox.AccountInfo) *costexplorer.Client {
	return costexplorer.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *costexplorer.Options) {
		o.BaseEndpoint = aws.String(w.url)
	})
}

func (w *world) budgets(a sandbox.AccountInfo) *budgets.Client {
	return budgets.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *budgets.Options) {
		o.BaseEndpoint = aws.String(w.url)
	})
}

func days(now time.Time, n int) *cetypes.DateInterval {
	today := now.UTC().Truncate(24 * time.Hour)
	return &cetypes.DateInterval{Start: aws.String(today.AddDate(0, 0, -n+1).Format(time.DateOnly)),
		End: aws.String(today.AddDate(0, 0, 1).Format(time.DateOnly))}
}

func num(t *testing.T, s *string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(aws.ToString(s), 64)
	if err != nil {
		t.Fatalf("amount %q: %v", aws.ToString(s), err)
	}
	return v
}

// TestCostAndUsageByLinkedAccount: one DAILY request grouped by
// LINKED_ACCOUNT answers every account of the organization every day, with
// the names beside the ids, the same figures the MONTHLY total gives, and
// existing-org's payments-dev climbing day after day.
func TestCostAndUsageByLinkedAccount(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt := w.account("acme")
	ctx := context.Background()
	now := time.Now().UTC()
	out, err := w.ce(mgmt).GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{
		TimePeriod: days(now, 30), Granularity: cetypes.GranularityDaily, Metrics: []string{"UnblendedCost"},
		GroupBy: []cetypes.GroupDefinition{{Type: cetypes.GroupDefinitionTypeDimension, Key: aws.String("LINKED_ACCOUNT")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ResultsByTime) != 30 || out.NextPageToken != nil {
		t.Fatalf("%d periods, next %v; want 30 days on one page", len(out.ResultsByTime), out.NextPageToken)
	}
	names := map[string]string{}
	for _, d := range out.DimensionValueAttributes {
		names[aws.ToString(d.Value)] = d.Attributes["description"]
	}
	payments := w.account("payments-dev").ID
	if names[payments] != "payments-dev" || len(names) != 4 {
		t.Errorf("DimensionValueAttributes = %v; want the organization's four accounts named", names)
	}
	var series []float64
	total := 0.0
	for _, r := range out.ResultsByTime {
		if len(r.Total) != 0 {
			t.Errorf("a grouped answer carries an empty Total, as AWS's; got %v", r.Total)
		}
		for _, g := range r.Groups {
			v := num(t, g.Metrics["UnblendedCost"].Amount)
			total += v
			if g.Keys[0] == payments {
				series = append(series, v)
			}
		}
	}
	if len(series) != 30 {
		t.Fatalf("payments-dev has %d days", len(series))
	}
	for i := 21; i < 30; i++ {
		if series[i] <= series[i-1] {
			t.Errorf("payments-dev's runaway spend does not climb on day %d: %.2f after %.2f", i, series[i], series[i-1])
		}
	}
	if series[29] < 10*series[15] {
		t.Errorf("payments-dev's last day %.2f is not ten times a normal day %.2f", series[29], series[15])
	}

	// The same days, ungrouped and monthly, add up to the same.
	monthly, err := w.ce(mgmt).GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{
		TimePeriod: days(now, 30), Granularity: cetypes.GranularityMonthly, Metrics: []string{"UnblendedCost", "AmortizedCost"},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, r := range monthly.ResultsByTime {
		sum += num(t, r.Total["UnblendedCost"].Amount)
		if r.Total["AmortizedCost"].Amount == nil || aws.ToString(r.Total["UnblendedCost"].Unit) != "USD" {
			t.Errorf("monthly total %v lacks a metric or its unit", r.Total)
		}
	}
	if d := sum - total; d > 0.001 || d < -0.001 {
		t.Errorf("monthly total %.4f, daily groups %.4f", sum, total)
	}

	// Filtered to one linked account.
	one, err := w.ce(mgmt).GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{
		TimePeriod: days(now, 30), Granularity: cetypes.GranularityMonthly, Metrics: []string{"UnblendedCost"},
		Filter: &cetypes.Expression{Dimensions: &cetypes.DimensionValues{Key: cetypes.DimensionLinkedAccount, Values: []string{payments}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	only := 0.0
	for _, r := range one.ResultsByTime {
		only += num(t, r.Total["UnblendedCost"].Amount)
	}
	want := 0.0
	for _, v := range series {
		want += v
	}
	if d := only - want; d > 0.001 || d < -0.001 {
		t.Errorf("filtered to payments-dev: %.2f, its days add up to %.2f", only, want)
	}
}

// TestCostAndUsagePages: 250 accounts over 30 days are 7,500 (day, account)
// entries, two pages of billing.PageSize; the pages together hold every
// entry once, and a forged token is refused.
func TestCostAndUsagePages(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if err := sandbox.SeedOrganization(state, 250, 10); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, sandbox.Config{StatePath: state})
	c := w.ce(w.accounts[0])
	in := &costexplorer.GetCostAndUsageInput{TimePeriod: days(time.Now(), 30), Granularity: cetypes.GranularityDaily,
		Metrics: []string{"UnblendedCost"}, GroupBy: []cetypes.GroupDefinition{{Type: cetypes.GroupDefinitionTypeDimension, Key: aws.String("LINKED_ACCOUNT")}}}
	pages, entries := 0, map[string]bool{}
	for first := true; first || in.NextPageToken != nil; first = false {
		out, err := c.GetCostAndUsage(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		in.NextPageToken = out.NextPageToken
		pages++
		n := 0
		for _, r := range out.ResultsByTime {
			for _, g := range r.Groups {
				key := aws.ToString(r.TimePeriod.Start) + "/" + g.Keys[0]
				if entries[key] {
					t.Errorf("%s twice", key)
				}
				entries[key] = true
				n++
			}
		}
		if n > billing.PageSize {
			t.Errorf("page %d holds %d entries", pages, n)
		}
	}
	if want := 251 * 30; len(entries) != want || pages != (want+billing.PageSize-1)/billing.PageSize {
		t.Errorf("%d entries over %d pages; want %d over %d", len(entries), pages, want, (want+billing.PageSize-1)/billing.PageSize)
	}
	in.NextPageToken = aws.String("forged")
	_, err := c.GetCostAndUsage(context.Background(), in)
	wantCode(t, err, "ValidationException")
}

// TestCostExplorerRefusesWhatAWSRefuses: the time periods AWS refuses, the
// future (DataUnavailableException), and any call from a member account.
func TestCostExplorerRefusesWhatAWSRefuses(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	c := w.ce(w.account("acme"))
	ctx := context.Background()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	period := func(start, end time.Time) *cetypes.DateInterval {
		return &cetypes.DateInterval{Start: aws.String(start.Format(time.DateOnly)), End: aws.String(end.Format(time.DateOnly))}
	}
	for name, tc := range map[string]struct {
		tp   *cetypes.DateInterval
		code string
	}{
		"end before start": {period(today, today.AddDate(0, 0, -3)), "ValidationException"},
		"future":           {period(today.AddDate(0, 0, 2), today.AddDate(0, 0, 5)), "DataUnavailableException"},
		"over the limit":   {period(today.AddDate(-2, 0, 0), today), "ValidationException"},
		"not a date":       {&cetypes.DateInterval{Start: aws.String("yesterday"), End: aws.String("today")}, "ValidationException"},
	} {
		_, err := c.GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{TimePeriod: tc.tp, Granularity: cetypes.GranularityDaily, Metrics: []string{"UnblendedCost"}})
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		wantCode(t, err, tc.code)
	}
	_, err := c.GetCostForecast(ctx, &costexplorer.GetCostForecastInput{TimePeriod: period(today.AddDate(0, 0, -1), today.AddDate(0, 0, 3)),
		Granularity: cetypes.GranularityDaily, Metric: cetypes.MetricUnblendedCost})
	wantCode(t, err, "ValidationException")

	_, err = w.ce(w.account("payments-dev")).GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{
		TimePeriod: period(today.AddDate(0, 0, -3), today), Granularity: cetypes.GranularityDaily, Metrics: []string{"UnblendedCost"}})
	var denied *smithy.GenericAPIError
	if !errors.As(err, &denied) || denied.Code != "AccessDeniedException" {
		t.Errorf("a member account's GetCostAndUsage: %v; want AccessDeniedException", err)
	}
	_, err = w.budgets(w.account("payments-dev")).DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(w.account("payments-dev").ID)})
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("a member account's DescribeBudgets: %v; want AccessDeniedException", err)
	}
}

// TestCostForecastIsTheRestOfTheMonth: a MONTHLY forecast from today to the
// month's end, within its interval, larger for more days.
func TestCostForecastIsTheRestOfTheMonth(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	c := w.ce(w.account("acme"))
	now := time.Now().UTC()
	today := now.Truncate(24 * time.Hour)
	next := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	out, err := c.GetCostForecast(context.Background(), &costexplorer.GetCostForecastInput{
		TimePeriod:  &cetypes.DateInterval{Start: aws.String(today.Format(time.DateOnly)), End: aws.String(next.Format(time.DateOnly))},
		Granularity: cetypes.GranularityMonthly, Metric: cetypes.MetricUnblendedCost})
	if err != nil {
		t.Fatal(err)
	}
	total := num(t, out.Total.Amount)
	if total <= 0 || len(out.ForecastResultsByTime) != 1 {
		t.Fatalf("forecast %v over %d periods", total, len(out.ForecastResultsByTime))
	}
	r := out.ForecastResultsByTime[0]
	if lo, hi := num(t, r.PredictionIntervalLowerBound), num(t, r.PredictionIntervalUpperBound); !(lo < total && total < hi) {
		t.Errorf("forecast %.2f outside its interval [%.2f, %.2f]", total, lo, hi)
	}
	// DAILY: one result a day, adding up to the same total.
	daily, err := c.GetCostForecast(context.Background(), &costexplorer.GetCostForecastInput{
		TimePeriod:  &cetypes.DateInterval{Start: aws.String(today.Format(time.DateOnly)), End: aws.String(next.Format(time.DateOnly))},
		Granularity: cetypes.GranularityDaily, Metric: cetypes.MetricUnblendedCost})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, r := range daily.ForecastResultsByTime {
		sum += num(t, r.MeanValue)
	}
	if days := int(next.Sub(today).Hours() / 24); len(daily.ForecastResultsByTime) != days || sum-total > 0.01 || total-sum > 0.01 {
		t.Errorf("DAILY: %d results adding up to %.2f; want %d days adding up to %.2f", len(daily.ForecastResultsByTime), sum, days, total)
	}
}

// TestBudgetsAndCategoriesPage: DescribeBudgets and
// ListCostCategoryDefinitions hand out their lists a page at a time.
func TestBudgetsAndCategoriesPage(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt := w.account("acme")
	ctx := context.Background()
	for i := range 3 {
		name := "orgwizard-" + strconv.Itoa(i)
		if _, err := w.budgets(mgmt).CreateBudget(ctx, &budgets.CreateBudgetInput{AccountId: aws.String(mgmt.ID), Budget: &btypes.Budget{
			BudgetName: aws.String(name), BudgetType: btypes.BudgetTypeCost, TimeUnit: btypes.TimeUnitMonthly,
			BudgetLimit: &btypes.Spend{Amount: aws.String("10"), Unit: aws.String("USD")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ce(mgmt).CreateCostCategoryDefinition(ctx, &costexplorer.CreateCostCategoryDefinitionInput{Name: aws.String(name),
			RuleVersion: cetypes.CostCategoryRuleVersionCostCategoryExpressionV1, Rules: []cetypes.CostCategoryRule{{Value: aws.String("x"),
				Rule: &cetypes.Expression{Dimensions: &cetypes.DimensionValues{Key: cetypes.DimensionLinkedAccount, Values: []string{mgmt.ID}}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := budgets.NewDescribeBudgetsPaginator(w.budgets(mgmt), &budgets.DescribeBudgetsInput{AccountId: aws.String(mgmt.ID), MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, b := range out.Budgets {
			names = append(names, aws.ToString(b.BudgetName))
		}
	}
	if pages != 2 || strings.Join(names, ",") != "orgwizard-0,orgwizard-1,orgwizard-2" {
		t.Errorf("DescribeBudgets: %d pages, %v", pages, names)
	}
	names, pages = nil, 0
	cp := costexplorer.NewListCostCategoryDefinitionsPaginator(w.ce(mgmt), &costexplorer.ListCostCategoryDefinitionsInput{MaxResults: aws.Int32(2)})
	for cp.HasMorePages() {
		out, err := cp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range out.CostCategoryReferences {
			names = append(names, aws.ToString(c.Name))
		}
	}
	if pages != 2 || strings.Join(names, ",") != "orgwizard-0,orgwizard-1,orgwizard-2" {
		t.Errorf("ListCostCategoryDefinitions: %d pages, %v", pages, names)
	}
}

// TestCostCategoriesGroupTheSpend: a category whose rules map accounts to
// values is created, listed, described, updated and deleted, and
// GetCostAndUsage groups by it as "name$value".
func TestCostCategoriesGroupTheSpend(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	c := w.ce(w.account("acme"))
	ctx := context.Background()
	payments := w.account("payments-dev").ID
	rule := func(value string, ids ...string) cetypes.CostCategoryRule {
		return cetypes.CostCategoryRule{Value: aws.String(value), Type: cetypes.CostCategoryRuleTypeRegular,
			Rule: &cetypes.Expression{Dimensions: &cetypes.DimensionValues{Key: cetypes.DimensionLinkedAccount, Values: ids}}}
	}
	created, err := c.CreateCostCategoryDefinition(ctx, &costexplorer.CreateCostCategoryDefinitionInput{Name: aws.String("orgwizard-workload"),
		RuleVersion: cetypes.CostCategoryRuleVersionCostCategoryExpressionV1, Rules: []cetypes.CostCategoryRule{rule("payments", payments)},
		DefaultValue: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(created.CostCategoryArn)
	if !strings.HasPrefix(arn, "arn:aws:ce::"+w.account("acme").ID+":costcategory/") {
		t.Errorf("ARN %s", arn)
	}
	_, err = c.CreateCostCategoryDefinition(ctx, &costexplorer.CreateCostCategoryDefinitionInput{Name: aws.String("orgwizard-workload"),
		RuleVersion: cetypes.CostCategoryRuleVersionCostCategoryExpressionV1, Rules: []cetypes.CostCategoryRule{rule("x", payments)}})
	wantCode(t, err, "ValidationException")

	grouped := func() map[string]float64 {
		out, err := c.GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{TimePeriod: days(time.Now(), 7), Granularity: cetypes.GranularityMonthly,
			Metrics: []string{"UnblendedCost"}, GroupBy: []cetypes.GroupDefinition{{Type: cetypes.GroupDefinitionTypeCostCategory, Key: aws.String("orgwizard-workload")}}})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]float64{}
		for _, r := range out.ResultsByTime {
			for _, g := range r.Groups {
				m[g.Keys[0]] += num(t, g.Metrics["UnblendedCost"].Amount)
			}
		}
		return m
	}
	if g := grouped(); len(g) != 2 || g["orgwizard-workload$payments"] == 0 || g["orgwizard-workload$other"] == 0 {
		t.Errorf("grouped by the category: %v", g)
	}
	list, err := c.ListCostCategoryDefinitions(ctx, &costexplorer.ListCostCategoryDefinitionsInput{})
	if err != nil || len(list.CostCategoryReferences) != 1 || list.CostCategoryReferences[0].NumberOfRules != 1 {
		t.Fatalf("list: %v %+v", err, list)
	}
	if _, err := c.UpdateCostCategoryDefinition(ctx, &costexplorer.UpdateCostCategoryDefinitionInput{CostCategoryArn: aws.String(arn),
		RuleVersion: cetypes.CostCategoryRuleVersionCostCategoryExpressionV1,
		Rules:       []cetypes.CostCategoryRule{rule("payments", payments), rule("logs", w.account("log-archive").ID)}, DefaultValue: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeCostCategoryDefinition(ctx, &costexplorer.DescribeCostCategoryDefinitionInput{CostCategoryArn: aws.String(arn)})
	if err != nil || len(d.CostCategory.Rules) != 2 || aws.ToString(d.CostCategory.Rules[1].Value) != "logs" {
		t.Fatalf("describe after update: %v %+v", err, d)
	}
	if g := grouped(); len(g) != 3 {
		t.Errorf("after the update, grouped: %v", g)
	}
	if _, err := c.DeleteCostCategoryDefinition(ctx, &costexplorer.DeleteCostCategoryDefinitionInput{CostCategoryArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeCostCategoryDefinition(ctx, &costexplorer.DescribeCostCategoryDefinitionInput{CostCategoryArn: aws.String(arn)})
	wantCode(t, err, "ResourceNotFoundException")
}

// TestBudgetsSeeTheSimulatedSpend: a budget on the runaway payments-dev
// account reports its month's spend, its 80% alert is in ALARM, and the
// budget and its notification survive a restart of the sandbox.
func TestBudgetsSeeTheSimulatedSpend(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	w := newWorld(t, sandbox.Config{Scenario: "existing-org", StatePath: state})
	mgmt := w.account("acme")
	b := w.budgets(mgmt)
	ctx := context.Background()
	payments := w.account("payments-dev").ID
	in := &budgets.CreateBudgetInput{AccountId: aws.String(mgmt.ID), Budget: &btypes.Budget{
		BudgetName: aws.String("orgwizard-payments-dev"), BudgetType: btypes.BudgetTypeCost, TimeUnit: btypes.TimeUnitMonthly,
		BudgetLimit: &btypes.Spend{Amount: aws.String("100"), Unit: aws.String("USD")}, CostFilters: map[string][]string{"LinkedAccount": {payments}}},
		NotificationsWithSubscribers: []btypes.NotificationWithSubscribers{{
			Notification: &btypes.Notification{NotificationType: btypes.NotificationTypeActual, ComparisonOperator: btypes.ComparisonOperatorGreaterThan,
				Threshold: 80, ThresholdType: btypes.ThresholdTypePercentage},
			Subscribers: []btypes.Subscriber{{SubscriptionType: btypes.SubscriptionTypeEmail, Address: aws.String("payments-team@acme.example")}}}}}
	if _, err := b.CreateBudget(ctx, in); err != nil {
		t.Fatal(err)
	}
	_, err := b.CreateBudget(ctx, in)
	wantCode(t, err, "DuplicateRecordException")
	forecasted := &btypes.Notification{NotificationType: btypes.NotificationTypeForecasted, ComparisonOperator: btypes.ComparisonOperatorGreaterThan,
		Threshold: 100, ThresholdType: btypes.ThresholdTypePercentage}
	if _, err := b.CreateNotification(ctx, &budgets.CreateNotificationInput{AccountId: aws.String(mgmt.ID), BudgetName: aws.String("orgwizard-payments-dev"),
		Notification: forecasted, Subscribers: []btypes.Subscriber{{SubscriptionType: btypes.SubscriptionTypeEmail, Address: aws.String("a@acme.example")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateSubscriber(ctx, &budgets.CreateSubscriberInput{AccountId: aws.String(mgmt.ID), BudgetName: aws.String("orgwizard-payments-dev"),
		Notification: forecasted, Subscriber: &btypes.Subscriber{SubscriptionType: btypes.SubscriptionTypeEmail, Address: aws.String("b@acme.example")}}); err != nil {
		t.Fatal(err)
	}
	_, err = b.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: aws.String(mgmt.ID), BudgetName: aws.String("nope")})
	wantCode(t, err, "NotFoundException")
	_, err = b.DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(payments)})
	wantCode(t, err, "AccessDeniedException")

	w.sb.Close()
	w = newWorld(t, sandbox.Config{StatePath: state})
	b = w.budgets(mgmt)
	got, err := b.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: aws.String(mgmt.ID), BudgetName: aws.String("orgwizard-payments-dev")})
	if err != nil {
		t.Fatal(err)
	}
	actual := num(t, got.Budget.CalculatedSpend.ActualSpend.Amount)
	if actual <= 100 || num(t, got.Budget.CalculatedSpend.ForecastedSpend.Amount) < actual {
		t.Errorf("payments-dev's budget: actual %v, forecast %v; the runaway account is over its $100", actual, aws.ToString(got.Budget.CalculatedSpend.ForecastedSpend.Amount))
	}
	ns, err := b.DescribeNotificationsForBudget(ctx, &budgets.DescribeNotificationsForBudgetInput{AccountId: aws.String(mgmt.ID), BudgetName: aws.String("orgwizard-payments-dev")})
	if err != nil || len(ns.Notifications) != 2 {
		t.Fatalf("notifications: %v %+v", err, ns)
	}
	for _, n := range ns.Notifications {
		if n.NotificationState != btypes.NotificationStateAlarm {
			t.Errorf("%s %v%%: %s; the runaway account is past it", n.NotificationType, n.Threshold, n.NotificationState)
		}
	}
	if _, err := b.UpdateBudget(ctx, &budgets.UpdateBudgetInput{AccountId: aws.String(mgmt.ID), NewBudget: &btypes.Budget{
		BudgetName: aws.String("orgwizard-payments-dev"), BudgetType: btypes.BudgetTypeCost, TimeUnit: btypes.TimeUnitMonthly,
		BudgetLimit: &btypes.Spend{Amount: aws.String("100000"), Unit: aws.String("USD")}, CostFilters: map[string][]string{"LinkedAccount": {payments}}}}); err != nil {
		t.Fatal(err)
	}
	ns, _ = b.DescribeNotificationsForBudget(ctx, &budgets.DescribeNotificationsForBudgetInput{AccountId: aws.String(mgmt.ID), BudgetName: aws.String("orgwizard-payments-dev")})
	for _, n := range ns.Notifications {
		if n.NotificationState != btypes.NotificationStateOk {
			t.Errorf("with a $100,000 limit, %s is %s", n.NotificationType, n.NotificationState)
		}
	}
	if _, err := b.DeleteBudget(ctx, &budgets.DeleteBudgetInput{AccountId: aws.String(mgmt.ID), BudgetName: aws.String("orgwizard-payments-dev")}); err != nil {
		t.Fatal(err)
	}
	list, err := b.DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(mgmt.ID)})
	if err != nil || len(list.Budgets) != 0 {
		t.Errorf("after delete: %v %d budgets", err, len(list.Budgets))
	}
}

// TestAWSCLICostExplorer: the AWS CLI's ce get-cost-and-usage and budgets
// describe-budgets read `orgwizard sandbox serve`.
func TestAWSCLICostExplorer(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("no aws CLI")
	}
	srv := startServe(t, filepath.Join(t.TempDir(), "sandbox.json"), "--scenario", "existing-org")
	env := srv.exports[0] // acme, the management account
	today := time.Now().UTC().Truncate(24 * time.Hour)
	cmd := exec.Command("aws", "ce", "get-cost-and-usage", "--endpoint-url", srv.endpoint, "--time-period",
		"Start="+today.AddDate(0, 0, -6).Format(time.DateOnly)+",End="+today.AddDate(0, 0, 1).Format(time.DateOnly),
		"--granularity", "DAILY", "--metrics", "UnblendedCost", "--group-by", "Type=DIMENSION,Key=LINKED_ACCOUNT", "--output", "json")
	cmd.Env = awsEnv(t, srv.endpoint, env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Count(string(out), `"TimePeriod"`) != 7 || !strings.Contains(string(out), `"payments-dev"`) {
		t.Fatalf("aws ce get-cost-and-usage: %v\n%s", err, out)
	}
	var account string
	if m := regexp.MustCompile(`"Value": "(\d{12})",\s*"Attributes": \{\s*"description": "acme"`).FindStringSubmatch(string(out)); m != nil {
		account = m[1]
	}
	cmd = exec.Command("aws", "budgets", "describe-budgets", "--endpoint-url", srv.endpoint, "--account-id", account, "--output", "json")
	cmd.Env = awsEnv(t, srv.endpoint, env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"Budgets"`) {
		t.Fatalf("aws budgets describe-budgets --account-id %q: %v\n%s", account, err, out)
	}
}
