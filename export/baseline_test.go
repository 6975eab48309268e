package export

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// secureTree is examples/acme-secure.yaml expanded, with edit applied to
// the text first.
func secureTree(t *testing.T, edit func(string) string) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../examples/acme-secure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if edit != nil {
		text = edit(text)
	}
	d, err := orgmodel.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func accountID(a *orgmodel.Actual, name string) string {
	for _, acc := range a.Accounts {
		if acc.Name == name {
			return acc.ID
		}
	}
	return ""
}

// appliedBaseline adds to a the baseline an apply of tree leaves, and a
// trusted access of someone else's (IAM Identity Center's).
func appliedBaseline(tree *orgmodel.Tree, a *orgmodel.Actual) {
	bt := tree.Baseline
	orgID, mgmt := a.Organization.ID, a.Organization.ManagementAccountID
	logID, toolID := accountID(a, orgmodel.LogArchive), accountID(a, orgmodel.SecurityTooling)
	bucket := orgmodel.LogBucketName(logID, orgID)
	ab := &orgmodel.ActualBaseline{
		TrustedAccess:   append(slices.Clone(bt.TrustedAccess), "sso.amazonaws.com"),
		DelegatedAdmins: []orgmodel.ActualDelegatedAdmin{{Service: orgmodel.ServiceAccessAnalyzer, AccountID: toolID}},
		Bucket: &orgmodel.ActualBucket{Name: bucket, Region: bt.HomeRegion, Versioning: orgmodel.VersioningOn, PublicAccessBlocked: true,
			Encryption: orgmodel.EncryptionSSES3, ExpirationDays: 365, NoncurrentExpirationDays: 365,
			Policy: orgmodel.LogBucketPolicy(bucket, orgID, mgmt, logID, orgmodel.TrailARN(bt.HomeRegion, mgmt), bt.HomeRegion)},
		Trail: &orgmodel.ActualTrail{Name: orgmodel.TrailName, ARN: orgmodel.TrailARN(bt.HomeRegion, mgmt), HomeRegion: bt.HomeRegion, S3BucketName: bucket,
			IsOrganizationTrail: true, IsMultiRegionTrail: true, LogFileValidationEnabled: true, IncludeGlobalServiceEvents: true, IsLogging: true},
		RootFeatures: slices.Clone(bt.RootFeatures),
	}
	for _, rc := range bt.ThreatDetection {
		ab.GuardDuty = append(ab.GuardDuty, orgmodel.ActualRegionalService{Region: rc.Region, AdminAccountID: toolID, Enabled: true, AutoEnable: rc.AutoEnable})
	}
	for _, rc := range bt.SecurityHub {
		ab.SecurityHub = append(ab.SecurityHub, orgmodel.ActualRegionalService{Region: rc.Region, AdminAccountID: toolID, Enabled: true, AutoEnable: rc.AutoEnable})
	}
	for _, an := range bt.Analyzers {
		ab.Analyzers = append(ab.Analyzers, orgmodel.ActualAnalyzer{Name: an.Name, Type: an.Type, Region: an.Region, AccountID: toolID})
	}
	for _, ac := range bt.Contacts {
		id := mgmt
		if !ac.Management {
			id = accountID(a, ac.Account)
		}
		ab.Contacts = append(ab.Contacts, orgmodel.ActualAccountContacts{AccountID: id, Contacts: slices.Clone(ac.Contacts)})
	}
	a.Baseline = ab
}

// TestGoldenBaseline pins the Terraform and CloudFormation of
// acme-secure.yaml, from the design and over an organization where
// everything exists.
func TestGoldenBaseline(t *testing.T) {
	tree := secureTree(t, nil)
	actual := appliedActual(tree)
	appliedBaseline(tree, actual)
	cases := map[string]Input{
		"acme-secure":      {Tree: tree, Source: "design acme-secure.yaml"},
		"acme-secure.live": {Tree: tree, Existing: Match(tree, actual), Source: "design acme-secure.yaml over AWS account 999999999999"},
	}
	for name, in := range cases {
		for _, f := range []Format{Terraform, CloudFormation} {
			got := render(t, f, in)
			path := filepath.Join("testdata", name+".golden."+goldenExt[f])
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./export -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s; run go test ./export -update and review the diff", f, path)
			}
		}
	}
}

func countTypes(f *tfFile) map[string]int {
	n := map[string]int{}
	for _, addr := range f.order {
		typ, _, _ := strings.Cut(addr, ".")
		n[typ]++
	}
	return n
}

func attrText(t *testing.T, f *tfFile, addr, name string) string {
	t.Helper()
	b := f.resources[addr]
	if b == nil {
		t.Fatalf("%s is not declared", addr)
	}
	a := b.Body.Attributes[name]
	if a == nil {
		t.Fatalf("%s has no %s", addr, name)
	}
	r := a.Expr.Range()
	return string(f.src[r.Start.Byte:r.End.Byte])
}

// The export declares the lifecycle rule and the access role as apply makes
// and enters them: another rule id would show as a change after import.
func TestBaselineNamesAreApplys(t *testing.T) {
	if LifecycleRuleID != baseline.LifecycleRuleID {
		t.Errorf("the export's lifecycle rule is %q, apply's %q", LifecycleRuleID, baseline.LifecycleRuleID)
	}
	if got := baseline.RoleARN("eu-west-1", "210987654321"); got != "arn:aws:iam::210987654321:role/"+AccessRoleName {
		t.Errorf("apply assumes %s, the export's aliases %s", got, AccessRoleName)
	}
}

func TestTerraformBaseline(t *testing.T) {
	tree := secureTree(t, nil)
	src := render(t, Terraform, Input{Tree: tree, Source: "design"})
	f := parseTerraform(t, src)
	f.src = src
	// Four regions (eu-west-1 home, eu-central-1, us-east-1, us-west-2);
	// ten accounts with three contacts each, the management account's
	// included; no Security Hub.
	want := map[string]int{tfTrail: 1, tfBucket: 1, tfBucketVersioning: 1, tfBucketPAB: 1, tfBucketEncryption: 1, tfBucketLifecycle: 1, tfBucketPolicy: 1,
		tfGuardDutyDetector: 4, tfGuardDutyAdmin: 4, tfGuardDutyOrg: 4, tfDelegatedAdmin: 1, tfAnalyzer: 4, tfRootFeatures: 1, tfContact: 30, tfHubAdmin: 0}
	got := countTypes(f)
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%d %s declared, want %d", got[typ], typ, n)
		}
	}
	if len(f.imports) != 0 {
		t.Errorf("a design export imports %v", f.imports)
	}
	for addr, says := range map[string]string{
		tfOrganization + ".this":                          `["access-analyzer.amazonaws.com", "account.amazonaws.com", "cloudtrail.amazonaws.com", "guardduty.amazonaws.com", "iam.amazonaws.com"]`,
		tfBucket + ".log_bucket":                          `"orgwizard-logs-${aws_organizations_account.log_archive.id}-${aws_organizations_organization.this.id}"`,
		tfGuardDutyAdmin + ".eu_central_1":                "aws_organizations_account.security_tooling.id",
		tfContact + ".contact_payments_dev_security":      "aws_organizations_account.payments_dev.id",
		tfGuardDutyOrg + ".security_tooling_eu_central_1": `"NONE"`,
	} {
		attr := map[string]string{tfOrganization: "aws_service_access_principals", tfBucket: "bucket", tfGuardDutyAdmin: "admin_account_id", tfContact: "account_id",
			tfGuardDutyOrg: "auto_enable_organization_members"}[strings.Split(addr, ".")[0]]
		if got := attrText(t, f, addr, attr); got != says {
			t.Errorf("%s.%s = %s, want %s", addr, attr, got, says)
		}
	}
	if _, ok := f.resources[tfContact+".contact_management_security"].Body.Attributes["account_id"]; ok {
		t.Error("the management account's contact names an account: the provider would treat it as a member")
	}
	for _, want := range []string{
		`role_arn     = "arn:aws:iam::${aws_organizations_account.security_tooling.id}:role/OrganizationAccountAccessRole"`,
		`alias  = "management_us_west_2"`,
		`"aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:${aws_organizations_organization.this.master_account_id}:trail/orgwizard-organization-trail"`,
		`"aws:PrincipalAccount": "${aws_organizations_account.log_archive.id}"`,
		`required_version = ">= 1.5.0"`,
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the export does not say %s", want)
		}
	}
	if strings.Contains(string(src), "ignore_changes = [aws_service_access_principals]") {
		t.Error("a baseline export still leaves trusted access to others")
	}

	// Live: every resource is imported, by the id the provider takes.
	actual := appliedActual(tree)
	appliedBaseline(tree, actual)
	src = render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"})
	live := parseTerraform(t, src)
	live.src = src
	for _, addr := range live.order {
		if _, ok := live.imports[addr]; !ok {
			t.Errorf("%s exists but has no import block", addr)
		}
	}
	tool, logID := accountID(actual, orgmodel.SecurityTooling), accountID(actual, orgmodel.LogArchive)
	for addr, id := range map[string]string{
		tfTrail + ".organization":                           "arn:aws:cloudtrail:eu-west-1:999999999999:trail/orgwizard-organization-trail",
		tfBucketPolicy + ".log_bucket":                      "orgwizard-logs-" + logID + "-o-exampleorga",
		tfDelegatedAdmin + ".access_analyzer":               tool + "/access-analyzer.amazonaws.com",
		tfGuardDutyAdmin + ".us_west_2":                     tool,
		tfGuardDutyDetector + ".security_tooling_us_west_2": "data.aws_guardduty_detector.security_tooling_us_west_2.id",
		tfGuardDutyOrg + ".security_tooling_us_west_2":      "data.aws_guardduty_detector.security_tooling_us_west_2.id",
		tfAnalyzer + ".security_tooling_eu_west_1":          orgmodel.AnalyzerName,
		tfRootFeatures + ".this":                            "o-exampleorga",
		tfContact + ".contact_management_billing":           "BILLING",
		tfContact + ".contact_log_archive_operations":       logID + "/OPERATIONS",
	} {
		if live.imports[addr] != id {
			t.Errorf("%s imported as %q, want %q", addr, live.imports[addr], id)
		}
	}
	if got := attrText(t, live, tfOrganization+".this", "aws_service_access_principals"); !strings.Contains(got, `"sso.amazonaws.com"`) {
		t.Errorf("the trusted access another service has is dropped: %s", got)
	}
	if !strings.Contains(string(src), `required_version = ">= 1.6.0"`) || !strings.Contains(string(src), "# Needs Terraform 1.6 or later") {
		t.Error("import ids from a data source need Terraform 1.6, and the header says so")
	}
	if got := attrText(t, live, tfBucket+".log_bucket", "bucket"); got != `"orgwizard-logs-`+logID+`-o-exampleorga"` {
		t.Errorf("the live bucket is %s", got)
	}

	// The plain design declares none of it, and leaves trusted access alone.
	src = render(t, Terraform, Input{Tree: acmeTree(t, nil), Source: "design"})
	plain := parseTerraform(t, src)
	for _, addr := range plain.order {
		if typ, _, _ := strings.Cut(addr, "."); want[typ] > 0 {
			t.Errorf("acme.yaml exports %s", addr)
		}
	}
	if !strings.Contains(string(src), "ignore_changes = [aws_service_access_principals]") {
		t.Error("acme.yaml's export claims trusted access")
	}
}

// Without security-tooling or log-archive in the export, what needs them
// is left out and the export says so, rather than naming an account it
// does not declare.
func TestTerraformBaselineContactsOnly(t *testing.T) {
	tree := secureTree(t, func(s string) string {
		before, after, _ := strings.Cut(s, "baseline:")
		_, contacts, _ := strings.Cut(after, "contacts:")
		return before + "contacts:" + contacts
	})
	src := render(t, Terraform, Input{Tree: tree, Source: "design"})
	f := parseTerraform(t, src)
	got := countTypes(f)
	if got[tfContact] != 30 || got[tfTrail]+got[tfGuardDutyDetector]+got[tfAnalyzer]+got[tfRootFeatures] != 0 {
		t.Errorf("contacts only declares %v", got)
	}
	if strings.Contains(string(src), "provider \"aws\" {\n  alias") {
		t.Error("contacts are set from the management account: no alias is needed")
	}
}

func TestCloudFormationBaseline(t *testing.T) {
	tree := secureTree(t, nil)
	src := render(t, CloudFormation, Input{Tree: tree, Source: "design"})
	tpl := parseCloudFormation(t, src)
	for _, r := range tpl.Resources {
		if r.Type == cfnTrail {
			t.Error("a trail in eu-west-1 is declared in a us-east-1 stack")
		}
	}
	for _, says := range []string{"# The organization trail lives in the home region, eu-west-1, and this stack in us-east-1: it is left out",
		"# Trusted access (access-analyzer.amazonaws.com, account.amazonaws.com", "# Alternate contacts have no CloudFormation type: left out.",
		"# Centralized root access has no CloudFormation type", "# GuardDuty's organization administrator"} {
		if !strings.Contains(string(src), says) {
			t.Errorf("the template does not say %q", says)
		}
	}

	// Home in us-east-1 with Security Hub: the trail and Security Hub's
	// administrator there are declared, and imported when live.
	east := secureTree(t, func(s string) string {
		s = strings.Replace(s, "homeRegion: eu-west-1", "homeRegion: us-east-1", 1)
		return strings.Replace(s, "securityHub: false", "securityHub: true ", 1)
	})
	actual := appliedActual(east)
	appliedBaseline(east, actual)
	src = render(t, CloudFormation, Input{Tree: east, Existing: Match(east, actual), Source: "live"})
	tpl = parseCloudFormation(t, src)
	trail, ok := tpl.Resources["TrailOrgwizardOrganizationTrail"]
	if !ok || trail.Properties["IsOrganizationTrail"] != true || trail.Properties["IsLogging"] != true {
		t.Fatalf("the trail: %+v", trail)
	}
	if sub := trail.Properties["S3BucketName"].(map[string]any)["Fn::Sub"]; sub != "orgwizard-logs-"+accountID(actual, orgmodel.LogArchive)+"-o-exampleorga" {
		t.Errorf("the trail's bucket: %v", sub)
	}
	imports := map[string]map[string]string{}
	for _, i := range tpl.Metadata.OrgwizardResourcesToImport {
		imports[i.LogicalResourceID] = i.ResourceIdentifier
	}
	if got := imports["TrailOrgwizardOrganizationTrail"]["TrailName"]; got != orgmodel.TrailName {
		t.Errorf("the trail is imported as %q", got)
	}
	if got := imports["SecurityHubAdminUsEast1"]["DelegatedAdminIdentifier"]; got != accountID(actual, orgmodel.SecurityTooling)+"/us-east-1" {
		t.Errorf("Security Hub's administrator is imported as %q", got)
	}
}

// TestTerraformBaselineValidate: hashicorp/aws's own schema accepts the
// baseline, from the design and live (terraform validate, offline, with the
// local provider mirror), the live one's import ids read from data sources
// included.
func TestTerraformBaselineValidate(t *testing.T) {
	tf := terraform.Find(t)
	tree := secureTree(t, func(s string) string { return strings.Replace(s, "securityHub: false", "securityHub: true ", 1) })
	actual := appliedActual(tree)
	appliedBaseline(tree, actual)
	for name, in := range map[string]Input{
		"design": {Tree: tree, Source: "design"},
		"live":   {Tree: tree, Existing: Match(tree, actual), Source: "live"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), render(t, Terraform, in), 0o600); err != nil {
			t.Fatal(err)
		}
		env := terraform.Env(t, nil)
		tf.Init(t, dir, env)
		if r := tf.Run(t, dir, env, "validate", "-no-color"); r.Code != 0 || !strings.Contains(r.Output, "The configuration is valid") {
			t.Errorf("%s: terraform validate: exit %d\n%s", name, r.Code, r.Output)
		}
	}
}

// A live export keeps the Security Hub that apply enabled: the provider
// imports a hub with enable_default_standards = false (DescribeHub does not
// say) and the attribute forces a new hub, so an imported hub ignores it; a
// hub still to create enables the default standards, as apply does.
func TestTerraformSecurityHubImportKeepsTheHub(t *testing.T) {
	tree := secureTree(t, func(s string) string { return strings.Replace(s, "securityHub: false", "securityHub: true ", 1) })
	actual := appliedActual(tree)
	appliedBaseline(tree, actual)
	hub := func(src []byte) string {
		t.Helper()
		start := bytes.Index(src, []byte(`resource "`+tfHubAccount+`" "security_tooling_us_east_1" {`))
		if start < 0 {
			t.Fatalf("no hub in us-east-1:\n%s", src)
		}
		end := bytes.Index(src[start:], []byte("\n}\n"))
		return string(src[start : start+end])
	}
	live := hub(render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"}))
	if !strings.Contains(live, "enable_default_standards = true") || !strings.Contains(live, "ignore_changes = [enable_default_standards]") {
		t.Errorf("the imported hub does not keep enable_default_standards out of the plan:\n%s", live)
	}
	design := hub(render(t, Terraform, Input{Tree: tree, Source: "design"}))
	if !strings.Contains(design, "enable_default_standards = true") || strings.Contains(design, "ignore_changes") {
		t.Errorf("the hub to create:\n%s", design)
	}
}

// Terraform's aws_s3_bucket_policy owns the whole policy, so the live
// export declares the bucket's policy as apply merges it: orgwizard's
// statements and every statement of the user's, the one-statement form
// included, as they are; a terraform apply of it drops nothing. The export
// from the design says what Terraform owns.
func TestTerraformBucketPolicyKeepsTheUsersStatements(t *testing.T) {
	tree := secureTree(t, nil)
	policyOf := func(t *testing.T, src []byte) string {
		t.Helper()
		f := parseTerraform(t, src)
		b := f.resources[tfBucketPolicy+".log_bucket"]
		if b == nil {
			t.Fatal("the export declares no bucket policy")
		}
		v, diags := b.Body.Attributes["policy"].Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("the policy is not a literal document: %s", diags.Error())
		}
		return v.AsString()
	}
	actual := appliedActual(tree)
	appliedBaseline(tree, actual)
	ours := actual.Baseline.Bucket.Policy
	bucket := actual.Baseline.Bucket.Name
	reader := `{"Sid":"ManagementAccountReadsLogs","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/${aws:username}/*"]}`
	withReader := strings.Replace(ours, `"Statement":[`, `"Statement":[`+reader+`,`, 1)
	if withReader == ours {
		t.Fatalf("orgwizard's policy has no statement list: %s", ours)
	}
	for name, tc := range map[string]struct {
		have string
		kept []string
	}{
		"a statement of the user's":             {withReader, []string{reader}},
		"the user's only statement, one object": {`{"Version":"2012-10-17","Statement":` + reader + `}`, []string{reader}},
		"orgwizard's own only":                  {ours, nil},
	} {
		t.Run(name, func(t *testing.T) {
			actual.Baseline.Bucket.Policy = tc.have
			src := render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"})
			got := policyOf(t, src)
			want, err := orgmodel.MergeLogBucketPolicy(tc.have, ours)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(got, want.Policy) {
				t.Errorf("the export's policy is not the bucket's as apply merges it:\n%s\nwant\n%s", got, want.Policy)
			}
			var doc struct{ Statement []json.RawMessage }
			if err := json.Unmarshal([]byte(got), &doc); err != nil {
				t.Fatal(err)
			}
			for _, k := range tc.kept {
				if !slices.ContainsFunc(doc.Statement, func(st json.RawMessage) bool { return jsonEqual(string(st), k) }) {
					t.Errorf("the export drops the bucket's statement %s:\n%s", k, got)
				}
			}
			if _, err := orgmodel.MergeLogBucketPolicy(got, ours); err != nil || len(doc.Statement) != 5+len(tc.kept) {
				t.Errorf("the export's policy has %d statements (%v), want orgwizard's 5 and %d of the bucket's", len(doc.Statement), err, len(tc.kept))
			}
			if !strings.Contains(string(src), "# The log bucket's policy as read, merged as orgwizard apply merges it") {
				t.Error("the live export does not say what the policy is")
			}
		})
	}

	// A policy the merge cannot read (AWS would not have taken it) is
	// declared as read, so that Terraform removes nothing, and the comment
	// says why orgwizard's statements are not in it.
	odd := `{"Version":"2012-10-17","Statement":"s3:*"}`
	actual.Baseline.Bucket.Policy = odd
	src := string(render(t, Terraform, Input{Tree: tree, Existing: Match(tree, actual), Source: "live"}))
	if got := policyOf(t, []byte(src)); !jsonEqual(got, odd) || !strings.Contains(src, "# The log bucket's policy, as read: the bucket's policy cannot be read") ||
		!strings.Contains(strings.ReplaceAll(src, "\n# ", " "), "so orgwizard's statements are not in it: make the policy a JSON object whose Statement is a statement or a list of them, then export again.") {
		t.Errorf("an unreadable policy is exported as %s:\n%s", got, src)
	}

	src = string(render(t, Terraform, Input{Tree: tree, Source: "design"}))
	for _, want := range []string{"# aws_s3_bucket_policy owns the bucket's whole policy: terraform apply replaces it with this document",
		"# and removes any statement the bucket has that is not here, where orgwizard apply keeps them."} {
		if !strings.Contains(src, want) {
			t.Errorf("the export from the design does not say %q", want)
		}
	}
}
