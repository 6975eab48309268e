package export

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// tfFile is a parsed Terraform export.
type tfFile struct {
	resources map[string]*hclsyntax.Block // "type.name"
	imports   map[string]string           // "type.name" → import id
	order     []string
	// data are the data sources, "type.name"; an import id read from one
	// is recorded as "data.type.name.attr".
	data map[string]bool
	src  []byte
}

func parseTerraform(t *testing.T, src []byte) *tfFile {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCL(src, "main.tf")
	if diags.HasErrors() {
		t.Fatalf("the export is not valid HCL: %s\n%s", diags.Error(), src)
	}
	body := f.Body.(*hclsyntax.Body)
	out := &tfFile{resources: map[string]*hclsyntax.Block{}, imports: map[string]string{}, data: map[string]bool{}}
	for _, b := range body.Blocks {
		switch b.Type {
		case "terraform", "provider", "locals":
		case "data":
			out.data[b.Labels[0]+"."+b.Labels[1]] = true
		case "resource":
			if len(b.Labels) != 2 {
				t.Fatalf("resource with labels %v", b.Labels)
			}
			addr := b.Labels[0] + "." + b.Labels[1]
			if out.resources[addr] != nil {
				t.Errorf("%s is declared twice", addr)
			}
			out.resources[addr] = b
			out.order = append(out.order, addr)
		case "import":
			to, diags := hcl.AbsTraversalForExpr(b.Body.Attributes["to"].Expr)
			if diags.HasErrors() || len(to) != 2 {
				t.Fatalf("import block with to %v: %s", to, diags.Error())
			}
			addr := to.RootName() + "." + to[1].(hcl.TraverseAttr).Name
			if _, dup := out.imports[addr]; dup {
				t.Errorf("%s is imported twice", addr)
			}
			if ref, ok := b.Body.Attributes["id"].Expr.(*hclsyntax.ScopeTraversalExpr); ok && ref.Traversal.RootName() == "data" {
				// Terraform 1.6 and later take an id from a data source.
				out.imports[addr] = traversalText(ref.Traversal)
				if len(ref.Traversal) < 3 || !out.data[ref.Traversal[1].(hcl.TraverseAttr).Name+"."+ref.Traversal[2].(hcl.TraverseAttr).Name] {
					t.Errorf("import into %s reads %s, which is not declared before it", addr, out.imports[addr])
				}
				continue
			}
			out.imports[addr] = evalString(t, b.Body.Attributes["id"])
		default:
			t.Errorf("unexpected block %s", b.Type)
		}
	}
	for addr := range out.imports {
		if out.resources[addr] == nil {
			t.Errorf("import into %s, which is not declared", addr)
		}
	}
	return out
}

// traversalText writes a traversal such as data.x.y.id.
func traversalText(tr hcl.Traversal) string {
	parts := []string{tr.RootName()}
	for _, step := range tr[1:] {
		if a, ok := step.(hcl.TraverseAttr); ok {
			parts = append(parts, a.Name)
		}
	}
	return strings.Join(parts, ".")
}

func evalString(t *testing.T, a *hclsyntax.Attribute) string {
	t.Helper()
	if a == nil {
		t.Fatal("missing attribute")
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String {
		t.Fatalf("%s is not a literal string: %s", a.Name, diags.Error())
	}
	return v.AsString()
}

func (f *tfFile) ofType(typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, addr := range f.order {
		if b := f.resources[addr]; b.Labels[0] == typ {
			out = append(out, b)
		}
	}
	return out
}

// refersTo returns the resource an attribute's value refers to ("" for a literal).
func refersTo(t *testing.T, f *tfFile, a *hclsyntax.Attribute) string {
	t.Helper()
	vars := a.Expr.Variables()
	if len(vars) == 0 {
		return ""
	}
	if len(vars) != 1 || len(vars[0]) < 2 {
		t.Fatalf("%s refers to %v", a.Name, vars)
	}
	addr := vars[0].RootName() + "." + vars[0][1].(hcl.TraverseAttr).Name
	if f.resources[addr] == nil {
		t.Errorf("%s refers to %s, which is not declared", a.Name, addr)
	}
	return addr
}

// checkManagedTag holds an OU or policy to the one tag apply puts on it.
func checkManagedTag(t *testing.T, b *hclsyntax.Block) {
	t.Helper()
	a := b.Body.Attributes["tags"]
	if a == nil {
		t.Errorf("%s has no tags; apply tags it %s = %s", b.Labels[1], orgmodel.TagManagedBy, orgmodel.ManagedByValue)
		return
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	got := map[string]string{}
	for k, v := range v.AsValueMap() {
		got[k] = v.AsString()
	}
	if want := map[string]string{orgmodel.TagManagedBy: orgmodel.ManagedByValue}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s tags %v, want %v", b.Labels[1], got, want)
	}
}

// dependsOn lists the addresses a resource's depends_on names.
func dependsOn(t *testing.T, b *hclsyntax.Block) []string {
	t.Helper()
	a := b.Body.Attributes["depends_on"]
	if a == nil {
		return nil
	}
	var out []string
	for _, e := range a.Expr.(*hclsyntax.TupleConsExpr).Exprs {
		tr, diags := hcl.AbsTraversalForExpr(e)
		if diags.HasErrors() || len(tr) != 2 {
			t.Fatalf("%s depends on %v", b.Labels[1], tr)
		}
		out = append(out, tr.RootName()+"."+tr[1].(hcl.TraverseAttr).Name)
	}
	return out
}

// maxParallelAccounts is the most account resources Terraform may create
// at once, whatever its -parallelism: with each account depending on at most
// one other and each depended on by at most one, the accounts form chains
// that Terraform walks one after the other, so it runs at most one creation
// per chain. It fails the test when the dependencies are not such chains.
func maxParallelAccounts(t *testing.T, f *tfFile) int {
	t.Helper()
	heads, dependents := 0, map[string]int{}
	for _, b := range f.ofType(tfAccount) {
		if _, imported := f.imports[tfAccount+"."+b.Labels[1]]; imported {
			if deps := dependsOn(t, b); len(deps) > 0 {
				t.Errorf("account %s exists yet waits for %v", b.Labels[1], deps)
			}
			continue
		}
		deps := dependsOn(t, b)
		switch {
		case len(deps) == 0:
			heads++
		case len(deps) == 1 && strings.HasPrefix(deps[0], tfAccount+"."):
			dependents[deps[0]]++
			if f.resources[deps[0]] == nil {
				t.Errorf("account %s depends on %s, which is not declared", b.Labels[1], deps[0])
			}
		default:
			t.Errorf("account %s depends on %v", b.Labels[1], deps)
		}
	}
	for addr, n := range dependents {
		if n > 1 {
			t.Errorf("%d accounts wait for %s: they would start together", n, addr)
		}
	}
	return heads
}

func ignored(t *testing.T, b *hclsyntax.Block) []string {
	t.Helper()
	for _, inner := range b.Body.Blocks {
		if inner.Type == "lifecycle" {
			var names []string
			for _, tr := range inner.Body.Attributes["ignore_changes"].Expr.(*hclsyntax.TupleConsExpr).Exprs {
				names = append(names, hcl.ExprAsKeyword(tr))
			}
			return names
		}
	}
	return nil
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// checkTerraform holds the Terraform export of tree to what the design says.
func checkTerraform(t *testing.T, tree *orgmodel.Tree, f *tfFile) {
	t.Helper()
	if n := len(f.ofType(tfOrganization)); n != 1 {
		t.Errorf("%d organizations", n)
	}
	org := f.resources[tfOrganization+".this"]
	if evalString(t, org.Body.Attributes["feature_set"]) != "ALL" {
		t.Error("feature_set is not ALL")
	}
	ous := f.ofType(tfOU)
	if len(ous) != len(tree.OUs) {
		t.Fatalf("%d OUs, want %d", len(ous), len(tree.OUs))
	}
	for i, b := range ous {
		o := tree.OUs[i]
		if evalString(t, b.Body.Attributes["name"]) != o.Name {
			t.Errorf("OU %s has the name %s", o.Path, evalString(t, b.Body.Attributes["name"]))
		}
		parent := refersTo(t, f, b.Body.Attributes["parent_id"])
		if (o.Parent == "") != (parent == tfOrganization+".this") {
			t.Errorf("OU %s has the parent %s", o.Path, parent)
		}
	}
	accounts := f.ofType(tfAccount)
	if len(accounts) != len(tree.Accounts) {
		t.Fatalf("%d accounts, want %d", len(accounts), len(tree.Accounts))
	}
	for i, b := range accounts {
		a := tree.Accounts[i]
		if evalString(t, b.Body.Attributes["name"]) != a.Name || evalString(t, b.Body.Attributes["email"]) != a.Email {
			t.Errorf("account %s declared as %s", a.Name, b.Labels[1])
		}
		tags, diags := b.Body.Attributes["tags"].Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		got := map[string]string{}
		for k, v := range tags.AsValueMap() {
			got[k] = v.AsString()
		}
		if !reflect.DeepEqual(got, a.Tags) {
			t.Errorf("account %s tags %v, want %v", a.Name, got, a.Tags)
		}
		if v, _ := b.Body.Attributes["close_on_deletion"].Expr.Value(nil); v != cty.False {
			t.Errorf("account %s: close_on_deletion is not false", a.Name)
		}
		if !slices.Equal(ignored(t, b), []string{"role_name", "iam_user_access_to_billing"}) {
			t.Errorf("account %s ignores %v", a.Name, ignored(t, b))
		}
		refersTo(t, f, b.Body.Attributes["parent_id"])
	}
	for _, b := range ous {
		checkManagedTag(t, b)
	}
	policies := f.ofType(tfPolicy)
	if len(policies) != len(tree.Policies) {
		t.Fatalf("%d policies, want %d", len(policies), len(tree.Policies))
	}
	for _, b := range policies {
		checkManagedTag(t, b)
		// CreatePolicy fails until the organization exists, and nothing
		// in a policy refers to it.
		if deps := dependsOn(t, b); !slices.Equal(deps, []string{tfOrganization + ".this"}) {
			t.Errorf("policy %s depends on %v, want the organization", b.Labels[1], deps)
		}
	}
	attachments := 0
	for i, b := range policies {
		p := tree.Policies[i]
		content := evalString(t, b.Body.Attributes["content"])
		if !jsonEqual(content, p.Content) {
			t.Errorf("policy %s content reads back as\n%s", p.Name, content)
		}
		attachments += len(p.Targets)
	}
	if n := len(f.ofType(tfAttachment)); n != attachments {
		t.Errorf("%d attachments, want %d", n, attachments)
	}
	for _, b := range f.ofType(tfAttachment) {
		if !strings.HasPrefix(refersTo(t, f, b.Body.Attributes["policy_id"]), tfPolicy+".") {
			t.Errorf("%s does not refer to a policy", b.Labels[1])
		}
		if refersTo(t, f, b.Body.Attributes["target_id"]) == "" {
			t.Errorf("%s targets a literal id in a design export", b.Labels[1])
		}
	}
}

func TestTerraformFromDesign(t *testing.T) {
	tree := acmeTree(t, nil)
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Source: "design"}))
	checkTerraform(t, tree, f)
	if len(f.imports) != 0 {
		t.Errorf("a design export imports %v", f.imports)
	}
	if len(f.resources) != 1+8+9+5+6 {
		t.Errorf("%d resources; acme has 1 organization, 8 OUs, 9 accounts, 5 policies, 6 attachments", len(f.resources))
	}
	if f.resources[tfOU+".workloads_prod_eu"] == nil || f.resources[tfAccount+".payments_prod_eu"] == nil {
		t.Errorf("resource names are not derived from the names: %v", f.order)
	}
}

// AWS runs at most 5 account creations at once and the provider does not
// retry the sixth: one apply of a design export must never start a sixth,
// at any size, and must not wait more than it needs to (5 at a time).
func TestTerraformCreatesFiveAccountsAtATime(t *testing.T) {
	for _, workloads := range []int{1, 2, 14} { // 4, 6 and 30 accounts
		tree := acmeTree(t, func(d *orgmodel.Design) {
			d.Residencies = nil
			d.Environments = d.Environments[:1]
			d.Environments[0].PerResidency = false
			d.Workloads = nil
			for i := range workloads {
				d.Workloads = append(d.Workloads, orgmodel.Workload{Name: fmt.Sprintf("w%d", i)})
			}
			d.Environments = append(d.Environments, orgmodel.Environment{Name: "prod"})
		})
		n := len(tree.Accounts)
		if n != 2+2*workloads {
			t.Fatalf("%d workloads make %d accounts", workloads, n)
		}
		f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Source: "design"}))
		if got, want := maxParallelAccounts(t, f), min(n, 5); got != want {
			t.Errorf("%d accounts: up to %d created at once, want %d", n, got, want)
		}
	}
}

// An OU or policy that exists is declared with the tags it has (apply tags
// only what it creates); one whose tags were not read, or that is to be
// created, with the tag apply gives it.
func TestTerraformKeepsTagsOfWhatExists(t *testing.T) {
	tree := acmeTree(t, nil)
	actual := appliedActual(tree)
	e := Match(tree, actual)
	e.Tags = map[string]map[string]string{
		e.OUs["Workloads"]:                   {},
		e.Policies[orgmodel.PolicyDenyLeave]: {"owner": "security"},
		e.OUs["Security"]:                    {orgmodel.TagManagedBy: orgmodel.ManagedByValue},
	}
	delete(e.OUs, "Suspended") // to be created
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Existing: e, Source: "live"}))
	tagsOf := func(addr string) map[string]string {
		a := f.resources[addr].Body.Attributes["tags"]
		if a == nil {
			return nil
		}
		v, _ := a.Expr.Value(nil)
		out := map[string]string{}
		for k, v := range v.AsValueMap() {
			out[k] = v.AsString()
		}
		return out
	}
	managed := map[string]string{orgmodel.TagManagedBy: orgmodel.ManagedByValue}
	for addr, want := range map[string]map[string]string{
		tfOU + ".workloads":                             nil,
		tfOU + ".security":                              managed,
		tfOU + ".suspended":                             managed,
		tfOU + ".workloads_dev":                         managed, // exists, tags not read
		tfPolicy + ".orgwizard_deny_leave_organization": {"owner": "security"},
		tfPolicy + ".orgwizard_deny_root_user":          managed,
	} {
		if got := tagsOf(addr); !reflect.DeepEqual(got, want) {
			t.Errorf("%s tags %v, want %v", addr, got, want)
		}
	}
	tpl := parseCloudFormationLoose(t, render(t, CloudFormation, Input{Tree: tree, Existing: e, Source: "live"}))
	if tags, ok := tpl.Resources["OUWorkloads"].Properties["Tags"]; ok {
		t.Errorf("CloudFormation: OU Workloads has the tags %v, which it does not have", tags)
	}
	want := []any{map[string]any{"Key": "owner", "Value": "security"}}
	if got := tpl.Resources["PolicyOrgwizardDenyLeaveOrganization"].Properties["Tags"]; !reflect.DeepEqual(got, want) {
		t.Errorf("CloudFormation: policy tags %v, want %v", got, want)
	}
}

// The header speaks of import blocks only when there are some.
func TestTerraformHeader(t *testing.T) {
	tree := acmeTree(t, nil)
	design := string(render(t, Terraform, Input{Tree: tree, Source: "design"}))
	head, _, _ := strings.Cut(design, "terraform {")
	if strings.Contains(head, "import") {
		t.Errorf("a design export's header speaks of imports:\n%s", head)
	}
	live := string(render(t, Terraform, Input{Tree: tree, Existing: Match(tree, appliedActual(tree)), Source: "live"}))
	head, _, _ = strings.Cut(live, "terraform {")
	if !strings.Contains(head, "the import blocks adopt what already exists") {
		t.Errorf("a live export's header does not explain its imports:\n%s", head)
	}
}

// Over an organization that matches the design, every resource has an import
// block with the id the provider imports by.
func TestTerraformLiveImportsEverything(t *testing.T) {
	tree := acmeTree(t, nil)
	actual := appliedActual(tree)
	e := Match(tree, actual)
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Existing: e, Source: "live"}))
	checkTerraform(t, tree, f)
	for _, addr := range f.order {
		if _, ok := f.imports[addr]; !ok {
			t.Errorf("%s exists but has no import block", addr)
		}
	}
	if n := maxParallelAccounts(t, f); n != 0 {
		t.Errorf("%d accounts to create in an organization that has them all", n)
	}
	if got := f.imports[tfOrganization+".this"]; got != "o-exampleorga" {
		t.Errorf("organization imported as %q", got)
	}
	if got := f.imports[tfOU+".workloads_prod_eu"]; got != e.OUs["Workloads/prod/eu"] {
		t.Errorf("OU imported as %q", got)
	}
	if got := f.imports[tfAccount+".payments_prod_eu"]; got != e.Accounts["payments-prod-eu"].ID {
		t.Errorf("account imported as %q", got)
	}
	// The provider's attachment id is TARGETID:POLICYID.
	denyLeave := e.Policies[orgmodel.PolicyDenyLeave]
	if got := f.imports[tfAttachment+".orgwizard_deny_leave_organization__root"]; got != "r-root:"+denyLeave {
		t.Errorf("root attachment imported as %q, want r-root:%s", got, denyLeave)
	}
	euLock := f.imports[tfAttachment+".orgwizard_region_lock_eu__workloads_prod_eu"]
	if euLock != e.OUs["Workloads/prod/eu"]+":"+e.Policies["orgwizard-region-lock-eu"] {
		t.Errorf("eu attachment imported as %q", euLock)
	}
}

// What does not exist yet gets no import block: terraform creates it.
func TestTerraformLivePartial(t *testing.T) {
	tree := acmeTree(t, nil)
	actual := appliedActual(tree)
	actual.Accounts = actual.Accounts[:len(actual.Accounts)-1] // payments-prod-us
	for i := range actual.Policies {
		if actual.Policies[i].Name == "orgwizard-region-lock-us" {
			actual.Policies[i].Targets = nil // it exists but is not attached
		}
	}
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"}))
	if _, ok := f.imports[tfAccount+".payments_prod_us"]; ok {
		t.Error("an account that does not exist is imported")
	}
	if n := maxParallelAccounts(t, f); n != 1 {
		t.Errorf("%d chains of accounts to create, want the one missing account", n)
	}
	if _, ok := f.imports[tfPolicy+".orgwizard_region_lock_us"]; !ok {
		t.Error("the policy that exists is not imported")
	}
	if _, ok := f.imports[tfAttachment+".orgwizard_region_lock_us__workloads_prod_us"]; ok {
		t.Error("an attachment that does not exist is imported")
	}
}

// An organization read from AWS alone: the management account is not a
// member resource, unknown descriptions are ignored rather than erased.
func TestTerraformLiveOnly(t *testing.T) {
	actual := appliedActual(acmeTree(t, nil))
	tree := actual.Tree()
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "AWS"}))
	if len(f.ofType(tfAccount)) != 9 {
		t.Errorf("%d accounts; want the 9 members without the management account", len(f.ofType(tfAccount)))
	}
	for _, addr := range f.order {
		if _, ok := f.imports[addr]; !ok {
			t.Errorf("%s has no import block", addr)
		}
	}
	for _, b := range f.ofType(tfPolicy) {
		if b.Body.Attributes["description"] != nil || !slices.Equal(ignored(t, b), []string{"description"}) {
			t.Errorf("policy %s: description declared or not ignored", b.Labels[1])
		}
	}
}

// Service control policies are declared enabled when the design has
// guardrails or the organization has them on, and not otherwise.
func TestTerraformPolicyTypes(t *testing.T) {
	bare := acmeTree(t, func(d *orgmodel.Design) { d.Guardrails = orgmodel.Guardrails{} })
	actual := appliedActual(bare)
	for _, c := range []struct {
		name string
		in   Input
		want bool
	}{
		{"design with guardrails", Input{Tree: acmeTree(t, nil)}, true},
		{"design without", Input{Tree: bare}, false},
		{"live without, SCPs on", Input{Tree: bare, Existing: Match(bare, actual)}, true},
	} {
		f := parseTerraform(t, render(t, Terraform, c.in))
		_, got := f.resources[tfOrganization+".this"].Body.Attributes["enabled_policy_types"]
		if got != c.want {
			t.Errorf("%s: enabled_policy_types declared %v, want %v", c.name, got, c.want)
		}
	}
}

// Names and values that HCL would otherwise read as syntax or templates.
func TestTerraformEscapes(t *testing.T) {
	hostile := `we"ird \ ${name} %{if} 100%`
	tree := &orgmodel.Tree{
		Organization: "x",
		OUs:          []orgmodel.OU{{Path: hostile, Name: hostile}, {Path: "1st", Name: "1st"}},
		Accounts:     []orgmodel.Account{{Name: "a", Email: "a@x.example", OU: hostile, Kind: orgmodel.WorkloadAccount, Tags: map[string]string{"k:${x}": hostile}}},
		Policies: []orgmodel.Policy{{Name: "p", Description: hostile, Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username}/%{x}\"q\\"}]}`,
			Targets: []orgmodel.Target{{Type: orgmodel.TargetOU, Name: hostile}}}},
	}
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Source: hostile}))
	ous := f.ofType(tfOU)
	if evalString(t, ous[0].Body.Attributes["name"]) != hostile {
		t.Errorf("the OU name reads back as %q", evalString(t, ous[0].Body.Attributes["name"]))
	}
	if ous[1].Labels[1] != "x_1st" {
		t.Errorf("a name starting with a digit became %s", ous[1].Labels[1])
	}
	p := f.ofType(tfPolicy)[0]
	if evalString(t, p.Body.Attributes["description"]) != hostile {
		t.Error("the description does not read back")
	}
	if !jsonEqual(evalString(t, p.Body.Attributes["content"]), tree.Policies[0].Content) {
		t.Errorf("the content reads back as %s", evalString(t, p.Body.Attributes["content"]))
	}
	tags, _ := f.ofType(tfAccount)[0].Body.Attributes["tags"].Expr.Value(nil)
	if tags.AsValueMap()["k:${x}"].AsString() != hostile {
		t.Errorf("tags read back as %v", tags.GoString())
	}
}
