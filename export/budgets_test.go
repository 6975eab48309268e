package export

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/orgmodel"
)

func budgetsTree(t *testing.T) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../examples/acme-budgets.yaml")
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

// appliedBilling adds to a the budgets and categories an apply of tree
// leaves, with made-up ARNs.
func appliedBilling(tree *orgmodel.Tree, a *orgmodel.Actual) {
	a.Billing = &orgmodel.ActualBilling{}
	for _, b := range tree.Budgets {
		a.Billing.Budgets = append(a.Billing.Budgets, orgmodel.ActualBudget{Name: b.Name, Type: "COST", TimeUnit: "MONTHLY", Amount: b.Amount, Currency: "USD"})
	}
	for _, c := range tree.CostCategories {
		a.Billing.CostCategories = append(a.Billing.CostCategories, orgmodel.ActualCostCategory{Name: c.Name,
			Arn: "arn:aws:ce::999999999999:costcategory/" + strings.TrimPrefix(c.Name, orgmodel.BudgetPrefix)})
	}
}

// TestGoldenBudgets pins the Terraform and CloudFormation of acme-budgets.yaml,
// from the design and over an organization where everything exists.
func TestGoldenBudgets(t *testing.T) {
	tree := budgetsTree(t)
	actual := appliedActual(tree)
	appliedBilling(tree, actual)
	cases := map[string]Input{
		"acme-budgets":      {Tree: tree, Source: "design acme-budgets.yaml"},
		"acme-budgets.live": {Tree: tree, Existing: Match(tree, actual), Source: "design acme-budgets.yaml over AWS account 999999999999"},
	}
	for name, in := range cases {
		for _, f := range []Format{Terraform, CloudFormation} {
			got := render(t, f, in)
			path := filepath.Join("testdata", name+".golden."+goldenExt[f])
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./export -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s; run go test ./export -update and review the diff", f, path)
			}
		}
	}
}

func TestTerraformBudgets(t *testing.T) {
	tree := budgetsTree(t)
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Source: "design"}))
	budgets, categories := 0, 0
	for _, addr := range f.order {
		switch {
		case strings.HasPrefix(addr, tfBudget+"."):
			budgets++
		case strings.HasPrefix(addr, tfCostCategory+"."):
			categories++
		}
	}
	if budgets != len(tree.Budgets) || categories != 3 {
		t.Errorf("%d budgets and %d categories declared, want %d and 3", budgets, categories, len(tree.Budgets))
	}
	if len(f.imports) != 0 {
		t.Errorf("a design export imports %v", f.imports)
	}

	// Live: every budget imported as ACCOUNT_ID:NAME, every category by ARN.
	actual := appliedActual(tree)
	appliedBilling(tree, actual)
	live := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"}))
	if got := live.imports[tfBudget+".orgwizard_payments_dev"]; got != "999999999999:orgwizard-payments-dev" {
		t.Errorf("budget imported as %q", got)
	}
	if got := live.imports[tfCostCategory+".orgwizard_workload"]; got != "arn:aws:ce::999999999999:costcategory/workload" {
		t.Errorf("cost category imported as %q", got)
	}
	for _, addr := range live.order {
		if _, ok := live.imports[addr]; !ok {
			t.Errorf("%s exists but has no import block", addr)
		}
	}
	// The plain design exports no budget and no category.
	plain := parseTerraform(t, render(t, Terraform, Input{Tree: acmeTree(t, nil), Source: "design"}))
	for _, addr := range plain.order {
		if strings.HasPrefix(addr, tfBudget) || strings.HasPrefix(addr, tfCostCategory) {
			t.Errorf("acme.yaml exports %s", addr)
		}
	}
}

func TestCloudFormationBudgets(t *testing.T) {
	tree := budgetsTree(t)
	tpl := parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Source: "design"}))
	if n := len(tpl.byType(cfnBudget)); n != len(tree.Budgets) {
		t.Errorf("%d budgets, want %d", n, len(tree.Budgets))
	}
	cats := tpl.byType(cfnCategory)
	if len(cats) != 3 {
		t.Fatalf("%d cost categories, want 3", len(cats))
	}
	rules := tpl.Resources["CostCategoryResidency"].Properties["Rules"]
	sub, _ := rules.(map[string]any)["Fn::Sub"].(string)
	if !strings.Contains(sub, `{"Value":"us","Rule":{"Dimensions":{"Key":"LINKED_ACCOUNT","Values":["${AccountPaymentsProdUs}"]}}}`) {
		t.Errorf("the residency category's rules: %v", rules)
	}

	actual := appliedActual(tree)
	appliedBilling(tree, actual)
	src := render(t, CloudFormation, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"})
	live := parseCloudFormationLoose(t, src)
	if n := len(live.byType(cfnBudget)); n != 0 {
		t.Errorf("a live template declares %d budgets that exist", n)
	}
	if !strings.Contains(string(src), "# orgwizard-payments-dev exists already: it is left out") {
		t.Errorf("the budgets left out are not said")
	}
	if !strings.Contains(string(src), "ResourceType: AWS::CE::CostCategory\n      LogicalResourceId: CostCategoryWorkload\n      ResourceIdentifier:\n        Arn: arn:aws:ce::999999999999:costcategory/workload") {
		t.Errorf("the cost category is not in the import list:\n%s", src)
	}
}

// TestTerraformBudgetsValidate: hashicorp/aws's own schema accepts the
// budgets and cost categories, from the design and live (terraform
// validate, offline, with the local provider mirror).
func TestTerraformBudgetsValidate(t *testing.T) {
	tf := terraform.Find(t)
	tree := budgetsTree(t)
	actual := appliedActual(tree)
	appliedBilling(tree, actual)
	for name, in := range map[string]Input{
		"design": {Tree: tree, Source: "design"},
		"live":   {Tree: tree, Existing: Match(tree, actual), Source: "live"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), render(t, Terraform, in), 0o600); err != nil {
			t.Fatal(err)
		}
		env := terraform.Env(t, nil)
		tf.Init(t, dir, env)
		if r := tf.Run(t, dir, env, "validate", "-no-color"); r.Code != 0 || !strings.Contains(r.Output, "The configuration is valid") {
			t.Errorf("%s: terraform validate: exit %d\n%s", name, r.Code, r.Output)
		}
	}
}

// An account a cost category names but the export does not declare (one to
// adopt that is not in the organization yet) is said to be left out, in
// both formats, rather than dropped from the rules in silence.
func TestCostCategoryAccountsLeftOutAreSaid(t *testing.T) {
	tree := budgetsTree(t)
	for i := range tree.CostCategories {
		if tree.CostCategories[i].Name == orgmodel.BudgetPrefix+"workload" {
			tree.CostCategories[i].Values["payments"] = append(tree.CostCategories[i].Values["payments"], "ghost")
		}
	}
	want := orgmodel.BudgetPrefix + "workload leaves out ghost, which this export does not declare."
	for _, f := range []Format{Terraform, CloudFormation} {
		if src := render(t, f, Input{Tree: tree, Source: "design"}); !strings.Contains(string(src), want) {
			t.Errorf("%s does not say %q", f, want)
		}
	}
}
