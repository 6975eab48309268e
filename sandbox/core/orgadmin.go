package core

import (
	"slices"
	"time"
)

// What GuardDuty, Security Hub and Access Analyzer share: an organization's
// delegated administrator per region, the members it enrolled, what they
// ask of Organizations, and their route tables.

// OrgAdmin is an organization's delegated administrator of a service in
// one region (GuardDuty's, Security Hub's EnableOrganizationAdminAccount).
// Both services name it per region but allow one delegated administrator
// for all regions (see AdminElsewhere), registered in Organizations as the
// service's delegated administrator, whose deregistration there removes it
// in all regions; Access Analyzer's is not one of these: Organizations
// registers it for the whole organization.
type OrgAdmin struct {
	OrgID     string    `json:"organizationId"`
	Region    string    `json:"region"`
	Account   string    `json:"account"`
	EnabledAt time.Time `json:"enabledAt"`
}

// OrgMember is an account an administrator enrolled with CreateMembers, in
// one region.
type OrgMember struct {
	Admin     string    `json:"admin"`
	Region    string    `json:"region"`
	Account   string    `json:"account"`
	Email     string    `json:"email,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// AdminIn is orgID's administrator in region among admins; nil when none is named.
func AdminIn(admins []*OrgAdmin, orgID, region string) *OrgAdmin {
	i := slices.IndexFunc(admins, func(a *OrgAdmin) bool { return a.OrgID == orgID && a.Region == region })
	if i < 0 {
		return nil
	}
	return admins[i]
}

// AdminElsewhere is an administrator of orgID, in any region, that is
// neither account nor one of also (a service may allow the management
// account beside its delegated administrator); nil when there is none.
// GuardDuty and Security Hub refuse a second delegated administrator while
// one is named in some region.
func AdminElsewhere(admins []*OrgAdmin, orgID, account string, also ...string) *OrgAdmin {
	i := slices.IndexFunc(admins, func(a *OrgAdmin) bool {
		return a.OrgID == orgID && a.Account != account && !slices.Contains(also, a.Account)
	})
	if i < 0 {
		return nil
	}
	return admins[i]
}

// MemberIn is account as admin's member in region among members; nil when it is not one.
func MemberIn(members []*OrgMember, admin, region, account string) *OrgMember {
	i := slices.IndexFunc(members, func(m *OrgMember) bool { return m.Admin == admin && m.Region == region && m.Account == account })
	if i < 0 {
		return nil
	}
	return members[i]
}

// SecurityOrgs is what the security services ask of Organizations: the
// organizations, trusted access and delegated administrators, which a
// service's own API may turn on as at AWS (GuardDuty's and Security Hub's
// EnableOrganizationAdminAccount register the administrator; GuardDuty's
// also turns trusted access on).
type SecurityOrgs interface {
	Organizations
	Delegations
	// EnableTrustedAccess makes the organization trust principal, as EnableAWSServiceAccess does.
	EnableTrustedAccess(orgID, principal string, now time.Time)
	// RegisterDelegatedAdmin records account as the organization's
	// delegated administrator for principal in Organizations.
	RegisterDelegatedAdmin(orgID, principal, account string, now time.Time)
	// DeregisterDelegatedAdmin drops that record (GuardDuty and Security
	// Hub do once the account administers no region).
	DeregisterDelegatedAdmin(orgID, principal, account string)
}

// Routes are a REST service's operations: method, path pattern, operation.
type Routes [][3]string

// Known says whether op is one of the routes', for the call record.
func (r Routes) Known(op string) bool {
	return slices.ContainsFunc(r, func(x [3]string) bool { return x[2] == op })
}
