package orgmodel

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const examplesDir = "../examples"

func loadExample(t testing.TB, name string) *Design {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		t.Fatalf("reading example: %v", err)
	}
	d, err := Parse(data)
	if err != nil {
		t.Fatalf("%s does not parse: %v", name, err)
	}
	return d
}

func expand(t testing.TB, d *Design) *Tree {
	t.Helper()
	tree, err := d.Expand()
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	return tree
}

// TestAcmeByEnvironmentMatchesSpec checks acme.yaml against the table of
// design-v1.md, "Expected expansion of acme.yaml", entry by entry.
func TestAcmeByEnvironmentMatchesSpec(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))

	var ous []string
	for _, o := range tree.OUs {
		ous = append(ous, o.Path)
	}
	wantOUs := []string{"Security", "Workloads", "Workloads/dev", "Workloads/staging", "Workloads/prod", "Workloads/prod/eu", "Workloads/prod/us", "Suspended"}
	if !slices.Equal(ous, wantOUs) {
		t.Errorf("OUs:\n got %v\nwant %v", ous, wantOUs)
	}

	wantAccounts := [][3]string{
		{"log-archive", "aws+log-archive@acme.example", "Security"},
		{"security-tooling", "aws+security-tooling@acme.example", "Security"},
		{"payments-dev", "aws+payments-dev@acme.example", "Workloads/dev"},
		{"website-dev", "aws+website-dev@acme.example", "Workloads/dev"},
		{"payments-staging", "aws+payments-staging@acme.example", "Workloads/staging"},
		{"website-staging", "aws+website-staging@acme.example", "Workloads/staging"},
		{"payments-prod-eu", "aws+payments-prod-eu@acme.example", "Workloads/prod/eu"},
		{"website-prod-eu", "aws+website-prod-eu@acme.example", "Workloads/prod/eu"},
		{"payments-prod-us", "aws+payments-prod-us@acme.example", "Workloads/prod/us"},
	}
	var got [][3]string
	for _, a := range tree.Accounts {
		got = append(got, [3]string{a.Name, a.Email, a.OU})
	}
	if !slices.Equal(got, wantAccounts) {
		t.Errorf("accounts:\n got %v\nwant %v", got, wantAccounts)
	}

	wantPolicies := map[string][]string{
		"orgwizard-deny-leave-organization": {"Root"},
		"orgwizard-deny-root-user":          {"Root"},
		"orgwizard-region-lock-eu":          {"Workloads/prod/eu"},
		"orgwizard-region-lock-us":          {"Workloads/prod/us"},
		"orgwizard-region-lock-all":         {"Workloads/dev", "Workloads/staging"},
	}
	wantRegions := map[string][]string{
		"orgwizard-region-lock-eu":  {"eu-central-1", "eu-west-1"},
		"orgwizard-region-lock-us":  {"us-east-1", "us-west-2"},
		"orgwizard-region-lock-all": {"eu-central-1", "eu-west-1", "us-east-1", "us-west-2"},
	}
	if len(tree.Policies) != len(wantPolicies) {
		t.Errorf("%d policies, want %d", len(tree.Policies), len(wantPolicies))
	}
	for _, p := range tree.Policies {
		var targets []string
		for _, tg := range p.Targets {
			targets = append(targets, tg.String())
		}
		if !slices.Equal(targets, wantPolicies[p.Name]) {
			t.Errorf("policy %s targets %v, want %v", p.Name, targets, wantPolicies[p.Name])
		}
		if want, ok := wantRegions[p.Name]; ok {
			if got := policyRegions(t, p.Content); !slices.Equal(got, want) {
				t.Errorf("policy %s regions %v, want %v", p.Name, got, want)
			}
		}
	}
}

func TestAcmeTags(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	byName := map[string]Account{}
	for _, a := range tree.Accounts {
		byName[a.Name] = a
	}
	cases := map[string]map[string]string{
		"payments-prod-eu": {"workload": "payments", "environment": "prod", "residency": "eu", "owner": "payments-team@acme.example",
			"managed-by": "orgwizard", "organization": "acme", "cost-center": "engineering"},
		"website-dev": {"workload": "website", "environment": "dev", "managed-by": "orgwizard", "organization": "acme", "cost-center": "engineering"},
		"log-archive": {"purpose": "log-archive", "managed-by": "orgwizard", "organization": "acme", "cost-center": "engineering"},
	}
	for name, want := range cases {
		got := byName[name].Tags
		if len(got) != len(want) {
			t.Errorf("%s tags %v, want %v", name, got, want)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s tag %s = %q, want %q", name, k, got[k], v)
			}
		}
	}
}

// TestGolden pins the whole expansion of the examples, in both layouts.
func TestGolden(t *testing.T) {
	for _, tc := range []struct{ example, layout string }{
		{"acme.yaml", "by-environment"},
		{"acme.yaml", "by-workload"},
		{"solo.yaml", "by-environment"},
	} {
		name := strings.TrimSuffix(tc.example, ".yaml") + "." + tc.layout
		t.Run(name, func(t *testing.T) {
			d := loadExample(t, tc.example)
			d.Layout = Layout(tc.layout)
			got, err := json.MarshalIndent(expand(t, d), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./orgmodel -update to create it)", err)
			}
			if string(want) != string(got)+"\n" {
				t.Errorf("expansion differs from %s; review the difference and run go test ./orgmodel -run TestGolden -update\n%s", golden, firstDiff(string(want), string(got)+"\n"))
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n want " + x + "\n  got " + y
		}
	}
	return ""
}

func TestAcmeByWorkload(t *testing.T) {
	d := loadExample(t, "acme.yaml")
	d.Layout = ByWorkload
	tree := expand(t, d)
	var ous []string
	for _, o := range tree.OUs {
		ous = append(ous, o.Path)
	}
	want := []string{"Security", "Workloads", "Workloads/payments", "Workloads/website", "Suspended"}
	if !slices.Equal(ous, want) {
		t.Errorf("OUs %v, want %v", ous, want)
	}
	for _, a := range tree.Accounts {
		if a.Kind == WorkloadAccount && a.OU != "Workloads/"+a.Workload {
			t.Errorf("%s in %s, want Workloads/%s", a.Name, a.OU, a.Workload)
		}
	}
	// by-workload: region locks go on each account.
	for _, p := range tree.Policies {
		switch p.Name {
		case "orgwizard-region-lock-eu":
			assertTargets(t, p, "payments-prod-eu", "website-prod-eu")
		case "orgwizard-region-lock-us":
			assertTargets(t, p, "payments-prod-us")
		case "orgwizard-region-lock-all":
			assertTargets(t, p, "payments-dev", "payments-staging", "website-dev", "website-staging")
		}
	}
}

func assertTargets(t *testing.T, p Policy, names ...string) {
	t.Helper()
	var got []string
	for _, tg := range p.Targets {
		if tg.Type != TargetAccount {
			t.Errorf("%s attached to %s %s, want accounts", p.Name, tg.Type, tg.Name)
		}
		got = append(got, tg.Name)
	}
	slices.Sort(got)
	if !slices.Equal(got, names) {
		t.Errorf("%s targets %v, want %v", p.Name, got, names)
	}
}

func TestEmailTemplate(t *testing.T) {
	d := loadExample(t, "solo.yaml")
	d.Organization.Email = ""
	d.Organization.EmailTemplate = "aws-{account}@solo.example"
	tree := expand(t, d)
	if got := tree.Accounts[0].Email; got != "aws-log-archive@solo.example" {
		t.Errorf("email %q", got)
	}
}

func TestFoundationToggles(t *testing.T) {
	d := loadExample(t, "solo.yaml")
	d.Foundation = Foundation{Infrastructure: true, Sandbox: true, Transitional: true}
	tree := expand(t, d)
	var ous []string
	for _, o := range tree.OUs {
		ous = append(ous, o.Path)
	}
	want := []string{"Infrastructure", "Workloads", "Workloads/dev", "Workloads/prod", "Sandbox", "Transitional"}
	if !slices.Equal(ous, want) {
		t.Errorf("OUs %v, want %v", ous, want)
	}
	if tree.Accounts[0].Name != "network" || tree.Accounts[1].Name != "shared-services" {
		t.Errorf("infrastructure accounts: %v %v", tree.Accounts[0].Name, tree.Accounts[1].Name)
	}
}

func TestAdoptedAccountCreatesTransitional(t *testing.T) {
	d := loadExample(t, "solo.yaml")
	d.Accounts = []AdoptedAccount{{Name: "legacy", ID: "123456789012", OU: OUTransitional}}
	tree := expand(t, d)
	last := tree.Accounts[len(tree.Accounts)-1]
	if last.Kind != AdoptedKind || last.OU != "Transitional" || last.ID != "123456789012" {
		t.Errorf("adopted account %+v", last)
	}
	found := false
	for _, o := range tree.OUs {
		found = found || o.Path == OUTransitional
	}
	if !found {
		t.Error("no Transitional OU for an account placed there")
	}
}

func TestGuardrailsOff(t *testing.T) {
	d := loadExample(t, "acme.yaml")
	d.Guardrails = Guardrails{}
	if tree := expand(t, d); len(tree.Policies) != 0 {
		t.Errorf("policies with every guardrail off: %v", tree.Policies)
	}
}

// policyRegions parses a region-lock policy as IAM JSON and returns its regions.
func policyRegions(t *testing.T, content string) []string {
	t.Helper()
	var doc struct {
		Version   string
		Statement []struct {
			Effect    string
			NotAction []string
			Resource  string
			Condition map[string]map[string][]string
		}
	}
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v", err)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 || doc.Statement[0].Effect != "Deny" {
		t.Fatalf("unexpected policy shape: %s", content)
	}
	s := doc.Statement[0]
	if !slices.Contains(s.NotAction, "iam:*") || !slices.Contains(s.NotAction, "organizations:*") || !slices.Contains(s.NotAction, "sts:*") {
		t.Errorf("region lock does not exempt the global services: %v", s.NotAction)
	}
	return s.Condition["StringNotEquals"]["aws:RequestedRegion"]
}

func TestPoliciesAreValidIAMJSON(t *testing.T) {
	tree := expand(t, loadExample(t, "acme.yaml"))
	for _, p := range tree.Policies {
		var doc map[string]any
		if err := json.Unmarshal([]byte(p.Content), &doc); err != nil {
			t.Errorf("%s: not JSON: %v", p.Name, err)
			continue
		}
		if doc["Version"] != "2012-10-17" {
			t.Errorf("%s: Version %v", p.Name, doc["Version"])
		}
		stmts, _ := doc["Statement"].([]any)
		if len(stmts) == 0 {
			t.Errorf("%s: no statements", p.Name)
		}
		for _, s := range stmts {
			m := s.(map[string]any)
			if m["Effect"] != "Deny" {
				t.Errorf("%s: effect %v; guardrails only deny", p.Name, m["Effect"])
			}
			_, hasAction := m["Action"]
			_, hasNotAction := m["NotAction"]
			if hasAction == hasNotAction {
				t.Errorf("%s: a statement needs exactly one of Action and NotAction", p.Name)
			}
			if m["Resource"] != "*" {
				t.Errorf("%s: resource %v", p.Name, m["Resource"])
			}
		}
		if len(p.Content) > MaxPolicyChars {
			t.Errorf("%s: %d characters", p.Name, len(p.Content))
		}
	}
}

func TestPolicyTooLarge(t *testing.T) {
	d := loadExample(t, "acme.yaml")
	// Every region in one residency still fits: the limit is far away.
	d.Residencies = []Residency{{Name: "eu", Regions: Regions()}}
	d.Workloads[1].Residencies = []string{"eu"}
	d.Workloads[0].Residencies = []string{"eu"}
	if _, err := d.Expand(); err != nil {
		t.Fatalf("all regions in one residency: %v", err)
	}
}
