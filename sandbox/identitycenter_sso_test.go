package sandbox_test

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssoptypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/sandbox"
)

// grantDeployer gives ana@acme.example, through the group payments-team, the permission set deployer
// (PT4H) in payments-dev, and waits for the assignment to succeed.
func grantDeployer(t *testing.T, w *icWorld) {
	t.Helper()
	ctx := context.Background()
	inst, store := aws.String(w.info.InstanceARN), aws.String(w.info.IdentityStoreID)
	grp := must[*identitystore.CreateGroupOutput](t, "CreateGroup")(w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("payments-team")}))
	user := must[*identitystore.CreateUserOutput](t, "CreateUser")(w.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store,
		UserName: aws.String("ana@acme.example"), DisplayName: aws.String("Ana Lima"), Name: &idtypes.Name{GivenName: aws.String("Ana"), FamilyName: aws.String("Lima")}}))
	must[*identitystore.CreateGroupMembershipOutput](t, "CreateGroupMembership")(w.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{
		IdentityStoreId: store, GroupId: grp.GroupId, MemberId: &idtypes.MemberIdMemberUserId{Value: aws.ToString(user.UserId)}}))
	ps := must[*ssoadmin.CreatePermissionSetOutput](t, "CreatePermissionSet")(w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{
		InstanceArn: inst, Name: aws.String("deployer"), SessionDuration: aws.String("PT4H")}))
	ca := must[*ssoadmin.CreateAccountAssignmentOutput](t, "CreateAccountAssignment")(w.admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{
		InstanceArn: inst, PermissionSetArn: ps.PermissionSet.PermissionSetArn, TargetId: aws.String(w.payments.ID), TargetType: ssotypes.TargetTypeAwsAccount,
		PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId}))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		st := must[*ssoadmin.DescribeAccountAssignmentCreationStatusOutput](t, "DescribeAccountAssignmentCreationStatus")(w.admin.DescribeAccountAssignmentCreationStatus(ctx,
			&ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: inst, AccountAssignmentCreationRequestId: ca.AccountAssignmentCreationStatus.RequestId}))
		if st.AccountAssignmentCreationStatus.Status == ssotypes.StatusValuesSucceeded {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("assignment still %s", st.AccountAssignmentCreationStatus.Status)
		}
	}
}

// signIn runs the device authorization grant as `aws sso login` does, with the sandbox's ApproveDevice
// standing in for the user's approval in the browser.
func signIn(t *testing.T, w *icWorld, userName string) (*ssooidc.RegisterClientOutput, *ssooidc.CreateTokenOutput) {
	t.Helper()
	ctx := context.Background()
	oidc := ssooidc.New(ssooidc.Options{Region: w.info.Region, BaseEndpoint: aws.String(w.url), Retryer: sandbox.ConnRetryer()})
	reg := must[*ssooidc.RegisterClientOutput](t, "RegisterClient")(oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{
		ClientName: aws.String("botocore-client-acme"), ClientType: aws.String("public"), Scopes: []string{"sso:account:access"}}))
	dev := must[*ssooidc.StartDeviceAuthorizationOutput](t, "StartDeviceAuthorization")(oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(w.info.StartURL)}))
	create := func() (*ssooidc.CreateTokenOutput, error) {
		return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: dev.DeviceCode})
	}
	_, err := create()
	var pending *oidctypes.AuthorizationPendingException
	if !errors.As(err, &pending) {
		t.Fatalf("CreateToken before the user approved: %v, want AuthorizationPendingException", err)
	}
	if err := w.sb.ApproveDevice(aws.ToString(dev.UserCode), "nobody@acme.example"); err == nil {
		t.Fatal("ApproveDevice accepted a user the directory does not have")
	}
	if err := w.sb.ApproveDevice(aws.ToString(dev.UserCode), userName); err != nil {
		t.Fatal(err)
	}
	tok := must[*ssooidc.CreateTokenOutput](t, "CreateToken")(create())
	if aws.ToString(tok.AccessToken) == "" || aws.ToString(tok.RefreshToken) == "" || tok.ExpiresIn <= 0 {
		t.Fatalf("CreateToken %+v", tok)
	}
	_, err = create()
	var invalid *oidctypes.InvalidGrantException
	if !errors.As(err, &invalid) {
		t.Fatalf("a device code used twice: %v, want InvalidGrantException", err)
	}
	return reg, tok
}

// awsHome is a home directory with an AWS CLI v2 configuration: an [sso-session] and a profile per
// (name, account, role), and the environment pointed at it and at the sandbox.
func awsHome(t *testing.T, endpoint, config string) string {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws", "sso", "cache"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	// The SDK computes its default file names once, from the HOME the test binary started with.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	// aws-sdk-go-v2 builds its SSO and OIDC clients before it reads AWS_ENDPOINT_URL, and those clients then
	// skip the global variable: without the service-specific ones they would go to the real portal.
	t.Setenv("AWS_ENDPOINT_URL_SSO", endpoint)
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", endpoint)
	return home
}

// writeCachedToken stores a token as the AWS CLI does after `aws sso login`: ~/.aws/sso/cache/<sha1 of
// the session name>.json.
func writeCachedToken(t *testing.T, home, key string, token map[string]string) string {
	t.Helper()
	sum := sha1.Sum([]byte(key))
	path := filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
	data, _ := json.Marshal(token)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func callerOf(t *testing.T, profile string) *sts.GetCallerIdentityOutput {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(profile), config.WithRetryer(sandbox.ConnRetryer))
	if err != nil {
		t.Fatal(err)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity through profile %s: %v", profile, err)
	}
	return out
}

// TestSSOProfileGetsIntoMemberAccount is issue 13's proof that AWS CLI profiles work on day one: an AWS
// config with an [sso-session] and a profile naming an account and a permission set, a token cached as
// `aws sso login` caches it, and aws-sdk-go-v2's own SSO credential provider gets credentials from the
// sandbox's portal that STS answers as the permission set's role in the member account. An expired access
// token is renewed through sso-oidc's refresh token grant, as the SDK does.
func TestSSOProfileGetsIntoMemberAccount(t *testing.T) {
	w := newICWorld(t, sandbox.Config{Speed: 1000})
	grantDeployer(t, w)
	reg, tok := signIn(t, w, "ana@acme.example")

	home := awsHome(t, w.url, `[sso-session acme]
sso_start_url = `+w.info.StartURL+`
sso_region = `+w.info.Region+`
sso_registration_scopes = sso:account:access

[profile payments-dev-deployer]
sso_session = acme
sso_account_id = `+w.payments.ID+`
sso_role_name = deployer
region = eu-central-1

[profile legacy]
sso_start_url = `+w.info.StartURL+`
sso_region = `+w.info.Region+`
sso_account_id = `+w.payments.ID+`
sso_role_name = deployer
region = eu-central-1
`)
	cached := map[string]string{"startUrl": w.info.StartURL, "region": w.info.Region, "accessToken": aws.ToString(tok.AccessToken),
		"expiresAt": time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second).UTC().Format(time.RFC3339), "refreshToken": aws.ToString(tok.RefreshToken),
		"clientId": aws.ToString(reg.ClientId), "clientSecret": aws.ToString(reg.ClientSecret),
		"registrationExpiresAt": time.Unix(reg.ClientSecretExpiresAt, 0).UTC().Format(time.RFC3339)}
	cachePath := writeCachedToken(t, home, "acme", cached)

	arn := regexp.MustCompile(`^arn:aws:sts::` + w.payments.ID + `:assumed-role/AWSReservedSSO_deployer_[0-9a-f]{16}/ana@acme\.example$`)
	id := callerOf(t, "payments-dev-deployer")
	if aws.ToString(id.Account) != w.payments.ID || !arn.MatchString(aws.ToString(id.Arn)) {
		t.Fatalf("GetCallerIdentity: account %s arn %s, want payments-dev %s as AWSReservedSSO_deployer_…/ana@acme.example",
			aws.ToString(id.Account), aws.ToString(id.Arn), w.payments.ID)
	}

	// The legacy profile form (sso_start_url in the profile) caches the token under the start URL.
	writeCachedToken(t, home, w.info.StartURL, cached)
	if id := callerOf(t, "legacy"); !arn.MatchString(aws.ToString(id.Arn)) {
		t.Fatalf("legacy profile: %s", aws.ToString(id.Arn))
	}

	// An expired access token: the SDK renews it with the refresh token and writes the cache back.
	cached["expiresAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	cached["accessToken"] = "expired"
	writeCachedToken(t, home, "acme", cached)
	if id := callerOf(t, "payments-dev-deployer"); !arn.MatchString(aws.ToString(id.Arn)) {
		t.Fatalf("after the refresh: %s", aws.ToString(id.Arn))
	}
	data, err := os.ReadFile(cachePath)
	if err != nil {
		t.Fatal(err)
	}
	var renewed map[string]any
	if err := json.Unmarshal(data, &renewed); err != nil || renewed["accessToken"] == "expired" || renewed["accessToken"] == "" {
		t.Fatalf("the SDK did not write a renewed token to the cache: %s", data)
	}
	access := renewed["accessToken"].(string)

	// The portal: the accounts and roles the user may use, and no others.
	ctx := context.Background()
	portal := sso.New(sso.Options{Region: w.info.Region, BaseEndpoint: aws.String(w.url), Retryer: sandbox.ConnRetryer()})
	accts := must[*sso.ListAccountsOutput](t, "ListAccounts")(portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: aws.String(access)}))
	if len(accts.AccountList) != 1 || aws.ToString(accts.AccountList[0].AccountId) != w.payments.ID || aws.ToString(accts.AccountList[0].AccountName) != "payments-dev" {
		t.Fatalf("ListAccounts %+v", accts.AccountList)
	}
	roles := must[*sso.ListAccountRolesOutput](t, "ListAccountRoles")(portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: aws.String(access), AccountId: aws.String(w.payments.ID)}))
	if len(roles.RoleList) != 1 || aws.ToString(roles.RoleList[0].RoleName) != "deployer" {
		t.Fatalf("ListAccountRoles %+v", roles.RoleList)
	}
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String(access), AccountId: aws.String(w.logs.ID), RoleName: aws.String("deployer")})
	expectCode(t, "GetRoleCredentials in an account without an assignment", err, "ForbiddenException")
	creds := must[*sso.GetRoleCredentialsOutput](t, "GetRoleCredentials")(portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: aws.String(access), AccountId: aws.String(w.payments.ID), RoleName: aws.String("deployer")}))
	// PT4H: the credentials last the permission set's session duration.
	if exp := time.UnixMilli(creds.RoleCredentials.Expiration); exp.Before(time.Now().Add(4*time.Hour-time.Minute)) || exp.After(time.Now().Add(4*time.Hour+time.Minute)) {
		t.Fatalf("credentials expire at %s, want in 4 hours", exp)
	}
	must[*sso.LogoutOutput](t, "Logout")(portal.Logout(ctx, &sso.LogoutInput{AccessToken: aws.String(access)}))
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String(access), AccountId: aws.String(w.payments.ID), RoleName: aws.String("deployer")})
	var unauthorized *ssoptypes.UnauthorizedException
	if !errors.As(err, &unauthorized) {
		t.Fatalf("GetRoleCredentials after Logout: %v, want UnauthorizedException", err)
	}

	seen := map[string]int{}
	for _, c := range w.sb.Calls() {
		seen[c.Service+" "+c.Operation+" "+c.Outcome]++
	}
	// One token from the device code, one from the SDK's refresh.
	if n := seen["sso-oauth CreateToken ok"]; n != 2 {
		t.Errorf("%d tokens created, want 2 (the sign-in and the SDK's refresh)", n)
	}
	for _, want := range []string{"sso-oauth CreateToken AuthorizationPendingException", "sso-oauth CreateToken ok",
		"awsssoportal GetRoleCredentials ok", "awsssoportal GetRoleCredentials ForbiddenException", "sts GetCallerIdentity ok"} {
		if seen[want] == 0 {
			t.Errorf("the call record lacks %q", want)
		}
	}
}

// TestPortalRaw covers what no SDK call sends: a portal request signed anyway (answered as the unsigned
// one), a missing or unknown token, an OIDC path the sandbox does not serve, each in restJson1's error
// shape with the code in X-Amzn-ErrorType.
func TestPortalRaw(t *testing.T) {
	w := newICWorld(t, sandbox.Config{Speed: 1000})
	send := func(method, path, token string, signFor string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, w.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("x-amz-sso_bearer_token", token)
		}
		if signFor != "" {
			sum := sha256.Sum256(nil)
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: w.mgmt.AccessKeyID, SecretAccessKey: w.mgmt.SecretAccessKey},
				req, hex.EncodeToString(sum[:]), signFor, "eu-central-1", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType")
	}
	for _, c := range []struct {
		method, path, token, sign string
		status                    int
		code                      string
	}{
		{"GET", "/assignment/accounts", "", "", 401, "UnauthorizedException"},
		{"GET", "/assignment/accounts", "aoa-not-a-token", "", 401, "UnauthorizedException"},
		{"GET", "/assignment/accounts", "aoa-not-a-token", "awsssoportal", 401, "UnauthorizedException"},
		{"DELETE", "/assignment/accounts", "aoa-not-a-token", "", 404, "UnknownOperationException"},
		{"GET", "/token", "", "", 404, "UnknownOperationException"},
		{"POST", "/token?aws_iam=t", "", "", 404, "UnknownOperationException"},
	} {
		if status, code := send(c.method, c.path, c.token, c.sign); status != c.status || code != c.code {
			t.Errorf("%s %s (token %q, signed for %q): %d %s, want %d %s", c.method, c.path, c.token, c.sign, status, code, c.status, c.code)
		}
	}
}
