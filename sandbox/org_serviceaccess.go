package sandbox

import (
	"slices"
	"strings"
	"time"
)

// trusted service access

func (s *Sandbox) enableServiceAccess(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
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

func (s *Sandbox) disableServiceAccess(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
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

func (s *Sandbox) listServiceAccess(c *caller, in *orgInput, now time.Time) (any, bool, *awsError) {
	o, err := s.managed(c)
	if err != nil {
		return nil, false, err
	}
	type enabled struct {
		ServicePrincipal string
		DateEnabled      *epoch
	}
	list := make([]enabled, 0, len(o.ServiceAccess))
	for _, sa := range o.ServiceAccess {
		list = append(list, enabled{sa.Principal, ts(sa.EnabledAt)})
	}
	page, next, err := paginate(list, in, "ListAWSServiceAccessForOrganization", 20)
	if err != nil {
		return nil, false, err
	}
	return paged("EnabledServicePrincipals", page, next), false, nil
}
