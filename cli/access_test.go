package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

type accessDoc struct {
	Version        int
	Target         string
	OrganizationID string
	Regions        string
	Management     *struct{ ID, Name, Note string } `json:"managementAccount"`
	BreakGlass     *struct{ Role, How string }
	Accounts       []struct {
		Name, ID, Email, OU, Region, Status, JoinedMethod, RoleARN, SwitchRoleURL, Note string
	}
	RootEmails string
}

// appliedSandbox applies acme.yaml to a sandbox state in a temporary
// directory, starting from scenario, and returns the target flags.
func appliedSandbox(t *testing.T, scenario string) (dir string, target []string) {
	t.Helper()
	dir = t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	target = []string{"--sandbox-state", filepath.Join(dir, "sandbox.json")}
	code, out, errOut := run(t, append([]string{"apply", "--design", filepath.Join(examples, "acme.yaml"), "--yes",
		"--scenario", scenario, "--sandbox-speed", "50"}, target...)...)
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	return dir, target
}

func byName(doc accessDoc) map[string]int {
	m := map[string]int{}
	for i, a := range doc.Accounts {
		m[a.Name] = i
	}
	return m
}

// TestAccessShowsTheWayIntoEachAccount: after acme is applied over the
// existing-org scenario, access lists every member account with its link and
// region (the design's region lock, or the target's region without a design),
// says nobody works in the management account, and warns about the invited
// account that has no OrganizationAccountAccessRole.
func TestAccessShowsTheWayIntoEachAccount(t *testing.T) {
	dir, target := appliedSandbox(t, "existing-org")
	acme, err := filepath.Abs(filepath.Join(examples, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir) // no orgwizard.yaml here

	code, out, errOut := run(t, append([]string{"access", "-o", "json", "--design", acme}, target...)...)
	var doc accessDoc
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("access: exit %d\n%s%s", code, out, errOut)
	}
	if doc.Version != 1 || !strings.HasPrefix(doc.OrganizationID, "o-") || !strings.Contains(doc.Target, "sandbox") {
		t.Errorf("header: %+v", doc)
	}
	if doc.Management == nil || doc.Management.Name != "acme" || !strings.Contains(doc.Management.Note, "Nobody should work here") {
		t.Errorf("management account: %+v", doc.Management)
	}
	if doc.BreakGlass == nil || doc.BreakGlass.Role != "OrganizationAccountAccessRole" || !strings.Contains(doc.BreakGlass.How, "cannot switch roles from the root user") {
		t.Errorf("break-glass: %+v", doc.BreakGlass)
	}
	if !strings.Contains(doc.RootEmails, "Forgot password?") || !strings.Contains(doc.RootEmails, "orgwizard-deny-root-user is attached at Root") {
		t.Errorf("root emails: %s", doc.RootEmails)
	}
	idx := byName(doc)
	if len(doc.Accounts) != 10 { // acme's 9 and the invited legacy-app
		t.Errorf("%d member accounts, want 10: %+v", len(doc.Accounts), doc.Accounts)
	}
	for name, want := range map[string]string{"payments-prod-us": "us-east-1", "payments-prod-eu": "eu-west-1", "website-dev": "eu-west-1", "log-archive": "eu-west-1"} {
		i, ok := idx[name]
		if !ok {
			t.Errorf("%s is missing", name)
			continue
		}
		a := doc.Accounts[i]
		wantURL := "https://signin.aws.amazon.com/switchrole?roleName=OrganizationAccountAccessRole&account=" + a.ID + "&displayName=" + name
		if a.Region != want || a.SwitchRoleURL != wantURL || a.RoleARN != "arn:aws:iam::"+a.ID+":role/OrganizationAccountAccessRole" || a.Note != "" {
			t.Errorf("%s: %+v; want region %s and %s", name, a, want, wantURL)
		}
	}
	if a := doc.Accounts[idx["payments-prod-us"]]; a.OU != "Workloads/prod/us" || a.Email != "aws+payments-prod-us@acme.example" || a.JoinedMethod != "CREATED" {
		t.Errorf("payments-prod-us: %+v", a)
	}
	if a := doc.Accounts[idx["legacy-app"]]; a.JoinedMethod != "INVITED" || !strings.Contains(a.Note, "only if someone created it") {
		t.Errorf("legacy-app: %+v", a)
	}

	// Without a design (none given, no orgwizard.yaml), the target's region.
	code, out, _ = run(t, append([]string{"access", "-o", "json"}, target...)...)
	doc = accessDoc{}
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("access without design: exit %d\n%s", code, out)
	}
	if a := doc.Accounts[byName(doc)["website-dev"]]; a.Region != "us-east-1" || !strings.Contains(doc.Regions, "no design file") {
		t.Errorf("without a design: %+v, regions %q", a, doc.Regions)
	}
	// orgwizard.yaml in the working directory is the design when there is one.
	data, err := os.ReadFile(acme)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "orgwizard.yaml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, append([]string{"access", "-o", "json"}, target...)...)
	doc = accessDoc{}
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("access with orgwizard.yaml: exit %d\n%s", code, out)
	}
	if a := doc.Accounts[byName(doc)["website-dev"]]; a.Region != "eu-west-1" || !strings.Contains(doc.Regions, "design orgwizard.yaml") {
		t.Errorf("with orgwizard.yaml: %+v, regions %q", a, doc.Regions)
	}
	if err := os.Remove(filepath.Join(dir, "orgwizard.yaml")); err != nil {
		t.Fatal(err)
	}

	// The text names the target, draws the links, and suggests aws-config with the flags in use.
	code, out, _ = run(t, append([]string{"access", "--design", acme}, target...)...)
	for _, want := range []string{
		"Target: sandbox",
		"Nobody should work here",
		"Workloads/prod/us\n  payments-prod-us",
		"https://signin.aws.amazon.com/switchrole?roleName=OrganizationAccountAccessRole&account=",
		"orgwizard access aws-config --sandbox-state " + target[1] + " --design " + acme + " --merge ~/.aws/config",
		"! joined by invitation",
	} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("text lacks %q (exit %d):\n%s", want, code, out)
		}
	}

	// A design that does not validate is refused with its problems.
	bad := writeFile(t, "version: 1\n")
	if code, _, errOut := run(t, append([]string{"access", "--design", bad}, target...)...); code != ExitUser || !strings.Contains(errOut, "problem") {
		t.Errorf("bad design: exit %d, %s", code, errOut)
	}
}

// isolateAWSEnv makes the SDK and the AWS CLI read only the files a test
// writes: no credentials or profile from the environment.
func isolateAWSEnv(t *testing.T, home, endpoint string) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOME", home)
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	// aws-sdk-go-v2 builds a profile's AssumeRole client before it reads
	// AWS_ENDPOINT_URL; only the STS-specific variable reaches that client.
	t.Setenv("AWS_ENDPOINT_URL_STS", endpoint)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// loopbackOnly is an HTTP client that refuses any address but the loopback
// one, before a name is even looked up: a test never reaches real AWS.
func loopbackOnly() *awshttp.BuildableClient {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("this test sends nothing beyond loopback, and %s is not a loopback address", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		}
	})
}

// TestAWSConfigProfilesWork is the proof: the generated profiles, with a
// source profile holding the sandbox management account's keys, let
// aws-sdk-go-v2 and the AWS CLI into each member account as
// OrganizationAccountAccessRole, and AWS refuses the invited account that
// has no such role.
func TestAWSConfigProfilesWork(t *testing.T) {
	dir, target := appliedSandbox(t, "existing-org")
	cfgFile := filepath.Join(dir, "config")
	code, _, errOut := run(t, append([]string{"access", "aws-config", "--source-profile", "mgmt", "-o", cfgFile,
		"--design", filepath.Join(examples, "acme.yaml")}, target...)...)
	if code != ExitOK || !strings.Contains(errOut, "Wrote 10 profiles to "+cfgFile) {
		t.Fatalf("aws-config: exit %d\n%s", code, errOut)
	}
	code, out, _ := run(t, append([]string{"access", "-o", "json"}, target...)...)
	var doc accessDoc
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("access: %d %s", code, out)
	}
	ids := map[string]string{}
	for _, a := range doc.Accounts {
		ids[a.Name] = a.ID
	}

	sb, err := sandbox.Open(sandbox.Config{StatePath: target[1]})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	var mgmt sandbox.AccountInfo
	for _, a := range sb.Accounts() {
		if a.Role == "management" {
			mgmt = a
		}
	}
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	// The user's config: the source profile with static keys, then the generated block.
	generated, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	user := "[profile mgmt]\naws_access_key_id = " + mgmt.AccessKeyID + "\naws_secret_access_key = " + mgmt.SecretAccessKey + "\nregion = eu-west-1\n\n"
	if err := os.WriteFile(cfgFile, append([]byte(user), generated...), 0o600); err != nil {
		t.Fatal(err)
	}
	noCreds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(noCreds, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	isolateAWSEnv(t, dir, endpoint)

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
	for name, region := range map[string]string{"payments-prod-us": "us-east-1", "website-dev": "eu-west-1", "log-archive": "eu-west-1"} {
		me, gotRegion, err := callerOf(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if *me.Account != ids[name] || !strings.HasPrefix(*me.Arn, "arn:aws:sts::"+ids[name]+":assumed-role/OrganizationAccountAccessRole/") || gotRegion != region {
			t.Errorf("%s: account %s, arn %s, region %s; want %s, OrganizationAccountAccessRole, %s", name, *me.Account, *me.Arn, gotRegion, ids[name], region)
		}
	}
	// What the sandbox note says: with AWS_ENDPOINT_URL alone, the SDK sends
	// the profile's AssumeRole to AWS's STS (refused here before any lookup).
	os.Unsetenv("AWS_ENDPOINT_URL_STS")
	if _, _, err := callerOf("website-dev"); err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("AssumeRole with AWS_ENDPOINT_URL alone: %v; the note about AWS_ENDPOINT_URL_STS is no longer true", err)
	}
	t.Setenv("AWS_ENDPOINT_URL_STS", endpoint)

	_, _, err = callerOf("legacy-app")
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
		t.Errorf("the invited account without the role: %v, want AccessDenied", err)
	}

	// The same file with the AWS CLI.
	if _, err := exec.LookPath("aws"); err != nil {
		t.Fatalf("the AWS CLI is needed for this test: %v", err)
	}
	awsCLIWith := func(file string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, "aws", args...)
		cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+file, "AWS_SHARED_CREDENTIALS_FILE="+noCreds)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	awsCLI := func(args ...string) (string, error) { return awsCLIWith(cfgFile, args...) }
	// The installed CLI is v1, which has no list-profiles: every profile is
	// read back through configure get instead.
	for name, region := range map[string]string{"mgmt": "eu-west-1", "payments-prod-us": "us-east-1", "legacy-app": "eu-west-1"} {
		got, err := awsCLI("configure", "get", "region", "--profile", name)
		if err != nil || strings.TrimSpace(got) != region {
			t.Errorf("aws configure get region --profile %s: %q (%v), want %s", name, got, err, region)
		}
		if name == "mgmt" {
			continue
		}
		got, err = awsCLI("configure", "get", "role_arn", "--profile", name)
		if want := "arn:aws:iam::" + ids[name] + ":role/OrganizationAccountAccessRole"; err != nil || strings.TrimSpace(got) != want {
			t.Errorf("aws configure get role_arn --profile %s: %q (%v), want %s", name, got, err, want)
		}
	}
	// Why --merge refuses a profile name the user already has: the CLI
	// rejects a file with two sections of one name.
	dup := filepath.Join(dir, "dup")
	if err := os.WriteFile(dup, []byte("[profile x]\nregion = eu-west-1\n[profile x]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := awsCLIWith(dup, "configure", "get", "region", "--profile", "x"); err == nil {
		t.Errorf("the AWS CLI read a file with a section twice: %s", out)
	}
	who, err := awsCLI("sts", "get-caller-identity", "--profile", "payments-prod-eu", "--output", "json")
	var id struct{ Account, Arn string }
	if err != nil || json.Unmarshal([]byte(who), &id) != nil {
		t.Fatalf("aws sts get-caller-identity: %v\n%s", err, who)
	}
	if id.Account != ids["payments-prod-eu"] || !strings.Contains(id.Arn, ":assumed-role/OrganizationAccountAccessRole/") {
		t.Errorf("aws sts get-caller-identity: %+v, want account %s", id, ids["payments-prod-eu"])
	}
}

// TestAWSConfigFiles: -o never overwrites; --merge keeps the user's file,
// backs it up, follows a symbolic link, and a second run writes nothing.
func TestAWSConfigFiles(t *testing.T) {
	dir, target := appliedSandbox(t, "fresh")
	aws := func(args ...string) (int, string, string) {
		return run(t, append(append([]string{"access", "aws-config"}, args...), target...)...)
	}
	if code, _, errOut := aws("-o", filepath.Join(dir, "x"), "--merge", filepath.Join(dir, "y")); code != ExitUser || !strings.Contains(errOut, "do not go together") {
		t.Errorf("-o with --merge: exit %d, %s", code, errOut)
	}
	if code, _, errOut := aws("--source-profile", "my profile"); code != ExitUser || !strings.Contains(errOut, "not a profile name") {
		t.Errorf("a bad source profile: exit %d, %s", code, errOut)
	}

	// stdout by default, with the default source profile.
	code, out, _ := aws()
	if code != ExitOK || !strings.Contains(out, "[profile payments-dev]\nrole_arn = arn:aws:iam::") || !strings.Contains(out, "source_profile = default\n") {
		t.Fatalf("stdout: exit %d\n%s", code, out)
	}

	existing := filepath.Join(dir, "existing")
	user := "# mine\n[profile payments-dev-old]\nregion = eu-west-1"
	if err := os.WriteFile(existing, []byte(user), 0o640); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := aws("-o", existing); code != ExitUser || !strings.Contains(errOut, "use --merge "+existing) {
		t.Errorf("-o over a file: exit %d, %s", code, errOut)
	}
	if b, _ := os.ReadFile(existing); string(b) != user {
		t.Errorf("-o changed the existing file: %q", b)
	}

	// --merge through a symbolic link: the link stays, the file it points to changes.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(existing, link); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := aws("--merge", link, "--source-profile", "mgmt")
	if code != ExitOK || !strings.Contains(errOut, "Wrote 9 profiles") || !strings.Contains(errOut, "the file as it was is in "+existing+".orgwizard-backup-") {
		t.Fatalf("merge: exit %d, %s", code, errOut)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", fi, err)
	}
	merged, _ := os.ReadFile(existing)
	if !strings.HasPrefix(string(merged), user+"\n\n# >>> orgwizard organization o-") || !strings.Contains(string(merged), "--source-profile mgmt --merge "+link) {
		t.Errorf("merged file:\n%s", merged)
	}
	if fi, _ := os.Stat(existing); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the file's own 0640", fi.Mode().Perm())
	}
	backups, _ := filepath.Glob(existing + ".orgwizard-backup-*")
	if len(backups) != 1 {
		t.Fatalf("backups %v", backups)
	}
	if b, _ := os.ReadFile(backups[0]); string(b) != user {
		t.Errorf("backup %q, want the file as it was", b)
	}

	// A second run finds nothing to do: no write, no new backup.
	code, _, errOut = aws("--merge", link, "--source-profile", "mgmt")
	again, _ := os.ReadFile(existing)
	backups, _ = filepath.Glob(existing + ".orgwizard-backup-*")
	if code != ExitOK || !strings.Contains(errOut, "is up to date") || string(again) != string(merged) || len(backups) != 1 {
		t.Errorf("second merge: exit %d, %s, %d backups, changed %v", code, errOut, len(backups), string(again) != string(merged))
	}

	// A profile of the user's with an account's name is refused, nothing changed.
	clash := filepath.Join(dir, "clash")
	if err := os.WriteFile(clash, []byte("[profile website-dev]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = aws("--merge", clash)
	backups, _ = filepath.Glob(clash + ".orgwizard-backup-*")
	if code != ExitUser || !strings.Contains(errOut, "line 1 [profile website-dev]") || !strings.Contains(errOut, "nothing was changed") || len(backups) != 0 {
		t.Errorf("clash: exit %d, %s, backups %v", code, errOut, backups)
	}

	// --merge of a file that does not exist yet creates it.
	fresh := filepath.Join(dir, "sub", "config")
	if code, _, errOut := aws("--merge", fresh); code != ExitOK {
		t.Errorf("merge into a new file: exit %d, %s", code, errOut)
	} else if b, _ := os.ReadFile(fresh); !strings.HasPrefix(string(b), "# >>> orgwizard organization o-") {
		t.Errorf("new file:\n%s", b)
	}
}

// TestAccessWithoutOrganization: access says there is no organization yet,
// and aws-config, with nothing to write, says what to do.
func TestAccessWithoutOrganization(t *testing.T) {
	dir := t.TempDir()
	target := []string{"--sandbox-state", filepath.Join(dir, "sandbox.json")}
	code, out, errOut := run(t, append([]string{"access"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "belongs to no organization yet") {
		t.Errorf("access: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, append([]string{"access", "-o", "json"}, target...)...)
	var doc accessDoc
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil || doc.Version != 1 || doc.Accounts == nil || len(doc.Accounts) != 0 {
		t.Errorf("access -o json: exit %d\n%s", code, out)
	}
	code, out, errOut = run(t, append([]string{"access", "aws-config"}, target...)...)
	if code != ExitUser || out != "" || !strings.Contains(errOut, "orgwizard apply creates the organization") {
		t.Errorf("aws-config: exit %d, out %q, err %q", code, out, errOut)
	}
}

// TestBuildAccessViewClosedAccounts: a suspended account is listed with no
// way in, and aws-config would write no profile for it (no role ARN).
func TestBuildAccessViewClosedAccounts(t *testing.T) {
	actual := &orgmodel.Actual{
		Organization: &orgmodel.ActualOrganization{ID: "o-abc1234567", ManagementAccountID: "111111111111"},
		RootID:       "r-ab12",
		OUs:          []orgmodel.ActualOU{{ID: "ou-ab12-suspended", ParentID: "r-ab12", Name: "Suspended"}},
		Accounts: []orgmodel.ActualAccount{
			{ID: "111111111111", Name: "acme", Email: "aws@acme.example", ParentID: "r-ab12", Status: "ACTIVE"},
			{ID: "222222222222", Name: "old", Email: "old@acme.example", ParentID: "ou-ab12-suspended", Status: "SUSPENDED"},
			{ID: "333333333333", Name: "new", Email: "new@acme.example", ParentID: "r-ab12", Status: "ACTIVE", JoinedMethod: "CREATED"},
		},
	}
	v := buildAccessView(actual, nil, "", "eu-west-2")
	if v.Management == nil || v.Management.ID != "111111111111" || len(v.Accounts) != 2 {
		t.Fatalf("view: %+v", v)
	}
	if a := v.Accounts[0]; a.Name != "new" || a.Region != "eu-west-2" || a.SwitchRoleURL == "" || a.Note != "" {
		t.Errorf("active account: %+v", a)
	}
	if a := v.Accounts[1]; a.Name != "old" || a.OU != "Suspended" || a.RoleARN != "" || a.SwitchRoleURL != "" || a.Note != closedNote {
		t.Errorf("suspended account: %+v", a)
	}
	if strings.Contains(v.RootEmails, "deny-root-user") {
		t.Errorf("the deny-root-user note without that policy attached: %s", v.RootEmails)
	}
}
