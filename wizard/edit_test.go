package wizard

import (
	"slices"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func TestPutResidencyEditsInPlace(t *testing.T) {
	d := NewDesign()
	d.Workloads = []orgmodel.Workload{{Name: "payments"}}
	for _, r := range []orgmodel.Residency{{Name: "eu", Regions: []string{"eu-west-1"}}, {Name: "us", Regions: []string{"us-east-1"}}} {
		if err := PutResidency(d, -1, r); err != nil {
			t.Fatal(err)
		}
	}
	d.Workloads[0].Residencies = []string{"eu", "us"}
	if err := PutResidency(d, 0, orgmodel.Residency{Name: "de", Regions: []string{"eu-central-1", "eu-central-2"}}); err != nil {
		t.Fatal(err)
	}
	if d.Residencies[0].Name != "de" || !slices.Equal(d.Residencies[0].Regions, []string{"eu-central-1", "eu-central-2"}) {
		t.Errorf("residency 0 is %+v, want de in eu-central-1, eu-central-2", d.Residencies[0])
	}
	if !slices.Equal(d.Workloads[0].Residencies, []string{"de", "us"}) {
		t.Errorf("payments serves %v after the rename, want [de us]", d.Workloads[0].Residencies)
	}
	if err := PutResidency(d, 0, orgmodel.Residency{Name: "de", Regions: []string{"us-east-1"}}); err == nil || !strings.Contains(err.Error(), "already belongs to residency us") {
		t.Errorf("a region of another residency: %v", err)
	}
	if err := PutResidency(d, 1, orgmodel.Residency{Name: "de", Regions: []string{"us-east-1"}}); err == nil || !strings.Contains(err.Error(), "already a residency called de") {
		t.Errorf("a taken name: %v", err)
	}
	// Keeping its own name and regions is no conflict.
	if err := PutResidency(d, 1, orgmodel.Residency{Name: "us", Regions: []string{"us-east-1", "us-west-2"}}); err != nil {
		t.Errorf("editing us's own regions: %v", err)
	}
}

func TestParseTags(t *testing.T) {
	tags, err := ParseTags(" cost-center=42, team = platform ,note=a=b")
	if err != nil {
		t.Fatal(err)
	}
	want := []orgmodel.Tag{{Key: "cost-center", Value: "42"}, {Key: "team", Value: "platform"}, {Key: "note", Value: "a=b"}}
	if !slices.Equal(tags, want) {
		t.Errorf("got %v, want %v", tags, want)
	}
	if got := FormatTags(tags); got != "cost-center=42, team=platform, note=a=b" {
		t.Errorf("FormatTags: %q", got)
	}
	if tags, err := ParseTags("  "); err != nil || tags != nil {
		t.Errorf("empty: %v %v", tags, err)
	}
	for in, want := range map[string]string{
		"team":           "has no value",
		"team=a, team=b": "given twice",
		"aws:x=1":        "reserved by AWS",
		"workload=x":     "orgwizard sets",
		"team=a#b":       "characters AWS does not allow",
		"=x":             "empty",
	} {
		if _, err := ParseTags(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTags(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

func TestPutAccountAndAdoptable(t *testing.T) {
	d := NewDesign()
	d.Organization = orgmodel.Organization{Name: "acme", Email: "aws@acme.example", HomeRegion: "us-east-1"}
	d.Workloads = []orgmodel.Workload{{Name: "payments"}}
	Settle(d)
	if paths := OUPaths(d); !slices.Contains(paths, "Transitional") || !slices.Contains(paths, "Workloads/prod") {
		t.Errorf("OUPaths = %v", paths)
	}
	if err := PutAccount(d, -1, orgmodel.AdoptedAccount{Name: "legacy", ID: "123456789012", OU: "Nowhere"}); err == nil || !strings.Contains(err.Error(), "not in the design") {
		t.Errorf("an unknown OU: %v", err)
	}
	if err := PutAccount(d, -1, orgmodel.AdoptedAccount{Name: "legacy", OU: "Transitional"}); err == nil || !strings.Contains(err.Error(), "id (12 digits) or its email") {
		t.Errorf("no id nor email: %v", err)
	}
	if err := PutAccount(d, -1, orgmodel.AdoptedAccount{Name: "legacy", ID: "123456789012", OU: "Workloads/prod"}); err != nil {
		t.Fatal(err)
	}
	if err := PutAccount(d, -1, orgmodel.AdoptedAccount{Name: "other", ID: "123456789012", OU: "Transitional"}); err == nil || !strings.Contains(err.Error(), "already adopted as legacy") {
		t.Errorf("the same id twice: %v", err)
	}
	if err := PutAccount(d, 0, orgmodel.AdoptedAccount{Name: "legacy-app", ID: "123456789012", OU: "Transitional"}); err != nil {
		t.Errorf("editing accounts[0]: %v", err)
	}
	if d.Accounts[0].Name != "legacy-app" || d.Accounts[0].OU != "Transitional" || len(d.Accounts) != 1 {
		t.Errorf("accounts = %+v", d.Accounts)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("the design with an adopted account does not validate: %v", err)
	}
	p := &orgmodel.Plan{Unmanaged: []orgmodel.Unmanaged{
		{Kind: "ou", Name: "Old", ID: "ou-1"},
		{Kind: "account", Name: "legacy-app", ID: "123456789012"},
		{Kind: "account", Name: "analytics", ID: "210987654321", Path: "Old"},
	}}
	got := Adoptable(d, p)
	if len(got) != 1 || got[0].ID != "210987654321" {
		t.Errorf("Adoptable = %+v, want only analytics", got)
	}
	if n := AdoptName(orgmodel.Unmanaged{Name: "Ünïcode", ID: "210987654321"}); n != "account-210987654321" {
		t.Errorf("AdoptName = %q", n)
	}
}

func TestCloneIsDeep(t *testing.T) {
	d := NewDesign()
	d.Workloads = []orgmodel.Workload{{Name: "payments", Residencies: []string{"eu"}}}
	d.Residencies = []orgmodel.Residency{{Name: "eu", Regions: []string{"eu-west-1"}}}
	c := Clone(d)
	RemoveResidency(d, "eu")
	d.Workloads[0].Name = "x"
	if c.Workloads[0].Name != "payments" || !slices.Equal(c.Workloads[0].Residencies, []string{"eu"}) || len(c.Residencies) != 1 {
		t.Errorf("the clone changed with the design: %+v", c)
	}

	d.Budgets = &orgmodel.Budgets{Default: 100, Alerts: []int{80, 100}, Environments: []orgmodel.NamedAmount{{Name: "prod", Amount: 1000}}}
	c = Clone(d)
	d.Budgets.Default, d.Budgets.Alerts[0], d.Budgets.Environments[0].Amount = 1, 1, 1
	if c.Budgets == d.Budgets || c.Budgets.Default != 100 || c.Budgets.Alerts[0] != 80 || c.Budgets.Environments[0].Amount != 1000 {
		t.Errorf("the clone's budgets changed with the design: %+v", c.Budgets)
	}
}
