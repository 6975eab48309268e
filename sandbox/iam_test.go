package sandbox_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/sandbox"
)

// An invited account has no OrganizationAccountAccessRole until it creates
// one itself; from then on the management account can assume it, and IAM's
// own errors come back typed.
func TestInvitedAccountCreatesItsAccessRole(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "dirty-management"})
	old, mgmt := w.account("acme-legacy"), w.account("acme")
	oldIAM := iam.NewFromConfig(w.cfg(old.AccessKeyID, old.SecretAccessKey, ""), func(o *iam.Options) { o.BaseEndpoint = aws.String(w.url) })
	const role = "OrganizationAccountAccessRole"

	_, err := oldIAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
	_, err = oldIAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
	_, err = oldIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String("not json")})
	wantErr[*iamtypes.MalformedPolicyDocumentException](t, err)

	// Join: the new account creates an organization and invites the old one.
	mgmtOrg, oldOrg := w.org(mgmt), w.org(old)
	if _, err := mgmtOrg.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	inv, err := mgmtOrg.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &orgtypes.HandshakeParty{Type: orgtypes.HandshakePartyTypeAccount, Id: aws.String(old.ID)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oldOrg.AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: inv.Handshake.Id}); err != nil {
		t.Fatal(err)
	}
	mgmtSTS := w.sts(mgmt.AccessKeyID, mgmt.SecretAccessKey, "")
	assume := func() error {
		_, err := mgmtSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + old.ID + ":role/" + role), RoleSessionName: aws.String("t1")})
		return err
	}
	wantCode(t, assume(), "AccessDenied") // invited accounts lack the role

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmt.ID + `:root"},"Action":"sts:AssumeRole"}]}`
	out, err := oldIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Role.Arn) != "arn:aws:iam::"+old.ID+":role/"+role || out.Role.CreateDate == nil {
		t.Errorf("role: %+v", out.Role)
	}
	_, err = oldIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)})
	wantErr[*iamtypes.EntityAlreadyExistsException](t, err)
	if _, err := oldIAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := oldIAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(role)}); err != nil {
		t.Fatal(err)
	}
	if err := assume(); err != nil {
		t.Fatalf("after creating the role: %v", err)
	}
	// The role operations are recorded as the old account's; the inventory's
	// IAM listing still answers beside them.
	for _, c := range w.sb.Calls() {
		if c.Service == "iam" && c.Account != old.ID {
			t.Errorf("an IAM call recorded for %s: %+v", c.Account, c)
		}
	}
	users, err := oldIAM.ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil || len(users.Users) != 1 {
		t.Errorf("ListUsers: %v %v", users, err)
	}
	// The role is listed, trusting the management account, its document
	// URL-encoded as AWS sends it.
	roles, err := oldIAM.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 1 || aws.ToString(roles.Roles[0].RoleName) != role {
		t.Fatalf("ListRoles: %+v %v", roles, err)
	}
	doc, err := url.QueryUnescape(aws.ToString(roles.Roles[0].AssumeRolePolicyDocument))
	if err != nil || !strings.Contains(doc, `"arn:aws:iam::`+mgmt.ID+`:root"`) {
		t.Errorf("the role's trust policy reads %q (%v)", doc, err)
	}
}

// Organization tools read an account's aliases, password policy, summary
// and roles before anything else (org-formation stops without them): they
// answer as AWS answers a new account.
func TestIAMAccountReads(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "dirty-management"})
	for _, name := range []string{"acme", "acme-legacy"} {
		a := w.account(name)
		c := iam.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *iam.Options) { o.BaseEndpoint = aws.String(w.url) })
		aliases, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
		if err != nil || aliases.AccountAliases == nil || len(aliases.AccountAliases) != 0 || aliases.IsTruncated {
			t.Errorf("%s ListAccountAliases: %+v %v", name, aliases, err)
		}
		_, err = c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		wantErr[*iamtypes.NoSuchEntityException](t, err)
		summary, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		if err != nil {
			t.Fatal(err)
		}
		users, err := c.ListUsers(ctx, &iam.ListUsersInput{})
		if err != nil {
			t.Fatal(err)
		}
		m := summary.SummaryMap
		if int(m["Users"]) != len(users.Users) || m["UsersQuota"] != 5000 || m["Roles"] != 0 || m["AccountMFAEnabled"] != 0 {
			t.Errorf("%s GetAccountSummary: %v, with %d users", name, m, len(users.Users))
		}
		roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
		if err != nil || len(roles.Roles) != 0 || roles.IsTruncated {
			t.Errorf("%s ListRoles: %+v %v", name, roles, err)
		}
		_, err = c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1001)})
		wantCode(t, err, "ValidationError")
	}
}

// Organization tools ask Support for the account's plan (org-formation:
// DescribeSeverityLevels) and go on when AWS answers, as it does on Basic
// Support, SubscriptionRequiredException.
func TestSupportAnswersBasicSupport(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	a := w.account("acme")
	body := "{}"
	req, err := http.NewRequest(http.MethodPost, w.url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSSupport_20130415.DescribeSeverityLevels")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: a.SecretAccessKey},
		req, hex.EncodeToString(sum[:]), "support", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadRequest || out["__type"] != "SubscriptionRequiredException" {
		t.Errorf("DescribeSeverityLevels: %d %v", resp.StatusCode, out)
	}
}

// GetLoginProfile answers as IAM does: the profile of a user with a console
// password, and NoSuchEntity in IAM's two wordings for a user without one
// and for no such user. dirty-management's ci-deployer has a password and a
// rotated-out key; a state file written before the sandbox kept passwords
// and key statuses (no password or keyStatus attribute) still loads, its
// users without a password and with every key active.
func TestIAMLoginProfiles(t *testing.T) {
	ctx := context.Background()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	w := newWorld(t, sandbox.Config{Scenario: "dirty-management", StatePath: state})
	iamOf := func(w *world, name string) *iam.Client {
		a := w.account(name)
		return iam.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *iam.Options) { o.BaseEndpoint = aws.String(w.url) })
	}
	legacy := iamOf(w, "acme-legacy")
	out, err := legacy.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("ci-deployer")})
	if err != nil {
		t.Fatal(err)
	}
	p := out.LoginProfile
	if aws.ToString(p.UserName) != "ci-deployer" || p.CreateDate == nil || !p.CreateDate.Equal(time.Date(2023, 2, 27, 15, 58, 0, 0, time.UTC)) || p.PasswordResetRequired {
		t.Errorf("ci-deployer's login profile: %+v", p)
	}
	keys, err := legacy.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("ci-deployer")})
	if err != nil || len(keys.AccessKeyMetadata) != 2 || keys.AccessKeyMetadata[0].Status != iamtypes.StatusTypeInactive ||
		keys.AccessKeyMetadata[1].Status != iamtypes.StatusTypeActive {
		t.Errorf("ci-deployer's keys: %+v %v", keys, err)
	}
	_, err = legacy.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("nobody")})
	if e := wantErr[*iamtypes.NoSuchEntityException](t, err); e.ErrorMessage() != "The user with name nobody cannot be found." {
		t.Errorf("an unknown user: %q", e.ErrorMessage())
	}
	// Users are an account's own: the new management account has none.
	_, err = iamOf(w, "acme").GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("ci-deployer")})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
	_, err = legacy.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
	wantCode(t, err, "ValidationError")
	w.sb.Close()

	// The older state: no password and no keyStatus; and a user added with
	// a password to be reset.
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	resources := doc["resources"].([]any)
	var founder map[string]any
	for _, r := range resources {
		r := r.(map[string]any)
		if r["name"] == "ci-deployer" {
			attrs := r["attrs"].(map[string]any)
			delete(attrs, "password")
			delete(attrs, "keyStatus")
			founder = map[string]any{"account": r["account"], "region": "us-east-1", "service": "iam", "type": "user",
				"id": "AIDAFOUNDER", "name": "founder", "arn": strings.Replace(r["arn"].(string), "ci-deployer", "founder", 1),
				"attrs": map[string]any{"password": "2024-01-02T03:04:05Z", "passwordResetRequired": "true"}}
		}
	}
	if founder == nil {
		t.Fatal("dirty-management has no ci-deployer")
	}
	doc["resources"] = append(resources, founder)
	raw, _ = json.Marshal(doc)
	if err := os.WriteFile(state, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	w = newWorld(t, sandbox.Config{StatePath: state})
	legacy = iamOf(w, "acme-legacy")
	_, err = legacy.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("ci-deployer")})
	if e := wantErr[*iamtypes.NoSuchEntityException](t, err); e.ErrorMessage() != "Login Profile for User ci-deployer cannot be found." {
		t.Errorf("a user without a password: %q", e.ErrorMessage())
	}
	keys, err = legacy.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("ci-deployer")})
	if err != nil || len(keys.AccessKeyMetadata) != 2 {
		t.Fatalf("ci-deployer's keys: %+v %v", keys, err)
	}
	for _, k := range keys.AccessKeyMetadata {
		if k.Status != iamtypes.StatusTypeActive {
			t.Errorf("a key without a status in the state: %+v, want Active", k)
		}
	}
	out, err = legacy.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("founder")})
	if err != nil || !out.LoginProfile.PasswordResetRequired || !out.LoginProfile.CreateDate.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("founder's login profile: %+v %v", out, err)
	}
}
