package cli

import (
	"context"
	"encoding/json"
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
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
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
	onSandbox(t, state, func(as func(string, string) aws.Config, _ map[string]sandbox.AccountInfo) {
		inv, err := organizations.NewFromConfig(as("acme", "us-east-1")).InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
			Target: &orgtypes.HandshakeParty{Id: aws.String(toolingID), Type: orgtypes.HandshakePartyTypeAccount}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := organizations.NewFromConfig(as("security-tooling", "us-east-1")).AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id}); err != nil {
			t.Fatal(err)
		}
	})
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
	onSandbox(t, state, func(as func(string, string) aws.Config, all map[string]sandbox.AccountInfo) {
		trust, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []map[string]any{{"Effect": "Allow",
			"Principal": map[string]any{"AWS": "arn:aws:iam::" + all["acme"].ID + ":root"}, "Action": "sts:AssumeRole"}}})
		c := iam.NewFromConfig(as("security-tooling", "us-east-1"))
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("OrganizationAccountAccessRole"), AssumeRolePolicyDocument: aws.String(string(trust))}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("OrganizationAccountAccessRole"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
			t.Fatal(err)
		}
	})
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
