package export_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/cli"
	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Terraform takes over the access orgwizard gave: acme-access.yaml applied
// to the sandbox (the first apply stops where Identity Center must be
// turned on; the sandbox does the console's click; the second apply gives
// the access), then the live export imports the organization and every
// group, user, membership, permission set with its policies, and
// assignment, and plans no change at all.
func TestTerraformImportsAccessApplyBuilt(t *testing.T) {
	tf := terraform.Find(t)
	design := filepath.Join("..", "examples", "acme-access.yaml")
	e := sandboxEndpoint(t)
	orgwizard(t, e, cli.ExitUser, "apply", "--yes", "--design", design)
	management := ""
	for _, a := range e.sb.Accounts() {
		if a.AccessKeyID == e.env["AWS_ACCESS_KEY_ID"] {
			management = a.ID
		}
	}
	if _, err := e.sb.EnableIdentityCenter(management, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	orgwizard(t, e, cli.ExitOK, "apply", "--yes", "--design", design)

	dir := t.TempDir()
	orgwizard(t, e, cli.ExitOK, "export", "--live", "--design", design, "--format", "terraform", "-o", filepath.Join(dir, "main.tf"))
	src, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	want := accessResources(t, design)
	if want != 77 {
		t.Fatalf("acme-access.yaml declares %d resources; the README says 77 (29 of the organization, 48 of Identity Center)", want)
	}
	for _, typ := range []string{"aws_identitystore_group", "aws_identitystore_user", "aws_identitystore_group_membership", "aws_ssoadmin_permission_set",
		"aws_ssoadmin_managed_policy_attachment", "aws_ssoadmin_permission_set_inline_policy", "aws_ssoadmin_account_assignment"} {
		if n := strings.Count(string(src), "\n  to = "+typ+"."); n == 0 {
			t.Errorf("the export imports no %s", typ)
		}
	}
	env := terraform.Env(t, e.env)
	tf.Init(t, dir, env)
	expect(t, tf, dir, env, 0, []string{fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", want)}, "apply", "-auto-approve")
	expect(t, tf, dir, env, 0, nil, "plan", "-detailed-exitcode")
	orgwizard(t, e, cli.ExitOK, "plan", "--design", design, "--detailed-exitcode")
}

// accessResources counts what the live export of design declares: acme's
// organization resources and every Identity Center resource of its access
// block.
func accessResources(t *testing.T, design string) int {
	t.Helper()
	data, err := os.ReadFile(design)
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
	a := tree.Access
	n := len(a.Groups) + len(a.Users) + len(a.PermissionSets) + len(a.Assignments)
	for _, g := range a.Groups {
		n += len(g.Members)
	}
	for _, ps := range a.PermissionSets {
		n += len(ps.ManagedPolicies)
		if ps.InlinePolicy != "" {
			n++
		}
	}
	var organization int
	fmt.Sscan(acmeResources, &organization)
	return organization + n
}

// groupsOnly is a design whose access block is groups without members or
// grants: the part of Identity Center moto 5.2 serves whole. Its
// identity store has no DescribeGroupMembership, which the provider reads a
// membership with (it retries that HTTP 500 until it gives up), and its
// sso-admin answers ListTagsForResource, which the provider reads every
// permission set with, with HTTP 500.
const groupsOnly = `version: 1
organization: {name: acme, email: aws@acme.example, homeRegion: us-east-1}
environments: [{name: dev}]
workloads: [{name: shop}]
access:
  groups:
    - name: shop-team
      description: The shop's engineers
    - name: auditors
`

// Against moto, the second AWS: a design export with groups builds in one
// terraform apply (the organization first; moto, unlike AWS, has an
// Identity Center instance from the start, which the export's data source
// finds), and a plan right after shows no change.
func TestTerraformBuildsGroupsOnMoto(t *testing.T) {
	tf := terraform.Find(t)
	e := motoEndpoint(t)
	dir := t.TempDir()
	design := filepath.Join(dir, "design.yaml")
	if err := os.WriteFile(design, []byte(groupsOnly), 0o600); err != nil {
		t.Fatal(err)
	}
	tfDir := filepath.Join(dir, "tf")
	if err := os.Mkdir(tfDir, 0o700); err != nil {
		t.Fatal(err)
	}
	orgwizard(t, e, cli.ExitOK, "export", "--design", design, "--format", "terraform", "-o", filepath.Join(tfDir, "main.tf"))
	env := terraform.Env(t, e.env)
	tf.Init(t, tfDir, env)
	// 14 of the organization and the two groups.
	expect(t, tf, tfDir, env, 0, []string{"Apply complete! Resources: 16 added, 0 changed, 0 destroyed."}, "apply", "-auto-approve")
	expect(t, tf, tfDir, env, 0, nil, "plan", "-detailed-exitcode")
}
