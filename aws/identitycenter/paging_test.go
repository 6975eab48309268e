package identitycenter_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/sandbox"
)

// onePerPage is the sandbox's sso-admin asked for one item a page, so that
// every list the client reads takes several pages. ListInstances answers a
// first page of its own (an instance not yet ACTIVE) and ListTagsForResource,
// which has no MaxResults, is cut into pages here. It counts, per
// operation, the calls that asked for a page after the first.
type onePerPage struct {
	*ssoadmin.Client
	mu    sync.Mutex
	later map[string]int
}

func (o *onePerPage) saw(op string, token *string) {
	if aws.ToString(token) == "" {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.later[op]++
}

func (o *onePerPage) ListInstances(ctx context.Context, in *ssoadmin.ListInstancesInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error) {
	o.saw("ListInstances", in.NextToken)
	if in.NextToken == nil {
		return &ssoadmin.ListInstancesOutput{Instances: []ssotypes.InstanceMetadata{{InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-00000000notyet"),
			IdentityStoreId: aws.String("d-00000notyet"), Status: ssotypes.InstanceStatusCreateInProgress}}, NextToken: aws.String("real")}, nil
	}
	cp := *in
	cp.NextToken = nil
	return o.Client.ListInstances(ctx, &cp, optFns...)
}

func (o *onePerPage) ListTagsForResource(ctx context.Context, in *ssoadmin.ListTagsForResourceInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListTagsForResourceOutput, error) {
	o.saw("ListTagsForResource", in.NextToken)
	from := 0
	if in.NextToken != nil {
		var err error
		if from, err = strconv.Atoi(aws.ToString(in.NextToken)); err != nil {
			return nil, err
		}
	}
	cp := *in
	cp.NextToken = nil
	all, err := o.Client.ListTagsForResource(ctx, &cp, optFns...)
	if err != nil || len(all.Tags) == 0 {
		return all, err
	}
	out := &ssoadmin.ListTagsForResourceOutput{Tags: all.Tags[from : from+1]}
	if from+1 < len(all.Tags) {
		out.NextToken = aws.String(strconv.Itoa(from + 1))
	}
	return out, nil
}

func (o *onePerPage) ListPermissionSets(ctx context.Context, in *ssoadmin.ListPermissionSetsInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetsOutput, error) {
	o.saw("ListPermissionSets", in.NextToken)
	cp := *in
	cp.MaxResults = aws.Int32(1)
	return o.Client.ListPermissionSets(ctx, &cp, optFns...)
}

func (o *onePerPage) ListAccountsForProvisionedPermissionSet(ctx context.Context, in *ssoadmin.ListAccountsForProvisionedPermissionSetInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountsForProvisionedPermissionSetOutput, error) {
	o.saw("ListAccountsForProvisionedPermissionSet", in.NextToken)
	cp := *in
	cp.MaxResults = aws.Int32(1)
	return o.Client.ListAccountsForProvisionedPermissionSet(ctx, &cp, optFns...)
}

func (o *onePerPage) ListAccountAssignments(ctx context.Context, in *ssoadmin.ListAccountAssignmentsInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentsOutput, error) {
	o.saw("ListAccountAssignments", in.NextToken)
	cp := *in
	cp.MaxResults = aws.Int32(1)
	return o.Client.ListAccountAssignments(ctx, &cp, optFns...)
}

func (o *onePerPage) ListAccountAssignmentCreationStatus(ctx context.Context, in *ssoadmin.ListAccountAssignmentCreationStatusInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentCreationStatusOutput, error) {
	o.saw("ListAccountAssignmentCreationStatus", in.NextToken)
	cp := *in
	cp.MaxResults = aws.Int32(1)
	return o.Client.ListAccountAssignmentCreationStatus(ctx, &cp, optFns...)
}

func (o *onePerPage) ListAccountAssignmentDeletionStatus(ctx context.Context, in *ssoadmin.ListAccountAssignmentDeletionStatusInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentDeletionStatusOutput, error) {
	o.saw("ListAccountAssignmentDeletionStatus", in.NextToken)
	cp := *in
	cp.MaxResults = aws.Int32(1)
	return o.Client.ListAccountAssignmentDeletionStatus(ctx, &cp, optFns...)
}

func (o *onePerPage) ListPermissionSetProvisioningStatus(ctx context.Context, in *ssoadmin.ListPermissionSetProvisioningStatusInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetProvisioningStatusOutput, error) {
	o.saw("ListPermissionSetProvisioningStatus", in.NextToken)
	cp := *in
	cp.MaxResults = aws.Int32(1)
	return o.Client.ListPermissionSetProvisioningStatus(ctx, &cp, optFns...)
}

// TestReadPagesThrough: with one item a page, Read reads what it reads in
// one page, and FindAssignment and FindProvisioning find what AWS lists
// on a later page. The clock is the test's: assignments are done when it
// says so, and the others stay IN_PROGRESS however slow the machine is.
func TestReadPagesThrough(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "existing-org", RatePerSecond: -1, Now: clock})
	check(t, "sandbox", err)
	t.Cleanup(func() { sb.Close() })
	tg, err := target.ForSandbox(sb, target.Spec{})
	check(t, "target", err)
	t.Cleanup(func() { tg.Close() })
	accounts := map[string]string{}
	for _, a := range sb.Accounts() {
		accounts[a.Name] = a.ID
	}
	admin, store := ssoadmin.NewFromConfig(tg.Config), identitystore.NewFromConfig(tg.Config)
	info, err := sb.EnableIdentityCenter(tg.AccountID, "us-east-1")
	check(t, "enable", err)
	ctx := context.Background()
	inst, storeID := aws.String(info.InstanceARN), aws.String(info.IdentityStoreID)

	var groups []*string
	for _, name := range []string{"payments-team", "auditors"} {
		g, err := store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: storeID, DisplayName: aws.String(name)})
		check(t, "CreateGroup", err)
		groups = append(groups, g.GroupId)
	}
	user, err := store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: storeID, UserName: aws.String("ana@acme.example"), DisplayName: aws.String("ana"),
		Name: &idtypes.Name{GivenName: aws.String("ana"), FamilyName: aws.String("acme.example")}})
	check(t, "CreateUser", err)
	for _, g := range groups {
		_, err = store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: storeID, GroupId: g,
			MemberId: &idtypes.MemberIdMemberUserId{Value: aws.ToString(user.UserId)}})
		check(t, "CreateGroupMembership", err)
	}
	var sets []*string
	for _, name := range []string{"admin", "readonly", "billing"} {
		ps, err := admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String(name),
			Tags: []ssotypes.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("c"), Value: aws.String(name)}}})
		check(t, "CreatePermissionSet", err)
		sets = append(sets, ps.PermissionSet.PermissionSetArn)
	}
	assign := func(ps, group *string, account string) {
		t.Helper()
		_, err := admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: ps,
			PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: group, TargetType: ssotypes.TargetTypeAwsAccount, TargetId: aws.String(accounts[account])})
		check(t, "CreateAccountAssignment in "+account, err)
	}
	// Done: both groups with admin in two accounts, readonly in one.
	for _, g := range groups {
		assign(sets[0], g, "payments-dev")
		assign(sets[0], g, "log-archive")
	}
	assign(sets[1], groups[0], "payments-dev")
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	// In progress: two creations, two deletions, and the provisioning
	// of readonly and billing (AWS does not list admin's, which its
	// assignments asked for).
	for _, g := range groups {
		assign(sets[0], g, "legacy-app")
		_, err := admin.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: sets[0],
			PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: g, TargetType: ssotypes.TargetTypeAwsAccount, TargetId: aws.String(accounts["log-archive"])})
		check(t, "DeleteAccountAssignment", err)
	}
	for _, ps := range sets[1:] {
		_, err := admin.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{InstanceArn: inst, PermissionSetArn: ps,
			TargetType: ssotypes.ProvisionTargetTypeAwsAccount, TargetId: aws.String(accounts["payments-dev"])})
		check(t, "ProvisionPermissionSet", err)
	}

	opt := identitycenter.Options{HomeRegion: "us-east-1"}
	want, err := identitycenter.New(admin, store, opt).Read(ctx)
	check(t, "Read", err)
	if len(want.PermissionSets) != 3 || len(want.Assignments) != 5 || len(want.Pending) != 4 {
		t.Fatalf("the world to read is not the one made: %d permission sets, %d assignments, %d pending; want 3, 5, 4",
			len(want.PermissionSets), len(want.Assignments), len(want.Pending))
	}
	paged := &onePerPage{Client: admin, later: map[string]int{}}
	c := identitycenter.New(paged, store, opt)
	got, err := c.Read(ctx)
	check(t, "Read one item a page", err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("one item a page reads\n%+v\nin one page\n%+v", got, want)
	}

	// Each pair (admin, payments-dev) has two assignments: the second is on
	// page two. Of the two provisionings, one is on page two.
	for _, g := range groups {
		a := want.Assignments[0]
		a.PermissionSetARN, a.PrincipalID, a.AccountID = aws.ToString(sets[0]), aws.ToString(g), accounts["payments-dev"]
		op, found, err := c.FindAssignment(ctx, a, false)
		if err != nil || !found || op.Status != "SUCCEEDED" {
			t.Errorf("FindAssignment %+v: %+v, %v, %v; want it done", a, op, found, err)
		}
	}
	for _, ps := range sets[1:] {
		op, found, err := c.FindProvisioning(ctx, aws.ToString(ps))
		if err != nil || !found || op.PermissionSetARN != aws.ToString(ps) {
			t.Errorf("FindProvisioning %s: %+v, %v, %v; want it in progress", aws.ToString(ps), op, found, err)
		}
	}
	for _, op := range []string{"ListInstances", "ListTagsForResource", "ListPermissionSets", "ListAccountsForProvisionedPermissionSet", "ListAccountAssignments",
		"ListAccountAssignmentCreationStatus", "ListAccountAssignmentDeletionStatus", "ListPermissionSetProvisioningStatus"} {
		if paged.later[op] == 0 {
			t.Errorf("%s was read in one page: the test does not test its paging", op)
		}
	}
}
