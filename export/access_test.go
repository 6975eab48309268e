package export

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/orgmodel"
)

const (
	testInstance = "arn:aws:sso:::instance/ssoins-1111222233334444"
	testStore    = "d-1111222233"
)

func accessTree(t *testing.T) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../examples/acme-access.yaml")
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
	if tree.Access == nil || len(tree.Access.Assignments) == 0 {
		t.Fatal("acme-access.yaml expands to no access")
	}
	return tree
}

// appliedAccess adds to a what an apply of tree's access block leaves in
// Identity Center, with made-up ids that stay the same from run to run.
func appliedAccess(tree *orgmodel.Tree, a *orgmodel.Actual) {
	acc := &orgmodel.ActualAccess{InstanceARN: testInstance, IdentityStoreID: testStore, Region: tree.HomeRegion,
		PortalURL: "https://" + testStore + ".awsapps.com/start"}
	userIDs := map[string]string{}
	for i, u := range tree.Access.Users {
		id := fmt.Sprintf("u%07d-0000-0000-0000-000000000000", i+1)
		userIDs[u.UserName] = id
		acc.Users = append(acc.Users, orgmodel.ActualUser{ID: id, UserName: u.UserName, Email: u.Email})
	}
	groupIDs := map[string]string{}
	for i, g := range tree.Access.Groups {
		ag := orgmodel.ActualGroup{ID: fmt.Sprintf("g%07d-0000-0000-0000-000000000000", i+1), Name: g.Name, Description: g.Description}
		for j, m := range g.Members {
			ag.MemberIDs = append(ag.MemberIDs, userIDs[m])
			if ag.MembershipIDs == nil {
				ag.MembershipIDs = map[string]string{}
			}
			ag.MembershipIDs[userIDs[m]] = fmt.Sprintf("m%03d%04d-0000-0000-0000-000000000000", i+1, j+1)
		}
		groupIDs[g.Name] = ag.ID
		acc.Groups = append(acc.Groups, ag)
	}
	psARNs := map[string]string{}
	for i, ps := range tree.Access.PermissionSets {
		arn := fmt.Sprintf("arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-%016d", i+1)
		psARNs[ps.Name] = arn
		acc.PermissionSets = append(acc.PermissionSets, orgmodel.ActualPermissionSet{ARN: arn, Name: ps.Name, Description: ps.Description,
			SessionDuration: ps.SessionDuration, ManagedPolicies: ps.ManagedPolicies, InlinePolicy: ps.InlinePolicy,
			Tags: map[string]string{orgmodel.TagManagedBy: orgmodel.ManagedByValue}})
	}
	accountIDs := map[string]string{tree.ManagementAccountName(): a.Organization.ManagementAccountID}
	for _, acct := range a.Accounts {
		if acct.ID != a.Organization.ManagementAccountID {
			accountIDs[acct.Name] = acct.ID
		}
	}
	for _, as := range tree.Access.Assignments {
		acc.Assignments = append(acc.Assignments, orgmodel.ActualAssignment{AccountID: accountIDs[as.Account], PermissionSetARN: psARNs[as.PermissionSet],
			PrincipalType: "GROUP", PrincipalID: groupIDs[as.Group]})
	}
	a.Access = acc
}

// counts of what the access block declares, per resource type.
func accessCounts(tree *orgmodel.Tree) map[string]int {
	n := map[string]int{tfGroup: len(tree.Access.Groups), tfUser: len(tree.Access.Users), tfPermSet: len(tree.Access.PermissionSets),
		tfAssignment: len(tree.Access.Assignments)}
	for _, g := range tree.Access.Groups {
		n[tfMembership] += len(g.Members)
	}
	for _, ps := range tree.Access.PermissionSets {
		n[tfManagedPol] += len(ps.ManagedPolicies)
		if ps.InlinePolicy != "" {
			n[tfInlinePolicy]++
		}
	}
	return n
}

func TestTerraformAccessFromDesign(t *testing.T) {
	tree := accessTree(t)
	src := render(t, Terraform, Input{Tree: tree, Source: "design"})
	f := parseTerraform(t, src)
	for typ, want := range accessCounts(tree) {
		if got := len(f.ofType(typ)); got != want || want == 0 {
			t.Errorf("%d %s declared, want %d", got, typ, want)
		}
	}
	if len(f.imports) != 0 {
		t.Errorf("a design export imports %v", f.imports)
	}
	for _, want := range []string{`data "aws_ssoadmin_instances" "this" {}`, "tolist(data.aws_ssoadmin_instances.this.arns)[0]",
		"# IAM Identity Center must be on before this applies", orgmodel.IdentityCenterConsole("eu-west-1")} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the export does not say %q", want)
		}
	}
	// Every assignment names its group, permission set and account by
	// reference, so that Terraform orders them after what they need.
	for _, b := range f.ofType(tfAssignment) {
		for attr, want := range map[string]string{"principal_id": tfGroup + ".", "permission_set_arn": tfPermSet + ".", "target_id": tfAccount + "."} {
			if got := refersTo(t, f, b.Body.Attributes[attr]); !strings.HasPrefix(got, want) {
				t.Errorf("%s: %s refers to %q", b.Labels[1], attr, got)
			}
		}
		if evalString(t, b.Body.Attributes["principal_type"]) != "GROUP" || evalString(t, b.Body.Attributes["target_type"]) != "AWS_ACCOUNT" {
			t.Errorf("%s is not a group's in an account", b.Labels[1])
		}
	}
	for _, b := range f.ofType(tfMembership) {
		if !strings.HasPrefix(refersTo(t, f, b.Body.Attributes["group_id"]), tfGroup+".") || !strings.HasPrefix(refersTo(t, f, b.Body.Attributes["member_id"]), tfUser+".") {
			t.Errorf("%s does not refer to its group and user", b.Labels[1])
		}
	}
	// As apply creates them: each permission set tagged, deployer's
	// session four hours, each user with its work email.
	for _, b := range f.ofType(tfPermSet) {
		checkManagedTag(t, b)
	}
	if got := evalString(t, f.resources[tfPermSet+".deployer"].Body.Attributes["session_duration"]); got != "PT4H" {
		t.Errorf("deployer's session: %s", got)
	}
	if got := evalString(t, f.resources[tfInlinePolicy+".deployer"].Body.Attributes["inline_policy"]); !jsonEqual(got, tree.Access.PermissionSets[slices.IndexFunc(tree.Access.PermissionSets, func(p orgmodel.PermissionSet) bool { return p.Name == "deployer" })].InlinePolicy) {
		t.Errorf("deployer's inline policy reads back as %s", got)
	}
	emails := blockNamed(f.resources[tfUser+".bo_chen_acme_example"], "emails")
	if emails == nil || evalString(t, emails.Body.Attributes["type"]) != userEmailType || evalString(t, emails.Body.Attributes["value"]) != "bo.chen@acme.example" {
		t.Errorf("bo.chen's emails: %v", emails)
	}
	// The plain design declares nothing of Identity Center.
	plain := render(t, Terraform, Input{Tree: acmeTree(t, nil), Source: "design"})
	if strings.Contains(string(plain), "aws_ssoadmin") || strings.Contains(string(plain), "aws_identitystore") {
		t.Error("acme.yaml exports Identity Center resources")
	}
}

func blockNamed(b *hclsyntax.Block, typ string) *hclsyntax.Block {
	if b == nil {
		return nil
	}
	for _, c := range b.Body.Blocks {
		if c.Type == typ {
			return c
		}
	}
	return nil
}

// Live: every resource imported, each by the id its provider documents.
func TestTerraformAccessLiveImportsEverything(t *testing.T) {
	tree := accessTree(t)
	actual := appliedActual(tree)
	appliedAccess(tree, actual)
	src := render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"})
	f := parseTerraform(t, src)
	for _, addr := range f.order {
		if _, ok := f.imports[addr]; !ok {
			t.Errorf("%s exists but has no import block", addr)
		}
	}
	if strings.Contains(string(src), "aws_ssoadmin_instances") {
		t.Error("a live export looks the instance up instead of naming it")
	}
	a := actual.Access
	payments := a.Groups[slices.IndexFunc(a.Groups, func(g orgmodel.ActualGroup) bool { return g.Name == "payments-team" })]
	deployer := a.PermissionSets[slices.IndexFunc(a.PermissionSets, func(p orgmodel.ActualPermissionSet) bool { return p.Name == "deployer" })]
	ana := a.Users[slices.IndexFunc(a.Users, func(u orgmodel.ActualUser) bool { return u.UserName == "ana@acme.example" })]
	paymentsProdEU := Match(tree, actual).Accounts["payments-prod-eu"].ID
	for addr, want := range map[string]string{
		tfGroup + ".payments_team":                                  testStore + "/" + payments.ID,
		tfUser + ".ana_acme_example":                                testStore + "/" + ana.ID,
		tfMembership + ".payments_team__ana_acme_example":           testStore + "/" + payments.MembershipIDs[ana.ID],
		tfPermSet + ".deployer":                                     deployer.ARN + "," + testInstance,
		tfManagedPol + ".deployer__poweruseraccess":                 "arn:aws:iam::aws:policy/PowerUserAccess," + deployer.ARN + "," + testInstance,
		tfInlinePolicy + ".deployer":                                deployer.ARN + "," + testInstance,
		tfAssignment + ".payments_prod_eu__payments_team__deployer": payments.ID + ",GROUP," + paymentsProdEU + ",AWS_ACCOUNT," + deployer.ARN + "," + testInstance,
	} {
		if got := f.imports[addr]; got != want {
			t.Errorf("%s imported as %q, want %q", addr, got, want)
		}
	}
	if got := evalString(t, f.resources[tfPermSet+".deployer"].Body.Attributes["name"]); got != "deployer" {
		t.Errorf("deployer declared as %s", got)
	}
}

// A permission set that exists and orgwizard did not make is assigned and
// never changed by apply: the export declares it as AWS has it, so that a
// plan after import changes nothing. Only what exists is imported.
func TestTerraformAccessKeepsWhatOthersMade(t *testing.T) {
	tree := accessTree(t)
	actual := appliedActual(tree)
	appliedAccess(tree, actual)
	a := actual.Access
	i := slices.IndexFunc(a.PermissionSets, func(p orgmodel.ActualPermissionSet) bool { return p.Name == "read-only" })
	a.PermissionSets[i].Tags = map[string]string{"team": "security"}
	a.PermissionSets[i].Description, a.PermissionSets[i].SessionDuration = "", "PT8H"
	a.PermissionSets[i].ManagedPolicies = []string{"arn:aws:iam::aws:policy/ViewOnlyAccess"}
	// Nobody is in website-team yet, and auditors does not exist.
	a.Users = slices.DeleteFunc(a.Users, func(u orgmodel.ActualUser) bool { return u.UserName == "carla@acme.example" })
	a.Groups = slices.DeleteFunc(a.Groups, func(g orgmodel.ActualGroup) bool { return g.Name == "auditors" })
	f := parseTerraform(t, render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"}))
	ro := f.resources[tfPermSet+".read_only"]
	if ro.Body.Attributes["description"] != nil || evalString(t, ro.Body.Attributes["session_duration"]) != "PT8H" {
		t.Errorf("read-only is not declared as AWS has it")
	}
	if tags := ro.Body.Attributes["tags"]; tags == nil || !strings.Contains(string(render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"})), `"team" = "security"`) {
		t.Errorf("read-only's own tags are not kept")
	}
	if f.resources[tfManagedPol+".read_only__viewonlyaccess"] == nil || f.resources[tfManagedPol+".read_only__readonlyaccess"] != nil {
		t.Errorf("read-only's policies are not AWS's: %v", f.order)
	}
	for _, addr := range []string{tfUser + ".carla_acme_example", tfMembership + ".website_team__carla_acme_example", tfGroup + ".auditors"} {
		if f.resources[addr] == nil {
			t.Errorf("%s is not declared", addr)
		}
		if _, ok := f.imports[addr]; ok {
			t.Errorf("%s does not exist, yet is imported", addr)
		}
	}
	for addr := range f.imports {
		if strings.Contains(addr, "__auditors__") {
			t.Errorf("%s is imported, but auditors does not exist", addr)
		}
	}
}

// Identity Center outside the home region gets a provider of its own, and
// every one of its resources uses it.
func TestTerraformAccessInAnotherRegion(t *testing.T) {
	tree := accessTree(t)
	actual := appliedActual(tree)
	appliedAccess(tree, actual)
	actual.Access.Region = "eu-central-1"
	src := string(render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"}))
	if !strings.Contains(src, "provider \"aws\" {\n  alias  = \"identity_center\"\n  region = \"eu-central-1\"\n}") {
		t.Fatalf("no provider for eu-central-1:\n%s", src)
	}
	f := parseTerraform(t, []byte(src))
	for _, addr := range f.order {
		typ, _, _ := strings.Cut(addr, ".")
		onIC := strings.HasPrefix(typ, "aws_identitystore_") || strings.HasPrefix(typ, "aws_ssoadmin_")
		p := f.resources[addr].Body.Attributes["provider"]
		if onIC != (p != nil) {
			t.Errorf("%s: provider %v", addr, p)
		}
	}
	same := string(render(t, Terraform, Input{Tree: tree, Source: "design"}))
	if strings.Contains(same, "identity_center") {
		t.Error("a design export in the home region has a second provider")
	}
}

func TestCloudFormationAccess(t *testing.T) {
	tree := accessTree(t)
	src := render(t, CloudFormation, Input{Tree: tree, Source: "design"})
	tpl := parseCloudFormation(t, src)
	counts := accessCounts(tree)
	for typ, want := range map[string]int{cfnGroup: counts[tfGroup], cfnPermSet: counts[tfPermSet], cfnAssignment: counts[tfAssignment], cfnMembership: 0} {
		if got := len(tpl.byType(typ)); got != want {
			t.Errorf("%d %s, want %d", got, typ, want)
		}
	}
	if tpl.Parameters[cfnInstanceParam].Type != "String" || tpl.Parameters[cfnStoreParam].Type != "String" {
		t.Errorf("parameters: %+v", tpl.Parameters)
	}
	for _, want := range []string{"# IAM Identity Center users have no CloudFormation type: ana@acme.example, bo.chen@acme.example, carla@acme.example and their group memberships are left out",
		"# IAM Identity Center must be on before the stack deploys"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the template does not say %q", want)
		}
	}
	deployer := tpl.Resources["PermissionSetDeployer"].Properties
	if deployer["SessionDuration"] != "PT4H" || !slices.Equal(deployer["ManagedPolicies"].([]any), []any{"arn:aws:iam::aws:policy/PowerUserAccess"}) {
		t.Errorf("deployer: %v", deployer)
	}
	if _, ok := deployer["InlinePolicy"].(map[string]any); !ok {
		t.Errorf("deployer's inline policy is not an object: %v", deployer["InlinePolicy"])
	}

	// Live: the memberships of the users that exist, and every resource
	// listed to import by all the properties of its primary identifier.
	actual := appliedActual(tree)
	appliedAccess(tree, actual)
	live := parseCloudFormation(t, render(t, CloudFormation, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"}))
	if got := len(live.byType(cfnMembership)); got != counts[tfMembership] {
		t.Errorf("%d memberships, want %d", got, counts[tfMembership])
	}
	if live.Parameters != nil {
		t.Errorf("a live template asks for %v", live.Parameters)
	}
	imported := map[string]cfnImport{}
	for _, imp := range live.Metadata.OrgwizardResourcesToImport {
		imported[imp.LogicalResourceID] = imp
	}
	for _, typ := range []string{cfnGroup, cfnMembership, cfnPermSet, cfnAssignment} {
		for _, logical := range live.byType(typ) {
			imp, ok := imported[logical]
			if !ok {
				t.Errorf("%s exists but is not listed to import", logical)
				continue
			}
			for _, k := range CloudFormationTypes[typ].Keys() {
				if imp.ResourceIdentifier[k] == "" {
					t.Errorf("%s is listed without its %s", logical, k)
				}
			}
		}
	}
	if got := imported["AssignmentPaymentsDevPaymentsTeamAdmin"].ResourceIdentifier["TargetId"]; got != Match(tree, actual).Accounts["payments-dev"].ID {
		t.Errorf("the payments-dev assignment is imported with the target %q", got)
	}
}

// TestGoldenAccess pins the Terraform and CloudFormation of acme-access.yaml,
// from the design and over an organization where everything exists.
func TestGoldenAccess(t *testing.T) {
	tree := accessTree(t)
	actual := appliedActual(tree)
	appliedAccess(tree, actual)
	cases := map[string]Input{
		"acme-access":      {Tree: tree, Source: "design acme-access.yaml"},
		"acme-access.live": {Tree: tree, Existing: Match(tree, actual), Source: "design acme-access.yaml over AWS account 999999999999"},
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
			if string(got) != string(want) {
				t.Errorf("%s differs from %s; run go test ./export -update and review the diff", f, path)
			}
		}
	}
}

// TestTerraformAccessValidate: hashicorp/aws's own schema accepts the
// Identity Center resources, from the design and live, in the home region
// and in another (terraform validate, offline, with the local provider
// mirror).
func TestTerraformAccessValidate(t *testing.T) {
	tf := terraform.Find(t)
	tree := accessTree(t)
	actual := appliedActual(tree)
	appliedAccess(tree, actual)
	elsewhere := appliedActual(tree)
	appliedAccess(tree, elsewhere)
	elsewhere.Access.Region = "eu-central-1"
	for name, in := range map[string]Input{
		"design":    {Tree: tree, Source: "design"},
		"live":      {Tree: tree, Existing: Match(tree, actual), Source: "live"},
		"elsewhere": {Tree: tree, Existing: Match(tree, elsewhere), Source: "live"},
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
		if r := tf.Run(t, dir, env, "fmt", "-check", "-diff", "-no-color"); r.Code != 0 {
			t.Errorf("%s: terraform fmt would change the export:\n%s", name, r.Output)
		}
	}
}
