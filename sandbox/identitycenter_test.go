package sandbox_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/sandbox"
)

// icRegion is where these tests enable Identity Center, and where their
// clients call it: it is regional, an instance listed only in its region.
const icRegion = "eu-central-1"

func (w *world) ssoAdmin(a sandbox.AccountInfo) *ssoadmin.Client {
	return ssoadmin.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *ssoadmin.Options) {
		o.BaseEndpoint = aws.String(w.url)
		o.Region = icRegion
	})
}

func (w *world) identityStore(a sandbox.AccountInfo) *identitystore.Client {
	return identitystore.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *identitystore.Options) {
		o.BaseEndpoint = aws.String(w.url)
		o.Region = icRegion
	})
}

// errorCode is the AWS error code of err, "" for nil.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func expectCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := errorCode(err); got != code {
		t.Fatalf("%s: got %q (%v), want %s", what, got, err, code)
	}
}

func must[T any](t *testing.T, what string) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// icWorld is an organization (the existing-org scenario: acme manages payments-dev, log-archive and
// legacy-app; acme-partner stands alone) with Identity Center enabled.
type icWorld struct {
	*world
	mgmt, payments, logs, partner sandbox.AccountInfo
	info                          sandbox.IdentityCenterInfo
	admin                         *ssoadmin.Client
	store                         *identitystore.Client
}

func newICWorld(t *testing.T, cfg sandbox.Config) *icWorld {
	t.Helper()
	cfg.Scenario = "existing-org"
	w := &icWorld{world: newWorld(t, cfg)}
	w.mgmt, w.payments, w.logs, w.partner = w.account("acme"), w.account("payments-dev"), w.account("log-archive"), w.account("acme-partner")
	w.admin, w.store = w.ssoAdmin(w.mgmt), w.identityStore(w.mgmt)
	ctx := context.Background()
	// Before the click in the console there is no instance.
	out := must[*ssoadmin.ListInstancesOutput](t, "ListInstances")(w.admin.ListInstances(ctx, &ssoadmin.ListInstancesInput{}))
	if len(out.Instances) != 0 {
		t.Fatalf("instances before Identity Center is enabled: %+v", out.Instances)
	}
	info, err := w.sb.EnableIdentityCenter(w.mgmt.ID, icRegion)
	if err != nil {
		t.Fatal(err)
	}
	w.info = info
	return w
}

// TestIdentityCenterLifecycle runs sso-admin and identitystore end to end with the real SDK clients: the
// directory, a permission set with its policies and tags, an assignment IN_PROGRESS then SUCCEEDED,
// provisioning of a changed permission set, ConflictException while it provisions, and the way back.
func TestIdentityCenterLifecycle(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	w := newICWorld(t, sandbox.Config{StatePath: filepath.Join(t.TempDir(), "sandbox.json"), Speed: 1, Now: clk.Now})
	ctx := context.Background()
	inst := aws.String(w.info.InstanceARN)
	store := aws.String(w.info.IdentityStoreID)

	insts := must[*ssoadmin.ListInstancesOutput](t, "ListInstances")(w.admin.ListInstances(ctx, &ssoadmin.ListInstancesInput{}))
	if len(insts.Instances) != 1 || aws.ToString(insts.Instances[0].InstanceArn) != w.info.InstanceARN ||
		aws.ToString(insts.Instances[0].IdentityStoreId) != w.info.IdentityStoreID || aws.ToString(insts.Instances[0].OwnerAccountId) != w.mgmt.ID ||
		insts.Instances[0].Status != ssotypes.InstanceStatusActive {
		t.Fatalf("ListInstances %+v, want %+v", insts.Instances, w.info)
	}
	// Nor is it listed in another region: Identity Center is regional.
	elsewhere := must[*ssoadmin.ListInstancesOutput](t, "ListInstances in us-east-1")(w.admin.ListInstances(ctx, &ssoadmin.ListInstancesInput{},
		func(o *ssoadmin.Options) { o.Region = "us-east-1" }))
	if len(elsewhere.Instances) != 0 {
		t.Fatalf("ListInstances in us-east-1 lists the instance of %s: %+v", icRegion, elsewhere.Instances)
	}
	// A member account does not see the organization's instance.
	if out, err := w.ssoAdmin(w.payments).ListInstances(ctx, &ssoadmin.ListInstancesInput{}); err != nil || len(out.Instances) != 0 {
		t.Fatalf("a member's ListInstances: %+v, %v", out, err)
	}
	desc := must[*ssoadmin.DescribeInstanceOutput](t, "DescribeInstance")(w.admin.DescribeInstance(ctx, &ssoadmin.DescribeInstanceInput{InstanceArn: inst}))
	if aws.ToString(desc.IdentityStoreId) != w.info.IdentityStoreID || desc.CreatedDate == nil {
		t.Fatalf("DescribeInstance %+v", desc)
	}

	// The directory.
	grp := must[*identitystore.CreateGroupOutput](t, "CreateGroup")(w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{
		IdentityStoreId: store, DisplayName: aws.String("payments-team"), Description: aws.String("Payments")}))
	_, err := w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("payments-team")})
	var gc *idtypes.ConflictException
	if !errors.As(err, &gc) || gc.Reason != idtypes.ConflictExceptionReasonUniquenessConstraintViolation {
		t.Fatalf("a second group named payments-team: %v", err)
	}
	must[*identitystore.CreateGroupOutput](t, "CreateGroup auditors")(w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("auditors")}))
	user := must[*identitystore.CreateUserOutput](t, "CreateUser")(w.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store,
		UserName: aws.String("ana@acme.example"), DisplayName: aws.String("Ana Lima"),
		Name:   &idtypes.Name{GivenName: aws.String("Ana"), FamilyName: aws.String("Lima")},
		Emails: []idtypes.Email{{Value: aws.String("ana@acme.example"), Type: aws.String("work"), Primary: true}}}))
	_, err = w.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("ana@acme.example"),
		DisplayName: aws.String("Ana"), Name: &idtypes.Name{GivenName: aws.String("Ana"), FamilyName: aws.String("L")}})
	expectCode(t, "a second user ana@acme.example", err, "ConflictException")
	member := &idtypes.MemberIdMemberUserId{Value: aws.ToString(user.UserId)}
	ms := must[*identitystore.CreateGroupMembershipOutput](t, "CreateGroupMembership")(w.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{
		IdentityStoreId: store, GroupId: grp.GroupId, MemberId: member}))
	_, err = w.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store, GroupId: grp.GroupId, MemberId: member})
	expectCode(t, "the same membership twice", err, "ConflictException")

	gid := must[*identitystore.GetGroupIdOutput](t, "GetGroupId")(w.store.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: store,
		AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{Value: idtypes.UniqueAttribute{
			AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("payments-team")}}}))
	if aws.ToString(gid.GroupId) != aws.ToString(grp.GroupId) {
		t.Fatalf("GetGroupId %s, want %s", aws.ToString(gid.GroupId), aws.ToString(grp.GroupId))
	}
	uid := must[*identitystore.GetUserIdOutput](t, "GetUserId")(w.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: store,
		AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{Value: idtypes.UniqueAttribute{
			AttributePath: aws.String("userName"), AttributeValue: document.NewLazyDocument("ana@acme.example")}}}))
	if aws.ToString(uid.UserId) != aws.ToString(user.UserId) {
		t.Fatalf("GetUserId %s", aws.ToString(uid.UserId))
	}
	_, err = w.store.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: store,
		AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{Value: idtypes.UniqueAttribute{
			AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("nobody")}}})
	expectCode(t, "GetGroupId of no group", err, "ResourceNotFoundException")
	groups := must[*identitystore.ListGroupsOutput](t, "ListGroups")(w.store.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: store,
		Filters: []idtypes.Filter{{AttributePath: aws.String("DisplayName"), AttributeValue: aws.String("auditors")}}}))
	if len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].DisplayName) != "auditors" {
		t.Fatalf("ListGroups filtered on auditors: %+v", groups.Groups)
	}
	if all := must[*identitystore.ListGroupsOutput](t, "ListGroups")(w.store.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: store})); len(all.Groups) != 2 {
		t.Fatalf("ListGroups: %d groups, want 2", len(all.Groups))
	}
	users := must[*identitystore.ListUsersOutput](t, "ListUsers")(w.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store}))
	if len(users.Users) != 1 || aws.ToString(users.Users[0].UserName) != "ana@acme.example" || aws.ToString(users.Users[0].Name.GivenName) != "Ana" ||
		len(users.Users[0].Emails) != 1 || !users.Users[0].Emails[0].Primary {
		t.Fatalf("ListUsers %+v", users.Users)
	}
	du := must[*identitystore.DescribeUserOutput](t, "DescribeUser")(w.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: user.UserId}))
	if aws.ToString(du.DisplayName) != "Ana Lima" {
		t.Fatalf("DescribeUser %+v", du)
	}
	dg := must[*identitystore.DescribeGroupOutput](t, "DescribeGroup")(w.store.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: store, GroupId: grp.GroupId}))
	if aws.ToString(dg.DisplayName) != "payments-team" || aws.ToString(dg.Description) != "Payments" {
		t.Fatalf("DescribeGroup %+v", dg)
	}
	mid := must[*identitystore.GetGroupMembershipIdOutput](t, "GetGroupMembershipId")(w.store.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{
		IdentityStoreId: store, GroupId: grp.GroupId, MemberId: member}))
	if aws.ToString(mid.MembershipId) != aws.ToString(ms.MembershipId) {
		t.Fatalf("GetGroupMembershipId %s, want %s", aws.ToString(mid.MembershipId), aws.ToString(ms.MembershipId))
	}
	lm := must[*identitystore.ListGroupMembershipsOutput](t, "ListGroupMemberships")(w.store.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: store, GroupId: grp.GroupId}))
	if len(lm.GroupMemberships) != 1 || lm.GroupMemberships[0].MemberId.(*idtypes.MemberIdMemberUserId).Value != aws.ToString(user.UserId) {
		t.Fatalf("ListGroupMemberships %+v", lm.GroupMemberships)
	}
	lfm := must[*identitystore.ListGroupMembershipsForMemberOutput](t, "ListGroupMembershipsForMember")(w.store.ListGroupMembershipsForMember(ctx,
		&identitystore.ListGroupMembershipsForMemberInput{IdentityStoreId: store, MemberId: member}))
	if len(lfm.GroupMemberships) != 1 || aws.ToString(lfm.GroupMemberships[0].GroupId) != aws.ToString(grp.GroupId) {
		t.Fatalf("ListGroupMembershipsForMember %+v", lfm.GroupMemberships)
	}
	isIn := must[*identitystore.IsMemberInGroupsOutput](t, "IsMemberInGroups")(w.store.IsMemberInGroups(ctx, &identitystore.IsMemberInGroupsInput{
		IdentityStoreId: store, MemberId: member, GroupIds: []string{aws.ToString(grp.GroupId), aws.ToString(groups.Groups[0].GroupId)}}))
	if len(isIn.Results) != 2 || !isIn.Results[0].MembershipExists || isIn.Results[1].MembershipExists {
		t.Fatalf("IsMemberInGroups %+v", isIn.Results)
	}

	// Updates keep the directory's rules.
	must[*identitystore.UpdateGroupOutput](t, "UpdateGroup")(w.store.UpdateGroup(ctx, &identitystore.UpdateGroupInput{IdentityStoreId: store, GroupId: grp.GroupId,
		Operations: []idtypes.AttributeOperation{{AttributePath: aws.String("description"), AttributeValue: document.NewLazyDocument("Payments engineers")}}}))
	if dg := must[*identitystore.DescribeGroupOutput](t, "DescribeGroup")(w.store.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: store, GroupId: grp.GroupId})); aws.ToString(dg.Description) != "Payments engineers" {
		t.Fatalf("description after UpdateGroup: %q", aws.ToString(dg.Description))
	}
	_, err = w.store.UpdateGroup(ctx, &identitystore.UpdateGroupInput{IdentityStoreId: store, GroupId: grp.GroupId,
		Operations: []idtypes.AttributeOperation{{AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("auditors")}}})
	expectCode(t, "renaming a group to another group's name", err, "ConflictException")
	must[*identitystore.UpdateUserOutput](t, "UpdateUser")(w.store.UpdateUser(ctx, &identitystore.UpdateUserInput{IdentityStoreId: store, UserId: user.UserId,
		Operations: []idtypes.AttributeOperation{{AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("Ana M. Lima")}}}))
	if du := must[*identitystore.DescribeUserOutput](t, "DescribeUser")(w.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: user.UserId})); aws.ToString(du.DisplayName) != "Ana M. Lima" || aws.ToString(du.Name.FamilyName) != "Lima" {
		t.Fatalf("after UpdateUser: %+v", du)
	}
	_, err = w.store.UpdateUser(ctx, &identitystore.UpdateUserInput{IdentityStoreId: store, UserId: user.UserId,
		Operations: []idtypes.AttributeOperation{{AttributePath: aws.String("name.familyName"), AttributeValue: document.NewLazyDocument("")}}})
	expectCode(t, "removing a user's family name", err, "ValidationException")

	// A permission set with its policies and tags.
	ps := must[*ssoadmin.CreatePermissionSetOutput](t, "CreatePermissionSet")(w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{
		InstanceArn: inst, Name: aws.String("deployer"), Description: aws.String("Deploys workloads"), SessionDuration: aws.String("PT4H"),
		Tags: []ssotypes.Tag{{Key: aws.String("managed-by"), Value: aws.String("orgwizard")}}})).PermissionSet
	psArn := ps.PermissionSetArn
	if aws.ToString(ps.Name) != "deployer" || aws.ToString(ps.SessionDuration) != "PT4H" || ps.CreatedDate == nil ||
		!strings.HasPrefix(aws.ToString(psArn), "arn:aws:sso:::permissionSet/"+strings.TrimPrefix(w.info.InstanceARN, "arn:aws:sso:::instance/")+"/ps-") {
		t.Fatalf("CreatePermissionSet %+v", ps)
	}
	_, err = w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String("deployer")})
	expectCode(t, "a second permission set named deployer", err, "ConflictException")
	if ro := must[*ssoadmin.CreatePermissionSetOutput](t, "CreatePermissionSet read-only")(w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{
		InstanceArn: inst, Name: aws.String("read-only")})); aws.ToString(ro.PermissionSet.SessionDuration) != "PT1H" {
		t.Fatalf("default session duration %s, want PT1H", aws.ToString(ro.PermissionSet.SessionDuration))
	}
	list := must[*ssoadmin.ListPermissionSetsOutput](t, "ListPermissionSets")(w.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst, MaxResults: aws.Int32(1)}))
	if len(list.PermissionSets) != 1 || list.NextToken == nil {
		t.Fatalf("first page of ListPermissionSets %+v", list)
	}
	list2 := must[*ssoadmin.ListPermissionSetsOutput](t, "ListPermissionSets page 2")(w.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst, NextToken: list.NextToken}))
	if len(list2.PermissionSets) != 1 || list2.NextToken != nil || list2.PermissionSets[0] == list.PermissionSets[0] {
		t.Fatalf("second page of ListPermissionSets %+v", list2)
	}
	must[*ssoadmin.AttachManagedPolicyToPermissionSetOutput](t, "AttachManagedPolicy")(w.admin.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{
		InstanceArn: inst, PermissionSetArn: psArn, ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}))
	_, err = w.admin.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{
		InstanceArn: inst, PermissionSetArn: psArn, ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")})
	expectCode(t, "attaching PowerUserAccess twice", err, "ConflictException")
	mp := must[*ssoadmin.ListManagedPoliciesInPermissionSetOutput](t, "ListManagedPolicies")(w.admin.ListManagedPoliciesInPermissionSet(ctx,
		&ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn}))
	if len(mp.AttachedManagedPolicies) != 1 || aws.ToString(mp.AttachedManagedPolicies[0].Name) != "PowerUserAccess" {
		t.Fatalf("ListManagedPoliciesInPermissionSet %+v", mp.AttachedManagedPolicies)
	}
	inline := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}`
	must[*ssoadmin.PutInlinePolicyToPermissionSetOutput](t, "PutInlinePolicy")(w.admin.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{
		InstanceArn: inst, PermissionSetArn: psArn, InlinePolicy: aws.String(inline)}))
	if got := must[*ssoadmin.GetInlinePolicyForPermissionSetOutput](t, "GetInlinePolicy")(w.admin.GetInlinePolicyForPermissionSet(ctx,
		&ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn})); aws.ToString(got.InlinePolicy) != inline {
		t.Fatalf("GetInlinePolicy %q", aws.ToString(got.InlinePolicy))
	}
	must[*ssoadmin.TagResourceOutput](t, "TagResource")(w.admin.TagResource(ctx, &ssoadmin.TagResourceInput{InstanceArn: inst, ResourceArn: psArn,
		Tags: []ssotypes.Tag{{Key: aws.String("team"), Value: aws.String("payments")}, {Key: aws.String("managed-by"), Value: aws.String("orgwizard")}}}))
	must[*ssoadmin.UntagResourceOutput](t, "UntagResource")(w.admin.UntagResource(ctx, &ssoadmin.UntagResourceInput{InstanceArn: inst, ResourceArn: psArn, TagKeys: []string{"team"}}))
	tags := must[*ssoadmin.ListTagsForResourceOutput](t, "ListTagsForResource")(w.admin.ListTagsForResource(ctx, &ssoadmin.ListTagsForResourceInput{InstanceArn: inst, ResourceArn: psArn}))
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "managed-by" || aws.ToString(tags.Tags[0].Value) != "orgwizard" {
		t.Fatalf("tags %+v", tags.Tags)
	}

	// The assignment: IN_PROGRESS, then SUCCEEDED once the simulated delay has passed.
	ca := must[*ssoadmin.CreateAccountAssignmentOutput](t, "CreateAccountAssignment")(w.admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{
		InstanceArn: inst, PermissionSetArn: psArn, TargetId: aws.String(w.payments.ID), TargetType: ssotypes.TargetTypeAwsAccount,
		PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId})).AccountAssignmentCreationStatus
	if ca.Status != ssotypes.StatusValuesInProgress || aws.ToString(ca.TargetId) != w.payments.ID || ca.PrincipalType != ssotypes.PrincipalTypeGroup {
		t.Fatalf("CreateAccountAssignment %+v", ca)
	}
	describeCreation := func() ssotypes.StatusValues {
		t.Helper()
		return must[*ssoadmin.DescribeAccountAssignmentCreationStatusOutput](t, "DescribeAccountAssignmentCreationStatus")(w.admin.DescribeAccountAssignmentCreationStatus(ctx,
			&ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: inst, AccountAssignmentCreationRequestId: ca.RequestId})).AccountAssignmentCreationStatus.Status
	}
	if st := describeCreation(); st != ssotypes.StatusValuesInProgress {
		t.Fatalf("status right after creation %s", st)
	}
	// A grant and a revocation of the same assignment may not overlap, as at AWS.
	assignGroup := &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psArn, TargetId: aws.String(w.payments.ID),
		TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId}
	_, err = w.admin.CreateAccountAssignment(ctx, assignGroup)
	expectCode(t, "the same assignment while it is being created", err, "ConflictException")
	_, err = w.admin.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psArn, TargetId: aws.String(w.payments.ID),
		TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId})
	expectCode(t, "deleting an assignment while it is being created", err, "ConflictException")
	// The README's figure: 2 s at speed 1.
	clk.advance(2*time.Second - time.Millisecond)
	if st := describeCreation(); st != ssotypes.StatusValuesInProgress {
		t.Fatalf("status just before 2 s %s", st)
	}
	clk.advance(time.Millisecond)
	if st := describeCreation(); st != ssotypes.StatusValuesSucceeded {
		t.Fatalf("status after 2 s %s", st)
	}
	la := must[*ssoadmin.ListAccountAssignmentsOutput](t, "ListAccountAssignments")(w.admin.ListAccountAssignments(ctx, &ssoadmin.ListAccountAssignmentsInput{
		InstanceArn: inst, AccountId: aws.String(w.payments.ID), PermissionSetArn: psArn}))
	if len(la.AccountAssignments) != 1 || aws.ToString(la.AccountAssignments[0].PrincipalId) != aws.ToString(grp.GroupId) {
		t.Fatalf("ListAccountAssignments %+v", la.AccountAssignments)
	}
	forGroup := must[*ssoadmin.ListAccountAssignmentsForPrincipalOutput](t, "ListAccountAssignmentsForPrincipal")(w.admin.ListAccountAssignmentsForPrincipal(ctx,
		&ssoadmin.ListAccountAssignmentsForPrincipalInput{InstanceArn: inst, PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId}))
	if len(forGroup.AccountAssignments) != 1 || aws.ToString(forGroup.AccountAssignments[0].AccountId) != w.payments.ID {
		t.Fatalf("ListAccountAssignmentsForPrincipal %+v", forGroup.AccountAssignments)
	}
	if none := must[*ssoadmin.ListAccountAssignmentsForPrincipalOutput](t, "ListAccountAssignmentsForPrincipal")(w.admin.ListAccountAssignmentsForPrincipal(ctx,
		&ssoadmin.ListAccountAssignmentsForPrincipalInput{InstanceArn: inst, PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId,
			Filter: &ssotypes.ListAccountAssignmentsFilter{AccountId: aws.String(w.logs.ID)}})); len(none.AccountAssignments) != 0 {
		t.Fatalf("assignments of the group in log-archive: %+v", none.AccountAssignments)
	}
	accountsFor := func(status ssotypes.ProvisioningStatus) []string {
		t.Helper()
		return must[*ssoadmin.ListAccountsForProvisionedPermissionSetOutput](t, "ListAccountsForProvisionedPermissionSet")(w.admin.ListAccountsForProvisionedPermissionSet(ctx,
			&ssoadmin.ListAccountsForProvisionedPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn, ProvisioningStatus: status})).AccountIds
	}
	if got := accountsFor(""); !slices.Equal(got, []string{w.payments.ID}) {
		t.Fatalf("accounts the permission set is provisioned to: %v", got)
	}
	if got := must[*ssoadmin.ListPermissionSetsProvisionedToAccountOutput](t, "ListPermissionSetsProvisionedToAccount")(w.admin.ListPermissionSetsProvisionedToAccount(ctx,
		&ssoadmin.ListPermissionSetsProvisionedToAccountInput{InstanceArn: inst, AccountId: aws.String(w.payments.ID)})).PermissionSets; !slices.Equal(got, []string{aws.ToString(psArn)}) {
		t.Fatalf("permission sets provisioned to payments-dev: %v", got)
	}
	if got := must[*ssoadmin.ListAccountAssignmentCreationStatusOutput](t, "ListAccountAssignmentCreationStatus")(w.admin.ListAccountAssignmentCreationStatus(ctx,
		&ssoadmin.ListAccountAssignmentCreationStatusInput{InstanceArn: inst, Filter: &ssotypes.OperationStatusFilter{Status: ssotypes.StatusValuesSucceeded}})).AccountAssignmentsCreationStatus; len(got) != 1 || aws.ToString(got[0].RequestId) != aws.ToString(ca.RequestId) {
		t.Fatalf("ListAccountAssignmentCreationStatus %+v", got)
	}

	// A change makes the account run an old version until the permission set is provisioned again; while
	// that runs, changes and assignments of the permission set are refused.
	must[*ssoadmin.UpdatePermissionSetOutput](t, "UpdatePermissionSet")(w.admin.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{
		InstanceArn: inst, PermissionSetArn: psArn, SessionDuration: aws.String("PT8H")}))
	clk.advance(time.Second)
	if got := accountsFor(ssotypes.ProvisioningStatusLatestPermissionSetNotProvisioned); !slices.Equal(got, []string{w.payments.ID}) {
		t.Fatalf("accounts not on the latest version after an update: %v", got)
	}
	prov := must[*ssoadmin.ProvisionPermissionSetOutput](t, "ProvisionPermissionSet")(w.admin.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{
		InstanceArn: inst, PermissionSetArn: psArn, TargetType: ssotypes.ProvisionTargetTypeAllProvisionedAccounts})).PermissionSetProvisioningStatus
	if prov.Status != ssotypes.StatusValuesInProgress {
		t.Fatalf("ProvisionPermissionSet %+v", prov)
	}
	_, err = w.admin.UpdatePermissionSet(ctx, &ssoadmin.UpdatePermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn, Description: aws.String("x")})
	var conflict *ssotypes.ConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("UpdatePermissionSet while it provisions: %v", err)
	}
	_, err = w.admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psArn,
		TargetId: aws.String(w.logs.ID), TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalTypeUser, PrincipalId: user.UserId})
	expectCode(t, "CreateAccountAssignment while the permission set provisions", err, "ConflictException")
	_, err = w.admin.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn,
		TargetType: ssotypes.ProvisionTargetTypeAllProvisionedAccounts})
	expectCode(t, "ProvisionPermissionSet while it provisions", err, "ConflictException")
	clk.advance(sandbox.DefaultIdentityCenterDelay)
	if st := must[*ssoadmin.DescribePermissionSetProvisioningStatusOutput](t, "DescribePermissionSetProvisioningStatus")(w.admin.DescribePermissionSetProvisioningStatus(ctx,
		&ssoadmin.DescribePermissionSetProvisioningStatusInput{InstanceArn: inst, ProvisionPermissionSetRequestId: prov.RequestId})).PermissionSetProvisioningStatus.Status; st != ssotypes.StatusValuesSucceeded {
		t.Fatalf("provisioning after the delay: %s", st)
	}
	if got := accountsFor(ssotypes.ProvisioningStatusLatestPermissionSetProvisioned); !slices.Equal(got, []string{w.payments.ID}) {
		t.Fatalf("accounts on the latest version after provisioning: %v", got)
	}
	if got := must[*ssoadmin.ListPermissionSetProvisioningStatusOutput](t, "ListPermissionSetProvisioningStatus")(w.admin.ListPermissionSetProvisioningStatus(ctx,
		&ssoadmin.ListPermissionSetProvisioningStatusInput{InstanceArn: inst})).PermissionSetsProvisioningStatus; len(got) != 1 || got[0].Status != ssotypes.StatusValuesSucceeded {
		t.Fatalf("ListPermissionSetProvisioningStatus %+v", got)
	}

	// The way back: the assignment goes, and with its last assignment the permission set leaves the account.
	_, err = w.admin.DeletePermissionSet(ctx, &ssoadmin.DeletePermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn})
	expectCode(t, "DeletePermissionSet while assigned", err, "ConflictException")
	da := must[*ssoadmin.DeleteAccountAssignmentOutput](t, "DeleteAccountAssignment")(w.admin.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{
		InstanceArn: inst, PermissionSetArn: psArn, TargetId: aws.String(w.payments.ID), TargetType: ssotypes.TargetTypeAwsAccount,
		PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId})).AccountAssignmentDeletionStatus
	if da.Status != ssotypes.StatusValuesInProgress {
		t.Fatalf("DeleteAccountAssignment %+v", da)
	}
	clk.advance(sandbox.DefaultIdentityCenterDelay)
	if st := must[*ssoadmin.DescribeAccountAssignmentDeletionStatusOutput](t, "DescribeAccountAssignmentDeletionStatus")(w.admin.DescribeAccountAssignmentDeletionStatus(ctx,
		&ssoadmin.DescribeAccountAssignmentDeletionStatusInput{InstanceArn: inst, AccountAssignmentDeletionRequestId: da.RequestId})).AccountAssignmentDeletionStatus.Status; st != ssotypes.StatusValuesSucceeded {
		t.Fatalf("deletion after the delay: %s", st)
	}
	if got := accountsFor(""); len(got) != 0 {
		t.Fatalf("accounts after the last assignment went: %v", got)
	}
	_, err = w.admin.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: psArn,
		TargetId: aws.String(w.payments.ID), TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId})
	expectCode(t, "deleting the assignment again", err, "ResourceNotFoundException")
	must[*ssoadmin.DetachManagedPolicyFromPermissionSetOutput](t, "DetachManagedPolicy")(w.admin.DetachManagedPolicyFromPermissionSet(ctx,
		&ssoadmin.DetachManagedPolicyFromPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn, ManagedPolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")}))
	must[*ssoadmin.DeleteInlinePolicyFromPermissionSetOutput](t, "DeleteInlinePolicy")(w.admin.DeleteInlinePolicyFromPermissionSet(ctx,
		&ssoadmin.DeleteInlinePolicyFromPermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn}))
	must[*ssoadmin.DeletePermissionSetOutput](t, "DeletePermissionSet")(w.admin.DeletePermissionSet(ctx, &ssoadmin.DeletePermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn}))
	_, err = w.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst, PermissionSetArn: psArn})
	var rnf *ssotypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("DescribePermissionSet after the delete: %v", err)
	}
	must[*identitystore.DeleteGroupMembershipOutput](t, "DeleteGroupMembership")(w.store.DeleteGroupMembership(ctx, &identitystore.DeleteGroupMembershipInput{IdentityStoreId: store, MembershipId: ms.MembershipId}))
	must[*identitystore.DeleteUserOutput](t, "DeleteUser")(w.store.DeleteUser(ctx, &identitystore.DeleteUserInput{IdentityStoreId: store, UserId: user.UserId}))
	must[*identitystore.DeleteGroupOutput](t, "DeleteGroup")(w.store.DeleteGroup(ctx, &identitystore.DeleteGroupInput{IdentityStoreId: store, GroupId: grp.GroupId}))
	_, err = w.store.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: store, GroupId: grp.GroupId})
	var irnf *idtypes.ResourceNotFoundException
	if !errors.As(err, &irnf) || irnf.ResourceType != idtypes.ResourceTypeGroup || aws.ToString(irnf.ResourceId) != aws.ToString(grp.GroupId) {
		t.Fatalf("DescribeGroup after the delete: %v", err)
	}

	// Everything is in the call record by operation.
	seen := map[string]bool{}
	for _, c := range w.sb.Calls() {
		seen[c.Service+" "+c.Operation] = true
	}
	for _, want := range []string{"sso CreatePermissionSet", "sso ProvisionPermissionSet", "sso DescribeAccountAssignmentCreationStatus",
		"identitystore CreateGroup", "identitystore IsMemberInGroups"} {
		if !seen[want] {
			t.Errorf("the call record lacks %s", want)
		}
	}
}

// TestIdentityCenterRefuses checks AWS's validation, limits and errors, each with the code the SDK turns
// into its typed error.
func TestIdentityCenterRefuses(t *testing.T) {
	w := newICWorld(t, sandbox.Config{})
	ctx := context.Background()
	inst, store := aws.String(w.info.InstanceARN), aws.String(w.info.IdentityStoreID)
	createPS := func(name, duration string) error {
		in := &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String(name)}
		if duration != "" {
			in.SessionDuration = aws.String(duration)
		}
		_, err := w.admin.CreatePermissionSet(ctx, in)
		return err
	}
	for _, c := range []struct{ name, duration, code string }{
		{strings.Repeat("a", 32), "", ""},
		{strings.Repeat("a", 33), "", "ValidationException"},
		{"", "", "ValidationException"},
		{"read only", "", "ValidationException"},
		{"deploy/er", "", "ValidationException"},
		{"a+b=c,d.e@f_g-h", "PT12H", ""},
		{"too-short", "PT30M", "ValidationException"},
		{"too-long", "PT13H", "ValidationException"},
		{"not-iso", "4h", "ValidationException"},
		{"minutes", "PT90M", ""},
	} {
		expectCode(t, "CreatePermissionSet "+c.name+" "+c.duration, createPS(c.name, c.duration), c.code)
	}
	ps := must[*ssoadmin.CreatePermissionSetOutput](t, "CreatePermissionSet")(w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{
		InstanceArn: inst, Name: aws.String("deployer")})).PermissionSet.PermissionSetArn

	// The inline policy: AWS's 32,768 characters, of which 10,240 not whitespace, Latin-1 only.
	policy := func(total, dense int) string {
		head, tail := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`, `"}]}`
		fill := dense - len(head) - len(tail)
		return head + strings.Repeat("b", fill) + tail + strings.Repeat(" ", total-dense)
	}
	put := func(doc string) error {
		_, err := w.admin.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: ps, InlinePolicy: aws.String(doc)})
		return err
	}
	expectCode(t, "an inline policy of 32,768 characters, 10,240 not whitespace", put(policy(32768, 10240)), "")
	expectCode(t, "an inline policy of 32,769 characters", put(policy(32769, 10240)), "ValidationException")
	expectCode(t, "an inline policy with 10,241 characters that are not whitespace", put(policy(10241, 10241)), "ValidationException")
	expectCode(t, "an inline policy that is not JSON", put("{not json"), "ValidationException")
	expectCode(t, "an inline policy with a character past Latin-1", put(`{"Version":"2012-10-17","Statement":[{"Sid":"€","Effect":"Deny","Action":"*","Resource":"*"}]}`), "ValidationException")

	// Managed policies: AWS managed ones only, at most 20.
	attach := func(arn string) error {
		_, err := w.admin.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: inst, PermissionSetArn: ps, ManagedPolicyArn: aws.String(arn)})
		return err
	}
	expectCode(t, "a customer managed policy ARN", attach("arn:aws:iam::123456789012:policy/Mine"), "ValidationException")
	for i := range 20 {
		expectCode(t, "managed policy "+strconv.Itoa(i+1), attach("arn:aws:iam::aws:policy/Policy"+strconv.Itoa(i)), "")
	}
	var quota *ssotypes.ServiceQuotaExceededException
	if err := attach("arn:aws:iam::aws:policy/OneTooMany"); !errors.As(err, &quota) {
		t.Fatalf("a 21st managed policy: %v, want ServiceQuotaExceededException", err)
	}

	// Unknown and malformed references.
	_, err := w.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst,
		PermissionSetArn: aws.String(strings.Replace(aws.ToString(ps), "/ps-", "/ps-0", 1)[:len(aws.ToString(ps))])})
	expectCode(t, "DescribePermissionSet of an unknown permission set", err, "ResourceNotFoundException")
	_, err = w.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: inst, PermissionSetArn: aws.String("deployer")})
	expectCode(t, "DescribePermissionSet by name", err, "ValidationException")
	_, err = w.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-0000000000000000")})
	expectCode(t, "an instance that does not exist", err, "ResourceNotFoundException")

	// Only the management account administers the instance.
	var denied *ssotypes.AccessDeniedException
	if _, err := w.ssoAdmin(w.payments).ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst}); !errors.As(err, &denied) {
		t.Fatalf("a member account's ListPermissionSets: %v, want AccessDeniedException", err)
	}
	var storeDenied *idtypes.AccessDeniedException
	if _, err := w.identityStore(w.payments).ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store}); !errors.As(err, &storeDenied) {
		t.Fatalf("a member account's ListUsers: %v, want AccessDeniedException", err)
	}

	// Assignments: an account of the organization, a principal of the directory.
	grp := must[*identitystore.CreateGroupOutput](t, "CreateGroup")(w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("ops")}))
	assign := func(target, principalType, principal string) error {
		_, err := w.admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: inst, PermissionSetArn: ps, TargetId: aws.String(target),
			TargetType: ssotypes.TargetTypeAwsAccount, PrincipalType: ssotypes.PrincipalType(principalType), PrincipalId: aws.String(principal)})
		return err
	}
	expectCode(t, "an assignment in an account outside the organization", assign(w.partner.ID, "GROUP", aws.ToString(grp.GroupId)), "ValidationException")
	expectCode(t, "an assignment to a group that does not exist", assign(w.payments.ID, "GROUP", "00000000-0000-0000-0000-000000000000"), "ResourceNotFoundException")
	expectCode(t, "an assignment to a group named as a user", assign(w.payments.ID, "USER", aws.ToString(grp.GroupId)), "ResourceNotFoundException")
	expectCode(t, "an assignment to principal type ROLE", assign(w.payments.ID, "ROLE", aws.ToString(grp.GroupId)), "ValidationException")

	// The identity store.
	_, err = w.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String("not-a-store")})
	expectCode(t, "a malformed identity store id", err, "ValidationException")
	var storeMissing *idtypes.ResourceNotFoundException
	if _, err := w.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String("d-0000000000")}); !errors.As(err, &storeMissing) || storeMissing.ResourceType != idtypes.ResourceTypeIdentityStore {
		t.Fatalf("an identity store that does not exist: %v", err)
	}
	_, err = w.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("bo@acme.example"), DisplayName: aws.String("Bo")})
	expectCode(t, "a user without a given and a family name", err, "ValidationException")
	_, err = w.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String("bo b"), DisplayName: aws.String("Bo"),
		Name: &idtypes.Name{GivenName: aws.String("Bo"), FamilyName: aws.String("B")}})
	expectCode(t, "a user name with a space", err, "ValidationException")
	_, err = w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("OPS")})
	expectCode(t, "a group named as another but for case", err, "ConflictException")
	_, err = w.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store, GroupId: grp.GroupId,
		MemberId: &idtypes.MemberIdMemberUserId{Value: "00000000-0000-0000-0000-000000000000"}})
	expectCode(t, "a membership of a user that does not exist", err, "ResourceNotFoundException")
}

// TestIdentityCenterSurvivesRestart: the instance, the directory and in-flight assignments are in the state
// file, and an assignment requested before a restart completes after it.
func TestIdentityCenterSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.json")
	clk := &clock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	w := newICWorld(t, sandbox.Config{StatePath: path, Speed: 1, Now: clk.Now})
	ctx := context.Background()
	inst, store := aws.String(w.info.InstanceARN), aws.String(w.info.IdentityStoreID)
	grp := must[*identitystore.CreateGroupOutput](t, "CreateGroup")(w.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("ops")}))
	ps := must[*ssoadmin.CreatePermissionSetOutput](t, "CreatePermissionSet")(w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String("admin")}))
	ca := must[*ssoadmin.CreateAccountAssignmentOutput](t, "CreateAccountAssignment")(w.admin.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{
		InstanceArn: inst, PermissionSetArn: ps.PermissionSet.PermissionSetArn, TargetId: aws.String(w.logs.ID), TargetType: ssotypes.TargetTypeAwsAccount,
		PrincipalType: ssotypes.PrincipalTypeGroup, PrincipalId: grp.GroupId}))
	w.sb.Close()

	clk.advance(time.Hour)
	w2 := &icWorld{world: newWorld(t, sandbox.Config{StatePath: path, Speed: 1, Now: clk.Now})}
	w2.mgmt = w2.account("acme")
	admin := w2.ssoAdmin(w2.mgmt)
	info, ok := w2.sb.IdentityCenter(w2.mgmt.ID)
	if !ok || info != w.info {
		t.Fatalf("after the restart: %+v %v, want %+v", info, ok, w.info)
	}
	st := must[*ssoadmin.DescribeAccountAssignmentCreationStatusOutput](t, "DescribeAccountAssignmentCreationStatus")(admin.DescribeAccountAssignmentCreationStatus(ctx,
		&ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: inst, AccountAssignmentCreationRequestId: ca.AccountAssignmentCreationStatus.RequestId}))
	if st.AccountAssignmentCreationStatus.Status != ssotypes.StatusValuesSucceeded {
		t.Fatalf("the assignment after the restart: %s", st.AccountAssignmentCreationStatus.Status)
	}
	if g := must[*identitystore.GetGroupIdOutput](t, "GetGroupId")(w2.identityStore(w2.mgmt).GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: store,
		AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{Value: idtypes.UniqueAttribute{
			AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument("ops")}}})); aws.ToString(g.GroupId) != aws.ToString(grp.GroupId) {
		t.Fatalf("group after the restart: %s", aws.ToString(g.GroupId))
	}
	// Enabling again keeps the instance.
	if again, err := w2.sb.EnableIdentityCenter(w2.mgmt.ID, "us-west-2"); err != nil || again != w.info {
		t.Fatalf("enabling again: %+v, %v", again, err)
	}
}

// TestEnableIdentityCenterRefuses: only an organization's management account, with all features, enables it.
func TestEnableIdentityCenterRefuses(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	for _, c := range []struct{ account, region, want string }{
		{w.account("payments-dev").ID, "", "not the management account"},
		{w.account("acme-partner").ID, "", "not the management account"},
		{"000000000000", "", "no account"},
		{w.account("acme").ID, "Frankfurt", "not a region code"},
	} {
		if _, err := w.sb.EnableIdentityCenter(c.account, c.region); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("EnableIdentityCenter(%s, %q): %v, want an error saying %q", c.account, c.region, err, c.want)
		}
	}
	if _, ok := w.sb.IdentityCenter(w.account("acme").ID); ok {
		t.Fatal("a refused enable left an instance")
	}
	data, err := os.ReadFile(w.sb.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "identityCenter") {
		t.Fatal("a sandbox that never used Identity Center writes an identityCenter key: older sandboxes' files must stay as they were")
	}
}

// TestIdentityCenterSpeedAndRate: the assignment delay is divided by the sandbox speed, and sso-admin is
// throttled per operation like every other service, with the ThrottlingException its SDK knows.
func TestIdentityCenterSpeedAndRate(t *testing.T) {
	clk := &clock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	w := newICWorld(t, sandbox.Config{Speed: 4, Now: clk.Now})
	ctx := context.Background()
	inst, store := aws.String(w.info.InstanceARN), aws.String(w.info.IdentityStoreID)
	ps := must[*ssoadmin.CreatePermissionSetOutput](t, "CreatePermissionSet")(w.admin.CreatePermissionSet(ctx, &ssoadmin.CreatePermissionSetInput{InstanceArn: inst, Name: aws.String("admin")}))
	prov := must[*ssoadmin.ProvisionPermissionSetOutput](t, "ProvisionPermissionSet")(w.admin.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{
		InstanceArn: inst, PermissionSetArn: ps.PermissionSet.PermissionSetArn, TargetType: ssotypes.ProvisionTargetTypeAwsAccount, TargetId: aws.String(w.logs.ID)}))
	status := func() ssotypes.StatusValues {
		t.Helper()
		return must[*ssoadmin.DescribePermissionSetProvisioningStatusOutput](t, "DescribePermissionSetProvisioningStatus")(w.admin.DescribePermissionSetProvisioningStatus(ctx,
			&ssoadmin.DescribePermissionSetProvisioningStatusInput{InstanceArn: inst, ProvisionPermissionSetRequestId: prov.PermissionSetProvisioningStatus.RequestId})).PermissionSetProvisioningStatus.Status
	}
	// 2 s at speed 1 is 0.5 s at speed 4.
	clk.advance(500*time.Millisecond - time.Millisecond)
	if st := status(); st != ssotypes.StatusValuesInProgress {
		t.Fatalf("provisioning just before 0.5 s at speed 4: %s", st)
	}
	clk.advance(time.Millisecond)
	if st := status(); st != ssotypes.StatusValuesSucceeded {
		t.Fatalf("provisioning at 0.5 s at speed 4: %s", st)
	}

	w.sb.SetRateLimit(1, 2)
	var throttled *ssotypes.ThrottlingException
	for i := range 3 {
		_, err := w.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst})
		if i < 2 && err != nil {
			t.Fatalf("call %d within the burst: %v", i+1, err)
		}
		if i == 2 && !errors.As(err, &throttled) {
			t.Fatalf("the call past the burst: %v, want ThrottlingException", err)
		}
	}
	var idThrottled *idtypes.ThrottlingException
	for i := range 3 {
		_, err := w.store.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: store})
		if i == 2 && !errors.As(err, &idThrottled) {
			t.Fatalf("identitystore past the burst: %v, want ThrottlingException", err)
		}
	}
}

// TestIdentityCenterFaults: the throttling and server-error shares reach sso-admin and identitystore as
// the exceptions their SDKs know, and the operation filter narrows them.
func TestIdentityCenterFaults(t *testing.T) {
	w := newICWorld(t, sandbox.Config{})
	ctx := context.Background()
	inst, store := aws.String(w.info.InstanceARN), aws.String(w.info.IdentityStoreID)
	if err := w.sb.SetFaults(sandbox.Faults{ThrottleShare: 1}); err != nil {
		t.Fatal(err)
	}
	var throttled *ssotypes.ThrottlingException
	if _, err := w.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst}); !errors.As(err, &throttled) {
		t.Fatalf("ListPermissionSets with every call throttled: %v", err)
	}
	if err := w.sb.SetFaults(sandbox.Faults{ServerErrorShare: 1, Operations: []string{"ListGroups"}}); err != nil {
		t.Fatal(err)
	}
	var internal *idtypes.InternalServerException
	if _, err := w.store.ListGroups(ctx, &identitystore.ListGroupsInput{IdentityStoreId: store}); !errors.As(err, &internal) {
		t.Fatalf("ListGroups with every ListGroups failing: %v", err)
	}
	if _, err := w.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store}); err != nil {
		t.Fatalf("ListUsers, which the faults do not name: %v", err)
	}
	if err := w.sb.SetFaults(sandbox.Faults{ConflictShare: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: inst}); err != nil {
		t.Fatalf("the conflict share is Organizations' alone: %v", err)
	}
}
