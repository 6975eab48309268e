package organizations

import (
	"slices"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// delegated administrators

// delegatedAdmin is one member account registered as the delegated
// administrator of one service principal.
type delegatedAdmin struct {
	Account   string    `json:"account"`
	Principal string    `json:"principal"`
	At        time.Time `json:"at"`
}

// TrustedAccess says whether principal has trusted access to the organization orgID.
func (s *Service) TrustedAccess(orgID, principal string) bool {
	o := s.ix.orgByID[orgID]
	return o != nil && slices.ContainsFunc(o.ServiceAccess, func(sa serviceAccess) bool { return sa.Principal == principal })
}

// DelegatedAdmin says whether account is registered in orgID as the delegated
// administrator for principal.
func (s *Service) DelegatedAdmin(orgID, principal, account string) bool {
	o := s.ix.orgByID[orgID]
	return o != nil && slices.ContainsFunc(o.DelegatedAdmins, func(d delegatedAdmin) bool {
		return d.Principal == principal && d.Account == account
	})
}

// delegationInput checks the members both Register and Deregister take and
// finds the account, which must be a member of the caller's organization.
func (s *Service) delegationInput(c *core.Caller, in *orgInput) (*Organization, *core.Account, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, nil, err
	}
	if err := required("ServicePrincipal", in.ServicePrincipal); err != nil {
		return nil, nil, err
	}
	a, err := s.findAccount(o, in.AccountId)
	if err != nil {
		return nil, nil, err
	}
	return o, a, nil
}

func (s *Service) registerDelegatedAdmin(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, a, err := s.delegationInput(c, in)
	if err != nil {
		return nil, false, err
	}
	if a.ID == o.ManagementID {
		return nil, false, constraint("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
			"You cannot register the management account of the organization as a delegated administrator for an AWS service.")
	}
	// AWS answers a service without trusted access as it answers one it does
	// not know: enable-aws-service-access for the principal first.
	if !s.TrustedAccess(o.ID, in.ServicePrincipal) {
		return nil, false, invalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified an unrecognized service principal.")
	}
	if s.DelegatedAdmin(o.ID, in.ServicePrincipal, a.ID) {
		return nil, false, core.Errf("AccountAlreadyRegisteredException", "The provided account is already a delegated administrator for your organization.")
	}
	o.DelegatedAdmins = append(o.DelegatedAdmins, delegatedAdmin{Account: a.ID, Principal: in.ServicePrincipal, At: now})
	return struct{}{}, true, nil
}

func (s *Service) deregisterDelegatedAdmin(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, a, err := s.delegationInput(c, in)
	if err != nil {
		return nil, false, err
	}
	if !s.DelegatedAdmin(o.ID, in.ServicePrincipal, a.ID) {
		return nil, false, core.Errf("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
	}
	o.DelegatedAdmins = slices.DeleteFunc(o.DelegatedAdmins, func(d delegatedAdmin) bool {
		return d.Principal == in.ServicePrincipal && d.Account == a.ID
	})
	return struct{}{}, true, nil
}

// readerOfDelegations is the caller's organization when it may list the
// delegations: its management account or any delegated administrator.
func (s *Service) readerOfDelegations(c *core.Caller) (*Organization, *core.Error) {
	o, err := s.orgOf(c)
	if err != nil {
		return nil, err
	}
	if o.ManagementID != c.Account.ID && !slices.ContainsFunc(o.DelegatedAdmins, func(d delegatedAdmin) bool { return d.Account == c.Account.ID }) {
		return nil, accessDenied()
	}
	return o, nil
}

func (s *Service) listDelegatedAdmins(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.readerOfDelegations(c)
	if err != nil {
		return nil, false, err
	}
	type adminOut struct {
		accountOut
		DelegationEnabledDate *core.Epoch
	}
	var list []adminOut
	seen := map[string]bool{}
	for _, d := range o.DelegatedAdmins {
		if in.ServicePrincipal != "" && d.Principal != in.ServicePrincipal {
			continue
		}
		if seen[d.Account] {
			continue // one entry per account, dated by its first delegation
		}
		a := s.dir.Account(d.Account)
		if a == nil || a.OrgID != o.ID {
			continue
		}
		seen[d.Account] = true
		list = append(list, adminOut{accountOut: s.accountOut(o, a), DelegationEnabledDate: core.TS(d.At)})
	}
	if list == nil {
		list = []adminOut{}
	}
	page, next, err := paginate(list, in, "ListDelegatedAdministrators"+in.ServicePrincipal, 20)
	if err != nil {
		return nil, false, err
	}
	return paged("DelegatedAdministrators", page, next), false, nil
}

func (s *Service) listDelegatedServices(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.readerOfDelegations(c)
	if err != nil {
		return nil, false, err
	}
	a, err := s.findAccount(o, in.AccountId)
	if err != nil {
		return nil, false, err
	}
	type serviceOut struct {
		ServicePrincipal      string
		DelegationEnabledDate *core.Epoch
	}
	var list []serviceOut
	for _, d := range o.DelegatedAdmins {
		if d.Account == a.ID {
			list = append(list, serviceOut{d.Principal, core.TS(d.At)})
		}
	}
	if list == nil {
		return nil, false, core.Errf("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
	}
	page, next, err := paginate(list, in, "ListDelegatedServicesForAccount"+a.ID, 20)
	if err != nil {
		return nil, false, err
	}
	return paged("DelegatedServices", page, next), false, nil
}
