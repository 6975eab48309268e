package organizations

import (
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// trusted service access

func (s *Service) enableServiceAccess(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := required("ServicePrincipal", in.ServicePrincipal); err != nil {
		return nil, false, err
	}
	if !strings.HasSuffix(in.ServicePrincipal, ".amazonaws.com") {
		return nil, false, invalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified a service principal that isn't recognized: %q.", in.ServicePrincipal)
	}
	for _, sa := range o.ServiceAccess {
		if sa.Principal == in.ServicePrincipal {
			return struct{}{}, false, nil
		}
	}
	o.ServiceAccess = append(o.ServiceAccess, serviceAccess{Principal: in.ServicePrincipal, EnabledAt: now})
	return struct{}{}, true, nil
}

func (s *Service) disableServiceAccess(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	if err := required("ServicePrincipal", in.ServicePrincipal); err != nil {
		return nil, false, err
	}
	o.ServiceAccess = slices.DeleteFunc(o.ServiceAccess, func(sa serviceAccess) bool { return sa.Principal == in.ServicePrincipal })
	return struct{}{}, true, nil
}

func (s *Service) listServiceAccess(c *core.Caller, in *orgInput, now time.Time) (any, bool, *core.Error) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	type enabled struct {
		ServicePrincipal string
		DateEnabled      *core.Epoch
	}
	list := make([]enabled, 0, len(o.ServiceAccess))
	for _, sa := range o.ServiceAccess {
		list = append(list, enabled{sa.Principal, core.TS(sa.EnabledAt)})
	}
	page, next, err := paginate(list, in, "ListAWSServiceAccessForOrganization", 20)
	if err != nil {
		return nil, false, err
	}
	return paged("EnabledServicePrincipals", page, next), false, nil
}

// EnableTrustedAccess makes the organization orgID trust principal, as a
// service does on AWS when its own API turns its integration on (naming
// GuardDuty's administrator enables GuardDuty as a trusted service). It
// reports whether that changed anything.
func (s *Service) EnableTrustedAccess(orgID, principal string, at time.Time) bool {
	o := s.ix.orgByID[orgID]
	if o == nil || s.TrustedAccess(orgID, principal) {
		return false
	}
	o.ServiceAccess = append(o.ServiceAccess, serviceAccess{Principal: principal, EnabledAt: at})
	return true
}
