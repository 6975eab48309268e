package orgs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Each method here carries out one change. Where AWS answers that the change
// is already there (a duplicate OU, an attachment that exists), the method
// treats it as done: a re-run after an interruption must converge, not fail.

// CreateOrganization creates an organization with all features and returns
// its root id.
func (c *Client) CreateOrganization(ctx context.Context) (rootID string, err error) {
	_, err = c.api.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: types.OrganizationFeatureSetAll})
	var exists *types.AlreadyInOrganizationException
	if err != nil && !errors.As(err, &exists) {
		return "", wrap("CreateOrganization", err)
	}
	return c.RootID(ctx)
}

// RootID returns the id of the organization's root.
func (c *Client) RootID(ctx context.Context) (string, error) {
	out, err := c.api.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		return "", wrap("ListRoots", err)
	}
	if len(out.Roots) == 0 {
		return "", errors.New("organizations ListRoots: the organization has no root")
	}
	return aws.ToString(out.Roots[0].Id), nil
}

// EnableSCPs enables service control policies on the root.
func (c *Client) EnableSCPs(ctx context.Context, rootID string) error {
	_, err := c.api.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(rootID), PolicyType: types.PolicyTypeServiceControlPolicy})
	var enabled *types.PolicyTypeAlreadyEnabledException
	if err != nil && !errors.As(err, &enabled) {
		return wrap("EnablePolicyType", err)
	}
	return nil
}

// CreateOU creates an OU called name under parentID and returns its id; if
// one of that name is already there, it returns that one's id.
func (c *Client) CreateOU(ctx context.Context, parentID, name string) (string, error) {
	out, err := c.api.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{
		ParentId: aws.String(parentID),
		Name:     aws.String(name),
		Tags:     []types.Tag{{Key: aws.String(orgmodel.TagManagedBy), Value: aws.String(orgmodel.ManagedByValue)}},
	})
	if err == nil {
		return aws.ToString(out.OrganizationalUnit.Id), nil
	}
	var dup *types.DuplicateOrganizationalUnitException
	if !errors.As(err, &dup) {
		return "", wrap("CreateOrganizationalUnit "+name, err)
	}
	p := organizations.NewListOrganizationalUnitsForParentPaginator(c.api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parentID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", wrap("ListOrganizationalUnitsForParent", err)
		}
		for _, ou := range page.OrganizationalUnits {
			if aws.ToString(ou.Name) == name {
				return aws.ToString(ou.Id), nil
			}
		}
	}
	return "", fmt.Errorf("organizations CreateOrganizationalUnit %s: AWS says it exists but it is not under %s", name, parentID)
}

// StartAccountCreation asks AWS to create an account and returns the request.
// CreateAccount has no idempotency token: the caller journals the request
// before and after this call, so that a crash never leads to a second one.
func (c *Client) StartAccountCreation(ctx context.Context, name, email string, tags map[string]string) (orgmodel.AccountCreation, error) {
	out, err := c.api.CreateAccount(ctx, &organizations.CreateAccountInput{
		AccountName: aws.String(name),
		Email:       aws.String(email),
		Tags:        awsTags(tags),
	})
	if err != nil {
		return orgmodel.AccountCreation{}, wrap("CreateAccount "+name, err)
	}
	return creationOf(*out.CreateAccountStatus), nil
}

// CreationStatus returns the state of an account creation request.
func (c *Client) CreationStatus(ctx context.Context, requestID string) (orgmodel.AccountCreation, error) {
	out, err := c.api.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String(requestID)})
	if err != nil {
		return orgmodel.AccountCreation{}, wrap("DescribeCreateAccountStatus "+requestID, err)
	}
	return creationOf(*out.CreateAccountStatus), nil
}

// MoveAccount moves an account from one parent to another.
func (c *Client) MoveAccount(ctx context.Context, accountID, fromID, toID string) error {
	_, err := c.api.MoveAccount(ctx, &organizations.MoveAccountInput{
		AccountId:           aws.String(accountID),
		SourceParentId:      aws.String(fromID),
		DestinationParentId: aws.String(toID),
	})
	var dup *types.DuplicateAccountException
	if err != nil && !errors.As(err, &dup) {
		return wrap("MoveAccount "+accountID, err)
	}
	return nil
}

// TagAccount sets tags on an account, leaving its other tags alone.
func (c *Client) TagAccount(ctx context.Context, accountID string, tags map[string]string) error {
	_, err := c.api.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(accountID), Tags: awsTags(tags)})
	return wrap("TagResource "+accountID, err)
}

// CreatePolicy creates a service control policy and returns its id; if one
// of that name exists, it returns that one's id.
func (c *Client) CreatePolicy(ctx context.Context, name, description, content string) (string, error) {
	out, err := c.api.CreatePolicy(ctx, &organizations.CreatePolicyInput{
		Name:        aws.String(name),
		Description: aws.String(truncate(description, 512)),
		Content:     aws.String(content),
		Type:        types.PolicyTypeServiceControlPolicy,
		Tags:        []types.Tag{{Key: aws.String(orgmodel.TagManagedBy), Value: aws.String(orgmodel.ManagedByValue)}},
	})
	if err == nil {
		return aws.ToString(out.Policy.PolicySummary.Id), nil
	}
	var dup *types.DuplicatePolicyException
	if !errors.As(err, &dup) {
		return "", wrap("CreatePolicy "+name, err)
	}
	p := organizations.NewListPoliciesPaginator(c.api, &organizations.ListPoliciesInput{Filter: types.PolicyTypeServiceControlPolicy})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", wrap("ListPolicies", err)
		}
		for _, ps := range page.Policies {
			if aws.ToString(ps.Name) == name {
				return aws.ToString(ps.Id), nil
			}
		}
	}
	return "", fmt.Errorf("organizations CreatePolicy %s: AWS says it exists but does not list it", name)
}

// UpdatePolicy replaces a policy's content.
func (c *Client) UpdatePolicy(ctx context.Context, policyID, description, content string) error {
	_, err := c.api.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{
		PolicyId:    aws.String(policyID),
		Description: aws.String(truncate(description, 512)),
		Content:     aws.String(content),
	})
	return wrap("UpdatePolicy "+policyID, err)
}

// AttachPolicy attaches a policy to a root, OU or account.
func (c *Client) AttachPolicy(ctx context.Context, policyID, targetID string) error {
	_, err := c.api.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(targetID)})
	var dup *types.DuplicatePolicyAttachmentException
	if err != nil && !errors.As(err, &dup) {
		return wrap("AttachPolicy "+policyID+" to "+targetID, err)
	}
	return nil
}

// DetachPolicy detaches a policy from a target.
func (c *Client) DetachPolicy(ctx context.Context, policyID, targetID string) error {
	_, err := c.api.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String(policyID), TargetId: aws.String(targetID)})
	var notAttached *types.PolicyNotAttachedException
	if err != nil && !errors.As(err, &notAttached) {
		return wrap("DetachPolicy "+policyID+" from "+targetID, err)
	}
	return nil
}

func awsTags(tags map[string]string) []types.Tag {
	out := make([]types.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// ResourceTags returns the tags of a root, OU, account or policy.
func (c *Client) ResourceTags(ctx context.Context, id string) (map[string]string, error) {
	tags := map[string]string{}
	p := organizations.NewListTagsForResourcePaginator(c.api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("ListTagsForResource "+id, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

// TagResource sets tags on a root, OU, account or policy, leaving its other
// tags alone.
func (c *Client) TagResource(ctx context.Context, id string, tags map[string]string) error {
	_, err := c.api.TagResource(ctx, &organizations.TagResourceInput{ResourceId: aws.String(id), Tags: awsTags(tags)})
	return wrap("TagResource "+id, err)
}

// UntagResource removes tags by key from a root, OU, account or policy.
func (c *Client) UntagResource(ctx context.Context, id string, keys []string) error {
	_, err := c.api.UntagResource(ctx, &organizations.UntagResourceInput{ResourceId: aws.String(id), TagKeys: keys})
	return wrap("UntagResource "+id, err)
}
