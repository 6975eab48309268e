package baseline

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// motoOrganization creates, on moto, an organization with log-archive and
// security-tooling, and returns the management account's config, the
// organization's ids and the two accounts' ids.
func motoOrganization(t *testing.T, url, region string) (aws.Config, *organizations.DescribeOrganizationOutput, string, string) {
	t.Helper()
	ctx := context.Background()
	cfg := aws.Config{Region: region, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOBASELINE0000", "secret", "")}
	org := organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.Region = "us-east-1" })
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, name := range []string{orgmodel.LogArchive, orgmodel.SecurityTooling} {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String("aws+" + name + "@acme.example")})
		if err != nil {
			t.Fatal(err)
		}
		st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: out.CreateAccountStatus.Id})
		if err != nil || aws.ToString(st.CreateAccountStatus.AccountId) == "" {
			t.Fatalf("creating %s on moto: %v %+v", name, err, st)
		}
		ids[name] = aws.ToString(st.CreateAccountStatus.AccountId)
	}
	desc, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, desc, ids[orgmodel.LogArchive], ids[orgmodel.SecurityTooling]
}

// TestStepsAgainstMoto: moto 5.2 serves Organizations' trusted access and
// delegated administrators, STS AssumeRole into member accounts, S3,
// CloudTrail, GuardDuty's administrator calls, Security Hub's hub,
// organization configuration and members, and Account's alternate
// contacts (not GuardDuty's organization configuration and members, IAM's
// root features, Security Hub's ListOrganizationAdminAccounts nor Access
// Analyzer). What the steps set up there reads back as the plan wants it,
// and each step run twice changes nothing the second time.
func TestStepsAgainstMoto(t *testing.T) {
	ctx := context.Background()
	url := moto.URL(t)
	const region = "eu-west-1"
	cfg, desc, logID, toolingID := motoOrganization(t, url, region)
	orgID, mgmtID := aws.ToString(desc.Organization.Id), aws.ToString(desc.Organization.MasterAccountId)
	mgmt := NewManagement(cfg)
	c := New(mgmt, AssumeInto(cfg, mgmt.STS), mgmtID)

	o, err := c.Organization(ctx)
	if err != nil || o.ID != orgID || o.ManagementID != mgmtID || o.ManagementEmail == "" {
		t.Fatalf("Organization: %+v %v", o, err)
	}

	twice := func(what string, fn func() error) {
		t.Helper()
		for i := range 2 {
			if err := fn(); err != nil {
				t.Fatalf("%s (run %d): %v", what, i+1, err)
			}
		}
	}
	for _, s := range []string{orgmodel.ServiceCloudTrail, orgmodel.ServiceAccessAnalyzer, orgmodel.ServiceGuardDuty, orgmodel.ServiceAccount} {
		twice("trusted access "+s, func() error { return c.EnableTrustedAccess(ctx, s) })
	}
	got, err := c.trustedAccess(ctx)
	if err != nil || !slices.Contains(got, orgmodel.ServiceCloudTrail) || !slices.Contains(got, orgmodel.ServiceAccount) {
		t.Errorf("trusted access reads back as %v (%v)", got, err)
	}
	twice("Access Analyzer's administrator", func() error {
		return c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceAccessAnalyzer, "", toolingID)
	})
	if admins, err := c.delegatedAdmins(ctx, orgmodel.ServiceAccessAnalyzer); err != nil || !slices.Equal(admins, []string{toolingID}) {
		t.Errorf("Access Analyzer's administrators: %v (%v)", admins, err)
	}
	twice("GuardDuty's administrator", func() error {
		return c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceGuardDuty, region, toolingID)
	})
	if admin, err := guardDutyAdmin(ctx, mgmt.GuardDuty(region)); err != nil || admin != toolingID {
		t.Errorf("GuardDuty's administrator in %s: %q (%v)", region, admin, err)
	}

	// The log bucket in log-archive, and the trail delivering there.
	bucket := orgmodel.LogBucketName(logID, orgID)
	if b, err := c.bucket(ctx, logID, bucket, region); err != nil || b != nil {
		t.Fatalf("the bucket before its creation: %+v %v", b, err)
	}
	twice("the log bucket", func() error { return c.CreateLogBucket(ctx, logID, bucket, region) })
	twice("the log bucket's settings", func() error { return c.ConfigureLogBucket(ctx, logID, bucket, region, 365) })
	trailARN := orgmodel.TrailARN(region, mgmtID)
	policy := orgmodel.LogBucketPolicy(bucket, orgID, mgmtID, logID, trailARN, region)
	twice("the bucket policy", func() error { return c.PutLogBucketPolicy(ctx, logID, bucket, region, policy) })
	b, err := c.bucket(ctx, logID, bucket, region)
	if err != nil || b == nil {
		t.Fatalf("reading the bucket back: %+v %v", b, err)
	}
	if b.Foreign || b.Versioning != orgmodel.VersioningOn || !b.PublicAccessBlocked || b.Encryption != orgmodel.EncryptionSSES3 ||
		b.ExpirationDays != 365 || b.NoncurrentExpirationDays != 365 || b.Policy == "" {
		t.Errorf("the bucket reads back as %+v", b)
	}
	twice("the trail", func() error { return c.CreateTrail(ctx, orgmodel.TrailName, region, bucket) })
	twice("logging", func() error { return c.StartLogging(ctx, orgmodel.TrailName, region) })
	tr, err := c.trail(ctx, region)
	if err != nil || tr == nil {
		t.Fatalf("reading the trail: %+v %v", tr, err)
	}
	if !tr.IsLogging || !tr.IsOrganizationTrail || !tr.IsMultiRegionTrail || !tr.LogFileValidationEnabled || !tr.IncludeGlobalServiceEvents || tr.S3BucketName != bucket {
		t.Errorf("the trail reads back as %+v", tr)
	}

	// Security Hub from security-tooling (its hub, auto-enable, members).
	// moto lacks ListOrganizationAdminAccounts, which RegisterDelegatedAdmin
	// reads first: the administrator is named by the call it makes then.
	if _, err := mgmt.SecurityHub(region).EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(toolingID)}); err != nil {
		t.Fatal(err)
	}
	members := []Account{{ID: mgmtID, Email: "mgmt@acme.example"}, {ID: logID, Email: "aws+log-archive@acme.example"}}
	twice("Security Hub", func() error { return c.ConfigureSecurityHub(ctx, toolingID, region, orgmodel.AutoEnableAll, members) })
	m, err := c.member(ctx, toolingID)
	if err != nil {
		t.Fatal(err)
	}
	if on, err := hubEnabled(ctx, m.SecurityHub(region)); err != nil || !on {
		t.Errorf("Security Hub in security-tooling: %v %v", on, err)
	}
	if ids, err := hubMembers(ctx, m.SecurityHub(region)); err != nil || len(ids) != 2 {
		t.Errorf("Security Hub's members: %v %v", ids, err)
	}

	// Alternate contacts of the management account and of a member.
	ct := orgmodel.AlternateContact{Type: orgmodel.ContactSecurity, Name: "Ana Lopez", Email: "security@acme.example", Phone: "+1 555 0100", Title: "Head of Security"}
	for _, id := range []string{"", logID} {
		twice("the security contact", func() error { return c.PutAlternateContact(ctx, id, ct) })
	}
	for _, id := range []string{mgmtID, logID} {
		got, err := c.contacts(ctx, id, mgmtID, []orgmodel.AlternateContact{ct})
		if err != nil || len(got) != 1 || got[0] != ct {
			t.Errorf("the contacts of %s read back as %+v (%v)", id, got, err)
		}
	}
	if got, err := c.contacts(ctx, toolingID, mgmtID, []orgmodel.AlternateContact{ct}); err != nil || len(got) != 0 {
		t.Errorf("security-tooling, never set, has contacts %+v (%v)", got, err)
	}
	if !strings.HasPrefix(bucket, orgmodel.LogBucketPrefix) {
		t.Errorf("bucket %s", bucket)
	}
}
