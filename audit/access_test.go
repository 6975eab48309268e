package audit

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/aws/iamusers"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// accessDesign is two workload accounts and a foundation one, as the
// design expands them; grants names the accounts its access block grants.
func accessDesign(grants ...string) *orgmodel.Tree {
	t := &orgmodel.Tree{Accounts: []orgmodel.Account{
		{Name: "app-dev", Kind: orgmodel.WorkloadAccount, Email: "aws+app-dev@acme.example"},
		{Name: "app-prod", Kind: orgmodel.WorkloadAccount, Email: "aws+app-prod@acme.example"},
		{Name: "log-archive", Kind: orgmodel.FoundationAccount, Email: "aws+log-archive@acme.example"},
	}}
	if grants != nil {
		t.Access = &orgmodel.AccessTree{}
		for _, g := range grants {
			t.Access.Assignments = append(t.Access.Assignments, orgmodel.Assignment{Account: g, Group: "app-team", PermissionSet: "admin"})
		}
	}
	return t
}

func accessActual() *orgmodel.Actual {
	return &orgmodel.Actual{
		Organization: &orgmodel.ActualOrganization{ID: "o-1", ManagementAccountID: "000000000001", FeatureSet: "ALL"},
		Accounts: []orgmodel.ActualAccount{
			{ID: "000000000001", Name: "management", Email: "aws@acme.example", Status: "ACTIVE"},
			{ID: "100000000001", Name: "app-dev", Email: "aws+app-dev@acme.example", Status: "ACTIVE"},
			{ID: "100000000002", Name: "app-prod", Email: "aws+app-prod@acme.example", Status: "ACTIVE"},
			{ID: "100000000003", Name: "log-archive", Email: "aws+log-archive@acme.example", Status: "ACTIVE"},
			{ID: "100000000004", Name: "old", Email: "old@acme.example", Status: "SUSPENDED"},
		},
	}
}

func instance(assigned ...string) *orgmodel.ActualAccess {
	a := &orgmodel.ActualAccess{InstanceARN: "arn:aws:sso:::instance/ssoins-1111111111111111", IdentityStoreID: "d-1111111111",
		Region: "eu-west-1", PortalURL: "https://d-1111111111.awsapps.com/start"}
	for _, id := range assigned {
		a.Assignments = append(a.Assignments, orgmodel.ActualAssignment{AccountID: id, PermissionSetARN: "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-1", PrincipalType: "GROUP", PrincipalID: "g-1"})
	}
	return a
}

func TestAccessChecks(t *testing.T) {
	for _, tc := range []struct {
		name       string
		design     *orgmodel.Tree
		ic         IdentityCenter
		on, reach  Status
		says       []string
		doesNotSay []string
	}{
		{name: "on, every workload account reached", design: accessDesign("app-dev", "app-prod"), ic: IdentityCenter{Access: instance("100000000001", "100000000002")},
			on: Pass, reach: Pass, says: []string{"instance arn:aws:sso:::instance/ssoins-1111111111111111 in eu-west-1; access portal https://d-1111111111.awsapps.com/start", "all 2 workload accounts have a group assigned"}},
		{name: "off", design: accessDesign(), ic: IdentityCenter{Access: &orgmodel.ActualAccess{}, Region: "eu-central-1"},
			on: Fail, reach: Fail, says: []string{"no IAM Identity Center instance", "open https://eu-central-1.console.aws.amazon.com/singlesignon/home?region=eu-central-1#!/ and choose Enable",
				"no group can reach any of the 2 workload accounts: Identity Center is off", "Turn on Identity Center first (see identity-center)"}},
		{name: "off on the sandbox", ic: IdentityCenter{Access: &orgmodel.ActualAccess{}, SandboxCommand: "orgwizard sandbox enable-identity-center --region eu-west-1"},
			on: Fail, reach: Fail, says: []string{"Run orgwizard sandbox enable-identity-center --region eu-west-1: the sandbox's stand-in", "no group can reach any of the 3 active member accounts"},
			doesNotSay: []string{"console.aws.amazon.com"}},
		{name: "one granted by the design, one by nobody", design: accessDesign("app-dev"), ic: IdentityCenter{Access: instance("100000000003")},
			on: Pass, reach: Fail, says: []string{"2 of the 2 workload accounts have no group assigned, so only OrganizationAccountAccessRole gets in: app-dev, app-prod",
				"Run orgwizard apply --design acme.yaml: its access: block grants app-dev to a group", "Grant a group a permission set in app-prod: in the design's access: block"},
			doesNotSay: []string{"log-archive"}},
		{name: "without a design, every active member account", ic: IdentityCenter{Access: instance("100000000001")},
			on: Pass, reach: Fail, says: []string{"2 of the 3 active member accounts have no group assigned", "app-prod, log-archive", "Assign users or groups"},
			doesNotSay: []string{"old", "management"}},
		{name: "a user's assignment is not a group's", design: accessDesign("app-dev", "app-prod"),
			ic: IdentityCenter{Access: func() *orgmodel.ActualAccess {
				a := instance("100000000001", "100000000002")
				a.Assignments[1].PrincipalType = "USER"
				return a
			}()},
			on: Pass, reach: Fail, says: []string{"1 of the 2 workload accounts has no group assigned", ": app-prod"}},
		{name: "still being assigned", design: accessDesign("app-dev", "app-prod"),
			ic: IdentityCenter{Access: func() *orgmodel.ActualAccess {
				a := instance("100000000001")
				a.Pending = []orgmodel.PendingAssignment{{RequestID: "r-1", ActualAssignment: orgmodel.ActualAssignment{AccountID: "100000000002", PrincipalType: "GROUP", PrincipalID: "g-1"}}}
				return a
			}()},
			on: Pass, reach: Warn, says: []string{"AWS is still assigning a group in each", "Run the audit again in a minute"}},
		{name: "refused", design: accessDesign(), ic: IdentityCenter{Err: errors.New("AccessDeniedException: sso:ListInstances")},
			on: Warn, reach: Warn, says: []string{"Identity Center could not be read: AccessDeniedException", "orgwizard iam-policy --for audit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ic := tc.ic
			checks := Run(Input{Account: "000000000001", Actual: accessActual(), Design: tc.design, DesignFile: "acme.yaml", IdentityCenter: &ic})
			c := byID(checks)
			if len(checks) != 8 {
				t.Fatalf("%d checks, want 8 (6 and the 2 access checks)", len(checks))
			}
			if c[CheckIdentityCenter].Status != tc.on || c[CheckAccessReach].Status != tc.reach {
				t.Errorf("identity-center %s (want %s): %s; reach %s (want %s): %s", c[CheckIdentityCenter].Status, tc.on, c[CheckIdentityCenter].Why,
					c[CheckAccessReach].Status, tc.reach, c[CheckAccessReach].Why)
			}
			var all strings.Builder
			for _, id := range []string{CheckIdentityCenter, CheckAccessReach} {
				if c[id].Status != Pass && c[id].Fix == "" {
					t.Errorf("%s is %s without a fix", id, c[id].Status)
				}
				all.WriteString(c[id].Why + "\n" + c[id].Fix + "\n")
			}
			for _, s := range tc.says {
				if !strings.Contains(all.String(), s) {
					t.Errorf("the checks do not say %q:\n%s", s, all.String())
				}
			}
			for _, s := range tc.doesNotSay {
				if strings.Contains(all.String(), s) {
					t.Errorf("the checks say %q:\n%s", s, all.String())
				}
			}
		})
	}
}

func TestIAMUserSignInCheck(t *testing.T) {
	users := []iamusers.User{
		{Name: "ana", ConsolePassword: true},
		{Name: "ci-deploy", ActiveAccessKeys: []string{"AKIA1", "AKIA2"}},
		{Name: "old-robot"}, // an inactive key or none: cannot sign in
		{Name: "zoe", ConsolePassword: true, ActiveAccessKeys: []string{"AKIA3"}},
	}
	ic := &IdentityCenter{Access: instance()}
	c := byID(Run(Input{Account: "000000000001", IAMUsers: &IAMUsers{Users: users}, IdentityCenter: ic}))[CheckIAMUsers]
	for _, want := range []string{
		"3 IAM users of account 000000000001 can sign in: ana (console password), ci-deploy (2 active access keys), zoe (console password, 1 active access key)",
		"no guardrail restricts",
	} {
		if c.Status != Fail || !strings.Contains(c.Why, want) {
			t.Errorf("the check (%s) does not say %q: %s", c.Status, want, c.Why)
		}
	}
	for _, want := range []string{"sign in at the AWS access portal (https://d-1111111111.awsapps.com/start)",
		"aws iam delete-login-profile --user-name ana", "aws iam update-access-key --user-name ci-deploy --access-key-id AKIA2 --status Inactive",
		"aws iam delete-login-profile --user-name zoe", "aws iam update-access-key --user-name zoe --access-key-id AKIA3 --status Inactive"} {
		if !strings.Contains(c.Fix, want) {
			t.Errorf("the fix does not say %q: %s", want, c.Fix)
		}
	}
	if strings.Contains(c.Why+c.Fix, "old-robot") {
		t.Errorf("a user that cannot sign in is listed: %+v", c)
	}

	if !strings.Contains(c.Fix, "take the IAM users' way in away") || strings.Contains(c.Fix, "sandbox") {
		t.Errorf("the fix off the sandbox: %s", c.Fix)
	}

	one := byID(Run(Input{Account: "1", IAMUsers: &IAMUsers{Users: users[:1]}}))[CheckIAMUsers]
	if !strings.Contains(one.Why, "1 IAM user of account 1 can sign in: ana") || !strings.Contains(one.Fix, "the AWS access portal;") ||
		!strings.Contains(one.Fix, "take the IAM user's way in away: aws iam delete-login-profile --user-name ana (or") {
		t.Errorf("one user: %+v", one)
	}
	// The sandbox serves the reads, not the commands: the fix says so.
	sb := byID(Run(Input{Account: "1", IAMUsers: &IAMUsers{Users: users[:1], Sandbox: true}}))[CheckIAMUsers]
	if sb.Status != Fail || !strings.Contains(sb.Fix, "aws iam delete-login-profile --user-name ana") ||
		!strings.HasSuffix(sb.Fix, "On the sandbox these users come with its scenario and stay as they are: its IAM answers the reads this check makes, not those commands, which are what to run at AWS.") {
		t.Errorf("on the sandbox: %+v", sb)
	}
	pass := byID(Run(Input{Account: "1", IAMUsers: &IAMUsers{Users: users[2:3]}}))[CheckIAMUsers]
	if pass.Status != Pass || pass.Why != "the one IAM user of account 1 has neither a console password nor an active access key" {
		t.Errorf("no sign-in: %+v", pass)
	}
	none := byID(Run(Input{Account: "1", IAMUsers: &IAMUsers{}}))[CheckIAMUsers]
	if none.Status != Pass || none.Why != "account 1 has no IAM user" {
		t.Errorf("no users: %+v", none)
	}
	refused := byID(Run(Input{Account: "1", IAMUsers: &IAMUsers{Err: errors.New("AccessDenied")}}))[CheckIAMUsers]
	if refused.Status != Warn || !strings.Contains(refused.Fix, "iam:GetLoginProfile") {
		t.Errorf("refused: %+v", refused)
	}
	// Not read, not checked: the checklist stays what it was.
	if n := len(Run(Input{Account: "1"})); n != 6 {
		t.Errorf("%d checks without the access reads, want 6", n)
	}
}
