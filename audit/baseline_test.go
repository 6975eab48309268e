package audit

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/rootcreds"
	"github.com/orgwizard/orgwizard/orgmodel"
)

const (
	orgID  = "o-a1b2c3d4e5"
	mgmtID = "000000000001"
)

// secureTree is examples/acme-secure.yaml expanded: the full baseline and
// all three contacts.
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

// secureActual is an organization holding every account of tree, ids in
// the tree's order.
func secureActual(tree *orgmodel.Tree) *orgmodel.Actual {
	a := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: orgID, ManagementAccountID: mgmtID, FeatureSet: "ALL"}}
	a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: mgmtID, Name: "management", Email: "aws@acme.example", Status: "ACTIVE"})
	for i, acc := range tree.Accounts {
		a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: fmt.Sprintf("2000000000%02d", i+1), Name: acc.Name, Email: acc.Email, Status: "ACTIVE"})
	}
	return a
}

func idOf(a *orgmodel.Actual, name string) string {
	for _, acc := range a.Accounts {
		if acc.Name == name {
			return acc.ID
		}
	}
	return ""
}

// converged is the baseline as apply leaves it for tree.
func converged(tree *orgmodel.Tree, a *orgmodel.Actual) *orgmodel.ActualBaseline {
	bt := tree.Baseline
	logID, toolID := idOf(a, orgmodel.LogArchive), idOf(a, orgmodel.SecurityTooling)
	bucket := orgmodel.LogBucketName(logID, orgID)
	ab := &orgmodel.ActualBaseline{
		TrustedAccess:   slices.Clone(bt.TrustedAccess),
		DelegatedAdmins: []orgmodel.ActualDelegatedAdmin{{Service: orgmodel.ServiceAccessAnalyzer, AccountID: toolID}},
		Bucket: &orgmodel.ActualBucket{Name: bucket, Region: bt.HomeRegion, Versioning: orgmodel.VersioningOn, PublicAccessBlocked: true,
			Encryption: orgmodel.EncryptionSSES3, ExpirationDays: 365, NoncurrentExpirationDays: 365,
			Policy: orgmodel.LogBucketPolicy(bucket, orgID, mgmtID, logID, orgmodel.TrailARN(bt.HomeRegion, mgmtID), bt.HomeRegion)},
		Trail: &orgmodel.ActualTrail{Name: orgmodel.TrailName, ARN: orgmodel.TrailARN(bt.HomeRegion, mgmtID), HomeRegion: bt.HomeRegion, S3BucketName: bucket,
			IsOrganizationTrail: true, IsMultiRegionTrail: true, LogFileValidationEnabled: true, IncludeGlobalServiceEvents: true, IsLogging: true},
		RootFeatures: []string{orgmodel.RootCredentials, orgmodel.RootSessions},
	}
	for _, rc := range bt.ThreatDetection {
		r := orgmodel.ActualRegionalService{Region: rc.Region, AdminAccountID: toolID, Enabled: true, AutoEnable: rc.AutoEnable, MemberIDs: []string{mgmtID}}
		for _, m := range rc.Members {
			r.MemberIDs = append(r.MemberIDs, idOf(a, m))
		}
		ab.GuardDuty = append(ab.GuardDuty, r)
	}
	for _, an := range bt.Analyzers {
		ab.Analyzers = append(ab.Analyzers, orgmodel.ActualAnalyzer{Name: an.Name, Type: an.Type, Region: an.Region, AccountID: toolID})
	}
	for _, ac := range bt.Contacts {
		id := mgmtID
		if !ac.Management {
			id = idOf(a, ac.Account)
		}
		ab.Contacts = append(ab.Contacts, orgmodel.ActualAccountContacts{AccountID: id, Contacts: slices.Clone(ac.Contacts)})
	}
	return ab
}

func members(a *orgmodel.Actual) []rootcreds.Account {
	var out []rootcreds.Account
	for _, acc := range a.Accounts[1:] {
		out = append(out, rootcreds.Account{AccountID: acc.ID, Name: acc.Name})
	}
	return out
}

func baselineInput(tree *orgmodel.Tree, a *orgmodel.Actual, sb *SecurityBaseline) Input {
	return Input{Account: mgmtID, Actual: a, Design: tree, DesignFile: "acme-secure.yaml", Baseline: sb}
}

// What apply leaves passes every check, and is what plan calls done: the
// audit and the plan agree on what converged means.
func TestBaselineConvergedPassesEveryCheck(t *testing.T) {
	tree := secureTree(t, nil)
	a := secureActual(tree)
	a.Baseline = converged(tree, a)
	for _, s := range orgmodel.MakePlan(tree, a).Steps {
		if s.Baseline != nil {
			t.Errorf("the plan still has a baseline step, so the fixture is not converged: %s", s)
		}
	}
	checks := baselineChecks(baselineInput(tree, a, &SecurityBaseline{Actual: a.Baseline, RootCredentials: members(a)}))
	if len(checks) != 5 {
		t.Fatalf("%d checks, want 5: %+v", len(checks), checks)
	}
	for _, c := range checks {
		if c.Status != Pass {
			t.Errorf("%s: %s: %s", c.ID, c.Status, c.Why)
		}
	}
	m := byID(checks)
	for id, says := range map[string]string{
		CheckTrail:           "into orgwizard-logs-2000000000",
		CheckLogBucket:       "denies deleting logs, versions or the bucket",
		CheckGuardDuty:       "in eu-central-1, eu-west-1, us-east-1, us-west-2, administered from security-tooling",
		CheckRootCredentials: "none of the 9 member accounts has a root password",
		CheckContacts:        "have the security, billing, operations contacts",
	} {
		if !strings.Contains(m[id].Why, says) {
			t.Errorf("%s says %q, not %q", id, m[id].Why, says)
		}
	}
}

func TestBaselineChecksFailWithTheFix(t *testing.T) {
	tree := secureTree(t, nil)
	base := secureActual(tree)
	workload := "payments-dev"
	for _, tc := range []struct {
		name   string
		edit   func(a *orgmodel.Actual, sb *SecurityBaseline)
		id     string
		status Status
		says   []string
	}{
		{"no trail", func(a *orgmodel.Actual, sb *SecurityBaseline) { sb.Actual.Trail = nil }, CheckTrail, Fail,
			[]string{"there is no trail orgwizard-organization-trail", "Run orgwizard apply --design acme-secure.yaml"}},
		{"trail stopped, elsewhere", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual.Trail.IsLogging, sb.Actual.Trail.S3BucketName = false, "someone-elses-bucket"
		}, CheckTrail, Fail, []string{"it is not logging", "it delivers to someone-elses-bucket, not to orgwizard-logs-"}},
		{"bucket policy without the deny", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual.Bucket.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}]}`
		}, CheckLogBucket, Fail, []string{"its policy does not deny s3:DeleteBucket, s3:DeleteBucketPolicy, s3:DeleteObject, s3:DeleteObjectVersion, s3:PutBucketPolicy"}},
		{"versioning suspended", func(a *orgmodel.Actual, sb *SecurityBaseline) { sb.Actual.Bucket.Versioning = "Suspended" }, CheckLogBucket, Fail,
			[]string{"versioning is Suspended, so an overwritten log is lost"}},
		{"log-archive unreadable", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual.Unreadable = []orgmodel.UnreadableAccount{{AccountID: idOf(a, "log-archive"), Name: "log-archive", Reason: "AccessDenied on sts:AssumeRole"}}
		}, CheckLogBucket, Warn, []string{"log-archive could not be read: AccessDenied"}},
		{"log-archive unreadable, the trail still checked", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual.Unreadable = []orgmodel.UnreadableAccount{{AccountID: idOf(a, "log-archive"), Name: "log-archive", Reason: "AccessDenied on sts:AssumeRole"}}
			sb.Actual.Bucket = nil // not read
		}, CheckTrail, Pass, []string{"trail orgwizard-organization-trail logs every account"}},
		{"guardduty misses an account", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			id := idOf(a, workload)
			for i := range sb.Actual.GuardDuty {
				sb.Actual.GuardDuty[i].MemberIDs = slices.DeleteFunc(sb.Actual.GuardDuty[i].MemberIDs, func(m string) bool { return m == id })
			}
		}, CheckGuardDuty, Fail, []string{"4 of 30 account/region pairs are not watched: payments-dev/eu-central-1, payments-dev/eu-west-1, payments-dev/us-east-1, payments-dev/us-west-2"}},
		{"guardduty off in a region", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual.GuardDuty = sb.Actual.GuardDuty[1:] // eu-central-1: no administrator, no member
			sb.Actual.GuardDuty[0].Enabled = false
		}, CheckGuardDuty, Fail, []string{"eu-central-1: no delegated administrator; eu-west-1: no detector in security-tooling",
			"8 of 30 account/region pairs are not watched: the management account/eu-central-1, log-archive/eu-central-1"}},
		{"guardduty detector suspended", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual.GuardDuty[1].Enabled, sb.Actual.GuardDuty[1].Suspended = false, true
		}, CheckGuardDuty, Fail, []string{"eu-west-1: its detector in security-tooling is suspended (status DISABLED)", "orgwizard apply"}},
		{"root access off", func(a *orgmodel.Actual, sb *SecurityBaseline) { sb.Actual.RootFeatures = nil }, CheckRootCredentials, Fail,
			[]string{"centralized root access is off (ListOrganizationsFeatures lists none)", "It enables RootCredentialsManagement"}},
		{"root credentials remain", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.RootCredentials[2].Password, sb.RootCredentials[2].AccessKeys = true, 1
			sb.RootCredentials[4].Err = errors.New("AccessDenied")
		}, CheckRootCredentials, Fail, []string{"1 of 9 member accounts still have root credentials", ": a password, 1 access key", "1 could not be read",
			"aws sts assume-root --target-principal 200000000003 --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"}},
		{"root credentials refused", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.RootErr = fmt.Errorf("sts AssumeRoot: %w", &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized"})
		}, CheckRootCredentials, Warn, []string{"could not be read: sts AssumeRoot: api error AccessDenied", "| Allow sts:AssumeRoot"}},
		{"contacts missing and differing", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual.Contacts[0].Contacts = sb.Actual.Contacts[0].Contacts[:1]
			sb.Actual.Contacts[1].Contacts[0].Phone = "+1 555 9999"
		}, CheckContacts, Fail, []string{"2 of 10 accounts lack the design's contacts: the management account (no billing, operations)", "(security differs)"}},
		{"read refused", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual, sb.Err = nil, fmt.Errorf("cloudtrail GetTrail: %w", &smithy.GenericAPIError{Code: "AccessDeniedException"})
		}, CheckGuardDuty, Warn, []string{"the baseline could not be read: cloudtrail GetTrail", "| Allow the baseline's read calls (orgwizard iam-policy --for audit"}},
		{"read not served", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual, sb.Err = nil, fmt.Errorf("organizations ListDelegatedAdministrators: %w", &smithy.GenericAPIError{Code: "UnknownOperationException"})
		}, CheckTrail, Warn, []string{"| The target does not serve this call: audit the baseline on AWS or on the sandbox"}},
		{"read failed otherwise", func(a *orgmodel.Actual, sb *SecurityBaseline) {
			sb.Actual, sb.Err = nil, errors.New("dial tcp: connection refused")
		},
			CheckContacts, Warn, []string{"| See the error above: once the call answers, run the audit again. If it names a permission, allow the baseline's"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := secureActual(tree)
			a.Baseline = converged(tree, base)
			sb := &SecurityBaseline{Actual: a.Baseline, RootCredentials: members(a)}
			tc.edit(a, sb)
			checks := byID(baselineChecks(baselineInput(tree, a, sb)))
			c := checks[tc.id]
			if c.Status != tc.status {
				t.Fatalf("%s: %s, want %s: %s", tc.id, c.Status, tc.status, c.Why)
			}
			text := c.Why + " | " + c.Fix
			for _, s := range tc.says {
				if !strings.Contains(text, s) {
					t.Errorf("%s does not say %q:\n%s", tc.id, s, text)
				}
			}
			if c.Fix == "" && c.Status != Pass {
				t.Errorf("%s fails without a fix", tc.id)
			}
			for id, other := range checks {
				if id != tc.id && other.Status == Fail && tc.status == Fail && !strings.Contains(tc.name, "trail") {
					t.Errorf("%s also fails: %s", id, other.Why)
				}
			}
		})
	}
}

// Without the blocks the checks say so, in one warning; an item turned off
// is a warning of its own.
func TestBaselineNotInTheDesign(t *testing.T) {
	plain := secureTree(t, func(s string) string { s, _, _ = strings.Cut(s, "baseline:"); return s })
	a := secureActual(plain)
	checks := baselineChecks(baselineInput(plain, a, &SecurityBaseline{}))
	if len(checks) != 1 || checks[0].ID != CheckBaseline || checks[0].Status != Warn || !strings.Contains(checks[0].Why, "not in the design") ||
		!strings.Contains(checks[0].Fix, "baseline: {}") {
		t.Fatalf("without the blocks: %+v", checks)
	}
	if got := baselineChecks(Input{Actual: a, Baseline: &SecurityBaseline{}}); len(got) != 1 || !strings.Contains(got[0].Why, "no design file") {
		t.Fatalf("without a design: %+v", got)
	}
	if got := baselineChecks(Input{Actual: a, Design: plain}); got != nil {
		t.Fatalf("not read: %+v", got)
	}

	off := secureTree(t, func(s string) string {
		s = strings.Replace(s, "threatDetection: true", "threatDetection: false", 1)
		s, _, _ = strings.Cut(s, "contacts:")
		return s
	})
	a = secureActual(off)
	a.Baseline = converged(off, a)
	m := byID(baselineChecks(baselineInput(off, a, &SecurityBaseline{Actual: a.Baseline, RootCredentials: members(a)})))
	if c := m[CheckGuardDuty]; c.Status != Warn || c.Why != "not in the design: baseline.threatDetection is off" || !strings.Contains(c.Fix, "threatDetection: true") {
		t.Errorf("threat detection off: %+v", c)
	}
	if c := m[CheckContacts]; c.Status != Warn || !strings.Contains(c.Why, "no contacts: block") {
		t.Errorf("no contacts: %+v", c)
	}
	if c := m[CheckTrail]; c.Status != Pass {
		t.Errorf("the trail is still checked: %+v", c)
	}
}

// The policy is evaluated, not compared: an equivalent policy written
// otherwise passes; one that exempts a workload account, narrows the deny
// to a condition, or names principals one by one does not.
func TestUndeniedActions(t *testing.T) {
	const (
		logID  = "210987654321"
		bucket = "orgwizard-logs-210987654321-o-a1b2c3d4e5"
	)
	all := orgmodel.LogBucketProtectedActions
	undenied := func(policy string) []string {
		return UndeniedActions(policy, bucket, "eu-west-1", logID, orgID, mgmtID)
	}
	if got := undenied(orgmodel.LogBucketPolicy(bucket, orgID, mgmtID, logID, orgmodel.TrailARN("eu-west-1", mgmtID), "eu-west-1")); len(got) != 0 {
		t.Errorf("orgwizard's own policy leaves %v undenied", got)
	}
	stmt := func(body string) string { return `{"Version":"2012-10-17","Statement":` + body + `}` }
	for _, tc := range []struct {
		name, policy string
		want         []string
	}{
		{"empty", "", all},
		{"not JSON", "{", all},
		{"wildcards, one statement object, AWS star, ARN condition", stmt(`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:Delete*","s3:Put*"],"Resource":"arn:aws:s3:::orgwizard-logs-*",
			"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::210987654321:*"}}}`), nil},
		{"NotAction", stmt(`[{"Effect":"Deny","Principal":"*","NotAction":"s3:Get*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],
			"Condition":{"StringNotEquals":{"aws:PrincipalAccount":["210987654321"]}}}]`), nil},
		{"a workload account exempt too", stmt(`[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
			"Condition":{"StringNotEquals":{"aws:PrincipalAccount":["210987654321","200000000005"]}}}]`), all},
		{"deny only without TLS", stmt(`[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]`), all},
		{"named principals", stmt(`[{"Effect":"Deny","Principal":{"AWS":["arn:aws:iam::200000000005:root"]},"Action":"s3:*","Resource":"*"}]`), all},
		{"objects under another prefix only", stmt(`[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/other/*"]}]`),
			[]string{"s3:DeleteObject", "s3:DeleteObjectVersion"}},
		{"an Allow is no deny", stmt(`[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]`), all},
		{"NotPrincipal", stmt(`[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"s3:*","Resource":"*"}]`), all},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := undenied(tc.policy); !slices.Equal(got, tc.want) {
				t.Errorf("undenied %v, want %v", got, tc.want)
			}
		})
	}
}
