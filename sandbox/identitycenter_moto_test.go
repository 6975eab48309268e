package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/sandbox"
)

// Identity Center on the sandbox and on moto: the same SDK calls, compared by the shape of what they
// answer (which members are set) and by the error codes, wherever moto implements the operation.
//
// Deliberate differences, where the sandbox follows AWS rather than moto 5.2:
//   - moto has an instance from the start; AWS (and the sandbox) only after Identity Center is enabled
//     (`orgwizard sandbox enable-identity-center`).
//   - moto's permission set ARNs read arn:aws:sso:::instance/ssoins-…/ps-…; AWS's read
//     arn:aws:sso:::permissionSet/ssoins-…/ps-…, as the sandbox's do.
//   - moto does not provision a permission set to the account of a new assignment, so before an explicit
//     ProvisionPermissionSet it lists no account for it; AWS and the sandbox provision on assignment.
//   - moto ends an assignment or a provisioning SUCCEEDED at once; AWS and the sandbox answer IN_PROGRESS
//     and finish later.
//   - moto accepts a second permission set of the same name, names outside [\w+=,.@-]{1,32}, session
//     durations under PT1H, a second membership of the same user in a group, assignments in accounts
//     outside the organization, and deleting a permission set that is still assigned; AWS and the sandbox
//     refuse them (ConflictException or ValidationException).
//   - moto answers ListTagsForResource, IsMemberInGroups, GetGroupMembershipId and
//     ListAccountAssignmentCreationStatus with an HTTP 500; the sandbox serves them.
//   - moto lists a group's ExternalIds as an empty list; the sandbox leaves the member out, as AWS does
//     for a group made through the API.

// icTarget is one Identity Center to exercise: clients, the instance, and an account to assign in.
type icTarget struct {
	admin   *ssoadmin.Client
	store   *identitystore.Client
	inst    string
	storeID string
	account string
}

// shape lists the member paths an answer sets (lists as []), so two answers can be compared whatever
// their ids.
func shape(v any) []string {
	data, _ := json.Marshal(v)
	var doc any
	json.Unmarshal(data, &doc)
	var paths []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "ResultMetadata" || k == "noSmithyDocumentSerde" {
					continue
				}
				walk(prefix+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(prefix+"[]", e)
			}
		case nil:
		case string:
			if x != "" {
				paths = append(paths, prefix)
			}
		default:
			paths = append(paths, prefix)
		}
	}
	walk("", doc)
	sort.Strings(paths)
	return slices.Compact(paths)
}

// exercise runs the calls both implement and returns, per call, the shape of the answer or the error code.
func exercise(t *testing.T, x icTarget) map[string]string {
	t.Helper()
	ctx := context.Background()
	got := map[string]string{}
	note := func(name string, out any, err error) {
		t.Helper()
		if err != nil {
			got[name] = "error " + errorCode(err)
			return
		}
		got[name] = strings.Join(shape(out), " ")
	}
	inst, store := aws.String(x.inst), aws.String(x.storeID)

	grp, err := x.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("payments-team"), Description: aws.String("Payments")})
	note("CreateGroup", grp, err)
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	_, err = x.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("payments-team")})
	note("CreateGroup again", nil, err)
	user, err := x.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("ana@acme.example"),
		DisplayName: aws.String("Ana Lima"), Name: &idtypes.Name{GivenName: aws.String("Ana"), FamilyName: aws.String("Lima")}})
	note("CreateUser", user, err)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	_, err = x.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("bo@acme.example"), DisplayName: aws.String("Bo")})
	note("CreateUser without a name", nil, err)
	member := &idtypes.MemberIdMemberUserId{Value: aws.ToString(user.UserId)}
	ms, err := x.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store, GroupId: grp.GroupId, MemberId: member})
	note("CreateGroupMembership", ms, err)
	out1, err := x.store.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: store,
		Filters: []idtypes.Filter{{AttributePath: aws.String("DisplayName"), AttributeValue: aws.String("payments-team")}}})
	note("ListGroups", out1, err)
	out2, err := x.store.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: store, GroupId: grp.GroupId})
	note("DescribeGroup", out2, err)
	_, err = x.store.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: store, GroupId: aws.String("00000000-0000-0000-0000-000000000000")})
	note("DescribeGroup unknown", nil, err)
	out3, err := x.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: user.UserId})
	note("DescribeUser", out3, err)
	out4, err := x.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store})
	note("ListUsers", out4, err)
	out5, err := x.store.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: store, AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{
		Value: idtypes.UniqueAttribute{AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("payments-team")}}})
	note("GetGroupId", out5, err)
	out6, err := x.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: store, AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{
		Value: idtypes.UniqueAttribute{AttributePath: aws.String("userName"), AttributeValue: document.NewLazyDocument("ana@acme.example")}}})
	note("GetUserId", out6, err)
	out7, err := x.store.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: store, GroupId: grp.GroupId})
	note("ListGroupMemberships", out7, err)
	out8, err := x.store.ListGroupMembershipsForMember(ctx, &identitystore.ListGroupMembershipsForMemberInput{IdentityStoreId: store, MemberId: member})
	note("ListGroupMembershipsForMember", out8, err)

	ps, err := x.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String("deployer"),
		Description: aws.String("Deploys"), SessionDuration: aws.String("PT4H")})
	note("CreatePermissionSet", ps, err)
	if err != nil {
		t.Fatalf("CreatePermissionSet: %v", err)
	}
	psArn := ps.PermissionSet.PermissionSetArn
	out9, err := x.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn})
	note("DescribePermissionSet", out9, err)
	unknown := aws.ToString(psArn)
	unknown = unknown[:len(unknown)-16] + "0000000000000000"
	_, err = x.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst, PermissionSetArn: aws.String(unknown)})
	note("DescribePermissionSet unknown", nil, err)
	out10, err := x.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst})
	note("ListPermissionSets", out10, err)
	policy := aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
	out11, err := x.admin.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn, ManagedPolicyArn: policy})
	note("AttachManagedPolicyToPermissionSet", out11, err)
	_, err = x.admin.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn, ManagedPolicyArn: policy})
	note("AttachManagedPolicyToPermissionSet again", nil, err)
	out12, err := x.admin.ListManagedPoliciesInPermissionSet(ctx, &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn})
	note("ListManagedPoliciesInPermissionSet", out12, err)
	out13, err := x.admin.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn,
		InlinePolicy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`)})
	note("PutInlinePolicyToPermissionSet", out13, err)
	out14, err := x.admin.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn})
	note("GetInlinePolicyForPermissionSet", out14, err)

	ca, err := x.admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psArn, TargetId: aws.String(x.account),
		TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId})
	note("CreateAccountAssignment", ca, err)
	if err != nil {
		t.Fatalf("CreateAccountAssignment: %v", err)
	}
	var st *ssoadmin.DescribeAccountAssignmentCreationStatusOutput
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		st, err = x.admin.DescribeAccountAssignmentCreationStatus(ctx, &ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: inst,
			AccountAssignmentCreationRequestId: ca.AccountAssignmentCreationStatus.RequestId})
		if err != nil || st.AccountAssignmentCreationStatus.Status != ssotypes.StatusValuesInProgress || time.Now().After(deadline) {
			break
		}
	}
	note("DescribeAccountAssignmentCreationStatus", st, err)
	out15, err := x.admin.ListAccountAssignments(ctx, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: inst, AccountId: aws.String(x.account), PermissionSetArn: psArn})
	note("ListAccountAssignments", out15, err)
	out18, err := x.admin.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn,
		TargetType: ssotypes.ProvisionTargetTypeAwsAccount, TargetId: aws.String(x.account)})
	note("ProvisionPermissionSet", out18, err)
	// After an explicit provisioning: moto lists only those (see the differences above).
	out16, err := x.admin.ListAccountsForProvisionedPermissionSet(ctx, &ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn})
	note("ListAccountsForProvisionedPermissionSet", out16, err)
	out17, err := x.admin.ListPermissionSetsProvisionedToAccount(ctx, &ssoadmin.ListPermissionSetsProvisionedToAccountInput{InstanceArn: inst, AccountId: aws.String(x.account)})
	note("ListPermissionSetsProvisionedToAccount", out17, err)
	return got
}

func TestIdentityCenterAgainstMoto(t *testing.T) {
	w := newICWorld(t, sandbox.Config{Speed: 1000})
	onSandbox := exercise(t, icTarget{admin: w.admin, store: w.store, inst: w.info.InstanceARN, storeID: w.info.IdentityStoreID, account: w.payments.ID})

	url := moto.URL(t)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""), Retryer: sandbox.ConnRetryer}
	admin := ssoadmin.NewFromConfig(cfg, func(o *ssoadmin.Options) { o.BaseEndpoint = aws.String(url) })
	store := identitystore.NewFromConfig(cfg, func(o *identitystore.Options) { o.BaseEndpoint = aws.String(url) })
	insts, err := admin.ListInstances(context.Background(), &ssoadmin.ListInstancesInput{})
	if err != nil || len(insts.Instances) != 1 {
		t.Fatalf("moto's ListInstances: %+v %v", insts, err)
	}
	if want, got := shape(insts), shape(must[*ssoadmin.ListInstancesOutput](t, "ListInstances")(w.admin.ListInstances(context.Background(), &ssoadmin.ListInstancesInput{}))); !slices.Equal(want, got) {
		t.Errorf("ListInstances: moto sets %v, the sandbox %v", want, got)
	}
	onMoto := exercise(t, icTarget{admin: admin, store: store, inst: aws.ToString(insts.Instances[0].InstanceArn),
		storeID: aws.ToString(insts.Instances[0].IdentityStoreId), account: "123456789012"})

	var diffs []string
	for name, want := range onMoto {
		if got := onSandbox[name]; got != want {
			diffs = append(diffs, fmt.Sprintf("%s:\n  moto    %s\n  sandbox %s", name, want, got))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("the sandbox answers differently from moto:\n%s", strings.Join(diffs, "\n"))
	}
}
