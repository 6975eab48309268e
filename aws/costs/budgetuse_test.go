package costs_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	btypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"

	awsbudgets "github.com/orgwizard/orgwizard/aws/budgets"
	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// TestBudgetUsesReadsEveryPage: budgets made in the sandbox come back with
// their limits and spend, over more than one page, the most used first;
// an account without budgets has none.
func TestBudgetUsesReadsEveryPage(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if err := sandbox.SeedOrganization(state, 2, 10); err != nil {
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
	api := budgets.NewFromConfig(aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, "")},
		func(o *budgets.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	ctx := context.Background()
	reader := awsbudgets.New(api, nil, me.ID)
	read := func() []costs.BudgetUse {
		t.Helper()
		bs, err := reader.Budgets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return costs.Uses(bs)
	}
	if none := read(); len(none) != 0 {
		t.Fatalf("before any budget: %v", none)
	}
	// Limits from $1 up: the smallest limit is the most used.
	const n = 120
	for i := range n {
		_, err := api.CreateBudget(ctx, &budgets.CreateBudgetInput{AccountId: aws.String(me.ID), Budget: &btypes.Budget{
			BudgetName: aws.String(fmt.Sprintf("orgwizard-test-%03d", i)), BudgetType: btypes.BudgetTypeCost, TimeUnit: btypes.TimeUnitMonthly,
			BudgetLimit: &btypes.Spend{Amount: aws.String(fmt.Sprint(1 + i*1000)), Unit: aws.String("USD")}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	uses := read()
	if len(uses) != n {
		t.Fatalf("%d budgets read, want %d", len(uses), n)
	}
	if uses[0].Name != "orgwizard-test-000" || uses[0].Limit != 1 || uses[0].Currency != "USD" || uses[0].Actual <= 0 {
		t.Errorf("the most used budget is %+v, want orgwizard-test-000 over its $1", uses[0])
	}
	for i := 1; i < n; i++ {
		if uses[i].Percent() > uses[i-1].Percent() {
			t.Fatalf("budget %s (%.1f%%) comes after %s (%.1f%%)", uses[i].Name, uses[i].Percent(), uses[i-1].Name, uses[i-1].Percent())
		}
	}
}

// noBudgets answers DescribeBudgets as AWS does for an account that has
// none: NotFoundException, not an empty list. Only DescribeBudgets is
// called.
type noBudgets struct{ awsbudgets.API }

func (noBudgets) DescribeBudgets(context.Context, *budgets.DescribeBudgetsInput, ...func(*budgets.Options)) (*budgets.DescribeBudgetsOutput, error) {
	return nil, &btypes.NotFoundException{Message: aws.String("Account 111111111111 has no budgets")}
}

// An account without budgets has none, also when AWS says so with
// NotFoundException: the costs screen then says "No budgets yet", not
// that the budgets could not be read.
func TestBudgetUsesOfAnAccountWithoutBudgets(t *testing.T) {
	bs, err := awsbudgets.New(noBudgets{}, nil, "111111111111").Budgets(context.Background())
	if got := costs.Uses(bs); err != nil || len(got) != 0 {
		t.Fatalf("Uses = %v, %v; want none and no error", got, err)
	}
}

// Only cost budgets are shown, and a forecast of nothing is no forecast.
func TestUsesKeepsCostBudgets(t *testing.T) {
	got := costs.Uses([]orgmodel.ActualBudget{
		{Name: "usage", Type: "USAGE", Amount: 10, ActualSpend: 50},
		{Name: "low", Type: "COST", Amount: 100, ActualSpend: 10, Currency: "USD"},
		{Name: "high", Type: "COST", Amount: 100, ActualSpend: 90, Forecast: 120, Currency: "USD"},
	})
	if len(got) != 2 || got[0].Name != "high" || got[1].Name != "low" {
		t.Fatalf("Uses = %+v; want high then low, no usage budget", got)
	}
	if got[0].Forecast == nil || *got[0].Forecast != 120 || got[1].Forecast != nil {
		t.Errorf("forecasts %v and %v; want 120 and none", got[0].Forecast, got[1].Forecast)
	}
}
