package iampolicy

import (
	"bytes"
	"encoding/json"
	"regexp"
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
// interface has its action, and every action but those AWS needs on
// orgwizard's behalf alone (NotCalled) is a method of one.
func TestActionsAreExactlyTheAdapterOperations(t *testing.T) {
	var called []string
	for _, a := range Actions {
		if !a.NotCalled {
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

// Every action says why; every one AWS needs on orgwizard's behalf names
// the call it is needed for, which orgwizard makes and the policy allows,
// and the AWS page that says so; and what orgwizard never calls is there
// for such a call only.
func TestOnBehalfActionsSayWhyAndWhere(t *testing.T) {
	names := Names()
	onBehalf := 0
	for _, a := range Actions {
		if a.Why == "" {
			t.Errorf("%s has no reason", a.Name)
		}
		if a.NotCalled && len(a.OnBehalf) == 0 {
			t.Errorf("%s is never called, yet is needed on behalf of no call: remove it", a.Name)
		}
		for _, n := range a.OnBehalf {
			onBehalf++
			by, ok := action(n.By)
			switch {
			case !slices.Contains(names, n.By):
				t.Errorf("%s is needed for %s, which the policy does not allow", a.Name, n.By)
			case !ok || by.NotCalled || len(CalledIn(n.By)) == 0:
				t.Errorf("%s is needed for %s, which orgwizard does not call", a.Name, n.By)
			case n.By == a.Name:
				t.Errorf("%s is needed for itself", a.Name)
			}
			if !strings.HasPrefix(n.Source, "https://docs.aws.amazon.com/") {
				t.Errorf("%s for %s: the source %q is not AWS documentation", a.Name, n.By, n.Source)
			}
		}
	}
	if onBehalf < 15 {
		t.Errorf("only %d needs on orgwizard's behalf; AWS's pages name more", onBehalf)
	}
	for i := 1; i < len(names); i++ {
		if names[i] == names[i-1] {
			t.Errorf("%s is listed twice", names[i])
		}
	}
	// An action needed on behalf of a call is in that call's purposes.
	if got := PurposesOf("organizations:ListAccounts"); !slices.Contains(got, ForApply) || !slices.Contains(got, ForMigrate) || slices.Contains(got, ForAudit) {
		t.Errorf("organizations:ListAccounts serves %v, want apply (GuardDuty, CloudTrail) and migrate (its own call)", got)
	}
	if got := CalledIn("organizations:ListAccounts"); !slices.Equal(got, []string{ForMigrate}) {
		t.Errorf("organizations:ListAccounts is called in %v, want migrate alone", got)
	}
	// The README: what AWS does as orgwizard is apply's (and all's); of it
	// migrate has Organizations' service-linked role alone, audit and costs
	// nothing.
	for _, p := range []string{ForAudit, ForCosts, ForMigrate} {
		for _, a := range For(p) {
			for _, n := range a.NeedsIn(p) {
				if p != ForMigrate || a.Name != "iam:CreateServiceLinkedRole" || n.By != "organizations:CreateOrganization" {
					t.Errorf("--for %s allows %s on behalf of %s", p, a.Name, n.By)
				}
			}
		}
	}
}

// The service-linked roles AWS creates as orgwizard: exactly those of the
// services whose calls need them in each purpose, and no other.
func TestServiceLinkedRolesAreThoseOfTheServicesUsed(t *testing.T) {
	want := map[string][]string{
		ForApply:   {"cloudtrail.amazonaws.com", "guardduty.amazonaws.com", "organizations.amazonaws.com"},
		ForMigrate: {"organizations.amazonaws.com"},
		ForAll:     {"cloudtrail.amazonaws.com", "guardduty.amazonaws.com", "organizations.amazonaws.com"},
		ForAudit:   nil,
		ForCosts:   nil,
	}
	for _, p := range Purposes {
		var got []string
		n := 0
		for _, s := range PolicyFor(p).Statement {
			if slices.Contains(s.Action, "iam:CreateServiceLinkedRole") {
				n++
				if len(s.Action) != 1 || len(s.Condition) != 1 || len(s.Condition["StringEquals"]) != 1 {
					t.Errorf("%s: the statement of iam:CreateServiceLinkedRole is not held to iam:AWSServiceName alone: %+v", p, s)
				}
				got = append(got, s.Condition["StringEquals"]["iam:AWSServiceName"]...)
			}
		}
		if n > 1 {
			t.Errorf("%s: iam:CreateServiceLinkedRole is in %d statements", p, n)
		}
		if !slices.Equal(got, want[p]) {
			t.Errorf("--for %s lets AWS create the service-linked roles of %v, want %v", p, got, want[p])
		}
	}
	// CloudTrail reads service-linked roles only; migrate its access role only.
	for p, want := range map[string][]string{ForApply: {serviceLinkedRoles}, ForMigrate: {accessRoleARN}, ForAll: {accessRoleARN, serviceLinkedRoles}} {
		for _, s := range PolicyFor(p).Statement {
			if slices.Contains(s.Action, "iam:GetRole") && !slices.Equal([]string(s.Resource), want) {
				t.Errorf("--for %s allows iam:GetRole on %v, want %v", p, s.Resource, want)
			}
		}
	}
}

// Every part of the policy is a valid IAM policy document that IAM accepts
// as a customer managed policy: within its 6,144 characters, whitespace not
// counted.
func TestPolicyFitsAManagedPolicy(t *testing.T) {
	action := regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)
	resource := regexp.MustCompile(`^(\*|arn:aws:[a-z0-9-]+:[a-z0-9-]*:[0-9*]*:[A-Za-z0-9/*._+=,@-]+)$`)
	for _, p := range Purposes {
		b, err := JSONFor(p)
		if err != nil {
			t.Fatal(err)
		}
		if size := Size(b); size > MaxManagedPolicySize {
			t.Errorf("--for %s is %d characters without whitespace, over IAM's %d for a managed policy", p, size, MaxManagedPolicySize)
		} else {
			t.Logf("--for %s: %d of %d characters", p, size, MaxManagedPolicySize)
		}
		// Size counts what IAM counts: the document compacted.
		var compact bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			t.Fatalf("--for %s is not JSON: %v", p, err)
		}
		if Size(b) != compact.Len() {
			t.Errorf("--for %s: Size says %d, the compacted document is %d", p, Size(b), compact.Len())
		}
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if len(doc) != 2 || doc["Version"] != "2012-10-17" {
			t.Errorf("--for %s: the document has %v, want Version 2012-10-17 and Statement only", p, doc)
		}
		stmts, _ := doc["Statement"].([]any)
		if len(stmts) == 0 {
			t.Fatalf("--for %s has no statements", p)
		}
		strs := func(v any) []string {
			switch v := v.(type) {
			case string:
				return []string{v}
			case []any:
				var out []string
				for _, e := range v {
					s, ok := e.(string)
					if !ok {
						return nil
					}
					out = append(out, s)
				}
				return out
			}
			return nil
		}
		for _, raw := range stmts {
			st, _ := raw.(map[string]any)
			for k := range st {
				if !slices.Contains([]string{"Sid", "Effect", "Action", "Resource", "Condition"}, k) {
					t.Errorf("--for %s: statement element %q", p, k)
				}
			}
			if st["Effect"] != "Allow" {
				t.Errorf("--for %s: Effect %v", p, st["Effect"])
			}
			acts := strs(st["Action"])
			if len(acts) == 0 {
				t.Errorf("--for %s: statement %v has no actions", p, st["Sid"])
			}
			for _, a := range acts {
				if !action.MatchString(a) {
					t.Errorf("--for %s: %q is not an IAM action", p, a)
				}
			}
			res := strs(st["Resource"])
			if len(res) == 0 {
				t.Errorf("--for %s: statement %v has no resource", p, st["Sid"])
			}
			for _, r := range res {
				if !resource.MatchString(r) {
					t.Errorf("--for %s: %q is not a resource ARN", p, r)
				}
			}
			if c, ok := st["Condition"]; ok {
				ops, _ := c.(map[string]any)
				for op, kv := range ops {
					if !slices.Contains([]string{"StringEquals", "ArnEquals"}, op) {
						t.Errorf("--for %s: condition operator %q", p, op)
					}
					keys, _ := kv.(map[string]any)
					for k, v := range keys {
						if !strings.Contains(k, ":") || len(strs(v)) == 0 {
							t.Errorf("--for %s: condition %s %s: %v", p, op, k, v)
						}
					}
				}
			}
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
			Resource  Values
			Condition map[string]map[string]Values
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
		// Only migrate's access role and the service-linked roles narrow
		// the resource; everything else acts on resources that do not
		// exist yet or on none.
		if s.Effect != "Allow" || len(s.Action) == 0 || len(s.Resource) == 0 {
			t.Errorf("statement %s: %+v", s.Sid, s)
		}
		for _, r := range s.Resource {
			if r != "*" && r != "arn:aws:iam::*:role/OrganizationAccountAccessRole" && r != serviceLinkedRoles {
				t.Errorf("statement %s: resource %s", s.Sid, r)
			}
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
				// TestServiceLinkedRolesAreThoseOfTheServicesUsed says which.
				if len(s.Condition["StringEquals"]["iam:AWSServiceName"]) == 0 {
					t.Errorf("%s is not limited to some services' service-linked roles: %v", a, s.Condition)
				}
			case iamWrite && slices.Contains([]string{"iam:EnableOrganizationsRootCredentialsManagement", "iam:EnableOrganizationsRootSessions"}, a):
				// Centralized root access is a setting of the organization,
				// not of a role or user: the two calls take no input, so
				// there is no resource to narrow them to.
			case iamWrite:
				if slices.Contains(s.Resource, "*") {
					t.Errorf("%s is allowed on every resource", a)
				}
				if a == "iam:AttachRolePolicy" && !slices.Equal(s.Condition["ArnEquals"]["iam:PolicyARN"], Values{"arn:aws:iam::aws:policy/AdministratorAccess"}) {
					t.Errorf("%s may attach any policy: %v", a, s.Condition)
				}
			}
		}
		all = append(all, s.Action...)
	}
	// The README: what is allowed on every resource without a condition is
	// in two statements, Read (only reading) and Change; every other
	// statement is one action's.
	for _, s := range doc.Statement {
		plain := slices.Equal(s.Resource, Values{"*"}) && s.Condition == nil
		switch {
		case plain && (s.Sid == "Read" || s.Sid == "Change"):
			for _, a := range s.Action {
				if _, op, _ := strings.Cut(a, ":"); readOnly(op) != (s.Sid == "Read") {
					t.Errorf("%s is in statement %s", a, s.Sid)
				}
			}
		case plain:
			t.Errorf("statement %s allows %v on every resource without a condition, outside Read and Change", s.Sid, s.Action)
		case len(s.Action) != 1 || s.Sid == "Read" || s.Sid == "Change":
			t.Errorf("the narrowed statement %s holds %v", s.Sid, s.Action)
		}
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
	// An action the management account calls as well (GuardDuty's
	// ListDetectors and CreateDetector, for its own detector) is the
	// policy's by that call.
	var own []string
	for _, a := range Adapters {
		own = append(own, a.Actions()...)
	}
	n := 0
	for _, a := range AssumedRoleAdapters {
		for _, action := range a.Actions() {
			n++
			if slices.Contains(names, action) && !slices.Contains(own, action) {
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
