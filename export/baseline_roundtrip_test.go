package export_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/cli"
	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
	"github.com/orgwizard/orgwizard/sandbox/core"
)

// secureMoto is acme-secure.yaml with what moto serves of the baseline:
// the log bucket with its settings and policy in log-archive, trusted
// access, and the contacts of every account.
const secureMoto = "testdata/secure-moto.yaml"

// Terraform builds the baseline in one pass, as far as moto serves it: the
// organization, its accounts, the log bucket in log-archive through the
// provider alias that assumes OrganizationAccountAccessRole there (its
// account created in the same apply), its versioning, public access
// block, encryption, lifecycle and policy, trusted access and thirty
// alternate contacts; a plan after it shows no change.
//
// The trail block is dropped before the apply: the provider starts a trail
// by its ARN, and moto's StartLogging finds trails by name only (a
// KeyError there). GuardDuty's organization configuration, Access Analyzer
// and IAM's organization features are off in the design: moto has none.
func TestTerraformBuildsTheBaselineOnMoto(t *testing.T) {
	tf := terraform.Find(t)
	e := motoEndpoint(t)
	dir := t.TempDir()
	main := filepath.Join(dir, "main.tf")
	orgwizard(t, e, cli.ExitOK, "export", "--design", secureMoto, "--format", "terraform", "-o", main)
	data, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, `resource "aws_cloudtrail" "organization" {`)
	end := strings.Index(text[start:], "\n}\n")
	if start < 0 || end < 0 {
		t.Fatalf("the export declares no trail:\n%s", text)
	}
	text = text[:start] + text[start+end+3:]
	if err := os.WriteFile(main, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := terraform.Env(t, e.env)
	tf.Init(t, dir, env)
	// The organization, 8 OUs, 9 accounts, 5 policies, 6 attachments (29),
	// the bucket and its 5 settings (6), and 3 contacts on 10 accounts (30).
	expect(t, tf, dir, env, 0, []string{"Apply complete! Resources: 65 added, 0 changed, 0 destroyed."}, "apply", "-auto-approve")
	expect(t, tf, dir, env, 0, nil, "plan", "-detailed-exitcode")
}

// Terraform takes over the security baseline orgwizard built, live, on the
// sandbox: acme-secure.yaml applied, `export --live` imports the
// organization and every baseline resource (the log bucket and its five
// settings, the organization trail, GuardDuty's detector, administrator and
// organization configuration per region, Access Analyzer's administrator and
// analyzers, IAM's root features, every account's three alternate
// contacts), changing nothing; then neither `terraform plan` nor
// `orgwizard plan` has anything to do. What is in log-archive and
// security-tooling is read through the provider aliases that assume
// OrganizationAccountAccessRole there (the sandbox's STS), and the sandbox
// serves every call the provider makes. The same with Security Hub turned
// on adds its hub, administrator and organization configuration per region.
func TestTerraformImportsTheBaselineApplyBuilt(t *testing.T) {
	tf := terraform.Find(t)
	acmeSecure := filepath.Join("..", "examples", "acme-secure.yaml")
	t.Run("acme-secure", func(t *testing.T) {
		// The README's figures: 29 of the organization and 55 of the baseline.
		importsTheBaseline(t, tf, acmeSecure, 84)
	})
	t.Run("security-hub", func(t *testing.T) {
		data, err := os.ReadFile(acmeSecure)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Replace(string(data), "securityHub: false", "securityHub: true ", 1)
		if text == string(data) {
			t.Fatal("acme-secure.yaml no longer says securityHub: false")
		}
		design := filepath.Join(t.TempDir(), "acme-secure-hub.yaml")
		if err := os.WriteFile(design, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		// And Security Hub's 3 in each of the 4 regions.
		importsTheBaseline(t, tf, design, 96)
	})
}

// importsTheBaseline applies design to a new sandbox, exports it live, and
// has Terraform import all total resources, with no change then or after.
func importsTheBaseline(t *testing.T, tf terraform.Tool, design string, total int) {
	e := sandboxEndpoint(t)
	orgwizard(t, e, cli.ExitOK, "apply", "--yes", "--design", design)
	// The security team lets the management account read the logs: a
	// statement of their own in the log bucket's policy, which Terraform
	// must keep as apply does.
	logs := onLogBucket(t, e)
	reader := logs.addStatement(t, "ManagementAccountReadsLogs", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+logs.mgmtID+`:root"},`+
		`"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::`+logs.bucket+`","arn:aws:s3:::`+logs.bucket+`/*"]}`)
	dir := t.TempDir()
	orgwizard(t, e, cli.ExitOK, "export", "--live", "--design", design, "--format", "terraform", "-o", filepath.Join(dir, "main.tf"))
	src, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `"Sid": "ManagementAccountReadsLogs"`) {
		t.Errorf("the export's bucket policy lacks the bucket's own statement ManagementAccountReadsLogs")
	}
	want := baselineImports(t, design)
	baseline := 0
	for typ, n := range want {
		baseline += n
		if got := strings.Count(string(src), "\n  to = "+typ+"."); got != n {
			t.Errorf("the export imports %d %s, want %d", got, typ, n)
		}
	}
	if n := want["aws_guardduty_detector"]; n != 4 || want["aws_accessanalyzer_analyzer"] != 4 || want["aws_account_alternate_contact"] != 30 {
		t.Errorf("%s has GuardDuty in %d regions, %d analyzers and %d contacts; the README says 4, 4 and 30",
			design, n, want["aws_accessanalyzer_analyzer"], want["aws_account_alternate_contact"])
	}
	var organization int
	fmt.Sscan(acmeResources, &organization)
	if got := strings.Count(string(src), "\nimport {\n"); organization+baseline != total || got != total {
		t.Fatalf("the export has %d import blocks; %s has %d resources (%d of the organization, %d of the baseline), want %d",
			got, design, organization+baseline, organization, baseline, total)
	}
	if t.Failed() {
		t.FailNow()
	}

	accounts := map[string]string{}
	for _, a := range e.sb.Accounts() {
		accounts[a.Name] = a.ID
	}
	before := len(e.sb.Calls())
	env := terraform.Env(t, e.env)
	tf.Init(t, dir, env)
	expect(t, tf, dir, env, 0, []string{fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", total)}, "apply", "-auto-approve")
	expect(t, tf, dir, env, 0, []string{"No changes."}, "plan", "-detailed-exitcode")

	// Every call Terraform made is one the sandbox serves, and the aliases
	// acted in the member accounts through AssumeRole.
	calls := e.sb.Calls()[before:]
	as := map[string]map[string]bool{}
	for _, c := range calls {
		if c.Service == core.UnknownName || c.Operation == core.UnknownName || c.Outcome == "NotImplemented" {
			t.Errorf("Terraform called what the sandbox does not serve: %s %s in %s as %s: %s", c.Service, c.Operation, c.Region, c.Account, c.Outcome)
		}
		if c.Outcome == "ok" {
			if as[c.Account] == nil {
				as[c.Account] = map[string]bool{}
			}
			as[c.Account][c.Service+" "+c.Operation] = true
		}
	}
	tooling := []string{"guardduty GetDetector", "guardduty DescribeOrganizationConfiguration", "access-analyzer GetAnalyzer"}
	if want["aws_securityhub_account"] > 0 {
		tooling = append(tooling, "securityhub DescribeHub", "securityhub DescribeOrganizationConfiguration")
	}
	for account, ops := range map[string][]string{
		"acme": {"sts AssumeRole", "cloudtrail DescribeTrails", "cloudtrail GetTrailStatus", "cloudtrail ListTags",
			"guardduty ListOrganizationAdminAccounts", "iam ListOrganizationsFeatures", "account GetAlternateContact"},
		"log-archive":      {"s3 GetBucketPolicy", "s3 GetBucketAcl", "s3 GetBucketLifecycleConfiguration"},
		"security-tooling": tooling,
	} {
		for _, op := range ops {
			if !as[accounts[account]][op] {
				t.Errorf("Terraform made no successful %s as %s (%s)", op, account, accounts[account])
			}
		}
	}
	// Terraform's apply put the policy as exported: the statement is still
	// the bucket's, as it was.
	if !logs.hasStatement(t, reader) {
		t.Errorf("after terraform apply, the bucket's policy lacks its own statement %s", reader)
	}
	orgwizard(t, e, cli.ExitOK, "plan", "--design", design, "--detailed-exitcode")
}

// logBucket is the log bucket orgwizard applied, reached as log-archive.
type logBucket struct {
	s3             *s3.Client
	bucket, mgmtID string
}

func onLogBucket(t *testing.T, e endpoint) logBucket {
	t.Helper()
	var logs sandbox.AccountInfo
	for _, a := range e.sb.Accounts() {
		if a.Name == orgmodel.LogArchive {
			logs = a
		}
	}
	if logs.ID == "" {
		t.Fatal("the sandbox has no log-archive")
	}
	tg, err := target.ForSandboxAccount(e.sb, logs.ID, target.Spec{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	return logBucket{s3: s3.NewFromConfig(tg.Config, func(o *s3.Options) { o.UsePathStyle = true }),
		bucket: orgmodel.LogBucketName(logs.ID, logs.OrganizationID), mgmtID: logs.OrganizationManagementID}
}

func (l logBucket) statements(t *testing.T) (map[string]json.RawMessage, []json.RawMessage) {
	t.Helper()
	out, err := l.s3.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(l.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil || json.Unmarshal(doc["Statement"], &list) != nil {
		t.Fatalf("the bucket's policy is not a list of statements: %v\n%s", err, aws.ToString(out.Policy))
	}
	return doc, list
}

// addStatement adds a statement under sid to the bucket's policy, as a
// user would by hand, and returns it.
func (l logBucket) addStatement(t *testing.T, sid, statement string) string {
	t.Helper()
	doc, list := l.statements(t)
	st := `{"Sid":"` + sid + `",` + strings.TrimPrefix(statement, "{")
	doc["Statement"], _ = json.Marshal(append(list, json.RawMessage(st)))
	policy, _ := json.Marshal(doc)
	if _, err := l.s3.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(l.bucket), Policy: aws.String(string(policy))}); err != nil {
		t.Fatal(err)
	}
	return st
}

func (l logBucket) hasStatement(t *testing.T, statement string) bool {
	t.Helper()
	_, list := l.statements(t)
	var want any
	if err := json.Unmarshal([]byte(statement), &want); err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(list, func(st json.RawMessage) bool {
		var got any
		return json.Unmarshal(st, &got) == nil && reflect.DeepEqual(got, want)
	})
}

// baselineImports is what the live export of design imports of the
// baseline, per resource type, from the design's expansion.
func baselineImports(t *testing.T, design string) map[string]int {
	t.Helper()
	data, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	bt := tree.Baseline
	if bt == nil || bt.Trail == nil || len(bt.ThreatDetection) == 0 || len(bt.Analyzers) == 0 || len(bt.RootFeatures) == 0 || len(bt.Contacts) == 0 {
		t.Fatalf("%s no longer has the baseline this test counts (a trail, GuardDuty, Access Analyzer, root access, contacts)", design)
	}
	contacts := 0
	for _, ac := range bt.Contacts {
		contacts += len(ac.Contacts)
	}
	n, hub := len(bt.ThreatDetection), len(bt.SecurityHub)
	return map[string]int{
		"aws_s3_bucket": 1, "aws_s3_bucket_versioning": 1, "aws_s3_bucket_public_access_block": 1,
		"aws_s3_bucket_server_side_encryption_configuration": 1, "aws_s3_bucket_lifecycle_configuration": 1, "aws_s3_bucket_policy": 1,
		"aws_cloudtrail":         1,
		"aws_guardduty_detector": n, "aws_guardduty_organization_admin_account": n, "aws_guardduty_organization_configuration": n,
		"aws_securityhub_account": hub, "aws_securityhub_organization_admin_account": hub, "aws_securityhub_organization_configuration": hub,
		"aws_organizations_delegated_administrator": 1,
		"aws_accessanalyzer_analyzer":               len(bt.Analyzers),
		"aws_iam_organizations_features":            1,
		"aws_account_alternate_contact":             contacts,
	}
}
