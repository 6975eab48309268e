// Package identitycenter is orgwizard's adapter over IAM Identity Center:
// the admin API (sso-admin: the instance, permission sets, provisioning,
// account assignments) and the identity store (groups, users, memberships).
// It reads what an organization's instance holds into orgmodel's
// ActualAccess and carries out one plan step at a time; order, pacing and
// retries of the asynchronous requests are the apply engine's.
//
// Identity Center is regional: the instance lives in one region, and every
// call for it goes there. Read looks in the home region first and, when the
// organization's instance is not there, in the account's other enabled
// regions.
package identitycenter

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"golang.org/x/sync/errgroup"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// AdminAPI is the part of sso-admin orgwizard calls. Every operation listed
// here is one the least-privilege IAM policy must allow.
type AdminAPI interface {
	ListInstances(context.Context, *ssoadmin.ListInstancesInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error)
	ListPermissionSets(context.Context, *ssoadmin.ListPermissionSetsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetsOutput, error)
	DescribePermissionSet(context.Context, *ssoadmin.DescribePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribePermissionSetOutput, error)
	ListManagedPoliciesInPermissionSet(context.Context, *ssoadmin.ListManagedPoliciesInPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListManagedPoliciesInPermissionSetOutput, error)
	GetInlinePolicyForPermissionSet(context.Context, *ssoadmin.GetInlinePolicyForPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.GetInlinePolicyForPermissionSetOutput, error)
	ListTagsForResource(context.Context, *ssoadmin.ListTagsForResourceInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListTagsForResourceOutput, error)
	ListAccountsForProvisionedPermissionSet(context.Context, *ssoadmin.ListAccountsForProvisionedPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountsForProvisionedPermissionSetOutput, error)
	ListAccountAssignments(context.Context, *ssoadmin.ListAccountAssignmentsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentsOutput, error)
	ListAccountAssignmentCreationStatus(context.Context, *ssoadmin.ListAccountAssignmentCreationStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentCreationStatusOutput, error)
	ListAccountAssignmentDeletionStatus(context.Context, *ssoadmin.ListAccountAssignmentDeletionStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentDeletionStatusOutput, error)
	DescribeAccountAssignmentCreationStatus(context.Context, *ssoadmin.DescribeAccountAssignmentCreationStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribeAccountAssignmentCreationStatusOutput, error)
	DescribeAccountAssignmentDeletionStatus(context.Context, *ssoadmin.DescribeAccountAssignmentDeletionStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribeAccountAssignmentDeletionStatusOutput, error)
}

// StoreAPI is the part of the identity store orgwizard calls.
type StoreAPI interface {
	ListGroups(context.Context, *identitystore.ListGroupsInput, ...func(*identitystore.Options)) (*identitystore.ListGroupsOutput, error)
	ListUsers(context.Context, *identitystore.ListUsersInput, ...func(*identitystore.Options)) (*identitystore.ListUsersOutput, error)
	ListGroupMemberships(context.Context, *identitystore.ListGroupMembershipsInput, ...func(*identitystore.Options)) (*identitystore.ListGroupMembershipsOutput, error)
}

// RegionsAPI finds the account's enabled regions, where Read looks for an
// instance that is not in the home region.
type RegionsAPI interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

var (
	_ AdminAPI   = (*ssoadmin.Client)(nil)
	_ StoreAPI   = (*identitystore.Client)(nil)
	_ RegionsAPI = (*ec2.Client)(nil)
)

// Options say where to look and what to read.
type Options struct {
	// HomeRegion is where Read looks for the instance first ("us-east-1"
	// when empty).
	HomeRegion string
	// Accounts are the ids of the accounts whose assignments Read lists;
	// nil lists the assignments of every account a permission set is
	// provisioned to.
	Accounts []string
	// Regions, when set, finds an instance outside the home region; nil
	// looks in the home region only.
	Regions RegionsAPI
	// Parallel bounds the calls in flight (8 when 0).
	Parallel int
}

// Client reads and changes an organization's Identity Center instance from
// its management account.
type Client struct {
	admin AdminAPI
	store StoreAPI
	opt   Options

	mu   sync.Mutex
	inst instance // the instance Read found (or Use set)
}

// instance is where the calls for one Identity Center instance go.
type instance struct {
	arn, storeID, region string
}

// New returns a Client over the two APIs.
func New(admin AdminAPI, store StoreAPI, opt Options) *Client {
	if opt.HomeRegion == "" {
		opt.HomeRegion = "us-east-1"
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 8
	}
	return &Client{admin: admin, store: store, opt: opt}
}

// NewFromConfig returns a Client with SDK clients built from cfg (its
// region is the home region unless opt says otherwise); it looks for the
// instance in every enabled region.
func NewFromConfig(cfg aws.Config, opt Options) *Client {
	if opt.HomeRegion == "" {
		opt.HomeRegion = cfg.Region
	}
	if opt.Regions == nil {
		opt.Regions = ec2.NewFromConfig(cfg)
	}
	return New(ssoadmin.NewFromConfig(cfg), identitystore.NewFromConfig(cfg), opt)
}

// PortalURL is the AWS access portal's start URL of an identity store.
func PortalURL(identityStoreID string) string {
	return "https://" + identityStoreID + ".awsapps.com/start"
}

func (c *Client) current() instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inst
}

func inRegion(region string) func(*ssoadmin.Options) {
	return func(o *ssoadmin.Options) { o.Region = region }
}

func storeIn(region string) func(*identitystore.Options) {
	return func(o *identitystore.Options) { o.Region = region }
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("identity center %s: %w", op, err)
}

// Read returns what the organization's Identity Center instance holds: the
// groups with their members, the users, the permission sets with their
// policies, tags and provisioning, the assignments in the accounts of
// Options.Accounts, and the assignment requests AWS still has in progress.
// An organization without an instance reads as InstanceARN "".
func (c *Client) Read(ctx context.Context) (*orgmodel.ActualAccess, error) {
	out, err := c.Instance(ctx)
	if err != nil || out.InstanceARN == "" {
		return out, err
	}
	c.mu.Lock()
	inst := c.inst // the one Instance found
	c.mu.Unlock()

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { out.Groups, err = c.groups(gctx, inst); return })
	g.Go(func() (err error) { out.Users, err = c.users(gctx, inst); return })
	g.Go(func() (err error) { out.PermissionSets, err = c.permissionSets(gctx, inst); return })
	g.Go(func() (err error) { out.Pending, err = c.pending(gctx, inst); return })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if out.Assignments, err = c.assignments(ctx, inst, out.PermissionSets); err != nil {
		return nil, err
	}
	return out, nil
}

// find looks for the organization's instance: in the home region, then in
// the other enabled regions (the first, by name, that has one).
func (c *Client) find(ctx context.Context) (instance, bool, error) {
	inst, found, err := c.instanceIn(ctx, c.opt.HomeRegion)
	if err != nil || found || c.opt.Regions == nil {
		return inst, found, err
	}
	out, err := c.opt.Regions.DescribeRegions(ctx, &ec2.DescribeRegionsInput{}, func(o *ec2.Options) { o.Region = c.opt.HomeRegion })
	if err != nil {
		return instance{}, false, fmt.Errorf("ec2 DescribeRegions (looking for Identity Center outside %s): %w", c.opt.HomeRegion, err)
	}
	var regions []string
	for _, r := range out.Regions {
		name := aws.ToString(r.RegionName)
		if name != c.opt.HomeRegion && aws.ToString(r.OptInStatus) != "not-opted-in" && orgmodel.Partition(name) == orgmodel.Partition(c.opt.HomeRegion) {
			regions = append(regions, name)
		}
	}
	slices.Sort(regions)
	insts := make([]instance, len(regions))
	ok := make([]bool, len(regions))
	if err := c.each(ctx, len(regions), func(ctx context.Context, i int) error {
		var err error
		insts[i], ok[i], err = c.instanceIn(ctx, regions[i])
		return err
	}); err != nil {
		return instance{}, false, err
	}
	for i := range regions {
		if ok[i] {
			return insts[i], true, nil
		}
	}
	return instance{}, false, nil
}

// instanceIn returns the caller's organization instance in region.
func (c *Client) instanceIn(ctx context.Context, region string) (instance, bool, error) {
	p := ssoadmin.NewListInstancesPaginator(c.admin, &ssoadmin.ListInstancesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(region))
		if err != nil {
			return instance{}, false, wrap("ListInstances in "+region, err)
		}
		for _, m := range page.Instances {
			// Only ACTIVE instances take calls; the first is taken. Nothing
			// here tells an account instance from the organization's: the
			// client does not know the caller's account to compare with
			// OwnerAccountId, and relies on being called from the
			// management account, which owns the organization's instance.
			if m.Status != "" && m.Status != ssotypes.InstanceStatusActive {
				continue
			}
			return instance{arn: aws.ToString(m.InstanceArn), storeID: aws.ToString(m.IdentityStoreId), region: region}, true, nil
		}
	}
	return instance{}, false, nil
}

// each runs fn for 0..n-1, Parallel at a time, and returns the first error.
func (c *Client) each(ctx context.Context, n int, fn func(context.Context, int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opt.Parallel)
	for i := range n {
		g.Go(func() error { return fn(gctx, i) })
	}
	return g.Wait()
}

func (c *Client) groups(ctx context.Context, inst instance) ([]orgmodel.ActualGroup, error) {
	var out []orgmodel.ActualGroup
	p := identitystore.NewListGroupsPaginator(c.store, &identitystore.ListGroupsInput{IdentityStoreId: aws.String(inst.storeID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, storeIn(inst.region))
		if err != nil {
			return nil, wrap("ListGroups", err)
		}
		for _, g := range page.Groups {
			out = append(out, orgmodel.ActualGroup{ID: aws.ToString(g.GroupId), Name: aws.ToString(g.DisplayName), Description: aws.ToString(g.Description)})
		}
	}
	err := c.each(ctx, len(out), func(ctx context.Context, i int) error {
		ids, memberships, err := c.members(ctx, inst, out[i].ID)
		out[i].MemberIDs, out[i].MembershipIDs = ids, memberships
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// members lists a group's member user ids, and each one's membership id.
func (c *Client) members(ctx context.Context, inst instance, groupID string) ([]string, map[string]string, error) {
	var ids []string
	var memberships map[string]string
	p := identitystore.NewListGroupMembershipsPaginator(c.store,
		&identitystore.ListGroupMembershipsInput{IdentityStoreId: aws.String(inst.storeID), GroupId: aws.String(groupID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, storeIn(inst.region))
		if err != nil {
			return nil, nil, wrap("ListGroupMemberships "+groupID, err)
		}
		for _, m := range page.GroupMemberships {
			if u, ok := m.MemberId.(*idtypes.MemberIdMemberUserId); ok {
				ids = append(ids, u.Value)
				if memberships == nil {
					memberships = map[string]string{}
				}
				memberships[u.Value] = aws.ToString(m.MembershipId)
			}
		}
	}
	slices.Sort(ids)
	return ids, memberships, nil
}

func (c *Client) users(ctx context.Context, inst instance) ([]orgmodel.ActualUser, error) {
	var out []orgmodel.ActualUser
	p := identitystore.NewListUsersPaginator(c.store, &identitystore.ListUsersInput{IdentityStoreId: aws.String(inst.storeID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, storeIn(inst.region))
		if err != nil {
			return nil, wrap("ListUsers", err)
		}
		for _, u := range page.Users {
			au := orgmodel.ActualUser{ID: aws.ToString(u.UserId), UserName: aws.ToString(u.UserName)}
			for _, e := range u.Emails {
				if au.Email == "" || e.Primary {
					au.Email = aws.ToString(e.Value)
				}
			}
			out = append(out, au)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserName < out[j].UserName })
	return out, nil
}

func (c *Client) permissionSets(ctx context.Context, inst instance) ([]orgmodel.ActualPermissionSet, error) {
	var arns []string
	p := ssoadmin.NewListPermissionSetsPaginator(c.admin, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String(inst.arn), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return nil, wrap("ListPermissionSets", err)
		}
		arns = append(arns, page.PermissionSets...)
	}
	out := make([]orgmodel.ActualPermissionSet, len(arns))
	if err := c.each(ctx, len(arns), func(ctx context.Context, i int) error {
		ps, err := c.permissionSet(ctx, inst, arns[i])
		out[i] = ps
		return err
	}); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// permissionSet reads one permission set: its settings, policies, tags and
// the accounts it is provisioned to (and of those, the out of date ones).
func (c *Client) permissionSet(ctx context.Context, inst instance, arn string) (orgmodel.ActualPermissionSet, error) {
	ps := orgmodel.ActualPermissionSet{ARN: arn}
	d, err := c.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(arn)}, inRegion(inst.region))
	if err != nil {
		return ps, wrap("DescribePermissionSet "+arn, err)
	}
	if d.PermissionSet != nil {
		ps.Name = aws.ToString(d.PermissionSet.Name)
		ps.Description = aws.ToString(d.PermissionSet.Description)
		ps.SessionDuration = aws.ToString(d.PermissionSet.SessionDuration)
	}
	if ps.ManagedPolicies, err = c.attached(ctx, inst, arn); err != nil {
		return ps, wrap("ListManagedPoliciesInPermissionSet "+ps.Name, err)
	}
	slices.Sort(ps.ManagedPolicies)
	inline, err := c.admin.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(arn)}, inRegion(inst.region))
	if err != nil {
		return ps, wrap("GetInlinePolicyForPermissionSet "+ps.Name, err)
	}
	ps.InlinePolicy = aws.ToString(inline.InlinePolicy)
	if ps.Tags, err = c.tags(ctx, inst, arn); err != nil {
		return ps, err
	}
	if ps.ProvisionedTo, err = c.provisioned(ctx, inst, arn, ""); err != nil {
		return ps, err
	}
	if len(ps.ProvisionedTo) > 0 {
		if ps.Outdated, err = c.provisioned(ctx, inst, arn, ssotypes.ProvisioningStatusLatestPermissionSetNotProvisioned); err != nil {
			return ps, err
		}
	}
	return ps, nil
}

func (c *Client) tags(ctx context.Context, inst instance, arn string) (map[string]string, error) {
	tags := map[string]string{}
	p := ssoadmin.NewListTagsForResourcePaginator(c.admin, &ssoadmin.ListTagsForResourceInput{InstanceArn: aws.String(inst.arn), ResourceArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return nil, wrap("ListTagsForResource "+arn, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

// provisioned lists the accounts a permission set is provisioned to, all of
// them or (status) only those up to date or out of date.
func (c *Client) provisioned(ctx context.Context, inst instance, arn string, status ssotypes.ProvisioningStatus) ([]string, error) {
	var ids []string
	p := ssoadmin.NewListAccountsForProvisionedPermissionSetPaginator(c.admin, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: aws.String(inst.arn),
		PermissionSetArn: aws.String(arn), ProvisioningStatus: status, MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return nil, wrap("ListAccountsForProvisionedPermissionSet "+arn, err)
		}
		ids = append(ids, page.AccountIds...)
	}
	slices.Sort(ids)
	return ids, nil
}

// assignments lists the assignments of every permission set in every
// account it is provisioned to (AWS provisions a permission set to each
// account it is assigned in), narrowed to Options.Accounts when set.
func (c *Client) assignments(ctx context.Context, inst instance, sets []orgmodel.ActualPermissionSet) ([]orgmodel.ActualAssignment, error) {
	type pair struct{ ps, account string }
	var pairs []pair
	for _, ps := range sets {
		for _, acct := range ps.ProvisionedTo {
			if c.opt.Accounts == nil || slices.Contains(c.opt.Accounts, acct) {
				pairs = append(pairs, pair{ps.ARN, acct})
			}
		}
	}
	found := make([][]orgmodel.ActualAssignment, len(pairs))
	if err := c.each(ctx, len(pairs), func(ctx context.Context, i int) error {
		p := ssoadmin.NewListAccountAssignmentsPaginator(c.admin, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: aws.String(inst.arn),
			AccountId: aws.String(pairs[i].account), PermissionSetArn: aws.String(pairs[i].ps), MaxResults: aws.Int32(100)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx, inRegion(inst.region))
			if err != nil {
				return wrap("ListAccountAssignments in "+pairs[i].account, err)
			}
			for _, a := range page.AccountAssignments {
				found[i] = append(found[i], orgmodel.ActualAssignment{AccountID: aws.ToString(a.AccountId), PermissionSetARN: aws.ToString(a.PermissionSetArn),
					PrincipalType: string(a.PrincipalType), PrincipalID: aws.ToString(a.PrincipalId)})
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var out []orgmodel.ActualAssignment
	for _, f := range found {
		out = append(out, f...)
	}
	return out, nil
}

// pending lists the assignment creations and deletions AWS has IN_PROGRESS,
// each described, so that the plan does not ask for them again.
func (c *Client) pending(ctx context.Context, inst instance) ([]orgmodel.PendingAssignment, error) {
	var creating, deleting []string
	filter := &ssotypes.OperationStatusFilter{Status: ssotypes.StatusValuesInProgress}
	cp := ssoadmin.NewListAccountAssignmentCreationStatusPaginator(c.admin,
		&ssoadmin.ListAccountAssignmentCreationStatusInput{InstanceArn: aws.String(inst.arn), Filter: filter, MaxResults: aws.Int32(100)})
	for cp.HasMorePages() {
		page, err := cp.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return nil, wrap("ListAccountAssignmentCreationStatus", err)
		}
		for _, m := range page.AccountAssignmentsCreationStatus {
			if m.Status == ssotypes.StatusValuesInProgress {
				creating = append(creating, aws.ToString(m.RequestId))
			}
		}
	}
	dp := ssoadmin.NewListAccountAssignmentDeletionStatusPaginator(c.admin,
		&ssoadmin.ListAccountAssignmentDeletionStatusInput{InstanceArn: aws.String(inst.arn), Filter: filter, MaxResults: aws.Int32(100)})
	for dp.HasMorePages() {
		page, err := dp.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return nil, wrap("ListAccountAssignmentDeletionStatus", err)
		}
		for _, m := range page.AccountAssignmentsDeletionStatus {
			if m.Status == ssotypes.StatusValuesInProgress {
				deleting = append(deleting, aws.ToString(m.RequestId))
			}
		}
	}
	out := make([]orgmodel.PendingAssignment, len(creating)+len(deleting))
	keep := make([]bool, len(out))
	if err := c.each(ctx, len(out), func(ctx context.Context, i int) error {
		var st orgmodel.AssignmentOperation
		var err error
		if i < len(creating) {
			st, err = c.CreationStatus(ctx, creating[i])
		} else {
			st, err = c.DeletionStatus(ctx, deleting[i-len(creating)])
		}
		if err != nil {
			return err
		}
		if st.Status == orgmodel.CreationInProgress {
			out[i], keep[i] = st.PendingAssignment, true
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var pending []orgmodel.PendingAssignment
	for i, p := range out {
		if keep[i] {
			pending = append(pending, p)
		}
	}
	return pending, nil
}

// CreationStatus describes an assignment creation request.
func (c *Client) CreationStatus(ctx context.Context, requestID string) (orgmodel.AssignmentOperation, error) {
	inst := c.current()
	out, err := c.admin.DescribeAccountAssignmentCreationStatus(ctx, &ssoadmin.DescribeAccountAssignmentCreationStatusInput{
		InstanceArn: aws.String(inst.arn), AccountAssignmentCreationRequestId: aws.String(requestID)}, inRegion(inst.region))
	if err != nil {
		return orgmodel.AssignmentOperation{}, wrap("DescribeAccountAssignmentCreationStatus "+requestID, err)
	}
	return operationOf(out.AccountAssignmentCreationStatus, false), nil
}

// DeletionStatus describes an assignment deletion request.
func (c *Client) DeletionStatus(ctx context.Context, requestID string) (orgmodel.AssignmentOperation, error) {
	inst := c.current()
	out, err := c.admin.DescribeAccountAssignmentDeletionStatus(ctx, &ssoadmin.DescribeAccountAssignmentDeletionStatusInput{
		InstanceArn: aws.String(inst.arn), AccountAssignmentDeletionRequestId: aws.String(requestID)}, inRegion(inst.region))
	if err != nil {
		return orgmodel.AssignmentOperation{}, wrap("DescribeAccountAssignmentDeletionStatus "+requestID, err)
	}
	return operationOf(out.AccountAssignmentDeletionStatus, true), nil
}

func operationOf(s *ssotypes.AccountAssignmentOperationStatus, deleting bool) orgmodel.AssignmentOperation {
	if s == nil {
		return orgmodel.AssignmentOperation{}
	}
	op := orgmodel.AssignmentOperation{
		PendingAssignment: orgmodel.PendingAssignment{RequestID: aws.ToString(s.RequestId), Deleting: deleting,
			ActualAssignment: orgmodel.ActualAssignment{AccountID: aws.ToString(s.TargetId), PermissionSetARN: aws.ToString(s.PermissionSetArn),
				PrincipalType: string(s.PrincipalType), PrincipalID: aws.ToString(s.PrincipalId)}},
		Status: string(s.Status), FailureReason: aws.ToString(s.FailureReason),
	}
	if s.CreatedDate != nil {
		op.Requested = *s.CreatedDate
	}
	return op
}
