package baseline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Each method below carries out one kind of the plan's baseline steps. Each
// is idempotent: run again after a crash, it finds its own work done (an
// "already exists" answer is success once it is checked to be orgwizard's)
// and does nothing twice.

// Organization is what the baseline's steps need to know of the
// organization: its id and its management account's id and email.
type Organization struct {
	ID, ManagementID, ManagementEmail string
}

// Organization describes the organization.
func (c *Client) Organization(ctx context.Context) (Organization, error) {
	out, err := c.mgmt.Orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return Organization{}, fmt.Errorf("reading the organization: %w", err)
	}
	o := out.Organization
	if o == nil {
		return Organization{}, errors.New("reading the organization: AWS answered without one")
	}
	return Organization{ID: aws.ToString(o.Id), ManagementID: aws.ToString(o.MasterAccountId), ManagementEmail: aws.ToString(o.MasterAccountEmail)}, nil
}

// EnableTrustedAccess gives a service trusted access to the organization.
// AWS answers success when it has it already.
func (c *Client) EnableTrustedAccess(ctx context.Context, service string) error {
	if _, err := c.mgmt.Orgs.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(service)}); err != nil {
		return fmt.Errorf("enabling trusted access for %s: %w", service, err)
	}
	return nil
}

// RegisterDelegatedAdmin makes accountID the delegated administrator of
// service: in region through the service's own EnableOrganizationAdminAccount
// (GuardDuty, Security Hub), or for the organization through Organizations
// (IAM Access Analyzer, region "").
func (c *Client) RegisterDelegatedAdmin(ctx context.Context, service, region, accountID string) error {
	switch service {
	case orgmodel.ServiceGuardDuty:
		api := c.mgmt.GuardDuty(region)
		if admin, err := guardDutyAdmin(ctx, api); err != nil {
			return fmt.Errorf("reading GuardDuty's administrator in %s: %w", region, err)
		} else if admin == accountID {
			return nil
		}
		if _, err := api.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(accountID)}); err != nil {
			return fmt.Errorf("making %s GuardDuty's administrator in %s: %w", accountID, region, err)
		}
		return nil
	case orgmodel.ServiceSecurityHub:
		api := c.mgmt.SecurityHub(region)
		if admin, err := securityHubAdmin(ctx, api); err != nil {
			return fmt.Errorf("reading Security Hub's administrator in %s: %w", region, err)
		} else if admin == accountID {
			return nil
		}
		if _, err := api.EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(accountID)}); err != nil {
			return fmt.Errorf("making %s Security Hub's administrator in %s: %w", accountID, region, err)
		}
		return nil
	}
	if region != "" {
		return fmt.Errorf("%s has no delegated administrator per region", service)
	}
	_, err := c.mgmt.Orgs.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(accountID), ServicePrincipal: aws.String(service)})
	if orgs.Code(err) == "AccountAlreadyRegisteredException" {
		// Registered for this service already (a crashed run's call, or
		// the user's): success if it is this account.
		admins, lerr := c.delegatedAdmins(ctx, service)
		if lerr == nil && slices.Contains(admins, accountID) {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("registering %s as %s's delegated administrator: %w", accountID, service, err)
	}
	return nil
}

// CreateLogBucket creates the log bucket in log-archive. A bucket of that
// name log-archive owns already is its own (a crashed run's).
func (c *Client) CreateLogBucket(ctx context.Context, logArchiveID, bucket, region string) error {
	m, err := c.member(ctx, logArchiveID)
	if err != nil {
		return err
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if region != "us-east-1" {
		// us-east-1 is S3's default and refuses to be named.
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	report(ctx, "creating bucket %s in %s", bucket, region)
	_, err = m.S3(region).CreateBucket(ctx, in)
	var owned *s3types.BucketAlreadyOwnedByYou
	var taken *s3types.BucketAlreadyExists
	switch {
	case err == nil, errors.As(err, &owned):
		return nil
	case errors.As(err, &taken):
		return fmt.Errorf("creating bucket %s in log-archive: the name is taken by another AWS account; it holds your organization's ids, so someone made it on purpose: find its owner: %w", bucket, err)
	}
	return fmt.Errorf("creating bucket %s in log-archive: %w", bucket, err)
}

// LifecycleRuleID names the log bucket's lifecycle rule (orgmodel's).
const LifecycleRuleID = orgmodel.LifecycleRuleID

// ConfigureLogBucket turns on versioning, blocks public access, sets default
// encryption (S3 managed keys) where the bucket has none, and puts
// orgwizard's lifecycle rule beside the bucket's other rules. In a versioned
// bucket S3's Expiration does not delete: retentionDays after a log is
// written it becomes an old version (under a delete marker), which
// log-archive can still restore; NoncurrentVersionExpiration deletes that
// old version for good retentionDays later. A log so lasts about twice
// retentionDays; S3 then removes the delete marker left alone, as a rule
// with Expiration Days does by itself. Nothing of the user's is lost: a
// default encryption of theirs (a KMS key) stays, and so does every
// lifecycle rule whose ID is not orgwizard's (S3's PutBucketLifecycle
// replaces the whole configuration, so they are read first and put back).
// Running it again changes nothing.
func (c *Client) ConfigureLogBucket(ctx context.Context, logArchiveID, bucket, region string, retentionDays int) error {
	m, err := c.member(ctx, logArchiveID)
	if err != nil {
		return err
	}
	api := m.S3(region)
	report(ctx, "versioning, public access block, encryption and a %d-day lifecycle on %s", retentionDays, bucket)
	if _, err := api.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		return fmt.Errorf("turning versioning on for bucket %s: %w", bucket, err)
	}
	if _, err := api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
			IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		return fmt.Errorf("blocking public access to bucket %s: %w", bucket, err)
	}
	enc, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	switch {
	case orgs.Code(err) == "ServerSideEncryptionConfigurationNotFoundError":
	case err != nil:
		return fmt.Errorf("reading the encryption of bucket %s: %w", bucket, err)
	}
	if !encrypted(enc) {
		if _, err := api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
			ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
			}}}}); err != nil {
			return fmt.Errorf("setting default encryption on bucket %s: %w", bucket, err)
		}
	}
	lc, err := api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	in := &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket), LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{}}
	switch {
	case orgs.Code(err) == "NoSuchLifecycleConfiguration":
	case err != nil:
		return fmt.Errorf("reading the lifecycle of bucket %s, to keep its other rules: %w", bucket, err)
	default:
		in.TransitionDefaultMinimumObjectSize = lc.TransitionDefaultMinimumObjectSize
		for _, r := range lc.Rules {
			if aws.ToString(r.ID) != LifecycleRuleID {
				in.LifecycleConfiguration.Rules = append(in.LifecycleConfiguration.Rules, r)
			}
		}
	}
	in.LifecycleConfiguration.Rules = append(in.LifecycleConfiguration.Rules, s3types.LifecycleRule{
		ID: aws.String(LifecycleRuleID), Status: s3types.ExpirationStatusEnabled,
		Filter:                      &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
		Expiration:                  &s3types.LifecycleExpiration{Days: aws.Int32(int32(retentionDays))},
		NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(int32(retentionDays))},
	})
	if _, err := api.PutBucketLifecycleConfiguration(ctx, in); err != nil {
		return fmt.Errorf("setting the %d-day lifecycle of bucket %s: %w", retentionDays, bucket, err)
	}
	return nil
}

// encrypted tells whether a bucket has a default encryption.
func encrypted(out *s3.GetBucketEncryptionOutput) bool {
	if out == nil || out.ServerSideEncryptionConfiguration == nil {
		return false
	}
	for _, r := range out.ServerSideEncryptionConfiguration.Rules {
		if d := r.ApplyServerSideEncryptionByDefault; d != nil && d.SSEAlgorithm != "" {
			return true
		}
	}
	return false
}

// PutLogBucketPolicy puts orgwizard's statements (policy, from
// orgmodel.LogBucketPolicy) into the log bucket's policy: they replace
// orgwizard's own statements there, by Sid, and every other statement is
// kept (orgmodel.MergeLogBucketPolicy). The policy is read here, at apply,
// so that a statement added after the plan was made is kept too.
func (c *Client) PutLogBucketPolicy(ctx context.Context, logArchiveID, bucket, region, policy string) error {
	if policy == "" {
		return fmt.Errorf("the policy of bucket %s is empty", bucket)
	}
	m, err := c.member(ctx, logArchiveID)
	if err != nil {
		return err
	}
	api := m.S3(region)
	have := ""
	got, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case orgs.Code(err) == "NoSuchBucketPolicy":
	case err != nil:
		return fmt.Errorf("reading the policy of bucket %s, to keep the statements that are not orgwizard's: %w", bucket, err)
	default:
		have = aws.ToString(got.Policy)
	}
	merged, err := orgmodel.MergeLogBucketPolicy(have, policy)
	if err != nil {
		return fmt.Errorf("the policy of bucket %s: %w", bucket, err)
	}
	if have != "" && merged.UpToDate() {
		return nil
	}
	if len(merged.Kept) > 0 {
		report(ctx, "setting the policy of %s (keeping %s)", bucket, strings.Join(merged.Kept, ", "))
	} else {
		report(ctx, "setting the policy of %s", bucket)
	}
	if _, err := api.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(merged.Policy)}); err != nil {
		return fmt.Errorf("setting the policy of bucket %s: %w", bucket, err)
	}
	return nil
}

// trailSettings are the organization trail's: every region, every account
// of the organization, log file validation, and the global services' events
// (IAM, STS).
func trailSettings() (multi, org, validation, global *bool) {
	return aws.Bool(true), aws.Bool(true), aws.Bool(true), aws.Bool(true)
}

// CreateTrail creates the organization trail in the management account's
// region, delivering to bucket. A trail of that name that exists already
// (a crashed run's) is updated to the same settings instead.
func (c *Client) CreateTrail(ctx context.Context, name, region, bucket string) error {
	multi, org, validation, global := trailSettings()
	_, err := c.mgmt.Trail(region).CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String(bucket),
		IsMultiRegionTrail: multi, IsOrganizationTrail: org, EnableLogFileValidation: validation, IncludeGlobalServiceEvents: global})
	var exists *cttypes.TrailAlreadyExistsException
	if errors.As(err, &exists) {
		return c.UpdateTrail(ctx, name, region, bucket)
	}
	if err != nil {
		return fmt.Errorf("creating trail %s in %s: %w", name, region, err)
	}
	return nil
}

// UpdateTrail sets the organization trail's settings and bucket.
func (c *Client) UpdateTrail(ctx context.Context, name, region, bucket string) error {
	multi, org, validation, global := trailSettings()
	_, err := c.mgmt.Trail(region).UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{Name: aws.String(name), S3BucketName: aws.String(bucket),
		IsMultiRegionTrail: multi, IsOrganizationTrail: org, EnableLogFileValidation: validation, IncludeGlobalServiceEvents: global})
	if err != nil {
		return fmt.Errorf("updating trail %s in %s: %w", name, region, err)
	}
	return nil
}

// StartLogging starts the trail; AWS answers success when it logs already.
func (c *Client) StartLogging(ctx context.Context, name, region string) error {
	if _, err := c.mgmt.Trail(region).StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(name)}); err != nil {
		return fmt.Errorf("starting trail %s in %s: %w", name, region, err)
	}
	return nil
}

// Account is an account to enrol in GuardDuty or Security Hub.
type Account struct {
	ID    string
	Email string
}

// ConfigureGuardDuty, from security-tooling in region: a detector on, the
// organization's auto-enable setting, and every account of members enrolled
// that is not yet.
func (c *Client) ConfigureGuardDuty(ctx context.Context, toolingID, region, autoEnable string, members []Account) error {
	m, err := c.member(ctx, toolingID)
	if err != nil {
		return err
	}
	api := m.GuardDuty(region)
	detector, on, err := detectorOf(ctx, api)
	if err != nil {
		return fmt.Errorf("GuardDuty in %s: %w", region, err)
	}
	if detector != "" && !on {
		report(ctx, "turning GuardDuty back on in security-tooling, %s (its detector was suspended)", region)
		if err := resume(ctx, api, detector); err != nil {
			return fmt.Errorf("turning GuardDuty back on in security-tooling, %s (its detector %s is suspended): %w", region, detector, err)
		}
	}
	if detector == "" {
		report(ctx, "turning GuardDuty on in security-tooling, %s", region)
		// One detector per account and region: AWS refuses a second, so a
		// crashed run's creation is found by ListDetectors above.
		out, err := api.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("turning GuardDuty on in security-tooling, %s: %w", region, err)
		}
		detector = aws.ToString(out.DetectorId)
	}
	report(ctx, "GuardDuty in %s: auto-enable %s", region, autoEnable)
	if _, err := api.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: aws.String(detector),
		AutoEnableOrganizationMembers: gdtypes.AutoEnableMembers(autoEnable)}); err != nil {
		return fmt.Errorf("setting GuardDuty's auto-enable to %s in %s: %w", autoEnable, region, err)
	}
	have, err := guardDutyStatuses(ctx, api, detector)
	if err != nil {
		return fmt.Errorf("listing GuardDuty's members in %s: %w", region, err)
	}
	// Every account not Enabled is sent, listed or not: as delegated
	// administrator, CreateMembers takes existing members too (a
	// disassociated one, Removed, is associated again), AWS's
	// CreateMembers reference says.
	var add []gdtypes.AccountDetail
	for _, a := range members {
		if !strings.EqualFold(have[a.ID], guardDutyEnabled) {
			add = append(add, gdtypes.AccountDetail{AccountId: aws.String(a.ID), Email: aws.String(a.Email)})
		}
	}
	for _, a := range add {
		if aws.ToString(a.AccountId) == c.callerID {
			if err := c.managementDetector(ctx, region); err != nil {
				return err
			}
		}
	}
	for chunk := range slices.Chunk(add, 50) { // CreateMembers takes at most 50
		report(ctx, "GuardDuty in %s: enrolling %d accounts", region, len(chunk))
		out, err := api.CreateMembers(ctx, &guardduty.CreateMembersInput{DetectorId: aws.String(detector), AccountDetails: chunk})
		if err != nil {
			return fmt.Errorf("enrolling accounts in GuardDuty in %s: %w", region, err)
		}
		if err := unprocessed(region, "GuardDuty", out.UnprocessedAccounts, func(u gdtypes.UnprocessedAccount) (string, string) {
			id := aws.ToString(u.AccountId)
			why := aws.ToString(u.Result)
			if status := have[id]; status != "" {
				why += " (GuardDuty lists it as a member with status " + status + guardDutyHint(status) + ")"
			}
			return id, why
		}); err != nil {
			return err
		}
	}
	return nil
}

// guardDutyHint says what to do about a member GuardDuty would not enrol
// again, by its relationship status.
func guardDutyHint(status string) string {
	switch strings.ToLower(status) {
	case "regiondisabled":
		return ": the account has this opt-in region turned off; turn it on in the account, or deny the region to it by a region guardrail"
	case "accountsuspended":
		return ": the account is suspended or closed; remove it from the design or reopen it"
	case "resigned":
		return ": the account left the administrator itself; in that account, turn GuardDuty's membership on again, or disassociate and delete the member in security-tooling's GuardDuty console, then apply again"
	}
	return ""
}

// managementDetector turns GuardDuty on in the management account in
// region when it is off: until the management account has a detector
// there, AWS leaves it out of CreateMembers ("your organization master
// must first enable GuardDuty to be added as a member").
func (c *Client) managementDetector(ctx context.Context, region string) error {
	api := c.mgmt.GuardDuty(region)
	id, on, err := detectorOf(ctx, api)
	if err != nil {
		return fmt.Errorf("GuardDuty of the management account in %s: %w", region, err)
	}
	if id != "" && !on {
		report(ctx, "turning GuardDuty back on in the management account, %s (its detector was suspended)", region)
		if err := resume(ctx, api, id); err != nil {
			return fmt.Errorf("turning GuardDuty back on in the management account, %s (its detector %s is suspended): %w", region, id, err)
		}
		return nil
	}
	if id != "" {
		return nil
	}
	report(ctx, "turning GuardDuty on in the management account, %s", region)
	if _, err := api.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); err != nil {
		// One detector per account and region: one made meanwhile (naming
		// the delegated administrator can make it) is as good.
		if id, lerr := detectorID(ctx, api); lerr == nil && id != "" {
			return nil
		}
		return fmt.Errorf("turning GuardDuty on in the management account, %s (AWS enrols it as a member only once it has a detector there): %w", region, err)
	}
	return nil
}

// DetectorResumer turns a suspended detector back on.
type DetectorResumer interface {
	UpdateDetector(ctx context.Context, in *guardduty.UpdateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error)
}

// resume turns a suspended detector back on (UpdateDetector, Enable true);
// AWS answers success when it is on already.
func resume(ctx context.Context, api DetectorResumer, detector string) error {
	_, err := api.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: aws.String(detector), Enable: aws.Bool(true)})
	return err
}

// ConfigureSecurityHub, from security-tooling in region: Security Hub on,
// new accounts enabled automatically when autoEnable is ALL, and every
// account of members enrolled that is not yet.
func (c *Client) ConfigureSecurityHub(ctx context.Context, toolingID, region, autoEnable string, members []Account) error {
	m, err := c.member(ctx, toolingID)
	if err != nil {
		return err
	}
	api := m.SecurityHub(region)
	on, err := hubEnabled(ctx, api)
	if err != nil {
		return fmt.Errorf("Security Hub in %s: %w", region, err)
	}
	if !on {
		report(ctx, "turning Security Hub on in security-tooling, %s", region)
		_, err := api.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(true)})
		var conflict *shtypes.ResourceConflictException
		if err != nil && !errors.As(err, &conflict) { // conflict: on already
			return fmt.Errorf("turning Security Hub on in security-tooling, %s: %w", region, err)
		}
	}
	report(ctx, "Security Hub in %s: auto-enable %s", region, autoEnable)
	if _, err := api.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(autoEnable == orgmodel.AutoEnableAll)}); err != nil {
		return fmt.Errorf("setting Security Hub's auto-enable in %s: %w", region, err)
	}
	have, err := hubMembers(ctx, api)
	if err != nil {
		return fmt.Errorf("listing Security Hub's members in %s: %w", region, err)
	}
	var add []shtypes.AccountDetails
	for _, a := range members {
		if !slices.Contains(have, a.ID) {
			add = append(add, shtypes.AccountDetails{AccountId: aws.String(a.ID)})
		}
	}
	for chunk := range slices.Chunk(add, 50) {
		report(ctx, "Security Hub in %s: enrolling %d accounts", region, len(chunk))
		out, err := api.CreateMembers(ctx, &securityhub.CreateMembersInput{AccountDetails: chunk})
		if err != nil {
			return fmt.Errorf("enrolling accounts in Security Hub in %s: %w", region, err)
		}
		if err := unprocessed(region, "Security Hub", out.UnprocessedAccounts, func(u shtypes.Result) (string, string) {
			return aws.ToString(u.AccountId), aws.ToString(u.ProcessingResult)
		}); err != nil {
			return err
		}
	}
	return nil
}

func unprocessed[T any](region, service string, list []T, get func(T) (string, string)) error {
	if len(list) == 0 {
		return nil
	}
	var parts []string
	for _, u := range list {
		id, why := get(u)
		parts = append(parts, id+": "+why)
	}
	return fmt.Errorf("%s in %s did not enrol %d accounts: %s", service, region, len(list), strings.Join(parts, "; "))
}

// CreateAnalyzer creates the organization analyzer in security-tooling. One
// of that name there already is the one a crashed run made, if it is an
// organization analyzer.
func (c *Client) CreateAnalyzer(ctx context.Context, toolingID, region, name string) error {
	m, err := c.member(ctx, toolingID)
	if err != nil {
		return err
	}
	api := m.Analyzer(region)
	report(ctx, "creating analyzer %s in security-tooling, %s", name, region)
	_, err = api.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String(name), Type: aatypes.TypeOrganization})
	var conflict *aatypes.ConflictException
	if errors.As(err, &conflict) {
		list, lerr := analyzers(ctx, api)
		if lerr == nil {
			for _, a := range list {
				if aws.ToString(a.Name) != name {
					continue
				}
				if a.Type == aatypes.TypeOrganization {
					return nil
				}
				return fmt.Errorf("creating analyzer %s in security-tooling, %s: security-tooling has an analyzer of that name already, of type %s, "+
					"and an account can have one analyzer of a name; orgwizard's organization analyzer is always named %s. Delete that analyzer in "+
					"security-tooling with %s (create it again under another name if you need it), then apply again: %w",
					name, region, a.Type, name, orgmodel.DeleteAnalyzerCommand(region), err)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("creating analyzer %s in security-tooling, %s: %w", name, region, err)
	}
	return nil
}

// EnableRootFeature turns on one of IAM's centralized root access features.
// AWS answers success when it is on already.
func (c *Client) EnableRootFeature(ctx context.Context, feature string) error {
	var err error
	switch feature {
	case orgmodel.RootCredentials:
		_, err = c.mgmt.IAM.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
	case orgmodel.RootSessions:
		_, err = c.mgmt.IAM.EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{})
	default:
		return fmt.Errorf("%q is not a centralized root access feature (%s or %s)", feature, orgmodel.RootCredentials, orgmodel.RootSessions)
	}
	if err != nil {
		return fmt.Errorf("enabling centralized root access (%s): %w", feature, err)
	}
	return nil
}

// PutAlternateContact sets one alternate contact of accountID, or of the
// management account itself when accountID is "" or the caller's own id
// (AWS refuses the management account's own id as AccountId).
func (c *Client) PutAlternateContact(ctx context.Context, accountID string, ct orgmodel.AlternateContact) error {
	in := &account.PutAlternateContactInput{AlternateContactType: acctypes.AlternateContactType(ct.Type),
		Name: aws.String(ct.Name), EmailAddress: aws.String(ct.Email), PhoneNumber: aws.String(ct.Phone), Title: aws.String(ct.Title)}
	who := "the management account"
	if accountID != "" && accountID != c.callerID {
		in.AccountId = aws.String(accountID)
		who = "account " + accountID
	}
	if _, err := c.mgmt.Account.PutAlternateContact(ctx, in); err != nil {
		return fmt.Errorf("setting the %s contact of %s: %w", strings.ToLower(ct.Type), who, err)
	}
	return nil
}
