package organizations

import (
	"slices"
	"time"
)

// RegisterDelegatedAdmin records account as the organization's delegated
// administrator for principal, as a service does on AWS when its own API
// names the administrator (GuardDuty's and Security Hub's
// EnableOrganizationAdminAccount register it in Organizations, where
// ListDelegatedAdministrators then shows it). It reports whether that
// changed anything.
func (s *Service) RegisterDelegatedAdmin(orgID, principal, account string, at time.Time) bool {
	o := s.ix.orgByID[orgID]
	if o == nil || s.DelegatedAdmin(orgID, principal, account) {
		return false
	}
	if a := s.dir.Account(account); a == nil || a.OrgID != orgID || account == o.ManagementID {
		return false
	}
	o.DelegatedAdmins = append(o.DelegatedAdmins, delegatedAdmin{Account: account, Principal: principal, At: at})
	return true
}

// DeregisterDelegatedAdmin drops account as the organization's delegated
// administrator for principal, as GuardDuty does when its last region's
// DisableOrganizationAdminAccount removes it. It reports whether that
// changed anything.
func (s *Service) DeregisterDelegatedAdmin(orgID, principal, account string) bool {
	o := s.ix.orgByID[orgID]
	if o == nil || !s.DelegatedAdmin(orgID, principal, account) {
		return false
	}
	o.DelegatedAdmins = slices.DeleteFunc(o.DelegatedAdmins, func(d delegatedAdmin) bool { return d.Principal == principal && d.Account == account })
	return true
}
