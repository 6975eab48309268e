package identitycenter_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/internal/testenv"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// world is the existing-org sandbox (acme manages payments-dev,
// log-archive and legacy-app) seen from its management account.
type world struct {
	sb       *sandbox.Sandbox
	tg       *target.Target
	admin    *ssoadmin.Client
	store    *identitystore.Client
	accounts map[string]string // name → id
}

func newWorld(t *testing.T, speed float64) *world {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Scenario: "existing-org", Speed: speed, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tg.Close() })
	w := &world{sb: sb, tg: tg, admin: ssoadmin.NewFromConfig(tg.Config), store: identitystore.NewFromConfig(tg.Config), accounts: map[string]string{}}
	for _, a := range sb.Accounts() {
		w.accounts[a.Name] = a.ID
	}
	return w
}

func (w *world) client(accounts ...string) *identitycenter.Client {
	var ids []string
	for _, a := range accounts {
		ids = append(ids, w.accounts[a])
	}
	return identitycenter.New(w.admin, w.store, identitycenter.Options{HomeRegion: "us-east-1", Accounts: ids})
}

func check(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// TestReadWithoutInstance: before the click in the console there is nothing
// to read, and Read says so with an empty InstanceARN rather than an error.
func TestReadWithoutInstance(t *testing.T) {
	w := newWorld(t, 100)
	got, err := w.client("payments-dev").Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.InstanceARN != "" || got.PortalURL != "" || len(got.Groups) != 0 {
		t.Fatalf("Read without Identity Center: %+v", got)
	}
}

// TestRead: everything the plan compares reads back as it was made through
// the SDK: groups with members, users, permission sets with policies, tags
// and provisioning (an out of date one among them), the assignments of the
// accounts asked for (not of the others), and the assignment in progress.
func TestRead(t *testing.T) {
	w := newWorld(t, 1) // assignments take 2 s: one stays IN_PROGRESS while Read runs
	info, err := w.sb.EnableIdentityCenter(w.tg.AccountID, "us-east-1")
	check(t, "enable", err)
	ctx := context.Background()
	inst, store := aws.String(info.InstanceARN), aws.String(info.IdentityStoreID)

	grp, err := w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("payments-team"), Description: aws.String("Payments")})
	check(t, "CreateGroup", err)
	_, err = w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("auditors")})
	check(t, "CreateGroup", err)
	user, err := w.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("ana@acme.example"), DisplayName: aws.String("ana"),
		Name:   &idtypes.Name{GivenName: aws.String("ana"), FamilyName: aws.String("acme.example")},
		Emails: []idtypes.Email{{Value: aws.String("ana@acme.example"), Primary: true, Type: aws.String("work")}}})
	check(t, "CreateUser", err)
	_, err = w.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store, GroupId: grp.GroupId,
		MemberId: &idtypes.MemberIdMemberUserId{Value: aws.ToString(user.UserId)}})
	check(t, "CreateGroupMembership", err)

	ps, err := w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String("admin"), Description: aws.String("Full access"),
		SessionDuration: aws.String("PT4H"), Tags: []ssotypes.Tag{{Key: aws.String(orgmodel.TagManagedBy), Value: aws.String(orgmodel.ManagedByValue)}}})
	check(t, "CreatePermissionSet", err)
	psARN := ps.PermissionSet.PermissionSetArn
	_, err = w.admin.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN,
		ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	check(t, "Attach", err)
	const inline = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`
	_, err = w.admin.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN, InlinePolicy: aws.String(inline)})
	check(t, "PutInlinePolicy", err)

	// Two assignments, done; then a change makes the permission set out of
	// date in both accounts; then a third assignment stays in progress.
	assign := func(account string) *ssoadmin.CreateAccountAssignmentOutput {
		out, err := w.admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psARN,
			PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId, TargetType: ssotypes.TargetTypeAwsAccount, TargetId: aws.String(w.accounts[account])})
		check(t, "CreateAccountAssignment "+account, err)
		return out
	}
	assign("payments-dev")
	assign("log-archive")
	waitFor(t, func() bool {
		out, err := w.admin.ListAccountAssignmentCreationStatus(ctx, &ssoadmin.ListAccountAssignmentCreationStatusInput{InstanceArn: inst,
			Filter: &ssotypes.OperationStatusFilter{Status: ssotypes.StatusValuesInProgress}})
		return err == nil && len(out.AccountAssignmentsCreationStatus) == 0
	})
	_, err = w.admin.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{InstanceArn: inst, PermissionSetArn: psARN, SessionDuration: aws.String("PT8H")})
	check(t, "UpdatePermissionSet", err)
	pending := assign("legacy-app")

	got, err := w.client("payments-dev", "legacy-app").Read(ctx)
	check(t, "Read", err)
	if got.InstanceARN != info.InstanceARN || got.IdentityStoreID != info.IdentityStoreID || got.Region != "us-east-1" || got.PortalURL != info.StartURL {
		t.Errorf("the instance reads as %s %s %s %s, want %+v", got.InstanceARN, got.IdentityStoreID, got.Region, got.PortalURL, info)
	}
	if len(got.Groups) != 2 || got.Groups[0].Name != "auditors" || got.Groups[1].Name != "payments-team" || got.Groups[1].Description != "Payments" ||
		!slices.Equal(got.Groups[1].MemberIDs, []string{aws.ToString(user.UserId)}) || len(got.Groups[0].MemberIDs) != 0 {
		t.Errorf("groups: %+v", got.Groups)
	}
	if len(got.Users) != 1 || got.Users[0].UserName != "ana@acme.example" || got.Users[0].Email != "ana@acme.example" || got.Users[0].ID != aws.ToString(user.UserId) {
		t.Errorf("users: %+v", got.Users)
	}
	if len(got.PermissionSets) != 1 {
		t.Fatalf("permission sets: %+v", got.PermissionSets)
	}
	p := got.PermissionSets[0]
	if p.Name != "admin" || p.Description != "Full access" || p.SessionDuration != "PT8H" || !p.Managed() || p.InlinePolicy != inline ||
		!slices.Equal(p.ManagedPolicies, []string{"arn:aws:iam::aws:policy/AdministratorAccess"}) {
		t.Errorf("permission set: %+v", p)
	}
	both := []string{w.accounts["log-archive"], w.accounts["payments-dev"]}
	slices.Sort(both)
	if !slices.Equal(p.ProvisionedTo, both) || !slices.Equal(p.Outdated, both) {
		t.Errorf("provisioned to %v, out of date in %v; want %v for both", p.ProvisionedTo, p.Outdated, both)
	}
	// log-archive was not asked for; legacy-app's assignment is not done.
	want := []orgmodel.ActualAssignment{{AccountID: w.accounts["payments-dev"], PermissionSetARN: aws.ToString(psARN), PrincipalType: "GROUP", PrincipalID: aws.ToString(grp.GroupId)}}
	if !slices.Equal(got.Assignments, want) {
		t.Errorf("assignments %+v, want %+v", got.Assignments, want)
	}
	if len(got.Pending) != 1 || got.Pending[0].RequestID != aws.ToString(pending.AccountAssignmentCreationStatus.RequestId) ||
		got.Pending[0].AccountID != w.accounts["legacy-app"] || got.Pending[0].PrincipalID != aws.ToString(grp.GroupId) || got.Pending[0].Deleting {
		t.Errorf("pending: %+v", got.Pending)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// regionalAdmin answers ListInstances with an instance in one region only,
// as AWS does (Identity Center is regional), and counts the calls.
type regionalAdmin struct {
	identitycenter.AdminAPI
	region string
	asked  []string
	fail   error
}

func (r *regionalAdmin) ListInstances(_ context.Context, _ *ssoadmin.ListInstancesInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error) {
	var o ssoadmin.Options
	for _, f := range optFns {
		f(&o)
	}
	r.asked = append(r.asked, o.Region)
	if r.fail != nil {
		return nil, r.fail
	}
	if o.Region != r.region {
		return &ssoadmin.ListInstancesOutput{}, nil
	}
	return &ssoadmin.ListInstancesOutput{Instances: []ssotypes.InstanceMetadata{{InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-0123456789abcdef"),
		IdentityStoreId: aws.String("d-0123456789"), Status: ssotypes.InstanceStatusActive}}}, nil
}

type regions []string

func (r regions) DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	out := &ec2.DescribeRegionsOutput{}
	for _, n := range r {
		out.Regions = append(out.Regions, ec2types.Region{RegionName: aws.String(n), OptInStatus: aws.String("opt-in-not-required")})
	}
	return out, nil
}

// emptyStore answers an empty directory.
type emptyStore struct{ identitycenter.StoreAPI }

func (emptyStore) ListGroups(context.Context, *identitystore.ListGroupsInput, ...func(*identitystore.Options)) (*identitystore.ListGroupsOutput, error) {
	return &identitystore.ListGroupsOutput{}, nil
}

func (emptyStore) ListUsers(context.Context, *identitystore.ListUsersInput, ...func(*identitystore.Options)) (*identitystore.ListUsersOutput, error) {
	return &identitystore.ListUsersOutput{}, nil
}

// emptyAdmin is regionalAdmin with no permission set and nothing pending.
type emptyAdmin struct{ *regionalAdmin }

func (emptyAdmin) ListPermissionSets(context.Context, *ssoadmin.ListPermissionSetsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetsOutput, error) {
	return &ssoadmin.ListPermissionSetsOutput{}, nil
}

func (emptyAdmin) ListAccountAssignmentCreationStatus(context.Context, *ssoadmin.ListAccountAssignmentCreationStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentCreationStatusOutput, error) {
	return &ssoadmin.ListAccountAssignmentCreationStatusOutput{}, nil
}

func (emptyAdmin) ListAccountAssignmentDeletionStatus(context.Context, *ssoadmin.ListAccountAssignmentDeletionStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListAccountAssignmentDeletionStatusOutput, error) {
	return &ssoadmin.ListAccountAssignmentDeletionStatusOutput{}, nil
}

// TestReadFindsInstanceInAnotherRegion: the home region first; then every
// other enabled region, and the instance found says where it lives.
func TestReadFindsInstanceInAnotherRegion(t *testing.T) {
	admin := &regionalAdmin{region: "eu-west-1"}
	c := identitycenter.New(emptyAdmin{admin}, emptyStore{}, identitycenter.Options{HomeRegion: "eu-central-1", Regions: regions{"eu-central-1", "eu-west-1", "us-east-1"}, Parallel: 1})
	got, err := c.Read(context.Background())
	check(t, "Read", err)
	if got.Region != "eu-west-1" || got.InstanceARN == "" || got.PortalURL != "https://d-0123456789.awsapps.com/start" {
		t.Errorf("read %+v, want the instance of eu-west-1", got)
	}
	if admin.asked[0] != "eu-central-1" || slices.Contains(admin.asked[1:], "eu-central-1") || !slices.Contains(admin.asked, "us-east-1") {
		t.Errorf("asked %v: the home region first, once, then the others", admin.asked)
	}

	// Nowhere: no instance, no error.
	admin = &regionalAdmin{region: "ap-south-1"}
	got, err = identitycenter.New(emptyAdmin{admin}, emptyStore{}, identitycenter.Options{Regions: regions{"us-east-1", "eu-west-1"}}).Read(context.Background())
	if err != nil || got.InstanceARN != "" {
		t.Errorf("no instance anywhere: %+v, %v", got, err)
	}
	// Without Regions only the home region is asked.
	admin = &regionalAdmin{region: "eu-west-1"}
	got, err = identitycenter.New(emptyAdmin{admin}, emptyStore{}, identitycenter.Options{HomeRegion: "us-east-1"}).Read(context.Background())
	if err != nil || got.InstanceARN != "" || !slices.Equal(admin.asked, []string{"us-east-1"}) {
		t.Errorf("home region only: %+v, %v, asked %v", got, err, admin.asked)
	}
}

// TestReadWrapsErrors: a failure says which call failed and keeps AWS's
// error for errors.As.
func TestReadWrapsErrors(t *testing.T) {
	denied := errors.New("AccessDeniedException: not authorized")
	_, err := identitycenter.New(emptyAdmin{&regionalAdmin{fail: denied}}, emptyStore{}, identitycenter.Options{}).Read(context.Background())
	if !errors.Is(err, denied) || err.Error() != "identity center ListInstances in us-east-1: "+denied.Error() {
		t.Errorf("error %v", err)
	}
}
