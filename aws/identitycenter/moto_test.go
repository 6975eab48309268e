package identitycenter_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestStepsAgainstMoto runs the adapter's changes against moto 5.2, the
// second AWS, where moto implements the calls: ListInstances,
// CreateGroup, GetGroupId, CreateUser, GetUserId, CreateGroupMembership,
// ListGroups, ListUsers, ListGroupMemberships, CreatePermissionSet,
// UpdatePermissionSet, DescribePermissionSet, ListPermissionSets,
// Attach/DetachManagedPolicy, ListManagedPoliciesInPermissionSet,
// Put/Get/DeleteInlinePolicy, ProvisionPermissionSet,
// Create/DeleteAccountAssignment and their Describe, ListAccountAssignments.
// moto answers ListTagsForResource, ListAccountAssignmentCreationStatus and
// DescribePermissionSetProvisioningStatus with an HTTP 500, so Read, which
// needs the first two, and the wait for a provisioning run on the sandbox only
// (read_test.go); here the instance is found through ListInstances and the
// results are read back call by call.
func TestStepsAgainstMoto(t *testing.T) {
	ctx := context.Background()
	url := moto.URL(t)
	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOIDENTITY0000", "secret", "")}
	admin := ssoadmin.NewFromConfig(cfg, func(o *ssoadmin.Options) { o.BaseEndpoint = aws.String(url) })
	store := identitystore.NewFromConfig(cfg, func(o *identitystore.Options) { o.BaseEndpoint = aws.String(url) })
	insts, err := admin.ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	if err != nil || len(insts.Instances) == 0 {
		t.Fatalf("moto's instance: %v %+v", err, insts)
	}
	in := insts.Instances[0]
	c := identitycenter.New(admin, store, identitycenter.Options{HomeRegion: "eu-west-1"})
	c.Use(&orgmodel.ActualAccess{InstanceARN: aws.ToString(in.InstanceArn), IdentityStoreID: aws.ToString(in.IdentityStoreId), Region: "eu-west-1"})

	group, err := c.CreateGroup(ctx, "moto-team", "The team")
	check(t, "CreateGroup", err)
	user, err := c.CreateUser(ctx, orgmodel.User{UserName: "ana@moto.example", Email: "ana@moto.example", DisplayName: "ana", GivenName: "ana", FamilyName: "moto.example"})
	check(t, "CreateUser", err)
	check(t, "AddMember", c.AddMember(ctx, group, user))
	members, err := store.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: in.IdentityStoreId, GroupId: aws.String(group)})
	check(t, "ListGroupMemberships", err)
	if len(members.GroupMemberships) != 1 {
		t.Errorf("memberships on moto: %+v", members.GroupMemberships)
	}

	ps := orgmodel.PermissionSet{Name: "moto-admin", Description: "Full", ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, SessionDuration: "PT4H"}
	arn, err := c.CreatePermissionSet(ctx, ps)
	check(t, "CreatePermissionSet", err)
	check(t, "AttachManagedPolicy", c.AttachManagedPolicy(ctx, arn, ps.ManagedPolicies[0]))
	const inline = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`
	check(t, "PutInlinePolicy", c.PutInlinePolicy(ctx, arn, inline))
	ps.SessionDuration = "PT8H"
	check(t, "UpdatePermissionSet", c.UpdatePermissionSet(ctx, arn, ps))
	d, err := admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: in.InstanceArn, PermissionSetArn: aws.String(arn)})
	check(t, "DescribePermissionSet", err)
	if aws.ToString(d.PermissionSet.Name) != "moto-admin" || aws.ToString(d.PermissionSet.SessionDuration) != "PT8H" {
		t.Errorf("moto reads the permission set back as %+v", d.PermissionSet)
	}
	got, err := admin.GetInlinePolicyForPermissionSet(ctx, &ssoadmin.GetInlinePolicyForPermissionSetInput{InstanceArn: in.InstanceArn, PermissionSetArn: aws.String(arn)})
	check(t, "GetInlinePolicy", err)
	if aws.ToString(got.InlinePolicy) != inline {
		t.Errorf("inline policy on moto: %q", aws.ToString(got.InlinePolicy))
	}

	a := orgmodel.ActualAssignment{AccountID: "111111111111", PermissionSetARN: arn, PrincipalType: "GROUP", PrincipalID: group}
	op, err := c.CreateAssignment(ctx, a)
	check(t, "CreateAssignment", err)
	st, err := c.CreationStatus(ctx, op.RequestID)
	check(t, "CreationStatus", err)
	if st.Status != "SUCCEEDED" && st.Status != "IN_PROGRESS" || st.ActualAssignment != a {
		t.Errorf("the assignment's request on moto: %+v", st)
	}
	list, err := admin.ListAccountAssignments(ctx, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: in.InstanceArn, AccountId: aws.String(a.AccountID), PermissionSetArn: aws.String(arn)})
	check(t, "ListAccountAssignments", err)
	if len(list.AccountAssignments) != 1 || aws.ToString(list.AccountAssignments[0].PrincipalId) != group {
		t.Errorf("assignments on moto: %+v", list.AccountAssignments)
	}
	prov, err := c.Provision(ctx, arn)
	check(t, "Provision", err)
	if prov.RequestID == "" {
		t.Errorf("moto's provisioning has no request id: %+v", prov)
	}

	check(t, "DetachManagedPolicy", c.DetachManagedPolicy(ctx, arn, ps.ManagedPolicies[0]))
	check(t, "DeleteInlinePolicy", c.DeleteInlinePolicy(ctx, arn))
	pols, err := admin.ListManagedPoliciesInPermissionSet(ctx, &ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: in.InstanceArn, PermissionSetArn: aws.String(arn)})
	check(t, "ListManagedPolicies", err)
	if slices.ContainsFunc(pols.AttachedManagedPolicies, func(p ssotypes.AttachedManagedPolicy) bool { return aws.ToString(p.Arn) == ps.ManagedPolicies[0] }) {
		t.Errorf("the policy is still attached on moto: %+v", pols.AttachedManagedPolicies)
	}
	del, err := c.DeleteAssignment(ctx, a)
	check(t, "DeleteAssignment", err)
	if _, err := c.DeletionStatus(ctx, del.RequestID); err != nil {
		t.Errorf("DeletionStatus: %v", err)
	}
}
