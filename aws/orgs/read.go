package orgs

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"golang.org/x/sync/errgroup"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Read reads the whole organization: the root, OUs to any depth, accounts
// with their parents and tags, service control policies with their targets,
// and the account creations AWS knows of. Independent calls run in parallel,
// at most c.parallel at once. An account in no organization reads as an
// Actual with a nil Organization.
func (c *Client) Read(ctx context.Context) (*orgmodel.Actual, error) {
	org, err := c.api.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		if IsNotInUse(err) {
			return &orgmodel.Actual{}, nil
		}
		// Any account of an organization may call DescribeOrganization:
		// AccessDenied here is a permission the credentials lack.
		return nil, wrap("DescribeOrganization", err)
	}
	a := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{
		ID:                  aws.ToString(org.Organization.Id),
		ManagementAccountID: aws.ToString(org.Organization.MasterAccountId),
		ManagementEmail:     aws.ToString(org.Organization.MasterAccountEmail),
		FeatureSet:          string(org.Organization.FeatureSet),
	}}
	if c.caller != "" && c.caller != a.Organization.ManagementAccountID {
		return nil, &NotManagementError{Caller: c.caller, Organization: *a.Organization}
	}

	// The creations AWS has in progress are read before any account is
	// listed, and looked at again once every account is: a creation that
	// ends during the read then shows as ended, never as nothing at all.
	var (
		roots      *organizations.ListRootsOutput
		inProgress []orgmodel.AccountCreation
	)
	pre, pctx := errgroup.WithContext(ctx)
	pre.Go(func() (err error) {
		roots, err = c.api.ListRoots(pctx, &organizations.ListRootsInput{})
		var denied *types.AccessDeniedException
		if err != nil && c.caller == "" && errors.As(err, &denied) {
			// The caller is not known: a member account is the likely
			// reason, as only the management account may list roots.
			return &NotManagementError{Organization: *a.Organization}
		}
		return wrap("ListRoots", err)
	})
	pre.Go(func() (err error) {
		inProgress, err = c.listCreations(pctx, types.CreateAccountStateInProgress)
		return err
	})
	if err := pre.Wait(); err != nil {
		return nil, err
	}
	if len(roots.Roots) == 0 {
		return nil, errors.New("organizations ListRoots: the organization has no root")
	}
	root := roots.Roots[0]
	a.RootID = aws.ToString(root.Id)
	for _, pt := range root.PolicyTypes {
		if pt.Type == types.PolicyTypeServiceControlPolicy && pt.Status == types.PolicyTypeStatusEnabled {
			a.SCPEnabled = true
		}
	}

	r := &reader{c: c, a: a, sem: make(chan struct{}, c.parallel)}
	g, gctx := errgroup.WithContext(ctx)
	r.g, r.ctx = g, gctx
	g.Go(func() error { return r.parent(a.RootID) })
	g.Go(r.policies)
	g.Go(r.failedCreations)
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := r.recheck(ctx, inProgress); err != nil {
		return nil, err
	}
	// The walk finishes in any order; a stable order keeps plans and
	// outputs the same from one read to the next.
	slices.SortFunc(a.OUs, func(x, y orgmodel.ActualOU) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(a.Accounts, func(x, y orgmodel.ActualAccount) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(a.Policies, func(x, y orgmodel.ActualPolicy) int { return strings.Compare(x.Name, y.Name) })
	return a, nil
}

// reader fills one Actual from many goroutines.
type reader struct {
	c   *Client
	a   *orgmodel.Actual
	mu  sync.Mutex
	sem chan struct{}
	g   *errgroup.Group
	ctx context.Context
}

// call runs one API call within the bound on calls in flight.
func (r *reader) call(fn func() error) error {
	select {
	case r.sem <- struct{}{}:
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	defer func() { <-r.sem }()
	return fn()
}

// parent lists the OUs and accounts directly under id, and descends.
func (r *reader) parent(id string) error {
	r.g.Go(func() error {
		p := organizations.NewListAccountsForParentPaginator(r.c.api, &organizations.ListAccountsForParentInput{ParentId: aws.String(id)})
		for p.HasMorePages() {
			var page *organizations.ListAccountsForParentOutput
			if err := r.call(func() (err error) { page, err = p.NextPage(r.ctx); return err }); err != nil {
				return wrap("ListAccountsForParent", err)
			}
			for _, acc := range page.Accounts {
				i := r.addAccount(acc, id)
				accountID := aws.ToString(acc.Id)
				r.g.Go(func() error { return r.tags(i, accountID) })
			}
		}
		return nil
	})
	p := organizations.NewListOrganizationalUnitsForParentPaginator(r.c.api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(id)})
	for p.HasMorePages() {
		var page *organizations.ListOrganizationalUnitsForParentOutput
		if err := r.call(func() (err error) { page, err = p.NextPage(r.ctx); return err }); err != nil {
			return wrap("ListOrganizationalUnitsForParent", err)
		}
		for _, ou := range page.OrganizationalUnits {
			ouID := aws.ToString(ou.Id)
			r.mu.Lock()
			r.a.OUs = append(r.a.OUs, orgmodel.ActualOU{ID: ouID, ParentID: id, Name: aws.ToString(ou.Name)})
			r.mu.Unlock()
			r.g.Go(func() error { return r.parent(ouID) })
		}
	}
	return nil
}

// addAccount appends an account and returns its index. Accounts are stored by
// index so that the tags, read later, land on the right one.
func (r *reader) addAccount(acc types.Account, parentID string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.a.Accounts = append(r.a.Accounts, orgmodel.ActualAccount{
		ID:       aws.ToString(acc.Id),
		Name:     aws.ToString(acc.Name),
		Email:    aws.ToString(acc.Email),
		ParentID: parentID,
		Status:   string(acc.Status),

		JoinedMethod: string(acc.JoinedMethod),
	})
	return len(r.a.Accounts) - 1
}

func (r *reader) tags(i int, accountID string) error {
	tags := map[string]string{}
	p := organizations.NewListTagsForResourcePaginator(r.c.api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(accountID)})
	for p.HasMorePages() {
		var page *organizations.ListTagsForResourceOutput
		if err := r.call(func() (err error) { page, err = p.NextPage(r.ctx); return err }); err != nil {
			return wrap("ListTagsForResource "+accountID, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	r.mu.Lock()
	r.a.Accounts[i].Tags = tags
	r.mu.Unlock()
	return nil
}

func (r *reader) policies() error {
	if !r.a.SCPEnabled {
		return nil // no SCP can exist or be attached before the type is enabled
	}
	p := organizations.NewListPoliciesPaginator(r.c.api, &organizations.ListPoliciesInput{Filter: types.PolicyTypeServiceControlPolicy})
	for p.HasMorePages() {
		var page *organizations.ListPoliciesOutput
		if err := r.call(func() (err error) { page, err = p.NextPage(r.ctx); return err }); err != nil {
			return wrap("ListPolicies", err)
		}
		for _, ps := range page.Policies {
			r.mu.Lock()
			r.a.Policies = append(r.a.Policies, orgmodel.ActualPolicy{ID: aws.ToString(ps.Id), Name: aws.ToString(ps.Name), Description: aws.ToString(ps.Description), AWSManaged: ps.AwsManaged})
			i := len(r.a.Policies) - 1
			r.mu.Unlock()
			r.g.Go(func() error { return r.policy(i, aws.ToString(ps.Id), ps.AwsManaged) })
		}
	}
	return nil
}

func (r *reader) policy(i int, id string, awsManaged bool) error {
	if awsManaged {
		// AWS's managed policies (FullAWSAccess) are never changed, and
		// sit on every root, OU and account: listing their targets would
		// cost a call per twenty targets for nothing.
		return nil
	}
	var out *organizations.DescribePolicyOutput
	if err := r.call(func() (err error) {
		out, err = r.c.api.DescribePolicy(r.ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
		return err
	}); err != nil {
		return wrap("DescribePolicy "+id, err)
	}
	var content string
	if out.Policy != nil {
		content = aws.ToString(out.Policy.Content)
	}
	var targets []string
	p := organizations.NewListTargetsForPolicyPaginator(r.c.api, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(id)})
	for p.HasMorePages() {
		var page *organizations.ListTargetsForPolicyOutput
		if err := r.call(func() (err error) { page, err = p.NextPage(r.ctx); return err }); err != nil {
			return wrap("ListTargetsForPolicy "+id, err)
		}
		for _, t := range page.Targets {
			targets = append(targets, aws.ToString(t.TargetId))
		}
	}
	r.mu.Lock()
	r.a.Policies[i].Content = content
	r.a.Policies[i].Targets = targets
	r.mu.Unlock()
	return nil
}

// listCreations lists the account creations AWS knows of in the given
// states (all states when none is given).
func (c *Client) listCreations(ctx context.Context, states ...types.CreateAccountState) ([]orgmodel.AccountCreation, error) {
	var out []orgmodel.AccountCreation
	p := organizations.NewListCreateAccountStatusPaginator(c.api, &organizations.ListCreateAccountStatusInput{States: states})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("ListCreateAccountStatus", err)
		}
		for _, s := range page.CreateAccountStatuses {
			out = append(out, creationOf(s))
		}
	}
	return out, nil
}

// failedCreations reads the creations AWS ended as FAILED, so that the plan
// can say why an account is still missing. Succeeded ones are not read:
// their accounts are in the organization, and that history grows with every
// account ever created.
func (r *reader) failedCreations() error {
	var failed []orgmodel.AccountCreation
	if err := r.call(func() (err error) {
		failed, err = r.c.listCreations(r.ctx, types.CreateAccountStateFailed)
		return err
	}); err != nil {
		return err
	}
	r.mu.Lock()
	r.a.Creations = append(r.a.Creations, failed...)
	r.mu.Unlock()
	return nil
}

// recheck looks again, once every account is listed, at the creations that
// were in progress when the read began. One that ended since is reported
// as ended: SUCCEEDED with its account id (whose account the listing may
// have missed) or FAILED with its reason.
func (r *reader) recheck(ctx context.Context, inProgress []orgmodel.AccountCreation) error {
	if len(inProgress) == 0 {
		return nil
	}
	now := make([]orgmodel.AccountCreation, len(inProgress))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.c.parallel)
	for i, c := range inProgress {
		g.Go(func() error {
			out, err := r.c.api.DescribeCreateAccountStatus(gctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String(c.RequestID)})
			var notFound *types.CreateAccountStatusNotFoundException
			switch {
			case errors.As(err, &notFound):
				now[i] = c // listed a moment ago: keep what AWS said then
				return nil
			case err != nil:
				return wrap("DescribeCreateAccountStatus "+c.RequestID, err)
			}
			now[i] = creationOf(*out.CreateAccountStatus)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// A failure read by both listings appears once.
	seen := map[string]bool{}
	for _, c := range r.a.Creations {
		seen[c.RequestID] = true
	}
	for _, c := range now {
		if !seen[c.RequestID] {
			r.a.Creations = append(r.a.Creations, c)
		}
	}
	slices.SortFunc(r.a.Creations, func(x, y orgmodel.AccountCreation) int {
		if c := x.Requested.Compare(y.Requested); c != 0 {
			return c
		}
		return strings.Compare(x.RequestID, y.RequestID)
	})
	return nil
}

func creationOf(s types.CreateAccountStatus) orgmodel.AccountCreation {
	return orgmodel.AccountCreation{
		RequestID:     aws.ToString(s.Id),
		AccountName:   aws.ToString(s.AccountName),
		State:         string(s.State),
		AccountID:     aws.ToString(s.AccountId),
		FailureReason: string(s.FailureReason),
		Requested:     aws.ToTime(s.RequestedTimestamp),
		Completed:     aws.ToTime(s.CompletedTimestamp),
	}
}
