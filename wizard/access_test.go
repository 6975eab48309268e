package wizard

import (
	"slices"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func TestProductionIsProdOrTheLastEnvironment(t *testing.T) {
	envs := func(names ...string) *orgmodel.Design {
		d := &orgmodel.Design{}
		for _, n := range names {
			d.Environments = append(d.Environments, orgmodel.Environment{Name: n})
		}
		return d
	}
	for _, c := range []struct {
		envs []string
		want []string
	}{
		{[]string{"dev", "staging", "prod"}, []string{"prod"}},
		{[]string{"prod", "dev"}, []string{"prod"}},
		{[]string{"dev", "production", "sandbox"}, []string{"production"}},
		{[]string{"dev", "qa", "live"}, []string{"live"}},
		{[]string{"only"}, []string{"only"}},
		{nil, nil},
	} {
		if got := ProductionEnvironments(envs(c.envs...)); !slices.Equal(got, c.want) {
			t.Errorf("ProductionEnvironments(%v) = %v, want %v", c.envs, got, c.want)
		}
	}
}

// The proposal for acme: a team per workload, admin outside production and
// read-only in it, platform-admins admin and auditors read-only everywhere;
// the step's check passes it, and the matrix says so account by account.
func TestProposeAccessForAcme(t *testing.T) {
	d := acme(t)
	d.Access = ProposeAccess(d)
	var names []string
	for _, g := range d.Access.Groups {
		names = append(names, g.Name)
	}
	if want := []string{"payments-team", "website-team", PlatformAdmins, Auditors}; !slices.Equal(names, want) {
		t.Fatalf("groups %v, want %v", names, want)
	}
	if m := d.Access.Groups[0].Members; !slices.Equal(m, []string{"payments-team@acme.example"}) {
		t.Errorf("payments-team members %v, want its owner", m)
	}
	if m := d.Access.Groups[1].Members; m != nil {
		t.Errorf("website has no owner, yet its team has members %v", m)
	}
	if err := Check(Access, d); err != nil {
		t.Fatalf("the proposal does not pass the step's check: %v", err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	m := MatrixOf(d, tree)
	cell := func(account, group string) string {
		i, j := slices.Index(m.Accounts, account), slices.Index(m.Groups, group)
		if i < 0 || j < 0 {
			t.Fatalf("no row %s or column %s in %v x %v", account, group, m.Accounts, m.Groups)
		}
		return strings.Join(m.Cells[i][j], "+")
	}
	for _, c := range []struct{ account, group, want string }{
		{"payments-dev", "payments-team", AdminSet},
		{"payments-staging", "payments-team", AdminSet},
		{"payments-prod-eu", "payments-team", ReadOnlySet},
		{"payments-prod-us", "payments-team", ReadOnlySet},
		{"website-dev", "payments-team", ""},
		{"website-prod-eu", "website-team", ReadOnlySet},
		{"log-archive", "payments-team", ""},
		{"log-archive", PlatformAdmins, AdminSet},
		{"payments-prod-us", Auditors, ReadOnlySet},
	} {
		if got := cell(c.account, c.group); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.group, c.account, got, c.want)
		}
	}
	if m.Reachable() != len(tree.Accounts) {
		t.Errorf("%d of %d accounts reachable; platform-admins reaches all", m.Reachable(), len(tree.Accounts))
	}
	if got := m.Row(slices.Index(m.Accounts, "payments-prod-eu")); got != "payments-team read-only, platform-admins admin, auditors read-only" {
		t.Errorf("row in words: %q", got)
	}
	if !slices.Equal(m.Sets, []string{AdminSet, ReadOnlySet}) {
		t.Errorf("sets %v", m.Sets)
	}
}

// With a single environment, it is production: the team only reads.
func TestProposeAccessWithOneEnvironment(t *testing.T) {
	d := acme(t)
	d.Environments = d.Environments[2:]
	g := ProposeAccess(d).Groups[0]
	if len(g.Grants) != 1 || g.Grants[0].PermissionSet != ReadOnlySet {
		t.Errorf("grants %+v, want read-only in prod only", g.Grants)
	}
}

func TestGrantsReadAndWriteAsTyped(t *testing.T) {
	gs, err := ParseGrants("admin on workload=payments env=dev, staging; read-only on all ;power-user ou=Workloads/dev accounts=log-archive")
	if err != nil {
		t.Fatal(err)
	}
	want := []orgmodel.Grant{
		{PermissionSet: "admin", Workload: []string{"payments"}, Environment: []string{"dev", "staging"}},
		{PermissionSet: "read-only", Accounts: []string{"all"}},
		{PermissionSet: "power-user", OU: []string{"Workloads/dev"}, Accounts: []string{"log-archive"}},
	}
	if FormatGrants(gs) != FormatGrants(want) || len(gs) != 3 {
		t.Fatalf("parsed %+v", gs)
	}
	if got := FormatGrants(want); got != "admin on workload=payments environment=dev,staging; read-only on all; power-user on ou=Workloads/dev accounts=log-archive" {
		t.Errorf("FormatGrants = %q", got)
	}
	back, err := ParseGrants(FormatGrants(want))
	if err != nil || FormatGrants(back) != FormatGrants(want) {
		t.Errorf("round trip: %v %+v", err, back)
	}
	for in, words := range map[string]string{
		"admin":                      `selects no account; add "on all"`,
		"admin on team=payments":     `"team" is not a selector key`,
		"admin on payments":          `"payments" is not a selector; write key=value`,
		"admin on all; read-only on": "grant 2 (read-only on) selects no account",
	} {
		if _, err := ParseGrants(in); err == nil || !strings.Contains(err.Error(), words) {
			t.Errorf("ParseGrants(%q) = %v, want %q", in, err, words)
		}
	}
}

// A group is checked as the form checks it, with what to change; refused,
// the design is unchanged.
func TestPutGroupChecksAndSays(t *testing.T) {
	d := acme(t)
	d.Access = ProposeAccess(d)
	before := FormatGrants(d.Access.Groups[0].Grants)
	for _, c := range []struct {
		ans   GroupAnswers
		words string
	}{
		{GroupAnswers{Name: "", Grants: "admin on all"}, "name is empty"},
		{GroupAnswers{Name: "pay\x01ments", Grants: "admin on all"}, "a control character"},
		{GroupAnswers{Name: "website-team", Grants: "admin on all"}, "there is already a group called website-team"},
		{GroupAnswers{Name: "x", Members: "ana@", Grants: "admin on all"}, "member \"ana@\""},
		{GroupAnswers{Name: "x", Members: "a@acme.example a@acme.example", Grants: "admin on all"}, "given twice"},
		{GroupAnswers{Name: "x", Grants: "root on all"}, `no permission set "root"; use one of admin, power-user`},
		{GroupAnswers{Name: "x", Grants: "admin on workload=paymnts"}, `no workload "paymnts"; use one of payments, website`},
		{GroupAnswers{Name: "x", Grants: "admin on workload=website residency=us"}, "selects no account of the design"},
		{GroupAnswers{Name: "x", Grants: "admin on ou=Nowhere"}, `no ou "Nowhere"`},
	} {
		if _, err := PutGroup(d, 0, c.ans); err == nil || !strings.Contains(err.Error(), c.words) {
			t.Errorf("PutGroup(%+v) = %v, want %q", c.ans, err, c.words)
		}
	}
	if got := FormatGrants(d.Access.Groups[0].Grants); got != before || d.Access.Groups[0].Name != "payments-team" {
		t.Fatalf("a refused answer changed the design: %q", got)
	}
	g, err := PutGroup(d, -1, GroupAnswers{Name: "data", Members: "ana@acme.example, bo@acme.example", Grants: "read-only on environment=prod residency=eu"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Access.Groups) != 5 || d.Access.Groups[4].Name != "data" || !slices.Equal(g.Members, []string{"ana@acme.example", "bo@acme.example"}) {
		t.Errorf("added %+v", d.Access.Groups)
	}
	if err := RemoveGroup(d, 4); err != nil || len(d.Access.Groups) != 4 {
		t.Errorf("RemoveGroup: %v, %d groups", err, len(d.Access.Groups))
	}
	d.Access.Groups[1].Grants = nil
	if err := Check(Access, d); err == nil || !strings.Contains(err.Error(), "group website-team has no grant") {
		t.Errorf("a group without grants: %v", err)
	}
	d.Access.Groups = nil
	if err := Check(Access, d); err == nil || !strings.Contains(err.Error(), "turn access off (press t)") {
		t.Errorf("access on with no group: %v", err)
	}
	if err := SetAccess(d, nil); err != nil || Check(Access, d) != nil || AccessSummary(d) != "Access: off." {
		t.Errorf("access off: %v", err)
	}
}

func TestAccessStepFollowsGuardrails(t *testing.T) {
	if Next(Guardrails) != Access || Next(Access) != Preview || !Designing(Access) || Designing(Preview) {
		t.Error("the access step is not a design step between guardrails and preview")
	}
	if s, ok := ParseStep("access"); !ok || s != Access || Access.Info().Title != "Who works where" {
		t.Errorf("ParseStep(access) = %v %v", s, ok)
	}
}

func TestHowToGetIn(t *testing.T) {
	g := GetIn{DesignPath: "my org.yaml", TargetArgs: []string{"--profile", "mgmt"}, Access: true, Members: 2,
		PortalURL: "https://d-1234567890.awsapps.com/start", Region: "eu-west-1",
		BreakGlassURL: "https://signin.aws.amazon.com/switchrole?roleName=OrganizationAccountAccessRole&account=222222222222&displayName=payments-dev", BreakGlassAccount: "payments-dev", ManagementAccount: "111111111111"}
	text := strings.Join(HowToGetIn(g), "\n")
	for _, want := range []string{
		"Access portal: https://d-1234567890.awsapps.com/start",
		"orgwizard access aws-config --design 'my org.yaml' --profile mgmt --merge ~/.aws/config",
		"OrganizationAccountAccessRole, such as payments-dev: https://signin.aws.amazon.com/switchrole?roleName=OrganizationAccountAccessRole&account=222222222222",
		"management account (111111111111)",
		"orgwizard access --profile mgmt lists",
		"Forgot password?",
		FirstPasswordDoc,
		`tick "Send email OTP"`,
		"Generate a one-time password",
		"Send your team: the portal URL",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("How to get in lacks %q:\n%s", want, text)
		}
	}
	g.Members = 0
	if text := strings.Join(HowToGetIn(g), "\n"); strings.Contains(text, "First passwords") {
		t.Error("no member, yet it explains first passwords")
	}
	g.Sandbox, g.TargetArgs = true, []string{"--sandbox-state", "/tmp/s.json"}
	if cmd := AWSConfigCommand(g); cmd != "orgwizard access aws-config --design 'my org.yaml' --sandbox-state /tmp/s.json" {
		t.Errorf("sandbox aws-config command %q", cmd)
	}
	g.PortalURL, g.Skipped = "", true
	if text := strings.Join(HowToGetIn(g), "\n"); !strings.Contains(text, "Access was skipped this time") {
		t.Errorf("skipped: %s", text)
	}
	if text := strings.Join(HowToGetIn(GetIn{}), "\n"); !strings.Contains(text, "Access is off in the design") || strings.Contains(text, "aws-config") {
		t.Errorf("access off: %s", text)
	}
}
