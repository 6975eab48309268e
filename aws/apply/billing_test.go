package apply

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// fakeBilling records the budget and cost category calls.
type fakeBilling struct {
	mu       sync.Mutex
	budgets  map[string]string // name → linked account id
	accounts map[string][]string
}

func (f *fakeBilling) CreateBudget(_ context.Context, b orgmodel.Budget, linked string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.budgets[b.Name] = linked
	return nil
}

func (f *fakeBilling) UpdateBudget(ctx context.Context, b orgmodel.Budget, linked string) error {
	return f.CreateBudget(ctx, b, linked)
}

func (f *fakeBilling) CreateCostCategory(_ context.Context, name string, values map[string][]string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for v, ids := range values {
		f.accounts[name+"="+v] = ids
	}
	return "arn:" + name, nil
}

func (f *fakeBilling) UpdateCostCategory(ctx context.Context, arn string, values map[string][]string) error {
	_, err := f.CreateCostCategory(ctx, strings.TrimPrefix(arn, "arn:"), values)
	return err
}

func budgetsTree(t *testing.T) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../../examples/acme-budgets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestApplyBudgetsNameCreatedAccounts: budgets and categories come after the
// accounts and name the ids AWS gave the accounts just created.
func TestApplyBudgetsNameCreatedAccounts(t *testing.T) {
	tree := budgetsTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(5 * time.Millisecond)
	b := &fakeBilling{budgets: map[string]string{}, accounts: map[string][]string{}}
	opt := fastOptions()
	opt.Billing = b
	if err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatal(err)
	}
	if len(b.budgets) != len(tree.Budgets) {
		t.Fatalf("%d budgets created, want %d", len(b.budgets), len(tree.Budgets))
	}
	if b.budgets[orgmodel.OrganizationBudgetName] != "" {
		t.Errorf("the organization's total is filtered to %q", b.budgets[orgmodel.OrganizationBudgetName])
	}
	for _, bu := range tree.Budgets {
		if bu.Account != "" && b.budgets[bu.Name] == "" {
			t.Errorf("budget %s has no account id", bu.Name)
		}
	}
	if ids := b.accounts["orgwizard-residency=us"]; len(ids) != 1 || ids[0] != b.budgets["orgwizard-payments-prod-us"] {
		t.Errorf("residency=us names %v, want the id of payments-prod-us %s", ids, b.budgets["orgwizard-payments-prod-us"])
	}
}

// Without a way to Budgets, the budget steps fail and say so; the rest is done.
func TestApplyBudgetsWithoutBilling(t *testing.T) {
	tree := budgetsTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	err := New(newFake(0), fastOptions()).Apply(context.Background(), plan, &orgmodel.Actual{})
	var failures Failures
	if !errors.As(err, &failures) || len(failures) != len(tree.Budgets)+3 {
		t.Fatalf("apply without billing: %v", err)
	}
	for _, f := range failures {
		if !strings.Contains(f.Error(), "cannot reach AWS Budgets") {
			t.Errorf("failure: %v", f)
		}
	}
}
