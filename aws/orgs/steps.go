package orgs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

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
//
// For the same reason the SDK never sends it again by itself, except after
// a refusal AWS answered (throttling, a conflict): when the answer is lost
// (the connection dropped, a timeout, a 5xx that may come after the work)
// AWS may have accepted it, and the error is an *OutcomeUnknownError. The
// caller then looks the creation up (FindCreation) before sending again.
func (c *Client) StartAccountCreation(ctx context.Context, name, email string, tags map[string]string) (orgmodel.AccountCreation, error) {
	out, err := c.api.CreateAccount(ctx, &organizations.CreateAccountInput{
		AccountName: aws.String(name),
		Email:       aws.String(email),
		Tags:        awsTags(tags),
	}, retryOnlyRefusals)
	if err != nil {
		if !Refused(err) {
			return orgmodel.AccountCreation{}, &OutcomeUnknownError{Op: "CreateAccount " + name, Err: err}
		}
		return orgmodel.AccountCreation{}, wrap("CreateAccount "+name, err)
	}
	return creationOf(*out.CreateAccountStatus), nil
}

// OutcomeUnknownError is a call that may or may not have been carried out:
// AWS's answer never came.
type OutcomeUnknownError struct {
	Op  string
	Err error
}

func (e *OutcomeUnknownError) Error() string {
	return "organizations " + e.Op + ": no answer from AWS, which may have accepted it: " + e.Err.Error()
}
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// IsOutcomeUnknown reports whether err is an *OutcomeUnknownError.
func IsOutcomeUnknown(err error) bool {
	var u *OutcomeUnknownError
	return errors.As(err, &u)
}

// Refused reports whether AWS answered the call with a refusal (an HTTP 4xx
// answer): then it did nothing. Anything else, no answer or a 5xx, leaves
// the outcome unknown.
func Refused(err error) bool {
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) {
		return false
	}
	code := re.HTTPStatusCode()
	return code >= 400 && code < 500
}

// retryOnlyRefusals keeps the client's retryer (its attempts and backoff)
// but lets it try again only after a refusal: a non-idempotent call whose
// answer was lost is never sent a second time behind the caller's back.
func retryOnlyRefusals(o *organizations.Options) {
	o.Retryer = refusalsOnly{o.Retryer}
}

type refusalsOnly struct{ aws.Retryer }

func (r refusalsOnly) IsErrorRetryable(err error) bool {
	return Refused(err) && r.Retryer.IsErrorRetryable(err)
}

// creationWindow is how far before the journalled send time FindCreation
// still counts a creation as the one sent: AWS's clock and this machine's
// may differ.
const creationWindow = 2 * time.Minute

// FindCreation looks for the creation of an account whose CreateAccount went
// unanswered (or whose apply was killed before the answer): first among
// AWS's creation requests of every state for that name, requested since
// `since` (less a margin for the clocks), the latest first; then among the
// accounts in the root (where a new account lands) by email, then name. It
// reports false when AWS has no trace of it: only then may it be sent again.
func (c *Client) FindCreation(ctx context.Context, name, email string, since time.Time) (orgmodel.AccountCreation, bool, error) {
	all, err := c.listCreations(ctx)
	if err != nil {
		return orgmodel.AccountCreation{}, false, err
	}
	var best orgmodel.AccountCreation
	found := false
	for _, cr := range all {
		if cr.AccountName != name || (!cr.Requested.IsZero() && !since.IsZero() && cr.Requested.Before(since.Add(-creationWindow))) {
			continue
		}
		if !found || cr.Requested.After(best.Requested) || (cr.Requested.Equal(best.Requested) && cr.State == orgmodel.CreationInProgress) {
			best, found = cr, true
		}
	}
	if found {
		return best, true, nil
	}
	root, err := c.RootID(ctx)
	if err != nil {
		return orgmodel.AccountCreation{}, false, err
	}
	var byName *types.Account
	p := organizations.NewListAccountsForParentPaginator(c.api, &organizations.ListAccountsForParentInput{ParentId: aws.String(root)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return orgmodel.AccountCreation{}, false, wrap("ListAccountsForParent", err)
		}
		for _, acc := range page.Accounts {
			if strings.EqualFold(aws.ToString(acc.Email), email) {
				return orgmodel.AccountCreation{AccountName: name, State: orgmodel.CreationSucceeded, AccountID: aws.ToString(acc.Id)}, true, nil
			}
			if aws.ToString(acc.Name) == name && byName == nil {
				byName = &acc
			}
		}
	}
	if byName != nil {
		return orgmodel.AccountCreation{AccountName: name, State: orgmodel.CreationSucceeded, AccountID: aws.ToString(byName.Id)}, true, nil
	}
	return orgmodel.AccountCreation{}, false, nil
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
	if err == nil || errors.As(err, &dup) {
		return nil
	}
	// Sent again after a lost answer, the move finds the account gone from
	// its source: done, if it is where it was going.
	var notFound *types.AccountNotFoundException
	if errors.As(err, &notFound) {
		if there, lerr := c.hasAccount(ctx, toID, accountID); lerr == nil && there {
			return nil
		}
	}
	return wrap("MoveAccount "+accountID, err)
}

// hasAccount reports whether accountID is directly under parentID.
func (c *Client) hasAccount(ctx context.Context, parentID, accountID string) (bool, error) {
	p := organizations.NewListAccountsForParentPaginator(c.api, &organizations.ListAccountsForParentInput{ParentId: aws.String(parentID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		for _, a := range page.Accounts {
			if aws.ToString(a.Id) == accountID {
				return true, nil
			}
		}
	}
	return false, nil
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
