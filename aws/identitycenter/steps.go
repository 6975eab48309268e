package identitycenter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	idtypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Each method here carries out one change. Where AWS answers that the change
// is there already (a group or user of that name, a membership, an attached
// policy), the method treats it as done, adopting what exists: a re-run
// after an interruption converges instead of failing or making a second one.
//
// The creates are sent with retries on refusals only (throttling, a
// conflict): when an answer is lost, AWS may have done the work, and the
// method looks first. Groups, users and permission sets have unique names,
// so a lost create is looked up by name and sent again only when absent.
// Assignments and provisionings are asynchronous requests; a lost one is
// an *OutcomeUnknownError, for the apply engine to look up (FindAssignment,
// FindProvisioning) before it sends anything again.

// AdminWriteAPI is the part of sso-admin that apply calls to change things.
type AdminWriteAPI interface {
	CreatePermissionSet(context.Context, *ssoadmin.CreatePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.CreatePermissionSetOutput, error)
	UpdatePermissionSet(context.Context, *ssoadmin.UpdatePermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.UpdatePermissionSetOutput, error)
	AttachManagedPolicyToPermissionSet(context.Context, *ssoadmin.AttachManagedPolicyToPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.AttachManagedPolicyToPermissionSetOutput, error)
	DetachManagedPolicyFromPermissionSet(context.Context, *ssoadmin.DetachManagedPolicyFromPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DetachManagedPolicyFromPermissionSetOutput, error)
	PutInlinePolicyToPermissionSet(context.Context, *ssoadmin.PutInlinePolicyToPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.PutInlinePolicyToPermissionSetOutput, error)
	DeleteInlinePolicyFromPermissionSet(context.Context, *ssoadmin.DeleteInlinePolicyFromPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.DeleteInlinePolicyFromPermissionSetOutput, error)
	ProvisionPermissionSet(context.Context, *ssoadmin.ProvisionPermissionSetInput, ...func(*ssoadmin.Options)) (*ssoadmin.ProvisionPermissionSetOutput, error)
	DescribePermissionSetProvisioningStatus(context.Context, *ssoadmin.DescribePermissionSetProvisioningStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.DescribePermissionSetProvisioningStatusOutput, error)
	ListPermissionSetProvisioningStatus(context.Context, *ssoadmin.ListPermissionSetProvisioningStatusInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListPermissionSetProvisioningStatusOutput, error)
	CreateAccountAssignment(context.Context, *ssoadmin.CreateAccountAssignmentInput, ...func(*ssoadmin.Options)) (*ssoadmin.CreateAccountAssignmentOutput, error)
	DeleteAccountAssignment(context.Context, *ssoadmin.DeleteAccountAssignmentInput, ...func(*ssoadmin.Options)) (*ssoadmin.DeleteAccountAssignmentOutput, error)
}

// StoreWriteAPI is the part of the identity store that apply calls.
type StoreWriteAPI interface {
	CreateGroup(context.Context, *identitystore.CreateGroupInput, ...func(*identitystore.Options)) (*identitystore.CreateGroupOutput, error)
	UpdateGroup(context.Context, *identitystore.UpdateGroupInput, ...func(*identitystore.Options)) (*identitystore.UpdateGroupOutput, error)
	GetGroupId(context.Context, *identitystore.GetGroupIdInput, ...func(*identitystore.Options)) (*identitystore.GetGroupIdOutput, error)
	CreateUser(context.Context, *identitystore.CreateUserInput, ...func(*identitystore.Options)) (*identitystore.CreateUserOutput, error)
	GetUserId(context.Context, *identitystore.GetUserIdInput, ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error)
	CreateGroupMembership(context.Context, *identitystore.CreateGroupMembershipInput, ...func(*identitystore.Options)) (*identitystore.CreateGroupMembershipOutput, error)
}

var (
	_ AdminWriteAPI = (*ssoadmin.Client)(nil)
	_ StoreWriteAPI = (*identitystore.Client)(nil)
)

// OutcomeUnknownError is a request AWS may or may not have accepted: its
// answer never came.
type OutcomeUnknownError struct {
	Op  string
	Err error
}

func (e *OutcomeUnknownError) Error() string {
	return "identity center " + e.Op + ": no answer from AWS, which may have accepted it: " + e.Err.Error()
}
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// IsOutcomeUnknown reports whether err is an *OutcomeUnknownError.
func IsOutcomeUnknown(err error) bool {
	var u *OutcomeUnknownError
	return errors.As(err, &u)
}

// IsConflict reports whether AWS refused a call for a conflicting operation
// in progress (ConflictException): a permission set being provisioned, the
// same assignment being made or removed. It passes; the caller waits.
func IsConflict(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ConflictException"
}

// IsNotFound reports whether AWS answered that the thing asked about does
// not exist (ResourceNotFoundException).
func IsNotFound(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException"
}

// refused reports whether AWS answered with a refusal (HTTP 4xx): then it
// did nothing.
func refused(err error) bool {
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) {
		return false
	}
	code := re.HTTPStatusCode()
	return code >= 400 && code < 500
}

type refusalsOnly struct{ aws.Retryer }

func (r refusalsOnly) IsErrorRetryable(err error) bool {
	return refused(err) && r.Retryer.IsErrorRetryable(err)
}

func adminOnce(region string) []func(*ssoadmin.Options) {
	return []func(*ssoadmin.Options){inRegion(region), func(o *ssoadmin.Options) {
		if o.Retryer != nil {
			o.Retryer = refusalsOnly{o.Retryer}
		}
	}}
}

func storeOnce(region string) []func(*identitystore.Options) {
	return []func(*identitystore.Options){storeIn(region), func(o *identitystore.Options) {
		if o.Retryer != nil {
			o.Retryer = refusalsOnly{o.Retryer}
		}
	}}
}

// maxLostCreates bounds the creates of one group, user or permission set
// sent after lost answers, each after a look found nothing.
const maxLostCreates = 3

func (c *Client) writers() (AdminWriteAPI, StoreWriteAPI, instance, error) {
	aw, ok1 := c.admin.(AdminWriteAPI)
	sw, ok2 := c.store.(StoreWriteAPI)
	inst := c.current()
	switch {
	case !ok1 || !ok2:
		return nil, nil, inst, errors.New("this Identity Center client only reads")
	case inst.arn == "":
		return nil, nil, inst, errors.New("the organization has no Identity Center instance (enable it first)")
	}
	return aw, sw, inst, nil
}

// CreateGroup creates a group and returns its id; a group of that name that
// exists already is adopted.
func (c *Client) CreateGroup(ctx context.Context, name, description string) (string, error) {
	_, sw, inst, err := c.writers()
	if err != nil {
		return "", err
	}
	in := &identitystore.CreateGroupInput{IdentityStoreId: aws.String(inst.storeID), DisplayName: aws.String(name)}
	if description != "" {
		in.Description = aws.String(description)
	}
	return c.createUnique(ctx, "CreateGroup "+name, func() (string, error) {
		out, err := sw.CreateGroup(ctx, in, storeOnce(inst.region)...)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.GroupId), nil
	}, func() (string, bool, error) { return c.groupID(ctx, sw, inst, name) })
}

// createUnique sends a create of something whose name is unique: a
// conflict or a lost answer is looked up by name, and adopted when found.
func (c *Client) createUnique(ctx context.Context, op string, create func() (string, error), find func() (string, bool, error)) (string, error) {
	for attempt := 1; ; attempt++ {
		id, err := create()
		if err == nil {
			return id, nil
		}
		if ctx.Err() != nil {
			return "", err
		}
		unknown := !refused(err)
		if !unknown && !IsConflict(err) {
			return "", wrap(op, err)
		}
		id, found, ferr := find()
		switch {
		case ferr != nil:
			return "", errors.Join(wrap(op, err), fmt.Errorf("looking it up: %w", ferr))
		case found:
			return id, nil
		case !unknown:
			return "", wrap(op, err) // a conflict of another kind
		case attempt == maxLostCreates:
			return "", &OutcomeUnknownError{Op: op, Err: err}
		}
	}
}

func (c *Client) groupID(ctx context.Context, sw StoreWriteAPI, inst instance, name string) (string, bool, error) {
	out, err := sw.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: aws.String(inst.storeID),
		AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{Value: idtypes.UniqueAttribute{
			AttributePath: aws.String("displayName"), AttributeValue: document.NewLazyDocument(name)}}}, storeIn(inst.region))
	if IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, wrap("GetGroupId "+name, err)
	}
	return aws.ToString(out.GroupId), true, nil
}

// UpdateGroupDescription sets a group's description.
func (c *Client) UpdateGroupDescription(ctx context.Context, groupID, description string) error {
	_, sw, inst, err := c.writers()
	if err != nil {
		return err
	}
	_, err = sw.UpdateGroup(ctx, &identitystore.UpdateGroupInput{IdentityStoreId: aws.String(inst.storeID), GroupId: aws.String(groupID),
		Operations: []idtypes.AttributeOperation{{AttributePath: aws.String("description"), AttributeValue: document.NewLazyDocument(description)}}}, storeIn(inst.region))
	return wrap("UpdateGroup "+groupID, err)
}

// CreateUser creates a user of the directory and returns its id; a user of
// that user name that exists already is adopted.
func (c *Client) CreateUser(ctx context.Context, u orgmodel.User) (string, error) {
	_, sw, inst, err := c.writers()
	if err != nil {
		return "", err
	}
	in := &identitystore.CreateUserInput{IdentityStoreId: aws.String(inst.storeID), UserName: aws.String(u.UserName), DisplayName: aws.String(u.DisplayName),
		Name:   &idtypes.Name{GivenName: aws.String(u.GivenName), FamilyName: aws.String(u.FamilyName)},
		Emails: []idtypes.Email{{Value: aws.String(u.Email), Type: aws.String("work"), Primary: true}}}
	return c.createUnique(ctx, "CreateUser "+u.UserName, func() (string, error) {
		out, err := sw.CreateUser(ctx, in, storeOnce(inst.region)...)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.UserId), nil
	}, func() (string, bool, error) { return c.userID(ctx, sw, inst, u.UserName) })
}

func (c *Client) userID(ctx context.Context, sw StoreWriteAPI, inst instance, userName string) (string, bool, error) {
	out, err := sw.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(inst.storeID),
		AlternateIdentifier: &idtypes.AlternateIdentifierMemberUniqueAttribute{Value: idtypes.UniqueAttribute{
			AttributePath: aws.String("userName"), AttributeValue: document.NewLazyDocument(userName)}}}, storeIn(inst.region))
	if IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, wrap("GetUserId "+userName, err)
	}
	return aws.ToString(out.UserId), true, nil
}

// AddMember makes a user a member of a group; a membership that exists is
// left as it is.
func (c *Client) AddMember(ctx context.Context, groupID, userID string) error {
	_, sw, inst, err := c.writers()
	if err != nil {
		return err
	}
	in := &identitystore.CreateGroupMembershipInput{IdentityStoreId: aws.String(inst.storeID), GroupId: aws.String(groupID), MemberId: &idtypes.MemberIdMemberUserId{Value: userID}}
	for attempt := 1; ; attempt++ {
		_, err = sw.CreateGroupMembership(ctx, in, storeOnce(inst.region)...)
		if err == nil || IsConflict(err) {
			return nil // a membership is unique: a conflict says it is there
		}
		if refused(err) || attempt == maxLostCreates || ctx.Err() != nil {
			return wrap("CreateGroupMembership "+groupID, err)
		}
		// A lost answer: sent again, it makes the membership or conflicts.
	}
}

// CreatePermissionSet creates a permission set, tagged managed-by=orgwizard,
// and returns its ARN; one of that name that exists already is adopted. Its
// policies are attached by their own steps.
func (c *Client) CreatePermissionSet(ctx context.Context, ps orgmodel.PermissionSet) (string, error) {
	aw, _, inst, err := c.writers()
	if err != nil {
		return "", err
	}
	in := &ssoadmin.CreatePermissionSetInput{InstanceArn: aws.String(inst.arn), Name: aws.String(ps.Name), SessionDuration: aws.String(cmp.Or(ps.SessionDuration, orgmodel.DefaultSessionDuration)),
		Tags: []ssotypes.Tag{{Key: aws.String(orgmodel.TagManagedBy), Value: aws.String(orgmodel.ManagedByValue)}}}
	if ps.Description != "" {
		in.Description = aws.String(ps.Description)
	}
	return c.createUnique(ctx, "CreatePermissionSet "+ps.Name, func() (string, error) {
		out, err := aw.CreatePermissionSet(ctx, in, adminOnce(inst.region)...)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.PermissionSet.PermissionSetArn), nil
	}, func() (string, bool, error) { return c.findPermissionSet(ctx, inst, ps.Name) })
}

// findPermissionSet looks a permission set up by name (AWS lists ARNs only:
// each is described).
func (c *Client) findPermissionSet(ctx context.Context, inst instance, name string) (string, bool, error) {
	p := ssoadmin.NewListPermissionSetsPaginator(c.admin, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String(inst.arn), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return "", false, wrap("ListPermissionSets", err)
		}
		for _, arn := range page.PermissionSets {
			d, err := c.admin.DescribePermissionSet(ctx, &ssoadmin.DescribePermissionSetInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(arn)}, inRegion(inst.region))
			if err != nil {
				return "", false, wrap("DescribePermissionSet "+arn, err)
			}
			if d.PermissionSet != nil && strings.EqualFold(aws.ToString(d.PermissionSet.Name), name) {
				return arn, true, nil
			}
		}
	}
	return "", false, nil
}

// UpdatePermissionSet sets a permission set's session duration, and its
// description unless ps has none.
func (c *Client) UpdatePermissionSet(ctx context.Context, arn string, ps orgmodel.PermissionSet) error {
	aw, _, inst, err := c.writers()
	if err != nil {
		return err
	}
	in := &ssoadmin.UpdatePermissionSetInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(arn),
		SessionDuration: aws.String(cmp.Or(ps.SessionDuration, orgmodel.DefaultSessionDuration))}
	if ps.Description != "" { // AWS refuses an empty one (minimum length 1): left as it is
		in.Description = aws.String(ps.Description)
	}
	_, err = aw.UpdatePermissionSet(ctx, in, inRegion(inst.region))
	return wrap("UpdatePermissionSet "+ps.Name, err)
}

// AttachManagedPolicy attaches an AWS managed policy to a permission set.
// An attachment that is there already is done; a ConflictException that is
// not one (the permission set is busy) is returned for the caller to wait.
func (c *Client) AttachManagedPolicy(ctx context.Context, arn, policy string) error {
	aw, _, inst, err := c.writers()
	if err != nil {
		return err
	}
	_, err = aw.AttachManagedPolicyToPermissionSet(ctx, &ssoadmin.AttachManagedPolicyToPermissionSetInput{InstanceArn: aws.String(inst.arn),
		PermissionSetArn: aws.String(arn), ManagedPolicyArn: aws.String(policy)}, inRegion(inst.region))
	if IsConflict(err) {
		if attached, lerr := c.attached(ctx, inst, arn); lerr == nil && slices.Contains(attached, policy) {
			return nil
		}
	}
	return wrap("AttachManagedPolicyToPermissionSet "+policy, err)
}

func (c *Client) attached(ctx context.Context, inst instance, arn string) ([]string, error) {
	var out []string
	p := ssoadmin.NewListManagedPoliciesInPermissionSetPaginator(c.admin,
		&ssoadmin.ListManagedPoliciesInPermissionSetInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(arn), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return nil, err
		}
		for _, m := range page.AttachedManagedPolicies {
			out = append(out, aws.ToString(m.Arn))
		}
	}
	return out, nil
}

// DetachManagedPolicy detaches a managed policy; one not attached is done.
func (c *Client) DetachManagedPolicy(ctx context.Context, arn, policy string) error {
	aw, _, inst, err := c.writers()
	if err != nil {
		return err
	}
	_, err = aw.DetachManagedPolicyFromPermissionSet(ctx, &ssoadmin.DetachManagedPolicyFromPermissionSetInput{InstanceArn: aws.String(inst.arn),
		PermissionSetArn: aws.String(arn), ManagedPolicyArn: aws.String(policy)}, inRegion(inst.region))
	if IsNotFound(err) {
		return nil
	}
	return wrap("DetachManagedPolicyFromPermissionSet "+policy, err)
}

// PutInlinePolicy sets a permission set's inline policy.
func (c *Client) PutInlinePolicy(ctx context.Context, arn, document string) error {
	aw, _, inst, err := c.writers()
	if err != nil {
		return err
	}
	_, err = aw.PutInlinePolicyToPermissionSet(ctx, &ssoadmin.PutInlinePolicyToPermissionSetInput{InstanceArn: aws.String(inst.arn),
		PermissionSetArn: aws.String(arn), InlinePolicy: aws.String(document)}, inRegion(inst.region))
	return wrap("PutInlinePolicyToPermissionSet "+arn, err)
}

// DeleteInlinePolicy removes a permission set's inline policy.
func (c *Client) DeleteInlinePolicy(ctx context.Context, arn string) error {
	aw, _, inst, err := c.writers()
	if err != nil {
		return err
	}
	_, err = aw.DeleteInlinePolicyFromPermissionSet(ctx, &ssoadmin.DeleteInlinePolicyFromPermissionSetInput{InstanceArn: aws.String(inst.arn),
		PermissionSetArn: aws.String(arn)}, inRegion(inst.region))
	if IsNotFound(err) {
		return nil
	}
	return wrap("DeleteInlinePolicyFromPermissionSet "+arn, err)
}

// Provision asks AWS to provision a permission set to every account it is
// provisioned to, and returns the request.
func (c *Client) Provision(ctx context.Context, arn string) (orgmodel.AssignmentOperation, error) {
	aw, _, inst, err := c.writers()
	if err != nil {
		return orgmodel.AssignmentOperation{}, err
	}
	out, err := aw.ProvisionPermissionSet(ctx, &ssoadmin.ProvisionPermissionSetInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(arn),
		TargetType: ssotypes.ProvisionTargetTypeAllProvisionedAccounts}, adminOnce(inst.region)...)
	if err != nil {
		if !refused(err) && ctx.Err() == nil {
			return orgmodel.AssignmentOperation{}, &OutcomeUnknownError{Op: "ProvisionPermissionSet " + arn, Err: err}
		}
		return orgmodel.AssignmentOperation{}, wrap("ProvisionPermissionSet "+arn, err)
	}
	return provisioningOf(out.PermissionSetProvisioningStatus), nil
}

// ProvisioningStatus describes a provisioning request.
func (c *Client) ProvisioningStatus(ctx context.Context, requestID string) (orgmodel.AssignmentOperation, error) {
	aw, _, inst, err := c.writers()
	if err != nil {
		return orgmodel.AssignmentOperation{}, err
	}
	out, err := aw.DescribePermissionSetProvisioningStatus(ctx, &ssoadmin.DescribePermissionSetProvisioningStatusInput{InstanceArn: aws.String(inst.arn),
		ProvisionPermissionSetRequestId: aws.String(requestID)}, inRegion(inst.region))
	if err != nil {
		return orgmodel.AssignmentOperation{}, wrap("DescribePermissionSetProvisioningStatus "+requestID, err)
	}
	return provisioningOf(out.PermissionSetProvisioningStatus), nil
}

// FindProvisioning looks for a provisioning of the permission set AWS has
// in progress (one whose answer was lost).
func (c *Client) FindProvisioning(ctx context.Context, arn string) (orgmodel.AssignmentOperation, bool, error) {
	aw, _, inst, err := c.writers()
	if err != nil {
		return orgmodel.AssignmentOperation{}, false, err
	}
	p := ssoadmin.NewListPermissionSetProvisioningStatusPaginator(aw, &ssoadmin.ListPermissionSetProvisioningStatusInput{InstanceArn: aws.String(inst.arn),
		Filter: &ssotypes.OperationStatusFilter{Status: ssotypes.StatusValuesInProgress}, MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(inst.region))
		if err != nil {
			return orgmodel.AssignmentOperation{}, false, wrap("ListPermissionSetProvisioningStatus", err)
		}
		for _, m := range page.PermissionSetsProvisioningStatus {
			st, err := c.ProvisioningStatus(ctx, aws.ToString(m.RequestId))
			if err != nil {
				return st, false, err
			}
			if st.PermissionSetARN == arn && st.Status == orgmodel.CreationInProgress {
				return st, true, nil
			}
		}
	}
	return orgmodel.AssignmentOperation{}, false, nil
}

func provisioningOf(s *ssotypes.PermissionSetProvisioningStatus) orgmodel.AssignmentOperation {
	if s == nil {
		return orgmodel.AssignmentOperation{}
	}
	op := orgmodel.AssignmentOperation{PendingAssignment: orgmodel.PendingAssignment{RequestID: aws.ToString(s.RequestId),
		ActualAssignment: orgmodel.ActualAssignment{AccountID: aws.ToString(s.AccountId), PermissionSetARN: aws.ToString(s.PermissionSetArn)}},
		Status: string(s.Status), FailureReason: aws.ToString(s.FailureReason)}
	if s.CreatedDate != nil {
		op.Requested = *s.CreatedDate
	}
	return op
}

// CreateAssignment asks AWS to give a principal a permission set in an
// account, and returns the request.
func (c *Client) CreateAssignment(ctx context.Context, a orgmodel.ActualAssignment) (orgmodel.AssignmentOperation, error) {
	aw, _, inst, err := c.writers()
	if err != nil {
		return orgmodel.AssignmentOperation{}, err
	}
	out, err := aw.CreateAccountAssignment(ctx, &ssoadmin.CreateAccountAssignmentInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(a.PermissionSetARN),
		PrincipalType: ssotypes.PrincipalType(a.PrincipalType), PrincipalId: aws.String(a.PrincipalID),
		TargetType: ssotypes.TargetTypeAwsAccount, TargetId: aws.String(a.AccountID)}, adminOnce(inst.region)...)
	if err != nil {
		if !refused(err) && ctx.Err() == nil {
			return orgmodel.AssignmentOperation{}, &OutcomeUnknownError{Op: "CreateAccountAssignment in " + a.AccountID, Err: err}
		}
		return orgmodel.AssignmentOperation{}, wrap("CreateAccountAssignment in "+a.AccountID, err)
	}
	return operationOf(out.AccountAssignmentCreationStatus, false), nil
}

// DeleteAssignment asks AWS to remove an assignment, and returns the
// request; an assignment that is not there is done (Status SUCCEEDED).
func (c *Client) DeleteAssignment(ctx context.Context, a orgmodel.ActualAssignment) (orgmodel.AssignmentOperation, error) {
	aw, _, inst, err := c.writers()
	if err != nil {
		return orgmodel.AssignmentOperation{}, err
	}
	out, err := aw.DeleteAccountAssignment(ctx, &ssoadmin.DeleteAccountAssignmentInput{InstanceArn: aws.String(inst.arn), PermissionSetArn: aws.String(a.PermissionSetARN),
		PrincipalType: ssotypes.PrincipalType(a.PrincipalType), PrincipalId: aws.String(a.PrincipalID),
		TargetType: ssotypes.TargetTypeAwsAccount, TargetId: aws.String(a.AccountID)}, adminOnce(inst.region)...)
	if IsNotFound(err) {
		return orgmodel.AssignmentOperation{PendingAssignment: orgmodel.PendingAssignment{ActualAssignment: a, Deleting: true}, Status: "SUCCEEDED"}, nil
	}
	if err != nil {
		if !refused(err) && ctx.Err() == nil {
			return orgmodel.AssignmentOperation{}, &OutcomeUnknownError{Op: "DeleteAccountAssignment in " + a.AccountID, Err: err}
		}
		return orgmodel.AssignmentOperation{}, wrap("DeleteAccountAssignment in "+a.AccountID, err)
	}
	return operationOf(out.AccountAssignmentDeletionStatus, true), nil
}

// FindAssignment looks up, after a lost answer, what AWS has of an
// assignment: a creation (or deletion) of it in progress, or (for a
// creation) the assignment itself, reported SUCCEEDED. found is false when
// AWS has no trace of the request.
func (c *Client) FindAssignment(ctx context.Context, a orgmodel.ActualAssignment, deleting bool) (orgmodel.AssignmentOperation, bool, error) {
	inst := c.current()
	pending, err := c.pending(ctx, inst)
	if err != nil {
		return orgmodel.AssignmentOperation{}, false, err
	}
	for _, p := range pending {
		if p.ActualAssignment == a && p.Deleting == deleting {
			return orgmodel.AssignmentOperation{PendingAssignment: p, Status: orgmodel.CreationInProgress}, true, nil
		}
	}
	p := ssoadmin.NewListAccountAssignmentsPaginator(c.admin, &ssoadmin.ListAccountAssignmentsInput{InstanceArn: aws.String(inst.arn), AccountId: aws.String(a.AccountID),
		PermissionSetArn: aws.String(a.PermissionSetARN), MaxResults: aws.Int32(100)})
	exists := false
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inRegion(inst.region))
		if IsNotFound(err) {
			// No permission set or account of that name: nothing is assigned.
			break
		}
		if err != nil {
			return orgmodel.AssignmentOperation{}, false, wrap("ListAccountAssignments in "+a.AccountID, err)
		}
		for _, x := range page.AccountAssignments {
			exists = exists || (aws.ToString(x.PrincipalId) == a.PrincipalID && string(x.PrincipalType) == a.PrincipalType)
		}
	}
	done := orgmodel.AssignmentOperation{PendingAssignment: orgmodel.PendingAssignment{ActualAssignment: a, Deleting: deleting}, Status: "SUCCEEDED"}
	if exists != deleting {
		// Created (or, for a deletion, gone): the request did its work.
		return done, true, nil
	}
	return orgmodel.AssignmentOperation{}, false, nil
}
