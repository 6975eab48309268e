package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/sandbox"
)

// baselineDifferences is where the sandbox departs from moto in the
// security baseline's calls; as in deliberateDifferences, the sandbox does
// what AWS does, and a difference that disappears fails the test.
var baselineDifferences = []difference{
	{"RegisterDelegatedAdministrator before trusted access", "InvalidInputException/UNRECOGNIZED_SERVICE_PRINCIPAL", "ok",
		"AWS refuses a delegated administrator for a service without trusted access; moto registers it"},
	{"RegisterDelegatedAdministrator", "ok", "AccountAlreadyRegisteredException",
		"moto registered the account at the step before, which AWS refuses"},
	{"AssumeRole into an account outside the organization", "AccessDenied", "ok",
		"AWS lets the management account into OrganizationAccountAccessRole of its members only; moto issues credentials for any role"},
	{"CreateBucket with an invalid name", "InvalidBucketName", "ok",
		"S3 refuses upper case and underscores in a bucket name; moto creates the bucket"},
	{"PutBucketLifecycleConfiguration without an action", "InvalidRequest", "ok",
		"S3 refuses a rule without an action (At least one action needs to be specified in a rule); moto stores it"},
	{"PutBucketPolicy not JSON", "MalformedPolicy", "ok",
		"S3 refuses a policy that is not a JSON policy document; moto stores any text"},
	{"GetBucketVersioning from another account", "AccessDenied", "ok:Enabled",
		"S3 refuses another account that the bucket policy does not let in; moto lets any account in"},
	{"DeleteObject denied by the bucket policy", "AccessDenied", "Forbidden",
		"both refuse; moto answers 403 without S3's error document, so the SDK names it by its status"},
	{"PutAlternateContact for a member before trusted access", "AccessDeniedException", "ok",
		"AWS requires trusted access for account.amazonaws.com before AccountId names a member; moto does not check"},
	{"PutAlternateContact with a bad email", "ValidationException", "ok",
		"AWS validates the email address's pattern; moto stores it"},
	{"EnableOrganizationsRootCredentialsManagement before trusted access", "ServiceAccessNotEnabledException", "not served",
		"moto does not serve IAM's centralized root access"},
	{"EnableOrganizationsRootCredentialsManagement", "ok:RootCredentialsManagement", "InvalidInputException/",
		"moto does not know iam.amazonaws.com as a trusted service principal (nor serve root access)"},
}

// baselineWorld is one AWS (the sandbox or moto) as the baseline's steps see it.
type baselineWorld struct {
	url                string
	mgmtKey, mgmtSecet string
	pathStyle          bool
	org                *organizations.Client
	iam                *iam.Client
	account            *account.Client
	// set by the steps
	member, outsider, bucket string
	asMember                 *s3.Client
	asOutsider               *s3.Client
}

func (b *baselineWorld) cfg(key, secret, token string) aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider(key, secret, token), Retryer: sandbox.ConnRetryer}
}

func (b *baselineWorld) s3As(key, secret, token string) *s3.Client {
	return s3.NewFromConfig(b.cfg(key, secret, token), func(o *s3.Options) { o.BaseEndpoint = aws.String(b.url); o.UsePathStyle = true })
}

func newBaselineWorld(url, key, secret string) *baselineWorld {
	b := &baselineWorld{url: url, mgmtKey: key, mgmtSecet: secret}
	cfg := b.cfg(key, secret, "")
	b.org = organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.BaseEndpoint = aws.String(url) })
	b.iam = iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(url) })
	b.account = account.NewFromConfig(cfg, func(o *account.Options) { o.BaseEndpoint = aws.String(url) })
	return b
}

type baselineStep struct {
	name string
	run  func(ctx context.Context, b *baselineWorld) (string, error)
}

func (b *baselineWorld) assume(ctx context.Context, id string) (*sts.AssumeRoleOutput, error) {
	c := sts.NewFromConfig(b.cfg(b.mgmtKey, b.mgmtSecet, ""), func(o *sts.Options) { o.BaseEndpoint = aws.String(b.url) })
	return c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + id + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("orgwizard")})
}

func baselineSteps() []baselineStep {
	register := func(ctx context.Context, b *baselineWorld) (string, error) {
		_, err := b.org.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: &b.member, ServicePrincipal: aws.String("guardduty.amazonaws.com")})
		return "", err
	}
	contact := func(id *string, email string) func(ctx context.Context, b *baselineWorld) (string, error) {
		return func(ctx context.Context, b *baselineWorld) (string, error) {
			if id != nil {
				id = &b.member
			}
			_, err := b.account.PutAlternateContact(ctx, &account.PutAlternateContactInput{AccountId: id, AlternateContactType: accounttypes.AlternateContactTypeSecurity,
				EmailAddress: aws.String(email), Name: aws.String("Security"), PhoneNumber: aws.String("+1 555 0100"), Title: aws.String("CISO")})
			return "", err
		}
	}
	rootCreds := func(ctx context.Context, b *baselineWorld) (string, error) {
		out, err := b.iam.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
		var ae smithy.APIError
		if err != nil && !errors.As(err, &ae) {
			return "not served", errReported // an answer the SDK cannot read
		}
		if err != nil {
			return "", err
		}
		var fs []string
		for _, f := range out.EnabledFeatures {
			fs = append(fs, string(f))
		}
		return strings.Join(fs, ","), nil
	}
	return []baselineStep{
		{"CreateOrganization and a member", func(ctx context.Context, b *baselineWorld) (string, error) {
			if _, err := b.org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			out, err := b.org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("log-archive"), Email: aws.String("aws+log-archive@acme.example")})
			if err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			st, err := pollCreation(ctx, b.org, *out.CreateAccountStatus.Id)
			if err != nil || st.State != orgtypes.CreateAccountStateSucceeded {
				return "", fmt.Errorf("setup: creation %v %v", st, err)
			}
			b.member = *st.AccountId
			return "", nil
		}},
		{"RegisterDelegatedAdministrator before trusted access", register},
		{"EnableAWSServiceAccess", func(ctx context.Context, b *baselineWorld) (string, error) {
			for _, p := range []string{"guardduty.amazonaws.com", "account.amazonaws.com"} {
				if _, err := b.org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(p)}); err != nil {
					return "", err
				}
			}
			return "", nil
		}},
		{"RegisterDelegatedAdministrator", register},
		{"RegisterDelegatedAdministrator again", register},
		{"ListDelegatedAdministrators", func(ctx context.Context, b *baselineWorld) (string, error) {
			out, err := b.org.ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.DelegatedAdministrators)), nil
		}},
		{"DeregisterDelegatedAdministrator", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.org.DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{AccountId: &b.member, ServicePrincipal: aws.String("guardduty.amazonaws.com")})
			return "", err
		}},
		{"AssumeRole into the member", func(ctx context.Context, b *baselineWorld) (string, error) {
			out, err := b.assume(ctx, b.member)
			if err != nil {
				return "", err
			}
			cr := out.Credentials
			b.asMember = b.s3As(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
			c := sts.NewFromConfig(b.cfg(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken), func(o *sts.Options) { o.BaseEndpoint = aws.String(b.url) })
			id, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(*id.Account == b.member, " ", strings.TrimPrefix(*id.Arn, "arn:aws:sts::"+b.member+":")), nil
		}},
		{"AssumeRole into an account outside the organization", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.assume(ctx, "210987654321")
			return "", err
		}},
		{"CreateBucket as the member", func(ctx context.Context, b *baselineWorld) (string, error) {
			b.bucket = "acme-org-logs-" + b.member
			_, err := b.asMember.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &b.bucket})
			return "", err
		}},
		{"CreateBucket with an invalid name", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
			return "", err
		}},
		{"CreateBucket with an explicit us-east-1 constraint", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b.bucket + "-east"),
				CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
			return "", err
		}},
		{"CreateBucket taken by another account", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.s3As(b.mgmtKey, b.mgmtSecet, "").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &b.bucket})
			return "", err
		}},
		{"PutBucketVersioning", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &b.bucket,
				VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
			return "", err
		}},
		{"GetBucketVersioning", func(ctx context.Context, b *baselineWorld) (string, error) {
			out, err := b.asMember.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &b.bucket})
			if err != nil {
				return "", err
			}
			return string(out.Status), nil
		}},
		{"GetPublicAccessBlock before one", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &b.bucket})
			return "", err
		}},
		{"PutPublicAccessBlock", func(ctx context.Context, b *baselineWorld) (string, error) {
			yes := aws.Bool(true)
			_, err := b.asMember.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &b.bucket, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: yes, IgnorePublicAcls: yes, BlockPublicPolicy: yes, RestrictPublicBuckets: yes}})
			return "", err
		}},
		{"PutBucketEncryption", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &b.bucket, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}})
			return "", err
		}},
		{"GetBucketLifecycleConfiguration before one", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &b.bucket})
			return "", err
		}},
		{"PutBucketLifecycleConfiguration without an action", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &b.bucket, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{
				Rules: []s3types.LifecycleRule{{ID: aws.String("retention"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")}}}}})
			return "", err
		}},
		{"PutBucketLifecycleConfiguration", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &b.bucket, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{
				Rules: []s3types.LifecycleRule{{ID: aws.String("retention"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
					Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(365)}}}}})
			return "", err
		}},
		{"GetBucketLifecycleConfiguration", func(ctx context.Context, b *baselineWorld) (string, error) {
			out, err := b.asMember.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &b.bucket})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.Rules), " ", *out.Rules[0].Expiration.Days), nil
		}},
		{"PutBucketPolicy not JSON", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &b.bucket, Policy: aws.String("not json")})
			return "", err
		}},
		{"PutBucketPolicy", func(ctx context.Context, b *baselineWorld) (string, error) {
			policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::` + b.bucket + `/*",` +
				`"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"` + b.member + `"}}}]}`
			_, err := b.asMember.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &b.bucket, Policy: &policy})
			return "", err
		}},
		{"PutObject", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.asMember.PutObject(ctx, &s3.PutObjectInput{Bucket: &b.bucket, Key: aws.String("AWSLogs/x.json.gz"), Body: strings.NewReader("{}")})
			return "", err
		}},
		{"ListObjectsV2", func(ctx context.Context, b *baselineWorld) (string, error) {
			out, err := b.asMember.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &b.bucket, Prefix: aws.String("AWSLogs/")})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(*out.KeyCount, " ", *out.Contents[0].Key), nil
		}},
		{"GetBucketVersioning from another account", func(ctx context.Context, b *baselineWorld) (string, error) {
			out, err := b.s3As(b.mgmtKey, b.mgmtSecet, "").GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &b.bucket})
			if err != nil {
				return "", err
			}
			return string(out.Status), nil
		}},
		{"DeleteObject denied by the bucket policy", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.s3As(b.mgmtKey, b.mgmtSecet, "").DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: aws.String("AWSLogs/x.json.gz")})
			return "", err
		}},
		{"PutAlternateContact for itself", contact(nil, "security@acme.example")},
		{"PutAlternateContact with a bad email", contact(nil, "not-an-email")},
		{"PutAlternateContact for a member before trusted access", func(ctx context.Context, b *baselineWorld) (string, error) {
			if _, err := b.org.DisableAWSServiceAccess(ctx, &organizations.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")}); err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			return contact(aws.String(""), "security@acme.example")(ctx, b)
		}},
		{"PutAlternateContact for a member", func(ctx context.Context, b *baselineWorld) (string, error) {
			if _, err := b.org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("account.amazonaws.com")}); err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			return contact(aws.String(""), "security@acme.example")(ctx, b)
		}},
		{"GetAlternateContact for a member", func(ctx context.Context, b *baselineWorld) (string, error) {
			out, err := b.account.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: &b.member, AlternateContactType: accounttypes.AlternateContactTypeSecurity})
			if err != nil {
				return "", err
			}
			return *out.AlternateContact.EmailAddress, nil
		}},
		{"GetAlternateContact not set", func(ctx context.Context, b *baselineWorld) (string, error) {
			_, err := b.account.GetAlternateContact(ctx, &account.GetAlternateContactInput{AccountId: &b.member, AlternateContactType: accounttypes.AlternateContactTypeBilling})
			return "", err
		}},
		{"EnableOrganizationsRootCredentialsManagement before trusted access", rootCreds},
		{"EnableOrganizationsRootCredentialsManagement", func(ctx context.Context, b *baselineWorld) (string, error) {
			if _, err := b.org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("iam.amazonaws.com")}); err != nil {
				return "", err
			}
			return rootCreds(ctx, b)
		}},
	}
}

// TestBaselineConformanceWithMoto runs the security baseline's calls
// (delegated administrators, AssumeRole into a member, the log bucket as
// that member, alternate contacts, IAM's root access) against the sandbox
// and moto, and compares the outcomes step by step.
func TestBaselineConformanceWithMoto(t *testing.T) {
	url := moto.URL(t)
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	acme := w.account("acme")
	sb := newBaselineWorld(w.url, acme.AccessKeyID, acme.SecretAccessKey)
	mt := newBaselineWorld(url, "AKIAMOTOCONFORMANCE0", "secret")

	known := newDifferences(t, baselineDifferences)
	ctx := context.Background()
	for _, step := range baselineSteps() {
		got := outcome(step.run(ctx, sb))
		want := outcome(step.run(ctx, mt))
		known.check(step.name, got, want)
	}
	known.unused()
}
