package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// organization

func (s *Sandbox) createOrganization(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	if c.account.OrgID != "" {
		return nil, false, errf("AlreadyInOrganizationException", "The AWS account is already a member of an organization.")
	}
	fs := in.FeatureSet
	if fs == "" {
		fs = "ALL"
	}
	if fs != "ALL" && fs != "CONSOLIDATED_BILLING" {
		return nil, false, invalidInput("INVALID_ENUM", "FeatureSet must be ALL or CONSOLIDATED_BILLING.")
	}
	o := &organization{ID: newOrgID(), ManagementID: c.account.ID, FeatureSet: fs, RootID: newRootID(),
		AccountQuota: s.accountQuota(c.account), CreatedAt: now, Attachments: map[string][]string{}}
	// No policy type is enabled yet, whatever the feature set. AWS's
	// CreateOrganization reference says service control policies come
	// enabled with all features, but AWS does not do so: Terraform's
	// aws_organizations_organization (enabled_policy_types), whose acceptance
	// tests create organizations on AWS, calls EnablePolicyType right after
	// CreateOrganization and fails on PolicyTypeAlreadyEnabledException, and
	// CloudFormation users report every policy type DISABLED on a new
	// organization. The clients conformance test holds the sandbox to it.
	s.addOrganization(o, c.account, now)
	return map[string]any{"Organization": s.orgDescription(o)}, true, nil
}

// addOrganization creates o with mgmt as its management account, with the
// AWS-managed FullAWSAccess SCP attached to the root and the management account.
func (s *Sandbox) addOrganization(o *organization, mgmt *account, now time.Time) {
	o.Policies = append(o.Policies, &policy{ID: fullAWSAccessID, Name: "FullAWSAccess", AWSManaged: true, Type: scpType,
		Description: "Allows access to every operation",
		Content:     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`})
	o.Attachments[o.RootID] = []string{fullAWSAccessID}
	s.st.Organizations = append(s.st.Organizations, o)
	s.ix.orgByID[o.ID] = o
	s.ix.policyByID[o.ID] = map[string]*policy{fullAWSAccessID: o.Policies[0]}
	s.join(o, mgmt, "CREATED", now)
	mgmt.Role = "management"
}

func (s *Sandbox) join(o *organization, a *account, method string, now time.Time) {
	a.OrgID, a.ParentID, a.JoinedMethod, a.JoinedAt = o.ID, o.RootID, method, now
	if a.Role != "management" {
		a.Role = "member"
	}
	s.ix.orgAccounts[o.ID] = append(s.ix.orgAccounts[o.ID], a)
	s.ix.childAccounts[o.RootID] = append(s.ix.childAccounts[o.RootID], a.ID)
	o.Attachments[a.ID] = []string{fullAWSAccessID}
}

func (s *Sandbox) leave(o *organization, a *account) {
	s.ix.childAccounts[a.ParentID] = removeString(s.ix.childAccounts[a.ParentID], a.ID)
	list := s.ix.orgAccounts[o.ID]
	if i := slices.Index(list, a); i >= 0 {
		s.ix.orgAccounts[o.ID] = slices.Delete(list, i, i+1)
	}
	delete(o.Attachments, a.ID)
	a.OrgID, a.ParentID, a.JoinedMethod, a.JoinedAt, a.Role, a.AccessRole = "", "", "", time.Time{}, "standalone", ""
}

func (s *Sandbox) orgDescription(o *organization) map[string]any {
	mgmt := s.ix.accountByID[o.ManagementID]
	types := []policyTypeOut{}
	for _, t := range o.RootPolicyTypes {
		types = append(types, policyTypeOut{Type: t, Status: "ENABLED"})
	}
	return map[string]any{"Id": o.ID, "Arn": orgArn(o), "FeatureSet": o.FeatureSet,
		"MasterAccountArn": fmt.Sprintf("arn:aws:organizations::%s:account/%s/%s", o.ManagementID, o.ID, o.ManagementID),
		"MasterAccountId":  o.ManagementID, "MasterAccountEmail": mgmt.Email, "AvailablePolicyTypes": types}
}

func (s *Sandbox) describeOrganization(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.orgOf(c)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"Organization": s.orgDescription(o)}, false, nil
}

func (s *Sandbox) deleteOrganization(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if len(s.ix.orgAccounts[o.ID]) > 1 || s.ix.inProgress[o.ID] > 0 {
		return nil, false, errf("OrganizationNotEmptyException", "The organization isn't empty. To delete an organization, you must first remove all accounts except the management account.")
	}
	s.leave(o, c.account)
	s.st.Organizations = slices.DeleteFunc(s.st.Organizations, func(x *organization) bool { return x == o })
	s.ix = s.st.buildIndex()
	return struct{}{}, true, nil
}

func (s *Sandbox) listRoots(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
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

func (s *Sandbox) checkRoot(o *organization, id string) *awsError {
	if err := required("RootId", id); err != nil {
		return err
	}
	if !rootIDPattern.MatchString(id) {
		return invalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern: %q is not a root id.", id)
	}
	if id != o.RootID {
		return errf("RootNotFoundException", "We can't find a root with the RootId that you specified.")
	}
	return nil
}

func validPolicyType(t string) *awsError {
	if _, ok := maxPolicySize[t]; !ok {
		return invalidInput("INVALID_ENUM_POLICY_TYPE", "You specified an invalid policy type %q.", t)
	}
	return nil
}

func (s *Sandbox) enablePolicyType(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
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
		return nil, false, errf("PolicyTypeNotAvailableForOrganizationException", "You can't use the specified policy type with the feature set currently enabled for this organization.")
	}
	if slices.Contains(o.RootPolicyTypes, in.PolicyType) {
		return nil, false, errf("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.")
	}
	o.RootPolicyTypes = append(o.RootPolicyTypes, in.PolicyType)
	return map[string]any{"Root": s.rootOut(o)}, true, nil
}

func (s *Sandbox) disablePolicyType(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
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
		return nil, false, errf("PolicyTypeNotEnabledException", "This operation can be performed only for enabled policy types.")
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
