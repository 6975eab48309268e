package organizations

import (
	"fmt"
	"slices"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// organization

func (s *Service) createOrganization(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	if c.Account.OrgID != "" {
		return nil, false, core.Errf("AlreadyInOrganizationException", "The AWS account is already a member of an organization.")
	}
	fs := in.FeatureSet
	if fs == "" {
		fs = "ALL"
	}
	if fs != "ALL" && fs != "CONSOLIDATED_BILLING" {
		return nil, false, invalidInput("INVALID_ENUM", "FeatureSet must be ALL or CONSOLIDATED_BILLING.")
	}
	o := &Organization{ID: newOrgID(), ManagementID: c.Account.ID, FeatureSet: fs, RootID: newRootID(),
		AccountQuota: s.AccountQuota(c.Account), CreatedAt: now, Attachments: map[string][]string{}}
	// No policy type is enabled yet, whatever the feature set. AWS's
	// CreateOrganization reference says service control policies come
	// enabled with all features, but AWS does not do so: Terraform's
	// aws_organizations_organization (enabled_policy_types), whose acceptance
	// tests create organizations on AWS, calls EnablePolicyType right after
	// CreateOrganization and fails on PolicyTypeAlreadyEnabledException, and
	// CloudFormation users report every policy type DISABLED on a new
	// organization. The clients conformance test holds the sandbox to it.
	s.addOrganization(o, c.Account, now)
	return map[string]any{"Organization": s.orgDescription(o)}, true, nil
}

// addOrganization creates o with mgmt as its management account, with the
// AWS-managed FullAWSAccess SCP attached to the root and the management account.
func (s *Service) addOrganization(o *Organization, mgmt *core.Account, now time.Time) {
	o.Policies = append(o.Policies, &Policy{ID: fullAWSAccessID, Name: "FullAWSAccess", AWSManaged: true, Type: SCPType,
		Description: "Allows access to every operation",
		Content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`})
	o.Attachments[o.RootID] = []string{fullAWSAccessID}
	*s.orgs = append(*s.orgs, o)
	s.ix.orgByID[o.ID] = o
	s.ix.policyByID[o.ID] = map[string]*Policy{fullAWSAccessID: o.Policies[0]}
	s.join(o, mgmt, "CREATED", now)
	mgmt.Role = "management"
}

func (s *Service) join(o *Organization, a *core.Account, method string, now time.Time) {
	a.OrgID, a.ParentID, a.JoinedMethod, a.JoinedAt = o.ID, o.RootID, method, now
	if a.Role != "management" {
		a.Role = "member"
	}
	s.ix.orgAccounts[o.ID] = append(s.ix.orgAccounts[o.ID], a)
	s.ix.childAccounts[o.RootID] = append(s.ix.childAccounts[o.RootID], a.ID)
	o.Attachments[a.ID] = []string{fullAWSAccessID}
}

func (s *Service) leave(o *Organization, a *core.Account) {
	s.ix.childAccounts[a.ParentID] = removeString(s.ix.childAccounts[a.ParentID], a.ID)
	list := s.ix.orgAccounts[o.ID]
	if i := slices.Index(list, a); i >= 0 {
		s.ix.orgAccounts[o.ID] = slices.Delete(list, i, i+1)
	}
	delete(o.Attachments, a.ID)
	a.OrgID, a.ParentID, a.JoinedMethod, a.JoinedAt, a.Role, a.AccessRole = "", "", "", time.Time{}, "standalone", ""
}

func (s *Service) orgDescription(o *Organization) map[string]any {
	mgmt := s.dir.Account(o.ManagementID)
	types := []policyTypeOut{}
	for _, t := range o.RootPolicyTypes {
		types = append(types, policyTypeOut{Type: t, Status: "ENABLED"})
	}
	return map[string]any{"Id": o.ID, "Arn": orgArn(o), "FeatureSet": o.FeatureSet,
		"MasterAccountArn": fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", o.ManagementID, o.ID, o.ManagementID),
		"MasterAccountId":  o.ManagementID, "MasterAccountEmail": mgmt.Email, "AvailablePolicyTypes": types}
}

func (s *Service) describeOrganization(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.orgOf(c)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Organization": s.orgDescription(o)}, false, nil
}

func (s *Service) deleteOrganization(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if len(s.ix.orgAccounts[o.ID]) > 1 || s.ix.inProgress[o.ID] > 0 {
		return nil, false, core.Errf("OrganizationNotEmptyException", "The organization isn't empty. To delete an organization, you must first remove all accounts except the management account.")
	}
	s.leave(o, c.Account)
	*s.orgs = slices.DeleteFunc(*s.orgs, func(x *Organization) bool { return x == o })
	s.reindex()
	return struct{}{}, true, nil
}

func (s *Service) listRoots(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	roots, next, err := paginate([]rootOut{s.rootOut(o)}, in, "ListRoots", 20)
	if err != nil {
		return nil, false, err
	}
	return paged("Roots", roots, next), false, nil
}

func (s *Service) checkRoot(o *Organization, id string) *core.Error {
	if err := required("RootId", id); err != nil {
		return err
	}
	if !rootIDPattern.MatchString(id) {
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a root id.", id)
	}
	if id != o.RootID {
		return core.Errf("RootNotFoundException", "We can't find a root with the RootId that you specified.")
	}
	return nil
}

func validPolicyType(t string) *core.Error {
	if _, ok := maxPolicySize[t]; !ok {
		return invalidInput("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type %q.", t)
	}
	return nil
}

func (s *Service) enablePolicyType(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkRoot(o, in.RootId); err != nil {
		return nil, false, err
	}
	if err := validPolicyType(in.PolicyType); err != nil {
		return nil, false, err
	}
	if o.FeatureSet != "ALL" {
		return nil, false, core.Errf("PolicyTypeNotAvailableForOrganizationException", "You can't use the specified policy type with the feature set currently enabled for this organization.")
	}
	if slices.Contains(o.RootPolicyTypes, in.PolicyType) {
		return nil, false, core.Errf("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
	}
	o.RootPolicyTypes = append(o.RootPolicyTypes, in.PolicyType)
	return map[string]any{"Root": s.rootOut(o)}, true, nil
}

func (s *Service) disablePolicyType(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkRoot(o, in.RootId); err != nil {
		return nil, false, err
	}
	if err := validPolicyType(in.PolicyType); err != nil {
		return nil, false, err
	}
	if !slices.Contains(o.RootPolicyTypes, in.PolicyType) {
		return nil, false, core.Errf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
	}
	o.RootPolicyTypes = removeString(o.RootPolicyTypes, in.PolicyType)
	// Disabling a type detaches the customer policies of that type everywhere,
	// as AWS does; FullAWSAccess stays where it was.
	pols := s.ix.policyByID[o.ID]
	for target, ids := range o.Attachments {
		o.Attachments[target] = slices.DeleteFunc(ids, func(id string) bool {
			return id != fullAWSAccessID && pols[id] != nil && pols[id].Type == in.PolicyType
		})
	}
	return map[string]any{"Root": s.rootOut(o)}, true, nil
}
