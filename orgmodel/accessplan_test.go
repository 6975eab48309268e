package orgmodel

import (
	"slices"
	"strings"
	"testing"
)

// accessTree is a small design with access, written by hand: two member
// accounts that exist and one the plan creates, two groups, a custom
// permission set and a preset.
func accessTree() (*Tree, *Actual) {
	tree := &Tree{Organization: "acme", HomeRegion: "eu-west-1", OUs: []OU{{Path: "Workloads", Name: "Workloads"}},
		Accounts: []Account{
			{Name: "pay-dev", Email: "pay-dev@acme.example", OU: "Workloads", Kind: WorkloadAccount, Tags: map[string]string{}},
			{Name: "pay-prod", Email: "pay-prod@acme.example", OU: "Workloads", Kind: WorkloadAccount, Tags: map[string]string{}},
			{Name: "pay-new", Email: "pay-new@acme.example", OU: "Workloads", Kind: WorkloadAccount, Tags: map[string]string{}},
		},
		Access: &AccessTree{
			PermissionSets: []PermissionSet{
				PresetPermissionSets[0],
				{Name: "deployer", Description: "Deploys", ManagedPolicies: []string{"arn:aws:iam::aws:policy/PowerUserAccess"},
					InlinePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`, SessionDuration: "PT4H"},
			},
			Groups: []Group{
				{Name: "pay-team", Description: "Payments", Members: []string{"ana@acme.example"}},
				{Name: "platform-admins"},
			},
			Users: []User{{UserName: "ana@acme.example", Email: "ana@acme.example", DisplayName: "ana", GivenName: "ana", FamilyName: "acme.example"}},
			Assignments: []Assignment{
				{Account: "pay-dev", Group: "pay-team", PermissionSet: "deployer"},
				{Account: "pay-dev", Group: "platform-admins", PermissionSet: "admin"},
				{Account: "pay-new", Group: "platform-admins", PermissionSet: "admin"},
				{Account: "pay-prod", Group: "platform-admins", PermissionSet: "admin"},
			},
		},
	}
	tree.Access.PermissionSets[0].SessionDuration = "PT1H"
	actual := &Actual{Organization: &ActualOrganization{ID: "o-1", ManagementAccountID: "000000000000", FeatureSet: "ALL"}, RootID: "r-1",
		OUs: []ActualOU{{ID: "ou-1", ParentID: "r-1", Name: "Workloads"}},
		Accounts: []ActualAccount{
			{ID: "000000000000", Name: "acme", Email: "aws@acme.example", ParentID: "r-1", Status: "ACTIVE"},
			{ID: "111111111111", Name: "pay-dev", Email: "pay-dev@acme.example", ParentID: "ou-1", Status: "ACTIVE"},
			{ID: "222222222222", Name: "pay-prod", Email: "pay-prod@acme.example", ParentID: "ou-1", Status: "ACTIVE"},
		},
		Access: &ActualAccess{InstanceARN: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-1", Region: "eu-west-1"},
	}
	return tree, actual
}

// converge makes actual.Access what an apply of the tree leaves (the
// account the plan creates given id 333333333333).
func converge(tree *Tree, actual *Actual) {
	a := actual.Access
	a.Groups, a.Users, a.PermissionSets, a.Assignments, a.Pending = nil, nil, nil, nil, nil
	ids := map[string]string{"pay-dev": "111111111111", "pay-prod": "222222222222", "pay-new": "333333333333"}
	if !slices.ContainsFunc(actual.Accounts, func(x ActualAccount) bool { return x.Name == "pay-new" }) {
		actual.Accounts = append(actual.Accounts, ActualAccount{ID: "333333333333", Name: "pay-new", Email: "pay-new@acme.example", ParentID: "ou-1", Status: "ACTIVE"})
	}
	for _, u := range tree.Access.Users {
		a.Users = append(a.Users, ActualUser{ID: "u-" + u.UserName, UserName: u.UserName, Email: u.Email})
	}
	for _, g := range tree.Access.Groups {
		ag := ActualGroup{ID: "g-" + g.Name, Name: g.Name, Description: g.Description}
		for _, m := range g.Members {
			ag.MemberIDs = append(ag.MemberIDs, "u-"+m)
		}
		a.Groups = append(a.Groups, ag)
	}
	for _, ps := range tree.Access.PermissionSets {
		aps := ActualPermissionSet{ARN: "ps-" + ps.Name, Name: ps.Name, Description: ps.Description, SessionDuration: ps.SessionDuration,
			ManagedPolicies: ps.ManagedPolicies, InlinePolicy: ps.InlinePolicy, Tags: map[string]string{TagManagedBy: ManagedByValue}}
		for _, as := range tree.Access.Assignments {
			if as.PermissionSet == ps.Name && !slices.Contains(aps.ProvisionedTo, ids[as.Account]) {
				aps.ProvisionedTo = append(aps.ProvisionedTo, ids[as.Account])
			}
		}
		a.PermissionSets = append(a.PermissionSets, aps)
	}
	for _, as := range tree.Access.Assignments {
		a.Assignments = append(a.Assignments, ActualAssignment{AccountID: ids[as.Account], PermissionSetARN: "ps-" + as.PermissionSet, PrincipalType: "GROUP", PrincipalID: "g-" + as.Group})
	}
}

func accessTexts(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		if IsAccessStep(s.Kind) {
			out = append(out, s.String())
		}
	}
	return out
}

// TestPlanAccessFromNothing: every group, user, membership, permission set
// with its policies and assignment is created, in dependency order; the
// assignment in the account the plan creates waits for its id; a new
// permission set is not provisioned (an assignment provisions it).
func TestPlanAccessFromNothing(t *testing.T) {
	tree, actual := accessTree()
	p := MakePlan(tree, actual)
	want := []string{
		"create group pay-team", "create group platform-admins", "create user ana@acme.example", "add ana@acme.example to group pay-team",
		"create permission set admin", "create permission set deployer",
		"attach arn:aws:iam::aws:policy/AdministratorAccess to permission set admin", "attach arn:aws:iam::aws:policy/PowerUserAccess to permission set deployer",
		"put the inline policy of permission set deployer",
		"assign deployer to group pay-team in pay-dev", "assign admin to group platform-admins in pay-dev",
		"assign admin to group platform-admins in pay-new", "assign admin to group platform-admins in pay-prod",
	}
	if got := accessTexts(p); !slices.Equal(got, want) {
		t.Fatalf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range p.Steps {
		if s.Kind == StepCreateAssignment && s.Subject == "pay-new" {
			if s.Access.AccountID != "" || !strings.Contains(s.Why, "created by this plan") {
				t.Errorf("the assignment in the new account: %+v, %s", s.Access, s.Why)
			}
		}
		if s.Kind == StepCreateAssignment && s.Subject == "pay-dev" && s.Access.AccountID != "111111111111" {
			t.Errorf("the assignment in pay-dev names account %q", s.Access.AccountID)
		}
		if s.Kind == StepCreatePermissionSet && !strings.Contains(s.Why, "managed-by=orgwizard") {
			t.Errorf("%s: %s", s, s.Why)
		}
	}
}

// TestPlanAccessConverged: after apply there is nothing to do.
func TestPlanAccessConverged(t *testing.T) {
	tree, actual := accessTree()
	converge(tree, actual)
	// Order and spelling AWS may differ in: the session default, the
	// inline policy's spacing, the user name's case.
	actual.Access.PermissionSets[0].SessionDuration = ""
	actual.Access.PermissionSets[1].InlinePolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}`
	actual.Access.Users[0].UserName = "Ana@acme.example"
	p := MakePlan(tree, actual)
	if got := accessTexts(p); len(got) != 0 {
		t.Fatalf("a converged organization plans %v", got)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings: %v", p.Warnings)
	}
}

// TestPlanAccessWithoutIdentityCenter: the plan says what to click and
// where, first, then lists what follows.
func TestPlanAccessWithoutIdentityCenter(t *testing.T) {
	tree, actual := accessTree()
	actual.Access = &ActualAccess{}
	p := MakePlan(tree, actual)
	i := slices.IndexFunc(p.Steps, func(s Step) bool { return IsAccessStep(s.Kind) })
	s := p.Steps[i]
	if s.Kind != StepEnableIdentityCenter || s.Access.Console != "https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1#!/" ||
		!strings.Contains(s.Why, "click Enable") || !strings.Contains(s.Why, s.Access.Console) {
		t.Fatalf("first access step %s: %+v %s", s, s.Access, s.Why)
	}
	if p.Count(StepCreateGroup) != 2 || p.Count(StepCreateAssignment) != 4 {
		t.Errorf("the steps after it: %v", accessTexts(p))
	}
	// No organization yet: the same, after its creation.
	p = MakePlan(tree, nil)
	if p.Steps[0].Kind != StepCreateOrganization || p.Count(StepEnableIdentityCenter) != 1 {
		t.Errorf("from nothing: %v", accessTexts(p))
	}
	// No access block: Identity Center is left alone.
	tree.Access = nil
	if got := accessTexts(MakePlan(tree, actual)); len(got) != 0 {
		t.Errorf("a design without access plans %v", got)
	}
}

// TestPlanAccessChanges: a changed permission set of orgwizard's is updated,
// its policies attached, detached, put and deleted, and provisioned again;
// one only out of date is provisioned; a group's description is set; a
// missing member is added, an extra one warned of.
func TestPlanAccessChanges(t *testing.T) {
	tree, actual := accessTree()
	converge(tree, actual)
	a := actual.Access
	admin, deployer := &a.PermissionSets[0], &a.PermissionSets[1]
	admin.Outdated = []string{"111111111111"}
	deployer.SessionDuration = "PT1H"
	deployer.ManagedPolicies = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
	deployer.InlinePolicy = `{"Version":"2012-10-17","Statement":[]}`
	a.Groups[0].Description = "old"
	a.Groups[0].MemberIDs = []string{"u-bob"}
	a.Users = append(a.Users, ActualUser{ID: "u-bob", UserName: "bob@acme.example"})
	p := MakePlan(tree, actual)
	want := []string{
		"set the description of group pay-team", "add ana@acme.example to group pay-team",
		"update permission set deployer",
		"attach arn:aws:iam::aws:policy/PowerUserAccess to permission set deployer", "detach arn:aws:iam::aws:policy/ReadOnlyAccess from permission set deployer",
		"put the inline policy of permission set deployer",
		"provision permission set admin to its accounts", "provision permission set deployer to its accounts",
	}
	if got := accessTexts(p); !slices.Equal(got, want) {
		t.Fatalf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range p.Steps {
		if s.Kind == StepAddMember && (s.Access.UserID != "u-ana@acme.example" || s.Access.GroupID != "g-pay-team") {
			t.Errorf("add-member names %+v", s.Access)
		}
		if s.Kind == StepUpdatePermissionSet && (s.Why != "sessions of PT1H, the design says PT4H" || s.Access.PermissionSetARN != "ps-deployer") {
			t.Errorf("update: %s %+v", s.Why, s.Access)
		}
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "bob@acme.example is a member of group pay-team") || !strings.Contains(p.Warnings[0], "delete-group-membership") {
		t.Errorf("warnings: %q", p.Warnings)
	}

	// No inline policy in the design: deleted.
	tree.Access.PermissionSets[1].InlinePolicy = ""
	if got := accessTexts(MakePlan(tree, actual)); !slices.Contains(got, "delete the inline policy of permission set deployer") {
		t.Errorf("steps %v", got)
	}
}

// TestPlanAccessRemovesOnlyWhatOrgwizardManages: an assignment of an
// orgwizard permission set that the design no longer grants is removed (a
// group's, a user's, one of a permission set gone from the design); one of
// a permission set orgwizard did not make never is, nor is it changed.
// Nothing is ever deleted but assignments, and the warnings say how.
func TestPlanAccessRemovesOnlyWhatOrgwizardManages(t *testing.T) {
	tree, actual := accessTree()
	converge(tree, actual)
	a := actual.Access
	a.Groups = append(a.Groups, ActualGroup{ID: "g-old", Name: "old-team"}, ActualGroup{ID: "g-theirs", Name: "their-team"})
	a.PermissionSets = append(a.PermissionSets,
		ActualPermissionSet{ARN: "ps-legacy", Name: "legacy", Tags: map[string]string{TagManagedBy: ManagedByValue}, ProvisionedTo: []string{"222222222222"}},
		ActualPermissionSet{ARN: "ps-theirs", Name: "theirs", ProvisionedTo: []string{"222222222222"}})
	a.Assignments = append(a.Assignments,
		ActualAssignment{AccountID: "222222222222", PermissionSetARN: "ps-admin", PrincipalType: "GROUP", PrincipalID: "g-old"},
		ActualAssignment{AccountID: "222222222222", PermissionSetARN: "ps-admin", PrincipalType: "USER", PrincipalID: "u-x"},
		ActualAssignment{AccountID: "222222222222", PermissionSetARN: "ps-legacy", PrincipalType: "GROUP", PrincipalID: "g-pay-team"},
		ActualAssignment{AccountID: "222222222222", PermissionSetARN: "ps-theirs", PrincipalType: "GROUP", PrincipalID: "g-theirs"})
	// An unmanaged permission set the design grants: assigned, never changed.
	a.PermissionSets[1].Tags = nil
	a.PermissionSets[1].SessionDuration = "PT12H"
	a.Assignments = slices.DeleteFunc(a.Assignments, func(x ActualAssignment) bool { return x.PermissionSetARN == "ps-deployer" })
	p := MakePlan(tree, actual)
	want := []string{
		"assign deployer to group pay-team in pay-dev",
		"remove the assignment of admin to group old-team in pay-prod",
		"remove the assignment of admin to user u-x in pay-prod",
		"remove the assignment of legacy to group pay-team in pay-prod",
	}
	if got := accessTexts(p); !slices.Equal(got, want) {
		t.Fatalf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range p.Steps {
		if s.Kind == StepDeleteAssignment && (s.Access.AccountID != "222222222222" || s.Access.PermissionSetARN == "" || s.Access.PrincipalID == "") {
			t.Errorf("%s names %+v", s, s.Access)
		}
	}
	joined := strings.Join(p.Warnings, "\n")
	for _, w := range []string{
		"permission set deployer exists and was not made by orgwizard",
		"permission set legacy (made by orgwizard) is no longer granted by the design; its assignments are removed and it is left in place: delete it by hand with aws sso-admin delete-permission-set --region eu-west-1 --instance-arn arn:aws:sso:::instance/ssoins-1 --permission-set-arn ps-legacy",
		"group old-team is no longer in the design: its assignments of orgwizard's permission sets are removed and the group is left in place: delete it by hand with aws identitystore delete-group --region eu-west-1 --identity-store-id d-1 --group-id g-old",
	} {
		if !strings.Contains(joined, w) {
			t.Errorf("no warning %q in:\n%s", w, joined)
		}
	}
	if strings.Contains(joined, "their-team") {
		t.Errorf("a group with nothing of orgwizard's is warned of:\n%s", joined)
	}
}

// TestPlanAccessInFlight: requests AWS has in progress are waited for, not
// sent twice; one that removes an assignment the design wants is followed
// by its creation.
func TestPlanAccessInFlight(t *testing.T) {
	tree, actual := accessTree()
	converge(tree, actual)
	a := actual.Access
	dev := a.Assignments[0] // deployer to pay-team in pay-dev
	a.Assignments = a.Assignments[1:]
	a.Pending = []PendingAssignment{{RequestID: "req-1", ActualAssignment: dev}}
	prod := a.Assignments[2] // admin to platform-admins in pay-prod
	a.Pending = append(a.Pending, PendingAssignment{RequestID: "req-2", ActualAssignment: prod, Deleting: true})
	stray := ActualAssignment{AccountID: "222222222222", PermissionSetARN: "ps-admin", PrincipalType: "GROUP", PrincipalID: "g-pay-team"}
	a.Assignments = append(a.Assignments, stray)
	a.Pending = append(a.Pending, PendingAssignment{RequestID: "req-3", ActualAssignment: stray, Deleting: true})
	p := MakePlan(tree, actual)
	want := []string{
		"wait for the assignment of deployer to group pay-team in pay-dev (request req-1)",
		"wait for the removal of admin to group pay-team in pay-prod (request req-3)",
		"assign admin to group platform-admins in pay-prod",
	}
	if got := accessTexts(p); !slices.Equal(got, want) {
		t.Fatalf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPlanAccessIdentityCenterElsewhere: an instance outside the home
// region is used, and the plan says so.
func TestPlanAccessIdentityCenterElsewhere(t *testing.T) {
	tree, actual := accessTree()
	converge(tree, actual)
	actual.Access.Region = "us-east-1"
	p := MakePlan(tree, actual)
	if len(p.Steps) != 0 || len(p.Warnings) != 1 || p.Warnings[0] != "IAM Identity Center lives in us-east-1, not in the design's home region eu-west-1; orgwizard uses it there" {
		t.Errorf("steps %v, warnings %q", accessTexts(p), p.Warnings)
	}
}

// TestAccessStepsHaveTexts: every access step kind reads as a sentence, not
// as its kind.
func TestAccessStepsHaveTexts(t *testing.T) {
	for _, k := range []StepKind{StepEnableIdentityCenter, StepCreateGroup, StepUpdateGroup, StepCreateUser, StepAddMember, StepCreatePermissionSet,
		StepUpdatePermissionSet, StepAttachManagedPolicy, StepDetachManagedPolicy, StepPutInlinePolicy, StepDeleteInlinePolicy, StepProvision,
		StepCreateAssignment, StepDeleteAssignment, StepAwaitAssignment} {
		if !IsAccessStep(k) {
			t.Errorf("%s is not an access step", k)
		}
		s := Step{Kind: k, Subject: "x", Access: &AccessStep{Group: "g", PermissionSet: "p", UserName: "u", Policy: "arn"}}
		if text := s.String(); strings.HasPrefix(text, string(k)) || text == "" {
			t.Errorf("%s reads %q", k, text)
		}
	}
	if IsAccessStep(StepCreateAccount) {
		t.Error("create-account is an access step")
	}
}

// TestPlanAccessNamesIgnoreCase: Identity Center compares group and
// permission set names ignoring case, so a design's auditors is AWS's
// Auditors: nothing is created, no assignment removed, no warning to
// delete the group.
func TestPlanAccessNamesIgnoreCase(t *testing.T) {
	tree, actual := accessTree()
	converge(tree, actual)
	a := actual.Access
	for i := range a.Groups {
		a.Groups[i].Name = strings.ToUpper(a.Groups[i].Name[:1]) + a.Groups[i].Name[1:]
	}
	for i := range a.PermissionSets {
		a.PermissionSets[i].Name = strings.ToUpper(a.PermissionSets[i].Name)
	}
	p := MakePlan(tree, actual)
	if got := accessTexts(p); len(got) != 0 {
		t.Errorf("steps:\n%s", strings.Join(got, "\n"))
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings: %q", p.Warnings)
	}
}

// TestPlanAccessKeepsDescriptionAWSCannotClear: a permission set whose
// description the design leaves empty is not updated for it (AWS refuses
// an empty description); the plan warns instead.
func TestPlanAccessKeepsDescriptionAWSCannotClear(t *testing.T) {
	tree, actual := accessTree()
	converge(tree, actual)
	tree.Access.PermissionSets[1].Description = "" // AWS's stays "Deploys"
	p := MakePlan(tree, actual)
	if got := accessTexts(p); len(got) != 0 {
		t.Errorf("steps: %q", got)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "AWS cannot clear a description") {
		t.Errorf("warnings: %q", p.Warnings)
	}
}

// TestPlanAccessSessionsCompareByLength: a session duration AWS writes
// otherwise than the design (PT90M for PT1H30M, P0DT4H for PT4H, unset
// for PT1H) is the same length: no update, or the plan would never
// converge.
func TestPlanAccessSessionsCompareByLength(t *testing.T) {
	for _, c := range []struct{ design, aws string }{{"PT1H30M", "PT90M"}, {"PT4H", "P0DT4H"}, {"", "PT1H"}, {"PT1H0M", "PT3600S"}} {
		tree, actual := accessTree()
		tree.Access.PermissionSets[1].SessionDuration = c.design
		converge(tree, actual)
		actual.Access.PermissionSets[1].SessionDuration = c.aws
		if got := accessTexts(MakePlan(tree, actual)); len(got) != 0 {
			t.Errorf("design %q, AWS %q: steps %q", c.design, c.aws, got)
		}
	}
	tree, actual := accessTree()
	converge(tree, actual)
	actual.Access.PermissionSets[1].SessionDuration = "PT3H"
	if got := accessTexts(MakePlan(tree, actual)); !slices.Contains(got, "update permission set deployer") {
		t.Errorf("PT3H against the design's PT4H: steps %q", got)
	}
}
