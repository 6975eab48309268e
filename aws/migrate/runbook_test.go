package migrate

import (
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/orgmodel"
	simulated "github.com/orgwizard/orgwizard/sandbox/inventory"
)

// Every kind of resource the inventory sweeps has a documented way of its
// own, with AWS documentation links.
func TestEveryInventoryKindHasAWay(t *testing.T) {
	kinds := map[string]bool{}
	for _, r := range simulated.DirtyResources("123456789012") {
		typ := r.Type
		if typ == "hosted-zone" {
			typ = "hostedzone"
		}
		kinds[r.Service+"/"+typ] = true
	}
	for _, k := range []string{"rds/db-cluster", "eks/cluster"} {
		kinds[k] = true
	}
	for k := range kinds {
		service, typ, _ := strings.Cut(k, "/")
		w := WayFor(inventory.Item{Service: service, Type: typ})
		if w.Summary == genericWay.Summary {
			t.Errorf("%s has no way of its own", k)
		}
		if len(w.Steps) < 2 || len(w.Docs) == 0 {
			t.Errorf("%s: %d steps, %d docs", k, len(w.Steps), len(w.Docs))
		}
		for _, d := range w.Docs {
			if !strings.HasPrefix(d, "https://docs.aws.amazon.com/") && !strings.HasPrefix(d, "https://repost.aws/") {
				t.Errorf("%s: %s is not AWS's", k, d)
			}
		}
	}
	if WayFor(inventory.Item{Service: "sns", Type: "topic"}).Summary != genericWay.Summary {
		t.Error("an unknown kind gets the generic way")
	}
}

func TestParseAssignments(t *testing.T) {
	a, err := ParseAssignments("# moves\narn:aws:rds:eu-west-1:1:db:orders = payments-prod-eu\n\nshop-sessions=website-prod-eu\n")
	if err != nil {
		t.Fatal(err)
	}
	if a["arn:aws:rds:eu-west-1:1:db:orders"] != "payments-prod-eu" || a["shop-sessions"] != "website-prod-eu" || len(a) != 2 {
		t.Errorf("%v", a)
	}
	if _, err := ParseAssignments("shop-sessions"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a line without '=': %v", err)
	}
	it := inventory.Item{ARN: "arn:x", ID: "id-1", Name: "web"}
	if (Assignment{"web": "a"}).For(it) != "a" || (Assignment{"id-1": "b", "web": "a"}).For(it) != "b" || (Assignment{}).For(it) != "" {
		t.Error("For looks up by key, then id, then name")
	}
}

func TestSuggestFromTags(t *testing.T) {
	d, err := orgmodel.Parse([]byte(`version: 1
organization: {name: acme, email: aws@acme.example, homeRegion: eu-west-1}
environments: [{name: dev}, {name: prod, perResidency: true}]
residencies: [{name: eu, regions: [eu-west-1]}, {name: us, regions: [us-east-1]}]
workloads: [{name: shop, residencies: [eu, us]}, {name: blog, residencies: [eu]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	residency := func(r string) string { return map[string]string{"eu-west-1": "eu", "us-east-1": "us"}[r] }
	for _, c := range []struct {
		tags   map[string]string
		region string
		want   string
	}{
		{map[string]string{"Team": "shop", "Environment": "production"}, "us-east-1", "shop-prod-us"},
		{map[string]string{"app": "blog", "env": "development"}, "eu-west-1", "blog-dev"},
		{map[string]string{"Environment": "production"}, "eu-west-1", ""}, // shop or blog: the tags do not decide
		{nil, "eu-west-1", ""},
	} {
		got, ok := Suggest(inventory.Item{Region: c.region, Tags: c.tags}, tree, residency)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%v in %s: %q %v, want %q", c.tags, c.region, got, ok, c.want)
		}
	}
}

func TestRunbookKeysRoundTrip(t *testing.T) {
	inv := &inventory.Result{Account: "1", Regions: []string{"eu-west-1"}, Items: []inventory.Item{
		{Region: "eu-west-1", Service: "dynamodb", Type: "table", ID: "t", Name: "t", ARN: "arn:aws:dynamodb:eu-west-1:1:table/t"},
		{Region: "eu-west-1", Service: "sns", Type: "topic", ID: "x|y", Name: "x|y"},
	}}
	md := Runbook(RunbookInput{Account: "1", Inventory: inv, Assign: Assignment{"t": "data-prod"}})
	keys := RunbookKeys(md)
	if len(keys) != 2 || keys[0] != inv.Items[0].Key() && keys[1] != inv.Items[0].Key() {
		t.Errorf("keys %v", keys)
	}
	for _, want := range []string{"## To data-prod", "export-table-to-point-in-time", "## No destination chosen yet", "x\\|y", "1 have no destination yet"} {
		if !strings.Contains(md, want) {
			t.Errorf("the runbook lacks %q:\n%s", want, md)
		}
	}
	if got := Runbook(RunbookInput{Account: "1", Inventory: &inventory.Result{}}); !strings.Contains(got, "Nothing to move") {
		t.Errorf("empty: %s", got)
	}
}

func TestTradeOffNamesBothWays(t *testing.T) {
	s := TradeOff()
	for _, want := range []string{"(a) Open a new, clean management account", "(b) Move the resources out", "migrate new-management", "migrate runbook", "Transitional"} {
		if !strings.Contains(s, want) {
			t.Errorf("the trade-off lacks %q:\n%s", want, s)
		}
	}
}

// The case: a resource in eu-west-1 assigned to an account whose
// region lock allows only US regions is flagged, in the entry and in the
// runbook; one in an allowed region, or a global one, is not.
func TestRunbookWarnsOfARegionTheDestinationLocksOut(t *testing.T) {
	d, err := orgmodel.Parse([]byte(`version: 1
organization: {name: acme, email: aws@acme.example, homeRegion: us-east-1}
environments: [{name: prod, perResidency: true}]
residencies: [{name: eu, regions: [eu-west-1]}, {name: us, regions: [us-east-1]}]
workloads: [{name: shop, residencies: [eu, us]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	inv := &inventory.Result{Account: "1", Items: []inventory.Item{
		{Region: "eu-west-1", Service: "rds", Type: "db-instance", ID: "orders", Name: "orders", ARN: "arn:aws:rds:eu-west-1:1:db:orders"},
		{Region: "us-east-1", Service: "dynamodb", Type: "table", ID: "flags", Name: "flags", ARN: "arn:aws:dynamodb:us-east-1:1:table/flags"},
		{Region: inventory.GlobalRegion, Service: "iam", Type: "user", ID: "AIDA1", Name: "ci", ARN: "arn:aws:iam::1:user/ci"},
	}}
	in := RunbookInput{Account: "1", Inventory: inv, Design: tree, Assign: Assignment{"orders": "shop-prod-us", "flags": "shop-prod-us", "ci": "shop-prod-us"}}
	entries := Entries(in)
	warned := map[string]string{}
	for _, e := range entries {
		warned[e.Item.Name] = e.Warning
	}
	if w := warned["orders"]; !strings.Contains(w, "eu-west-1 is outside the regions shop-prod-us's guardrails allow (us-east-1)") {
		t.Errorf("orders: %q", w)
	}
	if warned["flags"] != "" || warned["ci"] != "" {
		t.Errorf("an allowed region or a global resource warned: %v", warned)
	}
	md := Runbook(in)
	for _, want := range []string{"Warning: 1 resources go to an account whose region lock does not allow their region",
		"| shop-prod-us ⚠ region not allowed there |", "- ⚠ **eu-west-1 is outside"} {
		if !strings.Contains(md, want) {
			t.Errorf("the runbook lacks %q:\n%s", want, md)
		}
	}
	// To the EU account: no warning.
	in.Assign["orders"] = "shop-prod-eu"
	if strings.Contains(Runbook(in), "⚠") {
		t.Error("orders to shop-prod-eu warned")
	}
}
