package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgwizard/orgwizard/sandbox"
)

// inviteSecurityTooling invites existing-org's standalone security-tooling
// into the organization, and it accepts: it has no
// OrganizationAccountAccessRole yet, so orgwizard cannot enter it.
func inviteSecurityTooling(t *testing.T, state string) {
	t.Helper()
	ctx := context.Background()
	onSandbox(t, state, func(as func(string, string) aws.Config, all map[string]sandbox.AccountInfo) {
		inv, err := organizations.NewFromConfig(as("acme", "us-east-1")).InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
			Target: &orgtypes.HandshakeParty{Id: aws.String(all["security-tooling"].ID), Type: orgtypes.HandshakePartyTypeAccount}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := organizations.NewFromConfig(as("security-tooling", "us-east-1")).AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id}); err != nil {
			t.Fatal(err)
		}
	})
}

// makeAccessRole makes OrganizationAccountAccessRole in the invited
// security-tooling as AWS's guide says: trusting the management account,
// with AdministratorAccess.
func makeAccessRole(t *testing.T, state string) {
	t.Helper()
	ctx := context.Background()
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
}

// joinSecurityTooling invites existing-org's standalone security-tooling
// into the organization and makes OrganizationAccountAccessRole in it, so
// that orgwizard can enter it.
func joinSecurityTooling(t *testing.T, state string) {
	t.Helper()
	inviteSecurityTooling(t, state)
	makeAccessRole(t, state)
}

// TestExistingOrgSecurityHubHandOver: on existing-org, legacy-app was made
// Security Hub's administrator in us-west-2 by hand. AWS gives an
// organization one delegated Security Hub administrator in all regions (the
// sandbox refuses another, as AWS does), so plan on acme-secure with
// Security Hub on leaves us-west-2 with the command that frees it and waits
// in the other regions, saying why; apply converges without trying them;
// once Security Hub (and GuardDuty, which legacy-app holds too) is handed
// over as the warnings say, apply makes security-tooling the administrator
// in every region and a second plan is empty.
func TestExistingOrgSecurityHubHandOver(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure with Security Hub on existing-org")
	}
	ctx := context.Background()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(examples, "acme-secure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	on := strings.Replace(string(src), "securityHub: false", "securityHub: true", 1)
	if on == string(src) {
		t.Fatal("acme-secure.yaml no longer says securityHub: false")
	}
	design := filepath.Join(dir, "acme-secure-hub.yaml")
	if err := os.WriteFile(design, []byte(on), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "sandbox.json")
	tgt := []string{"--design", design, "--sandbox-state", state, "--sandbox-speed", "50"}
	if code, out, errOut := run(t, append([]string{"plan", "--scenario", "existing-org"}, tgt...)...); code != ExitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}

	regions := []string{"eu-central-1", "eu-west-1", "us-east-1", "us-west-2"}
	admins := func(as func(string, string) aws.Config) map[string]string {
		got := map[string]string{}
		for _, r := range regions {
			out, err := securityhub.NewFromConfig(as("acme", r)).ListOrganizationAdminAccounts(ctx, &securityhub.ListOrganizationAdminAccountsInput{})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range out.AdminAccounts {
				got[r] = *a.AccountId
			}
		}
		return got
	}
	var legacyID, toolingID string
	onSandbox(t, state, func(as func(string, string) aws.Config, all map[string]sandbox.AccountInfo) {
		legacyID, toolingID = all["legacy-app"].ID, all["security-tooling"].ID
		if _, err := organizations.NewFromConfig(as("acme", "us-east-1")).EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("securityhub.amazonaws.com")}); err != nil {
			t.Fatal(err)
		}
		if _, err := securityhub.NewFromConfig(as("acme", "us-west-2")).EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(legacyID)}); err != nil {
			t.Fatal(err)
		}
	})
	joinSecurityTooling(t, state)

	code, out, errOut := run(t, append([]string{"plan"}, tgt...)...)
	if code != ExitOK {
		t.Fatalf("plan with legacy-app administering Security Hub in us-west-2: exit %d\n%s\n%s", code, out, errOut)
	}
	both := out + errOut
	for _, want := range []string{
		"Security Hub in us-west-2 is administered by account " + legacyID + " (legacy-app), not security-tooling",
		"aws securityhub disable-organization-admin-account --admin-account-id " + legacyID + " --region us-west-2",
		"Security Hub in eu-central-1, eu-west-1, us-east-1 is not set up yet: AWS gives an organization one delegated Security Hub administrator in all regions",
	} {
		if !strings.Contains(both, want) {
			t.Errorf("plan does not say %q:\n%s\n%s", want, out, errOut)
		}
	}
	if strings.Contains(out, "delegated administrator of Security Hub in") || strings.Contains(out, "Security Hub in eu-west-1:") {
		t.Errorf("plan sets up Security Hub where AWS would refuse security-tooling:\n%s", out)
	}
	if code, out, errOut = run(t, append([]string{"apply", "--yes"}, tgt...)...); code != ExitOK {
		t.Fatalf("apply with legacy-app administering Security Hub in us-west-2: exit %d\n%s\n%s", code, out, errOut)
	}
	onSandbox(t, state, func(as func(string, string) aws.Config, _ map[string]sandbox.AccountInfo) {
		if got := admins(as); len(got) != 1 || got["us-west-2"] != legacyID {
			t.Errorf("Security Hub's administrators after apply: %v, want legacy-app in us-west-2 alone", got)
		}
		// The warnings' commands.
		if _, err := securityhub.NewFromConfig(as("acme", "us-west-2")).DisableOrganizationAdminAccount(ctx, &securityhub.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(legacyID)}); err != nil {
			t.Fatal(err)
		}
		if _, err := guardduty.NewFromConfig(as("acme", "us-west-2")).DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(legacyID)}); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errOut = run(t, append([]string{"apply", "--yes"}, tgt...)...)
	if code != ExitOK {
		t.Fatalf("apply after the hand-over: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, r := range regions {
		if want := "make security-tooling the delegated administrator of Security Hub in " + r; !strings.Contains(out, want) {
			t.Errorf("apply after the hand-over does not %s:\n%s", want, out)
		}
	}
	onSandbox(t, state, func(as func(string, string) aws.Config, _ map[string]sandbox.AccountInfo) {
		got := admins(as)
		for _, r := range regions {
			if got[r] != toolingID {
				t.Errorf("Security Hub's administrator in %s after the hand-over: %q, want security-tooling (%s)", r, got[r], toolingID)
			}
		}
	})
	code, out, errOut = run(t, append([]string{"plan", "--detailed-exitcode"}, tgt...)...)
	if code != ExitOK || !strings.Contains(out, "Nothing to do") || strings.Contains(out+errOut, "administered by account") || strings.Contains(out+errOut, "not set up yet") {
		t.Fatalf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}
}
