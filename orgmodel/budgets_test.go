package orgmodel

import (
	"strings"
	"testing"
)

const budgetsBlock = `budgets:
  default: 100
  environments: {prod: 1000}
  workloads: {website: 50}
  accounts: {log-archive: 20}
`

func TestBudgetsDecodeDefaults(t *testing.T) {
	d, err := Parse([]byte(baseDesign + budgetsBlock))
	if err != nil {
		t.Fatal(err)
	}
	b := d.Budgets
	if b == nil || b.Currency != "USD" || b.Default != 100 || b.Notify != NotifyOwner || len(b.Alerts) != 2 || b.Alerts[0] != 80 || b.Alerts[1] != 100 {
		t.Fatalf("budgets decoded as %+v; want USD, 100, alerts [80 100], notify owner", b)
	}
	if len(b.Environments) != 1 || b.Environments[0] != (NamedAmount{"prod", 1000}) {
		t.Errorf("environments decoded as %+v", b.Environments)
	}
	if d2, _ := Parse([]byte(baseDesign)); d2.Budgets != nil {
		t.Errorf("a design without budgets decodes with budgets %+v", d2.Budgets)
	}
}

// TestBudgetsBadDesigns: every problem of a budgets block is reported at
// once, at its line and path, with what to change.
func TestBudgetsBadDesigns(t *testing.T) {
	src := baseDesign + `budgets:
  currency: EUR
  default: -5
  environments: {prod: 0, stagin: 10}
  workloads: {paymets: 10, website: "$50"}
  accounts: {log-archiv: 20, payments-dev: 10.555}
  alerts: [80, 0, 1200, 80, high]
  notify: someone
`
	errs := parseErrors(t, src)
	want := []struct{ path, line, msg string }{
		{"budgets.currency", "line 24", "AWS Budgets keeps cost budgets in USD"},
		{"budgets.default", "line 25", "-5 is not a positive amount"},
		{"budgets.environments.prod", "line 26", "0 is not a positive amount"},
		{"budgets.environments.stagin", "line 26", `no environment "stagin"`},
		{"budgets.workloads.paymets", "line 27", `did you mean "payments"?`},
		{"budgets.workloads.website", "line 27", "without quotes or currency sign: 50"},
		{"budgets.accounts.log-archiv", "line 28", `did you mean "log-archive"?`},
		{"budgets.accounts.payments-dev", "line 28", "write 10.56"},
		{"budgets.alerts[1]", "line 29", "0 is not a percent from 1 to 1000"},
		{"budgets.alerts[2]", "line 29", "1200 is not a percent"},
		{"budgets.alerts[3]", "line 29", "80 is listed twice"},
		{"budgets.alerts[4]", "line 29", "expected a whole percent"},
		{"budgets.notify", "line 30", `neither "owner"`},
	}
	text := errs.Error()
	for _, w := range want {
		found := false
		for _, e := range errs {
			if e.Path == w.path && strings.Contains(e.Error(), w.line+":") && strings.Contains(e.Message, w.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error at %s (%s) saying %q; got:\n%s", w.path, w.line, w.msg, text)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want %d:\n%s", len(errs), len(want), text)
	}
}

func TestBudgetsMissingDefaultAndEmptyAlerts(t *testing.T) {
	errs := parseErrors(t, baseDesign+"budgets:\n  alerts: []\n  notify: ops@acme.example\n")
	text := errs.Error()
	for _, w := range []string{"budgets.default: is required", "budgets.alerts: is empty"} {
		if !strings.Contains(text, w) {
			t.Errorf("errors lack %q:\n%s", w, text)
		}
	}
	errs = parseErrors(t, baseDesign+"budgets:\n  default: 10\n  alerts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")
	if !strings.Contains(errs.Error(), "AWS Budgets allows 10 per budget, so remove 1") {
		t.Errorf("ten alerts plus the forecast are not refused: %v", errs)
	}
}

// TestBudgetsExpansion: precedence account > workload > environment >
// default, the organization total is the sum, notify resolves to the
// workload's owner or the organization's mailbox, and the cost categories
// map each account to its value.
func TestBudgetsExpansion(t *testing.T) {
	d, err := Parse([]byte(baseDesign + budgetsBlock + "  workloads: {website: 50, payments: 500}\n"))
	if err == nil {
		t.Fatal("workloads set twice is accepted")
	}
	d, err = Parse([]byte(baseDesign + `budgets:
  default: 100
  environments: {prod: 1000}
  workloads: {website: 50}
  accounts: {log-archive: 20, payments-prod-us: 700.5}
  alerts: [50, 90]
`))
	if err != nil {
		t.Fatal(err)
	}
	tree := expand(t, d)
	want := map[string]struct {
		amount         float64
		source, notify string
	}{
		"orgwizard-log-archive":      {20, "accounts.log-archive", "aws@acme.example"},
		"orgwizard-security-tooling": {100, "default", "aws@acme.example"},
		"orgwizard-payments-dev":     {100, "default", "team@acme.example"},
		"orgwizard-payments-prod-eu": {1000, "environments.prod", "team@acme.example"},
		"orgwizard-payments-prod-us": {700.5, "accounts.payments-prod-us", "team@acme.example"},
		"orgwizard-website-dev":      {50, "workloads.website", "aws@acme.example"},
		"orgwizard-website-prod-eu":  {50, "workloads.website", "aws@acme.example"},
		"orgwizard-organization":     {2020.5, "the sum of the accounts' budgets", "aws@acme.example"},
	}
	if len(tree.Budgets) != len(want) {
		t.Fatalf("%d budgets, want %d: %+v", len(tree.Budgets), len(want), tree.Budgets)
	}
	for _, b := range tree.Budgets {
		w, ok := want[b.Name]
		if !ok {
			t.Errorf("unexpected budget %s", b.Name)
			continue
		}
		if b.Amount != w.amount || b.Source != w.source || b.Notify != w.notify || b.Currency != "USD" || len(b.Alerts) != 2 || b.Alerts[0] != 50 {
			t.Errorf("budget %s = %+v; want amount %v from %s, notify %s, alerts [50 90]", b.Name, b, w.amount, w.source, w.notify)
		}
		if (b.Name == OrganizationBudgetName) != (b.Account == "") {
			t.Errorf("budget %s has account %q", b.Name, b.Account)
		}
	}
	cats := map[string]map[string][]string{}
	for _, c := range tree.CostCategories {
		cats[c.Name] = c.Values
	}
	if got := strings.Join(cats[CategoryWorkload]["website"], ","); got != "website-dev,website-prod-eu" {
		t.Errorf("category workload=website has %s", got)
	}
	if got := strings.Join(cats[CategoryEnvironment]["prod"], ","); got != "payments-prod-eu,website-prod-eu,payments-prod-us" {
		t.Errorf("category environment=prod has %s", got)
	}
	if got := strings.Join(cats[CategoryResidency]["us"], ","); got != "payments-prod-us" {
		t.Errorf("category residency=us has %s", got)
	}
	if len(tree.CostCategories) != 3 {
		t.Errorf("%d cost categories, want 3", len(tree.CostCategories))
	}

	// An explicit notify address is used for every budget.
	d.Budgets.Notify = "finance@acme.example"
	for _, b := range expand(t, d).Budgets {
		if b.Notify != "finance@acme.example" {
			t.Errorf("budget %s notifies %s", b.Name, b.Notify)
		}
	}
}

// TestBudgetsFormatRoundTrip: the wizard's Format keeps the budgets block.
func TestBudgetsFormatRoundTrip(t *testing.T) {
	d := loadExample(t, "acme-budgets.yaml")
	back, err := Parse(Format(d))
	if err != nil {
		t.Fatalf("Format's output does not parse: %v\n%s", err, Format(d))
	}
	if !jsonEqual(back, d) {
		t.Errorf("Format loses part of the budgets block:\n%s", Format(d))
	}
}

func TestBudgetsLimitsAndTemplateMailbox(t *testing.T) {
	errs := parseErrors(t, baseDesign+"budgets:\n  default: 1000000001\n")
	if !strings.Contains(errs.Error(), "is there a zero too many?") {
		t.Errorf("an amount over 1,000,000,000 is not refused: %v", errs)
	}
	src := strings.Replace(baseDesign, "  email: aws@acme.example\n", "  emailTemplate: aws-{account}@acme.example\n", 1) + "budgets:\n  default: 10\n"
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range expand(t, d).Budgets {
		want := "aws-budgets@acme.example"
		if b.Account == "payments-dev" {
			want = "team@acme.example"
		}
		if b.Account == "payments-dev" || b.Account == "website-dev" {
			if b.Notify != want {
				t.Errorf("budget %s notifies %s, want %s", b.Name, b.Notify, want)
			}
		}
	}
}
