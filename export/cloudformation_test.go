package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/orgwizard/orgwizard/orgmodel"
)

type cfnTemplate struct {
	AWSTemplateFormatVersion string `yaml:"AWSTemplateFormatVersion"`
	Description              string `yaml:"Description"`
	Metadata                 struct {
		OrgwizardResourcesToImport []cfnImport `yaml:"OrgwizardResourcesToImport"`
	} `yaml:"Metadata"`
	Parameters map[string]struct {
		Type        string `yaml:"Type"`
		Description string `yaml:"Description"`
	} `yaml:"Parameters"`
	Resources map[string]cfnResource `yaml:"Resources"`
}

// cfnAttributes are the Fn::GetAtt attributes the template uses, per type,
// as AWS documents them (each type's Return values).
var cfnAttributes = map[string][]string{
	cfnOrganization: {"RootId"},
	cfnGroup:        {"GroupId"},
	cfnPermSet:      {"PermissionSetArn"},
}

type cfnResource struct {
	Type                string         `yaml:"Type"`
	DeletionPolicy      string         `yaml:"DeletionPolicy"`
	UpdateReplacePolicy string         `yaml:"UpdateReplacePolicy"`
	DependsOn           []string       `yaml:"DependsOn"`
	Properties          map[string]any `yaml:"Properties"`
}

// parseCloudFormationLoose reads a template without holding its tags to
// the ones apply gives what it creates.
func parseCloudFormationLoose(t *testing.T, src []byte) cfnTemplate {
	t.Helper()
	var tpl cfnTemplate
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&tpl); err != nil {
		t.Fatalf("the template does not parse: %v\n%s", err, src)
	}
	return tpl
}

func parseCloudFormation(t *testing.T, src []byte) cfnTemplate {
	t.Helper()
	var tpl cfnTemplate
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&tpl); err != nil {
		t.Fatalf("the template does not parse: %v\n%s", err, src)
	}
	if tpl.AWSTemplateFormatVersion != "2010-09-09" {
		t.Errorf("AWSTemplateFormatVersion %q", tpl.AWSTemplateFormatVersion)
	}
	for logical, r := range tpl.Resources {
		doc, ok := CloudFormationTypes[r.Type]
		if !ok {
			t.Errorf("%s has the type %s, which AWS does not document", logical, r.Type)
			continue
		}
		for p := range r.Properties {
			if !slices.Contains(doc.Properties, p) {
				t.Errorf("%s (%s) has the property %s, which AWS does not document", logical, r.Type, p)
			}
		}
		if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
			t.Errorf("%s is not retained", logical)
		}
		for _, v := range r.Properties {
			checkRefs(t, tpl, logical, v)
		}
		for _, d := range r.DependsOn {
			if _, ok := tpl.Resources[d]; !ok {
				t.Errorf("%s depends on %s, which is not declared", logical, d)
			}
		}
		// apply tags every OU and policy it creates; the template must too.
		if r.Type == cfnOU || r.Type == cfnPolicy {
			want := []any{map[string]any{"Key": orgmodel.TagManagedBy, "Value": orgmodel.ManagedByValue}}
			if !reflect.DeepEqual(r.Properties["Tags"], want) {
				t.Errorf("%s has the tags %v, want %v", logical, r.Properties["Tags"], want)
			}
		}
		if r.Type == cfnPolicy {
			org := tpl.byType(cfnOrganization)
			if !slices.Equal(r.DependsOn, org) {
				t.Errorf("%s depends on %v, want the organization %v", logical, r.DependsOn, org)
			}
		}
	}
	return tpl
}

// cfnParallelAccounts is the most accounts CloudFormation may create at
// once: the chain heads, when the accounts to create form chains through
// DependsOn (one dependency each, each depended on by one at most).
func cfnParallelAccounts(t *testing.T, tpl cfnTemplate, imported map[string]bool) int {
	t.Helper()
	heads, dependents := 0, map[string]int{}
	for _, logical := range tpl.byType(cfnAccount) {
		deps := tpl.Resources[logical].DependsOn
		switch {
		case imported[logical]:
			if len(deps) > 0 {
				t.Errorf("%s exists yet waits for %v", logical, deps)
			}
		case len(deps) == 0:
			heads++
		case len(deps) == 1 && tpl.Resources[deps[0]].Type == cfnAccount:
			dependents[deps[0]]++
		default:
			t.Errorf("%s depends on %v", logical, deps)
		}
	}
	for d, n := range dependents {
		if n > 1 {
			t.Errorf("%d accounts wait for %s: they would start together", n, d)
		}
	}
	return heads
}

// AWS runs at most 5 account creations at once: the template never asks for
// a sixth, and asks for five whenever it can.
func TestCloudFormationCreatesFiveAccountsAtATime(t *testing.T) {
	tree := acmeTree(t, nil)
	tpl := parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Source: "design"}))
	if n := cfnParallelAccounts(t, tpl, nil); n != 5 {
		t.Errorf("%d of acme's 9 accounts created at once, want 5", n)
	}
	actual := appliedActual(tree)
	actual.Accounts = actual.Accounts[:len(actual.Accounts)-1]
	e := Match(tree, actual)
	tpl = parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Existing: e, Source: "live"}))
	imported := map[string]bool{}
	for _, im := range tpl.Metadata.OrgwizardResourcesToImport {
		imported[im.LogicalResourceID] = true
	}
	if n := cfnParallelAccounts(t, tpl, imported); n != 1 {
		t.Errorf("%d accounts to create at once, want the one missing", n)
	}
}

// checkRefs finds every Ref and Fn::GetAtt and checks what they name exists.
func checkRefs(t *testing.T, tpl cfnTemplate, from string, v any) {
	switch v := v.(type) {
	case map[string]any:
		if r, ok := v["Ref"].(string); ok && len(v) == 1 {
			_, resource := tpl.Resources[r]
			_, param := tpl.Parameters[r]
			if !resource && !param {
				t.Errorf("%s refers to %s, which is not declared", from, r)
			}
		}
		if ga, ok := v["Fn::GetAtt"].([]any); ok {
			if len(ga) != 2 || !slices.Contains(cfnAttributes[tpl.Resources[ga[0].(string)].Type], ga[1].(string)) {
				t.Errorf("%s gets %v", from, ga)
			}
		}
		for _, c := range v {
			checkRefs(t, tpl, from, c)
		}
	case []any:
		for _, c := range v {
			checkRefs(t, tpl, from, c)
		}
	}
}

func (tpl cfnTemplate) byType(typ string) []string {
	var out []string
	for logical, r := range tpl.Resources {
		if r.Type == typ {
			out = append(out, logical)
		}
	}
	slices.Sort(out)
	return out
}

func TestCloudFormationFromDesign(t *testing.T) {
	tree := acmeTree(t, nil)
	tpl := parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Source: "design"}))
	if n := len(tpl.byType(cfnOrganization)); n != 1 {
		t.Errorf("%d organizations", n)
	}
	if n := len(tpl.byType(cfnOU)); n != len(tree.OUs) {
		t.Errorf("%d OUs", n)
	}
	if n := len(tpl.byType(cfnAccount)); n != len(tree.Accounts) {
		t.Errorf("%d accounts", n)
	}
	if len(tpl.Metadata.OrgwizardResourcesToImport) != 0 {
		t.Error("a design export lists resources to import")
	}
	acc := tpl.Resources["AccountPaymentsProdEu"].Properties
	if acc["AccountName"] != "payments-prod-eu" || acc["Email"] != "aws+payments-prod-eu@acme.example" {
		t.Errorf("payments-prod-eu: %v", acc)
	}
	if parents := acc["ParentIds"].([]any); len(parents) != 1 || parents[0].(map[string]any)["Ref"] != "OUWorkloadsProdEu" {
		t.Errorf("payments-prod-eu parents %v", parents)
	}
	policies := tpl.byType(cfnPolicy)
	if len(policies) != len(tree.Policies) {
		t.Fatalf("%d policies", len(policies))
	}
	for _, p := range tree.Policies {
		props := tpl.Resources["Policy"+cfnName(p.Name)].Properties
		if props["Name"] != p.Name || props["Type"] != "SERVICE_CONTROL_POLICY" {
			t.Errorf("policy %s: %v", p.Name, props)
		}
		// AWS recommends the content as an object; it must be the document.
		content, err := json.Marshal(props["Content"])
		if err != nil || !jsonEqual(string(content), p.Content) {
			t.Errorf("policy %s content is %s", p.Name, content)
		}
		if targets := props["TargetIds"].([]any); len(targets) != len(p.Targets) {
			t.Errorf("policy %s has %d targets, want %d", p.Name, len(targets), len(p.Targets))
		}
	}
}

func TestCloudFormationLiveListsImports(t *testing.T) {
	tree := acmeTree(t, nil)
	e := Match(tree, appliedActual(tree))
	tpl := parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Existing: e, Source: "live"}))
	imports := map[string]cfnImport{}
	for _, imp := range tpl.Metadata.OrgwizardResourcesToImport {
		imports[imp.LogicalResourceID] = imp
	}
	for logical, r := range tpl.Resources {
		imp, ok := imports[logical]
		if !ok {
			t.Errorf("%s exists but is not listed to import", logical)
			continue
		}
		keys := CloudFormationTypes[r.Type].Keys()
		if imp.ResourceType != r.Type || len(imp.ResourceIdentifier) != len(keys) || len(keys) == 0 {
			t.Errorf("%s is listed as %+v", logical, imp)
		}
		for _, k := range keys {
			if imp.ResourceIdentifier[k] == "" {
				t.Errorf("%s is listed without its %s: %+v", logical, k, imp)
			}
		}
	}
	if imports["AccountLogArchive"].ResourceIdentifier["AccountId"] != e.Accounts["log-archive"].ID {
		t.Errorf("log-archive: %+v", imports["AccountLogArchive"])
	}
}

// The management account is the organization's own: never a member resource.
func TestCloudFormationLiveOnlyLeavesManagementOut(t *testing.T) {
	actual := appliedActual(acmeTree(t, nil))
	tree := actual.Tree()
	tpl := parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Existing: Match(tree, actual), Source: "AWS"}))
	if n := len(tpl.byType(cfnAccount)); n != 9 {
		t.Errorf("%d accounts, want the 9 members", n)
	}
	for _, p := range tpl.byType(cfnPolicy) {
		if _, ok := tpl.Resources[p].Properties["Description"]; ok {
			t.Errorf("%s has a description AWS was not asked for", p)
		}
	}
}

// Values YAML would read as something else stay strings.
func TestCloudFormationQuotesWhatYAMLWouldMisread(t *testing.T) {
	tree := &orgmodel.Tree{
		OUs:      []orgmodel.OU{{Path: "yes", Name: "yes"}, {Path: "null", Name: "null"}},
		Accounts: []orgmodel.Account{{Name: "0123", Email: "*@x.example", OU: "yes", Tags: map[string]string{"true": "1.0", "k": "#no comment: [x]"}}},
		Policies: []orgmodel.Policy{{Name: "p", Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`}},
	}
	tpl := parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Source: "x"}))
	if tpl.Resources["OUYes"].Properties["Name"] != "yes" || tpl.Resources["OUNull"].Properties["Name"] != "null" {
		t.Errorf("OU names: %v %v", tpl.Resources["OUYes"].Properties, tpl.Resources["OUNull"].Properties)
	}
	acc := tpl.Resources["Account0123"].Properties
	if acc["AccountName"] != "0123" || acc["Email"] != "*@x.example" {
		t.Errorf("account: %v", acc)
	}
	content, _ := json.Marshal(tpl.Resources["PolicyP"].Properties["Content"])
	if !jsonEqual(string(content), tree.Policies[0].Content) {
		t.Errorf("content reads back as %s", content)
	}
}
