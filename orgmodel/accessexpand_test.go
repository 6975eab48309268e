package orgmodel

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// accessDesign is baseDesign with an access block appended.
func accessDesign(t testing.TB, block string) *Design {
	t.Helper()
	d, err := Parse([]byte(baseDesign + block))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, block)
	}
	return d
}

func assignments(at *AccessTree) []string {
	var out []string
	for _, a := range at.Assignments {
		out = append(out, a.Account+" "+a.Group+" "+a.PermissionSet)
	}
	return out
}

// The example's assignments, worked out by hand from its grants.
func TestAcmeAccessExpands(t *testing.T) {
	d := loadExample(t, "acme-access.yaml")
	at := expand(t, d).Access
	if at == nil {
		t.Fatal("no access tree")
	}
	var want []string
	members := []string{"log-archive", "payments-dev", "payments-prod-eu", "payments-prod-us", "payments-staging", "security-tooling", "website-dev", "website-prod-eu", "website-staging"}
	for _, acc := range members {
		want = append(want, acc+" auditors read-only", acc+" platform-admins admin")
		if acc == "log-archive" || acc == "security-tooling" {
			want = append(want, acc+" auditors security-audit")
		}
	}
	want = append(want,
		"payments-dev payments-team admin", "payments-staging payments-team admin",
		"payments-prod-eu payments-team read-only", "payments-prod-us payments-team read-only",
		"payments-prod-eu payments-team deployer",
		"website-dev website-team admin", "website-staging website-team admin", "website-prod-eu website-team read-only")
	slices.Sort(want)
	if got := assignments(at); !slices.Equal(got, want) {
		t.Errorf("assignments:\n got %v\nwant %v", got, want)
	}
	var sets []string
	for _, ps := range at.PermissionSets {
		sets = append(sets, fmt.Sprintf("%s %s %v %t", ps.Name, ps.SessionDuration, ps.ManagedPolicies, ps.InlinePolicy != ""))
	}
	wantSets := []string{
		"admin PT1H [arn:aws:iam::aws:policy/AdministratorAccess] false",
		"deployer PT4H [arn:aws:iam::aws:policy/PowerUserAccess] true",
		"read-only PT1H [arn:aws:iam::aws:policy/ReadOnlyAccess] false",
		"security-audit PT1H [arn:aws:iam::aws:policy/SecurityAudit] false",
	}
	if !slices.Equal(sets, wantSets) {
		t.Errorf("permission sets:\n got %v\nwant %v", sets, wantSets)
	}
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateUser","iam:CreateAccessKey"],"Resource":"*"}]}`
	if at.PermissionSets[1].InlinePolicy != policy {
		t.Errorf("inline policy %s, want %s (compact, in the file's key order)", at.PermissionSets[1].InlinePolicy, policy)
	}
	wantUsers := []User{
		{UserName: "ana@acme.example", Email: "ana@acme.example", DisplayName: "Ana", GivenName: "Ana", FamilyName: "Acme"},
		{UserName: "bo.chen@acme.example", Email: "bo.chen@acme.example", DisplayName: "Bo Chen", GivenName: "Bo", FamilyName: "Chen"},
		{UserName: "carla@acme.example", Email: "carla@acme.example", DisplayName: "Carla", GivenName: "Carla", FamilyName: "Acme"},
	}
	if !reflect.DeepEqual(at.Users, wantUsers) {
		t.Errorf("users:\n got %+v\nwant %+v", at.Users, wantUsers)
	}
	var groups []string
	for _, g := range at.Groups {
		groups = append(groups, g.Name+" "+strings.Join(g.Members, ","))
	}
	wantGroups := []string{"auditors ", "payments-team ana@acme.example,bo.chen@acme.example", "platform-admins ana@acme.example", "website-team carla@acme.example"}
	if !slices.Equal(groups, wantGroups) {
		t.Errorf("groups:\n got %q\nwant %q", groups, wantGroups)
	}
	if w := d.Warnings(); len(w) != 0 {
		t.Errorf("the example warns: %v", w)
	}
}

func TestAccessSelection(t *testing.T) {
	d := accessDesign(t, `accounts:
  - name: legacy
    id: "012345678901"
    ou: Transitional
access:
  permissionSets:
    - name: unused
      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
    - name: ops
      managedPolicies: [arn:aws:iam::aws:policy/job-function/ViewOnlyAccess, arn:aws:iam::aws:policy/Billing]
  groups:
    - name: ops
      members: [Zoe@acme.example, al_b-c.d+aws@acme.example]
      grants:
        - {permissionSet: ops, accounts: [legacy, acme]}
        - {permissionSet: ops, ou: Workloads/prod, workload: payments}
        - {permissionSet: ops, ou: Workloads/prod/eu}
        - {permissionSet: billing, accounts: all, environment: dev}
        - {permissionSet: ops, accounts: log-archive}
    - name: readers
      members: zoe@ACME.example
`)
	at := expand(t, d).Access
	want := []string{
		"acme ops ops",
		"legacy ops ops",
		"log-archive ops ops",
		"payments-dev ops billing",
		"payments-prod-eu ops ops",
		"payments-prod-us ops ops",
		"website-dev ops billing",
		"website-prod-eu ops ops",
	}
	if got := assignments(at); !slices.Equal(got, want) {
		t.Errorf("assignments:\n got %v\nwant %v", got, want)
	}
	var sets []string
	for _, ps := range at.PermissionSets {
		sets = append(sets, ps.Name+" "+strings.Join(ps.ManagedPolicies, ","))
	}
	// billing is the only preset granted; unused stays, as defined; the
	// managed policies are sorted.
	wantSets := []string{
		"billing arn:aws:iam::aws:policy/job-function/Billing",
		"ops arn:aws:iam::aws:policy/Billing,arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
		"unused arn:aws:iam::aws:policy/ReadOnlyAccess",
	}
	if !slices.Equal(sets, wantSets) {
		t.Errorf("permission sets:\n got %v\nwant %v", sets, wantSets)
	}
	// One user per address as the identity store compares them.
	var users []string
	for _, u := range at.Users {
		users = append(users, fmt.Sprintf("%s|%s|%s|%s", u.UserName, u.DisplayName, u.GivenName, u.FamilyName))
	}
	wantUsers := []string{"Zoe@acme.example|Zoe|Zoe|Acme", "al_b-c.d+aws@acme.example|Al B C D|Al|B C D"}
	if !slices.Equal(users, wantUsers) {
		t.Errorf("users:\n got %v\nwant %v", users, wantUsers)
	}
	if m := at.Groups[0].Members; !slices.Equal(m, []string{"Zoe@acme.example", "al_b-c.d+aws@acme.example"}) {
		t.Errorf("members of ops %v", m)
	}
	if m := at.Groups[1].Members; !slices.Equal(m, []string{"Zoe@acme.example"}) {
		t.Errorf("members of readers %v: the user is the one of ops", m)
	}
	w := d.Warnings()
	if len(w) != 1 || w[0].Path != "access.groups[0].grants[0].accounts[1]" || !strings.Contains(w[0].Message, "management account (acme)") || w[0].Line == 0 {
		t.Errorf("warnings: %v", w)
	}
}

func TestNewUser(t *testing.T) {
	for email, want := range map[string][3]string{
		"ana@acme.example":           {"Ana", "Ana", "Acme"},
		"ana.maria.lopez@x.io":       {"Ana Maria Lopez", "Ana", "Maria Lopez"},
		"j_doe+aws@corp.example.com": {"J Doe", "J", "Doe"},
		"+tag@x.io":                  {"+tag", "+tag", "X"},
		"...@x.io":                   {"...", "...", "X"},
		"émile@école.fr":             {"Émile", "Émile", "École"},
	} {
		u := NewUser(email)
		if got := [3]string{u.DisplayName, u.GivenName, u.FamilyName}; got != want || u.UserName != email || u.Email != email {
			t.Errorf("NewUser(%q) = %+v, want names %v", email, u, want)
		}
	}
}

func TestNoAccessBlockNoAccessTree(t *testing.T) {
	if at := expand(t, loadExample(t, "acme.yaml")).Access; at != nil {
		t.Errorf("acme.yaml has no access block, yet expands to %+v", at)
	}
	d := accessDesign(t, "access: {}\n")
	at := expand(t, d).Access
	if at == nil || len(at.Assignments) != 0 || at.Assignments == nil {
		t.Errorf("an empty block expands to %+v; want an empty, non-nil tree", at)
	}
}

// largeAccessDesign is largeDesign with the access the wizard proposes: a
// team per workload (its owner a member) with admin outside production and
// read-only in it, platform-admins with admin everywhere, auditors with
// read-only everywhere.
func largeAccessDesign() []byte {
	var b strings.Builder
	b.Write(largeDesign())
	b.WriteString("access:\n  groups:\n")
	for i := range 200 {
		fmt.Fprintf(&b, "    - name: service-%03d-team\n      members: [team-%d@large.example]\n      grants:\n", i, i)
		fmt.Fprintf(&b, "        - {permissionSet: admin, workload: service-%03d, environment: [dev, staging]}\n", i)
		fmt.Fprintf(&b, "        - {permissionSet: read-only, workload: service-%03d, environment: [prod, dr]}\n", i)
	}
	b.WriteString("    - name: platform-admins\n      grants: [{permissionSet: admin, accounts: all}]\n")
	b.WriteString("    - name: auditors\n      grants: [{permissionSet: read-only, accounts: all}]\n")
	return []byte(b.String())
}

func TestLargeAccessDesignExpands(t *testing.T) {
	d, err := Parse(largeAccessDesign())
	if err != nil {
		t.Fatal(err)
	}
	at := expand(t, d).Access
	// 2,000 workload accounts each to its team, and 2,002 accounts each to
	// the two groups of everyone.
	if got := len(at.Assignments); got != 2000+2*2002 {
		t.Errorf("%d assignments, want %d", got, 2000+2*2002)
	}
}

// BenchmarkValidateExpandAccess2000 is BenchmarkValidateExpand2000 with the
// wizard's proposed access: 202 groups, 404 grants, 6,004 assignments.
func BenchmarkValidateExpandAccess2000(b *testing.B) {
	data := largeAccessDesign()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Expand(); err != nil {
			b.Fatal(err)
		}
	}
}
