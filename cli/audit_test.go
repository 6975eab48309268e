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
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

type auditOut struct {
	Version int    `json:"version"`
	Target  string `json:"target"`
	Checks  []struct {
		ID, Title, Status, Why, Fix string
	} `json:"checks"`
	Inventory []map[string]any `json:"inventory"`
}

func runAudit(t *testing.T, args ...string) (int, auditOut, string) {
	t.Helper()
	code, out, errOut := run(t, append([]string{"audit", "-o", "json"}, args...)...)
	var doc auditOut
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("audit json: %v\n%s\n%s", err, out, errOut)
	}
	return code, doc, errOut
}

func status(doc auditOut, id string) (string, string) {
	for _, c := range doc.Checks {
		if c.ID == id {
			return c.Status, c.Why
		}
	}
	return "", ""
}

// TestAuditAfterApplyPassesEveryCheck: a design with budgets and access,
// applied (the first apply stops where Identity Center must be turned on,
// the sandbox does the console's click, the second gives the access),
// passes all twelve checks (acme-budgets.yaml's amounts stay above the
// sandbox's spend on any day of the month); the thirteenth warns that the
// design has no security baseline, which it does not ask for.
func TestAuditAfterApplyPassesEveryCheck(t *testing.T) {
	budgets, err := os.ReadFile(filepath.Join(examples, "acme-budgets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	access, err := os.ReadFile(filepath.Join(examples, "acme-access.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(access), "\naccess:\n")
	if i < 0 {
		t.Fatal("acme-access.yaml has no access block")
	}
	acme := filepath.Join(t.TempDir(), "acme.yaml")
	if err := os.WriteFile(acme, append(budgets, access[i+1:]...), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "sandbox.json")
	code, out, errOut := run(t, "apply", "--yes", "--design", acme, "--sandbox-state", state, "--sandbox-speed", "1000")
	if code != ExitUser || !strings.Contains(errOut, "sandbox enable-identity-center") {
		t.Fatalf("apply before Identity Center is on: exit %d, want %d and the command that turns it on\n%s\n%s", code, ExitUser, out, errOut)
	}
	// Identity Center off: the audit says so, and how to turn it on.
	_, doc, _ := runAudit(t, "--design", acme, "--sandbox-state", state)
	if st, _ := status(doc, "identity-center"); st != "fail" {
		t.Errorf("identity-center before the click: %q", st)
	}
	for _, c := range doc.Checks {
		if c.ID == "identity-center" && (c.Status != "fail" || !strings.Contains(c.Fix, "orgwizard sandbox enable-identity-center --region eu-west-1 --sandbox-state "+state)) {
			t.Errorf("identity-center before the click: %s: %s", c.Status, c.Fix)
		}
	}
	if code, out, errOut := run(t, "sandbox", "enable-identity-center", "--region", "eu-west-1", "--sandbox-state", state); code != ExitOK {
		t.Fatalf("sandbox enable-identity-center: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "apply", "--yes", "--design", acme, "--sandbox-state", state, "--sandbox-speed", "1000"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	code, doc, errOut = runAudit(t, "--strict", "--design", acme, "--sandbox-state", state)
	if code != ExitOK {
		t.Errorf("audit --strict: exit %d\n%s", code, errOut)
	}
	if doc.Version != 1 || !strings.HasPrefix(doc.Target, "sandbox") || len(doc.Checks) != 13 || doc.Inventory == nil {
		t.Errorf("the json shape: %+v", doc)
	}
	for _, c := range doc.Checks {
		if c.ID == "security-baseline" {
			if c.Status != "warn" || !strings.HasPrefix(c.Why, "not in the design") {
				t.Errorf("%s: %s: %s", c.ID, c.Status, c.Why)
			}
			continue
		}
		if c.Status != "pass" {
			t.Errorf("%s: %s: %s", c.ID, c.Status, c.Why)
		}
	}
	if _, why := status(doc, "accounts-reachable"); why != "all 7 workload accounts have a group assigned" {
		t.Errorf("accounts-reachable: %s", why)
	}
}

func TestAuditDirtyManagementFailsStrict(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	code, doc, _ := runAudit(t, "--strict", "--scenario", "dirty-management", "--sandbox-state", state)
	if code != ExitUser {
		t.Errorf("--strict with failing checks: exit %d, want %d", code, ExitUser)
	}
	if st, why := status(doc, "management-clean"); st != "fail" || !strings.Contains(why, "27 resources") {
		t.Errorf("management-clean: %s %s", st, why)
	}
	if st, _ := status(doc, "member-accounts"); st != "warn" {
		t.Errorf("without a design the design checks warn, got %s", st)
	}
	// ci-deployer has a console password and two access keys, the first
	// rotated out (Inactive): the check fails on the password and the other key.
	if st, why := status(doc, "no-iam-user-sign-in"); st != "fail" || !strings.Contains(why, "can sign in: ci-deployer (console password, 1 active access key)") {
		t.Errorf("no-iam-user-sign-in on an account whose IAM user has a password and an active key: %s %s", st, why)
	}
	for _, c := range doc.Checks {
		if c.ID == "no-iam-user-sign-in" && (strings.Count(c.Fix, "aws iam update-access-key") != 1 || !strings.Contains(c.Fix, "aws iam delete-login-profile --user-name ci-deployer") ||
			!strings.Contains(c.Fix, "On the sandbox these users come with its scenario")) {
			t.Errorf("no-iam-user-sign-in's fix on the sandbox: %s", c.Fix)
		}
	}
	if len(doc.Inventory) != 27 {
		t.Errorf("%d inventory items, want 27", len(doc.Inventory))
	}
	// Resource Explorer (on in eu-west-1 and us-east-1 in this scenario)
	// found the one resource no listing covers.
	if !slices.ContainsFunc(doc.Inventory, func(it map[string]any) bool {
		return it["service"] == "sqs" && it["source"] == "resource-explorer"
	}) {
		t.Error("the queue only Resource Explorer sees is missing")
	}
	if st, why := status(doc, "management-clean"); !strings.Contains(why, "only tagged resources are visible in 15 of 17 regions") {
		t.Errorf("management-clean does not say where Resource Explorer is off: %s %s", st, why)
	}
	for _, k := range []string{"account", "region", "service", "type", "id", "name"} {
		if _, ok := doc.Inventory[0][k]; !ok {
			t.Errorf("inventory items lack %q: %v", k, doc.Inventory[0])
		}
	}
	// Without --strict a failing audit still exits 0: it reported.
	if code, _, _ := runAudit(t, "--sandbox-state", state); code != ExitOK {
		t.Errorf("audit without --strict: exit %d", code)
	}
}

// keepResources rewrites the sandbox state keeping only the resources keep
// accepts: what a user's move of a resource to a member account looks like
// from the management account.
func keepResources(t *testing.T, state string, keep func(r map[string]any) bool) {
	t.Helper()
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	var kept []any
	for _, r := range st["resources"].([]any) {
		if keep(r.(map[string]any)) {
			kept = append(kept, r)
		}
	}
	st["resources"] = kept
	out, _ := json.Marshal(st)
	if err := os.WriteFile(state, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Way (b) end to end: the runbook lists every resource with its destination
// and AWS's way, and the audit counts the moves until the account is clean.
func TestWayOutRunbookEndToEnd(t *testing.T) {
	dir := t.TempDir()
	state, book := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "runbook.md")
	acme := filepath.Join(examples, "acme.yaml")
	code, out, errOut := run(t, "migrate", "runbook", "--scenario", "dirty-management", "--sandbox-state", state, "--design", acme,
		"--assign", "shop-orders=payments-prod-eu", "--assign", "ci-deployer=payments-dev", "--assign", "legacy-reporting=payments-prod-eu", "--out", book)
	if code != ExitOK || !strings.Contains(out, "27 resources to move") {
		t.Fatalf("runbook: exit %d\n%s\n%s", code, out, errOut)
	}
	if want := "Follow its progress with: orgwizard audit --sandbox-state " + state + " --design " + acme + " --runbook " + book + "\n"; !strings.Contains(out, want) {
		t.Errorf("the runbook command does not say %q:\n%s", want, out)
	}
	// legacy-reporting runs in us-east-1; payments-prod-eu's region lock
	// allows eu-central-1 and eu-west-1 only.
	if !strings.Contains(errOut, "warning: instance legacy-reporting → payments-prod-eu: us-east-1 is outside the regions payments-prod-eu's guardrails allow (eu-central-1, eu-west-1)") ||
		strings.Contains(errOut, "shop-orders →") {
		t.Errorf("the region warnings: %s", errOut)
	}
	md, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## To payments-prod-eu", "### rds db-instance `shop-orders` (eu-west-1)", "USER_ShareSnapshot.html",
		"### iam user `ci-deployer`", "IAM Identity Center", "hosted-zones-migrating.html", "S3DataExport", "sharingamis-explicit",
		"s3-batch-replication", "## No destination chosen yet",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the runbook lacks %q", want)
		}
	}
	if n := strings.Count(string(md), "- [ ] moved"); n != 27 {
		t.Errorf("the runbook has %d resources, want 27", n)
	}
	// Without --out, the file the wizard writes and the README follows.
	acmeAbs, err := filepath.Abs(acme)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, out, errOut := run(t, "migrate", "runbook", "--sandbox-state", state, "--design", acmeAbs); code != ExitOK ||
		!strings.Contains(out, "Wrote orgwizard-runbook.md") || !strings.Contains(out, "--runbook orgwizard-runbook.md\n") {
		t.Errorf("runbook without --out: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "orgwizard-runbook.md")); err != nil {
		t.Error(err)
	}
	if code, _, errOut := run(t, "migrate", "runbook", "--sandbox-state", state, "--design", acmeAbs, "--assign", "shop-orders=nobody"); code != ExitUser || !strings.Contains(errOut, "nobody") {
		t.Errorf("an unknown destination: exit %d %s", code, errOut)
	}

	// Half moved: the EC2 and RDS resources are gone.
	keepResources(t, state, func(r map[string]any) bool { return r["service"] != "ec2" && r["service"] != "rds" })
	_, doc, _ := runAudit(t, "--sandbox-state", state, "--runbook", book)
	st, why := status(doc, "management-clean")
	if st != "fail" || !strings.Contains(why, "Runbook: 12 of 27 resources moved out, 15 to go") {
		t.Errorf("after moving EC2 and RDS: %s %s", st, why)
	}
	// All moved: clean.
	keepResources(t, state, func(map[string]any) bool { return false })
	_, doc, _ = runAudit(t, "--sandbox-state", state, "--runbook", book)
	if st, why := status(doc, "management-clean"); st != "pass" || !strings.Contains(why, "27 of 27 resources moved out") {
		t.Errorf("after moving everything: %s %s", st, why)
	}
}

// Way (a) end to end through the command: the design records the old account.
func TestWayOutNewManagementEndToEnd(t *testing.T) {
	dir := t.TempDir()
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "orgwizard.yaml")
	data, err := os.ReadFile(filepath.Join(examples, "acme.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// Without the new account's credentials: the manual step, and a hint.
	code, out, _ := run(t, "migrate", "new-management", "--scenario", "dirty-management", "--sandbox-state", state, "--design", design)
	newID := regexp.MustCompile(`--new-account (\d{12})`).FindStringSubmatch(out)
	if code != ExitOK || !strings.Contains(out, "billing/signup") || newID == nil {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// The commands it suggests act on this design and target: they said
	// "add --new-account ID", and step 4 had no --design.
	for _, want := range []string{
		"stands for the new one: orgwizard migrate new-management --new-account " + newID[1] + " --sandbox-state " + state + " --design " + design + "\n",
		"4. Run: orgwizard migrate new-management --new-profile new-management --profile <the old account's profile> --design " + design + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate new-management does not say %q:\n%s", want, out)
		}
	}
	// Without a terminal or --yes it asks and refuses.
	if code, _, errOut := run(t, "migrate", "new-management", "--sandbox-state", state, "--design", design, "--new-account", newID[1]); code != ExitUser || !strings.Contains(errOut, "--yes") {
		t.Errorf("without --yes: exit %d %s", code, errOut)
	}
	code, out, errOut := run(t, "migrate", "new-management", "--sandbox-state", state, "--design", design, "--new-account", newID[1], "--yes")
	if code != ExitOK || !strings.Contains(out, "Recorded account acme-legacy") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	b, _ := os.ReadFile(design)
	d, err := orgmodel.Parse(b)
	if err != nil {
		t.Fatalf("the recorded design does not parse: %v\n%s", err, b)
	}
	if !d.Foundation.Transitional || len(d.Accounts) != 1 || d.Accounts[0].OU != "Transitional" || d.Accounts[0].Name != "acme-legacy" {
		t.Errorf("design: %+v %+v", d.Foundation, d.Accounts)
	}
	// The user's file is edited, not re-encoded: acme.yaml, comments and
	// all, then the two additions.
	want := strings.Replace(string(data), "  suspended: true\n", "  suspended: true\n  transitional: true\n", 1) +
		"accounts:\n  - name: acme-legacy\n    id: \"" + d.Accounts[0].ID + "\"\n    ou: Transitional\n"
	if string(b) != want {
		t.Errorf("the design was rewritten rather than edited:\n%s\nwant\n%s", b, want)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range sb.Accounts() {
		if a.Name == "acme-legacy" && (a.OrganizationID == "" || a.Role != "member") {
			t.Errorf("the old account after the migration: %+v", a)
		}
	}
	sb.Close()

	// From now on the sandbox acts as the new management account: the plan
	// builds acme there, around the adopted old account, and creates no
	// second organization.
	code, out, errOut = run(t, "plan", "--sandbox-state", state, "--design", design)
	if code != ExitOK || !strings.Contains(out, "Target: sandbox, account "+newID[1]) || strings.Contains(out, "create the organization") || strings.Contains(out, "Warnings") {
		t.Errorf("plan after the migration: exit %d\n%s%s", code, out, errOut)
	}
}

func TestNewManagementBlockedWhenOldManagesMembers(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if code, _, errOut := run(t, "sandbox", "reset", "--scenario", "existing-org", "--sandbox-state", state); code != ExitOK {
		t.Fatal(errOut)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	partner := ""
	for _, a := range sb.Accounts() {
		if a.Role == "standalone" {
			partner = a.ID
		}
	}
	sb.Close()
	code, _, errOut := run(t, "migrate", "new-management", "--sandbox-state", state, "--new-account", partner, "--yes", "--design", filepath.Join(t.TempDir(), "none.yaml"))
	if code != ExitUser || !strings.Contains(errOut, "has 3 members") || !strings.Contains(errOut, "delete") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// TestAuditRunawayAccountOverBudget: on existing-org, whose payments-dev runs
// away, the apply of a design with budgets makes the audit fail that budget;
// the organization's account the design does not name has no budget, and the
// fix says to adopt it. acme.yaml, without budgets, only warns.
func TestAuditRunawayAccountOverBudget(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	design := filepath.Join(examples, "acme-budgets.yaml")
	if code, out, errOut := run(t, "sandbox", "reset", "--scenario", "existing-org", "--sandbox-state", state); code != ExitOK {
		t.Fatalf("reset: exit %d %s%s", code, out, errOut)
	}
	_, doc, _ := runAudit(t, "--design", filepath.Join(examples, "acme.yaml"), "--sandbox-state", state)
	if st, why := status(doc, "budgets"); st != "warn" || !strings.Contains(why, "have no budget") {
		t.Errorf("budgets without a budgets block: %s %s", st, why)
	}
	if code, out, errOut := run(t, "apply", "--yes", "--design", design, "--sandbox-state", state, "--sandbox-speed", "1000"); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	code, doc, _ := runAudit(t, "--strict", "--design", design, "--sandbox-state", state)
	if code != ExitUser {
		t.Errorf("audit --strict with a budget over: exit %d", code)
	}
	if st, why := status(doc, "within-budget"); st != "fail" || !strings.Contains(why, "orgwizard-payments-dev at ") || strings.Contains(why, "orgwizard-payments-prod") {
		t.Errorf("within-budget: %s %s", st, why)
	}
	for _, c := range doc.Checks {
		if c.ID == "budgets" && (c.Status != "fail" || !strings.Contains(c.Why, "legacy-app") || !strings.Contains(c.Fix, "adopt them under accounts:")) {
			t.Errorf("budgets: %+v", c)
		}
	}
	if st, why := status(doc, "management-spend"); st != "pass" || !strings.Contains(why, "USD this month so far") {
		t.Errorf("management-spend: %s %s", st, why)
	}
}

// TestAuditIAMUsersOnMoto: audit lists the management account's IAM users
// that sign in, each with its way in and the command that takes it away,
// against moto (whose IAM serves GetLoginProfile).
func TestAuditIAMUsersOnMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("sweeps moto's regions, about 10 s")
	}
	url := moto.URL(t)
	moto.Env(t, url)
	t.Chdir(t.TempDir()) // no orgwizard.yaml: the audit runs without a design
	ctx := context.Background()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	c := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(url) })
	for _, u := range []string{"founder", "ci", "retired"} {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("founder"), Password: aws.String("Correct-Horse-9")}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci")})
	if err != nil {
		t.Fatal(err)
	}
	old, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("retired")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("retired"), AccessKeyId: old.AccessKey.AccessKeyId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	code, doc, errOut := runAudit(t, "--endpoint-url", url)
	if code != ExitOK {
		t.Fatalf("audit against moto: exit %d\n%s", code, errOut)
	}
	var check struct{ ID, Title, Status, Why, Fix string }
	for _, ck := range doc.Checks {
		if ck.ID == "no-iam-user-sign-in" {
			check = ck
		}
	}
	for _, want := range []string{"2 IAM users of account", "can sign in: ci (1 active access key), founder (console password)"} {
		if check.Status != "fail" || !strings.Contains(check.Why, want) {
			t.Errorf("no-iam-user-sign-in (%s) does not say %q: %s", check.Status, want, check.Why)
		}
	}
	for _, want := range []string{"aws iam delete-login-profile --user-name founder",
		"aws iam update-access-key --user-name ci --access-key-id " + aws.ToString(key.AccessKey.AccessKeyId) + " --status Inactive"} {
		if !strings.Contains(check.Fix, want) {
			t.Errorf("the fix does not say %q: %s", want, check.Fix)
		}
	}
	if strings.Contains(check.Why+check.Fix, "retired") {
		t.Errorf("a user with only an inactive key is listed: %+v", check)
	}
}
