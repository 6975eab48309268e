// Package baseline reads and sets up the design's security baseline: trusted
// access and delegated administrators in AWS Organizations, the log bucket in
// log-archive, the organization trail, GuardDuty, Security Hub and IAM Access
// Analyzer run from security-tooling, IAM's centralized root access, and the
// alternate contacts of every account. Calls in log-archive and
// security-tooling go through OrganizationAccountAccessRole, assumed from the
// management account. It creates and updates; it never deletes.
package baseline

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// The management account's calls. These are what orgwizard's own
// credentials need (iam-policy lists them); the calls in log-archive and
// security-tooling are made as OrganizationAccountAccessRole.

// OrgAPI is the part of AWS Organizations the baseline calls.
type OrgAPI interface {
	DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListAWSServiceAccessForOrganization(ctx context.Context, in *organizations.ListAWSServiceAccessForOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.ListAWSServiceAccessForOrganizationOutput, error)
	EnableAWSServiceAccess(ctx context.Context, in *organizations.EnableAWSServiceAccessInput, optFns ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error)
	ListDelegatedAdministrators(ctx context.Context, in *organizations.ListDelegatedAdministratorsInput, optFns ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error)
	RegisterDelegatedAdministrator(ctx context.Context, in *organizations.RegisterDelegatedAdministratorInput, optFns ...func(*organizations.Options)) (*organizations.RegisterDelegatedAdministratorOutput, error)
}

// TrailAPI is the part of CloudTrail the baseline calls, in the management
// account's home region.
type TrailAPI interface {
	GetTrail(ctx context.Context, in *cloudtrail.GetTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailOutput, error)
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	CreateTrail(ctx context.Context, in *cloudtrail.CreateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error)
	UpdateTrail(ctx context.Context, in *cloudtrail.UpdateTrailInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error)
	StartLogging(ctx context.Context, in *cloudtrail.StartLoggingInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error)
}

// RootAPI is IAM's centralized root access.
type RootAPI interface {
	ListOrganizationsFeatures(ctx context.Context, in *iam.ListOrganizationsFeaturesInput, optFns ...func(*iam.Options)) (*iam.ListOrganizationsFeaturesOutput, error)
	EnableOrganizationsRootCredentialsManagement(ctx context.Context, in *iam.EnableOrganizationsRootCredentialsManagementInput, optFns ...func(*iam.Options)) (*iam.EnableOrganizationsRootCredentialsManagementOutput, error)
	EnableOrganizationsRootSessions(ctx context.Context, in *iam.EnableOrganizationsRootSessionsInput, optFns ...func(*iam.Options)) (*iam.EnableOrganizationsRootSessionsOutput, error)
}

// ContactAPI is AWS Account Management's alternate contacts.
type ContactAPI interface {
	GetAlternateContact(ctx context.Context, in *account.GetAlternateContactInput, optFns ...func(*account.Options)) (*account.GetAlternateContactOutput, error)
	PutAlternateContact(ctx context.Context, in *account.PutAlternateContactInput, optFns ...func(*account.Options)) (*account.PutAlternateContactOutput, error)
}

// GuardDutyAdminAPI names GuardDuty's delegated administrator, region by
// region. AWS's GuardDuty guide asks for this call, not Organizations'
// RegisterDelegatedAdministrator: it registers the account and sets
// GuardDuty up for it. ListDetectors and CreateDetector are the management
// account's own GuardDuty: AWS enrols the management account as a member
// only once it has a detector in the region.
type GuardDutyAdminAPI interface {
	ListOrganizationAdminAccounts(ctx context.Context, in *guardduty.ListOrganizationAdminAccountsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListOrganizationAdminAccountsOutput, error)
	EnableOrganizationAdminAccount(ctx context.Context, in *guardduty.EnableOrganizationAdminAccountInput, optFns ...func(*guardduty.Options)) (*guardduty.EnableOrganizationAdminAccountOutput, error)
	ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
	CreateDetector(ctx context.Context, in *guardduty.CreateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error)
	GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
	UpdateDetector(ctx context.Context, in *guardduty.UpdateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error)
}

// SecurityHubAdminAPI names Security Hub's delegated administrator, region
// by region, as Security Hub's guide asks.
type SecurityHubAdminAPI interface {
	ListOrganizationAdminAccounts(ctx context.Context, in *securityhub.ListOrganizationAdminAccountsInput, optFns ...func(*securityhub.Options)) (*securityhub.ListOrganizationAdminAccountsOutput, error)
	EnableOrganizationAdminAccount(ctx context.Context, in *securityhub.EnableOrganizationAdminAccountInput, optFns ...func(*securityhub.Options)) (*securityhub.EnableOrganizationAdminAccountOutput, error)
}

// AssumeRoleAPI enters log-archive and security-tooling.
type AssumeRoleAPI interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// The calls made inside log-archive and security-tooling, as
// OrganizationAccountAccessRole.

// BucketAPI is the part of S3 the log bucket needs, in log-archive.
type BucketAPI interface {
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	// ListBuckets tells log-archive's own bucket from another account's
	// when HeadBucket answers 403.
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	CreateBucket(ctx context.Context, in *s3.CreateBucketInput, optFns ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	PutBucketVersioning(ctx context.Context, in *s3.PutBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error)
	GetBucketLifecycleConfiguration(ctx context.Context, in *s3.GetBucketLifecycleConfigurationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	PutBucketLifecycleConfiguration(ctx context.Context, in *s3.PutBucketLifecycleConfigurationInput, optFns ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
}

// DetectorAPI is GuardDuty as its delegated administrator runs it.
type DetectorAPI interface {
	ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
	CreateDetector(ctx context.Context, in *guardduty.CreateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error)
	GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
	UpdateDetector(ctx context.Context, in *guardduty.UpdateDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error)
	DescribeOrganizationConfiguration(ctx context.Context, in *guardduty.DescribeOrganizationConfigurationInput, optFns ...func(*guardduty.Options)) (*guardduty.DescribeOrganizationConfigurationOutput, error)
	UpdateOrganizationConfiguration(ctx context.Context, in *guardduty.UpdateOrganizationConfigurationInput, optFns ...func(*guardduty.Options)) (*guardduty.UpdateOrganizationConfigurationOutput, error)
	ListMembers(ctx context.Context, in *guardduty.ListMembersInput, optFns ...func(*guardduty.Options)) (*guardduty.ListMembersOutput, error)
	CreateMembers(ctx context.Context, in *guardduty.CreateMembersInput, optFns ...func(*guardduty.Options)) (*guardduty.CreateMembersOutput, error)
}

// HubAPI is Security Hub as its delegated administrator runs it.
type HubAPI interface {
	DescribeHub(ctx context.Context, in *securityhub.DescribeHubInput, optFns ...func(*securityhub.Options)) (*securityhub.DescribeHubOutput, error)
	EnableSecurityHub(ctx context.Context, in *securityhub.EnableSecurityHubInput, optFns ...func(*securityhub.Options)) (*securityhub.EnableSecurityHubOutput, error)
	DescribeOrganizationConfiguration(ctx context.Context, in *securityhub.DescribeOrganizationConfigurationInput, optFns ...func(*securityhub.Options)) (*securityhub.DescribeOrganizationConfigurationOutput, error)
	UpdateOrganizationConfiguration(ctx context.Context, in *securityhub.UpdateOrganizationConfigurationInput, optFns ...func(*securityhub.Options)) (*securityhub.UpdateOrganizationConfigurationOutput, error)
	ListMembers(ctx context.Context, in *securityhub.ListMembersInput, optFns ...func(*securityhub.Options)) (*securityhub.ListMembersOutput, error)
	CreateMembers(ctx context.Context, in *securityhub.CreateMembersInput, optFns ...func(*securityhub.Options)) (*securityhub.CreateMembersOutput, error)
}

// AnalyzerAPI is IAM Access Analyzer in its delegated administrator.
type AnalyzerAPI interface {
	ListAnalyzers(ctx context.Context, in *accessanalyzer.ListAnalyzersInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error)
	CreateAnalyzer(ctx context.Context, in *accessanalyzer.CreateAnalyzerInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateAnalyzerOutput, error)
}

var (
	_ OrgAPI              = (*organizations.Client)(nil)
	_ TrailAPI            = (*cloudtrail.Client)(nil)
	_ RootAPI             = (*iam.Client)(nil)
	_ ContactAPI          = (*account.Client)(nil)
	_ GuardDutyAdminAPI   = (*guardduty.Client)(nil)
	_ SecurityHubAdminAPI = (*securityhub.Client)(nil)
	_ AssumeRoleAPI       = (*sts.Client)(nil)
	_ BucketAPI           = (*s3.Client)(nil)
	_ DetectorAPI         = (*guardduty.Client)(nil)
	_ HubAPI              = (*securityhub.Client)(nil)
	_ AnalyzerAPI         = (*accessanalyzer.Client)(nil)
)

// Management are the management account's clients; the regional ones are
// made per region.
type Management struct {
	Orgs        OrgAPI
	IAM         RootAPI
	Account     ContactAPI
	STS         AssumeRoleAPI
	Trail       func(region string) TrailAPI
	GuardDuty   func(region string) GuardDutyAdminAPI
	SecurityHub func(region string) SecurityHubAdminAPI
}

// Member are the clients of log-archive or security-tooling, as
// OrganizationAccountAccessRole, per region.
type Member struct {
	S3          func(region string) BucketAPI
	GuardDuty   func(region string) DetectorAPI
	SecurityHub func(region string) HubAPI
	Analyzer    func(region string) AnalyzerAPI
}

// NewManagement returns the management account's clients over cfg (its
// credentials). Organizations, IAM and Account Management are global and
// answer in us-east-1.
func NewManagement(cfg aws.Config, optFns ...func(*aws.Config)) Management {
	for _, f := range optFns {
		f(&cfg)
	}
	global := func(c aws.Config) aws.Config {
		if c.Region == "" {
			c.Region = "us-east-1"
		}
		return c
	}
	inRegion := func(region string) aws.Config {
		c := cfg.Copy()
		c.Region = region
		return c
	}
	return Management{
		Orgs:        organizations.NewFromConfig(global(cfg.Copy())),
		IAM:         iam.NewFromConfig(global(cfg.Copy())),
		Account:     account.NewFromConfig(global(cfg.Copy())),
		STS:         sts.NewFromConfig(global(cfg.Copy())),
		Trail:       func(r string) TrailAPI { return cloudtrail.NewFromConfig(inRegion(r)) },
		GuardDuty:   func(r string) GuardDutyAdminAPI { return guardduty.NewFromConfig(inRegion(r)) },
		SecurityHub: func(r string) SecurityHubAdminAPI { return securityhub.NewFromConfig(inRegion(r)) },
	}
}

// NewMember returns the clients of an account over cfg (its credentials).
func NewMember(cfg aws.Config) *Member {
	inRegion := func(region string) aws.Config {
		c := cfg.Copy()
		c.Region = region
		return c
	}
	return &Member{
		// Path-style addressing: the bucket name in the URL's path works
		// against AWS, the sandbox and moto alike.
		S3: func(r string) BucketAPI {
			return s3.NewFromConfig(inRegion(r), func(o *s3.Options) { o.UsePathStyle = true })
		},
		GuardDuty:   func(r string) DetectorAPI { return guardduty.NewFromConfig(inRegion(r)) },
		SecurityHub: func(r string) HubAPI { return securityhub.NewFromConfig(inRegion(r)) },
		Analyzer:    func(r string) AnalyzerAPI { return accessanalyzer.NewFromConfig(inRegion(r)) },
	}
}

// Enter returns the clients of a member account, by id.
type Enter func(ctx context.Context, accountID string) (*Member, error)

// AssumeInto is the Enter of real AWS (and of the sandbox and moto): the
// member's clients carry OrganizationAccountAccessRole's credentials,
// assumed through stsAPI and renewed before they expire. The role is
// assumed once here, so that a refusal is known before anything is sent.
func AssumeInto(cfg aws.Config, stsAPI AssumeRoleAPI) Enter {
	return func(ctx context.Context, accountID string) (*Member, error) {
		arn := RoleARN(cfg.Region, accountID)
		creds := aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsAPI, arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "orgwizard-baseline"
		}))
		if _, err := creds.Retrieve(ctx); err != nil {
			return nil, err
		}
		c := cfg.Copy()
		c.Credentials = creds
		return NewMember(c), nil
	}
}

// RoleARN is OrganizationAccountAccessRole's ARN in an account.
func RoleARN(region, accountID string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", orgmodel.Partition(region), accountID, access.OrganizationAccountAccessRole)
}

// EnterError is an account orgwizard could not enter through
// OrganizationAccountAccessRole.
type EnterError struct {
	AccountID string
	Name      string
	Err       error
}

func (e *EnterError) Error() string {
	who := e.AccountID
	if e.Name != "" {
		who = e.Name + " (" + e.AccountID + ")"
	}
	if orgs.Denied(e.Err) {
		return fmt.Sprintf("cannot enter account %s: AWS refused sts:AssumeRole on %s. An account invited into the organization has no such role: create it there "+
			"(orgwizard migrate new-management does so for the old management account, way out (a); for another account, AWS's guide \"Creating the "+
			"OrganizationAccountAccessRole in an invited member account\"), trusting the management account, with AdministratorAccess; or, if the role "+
			"is there, give the management account's credentials sts:AssumeRole on it (orgwizard iam-policy --for apply). AWS said: %v",
			who, access.OrganizationAccountAccessRole, e.Err)
	}
	return fmt.Sprintf("entering account %s through %s: %v", who, access.OrganizationAccountAccessRole, e.Err)
}

func (e *EnterError) Unwrap() error { return e.Err }

// Client reads and sets up the baseline from the management account.
type Client struct {
	mgmt     Management
	enter    Enter
	callerID string
	parallel int

	mu      sync.Mutex
	members map[string]*Member
	names   map[string]string // account id → name, for messages
}

// New returns a Client acting as the management account callerID, entering
// member accounts with enter.
func New(mgmt Management, enter Enter, callerID string) *Client {
	return &Client{mgmt: mgmt, enter: enter, callerID: callerID, parallel: 8, members: map[string]*Member{}, names: map[string]string{}}
}

// Name records an account's name, for the messages about it.
func (c *Client) Name(accountID, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names[accountID] = name
}

// member enters an account, once per Client.
func (c *Client) member(ctx context.Context, accountID string) (*Member, error) {
	c.mu.Lock()
	m, ok := c.members[accountID]
	name := c.names[accountID]
	c.mu.Unlock()
	if ok {
		return m, nil
	}
	who := accountID
	if name != "" {
		who = name + " (" + accountID + ")"
	}
	report(ctx, "entering %s through %s", who, access.OrganizationAccountAccessRole)
	m, err := c.enter(ctx, accountID)
	if err != nil {
		return nil, &EnterError{AccountID: accountID, Name: name, Err: err}
	}
	c.mu.Lock()
	c.members[accountID] = m
	c.mu.Unlock()
	return m, nil
}

type progressKey struct{}

// WithProgress makes the Client report, through fn, each part of a step
// that crosses into another account or region as it starts.
func WithProgress(ctx context.Context, fn func(msg string)) context.Context {
	return context.WithValue(ctx, progressKey{}, fn)
}

// Report tells the progress function of ctx (WithProgress), if any, msg.
func Report(ctx context.Context, format string, args ...any) { report(ctx, format, args...) }

func report(ctx context.Context, format string, args ...any) {
	if fn, ok := ctx.Value(progressKey{}).(func(string)); ok && fn != nil {
		fn(fmt.Sprintf(format, args...))
	}
}
