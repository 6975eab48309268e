package cli

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// onSandbox runs fn on the sandbox at state (not used by orgwizard
// meanwhile), with an SDK config acting as any of its accounts, by name, in
// a region, and its accounts by name.
func onSandbox(t *testing.T, state string, fn func(as func(name, region string) aws.Config, all map[string]sandbox.AccountInfo)) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: state, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	all := map[string]sandbox.AccountInfo{}
	for _, a := range sb.Accounts() {
		all[a.Name] = a
	}
	as := func(name, region string) aws.Config {
		me, ok := all[name]
		if !ok {
			t.Fatalf("the sandbox has no account %s", name)
		}
		tg, err := target.ForSandboxAccount(sb, me.ID, target.Spec{Region: region})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tg.Close() })
		return tg.Config
	}
	fn(as, all)
}

// TestExistingOrgPartialBaselineConverges: existing-org's security baseline
// was begun by hand and left half done (a one-account trail of orgwizard's
// name, stopped; its bucket without retention and with a policy of its
// own; GuardDuty administered by legacy-app in us-west-2; the management
// account's detector suspended in us-east-1; a stale security contact).
// plan on acme-secure.yaml says what differs and what it leaves; the
// security team's account, invited, has no OrganizationAccountAccessRole,
// so apply fails naming it and the fix, which AWS's guide gives; once the
// role is made and GuardDuty handed over as the warning says, apply
// converges, nothing of the bucket's own policy and lifecycle is lost, a
// second plan is empty, and audit's baseline checks pass once the invited
// accounts' root passwords are deleted as its fix says.
func TestExistingOrgPartialBaselineConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure on existing-org")
	}
	ctx := context.Background()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state := filepath.Join(t.TempDir(), "sandbox.json")
	tgt := []string{"--design", filepath.Join(examples, "acme-secure.yaml"), "--sandbox-state", state, "--sandbox-speed", "50"}

	code, out, errOut := run(t, append([]string{"plan", "--scenario", "existing-org"}, tgt...)...)
	if code != ExitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	var legacyID, toolingID string
	onSandbox(t, state, func(_ func(string, string) aws.Config, all map[string]sandbox.AccountInfo) {
		legacyID, toolingID = all["legacy-app"].ID, all["security-tooling"].ID
	})
	both := out + errOut
	for _, want := range []string{
		// GuardDuty run from legacy-app: left, with the command that frees it.
		"GuardDuty in us-west-2 is administered by account " + legacyID + " (legacy-app), not security-tooling",
		"aws guardduty disable-organization-admin-account --admin-account-id " + legacyID + " --region us-west-2",
		// The trail of orgwizard's name, one account, one region, stopped.
		"update organization trail orgwizard-organization-trail", "it is not an organization trail; it logs one region only; log file validation is off",
		"start logging on trail orgwizard-organization-trail", "the trail exists but is not logging",
		// The bucket: no retention, a rule and statements of its own kept.
		"it has no orgwizard lifecycle rule (orgwizard-log-retention)", "its other lifecycle rules (abort-stale-uploads) are kept as they are",
		"keeps your statements AWSCloudTrailAclCheck20150319, AWSCloudTrailWrite20150319, ManagementAccountReadsLogs as they are",
		"enable trusted access for cloudtrail.amazonaws.com",
		"set the security contact of the management account: Ana Lopez <security@acme.example>", "the security contact differs from the design's",
	} {
		if !strings.Contains(both, want) {
			t.Errorf("plan does not say %q:\n%s\n%s", want, out, errOut)
		}
	}
	for _, not := range []string{"enable trusted access for guardduty.amazonaws.com", "make security-tooling the delegated administrator of GuardDuty in us-west-2", "GuardDuty in us-west-2: auto-enable"} {
		if strings.Contains(out, not) {
			t.Errorf("plan has %q, which the partial baseline has or which legacy-app holds:\n%s", not, out)
		}
	}

	// The security team's own account joins by invitation, as security-tooling.
	inviteSecurityTooling(t, state)
	who := "security-tooling (" + toolingID + ")"
	code, out, errOut = run(t, append([]string{"plan"}, tgt...)...)
	if code != ExitOK || !strings.Contains(out+errOut, "account security-tooling ("+toolingID+") could not be read for the baseline: cannot enter account "+who) {
		t.Errorf("plan with an invited security-tooling does not warn that it cannot be entered: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run(t, append([]string{"apply", "--yes"}, tgt...)...)
	if code != ExitUser {
		t.Fatalf("apply into an invited account without the role: exit %d, want %d\n%s\n%s", code, ExitUser, out, errOut)
	}
	for _, want := range []string{"cannot enter account " + who + ": AWS refused sts:AssumeRole on OrganizationAccountAccessRole",
		"orgwizard migrate new-management", `AWS's guide "Creating the OrganizationAccountAccessRole in an invited member account"`,
		"once orgwizard can enter " + who + ", run orgwizard apply"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("apply's error does not say %q:\n%s", want, errOut)
		}
	}

	// AWS's guide, in security-tooling: the role, trusting the management
	// account, with AdministratorAccess.
	makeAccessRole(t, state)
	code, out, errOut = run(t, append([]string{"apply", "--yes"}, tgt...)...)
	if code != ExitOK {
		t.Fatalf("apply once the role exists: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out+errOut, "GuardDuty in us-west-2 is administered by account "+legacyID) {
		t.Errorf("apply does not say it left us-west-2 to legacy-app:\n%s\n%s", out, errOut)
	}

	// The warning's command, then apply again.
	onSandbox(t, state, func(as func(string, string) aws.Config, _ map[string]sandbox.AccountInfo) {
		if _, err := guardduty.NewFromConfig(as("acme", "us-west-2")).DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(legacyID)}); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errOut = run(t, append([]string{"apply", "--yes"}, tgt...)...)
	if code != ExitOK || !strings.Contains(out, "make security-tooling the delegated administrator of GuardDuty in us-west-2") {
		t.Fatalf("apply after the hand-over: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run(t, append([]string{"plan", "--detailed-exitcode"}, tgt...)...)
	if code != ExitOK || !strings.Contains(out, "Nothing to do") || strings.Contains(out+errOut, "administered by account") || strings.Contains(out+errOut, "could not be read") {
		t.Fatalf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}

	// Nothing of the bucket's own is lost; the suspended detector is on.
	onSandbox(t, state, func(as func(string, string) aws.Config, all map[string]sandbox.AccountInfo) {
		me := all["log-archive"]
		c := s3.NewFromConfig(as("log-archive", "eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
		bucket := aws.String(orgmodel.LogBucketName(me.ID, me.OrganizationID))
		pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		for _, sid := range []string{"ManagementAccountReadsLogs", "AWSCloudTrailWrite20150319", orgmodel.SidDenyDeletion, orgmodel.SidCloudTrailOrgWrite} {
			if !strings.Contains(*pol.Policy, `"`+sid+`"`) {
				t.Errorf("the bucket's policy lacks %s after apply: %s", sid, *pol.Policy)
			}
		}
		lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range lc.Rules {
			ids = append(ids, aws.ToString(r.ID))
		}
		if !slices.Equal(ids, []string{"abort-stale-uploads", orgmodel.LifecycleRuleID}) {
			t.Errorf("the bucket's lifecycle rules after apply: %v", ids)
		}
		gd := guardduty.NewFromConfig(as("acme", "us-east-1"))
		dets, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
		if err != nil || len(dets.DetectorIds) != 1 {
			t.Fatalf("the management account's detectors in us-east-1: %v %+v", err, dets)
		}
		d, err := gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: &dets.DetectorIds[0]})
		if err != nil || d.Status != gdtypes.DetectorStatusEnabled {
			t.Errorf("the management account's suspended detector in us-east-1 is still %v (%v)", d.Status, err)
		}
	})

	// The two invited accounts keep their root passwords: audit says so,
	// with the fix, which is taken here as it says (a root session with
	// IAMDeleteRootUserCredentials, then DeleteLoginProfile).
	_, doc, errOut := runAudit(t, tgt...)
	if st, why := status(doc, "member-root-credentials"); st != "fail" || !strings.Contains(why, "legacy-app ("+legacyID+"): a password") || !strings.Contains(why, who+": a password") {
		t.Errorf("audit member-root-credentials before the fix: %s: %s", st, why)
	}
	onSandbox(t, state, func(as func(string, string) aws.Config, _ map[string]sandbox.AccountInfo) {
		mgmt := as("acme", "us-east-1")
		for _, id := range []string{legacyID, toolingID} {
			root, err := sts.NewFromConfig(mgmt).AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(id),
				TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String("arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials")}})
			if err != nil {
				t.Fatal(err)
			}
			cfg := mgmt.Copy()
			cfg.Credentials = credentials.NewStaticCredentialsProvider(*root.Credentials.AccessKeyId, *root.Credentials.SecretAccessKey, *root.Credentials.SessionToken)
			if _, err := iam.NewFromConfig(cfg).DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{}); err != nil {
				t.Fatal(err)
			}
		}
	})
	_, doc, errOut = runAudit(t, tgt...)
	want := map[string]bool{"organization-trail": true, "log-bucket-protected": true, "guardduty-coverage": true, "member-root-credentials": true, "alternate-contacts": true}
	for _, c := range doc.Checks {
		if want[c.ID] {
			delete(want, c.ID)
			if c.Status != "pass" {
				t.Errorf("audit %s: %s: %s (fix: %s)", c.ID, c.Status, c.Why, c.Fix)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("audit lacks the checks %v (stderr %s)", want, errOut)
	}
}

// TestExistingOrgGuardDutyHeldOutsideTheDesign: on existing-org, legacy-app
// is made GuardDuty's administrator in ap-south-1, a region acme-secure
// does not list, and not in any it does. AWS (and the sandbox) refuse
// security-tooling in every region while legacy-app is the organization's
// GuardDuty administrator, which Organizations registers; plan reads that
// registration, so it waits in all the design's regions, naming legacy-app
// and the commands that free it, and apply converges without trying them
// (before, plan saw nothing and apply failed on the refusal). Once
// Organizations deregisters legacy-app, as the warning says, GuardDuty
// removes it in ap-south-1 too, apply makes security-tooling the
// administrator in every region of the design, and a second plan is empty.
func TestExistingOrgGuardDutyHeldOutsideTheDesign(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure on existing-org")
	}
	ctx := context.Background()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state := filepath.Join(t.TempDir(), "sandbox.json")
	tgt := []string{"--design", filepath.Join(examples, "acme-secure.yaml"), "--sandbox-state", state, "--sandbox-speed", "50"}
	if code, out, errOut := run(t, append([]string{"plan", "--scenario", "existing-org"}, tgt...)...); code != ExitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	regions := []string{"eu-central-1", "eu-west-1", "us-east-1", "us-west-2"}
	admins := func(as func(string, string) aws.Config, regions ...string) map[string]string {
		got := map[string]string{}
		for _, r := range regions {
			out, err := guardduty.NewFromConfig(as("acme", r)).ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range out.AdminAccounts {
				got[r] = aws.ToString(a.AdminAccountId)
			}
		}
		return got
	}
	var legacyID, toolingID string
	onSandbox(t, state, func(as func(string, string) aws.Config, all map[string]sandbox.AccountInfo) {
		legacyID, toolingID = all["legacy-app"].ID, all["security-tooling"].ID
		// legacy-app moves from us-west-2 to ap-south-1: named first there
		// (AWS allows the same administrator in another region), then
		// disabled in us-west-2.
		if _, err := guardduty.NewFromConfig(as("acme", "ap-south-1")).EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(legacyID)}); err != nil {
			t.Fatal(err)
		}
		if _, err := guardduty.NewFromConfig(as("acme", "us-west-2")).DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(legacyID)}); err != nil {
			t.Fatal(err)
		}
		if got := admins(as, append(regions, "ap-south-1")...); len(got) != 1 || got["ap-south-1"] != legacyID {
			t.Fatalf("GuardDuty's administrators: %v, want legacy-app in ap-south-1 alone", got)
		}
	})
	joinSecurityTooling(t, state)

	code, out, errOut := run(t, append([]string{"plan"}, tgt...)...)
	if code != ExitOK {
		t.Fatalf("plan with legacy-app administering GuardDuty in ap-south-1: exit %d\n%s\n%s", code, out, errOut)
	}
	both := out + errOut
	for _, want := range []string{
		"account " + legacyID + " (legacy-app) is registered in AWS Organizations as the delegated administrator of GuardDuty, though it administers none of the design's regions",
		"aws guardduty disable-organization-admin-account --admin-account-id " + legacyID + " --region <region>",
		"aws organizations deregister-delegated-administrator --account-id " + legacyID + " --service-principal guardduty.amazonaws.com",
		"GuardDuty in " + strings.Join(regions, ", ") + " is not set up yet: AWS gives an organization the same GuardDuty administrator in all regions, and account " + legacyID + " (legacy-app) is it",
	} {
		if !strings.Contains(both, want) {
			t.Errorf("plan does not say %q:\n%s\n%s", want, out, errOut)
		}
	}
	if strings.Contains(out, "delegated administrator of GuardDuty in") || strings.Contains(out, "GuardDuty in eu-west-1:") {
		t.Errorf("plan sets up GuardDuty where AWS would refuse security-tooling:\n%s", out)
	}
	if code, out, errOut = run(t, append([]string{"apply", "--yes"}, tgt...)...); code != ExitOK {
		t.Fatalf("apply with legacy-app administering GuardDuty in ap-south-1: exit %d\n%s\n%s", code, out, errOut)
	}

	// The warning's command: Organizations deregisters legacy-app.
	onSandbox(t, state, func(as func(string, string) aws.Config, _ map[string]sandbox.AccountInfo) {
		if _, err := organizations.NewFromConfig(as("acme", "us-east-1")).DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{
			AccountId: aws.String(legacyID), ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
			t.Fatal(err)
		}
		if got := admins(as, "ap-south-1"); len(got) != 0 {
			t.Errorf("GuardDuty's administrator in ap-south-1 once Organizations deregistered it: %v", got)
		}
	})
	if code, out, errOut = run(t, append([]string{"apply", "--yes"}, tgt...)...); code != ExitOK {
		t.Fatalf("apply after the hand-over: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, r := range regions {
		if want := "make security-tooling the delegated administrator of GuardDuty in " + r; !strings.Contains(out, want) {
			t.Errorf("apply after the hand-over does not %s:\n%s", want, out)
		}
	}
	onSandbox(t, state, func(as func(string, string) aws.Config, _ map[string]sandbox.AccountInfo) {
		got := admins(as, regions...)
		for _, r := range regions {
			if got[r] != toolingID {
				t.Errorf("GuardDuty's administrator in %s after the hand-over: %q, want security-tooling (%s)", r, got[r], toolingID)
			}
		}
	})
	code, out, errOut = run(t, append([]string{"plan", "--detailed-exitcode"}, tgt...)...)
	if code != ExitOK || !strings.Contains(out, "Nothing to do") || strings.Contains(out+errOut, "registered in AWS Organizations") || strings.Contains(out+errOut, "not set up yet") {
		t.Fatalf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}
}
