package export

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func acmeTree(t *testing.T, edit func(*orgmodel.Design)) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(d)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// appliedActual is the organization a converged apply of tree leaves,
// with made-up ids that stay the same from run to run.
func appliedActual(tree *orgmodel.Tree) *orgmodel.Actual {
	a := &orgmodel.Actual{
		Organization: &orgmodel.ActualOrganization{ID: "o-exampleorga", ManagementAccountID: "999999999999", ManagementEmail: "aws@acme.example", FeatureSet: "ALL"},
		RootID:       "r-root",
		SCPEnabled:   true,
	}
	a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: "999999999999", Name: "management", Email: "aws@acme.example", ParentID: "r-root", Status: "ACTIVE"})
	ids := map[orgmodel.Target]string{{Type: orgmodel.TargetRoot, Name: "Root"}: "r-root"}
	for i, o := range tree.OUs {
		id := fmt.Sprintf("ou-root-%08d", i+1)
		parent := ids[orgmodel.Target{Type: orgmodel.TargetOU, Name: o.Parent}]
		if o.Parent == "" {
			parent = "r-root"
		}
		ids[orgmodel.Target{Type: orgmodel.TargetOU, Name: o.Path}] = id
		a.OUs = append(a.OUs, orgmodel.ActualOU{ID: id, ParentID: parent, Name: o.Name})
	}
	for i, acc := range tree.Accounts {
		id := fmt.Sprintf("1000000000%02d", i+1)
		ids[orgmodel.Target{Type: orgmodel.TargetAccount, Name: acc.Name}] = id
		a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: id, Name: acc.Name, Email: acc.Email, Status: "ACTIVE",
			ParentID: ids[orgmodel.Target{Type: orgmodel.TargetOU, Name: acc.OU}], Tags: acc.Tags})
	}
	a.Policies = append(a.Policies, orgmodel.ActualPolicy{ID: "p-FullAWSAccess", Name: "FullAWSAccess", AWSManaged: true, Targets: []string{"r-root"}})
	for i, p := range tree.Policies {
		ap := orgmodel.ActualPolicy{ID: fmt.Sprintf("p-%08d", i+1), Name: p.Name, Content: p.Content}
		for _, tg := range p.Targets {
			ap.Targets = append(ap.Targets, ids[tg])
		}
		a.Policies = append(a.Policies, ap)
	}
	return a
}

func render(t *testing.T, f Format, in Input) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, f, in); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return b.Bytes()
}

var goldenExt = map[Format]string{Terraform: "tf", CloudFormation: "yaml", Mermaid: "mmd", DOT: "dot", JSON: "json"}

// TestGolden pins every format for acme.yaml, from the design alone and over
// the organization a converged apply leaves. go test ./export -update
// rewrites them; review the diff.
func TestGolden(t *testing.T) {
	tree := acmeTree(t, nil)
	cases := map[string]Input{
		"acme":      {Tree: tree, Source: "design acme.yaml"},
		"acme.live": {Tree: tree, Existing: Match(tree, appliedActual(tree)), Source: "design acme.yaml over AWS account 999999999999"},
	}
	for name, in := range cases {
		for _, f := range Formats {
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

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%s) = %v, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("hcl"); err == nil {
		t.Error("hcl is not a format")
	}
}

// Match follows the plan's rules: an account found by email keeps AWS's name,
// unknown accounts and policies are absent, AWS-managed policies are left out.
func TestMatch(t *testing.T) {
	tree := acmeTree(t, nil)
	actual := appliedActual(tree)
	// An account renamed in AWS is still matched, by email.
	for i, a := range actual.Accounts {
		if a.Name == "website-dev" {
			actual.Accounts[i].Name = "Website Dev"
			actual.Accounts[i].Tags = map[string]string{"team": "web"}
		}
	}
	// One OU and one policy do not exist yet.
	actual.OUs = actual.OUs[:len(actual.OUs)-1] // Suspended
	actual.Policies = actual.Policies[:len(actual.Policies)-1]
	e := Match(tree, actual)
	if e.OrganizationID != "o-exampleorga" || e.RootID != "r-root" {
		t.Errorf("organization %s root %s", e.OrganizationID, e.RootID)
	}
	if _, ok := e.OUs["Suspended"]; ok || e.OUs["Workloads/prod/eu"] == "" {
		t.Errorf("OUs %v", e.OUs)
	}
	wd := e.Accounts["website-dev"]
	if wd.Name != "Website Dev" || wd.ID == "" {
		t.Errorf("website-dev matched %+v", wd)
	}
	if len(e.Accounts) != len(tree.Accounts) {
		t.Errorf("%d accounts matched, want %d", len(e.Accounts), len(tree.Accounts))
	}
	if _, ok := e.Policies["FullAWSAccess"]; ok {
		t.Error("an AWS-managed policy was matched")
	}
	if _, ok := e.Policies[tree.Policies[len(tree.Policies)-1].Name]; ok {
		t.Error("a policy that does not exist was matched")
	}
	in := Input{Tree: tree, Existing: e}
	name, _, tags := in.accountFields(tree.Accounts[3])
	if tree.Accounts[3].Name != "website-dev" || name != "Website Dev" || tags["team"] != "web" || tags["workload"] != "website" {
		t.Errorf("website-dev is declared as %s with %v", name, tags)
	}
}

func TestJSON(t *testing.T) {
	tree := acmeTree(t, nil)
	actual := appliedActual(tree)
	for _, in := range []Input{{Tree: tree, Source: "design"}, {Tree: tree, Existing: Match(tree, actual), Source: "live"}} {
		var doc jsonDoc
		if err := json.Unmarshal(render(t, JSON, in), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Version != 1 || doc.Organization != "acme" || len(doc.OUs) != len(tree.OUs) || len(doc.Accounts) != len(tree.Accounts) || len(doc.Policies) != len(tree.Policies) {
			t.Fatalf("%s: %+v", in.Source, doc)
		}
		for i, p := range doc.Policies {
			var got, want any
			json.Unmarshal(p.Document, &got)
			json.Unmarshal([]byte(tree.Policies[i].Content), &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: policy %s document differs", in.Source, p.Name)
			}
		}
		live := in.Existing != nil
		if (doc.OrganizationID != "") != live || (doc.OUs[0].ID != "") != live || (doc.Accounts[0].ID != "") != live || (doc.Policies[0].ID != "") != live {
			t.Errorf("%s: ids present %v, want %v: %+v", in.Source, !live, live, doc)
		}
		if live && doc.Policies[0].TargetIDs[0] != "r-root" {
			t.Errorf("target ids %v", doc.Policies[0].TargetIDs)
		}
	}
}
