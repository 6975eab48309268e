package sandbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/sandbox"
)

// The security baseline's services against moto, as TestConformanceWithMoto
// does for Organizations: one sequence of calls from the management account
// to both, step by step. moto serves CloudTrail, part of GuardDuty and part
// of Security Hub, and not Access Analyzer, which has no steps here.

// securityDifferences is the one list of where the sandbox departs from moto
// in CloudTrail, GuardDuty and Security Hub, each with its reason; a difference that
// disappears fails the test, so the list stays true.
var securityDifferences = []difference{
	{"cloudtrail CreateTrail organization trail before trusted access", "CloudTrailAccessNotEnabledException", "S3BucketDoesNotExistException",
		"AWS refuses an organization trail until Organizations trusts cloudtrail.amazonaws.com; moto does not check trusted access and reaches the bucket check"},
	{"cloudtrail CreateTrail without a bucket policy", "InsufficientS3BucketPolicyException", "ok",
		"AWS refuses a bucket whose policy does not let cloudtrail.amazonaws.com write for the trail; moto does not read the bucket policy"},
	{"cloudtrail CreateTrail again", "TrailAlreadyExistsException", "ok",
		"AWS refuses a second trail of one name; moto replaces the trail"},
	{"cloudtrail GetTrail", "ok:us-east-1 true true", "ok: true true",
		"AWS's GetTrail names the trail's HomeRegion; moto leaves it out"},
	{"guardduty CreateDetector again", "BadRequestException", "ok",
		"AWS allows one detector per account and region; moto creates a second"},
	{"guardduty ListDetectors", "ok:1", "ok:2",
		"follows from the second detector moto created"},
	{"guardduty ListOrganizationAdminAccounts", "ok:member/ENABLED", "ok:member/ENABLED,member/ENABLED",
		"AWS has one administrator per organization and region, named again without a second entry; moto lists it once per call"},
	{"guardduty UpdateOrganizationConfiguration from the management account", "BadRequestException", "not served",
		"AWS takes the organization configuration from the delegated administrator only; moto 5.2 does not serve the call"},
	{"securityhub EnableOrganizationAdminAccount before trusted access", "InvalidInputException", "ok",
		"AWS needs trusted access for securityhub.amazonaws.com first; moto does not check it"},
	{"securityhub EnableSecurityHub again", "ResourceConflictException", "ok",
		"AWS answers an account already subscribed with ResourceConflictException; moto accepts it again"},
}

const securityConformanceBucket = "acme-conformance-trail"

type securityVars struct {
	member, detector string
}

type securityClients struct {
	account string // the management account's id
	s3      *s3.Client
	org     *organizations.Client
	ct      *cloudtrail.Client
	gd      *guardduty.Client
	sh      *securityhub.Client
}

type securityStep struct {
	name string
	run  func(ctx context.Context, c securityClients, v *securityVars) (string, error)
}

func securitySteps() []securityStep {
	return []securityStep{
		{"organizations CreateOrganization and a member", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			if _, err := c.org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			out, err := c.org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("security-tooling"), Email: aws.String("aws+security-tooling@acme.example")})
			if err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			st, err := pollCreation(ctx, c.org, *out.CreateAccountStatus.Id)
			if err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			v.member = *st.AccountId
			return "", nil
		}},
		{"cloudtrail DescribeTrails with none", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.TrailList)), nil
		}},
		{"cloudtrail GetTrail that does not exist", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.ct.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("org-trail")})
			return "", err
		}},
		{"cloudtrail GetTrailStatus that does not exist", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
			return "", err
		}},
		{"cloudtrail CreateTrail organization trail before trusted access", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-trail"), S3BucketName: aws.String("acme-no-such-bucket"),
				IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true)})
			return "", err
		}},
		{"cloudtrail CreateTrail into a missing bucket", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("account-trail"), S3BucketName: aws.String("acme-no-such-bucket")})
			return "", err
		}},
		{"guardduty EnableOrganizationAdminAccount before trusted access", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.gd.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &v.member})
			return "", err
		}},
		{"securityhub EnableOrganizationAdminAccount before trusted access", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.sh.EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: &v.member})
			return "", err
		}},
		{"organizations EnableAWSServiceAccess for the baseline", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			for _, p := range []string{"cloudtrail.amazonaws.com", "guardduty.amazonaws.com", "securityhub.amazonaws.com"} {
				if _, err := c.org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(p)}); err != nil {
					return "", fmt.Errorf("setup: %w", err)
				}
			}
			return "", nil
		}},
		{"s3 CreateBucket for the trail", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(securityConformanceBucket)})
			return "", err
		}},
		{"cloudtrail CreateTrail without a bucket policy", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-trail"), S3BucketName: aws.String(securityConformanceBucket),
				IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true)})
			return "", err
		}},
		{"cloudtrail CreateTrail organization trail", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			o, err := c.org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
			if err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			trail := "arn:aws:cloudtrail:us-east-1:" + c.account + ":trail/org-trail"
			if _, err := c.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(securityConformanceBucket),
				Policy: aws.String(orgTrailPolicy(securityConformanceBucket, c.account, *o.Organization.Id, trail, true))}); err != nil {
				return "", fmt.Errorf("setup: %w", err)
			}
			out, err := c.ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-trail"), S3BucketName: aws.String(securityConformanceBucket),
				IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true)})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(aws.ToString(out.TrailARN) == trail, aws.ToBool(out.IsOrganizationTrail), aws.ToBool(out.IsMultiRegionTrail), aws.ToBool(out.LogFileValidationEnabled)), nil
		}},
		{"cloudtrail CreateTrail again", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("org-trail"), S3BucketName: aws.String(securityConformanceBucket),
				IsOrganizationTrail: aws.Bool(true), IsMultiRegionTrail: aws.Bool(true)})
			return "", err
		}},
		{"cloudtrail GetTrail", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.ct.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String("org-trail")})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(aws.ToString(out.Trail.HomeRegion), " ", aws.ToBool(out.Trail.IsOrganizationTrail), " ", aws.ToString(out.Trail.S3BucketName) == securityConformanceBucket), nil
		}},
		{"cloudtrail DescribeTrails", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.TrailList)), nil
		}},
		{"cloudtrail GetTrailStatus before StartLogging", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(aws.ToBool(out.IsLogging)), nil
		}},
		{"cloudtrail StartLogging", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("org-trail")})
			return "", err
		}},
		{"cloudtrail GetTrailStatus logging", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(aws.ToBool(out.IsLogging), " ", out.StartLoggingTime != nil, " ", out.LatestDeliveryTime != nil), nil
		}},
		{"cloudtrail UpdateTrail", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.ct.UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String("org-trail"), EnableLogFileValidation: aws.Bool(false)})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(aws.ToBool(out.LogFileValidationEnabled)), nil
		}},
		{"cloudtrail StopLogging", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			if _, err := c.ct.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("org-trail")}); err != nil {
				return "", err
			}
			out, err := c.ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("org-trail")})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(aws.ToBool(out.IsLogging), " ", out.StopLoggingTime != nil), nil
		}},
		{"guardduty EnableOrganizationAdminAccount", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.gd.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &v.member})
			return "", err
		}},
		{"guardduty ListOrganizationAdminAccounts", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.gd.ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
			if err != nil {
				return "", err
			}
			var s []string
			for _, a := range out.AdminAccounts {
				s = append(s, strings.ReplaceAll(*a.AdminAccountId, v.member, "member")+"/"+string(a.AdminStatus))
			}
			return strings.Join(s, ","), nil
		}},
		{"guardduty CreateDetector", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
			if err != nil {
				return "", err
			}
			v.detector = *out.DetectorId
			return "", nil
		}},
		{"guardduty CreateDetector again", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
			return "", err
		}},
		{"guardduty ListDetectors", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(out.DetectorIds)), nil
		}},
		{"guardduty GetDetector", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: &v.detector})
			if err != nil {
				return "", err
			}
			return string(out.Status) + " " + string(out.FindingPublishingFrequency), nil
		}},
		{"guardduty GetDetector that does not exist", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.gd.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String("0123456789abcdef0123456789abcdef")})
			return "", err
		}},
		{"guardduty UpdateOrganizationConfiguration from the management account", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.gd.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: &v.detector,
				AutoEnableOrganizationMembers: gdtypes.AutoEnableMembersAll})
			return "", err
		}},
		{"securityhub DescribeHub before EnableSecurityHub", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.sh.DescribeHub(ctx, &securityhub.DescribeHubInput{})
			return "", err
		}},
		{"securityhub EnableSecurityHub", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.sh.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(true)})
			return "", err
		}},
		{"securityhub EnableSecurityHub again", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.sh.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{})
			return "", err
		}},
		{"securityhub DescribeHub", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			out, err := c.sh.DescribeHub(ctx, &securityhub.DescribeHubInput{})
			if err != nil {
				return "", err
			}
			arn := *out.HubArn
			return arn[strings.LastIndexByte(arn, ':')+1:], nil
		}},
		{"securityhub EnableOrganizationAdminAccount", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.sh.EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: &v.member})
			return "", err
		}},
		{"securityhub UpdateOrganizationConfiguration from the management account", func(ctx context.Context, c securityClients, v *securityVars) (string, error) {
			_, err := c.sh.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)})
			return "", err
		}},
	}
}

// TestSecurityServicesConformanceWithMoto runs the sequence against the sandbox and moto and compares the outcomes.
func TestSecurityServicesConformanceWithMoto(t *testing.T) {
	url := moto.URL(t)
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	acme := w.account("acme")
	sb := securityClients{account: acme.ID, s3: w.s3(acme.AccessKeyID, acme.SecretAccessKey, "", "us-east-1", true), org: w.org(acme), ct: w.cloudtrail(acme, "us-east-1"), gd: w.guardduty(acme, "us-east-1"), sh: w.securityhub(acme, "us-east-1")}
	mcfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOCONFORMANCE0", "secret", ""), Retryer: sandbox.ConnRetryer}
	mc := securityClients{
		account: "123456789012", // moto's account for any key
		s3:      s3.NewFromConfig(mcfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(url); o.UsePathStyle = true }),
		org:     organizations.NewFromConfig(mcfg, func(o *organizations.Options) { o.BaseEndpoint = aws.String(url) }),
		ct:      cloudtrail.NewFromConfig(mcfg, func(o *cloudtrail.Options) { o.BaseEndpoint = aws.String(url) }),
		gd:      guardduty.NewFromConfig(mcfg, func(o *guardduty.Options) { o.BaseEndpoint = aws.String(url) }),
		sh:      securityhub.NewFromConfig(mcfg, func(o *securityhub.Options) { o.BaseEndpoint = aws.String(url) }),
	}
	known := newDifferences(t, securityDifferences)
	ctx := context.Background()
	var sv, mv securityVars
	for _, step := range securitySteps() {
		got := securityOutcome(step.run(ctx, sb, &sv))
		want := securityOutcome(step.run(ctx, mc, &mv))
		known.check(step.name, got, want)
	}
	known.unused()
}

// securityOutcome is outcome, with "not served" for a call moto answers
// with its HTML 404 (an operation it does not implement).
func securityOutcome(observed string, err error) string {
	if err != nil && strings.Contains(err.Error(), "StatusCode: 404") && strings.Contains(err.Error(), "deserialization failed") {
		return "not served"
	}
	return outcome(observed, err)
}
