package cli

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/sandbox"
)

// icSandbox is an applied acme sandbox with Identity Center turned on in
// acme's home region, eu-west-1, and, made through the
// sandbox's sso-admin and identitystore as apply would make them:
//
//	payments-team (ana@acme.example): admin in payments-dev, read-only in payments-prod-us
//	auditors (bob@acme.example):      read-only in payments-dev and payments-prod-us
//	carol@acme.example, directly:     admin in log-archive
type icSandbox struct {
	dir    string
	target []string
	state  string
	ids    map[string]string // account name -> id
	mgmt   sandbox.AccountInfo
	info   sandbox.IdentityCenterInfo
}

func newICSandbox(t *testing.T) *icSandbox {
	t.Helper()
	dir, target := appliedSandbox(t, "existing-org")
	w := &icSandbox{dir: dir, target: target, state: target[1], ids: map[string]string{}}
	sb, err := sandbox.Open(sandbox.Config{StatePath: w.state, Speed: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	for _, a := range sb.Accounts() {
		if a.Role == "management" {
			w.mgmt = a
		}
	}
	if w.info, err = sb.EnableIdentityCenter(w.mgmt.ID, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	for _, a := range sb.Accounts() {
		w.ids[a.Name] = a.ID
	}

	ctx := context.Background()
	cfg := aws.Config{Region: w.info.Region, Credentials: credentials.NewStaticCredentialsProvider(w.mgmt.AccessKeyID, w.mgmt.SecretAccessKey, ""),
		HTTPClient: loopbackOnly(), BaseEndpoint: aws.String(endpoint)}
	admin, store := ssoadmin.NewFromConfig(cfg), identitystore.NewFromConfig(cfg)
	inst, sid := aws.String(w.info.InstanceARN), aws.String(w.info.IdentityStoreID)
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	group := func(name string, members ...string) string {
		g, err := store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: sid, DisplayName: aws.String(name)})
		check("CreateGroup "+name, err)
		for _, m := range members {
			check("add "+m, membership(ctx, store, sid, g.GroupId, w.user(t, ctx, store, m)))
		}
		return aws.ToString(g.GroupId)
	}
	permissionSet := func(name string) string {
		ps, err := admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String(name), SessionDuration: aws.String("PT2H")})
		check("CreatePermissionSet "+name, err)
		return aws.ToString(ps.PermissionSet.PermissionSetArn)
	}
	var requests []*string
	assign := func(account, ps, principal string, kind ssotypes.PrincipalType) {
		out, err := admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: aws.String(ps),
			TargetId: aws.String(w.ids[account]), TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: kind, PrincipalId: aws.String(principal)})
		check("CreateAccountAssignment", err)
		requests = append(requests, out.AccountAssignmentCreationStatus.RequestId)
	}
	payments, auditors := group("payments-team", "ana@acme.example"), group("auditors", "bob@acme.example")
	carol := w.user(t, ctx, store, "carol@acme.example")
	adminPS, readOnly := permissionSet("admin"), permissionSet("read-only")
	assign("payments-dev", adminPS, payments, ssotypes.PrincipalTypeGroup)
	assign("payments-prod-us", readOnly, payments, ssotypes.PrincipalTypeGroup)
	assign("payments-dev", readOnly, auditors, ssotypes.PrincipalTypeGroup)
	assign("payments-prod-us", readOnly, auditors, ssotypes.PrincipalTypeGroup)
	assign("log-archive", adminPS, carol, ssotypes.PrincipalTypeUser)
	for _, id := range requests {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			st, err := admin.DescribeAccountAssignmentCreationStatus(ctx, &ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: inst, AccountAssignmentCreationRequestId: id})
			check("DescribeAccountAssignmentCreationStatus", err)
			if st.AccountAssignmentCreationStatus.Status == ssotypes.StatusValuesSucceeded {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("assignment still %s", st.AccountAssignmentCreationStatus.Status)
			}
		}
	}
	return w
}

func (w *icSandbox) user(t *testing.T, ctx context.Context, store *identitystore.Client, email string) string {
	t.Helper()
	name, _, _ := strings.Cut(email, "@")
	u, err := store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: aws.String(w.info.IdentityStoreID), UserName: aws.String(email),
		DisplayName: aws.String(name), Name: &idtypes.Name{GivenName: aws.String(name), FamilyName: aws.String("Acme")}})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", email, err)
	}
	return aws.ToString(u.UserId)
}

func membership(ctx context.Context, store *identitystore.Client, sid, group *string, user string) error {
	_, err := store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: sid, GroupId: group,
		MemberId: &idtypes.MemberIdMemberUserId{Value: user}})
	return err
}

type accessICDoc struct {
	IdentityCenter struct {
		Enabled                               bool
		Region, PortalURL, InstanceARN        string
		HowToEnable, EnableURL, EnableCommand string
		Groups, Users                         []struct {
			Name        string
			Members     []string
			Assignments []struct{ Account, AccountID, PermissionSet string }
		}
	}
	Accounts []struct {
		Name, ID       string
		IdentityCenter []struct{ Group, User, PermissionSet string }
	}
}

// TestAccessShowsIdentityCenter: with Identity Center on, access lists
// each group with its members and the accounts and permission sets its
// assignments give, a user assigned directly, the portal URL and region,
// and on each account who gets in with what; without it, what to run.
func TestAccessShowsIdentityCenter(t *testing.T) {
	// Off: the sandbox's command to turn it on, with the state in use.
	_, target := appliedSandbox(t, "fresh")
	code, out, _ := run(t, append([]string{"access", "-o", "json", "--design", filepath.Join(examples, "acme.yaml")}, target...)...)
	var off accessICDoc
	if code != ExitOK || json.Unmarshal([]byte(out), &off) != nil {
		t.Fatalf("access: exit %d\n%s", code, out)
	}
	if ic := off.IdentityCenter; ic.Enabled || !strings.Contains(ic.HowToEnable, "not on") ||
		ic.EnableCommand != "orgwizard sandbox enable-identity-center --region eu-west-1 --sandbox-state "+target[1] {
		t.Errorf("Identity Center off: %+v", ic)
	}
	code, out, _ = run(t, append([]string{"access"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "IAM Identity Center is not on") || !strings.Contains(out, "\n  orgwizard sandbox enable-identity-center --region us-east-1 --sandbox-state "+target[1]+"\n") {
		t.Errorf("text, Identity Center off:\n%s", out)
	}

	code, _, errOut := run(t, append([]string{"access", "aws-config", "--group", "payments-team"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "--sso-session and --group are for Identity Center profiles. IAM Identity Center is not on") ||
		!strings.Contains(errOut, "\n  orgwizard sandbox enable-identity-center --region us-east-1 --sandbox-state "+target[1]+"\n") {
		t.Errorf("aws-config --group without Identity Center: exit %d, %s", code, errOut)
	}

	w := newICSandbox(t)
	code, out, errOut = run(t, append([]string{"access", "-o", "json", "--design", filepath.Join(examples, "acme.yaml")}, w.target...)...)
	var doc accessICDoc
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("access: exit %d\n%s%s", code, out, errOut)
	}
	ic := doc.IdentityCenter
	if !ic.Enabled || ic.Region != "eu-west-1" || ic.PortalURL != w.info.StartURL || ic.InstanceARN != w.info.InstanceARN || ic.HowToEnable != "" {
		t.Errorf("Identity Center: %+v", ic)
	}
	type row struct{ name, members, assignments string }
	var got []row
	for _, g := range append(ic.Groups, ic.Users...) {
		var as []string
		for _, a := range g.Assignments {
			if a.AccountID != w.ids[a.Account] {
				t.Errorf("%s: account %s has id %s, want %s", g.Name, a.Account, a.AccountID, w.ids[a.Account])
			}
			as = append(as, a.Account+":"+a.PermissionSet)
		}
		got = append(got, row{g.Name, strings.Join(g.Members, ","), strings.Join(as, " ")})
	}
	want := []row{
		{"auditors", "bob@acme.example", "payments-dev:read-only payments-prod-us:read-only"},
		{"payments-team", "ana@acme.example", "payments-dev:admin payments-prod-us:read-only"},
		{"carol@acme.example", "", "log-archive:admin"},
	}
	if len(got) != len(want) {
		t.Fatalf("groups and users %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, a := range doc.Accounts {
		var ins []string
		for _, in := range a.IdentityCenter {
			ins = append(ins, in.Group+in.User+":"+in.PermissionSet)
		}
		wantIns := map[string]string{"payments-dev": "auditors:read-only payments-team:admin", "payments-prod-us": "auditors:read-only payments-team:read-only",
			"log-archive": "carol@acme.example:admin"}[a.Name]
		if strings.Join(ins, " ") != wantIns {
			t.Errorf("%s: %v, want %s", a.Name, ins, wantIns)
		}
	}

	code, out, _ = run(t, append([]string{"access", "--design", filepath.Join(examples, "acme.yaml")}, w.target...)...)
	for _, want := range []string{
		"IAM Identity Center (eu-west-1): people sign in at " + w.info.StartURL + "\n",
		"  payments-team (ana@acme.example)\n    payments-dev      " + w.ids["payments-dev"] + "  admin\n    payments-prod-us  " + w.ids["payments-prod-us"] + "  read-only\n",
		"  carol@acme.example (user, assigned directly)\n    log-archive  " + w.ids["log-archive"] + "  admin\n",
		"Break-glass into a member account:",
	} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

// TestSSOProfilesWork is the proof that the profiles work on day one: the
// config aws-config writes for the sandbox, a token from the sandbox's
// OIDC device flow cached where `aws sso login` caches it, and then
// aws-sdk-go-v2's SSO credential provider and the AWS CLI each get into the
// member account as the permission set's role.
func TestSSOProfilesWork(t *testing.T) {
	w := newICSandbox(t)
	acme := filepath.Join(examples, "acme.yaml")
	awsConfig := func(args ...string) (int, string, string) {
		return run(t, append(append([]string{"access", "aws-config", "--design", acme}, args...), w.target...)...)
	}

	// Everyone's profiles to stdout: the sso-session, then account by account.
	code, out, errOut := awsConfig()
	if code != ExitOK || !strings.Contains(errOut, "aws sso login --sso-session acme") {
		t.Fatalf("aws-config: exit %d\n%s%s", code, out, errOut)
	}
	var profiles []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "[") {
			profiles = append(profiles, l)
		}
	}
	wantProfiles := "[sso-session acme] [profile log-archive-admin] [profile payments-dev-admin] [profile payments-dev-read-only] [profile payments-prod-us-read-only]"
	if strings.Join(profiles, " ") != wantProfiles {
		t.Errorf("sections %v, want %s", profiles, wantProfiles)
	}
	for _, want := range []string{
		"[sso-session acme]\nsso_start_url = " + w.info.StartURL + "\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n",
		"# payments-dev (" + w.ids["payments-dev"] + ") as read-only, through auditors\n[profile payments-dev-read-only]\nsso_session = acme\nsso_account_id = " +
			w.ids["payments-dev"] + "\nsso_role_name = read-only\nregion = eu-west-1\n",
		"# payments-prod-us (" + w.ids["payments-prod-us"] + ") as read-only, through auditors, payments-team\n",
		"# log-archive (" + w.ids["log-archive"] + ") as admin, through user carol@acme.example\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the config lacks %q:\n%s", want, out)
		}
	}

	// One group's profiles, under a session name of one's own, merged into a config.
	cfgFile := filepath.Join(w.dir, "config")
	user := "# mine\n[profile personal]\nregion = us-west-2\n"
	if err := os.WriteFile(cfgFile, []byte(user), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = awsConfig("--group", "payments-team", "--sso-session", "acme-sso", "--merge", cfgFile)
	if code != ExitOK || !strings.Contains(errOut, "Wrote 2 profiles for o-") {
		t.Fatalf("aws-config --group payments-team --merge: exit %d\n%s", code, errOut)
	}
	merged, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(merged), user+"\n# >>> orgwizard organization o-") ||
		!strings.Contains(string(merged), "--design "+acme+" --sso-session acme-sso --group payments-team --merge "+cfgFile) ||
		strings.Contains(string(merged), "auditors") {
		t.Errorf("merged config:\n%s", merged)
	}
	if code, _, errOut := awsConfig("--group", "platform-admins"); code != ExitUser || !strings.Contains(errOut, "its groups are auditors, payments-team") {
		t.Errorf("an unknown group: exit %d, %s", code, errOut)
	}
	if code, _, errOut := awsConfig("--sso-session", "my org"); code != ExitUser || !strings.Contains(errOut, `--sso-session "my org" is not a name`) {
		t.Errorf("a bad session name: exit %d, %s", code, errOut)
	}

	everyone := filepath.Join(w.dir, "everyone")
	if code, _, errOut := awsConfig("--sso-session", "acme-sso", "-o", everyone); code != ExitOK || !strings.Contains(errOut, "Wrote 4 profiles to "+everyone) {
		t.Fatalf("aws-config -o: %d %s", code, errOut)
	}

	// Ana signs in as `aws sso login --sso-session acme-sso` would, the sandbox approving the device code.
	sb, err := sandbox.Open(sandbox.Config{StatePath: w.state, Speed: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	home := filepath.Join(w.dir, "home")
	cached := signInAs(t, sb, endpoint, w.info, "ana@acme.example", home, "acme-sso")

	isolateAWSEnv(t, home, endpoint)
	// aws-sdk-go-v2 builds its SSO and OIDC clients before it reads
	// AWS_ENDPOINT_URL: only the service-specific variables reach them.
	t.Setenv("AWS_ENDPOINT_URL_SSO", endpoint)
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", endpoint)
	noCreds := filepath.Join(w.dir, "credentials")
	if err := os.WriteFile(noCreds, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // the AWS CLI starts slowly on a loaded machine
	defer cancel()
	callerOf := func(profile string) (*sts.GetCallerIdentityOutput, string, error) {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(profile), config.WithHTTPClient(loopbackOnly()),
			config.WithSharedConfigFiles([]string{cfgFile}), config.WithSharedCredentialsFiles([]string{noCreds}))
		if err != nil {
			return nil, "", err
		}
		out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return out, cfg.Region, err
	}
	for profile, c := range map[string]struct{ account, ps, region string }{
		"payments-dev-admin": {"payments-dev", "admin", "eu-west-1"},
		// The profile's region is the account's (its region lock's), not Identity Center's.
		"payments-prod-us-read-only": {"payments-prod-us", "read-only", "us-east-1"},
	} {
		me, region, err := callerOf(profile)
		if err != nil {
			t.Fatalf("profile %s: %v", profile, err)
		}
		arn := regexp.MustCompile(`^arn:aws:sts::` + w.ids[c.account] + `:assumed-role/AWSReservedSSO_` + c.ps + `_[0-9a-f]{16}/ana@acme\.example$`)
		if *me.Account != w.ids[c.account] || !arn.MatchString(*me.Arn) || region != c.region {
			t.Errorf("profile %s: account %s, arn %s, region %s; want %s as AWSReservedSSO_%s_… in %s", profile, *me.Account, *me.Arn, region, w.ids[c.account], c.ps, c.region)
		}
	}
	// What the README says of the sandbox: without AWS_ENDPOINT_URL_SSO the
	// SDK's SSO client goes to AWS's portal (refused here before any lookup).
	os.Unsetenv("AWS_ENDPOINT_URL_SSO")
	if _, _, err := callerOf("payments-dev-admin"); err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("an SSO profile with AWS_ENDPOINT_URL alone: %v; the note about AWS_ENDPOINT_URL_SSO is no longer true", err)
	}
	t.Setenv("AWS_ENDPOINT_URL_SSO", endpoint)

	// Ana is not carol: carol's profile (from everyone's config) is refused to her.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("log-archive-admin"), config.WithHTTPClient(loopbackOnly()),
		config.WithSharedConfigFiles([]string{everyone}), config.WithSharedCredentialsFiles([]string{noCreds}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ForbiddenException" {
		t.Errorf("ana through carol's log-archive-admin: %v, want the portal's ForbiddenException", err)
	}

	// The same file with the AWS CLI, its own SSO provider and the same cached token.
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the AWS CLI is not on PATH")
		}
		t.Skip("the AWS CLI is not on PATH")
	}
	if _, err := os.Stat(cached); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "aws", "sts", "get-caller-identity", "--profile", "payments-dev-admin", "--output", "json")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + cfgFile, "AWS_SHARED_CREDENTIALS_FILE=" + noCreds,
		"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL=" + endpoint, "AWS_ENDPOINT_URL_SSO=" + endpoint, "AWS_ENDPOINT_URL_SSO_OIDC=" + endpoint, "AWS_ENDPOINT_URL_STS=" + endpoint}
	got, err := cmd.CombinedOutput()
	var id struct{ Account, Arn string }
	if err != nil || json.Unmarshal(got, &id) != nil {
		t.Fatalf("aws sts get-caller-identity --profile payments-dev-admin: %v\n%s", err, got)
	}
	arn := regexp.MustCompile(`^arn:aws:sts::` + w.ids["payments-dev"] + `:assumed-role/AWSReservedSSO_admin_[0-9a-f]{16}/ana@acme\.example$`)
	if id.Account != w.ids["payments-dev"] || !arn.MatchString(id.Arn) {
		t.Errorf("aws sts get-caller-identity: %+v, want payments-dev %s as AWSReservedSSO_admin_…", id, w.ids["payments-dev"])
	}
}

// signInAs runs the device authorization grant as `aws sso login
// --sso-session session` does, the sandbox's ApproveDevice standing in for
// the user's approval in the browser, and caches the token where the AWS
// CLI does: home/.aws/sso/cache/<sha1 of the session name>.json. It returns
// that file.
func signInAs(t *testing.T, sb *sandbox.Sandbox, endpoint string, info sandbox.IdentityCenterInfo, userName, home, session string) string {
	t.Helper()
	ctx := context.Background()
	oidc := ssooidc.New(ssooidc.Options{Region: info.Region, BaseEndpoint: aws.String(endpoint), HTTPClient: loopbackOnly()})
	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("botocore-client-" + session), ClientType: aws.String("public"),
		Scopes: []string{"sso:account:access"}})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(info.StartURL)})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.ApproveDevice(aws.ToString(dev.UserCode), userName); err != nil {
		t.Fatal(err)
	}
	tok, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: dev.DeviceCode})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(map[string]string{"startUrl": info.StartURL, "region": info.Region, "accessToken": aws.ToString(tok.AccessToken),
		"expiresAt": time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second).UTC().Format(time.RFC3339), "refreshToken": aws.ToString(tok.RefreshToken),
		"clientId": aws.ToString(reg.ClientId), "clientSecret": aws.ToString(reg.ClientSecret),
		"registrationExpiresAt": time.Unix(reg.ClientSecretExpiresAt, 0).UTC().Format(time.RFC3339)})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum([]byte(session))
	dir := filepath.Join(home, ".aws", "sso", "cache")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, hex.EncodeToString(sum[:])+".json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAppliedAccessProfilesWork is the whole flow a user runs: apply a
// design with an access block, turn Identity Center on, apply again, write
// one group's profiles, sign in, and get into the accounts the design
// grants it, as the permission sets it names.
func TestAppliedAccessProfilesWork(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme with access on the sandbox")
	}
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "sandbox.json")
	design := filepath.Join(examples, "acme-access.yaml")
	target := []string{"--design", design, "--sandbox-state", state, "--sandbox-speed", "50"}
	if code, out, errOut := run(t, append([]string{"apply", "--yes"}, target...)...); code != ExitUser || !strings.Contains(errOut, "enable-identity-center") {
		t.Fatalf("apply before Identity Center: exit %d\n%s%s", code, out, errOut)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	var mgmt sandbox.AccountInfo
	ids := map[string]string{}
	for _, a := range sb.Accounts() {
		ids[a.Name] = a.ID
		if a.Role == "management" {
			mgmt = a
		}
	}
	info, err := sb.EnableIdentityCenter(mgmt.ID, "eu-west-1")
	sb.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, append([]string{"apply", "--yes"}, target...)...); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}

	cfgFile := filepath.Join(dir, "config")
	code, _, errOut := run(t, append([]string{"access", "aws-config", "--group", "payments-team", "-o", cfgFile}, target[:4]...)...)
	if code != ExitOK || !strings.Contains(errOut, "Wrote 5 profiles to "+cfgFile) {
		t.Fatalf("aws-config: exit %d\n%s", code, errOut)
	}
	data, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	var profiles []string
	for _, l := range strings.Split(string(data), "\n") {
		if name, ok := strings.CutPrefix(l, "[profile "); ok {
			profiles = append(profiles, strings.TrimSuffix(name, "]"))
		}
	}
	want := "payments-dev-admin payments-prod-eu-deployer payments-prod-eu-read-only payments-prod-us-read-only payments-staging-admin" // by OU path, then name
	if strings.Join(profiles, " ") != want {
		t.Errorf("profiles %v, want %s", profiles, want)
	}

	sb, err = sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	home := filepath.Join(dir, "home")
	signInAs(t, sb, endpoint, info, "ana@acme.example", home, "acme")
	isolateAWSEnv(t, home, endpoint)
	t.Setenv("AWS_ENDPOINT_URL_SSO", endpoint)
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", endpoint)
	noCreds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(noCreds, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for profile, c := range map[string]struct{ account, ps, region string }{
		"payments-prod-eu-deployer":  {"payments-prod-eu", "deployer", "eu-west-1"},
		"payments-prod-us-read-only": {"payments-prod-us", "read-only", "us-east-1"},
	} {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(profile), config.WithHTTPClient(loopbackOnly()),
			config.WithSharedConfigFiles([]string{cfgFile}), config.WithSharedCredentialsFiles([]string{noCreds}))
		if err != nil {
			t.Fatal(err)
		}
		me, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("profile %s: %v", profile, err)
		}
		arn := regexp.MustCompile(`^arn:aws:sts::` + ids[c.account] + `:assumed-role/AWSReservedSSO_` + c.ps + `_[0-9a-f]{16}/ana@acme\.example$`)
		if *me.Account != ids[c.account] || !arn.MatchString(*me.Arn) || cfg.Region != c.region {
			t.Errorf("profile %s: account %s, arn %s, region %s; want %s as AWSReservedSSO_%s_… in %s", profile, *me.Account, *me.Arn, cfg.Region, ids[c.account], c.ps, c.region)
		}
	}
}
