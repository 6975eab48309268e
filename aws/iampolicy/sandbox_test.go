package iampolicy_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/budgets"
	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/aws/iampolicy"
	"github.com/orgwizard/orgwizard/aws/iamusers"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/cli"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// TestSandboxCallsAreAllowedAndUsed applies acme-budgets.yaml to a fresh sandbox
// through the AWS target path (credentials, sts, the real clients and the
// apply engine), then changes the design so that the update, detach and tag
// steps run, and takes the quota check's fallback; applies and audits
// acme-secure.yaml's security baseline on another (baselineCalls). Every
// call the sandbox recorded as the management account must be allowed by
// the policy, and every action the policy allows must have been called, but
// for those AWS needs on orgwizard's behalf alone, whose calls must have
// been made instead.
func TestSandboxCallsAreAllowedAndUsed(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.Open(sandbox.Config{
		StatePath:          filepath.Join(t.TempDir(), "sandbox.json"),
		Scenario:           "fresh",
		CreateAccountDelay: 40 * time.Millisecond,
		RatePerSecond:      -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop() })

	// The sandbox as an --endpoint-url target, so that target.Open asks STS
	// who the credentials are, exactly as against AWS.
	me := sb.Accounts()[0]
	t.Setenv("AWS_ACCESS_KEY_ID", me.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", me.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	tg, err := target.Open(ctx, target.Spec{EndpointURL: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if tg.AccountID != me.ID {
		t.Fatalf("target says account %s, the sandbox's first is %s", tg.AccountID, me.ID)
	}
	client := orgs.New(organizations.NewFromConfig(tg.Config, func(o *organizations.Options) {
		o.APIOptions = append(o.APIOptions, orgs.ObserveAttempts)
	}), 8)
	quota := servicequotas.NewFromConfig(tg.Config)
	billing := budgets.New(awsbudgets.NewFromConfig(tg.Config), costexplorer.NewFromConfig(tg.Config), tg.AccountID)

	applyDesign := func(edit func(*orgmodel.Design)) {
		t.Helper()
		data, err := os.ReadFile("../../examples/acme-budgets.yaml")
		if err != nil {
			t.Fatal(err)
		}
		d, err := orgmodel.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(d)
		}
		tree, err := d.Expand()
		if err != nil {
			t.Fatal(err)
		}
		actual, err := client.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if actual.Organization != nil {
			if actual.Billing, err = billing.Read(ctx); err != nil {
				t.Fatal(err)
			}
		}
		plan := orgmodel.MakePlan(tree, actual)
		err = apply.New(client, apply.Options{
			Billing:     billing,
			PollInitial: 2 * time.Millisecond,
			PollMax:     4 * time.Millisecond,
			Quota: func(ctx context.Context) (int, string, error) {
				n, src := orgs.AccountQuota(ctx, quota, apply.DefaultAccountQuota)
				return n, src, nil
			},
		}).Apply(ctx, plan, actual)
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
	}
	applyDesign(nil)
	// The second apply holds the organization's lease, as orgwizard apply does.
	root, err := client.RootID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lease, err := apply.AcquireLease(ctx, client, root, apply.LeaseOptions{Holder: "test", Settle: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	applyDesign(func(d *orgmodel.Design) {
		d.Residencies[0].Regions = append(d.Residencies[0].Regions, "eu-north-1") // update-policy
		d.Guardrails.DenyRootUser = false                                         // detach-policy
		d.Tags[0].Value = "platform"                                              // tag-account
		d.Budgets.Default = 120                                                   // update-budget
		d.Workloads, d.Budgets.Workloads = d.Workloads[:1], nil                   // update-cost-category
	})
	if err := lease.Release(ctx); err != nil {
		t.Fatal(err)
	}

	// The quota check falls back to AWS's default when the applied quota
	// does not answer.
	if err := sb.SetFaults(sandbox.Faults{ServerErrorShare: 1, Operations: []string{"GetServiceQuota"}}); err != nil {
		t.Fatal(err)
	}
	if _, src := orgs.AccountQuota(ctx, quota, apply.DefaultAccountQuota); src != "Service Quotas' default" {
		t.Errorf("the quota came from %q; the fallback did not run", src)
	}
	if err := sb.SetFaults(sandbox.Faults{}); err != nil {
		t.Fatal(err)
	}

	// The cost view of the organization just applied.
	spend := costs.New(costexplorer.NewFromConfig(tg.Config))
	today := time.Now().UTC().Truncate(24 * time.Hour)
	if _, err := spend.DailyByAccount(ctx, today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := spend.Forecast(ctx, today, today.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}

	accessCalls(t, sb, tg, client)

	own, inMembers := baselineCalls(t)
	calls := append(append(sb.Calls(), migrationCalls(t)...), own...)
	// What orgwizard does in member accounts it does as
	// OrganizationAccountAccessRole or in a root session, never with the
	// policy's permissions: each such call is an operation of the
	// interfaces said to be called so.
	var roleActions []string
	for _, a := range append(slices.Clone(iampolicy.AssumedRoleAdapters), iampolicy.RootSessionAdapters...) {
		for _, action := range a.Actions() {
			roleActions = append(roleActions, action)
		}
	}
	if len(inMembers) == 0 {
		t.Error("the baseline made no call in a member account")
	}
	for _, c := range inMembers {
		if action := iampolicy.ActionFor(c.Service, c.Operation); !slices.Contains(roleActions, action) {
			t.Errorf("orgwizard called %s in member account %s, which neither AssumedRoleAdapters nor RootSessionAdapters declares", action, c.Account)
		}
	}
	allowed := iampolicy.Names()
	used := map[string]bool{}
	for _, c := range calls {
		action := iampolicy.ActionFor(c.Service, c.Operation)
		used[action] = true
		if !slices.Contains(allowed, action) {
			t.Errorf("the sandbox recorded %s (%s), which iam-policy does not allow", action, c.Outcome)
		}
	}
	if len(used) == 0 {
		t.Fatal("the sandbox recorded no calls")
	}
	for _, a := range iampolicy.Actions {
		switch {
		case a.NotCalled && used[a.Name]:
			t.Errorf("%s is listed as needed by AWS on orgwizard's behalf alone, yet orgwizard called it", a.Name)
		case a.NotInSandbox != "" && used[a.Name]:
			t.Errorf("%s is said not to be called in the sandbox (%s), yet it was", a.Name, a.NotInSandbox)
		case !a.NotCalled && a.NotInSandbox == "" && !used[a.Name]:
			t.Errorf("iam-policy allows %s, which applying acme-budgets.yaml and acme-secure.yaml, the cost view, the inventory, audit and the migrations never called", a.Name)
		}
		// Each call an action is needed for was made: no need is kept for
		// a call orgwizard does not make.
		for _, n := range a.OnBehalf {
			if !used[n.By] {
				t.Errorf("%s is allowed for %s, which this run never called", a.Name, n.By)
			}
		}
	}
}

// migrationCalls runs what the audit and the ways out call, through the
// real clients: the inventory of the dirty-management scenario's account
// and audit's read of its IAM users, migrate new-management there, and the
// same against an old account that manages members (which stops after
// explaining). It returns every call the
// two sandboxes recorded.
func migrationCalls(t *testing.T) []sandbox.Call {
	t.Helper()
	ctx := context.Background()
	var calls []sandbox.Call
	for _, sc := range []struct{ scenario, oldRole, newRole string }{
		{"dirty-management", "standalone-with-workloads", "new-management"},
		{"existing-org", "management", "standalone"},
	} {
		sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: sc.scenario, RatePerSecond: -1})
		if err != nil {
			t.Fatal(err)
		}
		var oldID, newID string
		for _, a := range sb.Accounts() {
			switch a.Role {
			case sc.oldRole:
				oldID = a.ID
			case sc.newRole:
				newID = a.ID
			}
		}
		oldT, err := target.ForSandboxAccount(sb, oldID, target.Spec{})
		if err != nil {
			t.Fatal(err)
		}
		newT, err := target.ForSandboxAccount(sb, newID, target.Spec{})
		if err != nil {
			t.Fatal(err)
		}
		clients := inventory.NewClients(oldT.Config)
		if _, err := inventory.New(clients, inventory.Options{}).Sweep(ctx, oldID); err != nil {
			t.Fatal(err)
		}
		clients.Close()
		// audit's read of how the account's IAM users sign in.
		users, err := iamusers.Read(ctx, awsiam.NewFromConfig(oldT.Config))
		if err != nil {
			t.Fatalf("%s: the IAM users: %v", sc.scenario, err)
		}
		if sc.scenario == "dirty-management" && (len(users) != 1 || !users[0].ConsolePassword || len(users[0].ActiveAccessKeys) != 1) {
			t.Errorf("dirty-management's IAM users: %+v, want ci-deployer with a console password and one active key", users)
		}
		err = migrate.FromConfigs(newT.Config, newID, oldT.Config, oldID, "legacy").Run(ctx, nil)
		var blocked *migrate.BlockedError
		if sc.scenario == "dirty-management" && err != nil || sc.scenario == "existing-org" && !errors.As(err, &blocked) {
			t.Fatalf("%s: migrate: %v", sc.scenario, err)
		}
		calls = append(calls, sb.Calls()...)
		oldT.Close()
		newT.Close()
		sb.Close()
	}
	return calls
}

// accessCalls applies examples/acme-access.yaml's access to the
// organization just built, through the real clients: first without
// Identity Center (looked for in every enabled region), then with it, a
// group and a user of the design's names already there (adopted), then a
// change of every kind (a description, a session duration, a managed
// policy swapped, the inline policy gone, a group's grants gone), and a
// provisioning whose answers are lost (looked up before it is sent again).
func accessCalls(t *testing.T, sb *sandbox.Sandbox, tg *target.Target, org *orgs.Client) {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile("../../examples/acme-access.yaml")
	if err != nil {
		t.Fatal(err)
	}
	design, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var between func() // runs after the read, before the apply
	apply1 := func(edit func(*orgmodel.Design)) error {
		t.Helper()
		d := *design
		a := *design.Access
		a.PermissionSets = slices.Clone(a.PermissionSets)
		a.Groups = slices.Clone(a.Groups)
		d.Access = &a
		if edit != nil {
			edit(&d)
		}
		tree, err := d.Expand()
		if err != nil {
			t.Fatal(err)
		}
		ic := identitycenter.NewFromConfig(tg.Config, identitycenter.Options{HomeRegion: tree.HomeRegion})
		actual, err := org.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if actual.Access, err = ic.Read(ctx); err != nil {
			t.Fatal(err)
		}
		if between != nil {
			between()
			between = nil
		}
		return apply.New(org, apply.Options{Access: ic, PollInitial: 2 * time.Millisecond, PollMax: 4 * time.Millisecond}).
			Apply(ctx, orgmodel.MakePlan(tree, actual), actual)
	}
	var needed *apply.IdentityCenterNeededError
	if err := apply1(nil); !errors.As(err, &needed) {
		t.Fatalf("apply without Identity Center: %v", err)
	}
	info, err := sb.EnableIdentityCenter(tg.AccountID, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	// A group and a user of the design's names made between the read and
	// the creates: the creates conflict and adopt them.
	store := identitystore.NewFromConfig(tg.Config)
	between = func() {
		if _, err := store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: aws.String(info.IdentityStoreID), DisplayName: aws.String("auditors")}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: aws.String(info.IdentityStoreID), UserName: aws.String("carla@acme.example"),
			DisplayName: aws.String("carla"), Name: &idtypes.Name{GivenName: aws.String("carla"), FamilyName: aws.String("acme")}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := apply1(nil); err != nil {
		t.Fatalf("apply with Identity Center: %v", err)
	}
	change := func(d *orgmodel.Design) {
		ps := &d.Access.PermissionSets[0]
		ps.SessionDuration = "PT8H"
		ps.ManagedPolicies = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
		ps.InlinePolicy = ""
		d.Access.Groups[0].Description = "The payments team"
		d.Access.Groups = slices.DeleteFunc(d.Access.Groups, func(g orgmodel.GroupSpec) bool { return g.Name == "auditors" })
	}
	if err := apply1(change); err != nil {
		t.Fatalf("apply of the changes: %v", err)
	}
	// A provisioning whose answers are lost: looked up each time, then
	// given up; the next apply, the fault gone, finishes it.
	if err := sb.SetFaults(sandbox.Faults{ServerErrorShare: 1, Operations: []string{"ProvisionPermissionSet"}}); err != nil {
		t.Fatal(err)
	}
	again := func(d *orgmodel.Design) { change(d); d.Access.PermissionSets[0].SessionDuration = "PT2H" }
	if err := apply1(again); err == nil || !strings.Contains(err.Error(), "went unanswered") {
		t.Fatalf("apply with provisioning answers lost: %v", err)
	}
	if err := sb.SetFaults(sandbox.Faults{}); err != nil {
		t.Fatal(err)
	}
	if err := apply1(again); err != nil {
		t.Fatalf("apply after the fault: %v", err)
	}
}

// baselineCalls runs the commands a user runs for acme-secure.yaml's
// security baseline, end to end through cli.Main against a fresh sandbox
// served at an endpoint, as on AWS: apply (trusted access, the log bucket
// and the organization trail, GuardDuty, Access Analyzer, centralized root
// access, the contacts); then, the trail's log file validation turned off
// by hand and Security Hub turned on in the design, apply again (the trail
// updated, Security Hub's administrator named); plan; audit (the baseline's
// reads and the members' root credentials through root sessions). It
// returns the calls made as the management account, and those made in
// member accounts, as OrganizationAccountAccessRole or a root session.
func baselineCalls(t *testing.T) (own, inMembers []sandbox.Call) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(dir, "sandbox.json"), Scenario: "fresh", RatePerSecond: -1, CreateAccountDelay: time.Millisecond})
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
	run := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		code := cli.Main(ctx, cli.Build{Version: "test"}, append(args, "--endpoint-url", endpoint), strings.NewReader(""), &out, &errOut)
		if code != cli.ExitOK {
			t.Fatalf("orgwizard %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
		}
		return out.String()
	}
	secure, err := os.ReadFile("../../examples/acme-secure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	design := filepath.Join(dir, "acme-secure.yaml")
	if err := os.WriteFile(design, secure, 0o600); err != nil {
		t.Fatal(err)
	}
	// The management account tried GuardDuty in us-east-1 before and
	// suspended it: apply turns it back on (GetDetector, UpdateDetector).
	// The test's own calls are left out of the record.
	tg, err := target.Open(ctx, target.Spec{EndpointURL: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := guardduty.NewFromConfig(tg.Config, func(o *guardduty.Options) { o.Region = "us-east-1" }).CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	tg.Close()
	suspended := len(sb.Calls())
	if out := run("apply", "--yes", "--design", design); !strings.Contains(out, "create organization trail") {
		t.Errorf("the first apply of acme-secure creates no trail:\n%s", out)
	}

	// Log file validation turned off by hand: the test's own call, left
	// out of the record.
	before := len(sb.Calls())
	tg, err = target.Open(ctx, target.Spec{EndpointURL: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	trail := cloudtrail.NewFromConfig(tg.Config, func(o *cloudtrail.Options) { o.Region = "eu-west-1" })
	if _, err := trail.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String(orgmodel.TrailName), EnableLogFileValidation: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	tg.Close()
	tampered := len(sb.Calls())

	on := strings.Replace(string(secure), "securityHub: false", "securityHub: true ", 1)
	if on == string(secure) {
		t.Fatal("acme-secure.yaml has no securityHub: false to turn on")
	}
	if err := os.WriteFile(design, []byte(on), 0o600); err != nil {
		t.Fatal(err)
	}
	out := run("apply", "--yes", "--design", design)
	for _, want := range []string{"update organization trail", "delegated administrator of Security Hub"} {
		if !strings.Contains(out, want) {
			t.Errorf("the second apply of acme-secure has no %q step:\n%s", want, out)
		}
	}
	if out := run("plan", "--design", design); !strings.Contains(out, "Nothing to do") {
		t.Errorf("a third plan has something to do:\n%s", out)
	}
	var auditOut, auditErr bytes.Buffer
	if code := cli.Main(ctx, cli.Build{Version: "test"}, []string{"audit", "--design", design, "--endpoint-url", endpoint}, strings.NewReader(""), &auditOut, &auditErr); code != cli.ExitOK {
		t.Fatalf("audit: exit %d\n%s%s", code, auditOut.String(), auditErr.String())
	}

	calls := sb.Calls()
	calls = append(slices.Clone(calls[suspended:before]), calls[tampered:]...)
	for _, c := range calls {
		if c.Account == me.ID {
			own = append(own, c)
		} else {
			inMembers = append(inMembers, c)
		}
	}
	return own, inMembers
}
