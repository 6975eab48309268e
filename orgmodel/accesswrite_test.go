package orgmodel

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exampleNames are the design files in examples/, each of which must parse,
// expand and round-trip.
func exampleNames(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples in %s: %v", examplesDir, err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	if !slices.Contains(names, "acme-access.yaml") {
		t.Fatalf("examples/acme-access.yaml is missing: %v", names)
	}
	return names
}

func TestEveryExampleExpands(t *testing.T) {
	for _, name := range exampleNames(t) {
		d := loadExample(t, name)
		if _, err := d.Expand(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if w := d.Warnings(); len(w) > 0 {
			t.Errorf("%s warns: %v", name, w)
		}
	}
}

func TestFormatRoundTripsAccess(t *testing.T) {
	base := func() *Design {
		d := NewDesign()
		d.Organization = Organization{Name: "x", Email: "a+b@x.example", HomeRegion: "eu-west-1"}
		d.Environments = []Environment{{Name: "dev"}, {Name: "prod"}}
		d.Workloads = []Workload{{Name: "app"}}
		return d
	}
	for name, a := range map[string]*Access{
		"empty": {},
		"grants of every kind": {
			PermissionSets: []PermissionSetSpec{
				{Name: "deployer", Description: "Deploys: it's \"quoted\" # not a comment", ManagedPolicies: []string{"arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"},
					InlinePolicy:    `{"Version":"2012-10-17","Statement":[{"Sid":"it's","Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":false},"NumericLessThan":{"aws:MultiFactorAuthAge":3600.5}}}]}`,
					SessionDuration: "PT4H"},
				{Name: "a+b=c,d.e@f-g_h", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
				{Name: "only-inline", InlinePolicy: `{"Version":"2012-10-17","Statement":[]}`},
				// A C1 control, which AWS takes in a policy and YAML not raw.
				{Name: "controls", InlinePolicy: "{\"Sid\":\"a\u0082b's \u00ad\"}"},
			},
			Groups: []GroupSpec{
				{Name: "Payments Team (EU)", Description: "yes", Members: []string{"ana@x.example", "o'brien+aws@x.example"},
					Grants: []Grant{
						{PermissionSet: "admin", Workload: []string{"app"}, Environment: []string{"dev"}},
						{PermissionSet: "read-only", Accounts: []string{AllAccounts}},
						{PermissionSet: "deployer", Environment: []string{"dev", "prod"}, OU: []string{"Workloads/prod"}},
						{PermissionSet: "a+b=c,d.e@f-g_h", Accounts: []string{"app-dev", "log-archive"}},
					}},
				{Name: "null"},
				{Name: "no grants", Members: []string{"z@x.example"}},
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := base()
			if err := d.SetAccess(a); err != nil {
				t.Fatal(err)
			}
			roundTrip(t, d)
		})
	}
}

// The policy a file writes as a YAML mapping and the same policy as a JSON
// string are one policy, kept in the file's key order.
func TestInlinePolicyForms(t *testing.T) {
	mapping := `access:
  permissionSets:
    - name: p
      inlinePolicy:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Action: [s3:GetObject]
            Resource: "*"
            Condition: {NumericLessThan: {"aws:MultiFactorAuthAge": 0x10}, Bool: {"aws:SecureTransport": true}, Null: {"x": ~}}
`
	json := `access:
  permissionSets:
    - name: p
      inlinePolicy: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*",
        "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 16}, "Bool": {"aws:SecureTransport": true}, "Null": {"x": null}}}]}'
`
	const want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":16},"Bool":{"aws:SecureTransport":true},"Null":{"x":null}}}]}`
	for name, block := range map[string]string{"mapping": mapping, "json": json} {
		d := accessDesign(t, block)
		if got := d.Access.PermissionSets[0].InlinePolicy; got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

// SetAccess then Update: the wizard saves the step's answers into the file a
// person wrote; the comments outside the access block stay, and a changed
// block is written as Format writes it.
func TestUpdateWritesAccess(t *testing.T) {
	src, d := commented(t)
	a := &Access{Groups: []GroupSpec{{Name: "payments-team", Members: []string{"ana@acme.example"},
		Grants: []Grant{{PermissionSet: "admin", Workload: []string{"payments"}, Environment: []string{"dev"}}, {PermissionSet: "read-only", Accounts: []string{AllAccounts}}}}}}
	if err := d.SetAccess(a); err != nil {
		t.Fatal(err)
	}
	block := "access:\n  groups:\n    - name: payments-team\n      members: [ana@acme.example]\n      grants:\n" +
		"        - {permissionSet: admin, workload: payments, environment: dev}\n        - {permissionSet: read-only, accounts: all}\n"
	want := mustReplace(t, string(src), "  cost-center: CC-1042   # finance asked for this\n", "  cost-center: CC-1042   # finance asked for this\n"+block)
	checkUpdate(t, src, d, want)

	// A comment the user then writes inside the block stays while the
	// block does not change, and goes with it when it does.
	src2 := mustReplace(t, want, "    - name: payments-team\n", "    - name: payments-team   # the card people\n")
	d2, err := Parse([]byte(src2))
	if err != nil {
		t.Fatal(err)
	}
	d2.Foundation.Transitional = true
	checkUpdate(t, []byte(src2), d2, mustReplace(t, src2, "transitional: false", "transitional: true"))
	a2 := *d2.Access
	a2.Groups = append(slices.Clone(a2.Groups), GroupSpec{Name: "auditors", Grants: []Grant{{PermissionSet: "security-audit", Accounts: []string{AllAccounts}}}})
	if err := d2.SetAccess(&a2); err != nil {
		t.Fatal(err)
	}
	got, kept := Update([]byte(src2), d2)
	if !kept || !strings.Contains(string(got), "# end of file: keep this comment") || !strings.Contains(string(got), "- name: auditors") {
		t.Errorf("kept %t:\n%s", kept, got)
	}

	// Removed, the block goes and nothing else does.
	if err := d2.SetAccess(nil); err != nil {
		t.Fatal(err)
	}
	got, kept = Update([]byte(src2), d2)
	if !kept || strings.Contains(string(got), "access") || !strings.Contains(string(got), "# end of file: keep this comment") {
		t.Errorf("kept %t:\n%s", kept, got)
	}
}

func TestUpdateAddsAccessToTheExample(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(examplesDir, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	withAccess, err := os.ReadFile(filepath.Join(examplesDir, "acme-access.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetAccess(loadExample(t, "acme-access.yaml").Access); err != nil {
		t.Fatal(err)
	}
	got, kept := Update(src, d)
	if !kept || !strings.HasPrefix(string(got), string(src)) {
		t.Fatalf("kept %t; the file before the block changed:\n%s", kept, got)
	}
	back, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Parse(withAccess)
	if !sameDesign(back, want) {
		t.Errorf("acme.yaml with the block added reads unlike acme-access.yaml:\n%s", got)
	}
}

// The README's access example is valid on acme.yaml and selects what the
// README says it does.
func TestREADMEAccessExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\naccess:\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no yaml block starting with access:")
	}
	acme, err := os.ReadFile(filepath.Join(examplesDir, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(append(acme, "access:\n"+block...))
	if err != nil {
		t.Fatalf("the README's access block: %v", err)
	}
	at := expand(t, d).Access
	var got []string
	for _, a := range at.Assignments {
		if a.Group == "payments-team" && a.PermissionSet == "admin" {
			got = append(got, a.Account)
		}
	}
	if !slices.Equal(got, []string{"payments-dev", "payments-staging"}) {
		t.Errorf("payments-team is admin in %v, the README says payments-dev and payments-staging", got)
	}
	for _, p := range PresetPermissionSets {
		row := fmt.Sprintf("| `%s` | `%s` |", p.Name, p.ManagedPolicies[0])
		if !strings.Contains(string(readme), row) {
			t.Errorf("the README's presets table lacks %s", row)
		}
	}
}

// A changed budgets block is rewritten alone, as the access block is: the
// comments of the rest of the file stay (Update used to fall back to Format).
func TestUpdateRewritesOnlyTheBudgets(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(examplesDir, "acme-budgets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	d.Budgets.Default = 600
	got, kept := Update(src, d)
	before, _, _ := strings.Cut(string(src), "budgets:\n")
	if !kept || !strings.HasPrefix(string(got), before) || !strings.Contains(string(got), "default: 600") {
		t.Errorf("kept %t:\n%s", kept, got)
	}
}
