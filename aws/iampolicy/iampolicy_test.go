package iampolicy

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// adapterActions is every operation the adapter interfaces declare, as IAM
// actions.
func adapterActions(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, a := range Adapters {
		if a.API.Kind().String() != "interface" {
			t.Fatalf("%s: %v is not an interface", a.Service, a.API)
		}
		if a.API.NumMethod() == 0 {
			t.Fatalf("%s: %v has no methods", a.Service, a.API)
		}
		out = append(out, a.Actions()...)
	}
	slices.Sort(out)
	return out
}

// The list and the adapters cannot drift: every method of every adapter
// interface has its action, and every action that orgwizard calls itself is
// a method of one.
func TestActionsAreExactlyTheAdapterOperations(t *testing.T) {
	var called []string
	for _, a := range Actions {
		if a.ImpliedBy == "" {
			called = append(called, a.Name)
		}
	}
	slices.Sort(called)
	want := adapterActions(t)
	for _, name := range want {
		if !slices.Contains(called, name) {
			t.Errorf("the adapters call %s, which Actions does not list", name)
		}
	}
	for _, name := range called {
		if !slices.Contains(want, name) {
			t.Errorf("Actions lists %s, which no adapter interface declares: remove it", name)
		}
	}
	// The reflection itself is checked against names known by hand, so a
	// broken Adapters table cannot make the comparison vacuous.
	for _, must := range []string{"organizations:CreateAccount", "organizations:DescribeOrganization", "servicequotas:GetServiceQuota", "sts:GetCallerIdentity"} {
		if !slices.Contains(want, must) {
			t.Errorf("the adapters' operations lack %s", must)
		}
	}
}

func TestImpliedActionsSayWhyAndWhere(t *testing.T) {
	names := Names()
	for _, a := range Actions {
		if a.Why == "" {
			t.Errorf("%s has no reason", a.Name)
		}
		if a.ImpliedBy == "" {
			continue
		}
		if !slices.Contains(names, a.ImpliedBy) {
			t.Errorf("%s is implied by %s, which the policy does not allow", a.Name, a.ImpliedBy)
		}
		if !strings.HasPrefix(a.Source, "https://docs.aws.amazon.com/") {
			t.Errorf("%s: the source %q is not AWS documentation", a.Name, a.Source)
		}
	}
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("%s is listed twice", names[i])
		}
	}
}

func TestPolicyDocument(t *testing.T) {
	b, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Sid       string
			Effect    string
			Action    []string
			Resource  string
			Condition map[string]map[string]string
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not a policy document: %v\n%s", err, b)
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("Version %q", doc.Version)
	}
	var all []string
	sids := map[string]bool{}
	for _, s := range doc.Statement {
		// Only migrate's access role narrows the resource; everything
		// else acts on resources that do not exist yet or on none.
		if s.Effect != "Allow" || (s.Resource != "*" && s.Resource != "arn:aws:iam::*:role/OrganizationAccountAccessRole") || len(s.Action) == 0 {
			t.Errorf("statement %s: %+v", s.Sid, s)
		}
		if sids[s.Sid] || s.Sid == "" || strings.Trim(s.Sid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			t.Errorf("Sid %q is empty, repeated or not alphanumeric", s.Sid)
		}
		sids[s.Sid] = true
		if !slices.IsSorted(s.Action) {
			t.Errorf("statement %s: actions not sorted: %v", s.Sid, s.Action)
		}
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("statement %s allows a wildcard %s", s.Sid, a)
			}
			// IAM writes are privilege escalation unless narrowed: to
			// Organizations' service-linked role, or to the access role
			// (and, for attaching, to AdministratorAccess alone).
			iamWrite := strings.HasPrefix(a, "iam:") && !strings.HasPrefix(a, "iam:List") && !strings.HasPrefix(a, "iam:Get")
			switch {
			case iamWrite && a == "iam:CreateServiceLinkedRole":
				if s.Condition["StringEquals"]["iam:AWSServiceName"] != "organizations.amazonaws.com" {
					t.Errorf("%s is not limited to Organizations' service-linked role: %v", a, s.Condition)
				}
			case iamWrite && slices.Contains([]string{"iam:EnableOrganizationsRootCredentialsManagement", "iam:EnableOrganizationsRootSessions"}, a):
				// Centralized root access is a setting of the organization,
				// not of a role or user: the two calls take no input, so
				// there is no resource to narrow them to.
			case iamWrite:
				if s.Resource == "*" {
					t.Errorf("%s is allowed on every resource", a)
				}
				if a == "iam:AttachRolePolicy" && s.Condition["ArnEquals"]["iam:PolicyARN"] != "arn:aws:iam::aws:policy/AdministratorAccess" {
					t.Errorf("%s may attach any policy: %v", a, s.Condition)
				}
			}
		}
		all = append(all, s.Action...)
	}
	slices.Sort(all)
	if !slices.Equal(all, Names()) {
		t.Errorf("the document allows %v\nwant %v", all, Names())
	}
}

// The README says the policy holds nothing that deletes, removes, closes or
// leaves, but apply's lease tag and, in Identity Center, an assignment or an
// inline policy of orgwizard's own permission sets; and that the
// inventory's part only reads.
func TestPolicyNeverDeletes(t *testing.T) {
	removes := []string{"organizations:UntagResource", "sso:DeleteAccountAssignment", "sso:DeleteInlinePolicyFromPermissionSet"}
	for _, name := range Names() {
		_, op, _ := strings.Cut(name, ":")
		for _, verb := range []string{"Delete", "Remove", "Close", "Leave", "Disable", "Untag"} {
			if strings.HasPrefix(op, verb) && !slices.Contains(removes, name) {
				t.Errorf("the policy allows %s", name)
			}
		}
	}
	for _, a := range For(ForAudit) {
		_, op, _ := strings.Cut(a.Name, ":")
		switch {
		case a.Name == "sts:AssumeRole":
			// It enters log-archive and security-tooling to read the
			// baseline there: the access role only, never another.
			if a.Resource != accessRoleARN {
				t.Errorf("audit may assume %q, not only the access role", a.Resource)
			}
		case a.Name == "sts:AssumeRoot":
			// A root session that can only list the root user's credentials.
			if got := a.Condition["StringEquals"]["sts:TaskPolicyArn"]; got != "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials" {
				t.Errorf("audit's root sessions are not held to the audit task policy: %v", a.Condition)
			}
		case !readOnly(op):
			t.Errorf("audit's policy allows %s, which changes something", a.Name)
		}
	}
}

// What orgwizard does inside log-archive and security-tooling is done as
// OrganizationAccountAccessRole: the README says the policy holds none of
// it, and this holds the policy to that.
func TestAssumedRoleCallsAreNotInThePolicy(t *testing.T) {
	names := Names()
	n := 0
	for _, a := range AssumedRoleAdapters {
		for _, action := range a.Actions() {
			n++
			if slices.Contains(names, action) {
				t.Errorf("the policy allows %s, which orgwizard calls only as OrganizationAccountAccessRole", action)
			}
		}
	}
	if n < 20 {
		t.Errorf("the assumed-role adapters declare %d operations", n)
	}
	if !slices.ContainsFunc(For(ForApply), func(a Action) bool { return a.Name == "sts:AssumeRole" && a.Resource == accessRoleARN }) {
		t.Error("apply's policy does not let the management account assume OrganizationAccountAccessRole, and only it")
	}
}
