package baseline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

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
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"golang.org/x/sync/errgroup"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Read returns what exists of the baseline tree wants, in the organization
// actual describes: nil when the tree has no baseline. Accounts that cannot
// be entered (an invited account without OrganizationAccountAccessRole) are
// listed as Unreadable rather than failing the read: the plan says so, and
// the rest of the baseline is still planned.
func (c *Client) Read(ctx context.Context, tree *orgmodel.Tree, actual *orgmodel.Actual) (*orgmodel.ActualBaseline, error) {
	bt := tree.Baseline
	if bt == nil || actual == nil || actual.Organization == nil {
		return nil, nil
	}
	orgID, mgmtID := actual.Organization.ID, actual.Organization.ManagementAccountID
	// The accounts of the design, matched as the plan matches them.
	plain := *actual
	plain.Baseline = nil
	ids := orgmodel.MakePlan(tree, &plain).Adopted
	for name, id := range ids {
		c.Name(id, name)
	}
	// A design with contacts only reads nothing else; one with a baseline
	// reads its items turned off too, for the plan's "left in place".
	hasBaseline := bt.Settings != nil
	// Regions where a service turned off may have been left: the ones the
	// design lists, or its home region when it lists none.
	regions := bt.Regions
	if len(regions) == 0 {
		regions = []string{bt.HomeRegion}
	}

	out := &orgmodel.ActualBaseline{}
	var mu sync.Mutex // guards out's slices below
	unreadable := func(err error) bool {
		var ee *EnterError
		if !errors.As(err, &ee) {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.ContainsFunc(out.Unreadable, func(u orgmodel.UnreadableAccount) bool { return u.AccountID == ee.AccountID }) {
			out.Unreadable = append(out.Unreadable, orgmodel.UnreadableAccount{AccountID: ee.AccountID, Name: ee.Name, Reason: ee.Error()})
		}
		return true
	}

	// Trusted access first: without it for account.amazonaws.com no
	// member's alternate contacts can be read (AWS refuses AccountId), and
	// none can have been set by the management account.
	list, err := c.trustedAccess(ctx)
	if err != nil {
		return nil, err
	}
	out.TrustedAccess = list
	membersContacts := slices.Contains(list, orgmodel.ServiceAccount)

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.parallel)
	// Organizations' delegated administrator of each service run from
	// security-tooling, GuardDuty's and Security Hub's too: AWS registers
	// theirs there when their EnableOrganizationAdminAccount names it in
	// any region ("Permissions required to designate a delegated GuardDuty
	// administrator account",
	// https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html,
	// has the caller allowed organizations:RegisterDelegatedAdministrator
	// for it; Security Hub's "Designating a Security Hub administrator
	// account",
	// https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html:
	// "Security Hub calls Organizations to make that account the delegated
	// administrator account for Security Hub"). So the plan sees an
	// administrator that holds only regions outside the design, which it
	// reads region by region below, and that AWS counts against
	// security-tooling in every region.
	for _, da := range bt.DelegatedAdmins {
		g.Go(func() error {
			admins, err := c.delegatedAdmins(gctx, da.Service)
			mu.Lock()
			defer mu.Unlock()
			for _, id := range admins {
				out.DelegatedAdmins = append(out.DelegatedAdmins, orgmodel.ActualDelegatedAdmin{Service: da.Service, AccountID: id})
			}
			return err
		})
	}
	if hasBaseline {
		g.Go(func() error {
			f, err := c.rootFeatures(gctx)
			out.RootFeatures = f
			return err
		})
	}
	if hasBaseline {
		g.Go(func() error {
			t, err := c.trail(gctx, bt.HomeRegion)
			out.Trail = t
			return err
		})
	}
	// The bucket is read whenever there is a baseline, the trail turned off
	// too: the plan then says it is kept, logs and all.
	if logID := ids[orgmodel.LogArchive]; hasBaseline && logID != "" && orgID != "" {
		region := bt.HomeRegion
		if bt.Trail != nil {
			region = bt.Trail.Bucket.Region
		}
		g.Go(func() error {
			b, err := c.bucket(gctx, logID, orgmodel.LogBucketName(logID, orgID), region)
			if unreadable(err) {
				return nil
			}
			out.Bucket = b
			return err
		})
	}
	toolingID := ids[orgmodel.SecurityTooling]
	for _, svc := range []struct {
		read bool
		dst  *[]orgmodel.ActualRegionalService
		fn   func(context.Context, string, string) (orgmodel.ActualRegionalService, error)
	}{
		{hasBaseline, &out.GuardDuty, c.guardDuty},
		{hasBaseline, &out.SecurityHub, c.securityHub},
	} {
		if !svc.read {
			continue
		}
		*svc.dst = make([]orgmodel.ActualRegionalService, len(regions))
		for i, r := range regions {
			g.Go(func() error {
				got, err := svc.fn(gctx, r, toolingID)
				if unreadable(err) {
					err = nil
				}
				(*svc.dst)[i] = got
				return err
			})
		}
	}
	if hasBaseline && toolingID != "" {
		for _, r := range regions {
			g.Go(func() error {
				list, err := c.analyzersIn(gctx, toolingID, r)
				if unreadable(err) {
					return nil
				}
				mu.Lock()
				out.Analyzers = append(out.Analyzers, list...)
				mu.Unlock()
				return err
			})
		}
	}
	for _, ac := range bt.Contacts {
		id := mgmtID
		if !ac.Management {
			id = ids[ac.Account]
		}
		if id == "" || (id != mgmtID && id != c.callerID && !membersContacts) {
			continue
		}
		g.Go(func() error {
			got, err := c.contacts(gctx, id, mgmtID, ac.Contacts)
			mu.Lock()
			out.Contacts = append(out.Contacts, orgmodel.ActualAccountContacts{AccountID: id, Contacts: got})
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(out.DelegatedAdmins, func(a, b orgmodel.ActualDelegatedAdmin) int {
		return compare(a.Service+" "+a.AccountID, b.Service+" "+b.AccountID)
	})
	slices.SortFunc(out.Analyzers, func(a, b orgmodel.ActualAnalyzer) int { return compare(a.Region+a.Name, b.Region+b.Name) })
	slices.SortFunc(out.Contacts, func(a, b orgmodel.ActualAccountContacts) int { return compare(a.AccountID, b.AccountID) })
	slices.SortFunc(out.Unreadable, func(a, b orgmodel.UnreadableAccount) int { return compare(a.AccountID, b.AccountID) })
	return out, nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (c *Client) trustedAccess(ctx context.Context) ([]string, error) {
	var out []string
	in := &organizations.ListAWSServiceAccessForOrganizationInput{}
	for {
		page, err := c.mgmt.Orgs.ListAWSServiceAccessForOrganization(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("listing the services with trusted access: %w", err)
		}
		for _, s := range page.EnabledServicePrincipals {
			out = append(out, aws.ToString(s.ServicePrincipal))
		}
		if aws.ToString(page.NextToken) == "" {
			slices.Sort(out)
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// delegatedAdmins lists the accounts registered for service, one call per
// page of ListDelegatedAdministrators filtered by its principal.
func (c *Client) delegatedAdmins(ctx context.Context, service string) ([]string, error) {
	var out []string
	pages := organizations.NewListDelegatedAdministratorsPaginator(c.mgmt.Orgs, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(service)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing the delegated administrators of %s: %w", service, err)
		}
		for _, a := range page.DelegatedAdministrators {
			out = append(out, aws.ToString(a.Id))
		}
	}
	return out, nil
}

// rootFeatures lists IAM's enabled centralized root access features: none
// before IAM has trusted access.
func (c *Client) rootFeatures(ctx context.Context) ([]string, error) {
	out, err := c.mgmt.IAM.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	switch orgs.Code(err) {
	case "":
		if err != nil { // not an API error: no code, and no answer
			return nil, fmt.Errorf("listing IAM's centralized root access features: %w", err)
		}
	case "ServiceAccessNotEnabledException", "OrganizationNotFoundException":
		return nil, nil
	default:
		return nil, fmt.Errorf("listing IAM's centralized root access features: %w", err)
	}
	var f []string
	for _, x := range out.EnabledFeatures {
		f = append(f, string(x))
	}
	slices.Sort(f)
	return f, nil
}

// trail reads orgwizard's trail in the home region, nil when there is none.
func (c *Client) trail(ctx context.Context, region string) (*orgmodel.ActualTrail, error) {
	api := c.mgmt.Trail(region)
	out, err := api.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String(orgmodel.TrailName)})
	var nf *cttypes.TrailNotFoundException
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading trail %s in %s: %w", orgmodel.TrailName, region, err)
	}
	t := out.Trail
	if t == nil {
		return nil, nil
	}
	got := &orgmodel.ActualTrail{
		Name: aws.ToString(t.Name), ARN: aws.ToString(t.TrailARN), HomeRegion: aws.ToString(t.HomeRegion), S3BucketName: aws.ToString(t.S3BucketName),
		IsOrganizationTrail: aws.ToBool(t.IsOrganizationTrail), IsMultiRegionTrail: aws.ToBool(t.IsMultiRegionTrail),
		LogFileValidationEnabled: aws.ToBool(t.LogFileValidationEnabled), IncludeGlobalServiceEvents: aws.ToBool(t.IncludeGlobalServiceEvents),
	}
	st, err := api.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(firstOf(got.ARN, got.Name))})
	if err != nil {
		return nil, fmt.Errorf("reading the status of trail %s: %w", got.Name, err)
	}
	got.IsLogging = aws.ToBool(st.IsLogging)
	return got, nil
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// bucket reads the log bucket from log-archive, nil when it does not exist.
func (c *Client) bucket(ctx context.Context, logArchiveID, name, region string) (*orgmodel.ActualBucket, error) {
	m, err := c.member(ctx, logArchiveID)
	if err != nil {
		return nil, err
	}
	api := m.S3(region)
	_, err = api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)})
	var nf *s3types.NotFound
	var re *awshttp.ResponseError
	switch {
	case errors.As(err, &nf) || (errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound):
		return nil, nil
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden:
		// S3 names are global: a 403 is a bucket of another account, or
		// log-archive's own whose policy denies s3:ListBucket to the role.
		// ListBuckets, which a bucket policy does not govern, tells them apart.
		own, lerr := ownsBucket(ctx, api, name)
		if lerr != nil {
			return nil, fmt.Errorf("bucket %s answers 403 to log-archive; listing log-archive's buckets to see whether it is its own: %w", name, lerr)
		}
		if !own {
			return &orgmodel.ActualBucket{Name: name, Foreign: true}, nil
		}
	case err != nil:
		return nil, fmt.Errorf("looking for bucket %s in log-archive: %w", name, err)
	}
	b := &orgmodel.ActualBucket{Name: name, Region: region}
	v, err := api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
	if err != nil {
		return nil, ownBucketErr(err, name, "versioning")
	}
	b.Versioning = string(v.Status)
	pab, err := api.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(name)})
	switch {
	case orgs.Code(err) == "NoSuchPublicAccessBlockConfiguration":
	case err != nil:
		return nil, ownBucketErr(err, name, "public access block")
	case pab.PublicAccessBlockConfiguration != nil:
		p := pab.PublicAccessBlockConfiguration
		b.PublicAccessBlocked = aws.ToBool(p.BlockPublicAcls) && aws.ToBool(p.BlockPublicPolicy) && aws.ToBool(p.IgnorePublicAcls) && aws.ToBool(p.RestrictPublicBuckets)
	}
	enc, err := api.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(name)})
	switch {
	case orgs.Code(err) == "ServerSideEncryptionConfigurationNotFoundError":
	case err != nil:
		return nil, ownBucketErr(err, name, "encryption")
	case enc.ServerSideEncryptionConfiguration != nil:
		for _, r := range enc.ServerSideEncryptionConfiguration.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				b.Encryption = string(d.SSEAlgorithm)
			}
		}
	}
	lc, err := api.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(name)})
	switch {
	case orgs.Code(err) == "NoSuchLifecycleConfiguration":
	case err != nil:
		return nil, ownBucketErr(err, name, "lifecycle")
	default:
		for _, r := range lc.Rules {
			id := aws.ToString(r.ID)
			if id != LifecycleRuleID {
				// Someone else's rule: apply keeps it; the plan says so,
				// and warns when it deletes logs sooner than the design.
				b.OtherLifecycleRules = append(b.OtherLifecycleRules, id)
				if r.Status == s3types.ExpirationStatusEnabled && r.Expiration != nil && aws.ToInt32(r.Expiration.Days) > 0 {
					if d := int(aws.ToInt32(r.Expiration.Days)); b.OtherExpirationDays == 0 || d < b.OtherExpirationDays {
						b.OtherExpirationDays = d
					}
				}
				continue
			}
			if r.Status != s3types.ExpirationStatusEnabled || !wholeBucket(r) {
				continue
			}
			if r.Expiration != nil {
				b.ExpirationDays = int(aws.ToInt32(r.Expiration.Days))
			}
			if r.NoncurrentVersionExpiration != nil {
				b.NoncurrentExpirationDays = int(aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays))
			}
		}
	}
	pol, err := api.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(name)})
	switch {
	case orgs.Code(err) == "NoSuchBucketPolicy":
	case err != nil:
		return nil, ownBucketErr(err, name, "policy")
	default:
		b.Policy = aws.ToString(pol.Policy)
	}
	return b, nil
}

// ownsBucket tells whether name is among log-archive's own buckets.
func ownsBucket(ctx context.Context, api BucketAPI, name string) (bool, error) {
	in := &s3.ListBucketsInput{Prefix: aws.String(name)}
	for {
		out, err := api.ListBuckets(ctx, in)
		if err != nil {
			return false, err
		}
		for _, b := range out.Buckets {
			if aws.ToString(b.Name) == name {
				return true, nil
			}
		}
		if aws.ToString(out.ContinuationToken) == "" {
			return false, nil
		}
		in.ContinuationToken = out.ContinuationToken
	}
}

// ownBucketErr says why reading a setting of log-archive's own bucket
// failed; a refusal there is the bucket's policy denying
// OrganizationAccountAccessRole, which only log-archive can undo.
func ownBucketErr(err error, name, setting string) error {
	if orgs.Denied(err) {
		return fmt.Errorf("reading the %s of bucket %s: the bucket is log-archive's, but its policy denies %s there what orgwizard needs to read it; "+
			"in log-archive, take that Deny out of the bucket's policy (log-archive's root user may always change the policy), then run again: %w",
			setting, name, access.OrganizationAccountAccessRole, err)
	}
	return fmt.Errorf("reading the %s of bucket %s: %w", setting, name, err)
}

// wholeBucket tells whether a lifecycle rule applies to every object.
func wholeBucket(r s3types.LifecycleRule) bool {
	if r.Filter == nil {
		return aws.ToString(r.Prefix) == ""
	}
	f := r.Filter
	return aws.ToString(f.Prefix) == "" && f.Tag == nil && f.And == nil && f.ObjectSizeGreaterThan == nil && f.ObjectSizeLessThan == nil
}

func guardDutyAdmin(ctx context.Context, api GuardDutyAdminAPI) (string, error) {
	in := &guardduty.ListOrganizationAdminAccountsInput{}
	for {
		page, err := api.ListOrganizationAdminAccounts(ctx, in)
		if err != nil {
			return "", err
		}
		for _, a := range page.AdminAccounts {
			if a.AdminStatus == gdtypes.AdminStatusEnabled {
				return aws.ToString(a.AdminAccountId), nil
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return "", nil
		}
		in.NextToken = page.NextToken
	}
}

func securityHubAdmin(ctx context.Context, api SecurityHubAdminAPI) (string, error) {
	in := &securityhub.ListOrganizationAdminAccountsInput{}
	for {
		page, err := api.ListOrganizationAdminAccounts(ctx, in)
		if err != nil {
			return "", err
		}
		for _, a := range page.AdminAccounts {
			if a.Status == shtypes.AdminStatusEnabled {
				return aws.ToString(a.AccountId), nil
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return "", nil
		}
		in.NextToken = page.NextToken
	}
}

// DetectorLister lists an account's GuardDuty detectors in a region: one
// at most, none while GuardDuty is off. Both the management account
// (GuardDutyAdminAPI, before it is enrolled) and security-tooling
// (DetectorAPI) are asked through it.
type DetectorLister interface {
	ListDetectors(ctx context.Context, in *guardduty.ListDetectorsInput, optFns ...func(*guardduty.Options)) (*guardduty.ListDetectorsOutput, error)
}

func detectorID(ctx context.Context, api DetectorLister) (string, error) {
	out, err := api.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		return "", fmt.Errorf("listing detectors: %w", err)
	}
	if len(out.DetectorIds) == 0 {
		return "", nil
	}
	return out.DetectorIds[0], nil
}

// DetectorReader reads an account's detector and its status.
type DetectorReader interface {
	DetectorLister
	GetDetector(ctx context.Context, in *guardduty.GetDetectorInput, optFns ...func(*guardduty.Options)) (*guardduty.GetDetectorOutput, error)
}

// detectorOf is an account's detector in a region, "" when GuardDuty was
// never turned on there, and whether it is on: a suspended detector
// (status DISABLED) exists but watches nothing.
func detectorOf(ctx context.Context, api DetectorReader) (string, bool, error) {
	id, err := detectorID(ctx, api)
	if err != nil || id == "" {
		return id, false, err
	}
	out, err := api.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
	if err != nil {
		return id, false, fmt.Errorf("reading detector %s: %w", id, err)
	}
	return id, out.Status == gdtypes.DetectorStatusEnabled, nil
}

// guardDutyMembers lists the accounts GuardDuty monitors for the
// administrator (relationship Enabled).
func guardDutyMembers(ctx context.Context, api DetectorAPI, detector string) ([]string, error) {
	all, err := guardDutyStatuses(ctx, api, detector)
	if err != nil {
		return nil, err
	}
	var out []string
	for id, status := range all {
		if strings.EqualFold(status, guardDutyEnabled) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// guardDutyEnabled is the relationship of a member GuardDuty monitors.
const guardDutyEnabled = "Enabled"

// guardDutyStatuses maps every account the administrator lists as a
// member, associated or not, to its relationship status (Enabled, Created,
// Removed, Disabled, RegionDisabled, AccountSuspended, ...).
func guardDutyStatuses(ctx context.Context, api DetectorAPI, detector string) (map[string]string, error) {
	out := map[string]string{}
	in := &guardduty.ListMembersInput{DetectorId: aws.String(detector), OnlyAssociated: aws.String("false")}
	for {
		page, err := api.ListMembers(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, m := range page.Members {
			out[aws.ToString(m.AccountId)] = aws.ToString(m.RelationshipStatus)
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// guardDuty reads GuardDuty in one region: its administrator, and from
// security-tooling, when that is the administrator, its detector,
// auto-enable and members.
func (c *Client) guardDuty(ctx context.Context, region, toolingID string) (orgmodel.ActualRegionalService, error) {
	got := orgmodel.ActualRegionalService{Region: region}
	admin, err := guardDutyAdmin(ctx, c.mgmt.GuardDuty(region))
	if err != nil {
		return got, fmt.Errorf("reading GuardDuty's administrator in %s: %w", region, err)
	}
	got.AdminAccountID = admin
	if toolingID == "" || admin != toolingID {
		return got, nil
	}
	m, err := c.member(ctx, toolingID)
	if err != nil {
		return got, err
	}
	api := m.GuardDuty(region)
	detector, on, err := detectorOf(ctx, api)
	if err != nil || detector == "" {
		return got, wrapIf(err, "GuardDuty in %s", region)
	}
	got.Enabled, got.Suspended = on, !on
	oc, err := api.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: aws.String(detector)})
	if err != nil {
		return got, fmt.Errorf("reading GuardDuty's organization configuration in %s: %w", region, err)
	}
	got.AutoEnable = string(oc.AutoEnableOrganizationMembers)
	if got.MemberIDs, err = guardDutyMembers(ctx, api, detector); err != nil {
		return got, fmt.Errorf("listing GuardDuty's members in %s: %w", region, err)
	}
	return got, nil
}

func hubEnabled(ctx context.Context, api HubAPI) (bool, error) {
	_, err := api.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	var off *shtypes.InvalidAccessException
	var nf *shtypes.ResourceNotFoundException
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &off), errors.As(err, &nf):
		return false, nil
	}
	return false, fmt.Errorf("reading the hub: %w", err)
}

// hubMembers lists the accounts Security Hub has enabled for the
// administrator.
func hubMembers(ctx context.Context, api HubAPI) ([]string, error) {
	var out []string
	in := &securityhub.ListMembersInput{OnlyAssociated: aws.Bool(true)}
	for {
		page, err := api.ListMembers(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, m := range page.Members {
			// AWS's guide writes the status Enabled, its API ENABLED.
			if s := aws.ToString(m.MemberStatus); strings.EqualFold(s, "Enabled") || strings.EqualFold(s, "Associated") {
				out = append(out, aws.ToString(m.AccountId))
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// securityHub reads Security Hub in one region, as guardDuty does.
func (c *Client) securityHub(ctx context.Context, region, toolingID string) (orgmodel.ActualRegionalService, error) {
	got := orgmodel.ActualRegionalService{Region: region}
	admin, err := securityHubAdmin(ctx, c.mgmt.SecurityHub(region))
	var off *shtypes.InvalidAccessException
	if errors.As(err, &off) {
		// Security Hub answers so where it was never turned on: no
		// administrator there.
		return got, nil
	}
	if err != nil {
		return got, fmt.Errorf("reading Security Hub's administrator in %s: %w", region, err)
	}
	got.AdminAccountID = admin
	if toolingID == "" || admin != toolingID {
		return got, nil
	}
	m, err := c.member(ctx, toolingID)
	if err != nil {
		return got, err
	}
	api := m.SecurityHub(region)
	on, err := hubEnabled(ctx, api)
	if err != nil || !on {
		return got, wrapIf(err, "Security Hub in %s", region)
	}
	got.Enabled = true
	oc, err := api.DescribeOrganizationConfiguration(ctx, &securityhub.DescribeOrganizationConfigurationInput{})
	if err != nil {
		return got, fmt.Errorf("reading Security Hub's organization configuration in %s: %w", region, err)
	}
	got.AutoEnable = orgmodel.AutoEnableNone
	if aws.ToBool(oc.AutoEnable) {
		got.AutoEnable = orgmodel.AutoEnableAll
	}
	if got.MemberIDs, err = hubMembers(ctx, api); err != nil {
		return got, fmt.Errorf("listing Security Hub's members in %s: %w", region, err)
	}
	return got, nil
}

func wrapIf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

func analyzers(ctx context.Context, api AnalyzerAPI) ([]aatypes.AnalyzerSummary, error) {
	var out []aatypes.AnalyzerSummary
	in := &accessanalyzer.ListAnalyzersInput{}
	for {
		page, err := api.ListAnalyzers(ctx, in)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Analyzers...)
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		in.NextToken = page.NextToken
	}
}

// analyzersIn reads orgwizard's analyzer (by name) in security-tooling.
func (c *Client) analyzersIn(ctx context.Context, toolingID, region string) ([]orgmodel.ActualAnalyzer, error) {
	m, err := c.member(ctx, toolingID)
	if err != nil {
		return nil, err
	}
	list, err := analyzers(ctx, m.Analyzer(region))
	if err != nil {
		return nil, fmt.Errorf("listing the analyzers of security-tooling in %s: %w", region, err)
	}
	var out []orgmodel.ActualAnalyzer
	for _, a := range list {
		if aws.ToString(a.Name) == orgmodel.AnalyzerName {
			out = append(out, orgmodel.ActualAnalyzer{Name: aws.ToString(a.Name), Type: string(a.Type), Region: region, AccountID: toolingID, Status: string(a.Status)})
		}
	}
	return out, nil
}

// contacts reads the alternate contacts of the types want names.
func (c *Client) contacts(ctx context.Context, accountID, mgmtID string, want []orgmodel.AlternateContact) ([]orgmodel.AlternateContact, error) {
	var out []orgmodel.AlternateContact
	for _, w := range want {
		in := &account.GetAlternateContactInput{AlternateContactType: acctypes.AlternateContactType(w.Type)}
		if accountID != mgmtID && accountID != c.callerID {
			in.AccountId = aws.String(accountID)
		}
		got, err := c.mgmt.Account.GetAlternateContact(ctx, in)
		var nf *acctypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the %s contact of account %s: %w", w.Type, accountID, err)
		}
		if a := got.AlternateContact; a != nil {
			out = append(out, orgmodel.AlternateContact{Type: string(a.AlternateContactType), Name: aws.ToString(a.Name),
				Email: aws.ToString(a.EmailAddress), Phone: aws.ToString(a.PhoneNumber), Title: aws.ToString(a.Title)})
		}
	}
	return out, nil
}
