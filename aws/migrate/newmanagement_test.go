package migrate_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// accountsByRole opens a scenario and returns targets for two of its
// accounts, chosen by their scenario role.
func open(t *testing.T, scenario, oldRole, newRole string) (*sandbox.Sandbox, *target.Target, *target.Target, sandbox.AccountInfo) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: scenario, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	var oldInfo, newInfo sandbox.AccountInfo
	for _, a := range sb.Accounts() {
		switch a.Role {
		case oldRole:
			oldInfo = a
		case newRole:
			newInfo = a
		}
	}
	if oldInfo.ID == "" || newInfo.ID == "" {
		t.Fatalf("scenario %s lacks a %s or %s account: %+v", scenario, oldRole, newRole, sb.Accounts())
	}
	oldT, err := target.ForSandboxAccount(sb, oldInfo.ID, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { oldT.Close() })
	newT, err := target.ForSandboxAccount(sb, newInfo.ID, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { newT.Close() })
	return sb, oldT, newT, oldInfo
}

func TestNewManagementEndToEnd(t *testing.T) {
	ctx := context.Background()
	sb, oldT, newT, oldInfo := open(t, "dirty-management", "standalone-with-workloads", "new-management")
	m := migrate.FromConfigs(newT.Config, newT.AccountID, oldT.Config, oldT.AccountID, oldInfo.Name)

	var events []migrate.Event
	if err := m.Run(ctx, func(e migrate.Event) { events = append(events, e) }); err != nil {
		t.Fatalf("run: %v", err)
	}
	var steps []string
	for _, e := range events {
		steps = append(steps, e.Step)
	}
	if want := []string{"create-organization", "transitional-ou", "invite", "accept", "access-role", "verify-role", "move"}; !slices.Equal(steps, want) {
		t.Errorf("steps %v, want %v", steps, want)
	}

	// The new account manages an organization in which the old one is a
	// member, placed in Transitional.
	actual, err := orgs.New(organizations.NewFromConfig(newT.Config), 4).Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if actual.Organization == nil || actual.Organization.ManagementAccountID != newT.AccountID || actual.Organization.FeatureSet != "ALL" {
		t.Fatalf("organization: %+v", actual.Organization)
	}
	tree := actual.Tree()
	i := slices.IndexFunc(tree.Accounts, func(a orgmodel.Account) bool { return a.ID == oldT.AccountID })
	if i < 0 || tree.Accounts[i].OU != migrate.TransitionalOU || tree.Accounts[i].Kind != orgmodel.MemberKind {
		t.Fatalf("the old account in the new organization: %+v", tree.Accounts)
	}

	// Who did what: the old account accepted and created the role with its
	// own credentials, the new one did the rest.
	who := map[string]string{}
	for _, c := range sb.Calls() {
		if c.Outcome == "ok" {
			who[c.Service+":"+c.Operation] = c.Account
		}
	}
	for op, acct := range map[string]string{
		"organizations:CreateOrganization": newT.AccountID, "organizations:InviteAccountToOrganization": newT.AccountID,
		"organizations:AcceptHandshake": oldT.AccountID, "iam:CreateRole": oldT.AccountID, "iam:AttachRolePolicy": oldT.AccountID,
		"sts:AssumeRole": newT.AccountID, "organizations:MoveAccount": newT.AccountID,
	} {
		if who[op] != acct {
			t.Errorf("%s was made by %q, want %s", op, who[op], acct)
		}
	}

	// Run again: every step finds its work done and changes nothing.
	before := len(sb.Calls())
	events = nil
	if err := m.Run(ctx, func(e migrate.Event) { events = append(events, e) }); err != nil {
		t.Fatalf("second run: %v", err)
	}
	for _, e := range events {
		if strings.HasPrefix(e.Done, "created") || strings.HasPrefix(e.Done, "moved") || strings.HasPrefix(e.Done, "invited") {
			t.Errorf("the second run changed something: %+v", e)
		}
	}
	for _, c := range sb.Calls()[before:] {
		switch c.Operation {
		case "CreateOrganization", "InviteAccountToOrganization", "AcceptHandshake", "CreateRole", "MoveAccount", "CreateOrganizationalUnit":
			t.Errorf("the second run called %s (%s)", c.Operation, c.Outcome)
		}
	}

	d := orgmodel.NewDesign()
	if !migrate.RecordInDesign(d, oldInfo.Name, oldT.AccountID) || migrate.RecordInDesign(d, oldInfo.Name, oldT.AccountID) {
		t.Error("RecordInDesign must change a design once, then leave it")
	}
	if !d.Foundation.Transitional || len(d.Accounts) != 1 || d.Accounts[0].OU != migrate.TransitionalOU || d.Accounts[0].ID != oldT.AccountID {
		t.Errorf("design after recording: %+v %+v", d.Foundation, d.Accounts)
	}
}

// An interrupted run is finished by the next: here the invitation was sent
// and accepted, and the role exists, before the run that completes it.
func TestNewManagementResumesAfterPartialWork(t *testing.T) {
	ctx := context.Background()
	_, oldT, newT, oldInfo := open(t, "dirty-management", "standalone-with-workloads", "new-management")
	m := migrate.FromConfigs(newT.Config, newT.AccountID, oldT.Config, oldT.AccountID, oldInfo.Name)
	// A first run that stops before the role: an old account without
	// credentials for IAM.
	broken := *m
	broken.Old.IAM = failingIAM{m.Old.IAM}
	if err := broken.Run(ctx, nil); err == nil || !strings.Contains(err.Error(), "GetRole") {
		t.Fatalf("the broken run: %v", err)
	}
	var events []migrate.Event
	if err := m.Run(ctx, func(e migrate.Event) { events = append(events, e) }); err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	got := map[string]string{}
	for _, e := range events {
		got[e.Step] = e.Done
	}
	if !strings.Contains(got["create-organization"], "already exists") || !strings.Contains(got["invite"], "already a member") ||
		!strings.HasPrefix(got["access-role"], "created") || !strings.HasPrefix(got["move"], "moved") {
		t.Errorf("resumed steps: %v", got)
	}
}

// An old account that manages an organization with members: the tool
// explains and does nothing.
func TestNewManagementBlockedByOldOrganization(t *testing.T) {
	ctx := context.Background()
	sb, oldT, newT, oldInfo := open(t, "existing-org", "management", "standalone")
	m := migrate.FromConfigs(newT.Config, newT.AccountID, oldT.Config, oldT.AccountID, oldInfo.Name)
	before := len(sb.Calls())
	err := m.Run(ctx, nil)
	var blocked *migrate.BlockedError
	if !errors.As(err, &blocked) {
		t.Fatalf("want a BlockedError, got %v", err)
	}
	if !strings.Contains(blocked.Reason, "has 3 members") || len(blocked.Steps) < 3 || !strings.Contains(err.Error(), "delete") {
		t.Errorf("the explanation: %v", err)
	}
	for _, c := range sb.Calls()[before:] {
		if !strings.HasPrefix(c.Operation, "Describe") && !strings.HasPrefix(c.Operation, "List") {
			t.Errorf("a blocked migration changed something: %+v", c)
		}
	}
}

func TestManualStepNamesTheSignupAndAMailbox(t *testing.T) {
	s := migrate.ManualStep("founder@acme.example")
	for _, want := range []string{"https://portal.aws.amazon.com/billing/signup", "founder+management@acme.example", "MFA", "--new-profile"} {
		if !strings.Contains(s, want) {
			t.Errorf("the manual step lacks %q:\n%s", want, s)
		}
	}
}

// failingIAM refuses every call, as an old account whose credentials lack IAM rights.
type failingIAM struct{ migrate.RoleAPI }

func (failingIAM) GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return nil, errors.New("AccessDenied: not authorized to perform iam:GetRole")
}
