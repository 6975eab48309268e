package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestAWSCLIIdentityCenter drives `orgwizard sandbox serve` with the AWS CLI: Identity Center turned on
// with `sandbox enable-identity-center`, then sso-admin and identitystore on their wire protocol, an
// assignment IN_PROGRESS then SUCCEEDED, AWS's error codes, and an SSO profile whose token was cached as
// `aws sso login` caches it, through which the CLI gets into the member account.
func TestAWSCLIIdentityCenter(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		if inCI() {
			t.Fatal("the AWS CLI is not on PATH")
		}
		t.Skip("the AWS CLI is not on PATH")
	}
	dir := t.TempDir()
	state := filepath.Join(dir, "sandbox.json")
	bin := orgwizardBinary(t)
	for _, args := range [][]string{{"sandbox", "reset", "--scenario", "existing-org"}, {"sandbox", "enable-identity-center", "--region", "eu-central-1"}} {
		if out, err := exec.Command(bin, append(args, "--sandbox-state", state)...).CombinedOutput(); err != nil {
			t.Fatalf("orgwizard %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// A user signs in before the server starts: the device code's approval is the sandbox's own method.
	w := &icWorld{world: newWorld(t, sandbox.Config{StatePath: state, Speed: 1000})}
	w.mgmt, w.payments = w.account("acme"), w.account("payments-dev")
	w.admin, w.store = w.ssoAdmin(w.mgmt), w.identityStore(w.mgmt)
	info, ok := w.sb.IdentityCenter(w.mgmt.ID)
	if !ok {
		t.Fatal("enable-identity-center left no instance")
	}
	w.info = info
	grantDeployer(t, w)
	reg, tok := signIn(t, w, "ana@acme.example")
	w.sb.Close()

	srv := startServe(t, state, "--speed", "1")
	env := srv.exports[0]
	if env["AWS_ACCESS_KEY_ID"] != w.mgmt.AccessKeyID {
		t.Fatalf("the first export is not the management account's: %v", env)
	}
	var insts struct {
		Instances []struct{ InstanceArn, IdentityStoreId, OwnerAccountId, Status string }
	}
	// Identity Center is regional: listed in its region, not in the serve's default one.
	awsJSON(t, env, &insts, "sso-admin", "list-instances", "--region", info.Region)
	if len(insts.Instances) != 1 || insts.Instances[0].InstanceArn != info.InstanceARN || insts.Instances[0].Status != "ACTIVE" {
		t.Fatalf("list-instances %+v, want %+v", insts, info)
	}
	if env["AWS_REGION"] == info.Region {
		t.Fatalf("the serve's region is the instance's, %s: the test no longer tells regions apart", info.Region)
	}
	awsJSON(t, env, &insts, "sso-admin", "list-instances")
	if len(insts.Instances) != 0 {
		t.Fatalf("list-instances in %s lists the instance of %s: %+v", env["AWS_REGION"], info.Region, insts)
	}
	var grp struct{ GroupId, IdentityStoreId string }
	awsJSON(t, env, &grp, "identitystore", "create-group", "--identity-store-id", info.IdentityStoreID, "--display-name", "platform-admins")
	if grp.GroupId == "" || grp.IdentityStoreId != info.IdentityStoreID {
		t.Fatalf("create-group %+v", grp)
	}
	if _, err := awsCLI(t, env, "identitystore", "create-group", "--identity-store-id", info.IdentityStoreID, "--display-name", "platform-admins"); err == nil ||
		!strings.Contains(err.Error(), "ConflictException") {
		t.Fatalf("a second group platform-admins through the CLI: %v", err)
	}
	var found struct{ GroupId string }
	awsJSON(t, env, &found, "identitystore", "get-group-id", "--identity-store-id", info.IdentityStoreID,
		"--alternate-identifier", `{"UniqueAttribute":{"AttributePath":"displayName","AttributeValue":"platform-admins"}}`)
	if found.GroupId != grp.GroupId {
		t.Fatalf("get-group-id %s, want %s", found.GroupId, grp.GroupId)
	}
	var ps struct {
		PermissionSet struct{ PermissionSetArn, SessionDuration string }
	}
	awsJSON(t, env, &ps, "sso-admin", "create-permission-set", "--instance-arn", info.InstanceARN, "--name", "admin", "--session-duration", "PT2H")
	if _, err := awsCLI(t, env, "sso-admin", "create-permission-set", "--instance-arn", info.InstanceARN, "--name", "admin with spaces"); err == nil ||
		!strings.Contains(err.Error(), "ValidationException") {
		t.Fatalf("a permission set name with spaces through the CLI: %v", err)
	}
	awsJSON(t, env, nil, "sso-admin", "attach-managed-policy-to-permission-set", "--instance-arn", info.InstanceARN,
		"--permission-set-arn", ps.PermissionSet.PermissionSetArn, "--managed-policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess")
	var created struct {
		AccountAssignmentCreationStatus struct{ Status, RequestId string }
	}
	awsJSON(t, env, &created, "sso-admin", "create-account-assignment", "--instance-arn", info.InstanceARN, "--permission-set-arn", ps.PermissionSet.PermissionSetArn,
		"--target-id", w.payments.ID, "--target-type", "AWS_ACCOUNT", "--principal-type", "GROUP", "--principal-id", grp.GroupId)
	states := []string{created.AccountAssignmentCreationStatus.Status}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && states[len(states)-1] == "IN_PROGRESS"; time.Sleep(200 * time.Millisecond) {
		var st struct{ AccountAssignmentCreationStatus struct{ Status string } }
		awsJSON(t, env, &st, "sso-admin", "describe-account-assignment-creation-status", "--instance-arn", info.InstanceARN,
			"--account-assignment-creation-request-id", created.AccountAssignmentCreationStatus.RequestId)
		if st.AccountAssignmentCreationStatus.Status != states[len(states)-1] {
			states = append(states, st.AccountAssignmentCreationStatus.Status)
		}
	}
	if strings.Join(states, " ") != "IN_PROGRESS SUCCEEDED" {
		t.Fatalf("create-account-assignment went %v", states)
	}

	// The AWS CLI's own SSO credential provider, from a profile and a cached token.
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws", "sso", "cache"), 0o700); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(home, ".aws", "config")
	if err := os.WriteFile(config, []byte(`[sso-session acme]
sso_start_url = `+info.StartURL+`
sso_region = `+info.Region+`
sso_registration_scopes = sso:account:access

[profile payments-dev-deployer]
sso_session = acme
sso_account_id = `+w.payments.ID+`
sso_role_name = deployer
region = eu-central-1
`), 0o600); err != nil {
		t.Fatal(err)
	}
	writeCachedToken(t, home, "acme", map[string]string{"startUrl": info.StartURL, "region": info.Region, "accessToken": aws.ToString(tok.AccessToken),
		"expiresAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "refreshToken": aws.ToString(tok.RefreshToken),
		"clientId": aws.ToString(reg.ClientId), "clientSecret": aws.ToString(reg.ClientSecret),
		"registrationExpiresAt": time.Unix(reg.ClientSecretExpiresAt, 0).UTC().Format(time.RFC3339)})
	cmd := exec.CommandContext(context.Background(), "aws", "sts", "get-caller-identity", "--profile", "payments-dev-deployer", "--output", "text",
		"--query", "Arn")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + config, "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
		"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_ENDPOINT_URL=" + srv.endpoint, "AWS_ENDPOINT_URL_SSO=" + srv.endpoint, "AWS_ENDPOINT_URL_SSO_OIDC=" + srv.endpoint}
	out, err := cmd.CombinedOutput()
	want := regexp.MustCompile(`^arn:aws:sts::` + w.payments.ID + `:assumed-role/AWSReservedSSO_deployer_[0-9a-f]{16}/ana@acme\.example$`)
	if err != nil || !want.MatchString(strings.TrimSpace(string(out))) {
		t.Fatalf("aws sts get-caller-identity --profile payments-dev-deployer: %v\n%s", err, out)
	}
}
