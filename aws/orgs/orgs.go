// Package orgs is orgwizard's adapter over AWS Organizations: it reads an
// organization into orgmodel's Actual tree and carries out one plan step at a
// time. It holds no policy of its own about order or concurrency; the apply
// engine decides those.
package orgs

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// API is the part of the Organizations client orgwizard calls. Every
// operation listed here is one the least-privilege IAM policy must allow.
type API interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
	ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error)
	ListAccountsForParent(context.Context, *organizations.ListAccountsForParentInput, ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error)
	ListTagsForResource(context.Context, *organizations.ListTagsForResourceInput, ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error)
	ListPolicies(context.Context, *organizations.ListPoliciesInput, ...func(*organizations.Options)) (*organizations.ListPoliciesOutput, error)
	DescribePolicy(context.Context, *organizations.DescribePolicyInput, ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error)
	ListTargetsForPolicy(context.Context, *organizations.ListTargetsForPolicyInput, ...func(*organizations.Options)) (*organizations.ListTargetsForPolicyOutput, error)
	ListCreateAccountStatus(context.Context, *organizations.ListCreateAccountStatusInput, ...func(*organizations.Options)) (*organizations.ListCreateAccountStatusOutput, error)
	DescribeCreateAccountStatus(context.Context, *organizations.DescribeCreateAccountStatusInput, ...func(*organizations.Options)) (*organizations.DescribeCreateAccountStatusOutput, error)

	CreateOrganization(context.Context, *organizations.CreateOrganizationInput, ...func(*organizations.Options)) (*organizations.CreateOrganizationOutput, error)
	EnablePolicyType(context.Context, *organizations.EnablePolicyTypeInput, ...func(*organizations.Options)) (*organizations.EnablePolicyTypeOutput, error)
	CreateOrganizationalUnit(context.Context, *organizations.CreateOrganizationalUnitInput, ...func(*organizations.Options)) (*organizations.CreateOrganizationalUnitOutput, error)
	CreateAccount(context.Context, *organizations.CreateAccountInput, ...func(*organizations.Options)) (*organizations.CreateAccountOutput, error)
	MoveAccount(context.Context, *organizations.MoveAccountInput, ...func(*organizations.Options)) (*organizations.MoveAccountOutput, error)
	TagResource(context.Context, *organizations.TagResourceInput, ...func(*organizations.Options)) (*organizations.TagResourceOutput, error)
	UntagResource(context.Context, *organizations.UntagResourceInput, ...func(*organizations.Options)) (*organizations.UntagResourceOutput, error)
	CreatePolicy(context.Context, *organizations.CreatePolicyInput, ...func(*organizations.Options)) (*organizations.CreatePolicyOutput, error)
	UpdatePolicy(context.Context, *organizations.UpdatePolicyInput, ...func(*organizations.Options)) (*organizations.UpdatePolicyOutput, error)
	AttachPolicy(context.Context, *organizations.AttachPolicyInput, ...func(*organizations.Options)) (*organizations.AttachPolicyOutput, error)
	DetachPolicy(context.Context, *organizations.DetachPolicyInput, ...func(*organizations.Options)) (*organizations.DetachPolicyOutput, error)
}

var _ API = (*organizations.Client)(nil)

// Client reads and changes one organization through its management account.
type Client struct {
	api API
	// parallel bounds the calls in flight while reading.
	parallel int
	// caller is the account the credentials act as, when known.
	caller string
}

// WithCaller tells the client which account its credentials act as, so that
// Read can tell a member account (ErrNotManagementAccount) from a missing
// permission (AccessDenied). It returns c.
func (c *Client) WithCaller(accountID string) *Client {
	c.caller = accountID
	return c
}

// New returns a Client over api. parallel bounds concurrent reads (8 when 0).
func New(api API, parallel int) *Client {
	if parallel <= 0 {
		parallel = 8
	}
	return &Client{api: api, parallel: parallel}
}

// ErrNotManagementAccount: the credentials belong to a member account.
var ErrNotManagementAccount = errors.New("these credentials are not the organization's management account")

// NotManagementError is ErrNotManagementAccount with the organization the
// caller belongs to.
type NotManagementError struct {
	Caller       string
	Organization orgmodel.ActualOrganization
}

func (e *NotManagementError) Error() string {
	if e.Caller == "" {
		return fmt.Sprintf("%v: only the management account may list the roots of organization %s, whose management account is %s",
			ErrNotManagementAccount, e.Organization.ID, e.Organization.ManagementAccountID)
	}
	return fmt.Sprintf("%v: they act as account %s, a member of organization %s, whose management account is %s",
		ErrNotManagementAccount, e.Caller, e.Organization.ID, e.Organization.ManagementAccountID)
}

func (e *NotManagementError) Is(target error) bool { return target == ErrNotManagementAccount }

// IsNotInUse reports whether err says the account belongs to no organization.
func IsNotInUse(err error) bool {
	var e *types.AWSOrganizationsNotInUseException
	return errors.As(err, &e)
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("organizations %s: %w", op, err)
}
