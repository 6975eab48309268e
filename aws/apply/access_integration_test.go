package apply_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// acmeAccess is the access the wizard proposes for a tree (issue 13): one
// group per workload, its owner a member, with admin in non-production and
// read-only in production; platform-admins with admin everywhere; auditors
// with read-only everywhere. Written out here until the design's access
// block expands itself.
func acmeAccess(tree *orgmodel.Tree) *orgmodel.AccessTree {
	admin, readOnly := orgmodel.PresetPermissionSets[0], orgmodel.PresetPermissionSets[2]
	admin.SessionDuration, readOnly.SessionDuration = "PT1H", "PT1H"
	a := &orgmodel.AccessTree{PermissionSets: []orgmodel.PermissionSet{admin, readOnly}}
	teams := map[string]bool{}
	for _, acc := range tree.Accounts {
		if acc.Workload != "" {
			group := acc.Workload + "-team"
			if !teams[group] {
				teams[group] = true
				g := orgmodel.Group{Name: group, Description: "The " + acc.Workload + " team"}
				if acc.Workload == "payments" {
					g.Members = []string{"payments-team@acme.example"}
				}
				a.Groups = append(a.Groups, g)
			}
			ps := "admin"
			if acc.Environment == "prod" {
				ps = "read-only"
			}
			a.Assignments = append(a.Assignments, orgmodel.Assignment{Account: acc.Name, Group: group, PermissionSet: ps})
		}
		a.Assignments = append(a.Assignments,
			orgmodel.Assignment{Account: acc.Name, Group: "platform-admins", PermissionSet: "admin"},
			orgmodel.Assignment{Account: acc.Name, Group: "auditors", PermissionSet: "read-only"})
	}
	a.Groups = append(a.Groups, orgmodel.Group{Name: "platform-admins"}, orgmodel.Group{Name: "auditors"})
	slices.SortFunc(a.Groups, func(x, y orgmodel.Group) int { return strings.Compare(x.Name, y.Name) })
	a.Users = []orgmodel.User{{UserName: "payments-team@acme.example", Email: "payments-team@acme.example", DisplayName: "payments-team",
		GivenName: "payments-team", FamilyName: "acme.example"}}
	return a
}

// accessEnv reads and applies a tree with access on the sandbox, the way
// the cli does: Organizations, then Identity Center.
type accessEnv struct {
	*env
	sb *sandbox.Sandbox
}

func (e *accessEnv) client(tree *orgmodel.Tree) *identitycenter.Client {
	return identitycenter.New(ssoadmin.NewFromConfig(e.target.Config), identitystore.NewFromConfig(e.target.Config), identitycenter.Options{HomeRegion: tree.HomeRegion})
}

func (e *accessEnv) read(tree *orgmodel.Tree, c *identitycenter.Client) *orgmodel.Actual {
	e.t.Helper()
	a := e.env.read()
	access, err := c.Read(context.Background())
	if err != nil {
		e.t.Fatalf("reading Identity Center: %v", err)
	}
	a.Access = access
	return a
}

func (e *accessEnv) apply(tree *orgmodel.Tree, opt apply.Options) (*orgmodel.Plan, error) {
	e.t.Helper()
	c := e.client(tree)
	actual := e.read(tree, c)
	plan := orgmodel.MakePlan(tree, actual)
	opt.PollInitial, opt.PollMax = e.poll, 2*e.poll
	opt.Access = c
	return plan, apply.New(e.orgs, opt).Apply(context.Background(), plan, actual)
}

func (e *accessEnv) plan(tree *orgmodel.Tree) *orgmodel.Plan {
	e.t.Helper()
	return orgmodel.MakePlan(tree, e.read(tree, e.client(tree)))
}

func texts(p *orgmodel.Plan) string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.String())
	}
	return strings.Join(out, "\n  ")
}

// TestAccessOnSandbox: a fresh account to acme with access. Without
// Identity Center apply builds the organization and stops at the click it
// cannot make; after the click the next apply gives access, a second plan
// is empty, and a group dropped from the design loses its assignments of
// orgwizard's permission sets, and nothing else.
func TestAccessOnSandbox(t *testing.T) {
	e0, sb := sandboxEnv(t, "fresh", func(c *sandbox.Config) { c.Speed = 40 })
	e := &accessEnv{env: e0, sb: sb}
	tree := design(t, "acme.yaml", nil)
	tree.Access = acmeAccess(tree)

	plan, err := e.apply(tree, apply.Options{})
	var needed *apply.IdentityCenterNeededError
	if !errors.As(err, &needed) || !strings.Contains(needed.Error(), "https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1") {
		t.Fatalf("apply without Identity Center: %v", err)
	}
	var failures apply.Failures
	if !errors.As(err, &failures) || len(failures) != 1 || plan.Count(orgmodel.StepCreateAccount) != 9 {
		t.Fatalf("apply without Identity Center: %v (%d accounts planned)", err, plan.Count(orgmodel.StepCreateAccount))
	}
	if p := e.plan(tree); p.Count(orgmodel.StepCreateAccount) != 0 || p.Count(orgmodel.StepEnableIdentityCenter) != 1 {
		t.Fatalf("after it, the plan is:\n  %s", texts(p))
	}

	if _, err := sb.EnableIdentityCenter(e.target.AccountID, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	plan, err = e.apply(tree, apply.Options{})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	want := len(tree.Access.Assignments)
	if got := plan.Count(orgmodel.StepCreateAssignment); got != want || want < 25 {
		t.Errorf("%d assignments planned, want %d", got, want)
	}
	if p := e.plan(tree); !p.Empty() {
		t.Fatalf("a second plan:\n  %s", texts(p))
	}

	// auditors leaves the design: its assignments go, the group stays.
	tree.Access.Groups = slices.DeleteFunc(tree.Access.Groups, func(g orgmodel.Group) bool { return g.Name == "auditors" })
	tree.Access.Assignments = slices.DeleteFunc(tree.Access.Assignments, func(a orgmodel.Assignment) bool { return a.Group == "auditors" })
	plan, err = e.apply(tree, apply.Options{})
	if err != nil {
		t.Fatalf("apply without auditors: %v", err)
	}
	if plan.Count(orgmodel.StepDeleteAssignment) != len(tree.Accounts) || len(plan.Steps) != len(tree.Accounts) ||
		!strings.Contains(strings.Join(plan.Warnings, "\n"), "group auditors is no longer in the design") {
		t.Errorf("plan without auditors:\n  %s\nwarnings %q", texts(plan), plan.Warnings)
	}
	if p := e.plan(tree); !p.Empty() {
		t.Fatalf("a second plan:\n  %s", texts(p))
	}
	a := e.read(tree, e.client(tree)).Access
	if !slices.ContainsFunc(a.Groups, func(g orgmodel.ActualGroup) bool { return g.Name == "auditors" }) {
		t.Error("the auditors group was deleted")
	}
	creates := map[string]int{}
	for _, c := range sb.Calls() {
		if c.Outcome == "ok" {
			creates[c.Operation]++
		}
	}
	if creates["CreateGroup"] != 4 || creates["CreateUser"] != 1 || creates["CreatePermissionSet"] != 2 || creates["CreateAccountAssignment"] != want || creates["DeleteAccountAssignment"] != len(tree.Accounts) {
		t.Errorf("the sandbox recorded %v", creates)
	}
}
