package budgets_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"

	"github.com/orgwizard/orgwizard/aws/budgets"
	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/internal/testenv"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestMain stops the moto_server a test may have started.
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// TestAgainstMoto: moto 5.2 serves CreateBudget, DescribeBudgets and
// CreateCostCategoryDefinition (not UpdateBudget, CreateSubscriber nor
// ListCostCategoryDefinitions, so neither adoption nor Read): what apply
// creates reads back the same from the second AWS.
func TestAgainstMoto(t *testing.T) {
	ctx := context.Background()
	url := moto.URL(t)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOBUDGETS00000", "secret", "")}
	const account = "123456789012"
	c := budgets.New(
		awsbudgets.NewFromConfig(cfg, func(o *awsbudgets.Options) { o.BaseEndpoint = aws.String(url) }),
		costexplorer.NewFromConfig(cfg, func(o *costexplorer.Options) { o.BaseEndpoint = aws.String(url) }),
		account)
	want := orgmodel.Budget{Name: "orgwizard-app-dev", Account: "app-dev", Amount: 125.5, Currency: "USD", Alerts: []int{80, 100}, Notify: "team@acme.example"}
	if err := c.CreateBudget(ctx, want, "111111111111"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Budgets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(got, func(b orgmodel.ActualBudget) bool { return b.Name == want.Name })
	if i < 0 {
		t.Fatalf("moto does not list the budget: %+v", got)
	}
	b := got[i]
	if b.Amount != 125.5 || b.Currency != "USD" || b.Type != "COST" || b.TimeUnit != "MONTHLY" || !slices.Equal(b.LinkedAccounts, []string{"111111111111"}) {
		t.Errorf("moto reads the budget back as %+v", b)
	}
	arn, err := c.CreateCostCategory(ctx, "orgwizard-workload", map[string][]string{"app": {"111111111111"}})
	if err != nil || arn == "" {
		t.Fatalf("creating a cost category on moto: %q %v", arn, err)
	}
}
