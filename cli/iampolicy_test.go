package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/orgwizard/orgwizard/aws/iampolicy"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// checkPurpose holds iam-policy --for purpose to the calls the commands of
// that purpose made: every call is allowed; every action allowed for the
// purpose's own calls was called, but those the sandbox cannot make
// (NotInSandbox) and the ones listed in absent with the reason; an action
// AWS needs on orgwizard's behalf alone (NotCalled) was not called; and
// every call an action is allowed for on orgwizard's behalf was made.
func checkPurpose(t *testing.T, purpose string, calls []sandbox.Call, absent map[string]string) {
	t.Helper()
	code, out, errOut := run(t, "iam-policy", "--for", purpose)
	if code != ExitOK {
		t.Fatalf("iam-policy --for %s: exit %d %s", purpose, code, errOut)
	}
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("iam-policy --for %s: %v\n%s", purpose, err, out)
	}
	var allowed []string
	for _, s := range doc.Statement {
		allowed = append(allowed, s.Action...)
	}
	used := map[string]bool{}
	for _, c := range calls {
		action := iampolicy.ActionFor(c.Service, c.Operation)
		used[action] = true
		if !slices.Contains(allowed, action) {
			t.Errorf("%s: the commands called %s (%s), which iam-policy --for %s does not allow", purpose, action, c.Outcome, purpose)
		}
	}
	for _, a := range iampolicy.For(purpose) {
		calledHere := slices.Contains(iampolicy.CalledIn(a.Name), purpose)
		switch {
		case !slices.Contains(allowed, a.Name):
			t.Errorf("%s: the printed policy lacks %s", purpose, a.Name)
		case a.NotCalled && used[a.Name]:
			t.Errorf("%s: %s is allowed as needed by AWS on orgwizard's behalf alone, yet the commands called it", purpose, a.Name)
		case !calledHere && used[a.Name]:
			t.Errorf("%s: the commands called %s, which iampolicy.CalledIn does not give to %s", purpose, a.Name, purpose)
		case calledHere && a.NotInSandbox == "" && absent[a.Name] == "" && !used[a.Name]:
			t.Errorf("iam-policy --for %s allows %s, which the %s commands never called", purpose, a.Name, purpose)
		}
		for _, n := range a.NeedsIn(purpose) {
			if !used[n.By] && absent[n.By] == "" {
				t.Errorf("%s: %s is allowed for %s, which the commands never called", purpose, a.Name, n.By)
			}
		}
	}
}

// managementCalls splits calls into those made as the management account
// managementID, which the policy must allow, and checks that every other
// is made in a member account as OrganizationAccountAccessRole or in a root
// session: an operation of iampolicy.AssumedRoleAdapters or
// RootSessionAdapters, whose permissions are the role's or AWS's task
// policy's, never the policy's.
func managementCalls(t *testing.T, managementID string, calls []sandbox.Call) []sandbox.Call {
	t.Helper()
	var roleActions []string
	for _, a := range append(slices.Clone(iampolicy.AssumedRoleAdapters), iampolicy.RootSessionAdapters...) {
		roleActions = append(roleActions, a.Actions()...)
	}
	var own []sandbox.Call
	for _, c := range calls {
		if c.Account == managementID {
			own = append(own, c)
		} else if action := iampolicy.ActionFor(c.Service, c.Operation); !slices.Contains(roleActions, action) {
			t.Errorf("the commands called %s in account %s, which neither AssumedRoleAdapters nor RootSessionAdapters declares", action, c.Account)
		}
	}
	return own
}

// TestPolicyPerPurposeIsWhatTheCommandsCall runs every command that acts on
// AWS, end to end, against the sandbox, and holds each part of iam-policy
// to the calls the sandbox recorded: apply's (plan, apply, tree, export
// --live) and audit's through an endpoint, as on AWS, for acme-secure.yaml
// with its full security baseline (and Security Hub turned on, and a trail
// changed by hand, on a later apply); migrate's on the embedded sandbox, its
// only way there. The calls made in log-archive and security-tooling as
// OrganizationAccountAccessRole, and in root sessions, are held to the
// interfaces declared so instead.
func TestPolicyPerPurposeIsWhatTheCommandsCall(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: every command against the sandbox, about 30 s of waiting on AWS-like pacing")
	}
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	acme := filepath.Join(examples, "acme-secure.yaml")
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(dir, "sandbox.json"), Scenario: "fresh", RatePerSecond: -1, CreateAccountDelay: 1,
		// The quota check's fallback: Service Quotas' default when the applied quota does not answer.
		Faults: &sandbox.Faults{ServerErrorShare: 1, Operations: []string{"GetServiceQuota"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	me := sb.Accounts()[0]
	t.Setenv("AWS_ACCESS_KEY_ID", me.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", me.SecretAccessKey)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	must := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append(args, "--endpoint-url", endpoint)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out
	}

	// apply: the organization from nothing, then a change of every kind.
	must("plan", "--design", acme)
	must("apply", "--yes", "--design", acme)
	if err := sb.SetFaults(sandbox.Faults{}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(acme)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), "regions: [eu-west-1, eu-central-1]", "regions: [eu-west-1, eu-central-1, eu-north-1]", 1) // update-policy
	changed = strings.Replace(changed, "cost-center: engineering", "cost-center: platform", 1)                                          // tag-account
	changed = strings.Replace(changed, "denyRootUser: true", "denyRootUser: false", 1)                                                  // detach-policy
	changed2 := filepath.Join(t.TempDir(), "acme.yaml")
	if err := os.WriteFile(changed2, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	out := must("apply", "--yes", "--design", changed2)
	for _, want := range []string{"update policy", "tag account", "detach policy"} {
		if !strings.Contains(out, want) {
			t.Errorf("the second apply has no %q step:\n%s", want, out)
		}
	}
	// A budgets block: budgets and cost categories created, then updated
	// (another default, a workload gone).
	budgeted := changed + "budgets:\n  default: 100\n  environments: {prod: 1000}\n"
	if err := os.WriteFile(changed2, []byte(budgeted), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := must("apply", "--yes", "--design", changed2); !strings.Contains(out, "create cost category") {
		t.Errorf("the apply of a budgets block creates no cost category:\n%s", out)
	}
	budgeted = strings.Replace(budgeted, "default: 100", "default: 120", 1)
	budgeted = strings.Replace(budgeted, "  - name: website\n    description: Marketing site and customer portal\n    residencies: [eu]\n", "", 1)
	if err := os.WriteFile(changed2, []byte(budgeted), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := must("apply", "--yes", "--design", changed2); !strings.Contains(out, "update budget") || !strings.Contains(out, "update cost category") {
		t.Errorf("the second apply of a budgets block updates no budget or cost category:\n%s", out)
	}
	// An access block: without Identity Center apply stops at the click
	// (looking for an instance in every enabled region), then gives access,
	// then a change of every kind.
	accessData, err := os.ReadFile(filepath.Join(examples, "acme-access.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	block := string(accessData)[strings.Index(string(accessData), "\naccess:\n")+1:]
	if err := os.WriteFile(changed2, []byte(changed+block), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "apply", "--yes", "--design", changed2, "--endpoint-url", endpoint); code != ExitUser || !strings.Contains(errOut, "IAM Identity Center, which is not enabled") {
		t.Fatalf("apply before Identity Center: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := sb.EnableIdentityCenter(me.ID, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	must("apply", "--yes", "--design", changed2)
	block = strings.Replace(block, "sessionDuration: PT4H", "sessionDuration: PT8H", 1)
	block = strings.Replace(block, "managedPolicies: [arn:aws:iam::aws:policy/PowerUserAccess]", "managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]", 1)
	block = block[:strings.Index(block, "      inlinePolicy:")] + block[strings.Index(block, "      sessionDuration:"):]
	block = strings.Replace(block, "    - name: payments-team\n", "    - name: payments-team\n      description: The payments team\n", 1)
	block = block[:strings.Index(block, "    - name: auditors")]
	if err := os.WriteFile(changed2, []byte(changed+block), 0o600); err != nil {
		t.Fatal(err)
	}
	out = must("apply", "--yes", "--design", changed2)
	for _, want := range []string{"update permission set deployer", "detach arn:aws:iam::aws:policy/PowerUserAccess", "delete the inline policy",
		"provision permission set deployer", "set the description of group payments-team", "remove the assignment of read-only to group auditors"} {
		if !strings.Contains(out, want) {
			t.Errorf("the apply of the changed access has no %q step:\n%s", want, out)
		}
	}
	// The trail's log file validation turned off by hand (the test's own
	// call, cut out of the record), and Security Hub turned on: apply
	// updates the trail and names Security Hub's administrator.
	before := len(sb.Calls())
	tg, err := target.Open(context.Background(), target.Spec{EndpointURL: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	trail := cloudtrail.NewFromConfig(tg.Config, func(o *cloudtrail.Options) { o.Region = "eu-west-1" })
	if _, err := trail.UpdateTrail(context.Background(), &cloudtrail.UpdateTrailInput{Name: aws.String(orgmodel.TrailName), EnableLogFileValidation: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	tg.Close()
	tampered := len(sb.Calls())
	hub := strings.Replace(changed, "securityHub: false", "securityHub: true ", 1)
	if hub == changed {
		t.Fatal("acme-secure.yaml has no securityHub: false to turn on")
	}
	if err := os.WriteFile(changed2, []byte(hub+block), 0o600); err != nil {
		t.Fatal(err)
	}
	out = must("apply", "--yes", "--design", changed2)
	for _, want := range []string{"update organization trail", "delegated administrator of Security Hub"} {
		if !strings.Contains(out, want) {
			t.Errorf("the apply of the changed baseline has no %q step:\n%s", want, out)
		}
	}
	must("tree")
	must("export", "--live", "--design", acme, "--format", "terraform")
	all := sb.Calls()
	applyCalls := append(all[:before:before], all[tampered:]...)
	mark := len(all)
	const fallback = "a fallback after a conflict or a lost answer, which aws/iampolicy's TestSandboxCallsAreAllowedAndUsed makes happen"
	const suspended = "the management account's own detector found suspended, which aws/iampolicy's TestSandboxCallsAreAllowedAndUsed and TestExistingOrgPartialBaselineConverges make happen"
	checkPurpose(t, iampolicy.ForApply, managementCalls(t, me.ID, applyCalls), map[string]string{
		"identitystore:GetGroupId": fallback, "identitystore:GetUserId": fallback, "sso:ListPermissionSetProvisioningStatus": fallback,
		"guardduty:GetDetector": suspended, "guardduty:UpdateDetector": suspended,
	})

	// costs: the view of that organization, through the endpoint.
	must("costs", "--design", acme, "--refresh")
	costsCalls := sb.Calls()[mark:]
	checkPurpose(t, iampolicy.ForCosts, costsCalls, nil)
	mark = len(sb.Calls())

	// audit: the checklist of that organization, through the endpoint, and
	// the inventory of a management account that runs workloads.
	code, _, errOut := run(t, "audit", "--design", acme, "--endpoint-url", endpoint)
	if code != ExitOK {
		t.Fatalf("audit: exit %d %s", code, errOut)
	}
	auditCalls := managementCalls(t, me.ID, sb.Calls()[mark:])
	dirty := filepath.Join(t.TempDir(), "sandbox.json")
	if code, _, errOut := run(t, "audit", "--design", acme, "--scenario", "dirty-management", "--sandbox-state", dirty); code != ExitOK {
		t.Fatalf("audit on dirty-management: exit %d %s", code, errOut)
	}
	dirtyCalls, err := sandbox.LoadCalls(dirty)
	if err != nil {
		t.Fatal(err)
	}
	checkPurpose(t, iampolicy.ForAudit, append(auditCalls, dirtyCalls...), map[string]string{
		"sso:DescribeAccountAssignmentCreationStatus": "reading Identity Center describes an assignment request only while AWS still has one in progress, and apply waited for them all",
		"sso:DescribeAccountAssignmentDeletionStatus": "reading Identity Center describes an assignment request only while AWS still has one in progress, and apply waited for them all",
	})

	// migrate: way (a) on dirty-management, way (a) refused on
	// existing-org (the old account manages members), and way (b).
	var calls []sandbox.Call
	state := filepath.Join(t.TempDir(), "sandbox.json")
	design := filepath.Join(t.TempDir(), "orgwizard.yaml")
	if err := os.WriteFile(design, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "migrate", "new-management", "--scenario", "dirty-management", "--sandbox-state", state, "--design", design)
	newID := regexp.MustCompile(`--new-account (\d{12})`).FindStringSubmatch(out)
	if code != ExitOK || newID == nil {
		t.Fatalf("migrate new-management: exit %d\n%s", code, out)
	}
	if code, out, errOut := run(t, "migrate", "new-management", "--sandbox-state", state, "--design", design, "--new-account", newID[1], "--yes"); code != ExitOK {
		t.Fatalf("migrate new-management: exit %d\n%s%s", code, out, errOut)
	}
	book := filepath.Join(t.TempDir(), "runbook.md")
	runbookState := filepath.Join(t.TempDir(), "sandbox.json")
	if code, out, errOut := run(t, "migrate", "runbook", "--scenario", "dirty-management", "--sandbox-state", runbookState, "--design", acme, "--out", book); code != ExitOK {
		t.Fatalf("migrate runbook: exit %d\n%s%s", code, out, errOut)
	}
	blockedState := filepath.Join(t.TempDir(), "sandbox.json")
	if code, _, errOut := run(t, "sandbox", "reset", "--scenario", "existing-org", "--sandbox-state", blockedState); code != ExitOK {
		t.Fatal(errOut)
	}
	partner := ""
	if b, err := sandbox.Open(sandbox.Config{StatePath: blockedState}); err == nil {
		for _, a := range b.Accounts() {
			if a.Role == "standalone" {
				partner = a.ID
			}
		}
		b.Close()
	}
	if code, _, errOut := run(t, "migrate", "new-management", "--sandbox-state", blockedState, "--new-account", partner, "--yes",
		"--design", filepath.Join(t.TempDir(), "none.yaml")); code != ExitUser {
		t.Fatalf("migrate new-management on existing-org: exit %d %s", code, errOut)
	}
	for _, s := range []string{state, runbookState, blockedState} {
		c, err := sandbox.LoadCalls(s)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, c...)
	}
	checkPurpose(t, iampolicy.ForMigrate, calls, map[string]string{
		"organizations:ListPolicies":         "reading the organization lists policies only once service control policies are enabled, which apply does, not migrate",
		"organizations:DescribePolicy":       "reading the organization compares customer policies, and the new organization has none until apply",
		"organizations:ListTargetsForPolicy": "reading the organization lists customer policies' targets, and the new organization has none until apply",
		"sts:GetCallerIdentity":              "on the embedded sandbox (migrate's --new-account) the target knows its account; with --new-profile on AWS, it asks STS as apply and audit do",
	})
}
