package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// What of the security baseline moto (5.2) serves decides what runs on it
// here. It serves Organizations' trusted access and delegated
// administrators, STS AssumeRole into member accounts, S3, CloudTrail, and
// Account's alternate contacts, so the contacts and the organization trail
// with its log bucket in log-archive run end to end through orgwizard's
// plan and apply. It lacks, for the rest of the baseline:
//   - apply: GuardDuty's UpdateOrganizationConfiguration, CreateMembers and
//     ListMembers (threat detection's enrolment); Access Analyzer's
//     CreateAnalyzer; IAM's EnableOrganizationsRootCredentialsManagement and
//     EnableOrganizationsRootSessions, and iam.amazonaws.com as a trusted
//     service principal (centralized root access); Security Hub's
//     ListOrganizationAdminAccounts, which naming its administrator reads
//     first;
//   - plan, which reads every item of a design's baseline block, turned off
//     or not, for its "left in place": IAM's ListOrganizationsFeatures (moto
//     answers 500), Security Hub's ListOrganizationAdminAccounts (404) and
//     Access Analyzer's ListAnalyzers (500).
// So a design with a baseline block cannot be planned on moto once its
// organization exists: the trail is applied by orgwizard apply and read
// back here through the SDK as the plan wants it, and the contacts, which a
// design without a baseline block plans alone, go plan, apply, empty plan.

// motoDesign writes acme-secure.yaml edited by edit into a new folder.
func motoDesign(t *testing.T, edit func(string) string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examples, "acme-secure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "orgwizard.yaml")
	if err := os.WriteFile(path, []byte(edit(string(data))), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestContactsOnMoto: acme.yaml with acme-secure.yaml's contacts block
// (and no baseline block) on moto: the plan has trusted access for
// account.amazonaws.com and three contacts per account, apply carries them
// out, the contacts read back as the design has them, and a second plan has
// nothing to do.
func TestContactsOnMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme on moto")
	}
	url := moto.URL(t)
	moto.Env(t, url)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	design := motoDesign(t, func(s string) string {
		i, j := strings.Index(s, "\nbaseline:"), strings.Index(s, "\ncontacts:")
		if i < 0 || j < i {
			t.Fatalf("acme-secure.yaml has no baseline block before its contacts:\n%s", s)
		}
		return s[:i] + s[j:]
	})
	args := []string{"--design", design, "--endpoint-url", url}

	code, out, errOut := run(t, append([]string{"plan", "--detailed-exitcode"}, args...)...)
	if code != ExitChanges || !strings.Contains(out, "enable trusted access for account.amazonaws.com") ||
		strings.Count(out, "contact of ") != 3*10 || strings.Contains(out, "trail") {
		t.Fatalf("the first plan: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run(t, append([]string{"apply", "--yes"}, args...)...); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run(t, append([]string{"plan", "--detailed-exitcode"}, args...)...); code != ExitOK || !strings.Contains(out, "Nothing to do") {
		t.Fatalf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}

	// Read back at moto, for the management account and each member.
	ctx := context.Background()
	cfg := motoConfig(url, "us-east-1")
	org := organizations.NewFromConfig(cfg)
	accounts, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts.Accounts) != 10 {
		t.Fatalf("moto holds %d accounts, want acme's 9 and the management account", len(accounts.Accounts))
	}
	desc, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	api := account.NewFromConfig(cfg)
	for _, a := range accounts.Accounts {
		in := &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactTypeSecurity}
		if aws.ToString(a.Id) != aws.ToString(desc.Organization.MasterAccountId) {
			in.AccountId = a.Id
		}
		got, err := api.GetAlternateContact(ctx, in)
		if err != nil {
			t.Errorf("the security contact of %s: %v", aws.ToString(a.Name), err)
			continue
		}
		if c := got.AlternateContact; aws.ToString(c.EmailAddress) != "security@acme.example" || aws.ToString(c.Name) != "Ana Lopez" {
			t.Errorf("the security contact of %s is %s <%s>", aws.ToString(a.Name), aws.ToString(c.Name), aws.ToString(c.EmailAddress))
		}
	}
}

// TestOrganizationTrailOnMoto: acme-secure.yaml with only the organization
// trail of its baseline on (threat detection, Access Analyzer and root
// access off; Security Hub is off already) and its contacts, applied on
// moto from nothing: apply plans the organization and the baseline
// together (nothing to read before the organization exists) and carries
// them out through OrganizationAccountAccessRole into log-archive. Read
// back here: one log bucket in log-archive, named and set as the plan
// wants it (versioning, public access block, SSE-S3, the lifecycle, the
// policy orgmodel.LogBucketPolicy makes), and one organization trail,
// multi-region, validating, logging into it. The second plan reads the
// baseline's items turned off and stops at the first call moto lacks (see
// above); when moto serves them all, it must have nothing to do.
func TestOrganizationTrailOnMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure on moto")
	}
	url := moto.URL(t)
	moto.Env(t, url)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	design := motoDesign(t, func(s string) string {
		for _, key := range []string{"threatDetection", "accessAnalyzer", "centralRootAccess"} {
			if !strings.Contains(s, "  "+key+": true ") {
				t.Fatalf("acme-secure.yaml does not turn %s on", key)
			}
			s = strings.Replace(s, "  "+key+": true ", "  "+key+": false", 1)
		}
		return s
	})
	args := []string{"--design", design, "--endpoint-url", url}
	code, out, errOut := run(t, append([]string{"apply", "--yes"}, args...)...)
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, step := range []string{"✓ succeeded create log bucket", "✓ succeeded set the policy of log bucket", "✓ succeeded create organization trail",
		"✓ succeeded start logging on trail " + orgmodel.TrailName} {
		if !strings.Contains(out, step) {
			t.Errorf("apply did not say %q:\n%s", step, out)
		}
	}
	for _, off := range []string{"GuardDuty", "analyzer", "centralized root access"} {
		if strings.Contains(out, off) {
			t.Errorf("apply did %s, which the design turns off:\n%s", off, out)
		}
	}

	ctx := context.Background()
	const region = "eu-west-1" // acme's home region: the trail's and the bucket's
	cfg := motoConfig(url, region)
	org := organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.Region = "us-east-1" })
	desc, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	orgID, mgmtID := aws.ToString(desc.Organization.Id), aws.ToString(desc.Organization.MasterAccountId)
	accounts, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var logID string
	for _, a := range accounts.Accounts {
		if aws.ToString(a.Name) == orgmodel.LogArchive {
			logID = aws.ToString(a.Id)
		}
	}
	if logID == "" {
		t.Fatalf("moto has no %s account", orgmodel.LogArchive)
	}
	bucket := orgmodel.LogBucketName(logID, orgID)

	// The bucket, as log-archive.
	role, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + logID + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("orgwizard-test")})
	if err != nil {
		t.Fatal(err)
	}
	asLog := cfg.Copy()
	c := role.Credentials
	asLog.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	s3api := s3.NewFromConfig(asLog, func(o *s3.Options) { o.UsePathStyle = true })
	list, err := s3api.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var logBuckets []string
	for _, b := range list.Buckets {
		if strings.HasPrefix(aws.ToString(b.Name), orgmodel.LogBucketPrefix) {
			logBuckets = append(logBuckets, aws.ToString(b.Name))
		}
	}
	if len(logBuckets) != 1 || logBuckets[0] != bucket {
		t.Errorf("log buckets at moto: %v, want %s alone", logBuckets, bucket)
	}
	name := aws.String(bucket)
	if v, err := s3api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: name}); err != nil || v.Status != "Enabled" {
		t.Errorf("versioning of %s: %+v %v", bucket, v, err)
	}
	if p, err := s3api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: name}); err != nil ||
		!aws.ToBool(p.PublicAccessBlockConfiguration.BlockPublicAcls) || !aws.ToBool(p.PublicAccessBlockConfiguration.BlockPublicPolicy) ||
		!aws.ToBool(p.PublicAccessBlockConfiguration.IgnorePublicAcls) || !aws.ToBool(p.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Errorf("public access block of %s: %s %v", bucket, publicAccessBlock(p), err)
	}
	if e, err := s3api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: name}); err != nil || len(e.ServerSideEncryptionConfiguration.Rules) != 1 ||
		e.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "AES256" {
		t.Errorf("encryption of %s: %+v %v", bucket, e, err)
	}
	if l, err := s3api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: name}); err != nil || len(l.Rules) != 1 ||
		aws.ToString(l.Rules[0].ID) != baseline.LifecycleRuleID || aws.ToInt32(l.Rules[0].Expiration.Days) != 365 ||
		aws.ToInt32(l.Rules[0].NoncurrentVersionExpiration.NoncurrentDays) != 365 {
		t.Errorf("lifecycle of %s: %+v %v", bucket, l, err)
	}
	trailARN := orgmodel.TrailARN(region, mgmtID)
	// The same document, whatever the order of its keys: apply writes the
	// policy merged with what the bucket had (nothing, here).
	if p, err := s3api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: name}); err != nil ||
		!sameJSONDoc(t, aws.ToString(p.Policy), orgmodel.LogBucketPolicy(bucket, orgID, mgmtID, logID, trailARN, region)) {
		t.Errorf("the policy of %s: %v\n%s", bucket, err, aws.ToString(p.Policy))
	}

	// The trail, in the management account.
	ct := cloudtrail.NewFromConfig(cfg)
	trails, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tr := range trails.TrailList {
		if aws.ToString(tr.Name) != orgmodel.TrailName {
			continue
		}
		n++
		if !aws.ToBool(tr.IsOrganizationTrail) || !aws.ToBool(tr.IsMultiRegionTrail) || !aws.ToBool(tr.LogFileValidationEnabled) ||
			!aws.ToBool(tr.IncludeGlobalServiceEvents) || aws.ToString(tr.S3BucketName) != bucket {
			t.Errorf("the trail reads back as %+v", tr)
		}
	}
	if n != 1 {
		t.Errorf("%d trails named %s at moto, want 1", n, orgmodel.TrailName)
	}
	if st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(orgmodel.TrailName)}); err != nil || !aws.ToBool(st.IsLogging) {
		t.Errorf("the trail is not logging: %+v %v", st, err)
	}

	code, out, errOut = run(t, append([]string{"plan", "--detailed-exitcode"}, args...)...)
	switch {
	case code == ExitOK && strings.Contains(out, "Nothing to do"):
	case code == ExitAWS && (strings.Contains(errOut, "ListOrganizationsFeatures") || strings.Contains(errOut, "SecurityHub: ListOrganizationAdminAccounts") ||
		strings.Contains(errOut, "ListAnalyzers")):
		t.Logf("the second plan stops at a call moto lacks: %s", strings.TrimSpace(errOut))
	default:
		t.Errorf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}
}

// motoConfig acts as moto's management account (moto.Env's credentials).
func motoConfig(url, region string) aws.Config {
	return aws.Config{Region: region, BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
}

func publicAccessBlock(p *s3.GetPublicAccessBlockOutput) string {
	if p == nil || p.PublicAccessBlockConfiguration == nil {
		return "none"
	}
	c := p.PublicAccessBlockConfiguration
	return fmt.Sprintf("BlockPublicAcls=%v BlockPublicPolicy=%v IgnorePublicAcls=%v RestrictPublicBuckets=%v",
		aws.ToBool(c.BlockPublicAcls), aws.ToBool(c.BlockPublicPolicy), aws.ToBool(c.IgnorePublicAcls), aws.ToBool(c.RestrictPublicBuckets))
}

// sameJSONDoc says whether two JSON documents hold the same values.
func sameJSONDoc(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Errorf("not JSON: %v: %s", err, a)
		return false
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("orgwizard's policy is not JSON: %v", err)
	}
	return reflect.DeepEqual(x, y)
}
