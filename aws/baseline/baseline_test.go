package baseline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/account"
	acctypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// The fakes below are the baseline's services in memory, one per
// interface, answering as AWS documents (and the SDK types) for the cases
// the Client handles: "already exists", "not found", refusals.

type fakeOrg struct {
	OrgAPI
	mu      sync.Mutex
	trusted []string
	admins  map[string][]string
	calls   []string
	deny    string // an operation refused with AccessDenied
}

func (f *fakeOrg) denied(op string) error {
	if f.deny == op {
		return &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform organizations:" + op}
	}
	return nil
}

func (f *fakeOrg) DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{Id: aws.String("o-abcdefghij"), MasterAccountId: aws.String(mgmtID), MasterAccountEmail: aws.String("aws@acme.example")}}, nil
}

func (f *fakeOrg) ListAWSServiceAccessForOrganization(context.Context, *organizations.ListAWSServiceAccessForOrganizationInput, ...func(*organizations.Options)) (*organizations.ListAWSServiceAccessForOrganizationOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &organizations.ListAWSServiceAccessForOrganizationOutput{}
	for _, s := range f.trusted {
		out.EnabledServicePrincipals = append(out.EnabledServicePrincipals, orgtypes.EnabledServicePrincipal{ServicePrincipal: aws.String(s)})
	}
	return out, nil
}

func (f *fakeOrg) EnableAWSServiceAccess(_ context.Context, in *organizations.EnableAWSServiceAccessInput, _ ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error) {
	if err := f.denied("EnableAWSServiceAccess"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "EnableAWSServiceAccess "+*in.ServicePrincipal)
	if !slices.Contains(f.trusted, *in.ServicePrincipal) {
		f.trusted = append(f.trusted, *in.ServicePrincipal)
	}
	return &organizations.EnableAWSServiceAccessOutput{}, nil
}

// ListDelegatedAdministrators answers one account a page, as AWS may cut
// its pages anywhere.
func (f *fakeOrg) ListDelegatedAdministrators(_ context.Context, in *organizations.ListDelegatedAdministratorsInput, _ ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "ListDelegatedAdministrators "+aws.ToString(in.ServicePrincipal))
	out := &organizations.ListDelegatedAdministratorsOutput{}
	ids := f.admins[aws.ToString(in.ServicePrincipal)]
	i, _ := strconv.Atoi(aws.ToString(in.NextToken))
	if i < len(ids) {
		out.DelegatedAdministrators = []orgtypes.DelegatedAdministrator{{Id: aws.String(ids[i])}}
	}
	if i+1 < len(ids) {
		out.NextToken = aws.String(strconv.Itoa(i + 1))
	}
	return out, nil
}

func (f *fakeOrg) RegisterDelegatedAdministrator(_ context.Context, in *organizations.RegisterDelegatedAdministratorInput, _ ...func(*organizations.Options)) (*organizations.RegisterDelegatedAdministratorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "RegisterDelegatedAdministrator "+*in.ServicePrincipal)
	if !slices.Contains(f.trusted, *in.ServicePrincipal) {
		return nil, &orgtypes.AccessDeniedForDependencyException{Message: aws.String("trusted access is not enabled")}
	}
	if len(f.admins[*in.ServicePrincipal]) > 0 {
		return nil, &orgtypes.AccountAlreadyRegisteredException{Message: aws.String("already registered")}
	}
	f.admins[*in.ServicePrincipal] = append(f.admins[*in.ServicePrincipal], *in.AccountId)
	return &organizations.RegisterDelegatedAdministratorOutput{}, nil
}

type fakeTrail struct {
	TrailAPI
	trail   *cttypes.Trail
	logging bool
	calls   []string
}

func (f *fakeTrail) GetTrail(_ context.Context, in *cloudtrail.GetTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailOutput, error) {
	if f.trail == nil {
		return nil, &cttypes.TrailNotFoundException{Message: aws.String("Unknown trail")}
	}
	t := *f.trail
	return &cloudtrail.GetTrailOutput{Trail: &t}, nil
}

func (f *fakeTrail) GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	return &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(f.logging)}, nil
}

func (f *fakeTrail) CreateTrail(_ context.Context, in *cloudtrail.CreateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.CreateTrailOutput, error) {
	f.calls = append(f.calls, "CreateTrail")
	if f.trail != nil {
		return nil, &cttypes.TrailAlreadyExistsException{Message: aws.String("exists")}
	}
	f.trail = &cttypes.Trail{Name: in.Name, S3BucketName: in.S3BucketName, IsOrganizationTrail: in.IsOrganizationTrail, IsMultiRegionTrail: in.IsMultiRegionTrail,
		LogFileValidationEnabled: in.EnableLogFileValidation, IncludeGlobalServiceEvents: in.IncludeGlobalServiceEvents}
	return &cloudtrail.CreateTrailOutput{}, nil
}

func (f *fakeTrail) UpdateTrail(_ context.Context, in *cloudtrail.UpdateTrailInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.UpdateTrailOutput, error) {
	f.calls = append(f.calls, "UpdateTrail")
	t := f.trail
	t.S3BucketName, t.IsOrganizationTrail, t.IsMultiRegionTrail, t.LogFileValidationEnabled, t.IncludeGlobalServiceEvents =
		in.S3BucketName, in.IsOrganizationTrail, in.IsMultiRegionTrail, in.EnableLogFileValidation, in.IncludeGlobalServiceEvents
	return &cloudtrail.UpdateTrailOutput{}, nil
}

func (f *fakeTrail) StartLogging(context.Context, *cloudtrail.StartLoggingInput, ...func(*cloudtrail.Options)) (*cloudtrail.StartLoggingOutput, error) {
	f.logging = true
	return &cloudtrail.StartLoggingOutput{}, nil
}

type fakeIAM struct {
	features []iamtypes.FeatureType
	off      bool // IAM has no trusted access
}

func (f *fakeIAM) ListOrganizationsFeatures(context.Context, *iam.ListOrganizationsFeaturesInput, ...func(*iam.Options)) (*iam.ListOrganizationsFeaturesOutput, error) {
	if f.off {
		return nil, &iamtypes.ServiceAccessNotEnabledException{Message: aws.String("trusted access is not enabled")}
	}
	return &iam.ListOrganizationsFeaturesOutput{EnabledFeatures: f.features}, nil
}

func (f *fakeIAM) EnableOrganizationsRootCredentialsManagement(context.Context, *iam.EnableOrganizationsRootCredentialsManagementInput, ...func(*iam.Options)) (*iam.EnableOrganizationsRootCredentialsManagementOutput, error) {
	f.features = append(f.features, iamtypes.FeatureTypeRootCredentialsManagement)
	return &iam.EnableOrganizationsRootCredentialsManagementOutput{}, nil
}

func (f *fakeIAM) EnableOrganizationsRootSessions(context.Context, *iam.EnableOrganizationsRootSessionsInput, ...func(*iam.Options)) (*iam.EnableOrganizationsRootSessionsOutput, error) {
	f.features = append(f.features, iamtypes.FeatureTypeRootSessions)
	return &iam.EnableOrganizationsRootSessionsOutput{}, nil
}

type fakeAccount struct {
	mu       sync.Mutex
	contacts map[string]acctypes.AlternateContact // account id + type
}

func (f *fakeAccount) key(id *string, typ acctypes.AlternateContactType) string {
	who := aws.ToString(id)
	if who == "" {
		who = mgmtID
	}
	return who + "/" + string(typ)
}

func (f *fakeAccount) GetAlternateContact(_ context.Context, in *account.GetAlternateContactInput, _ ...func(*account.Options)) (*account.GetAlternateContactOutput, error) {
	if aws.ToString(in.AccountId) == mgmtID {
		return nil, &acctypes.AccessDeniedException{Message: aws.String("the management account cannot name itself")}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.contacts[f.key(in.AccountId, in.AlternateContactType)]
	if !ok {
		return nil, &acctypes.ResourceNotFoundException{Message: aws.String("No contact of the inputted alternate contact type found.")}
	}
	return &account.GetAlternateContactOutput{AlternateContact: &c}, nil
}

func (f *fakeAccount) PutAlternateContact(_ context.Context, in *account.PutAlternateContactInput, _ ...func(*account.Options)) (*account.PutAlternateContactOutput, error) {
	if aws.ToString(in.AccountId) == mgmtID {
		return nil, &acctypes.AccessDeniedException{Message: aws.String("the management account cannot name itself")}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.contacts[f.key(in.AccountId, in.AlternateContactType)] = acctypes.AlternateContact{AlternateContactType: in.AlternateContactType,
		Name: in.Name, EmailAddress: in.EmailAddress, PhoneNumber: in.PhoneNumber, Title: in.Title}
	return &account.PutAlternateContactOutput{}, nil
}

type fakeGDAdmin struct {
	admin     string
	enables   int
	detector  string // the management account's own
	suspended bool   // its status is DISABLED
	resumes   int
}

// detectorStatus answers GetDetector for a detector, as GuardDuty does.
func detectorStatus(have, asked string, suspended bool) (*guardduty.GetDetectorOutput, error) {
	if have == "" || have != asked {
		return nil, &gdtypes.BadRequestException{Message: aws.String("The request is rejected because the input detectorId is not owned by the current account.")}
	}
	status := gdtypes.DetectorStatusEnabled
	if suspended {
		status = gdtypes.DetectorStatusDisabled
	}
	return &guardduty.GetDetectorOutput{Status: status}, nil
}

func (f *fakeGDAdmin) GetDetector(_ context.Context, in *guardduty.GetDetectorInput, _ ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error) {
	return detectorStatus(f.detector, aws.ToString(in.DetectorId), f.suspended)
}

func (f *fakeGDAdmin) UpdateDetector(_ context.Context, in *guardduty.UpdateDetectorInput, _ ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error) {
	if _, err := detectorStatus(f.detector, aws.ToString(in.DetectorId), f.suspended); err != nil {
		return nil, err
	}
	f.resumes++
	f.suspended = !aws.ToBool(in.Enable)
	return &guardduty.UpdateDetectorOutput{}, nil
}

func (f *fakeGDAdmin) ListDetectors(context.Context, *guardduty.ListDetectorsInput, ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error) {
	out := &guardduty.ListDetectorsOutput{}
	if f.detector != "" {
		out.DetectorIds = []string{f.detector}
	}
	return out, nil
}

func (f *fakeGDAdmin) CreateDetector(context.Context, *guardduty.CreateDetectorInput, ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error) {
	if f.detector != "" {
		return nil, &gdtypes.BadRequestException{Message: aws.String("The request is rejected because a detector already exists for the current account.")}
	}
	f.detector = "d-mgmt"
	return &guardduty.CreateDetectorOutput{DetectorId: aws.String(f.detector)}, nil
}

func (f *fakeGDAdmin) ListOrganizationAdminAccounts(context.Context, *guardduty.ListOrganizationAdminAccountsInput, ...func(*guardduty.Options)) (*guardduty.ListOrganizationAdminAccountsOutput, error) {
	out := &guardduty.ListOrganizationAdminAccountsOutput{}
	if f.admin != "" {
		out.AdminAccounts = []gdtypes.AdminAccount{{AdminAccountId: aws.String(f.admin), AdminStatus: gdtypes.AdminStatusEnabled}}
	}
	return out, nil
}

func (f *fakeGDAdmin) EnableOrganizationAdminAccount(_ context.Context, in *guardduty.EnableOrganizationAdminAccountInput, _ ...func(*guardduty.Options)) (*guardduty.EnableOrganizationAdminAccountOutput, error) {
	f.enables++
	if f.admin != "" {
		return nil, &gdtypes.BadRequestException{Message: aws.String("the organization already has an administrator")}
	}
	f.admin = *in.AdminAccountId
	return &guardduty.EnableOrganizationAdminAccountOutput{}, nil
}

type fakeSHAdmin struct{ admin string }

func (f *fakeSHAdmin) ListOrganizationAdminAccounts(context.Context, *securityhub.ListOrganizationAdminAccountsInput, ...func(*securityhub.Options)) (*securityhub.ListOrganizationAdminAccountsOutput, error) {
	out := &securityhub.ListOrganizationAdminAccountsOutput{}
	if f.admin != "" {
		out.AdminAccounts = []shtypes.AdminAccount{{AccountId: aws.String(f.admin), Status: shtypes.AdminStatusEnabled}}
	}
	return out, nil
}

func (f *fakeSHAdmin) EnableOrganizationAdminAccount(_ context.Context, in *securityhub.EnableOrganizationAdminAccountInput, _ ...func(*securityhub.Options)) (*securityhub.EnableOrganizationAdminAccountOutput, error) {
	f.admin = *in.AdminAccountId
	return &securityhub.EnableOrganizationAdminAccountOutput{}, nil
}

// fakeSTS lets the management account into the accounts of roles, and
// refuses the rest as AWS does an account without the role.
type fakeSTS struct{ roles []string }

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if !slices.Contains(f.roles, *in.RoleArn) {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::" + mgmtID + ":user/admin is not authorized to perform: sts:AssumeRole on resource: " + *in.RoleArn}
	}
	return &sts.AssumeRoleOutput{Credentials: nil}, nil
}

// fakeBucket is a bucket and its settings.
type fakeBucket struct {
	owner      string
	versioning s3types.BucketVersioningStatus
	pab        *s3types.PublicAccessBlockConfiguration
	enc        *s3types.ServerSideEncryptionConfiguration
	rules      []s3types.LifecycleRule
	policy     string
	// denyList and denyRead: its policy denies the role s3:ListBucket
	// (HeadBucket answers 403, to its owner too), or every Get.
	denyList, denyRead bool
}

// fakeS3 is S3 as one account (owner) sees it: names are global.
type fakeS3 struct {
	owner   string
	buckets map[string]*fakeBucket
}

func (f *fakeS3) own(name *string) (*fakeBucket, error) {
	b, ok := f.buckets[aws.ToString(name)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchBucket"}
	}
	if b.owner != f.owner || b.denyRead {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	}
	return b, nil
}

// ListBuckets lists the owner's buckets: a bucket policy has no say in it.
func (f *fakeS3) ListBuckets(_ context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	out := &s3.ListBucketsOutput{}
	for name, b := range f.buckets {
		if b.owner == f.owner && strings.HasPrefix(name, aws.ToString(in.Prefix)) {
			out.Buckets = append(out.Buckets, s3types.Bucket{Name: aws.String(name)})
		}
	}
	return out, nil
}

func (f *fakeS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	switch b, ok := f.buckets[*in.Bucket]; {
	case !ok:
		return nil, &s3types.NotFound{}
	case b.owner != f.owner || b.denyList:
		return nil, &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusForbidden}}, Err: errors.New("Forbidden")}}
	}
	return &s3.HeadBucketOutput{}, nil
}

func (f *fakeS3) CreateBucket(_ context.Context, in *s3.CreateBucketInput, _ ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	if in.CreateBucketConfiguration == nil {
		return nil, errors.New("IllegalLocationConstraintException: eu-west-1 needs a location constraint")
	}
	switch b, ok := f.buckets[*in.Bucket]; {
	case ok && b.owner == f.owner:
		return nil, &s3types.BucketAlreadyOwnedByYou{}
	case ok:
		return nil, &s3types.BucketAlreadyExists{}
	}
	f.buckets[*in.Bucket] = &fakeBucket{owner: f.owner}
	return &s3.CreateBucketOutput{}, nil
}

func (f *fakeS3) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketVersioningOutput{Status: b.versioning}, nil
}

func (f *fakeS3) PutBucketVersioning(_ context.Context, in *s3.PutBucketVersioningInput, _ ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	b.versioning = in.VersioningConfiguration.Status
	return &s3.PutBucketVersioningOutput{}, nil
}

func (f *fakeS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.pab == nil {
		return nil, &smithy.GenericAPIError{Code: "NoSuchPublicAccessBlockConfiguration"}
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b.pab}, nil
}

func (f *fakeS3) PutPublicAccessBlock(_ context.Context, in *s3.PutPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	b.pab = in.PublicAccessBlockConfiguration
	return &s3.PutPublicAccessBlockOutput{}, nil
}

func (f *fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.enc == nil {
		return nil, &smithy.GenericAPIError{Code: "ServerSideEncryptionConfigurationNotFoundError"}
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: b.enc}, nil
}

func (f *fakeS3) PutBucketEncryption(_ context.Context, in *s3.PutBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	b.enc = in.ServerSideEncryptionConfiguration
	return &s3.PutBucketEncryptionOutput{}, nil
}

func (f *fakeS3) GetBucketLifecycleConfiguration(_ context.Context, in *s3.GetBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.rules == nil {
		return nil, &smithy.GenericAPIError{Code: "NoSuchLifecycleConfiguration"}
	}
	return &s3.GetBucketLifecycleConfigurationOutput{Rules: b.rules}, nil
}

func (f *fakeS3) PutBucketLifecycleConfiguration(_ context.Context, in *s3.PutBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	b.rules = in.LifecycleConfiguration.Rules
	return &s3.PutBucketLifecycleConfigurationOutput{}, nil
}

func (f *fakeS3) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.policy == "" {
		return nil, &smithy.GenericAPIError{Code: "NoSuchBucketPolicy"}
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(b.policy)}, nil
}

func (f *fakeS3) PutBucketPolicy(_ context.Context, in *s3.PutBucketPolicyInput, _ ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	b, err := f.own(in.Bucket)
	if err != nil {
		return nil, err
	}
	b.policy = aws.ToString(in.Policy)
	return &s3.PutBucketPolicyOutput{}, nil
}

type fakeGD struct {
	DetectorAPI
	detector   string
	suspended  bool // the detector's status is DISABLED
	resumes    int
	autoEnable gdtypes.AutoEnableMembers
	members    []gdtypes.Member
	refuse     string // an account CreateMembers leaves unprocessed
	creates    int
	mgmt       *fakeGDAdmin // the management account's GuardDuty
}

func (f *fakeGD) ListDetectors(context.Context, *guardduty.ListDetectorsInput, ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error) {
	out := &guardduty.ListDetectorsOutput{}
	if f.detector != "" {
		out.DetectorIds = []string{f.detector}
	}
	return out, nil
}

func (f *fakeGD) CreateDetector(context.Context, *guardduty.CreateDetectorInput, ...func(*guardduty.Options)) (*guardduty.CreateDetectorOutput, error) {
	if f.detector != "" {
		return nil, &gdtypes.BadRequestException{Message: aws.String("a detector already exists")}
	}
	f.detector = "d-1"
	return &guardduty.CreateDetectorOutput{DetectorId: aws.String(f.detector)}, nil
}

func (f *fakeGD) GetDetector(_ context.Context, in *guardduty.GetDetectorInput, _ ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error) {
	return detectorStatus(f.detector, aws.ToString(in.DetectorId), f.suspended)
}

func (f *fakeGD) UpdateDetector(_ context.Context, in *guardduty.UpdateDetectorInput, _ ...func(*guardduty.Options)) (*guardduty.UpdateDetectorOutput, error) {
	if _, err := detectorStatus(f.detector, aws.ToString(in.DetectorId), f.suspended); err != nil {
		return nil, err
	}
	f.resumes++
	f.suspended = !aws.ToBool(in.Enable)
	return &guardduty.UpdateDetectorOutput{}, nil
}

func (f *fakeGD) DescribeOrganizationConfiguration(context.Context, *guardduty.DescribeOrganizationConfigurationInput, ...func(*guardduty.Options)) (*guardduty.DescribeOrganizationConfigurationOutput, error) {
	return &guardduty.DescribeOrganizationConfigurationOutput{AutoEnableOrganizationMembers: f.autoEnable}, nil
}

func (f *fakeGD) UpdateOrganizationConfiguration(_ context.Context, in *guardduty.UpdateOrganizationConfigurationInput, _ ...func(*guardduty.Options)) (*guardduty.UpdateOrganizationConfigurationOutput, error) {
	if aws.ToString(in.DetectorId) != f.detector || f.detector == "" {
		return nil, &gdtypes.BadRequestException{Message: aws.String("no such detector")}
	}
	f.autoEnable = in.AutoEnableOrganizationMembers
	return &guardduty.UpdateOrganizationConfigurationOutput{}, nil
}

func (f *fakeGD) ListMembers(context.Context, *guardduty.ListMembersInput, ...func(*guardduty.Options)) (*guardduty.ListMembersOutput, error) {
	return &guardduty.ListMembersOutput{Members: f.members}, nil
}

func (f *fakeGD) CreateMembers(_ context.Context, in *guardduty.CreateMembersInput, _ ...func(*guardduty.Options)) (*guardduty.CreateMembersOutput, error) {
	out := &guardduty.CreateMembersOutput{}
	for _, a := range in.AccountDetails {
		f.creates++
		if aws.ToString(a.Email) == "" {
			return nil, &gdtypes.BadRequestException{Message: aws.String("email is required")}
		}
		if *a.AccountId == f.refuse {
			out.UnprocessedAccounts = append(out.UnprocessedAccounts, gdtypes.UnprocessedAccount{AccountId: a.AccountId, Result: aws.String("the account is suspended")})
			continue
		}
		// AWS's answer for the management account while it has no
		// detector of its own in the region.
		if *a.AccountId == mgmtID && f.mgmt != nil && f.mgmt.detector == "" {
			out.UnprocessedAccounts = append(out.UnprocessedAccounts, gdtypes.UnprocessedAccount{AccountId: a.AccountId,
				Result: aws.String("Operation failed because your organization master must first enable GuardDuty to be added as a member")})
			continue
		}
		i := slices.IndexFunc(f.members, func(m gdtypes.Member) bool { return aws.ToString(m.AccountId) == *a.AccountId })
		switch {
		case i < 0:
			f.members = append(f.members, gdtypes.Member{AccountId: a.AccountId, Email: a.Email, RelationshipStatus: aws.String("Enabled")})
		case aws.ToString(f.members[i].RelationshipStatus) == "RegionDisabled":
			out.UnprocessedAccounts = append(out.UnprocessedAccounts, gdtypes.UnprocessedAccount{AccountId: a.AccountId, Result: aws.String("the region is disabled for the account")})
		default: // an existing member, associated again
			f.members[i].RelationshipStatus = aws.String("Enabled")
		}
	}
	return out, nil
}

type fakeAA struct {
	analyzers []aatypes.AnalyzerSummary
}

func (f *fakeAA) ListAnalyzers(context.Context, *accessanalyzer.ListAnalyzersInput, ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error) {
	return &accessanalyzer.ListAnalyzersOutput{Analyzers: f.analyzers}, nil
}

func (f *fakeAA) CreateAnalyzer(_ context.Context, in *accessanalyzer.CreateAnalyzerInput, _ ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateAnalyzerOutput, error) {
	for _, a := range f.analyzers {
		if *a.Name == *in.AnalyzerName {
			return nil, &aatypes.ConflictException{Message: aws.String("analyzer exists")}
		}
	}
	f.analyzers = append(f.analyzers, aatypes.AnalyzerSummary{Name: in.AnalyzerName, Type: in.Type, Status: aatypes.AnalyzerStatusActive})
	return &accessanalyzer.CreateAnalyzerOutput{}, nil
}

const (
	mgmtID    = "111111111111"
	logID     = "222222222222"
	toolingID = "333333333333"
)

// world is a management account, log-archive and security-tooling, in
// eu-west-1, with nothing of the baseline.
type world struct {
	org     *fakeOrg
	trail   *fakeTrail
	iam     *fakeIAM
	account *fakeAccount
	gdAdmin *fakeGDAdmin
	shAdmin *fakeSHAdmin
	sts     *fakeSTS
	buckets map[string]*fakeBucket
	gd      *fakeGD
	sh      HubAPI
	aa      *fakeAA
	mu      sync.Mutex // guards entered: a Read enters accounts at once
	entered []string
}

func newWorld() *world {
	w := &world{
		org: &fakeOrg{admins: map[string][]string{}}, trail: &fakeTrail{}, iam: &fakeIAM{}, account: &fakeAccount{contacts: map[string]acctypes.AlternateContact{}},
		gdAdmin: &fakeGDAdmin{}, shAdmin: &fakeSHAdmin{},
		sts:     &fakeSTS{roles: []string{RoleARN("eu-west-1", logID), RoleARN("eu-west-1", toolingID)}},
		buckets: map[string]*fakeBucket{}, gd: &fakeGD{}, aa: &fakeAA{},
	}
	w.gd.mgmt = w.gdAdmin
	return w
}

func (w *world) client() *Client {
	mgmt := Management{Orgs: w.org, IAM: w.iam, Account: w.account, STS: w.sts,
		Trail:       func(string) TrailAPI { return w.trail },
		GuardDuty:   func(string) GuardDutyAdminAPI { return w.gdAdmin },
		SecurityHub: func(string) SecurityHubAdminAPI { return w.shAdmin },
	}
	enter := func(ctx context.Context, id string) (*Member, error) {
		w.mu.Lock()
		w.entered = append(w.entered, id)
		w.mu.Unlock()
		if _, err := w.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(RoleARN("eu-west-1", id))}); err != nil {
			return nil, err
		}
		return &Member{
			S3:          func(string) BucketAPI { return &fakeS3{owner: id, buckets: w.buckets} },
			GuardDuty:   func(string) DetectorAPI { return w.gd },
			SecurityHub: func(string) HubAPI { return w.sh },
			Analyzer:    func(string) AnalyzerAPI { return w.aa },
		}, nil
	}
	return New(mgmt, enter, mgmtID)
}

// secure is a tree with a one-region baseline and one contact, over an
// organization whose log-archive and security-tooling exist.
func secure(t *testing.T) (*orgmodel.Tree, *orgmodel.Actual) {
	t.Helper()
	data, err := os.ReadFile("../../examples/acme-secure.yaml")
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
	a := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-abcdefghij", ManagementAccountID: mgmtID, FeatureSet: "ALL"}, RootID: "r-1"}
	for _, acc := range tree.Accounts {
		id := fmt.Sprintf("9%011d", len(a.Accounts))
		switch acc.Name {
		case orgmodel.LogArchive:
			id = logID
		case orgmodel.SecurityTooling:
			id = toolingID
		}
		a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: id, Name: acc.Name, Email: acc.Email, ParentID: "r-1", Status: "ACTIVE"})
	}
	return tree, a
}

// Read of an organization with nothing of the baseline finds nothing, and
// plans every step; carried out through the Client's own methods on the
// same services, a second Read plans none of them.
func TestReadThenStepsConverge(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	w := newWorld()
	c := w.client()
	got, err := c.Read(ctx, tree, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bucket != nil || got.Trail != nil || len(got.TrustedAccess) > 0 || len(got.Unreadable) > 0 {
		t.Fatalf("an empty organization reads as %+v", got)
	}
	a.Baseline = got
	plan := orgmodel.MakePlan(tree, a)
	ran := 0
	for _, s := range plan.Steps {
		if s.Baseline == nil {
			continue
		}
		ran++
		if err := runStep(ctx, c, a, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if ran == 0 {
		t.Fatal("nothing was planned")
	}
	again, err := c.Read(ctx, tree, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Baseline = again
	for _, s := range orgmodel.MakePlan(tree, a).Steps {
		if s.Baseline != nil {
			t.Errorf("after the steps, the plan still has %s (%s)", s, s.Why)
		}
	}
	if n := strings.Count(strings.Join(w.org.calls, "\n"), "EnableAWSServiceAccess"); n != len(tree.Baseline.TrustedAccess) {
		t.Errorf("%d EnableAWSServiceAccess calls for %d services", n, len(tree.Baseline.TrustedAccess))
	}
	// Each account is entered once per Client, however many steps act there.
	slices.Sort(w.entered)
	if !slices.Equal(slices.Compact(slices.Clone(w.entered)), w.entered) {
		t.Errorf("accounts entered more than once: %v", w.entered)
	}
}

// runStep carries out s as the engine would, for a plan made on an
// organization whose accounts all exist.
func runStep(ctx context.Context, c *Client, a *orgmodel.Actual, s orgmodel.Step) error {
	b := s.Baseline
	switch s.Kind {
	case orgmodel.StepEnableTrustedAccess:
		return c.EnableTrustedAccess(ctx, b.Service)
	case orgmodel.StepRegisterAdmin:
		return c.RegisterDelegatedAdmin(ctx, b.Service, b.Region, s.AccountID)
	case orgmodel.StepCreateLogBucket:
		return c.CreateLogBucket(ctx, s.AccountID, b.Bucket, b.Region)
	case orgmodel.StepConfigureLogBucket:
		return c.ConfigureLogBucket(ctx, s.AccountID, b.Bucket, b.Region, b.Trail.Bucket.RetentionDays)
	case orgmodel.StepPutBucketPolicy:
		return c.PutLogBucketPolicy(ctx, s.AccountID, b.Bucket, b.Region, b.Policy)
	case orgmodel.StepCreateTrail:
		return c.CreateTrail(ctx, b.Trail.Name, b.Trail.HomeRegion, b.Bucket)
	case orgmodel.StepStartLogging:
		return c.StartLogging(ctx, b.Trail.Name, b.Trail.HomeRegion)
	case orgmodel.StepConfigureGuardDuty:
		members := []Account{{ID: mgmtID, Email: "aws@acme.example"}}
		for _, name := range b.Coverage.Members {
			for _, acc := range a.Accounts {
				if acc.Name == name {
					members = append(members, Account{ID: acc.ID, Email: acc.Email})
				}
			}
		}
		return c.ConfigureGuardDuty(ctx, s.AccountID, b.Region, b.Coverage.AutoEnable, members)
	case orgmodel.StepCreateAnalyzer:
		return c.CreateAnalyzer(ctx, s.AccountID, b.Region, b.Analyzer.Name)
	case orgmodel.StepEnableRootFeature:
		return c.EnableRootFeature(ctx, b.Feature)
	case orgmodel.StepPutAlternateContact:
		id := s.AccountID
		if b.Management {
			id = ""
		}
		return c.PutAlternateContact(ctx, id, *b.Contact)
	}
	return fmt.Errorf("no step %s in this test", s.Kind)
}

// An account the management account cannot enter (an invited account
// without OrganizationAccountAccessRole) is listed as unreadable, with the
// fix, and the rest is read; a step in it fails with the same words.
func TestAssumeRoleRefused(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	w := newWorld()
	w.sts.roles = []string{RoleARN("eu-west-1", toolingID)} // log-archive was invited and has no role
	c := w.client()
	got, err := c.Read(ctx, tree, a)
	if err != nil {
		t.Fatalf("Read fails where it should list the account: %v", err)
	}
	if len(got.Unreadable) != 1 || got.Unreadable[0].AccountID != logID || got.Unreadable[0].Name != orgmodel.LogArchive {
		t.Fatalf("unreadable: %+v", got.Unreadable)
	}
	err = c.CreateLogBucket(ctx, logID, "b", "eu-west-1")
	var ee *EnterError
	if !errors.As(err, &ee) || !orgs.Denied(err) {
		t.Fatalf("a bucket in an account without the role: %v", err)
	}
	for _, want := range []string{"log-archive (" + logID + ")", "sts:AssumeRole", "OrganizationAccountAccessRole", "migrate new-management", "iam-policy --for apply"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	if w.buckets["b"] != nil {
		t.Error("the bucket was made anyway")
	}
}

// AssumeInto assumes the role through STS before it hands out clients, so
// a refusal is known at once.
func TestAssumeIntoRefused(t *testing.T) {
	enter := AssumeInto(aws.Config{Region: "eu-west-1"}, &fakeSTS{})
	m, err := enter(context.Background(), logID)
	if err == nil || m != nil || !orgs.Denied(err) {
		t.Fatalf("AssumeInto without the role: %v %v", m, err)
	}
	if !strings.Contains(err.Error(), RoleARN("eu-west-1", logID)) {
		t.Errorf("the error does not name the role: %v", err)
	}
}

// The idempotent steps: a second run finds its own work and sends nothing
// it would duplicate; what is someone else's is an error that says so.
func TestStepsIdempotent(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	c := w.client()

	// The bucket: created once; a name another account holds is refused.
	for range 2 {
		if err := c.CreateLogBucket(ctx, logID, "mine", "eu-west-1"); err != nil {
			t.Fatal(err)
		}
	}
	w.buckets["theirs"] = &fakeBucket{owner: "999999999999"}
	if err := c.CreateLogBucket(ctx, logID, "theirs", "eu-west-1"); err == nil || !strings.Contains(err.Error(), "taken by another AWS account") {
		t.Errorf("a bucket name taken elsewhere: %v", err)
	}
	if b, err := c.bucket(ctx, logID, "theirs", "eu-west-1"); err != nil || b == nil || !b.Foreign {
		t.Errorf("a bucket of another account reads as %+v %v", b, err)
	}

	// The trail: a second CreateTrail updates the one there.
	for range 2 {
		if err := c.CreateTrail(ctx, orgmodel.TrailName, "eu-west-1", "mine"); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(w.trail.calls, []string{"CreateTrail", "CreateTrail", "UpdateTrail"}) {
		t.Errorf("trail calls %v", w.trail.calls)
	}

	// GuardDuty's administrator: enabled once, then found.
	for range 2 {
		if err := c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceGuardDuty, "eu-west-1", toolingID); err != nil {
			t.Fatal(err)
		}
	}
	if w.gdAdmin.enables != 1 {
		t.Errorf("EnableOrganizationAdminAccount sent %d times", w.gdAdmin.enables)
	}

	// Access Analyzer's: before trusted access AWS refuses, and says so;
	// then registered once; AccountAlreadyRegistered for the same account
	// is success, for another an error.
	err := c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceAccessAnalyzer, "", toolingID)
	var dep *orgtypes.AccessDeniedForDependencyException
	if !errors.As(err, &dep) {
		t.Errorf("a delegated administrator before trusted access: %v", err)
	}
	if err := c.EnableTrustedAccess(ctx, orgmodel.ServiceAccessAnalyzer); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceAccessAnalyzer, "", toolingID); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceAccessAnalyzer, "", logID); err == nil {
		t.Error("a second administrator for Access Analyzer was accepted")
	}

	// GuardDuty from security-tooling: the detector made once, only the
	// missing members enrolled, the emails sent.
	members := []Account{{ID: mgmtID, Email: "aws@acme.example"}, {ID: logID, Email: "aws+log-archive@acme.example"}}
	for range 2 {
		if err := c.ConfigureGuardDuty(ctx, toolingID, "eu-west-1", orgmodel.AutoEnableAll, members); err != nil {
			t.Fatal(err)
		}
	}
	if w.gd.creates != 2 || w.gd.autoEnable != gdtypes.AutoEnableMembersAll {
		t.Errorf("GuardDuty: %d members created, auto-enable %s", w.gd.creates, w.gd.autoEnable)
	}
	w.gd.refuse = "444444444444"
	err = c.ConfigureGuardDuty(ctx, toolingID, "eu-west-1", orgmodel.AutoEnableAll, append(members, Account{ID: "444444444444", Email: "x@acme.example"}))
	if err == nil || !strings.Contains(err.Error(), "444444444444: the account is suspended") {
		t.Errorf("an account GuardDuty did not enrol: %v", err)
	}

	// The analyzer: created once; one of the name but another type is not
	// orgwizard's, and is an error.
	for range 2 {
		if err := c.CreateAnalyzer(ctx, toolingID, "eu-west-1", orgmodel.AnalyzerName); err != nil {
			t.Fatal(err)
		}
	}
	w.aa.analyzers = []aatypes.AnalyzerSummary{{Name: aws.String("other"), Type: aatypes.TypeAccount}}
	if err := c.CreateAnalyzer(ctx, toolingID, "eu-west-1", "other"); err == nil {
		t.Error("an account analyzer of the name was taken for orgwizard's")
	}

	// Contacts: the management account is never named by its own id.
	ct := orgmodel.AlternateContact{Type: orgmodel.ContactBilling, Name: "Ben", Email: "finance@acme.example", Phone: "+1 555 0101", Title: "Finance"}
	for _, id := range []string{"", mgmtID, logID} {
		if err := c.PutAlternateContact(ctx, id, ct); err != nil {
			t.Errorf("contact of %q: %v", id, err)
		}
	}

	if err := c.EnableRootFeature(ctx, "RootEverything"); err == nil {
		t.Error("an unknown root feature was sent")
	}
}

// A refused call keeps AWS's error, so that the cli names the action and
// points to iam-policy, and says which step it was.
func TestDeniedKeepsAWSError(t *testing.T) {
	w := newWorld()
	w.org.deny = "EnableAWSServiceAccess"
	err := w.client().EnableTrustedAccess(context.Background(), orgmodel.ServiceCloudTrail)
	var ae smithy.APIError
	if !errors.As(err, &ae) || !orgs.Denied(err) || !strings.Contains(err.Error(), "enabling trusted access for cloudtrail.amazonaws.com") {
		t.Errorf("a refused call: %v", err)
	}
}

// Reading the services turned off: IAM without trusted access has no
// features (not an error), and a trail left by a design that turned it off
// is read, so that the plan can say it is left in place.
func TestReadTurnedOff(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	off := *tree.Baseline.Settings
	off.OrganizationTrail, off.CentralRootAccess = false, false
	tree.Baseline.Settings = &off
	tree.Baseline.Trail, tree.Baseline.RootFeatures = nil, nil
	w := newWorld()
	w.iam.off = true
	w.trail.trail = &cttypes.Trail{Name: aws.String(orgmodel.TrailName), TrailARN: aws.String(orgmodel.TrailARN("eu-west-1", mgmtID)), HomeRegion: aws.String("eu-west-1")}
	got, err := w.client().Read(ctx, tree, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.Trail == nil || len(got.RootFeatures) != 0 {
		t.Fatalf("read: trail %+v, features %v", got.Trail, got.RootFeatures)
	}
	a.Baseline = got
	p := orgmodel.MakePlan(tree, a)
	if !slices.ContainsFunc(p.Warnings, func(w string) bool {
		return strings.Contains(w, "organizationTrail is off") && strings.Contains(w, "delete-trail")
	}) {
		t.Errorf("the plan does not say the trail is left in place: %v", p.Warnings)
	}
}

// A design with contacts and no baseline reads trusted access and the
// contacts, and nothing of the services it does not use.
func TestReadContactsOnly(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	tree.Baseline = &orgmodel.BaselineTree{HomeRegion: "eu-west-1", TrustedAccess: []string{orgmodel.ServiceAccount}, Contacts: tree.Baseline.Contacts}
	w := newWorld()
	w.trail.trail = &cttypes.Trail{Name: aws.String(orgmodel.TrailName)}
	w.gdAdmin.admin = toolingID
	w.account.contacts[mgmtID+"/"+orgmodel.ContactSecurity] = acctypes.AlternateContact{AlternateContactType: orgmodel.ContactSecurity, Name: aws.String("Ana")}

	// Before trusted access for the Account service, AWS refuses a
	// member's contacts to the management account: only its own are read.
	got, err := w.client().Read(ctx, tree, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Contacts) != 1 || got.Contacts[0].AccountID != mgmtID {
		t.Errorf("contacts read before trusted access: %+v", got.Contacts)
	}

	w.org.trusted = []string{orgmodel.ServiceAccount}
	got, err = w.client().Read(ctx, tree, a)
	if err != nil {
		t.Fatal(err)
	}
	if got.Trail != nil || got.GuardDuty != nil || got.RootFeatures != nil || len(w.entered) > 0 {
		t.Errorf("a contacts-only design read the baseline's services: %+v, entered %v", got, w.entered)
	}
	i := slices.IndexFunc(got.Contacts, func(c orgmodel.ActualAccountContacts) bool { return c.AccountID == mgmtID })
	if i < 0 || len(got.Contacts[i].Contacts) != 1 || got.Contacts[i].Contacts[0].Name != "Ana" || len(got.Contacts) != len(tree.Accounts)+1 {
		t.Errorf("contacts read: %+v", got.Contacts)
	}
}

// GuardDuty's enrolment converges: the management account gets a detector
// of its own first (AWS refuses to enrol it without one), a member listed
// but not Enabled (disassociated: Removed) is sent again and associated,
// and one AWS will not take back fails with its status and what to do.
func TestGuardDutyEnrolment(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	c := w.client()
	w.gd.members = []gdtypes.Member{{AccountId: aws.String(logID), RelationshipStatus: aws.String("Removed")}}
	members := []Account{{ID: mgmtID, Email: "aws@acme.example"}, {ID: logID, Email: "aws+log-archive@acme.example"}}
	for run := range 2 {
		if err := c.ConfigureGuardDuty(ctx, toolingID, "eu-west-1", orgmodel.AutoEnableAll, members); err != nil {
			t.Fatalf("run %d: %v", run+1, err)
		}
	}
	if w.gdAdmin.detector == "" {
		t.Error("the management account was enrolled without a detector of its own")
	}
	got, err := guardDutyMembers(ctx, w.gd, w.gd.detector)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{mgmtID, logID}; !slices.Equal(got, want) {
		t.Errorf("Enabled members %v, want %v", got, want)
	}
	if w.gd.creates != 2 {
		t.Errorf("CreateMembers got %d accounts over two runs, want 2 (the second run sends none)", w.gd.creates)
	}

	const optOut = "555555555555"
	w.gd.members = append(w.gd.members, gdtypes.Member{AccountId: aws.String(optOut), RelationshipStatus: aws.String("RegionDisabled")})
	err = c.ConfigureGuardDuty(ctx, toolingID, "eu-west-1", orgmodel.AutoEnableAll, append(members, Account{ID: optOut, Email: "x@acme.example"}))
	if err == nil || !strings.Contains(err.Error(), "status RegionDisabled") || !strings.Contains(err.Error(), "turn it on in the account") {
		t.Errorf("a member in a region it turned off: %v", err)
	}
}

// logLifetime is how many days after it is written S3 deletes a log file
// for good under the log bucket's whole-bucket lifecycle rule, as S3's
// guide describes a versioned bucket: Expiration.Days makes the current
// version an old one under a delete marker; NoncurrentDays later deletes
// that old version. 0 when the rule would never delete it.
func logLifetime(t *testing.T, b *fakeBucket) int {
	t.Helper()
	if b.versioning != s3types.BucketVersioningStatusEnabled {
		t.Fatalf("the bucket is not versioned (%q)", b.versioning)
	}
	for _, r := range b.rules {
		if r.Status != s3types.ExpirationStatusEnabled || !wholeBucket(r) || r.Expiration == nil || r.NoncurrentVersionExpiration == nil {
			continue
		}
		if r.Expiration.ExpiredObjectDeleteMarker != nil {
			t.Errorf("rule %s sets ExpiredObjectDeleteMarker with Days, which S3 refuses", aws.ToString(r.ID))
		}
		return int(aws.ToInt32(r.Expiration.Days)) + int(aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays))
	}
	return 0
}

// The README says what the lifecycle does with logRetentionDays: a log
// lasts about twice it, current then old version. The rule is held to
// that, and the README to the rule.
func TestLogLifetimeAsREADMESays(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	c := w.client()
	const bucket, days = "orgwizard-logs-222222222222-o-acme", 30
	w.buckets[bucket] = &fakeBucket{owner: logID}
	if err := c.ConfigureLogBucket(ctx, logID, bucket, "eu-west-1", days); err != nil {
		t.Fatal(err)
	}
	for _, r := range w.buckets[bucket].rules {
		if r.NoncurrentVersionExpiration != nil && aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays) != days {
			t.Errorf("an old version (a log deleted by hand, too) is kept %d days, want %d", aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays), days)
		}
	}
	if got := logLifetime(t, w.buckets[bucket]); got != 2*days {
		t.Errorf("a log written today is deleted for good after %d days, want %d (twice logRetentionDays)", got, 2*days)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for l := range strings.Lines(string(readme)) {
		if strings.Contains(l, "logRetentionDays: 365") {
			line = l
		}
	}
	if !strings.Contains(line, "then as an old version as long again") {
		t.Errorf("README's logRetentionDays line does not say a log lasts twice as long: %q", line)
	}
	if !strings.Contains(string(readme), "**A log file so lasts\nabout twice `logRetentionDays`**") {
		t.Error("README does not say that a log file lasts about twice logRetentionDays")
	}
}

// GuardDuty's and Security Hub's administrators are read from
// Organizations too, one call per service through every page, so that one
// holding only regions outside the design (which are not read region by
// region) still keeps the plan from making security-tooling the
// administrator where AWS would refuse it.
func TestReadRegisteredAdministratorsOfEveryService(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	w := newWorld()
	w.org.admins[orgmodel.ServiceGuardDuty] = []string{"999999999999", "888888888888"}
	got, err := w.client().Read(ctx, tree, a)
	if err != nil {
		t.Fatal(err)
	}
	var services []string
	for _, da := range tree.Baseline.DelegatedAdmins {
		services = append(services, "ListDelegatedAdministrators "+da.Service)
	}
	var listed []string
	for _, c := range w.org.calls {
		if strings.HasPrefix(c, "ListDelegatedAdministrators ") {
			listed = append(listed, c)
		}
	}
	slices.Sort(services)
	slices.Sort(listed)
	// GuardDuty's two accounts come in two pages.
	if want := slices.Sorted(slices.Values(append(services, "ListDelegatedAdministrators "+orgmodel.ServiceGuardDuty))); !slices.Equal(listed, want) {
		t.Errorf("Organizations was asked %v, want %v", listed, want)
	}
	want := []orgmodel.ActualDelegatedAdmin{{Service: orgmodel.ServiceGuardDuty, AccountID: "888888888888"}, {Service: orgmodel.ServiceGuardDuty, AccountID: "999999999999"}}
	if !slices.Equal(got.DelegatedAdmins, want) {
		t.Errorf("delegated administrators read: %+v, want %+v", got.DelegatedAdmins, want)
	}
	a.Baseline = got
	p := orgmodel.MakePlan(tree, a)
	for _, s := range p.Steps {
		if s.Kind == orgmodel.StepRegisterAdmin && s.Baseline.Service == orgmodel.ServiceGuardDuty {
			t.Errorf("plan makes security-tooling GuardDuty's administrator while Organizations registers another: %s", s.Why)
		}
	}
	if !slices.ContainsFunc(p.Warnings, func(w string) bool {
		return strings.Contains(w, "registered in AWS Organizations as the delegated administrator of GuardDuty")
	}) {
		t.Errorf("plan does not say who holds GuardDuty: %v", p.Warnings)
	}
}
