// Package securityhub is the sandbox's AWS Security Hub (restJson1): the hub
// of an account in a region, the organization's delegated administrator
// (named from the management account once Organizations trusts
// securityhub.amazonaws.com; Security Hub is then on in that account, as at
// AWS), its organization configuration and its members. Per region, but
// with one delegated administrator for all regions, as at AWS (see
// enableAdmin).
package securityhub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// ServicePrincipal is the principal Organizations must trust before an administrator can be named.
const ServicePrincipal = "securityhub.amazonaws.com"

// State is Security Hub's part of the sandbox state.
type State struct {
	Hubs    []*Hub    `json:"hubs,omitempty"`
	Admins  []*Admin  `json:"admins,omitempty"`
	Members []*Member `json:"members,omitempty"`
}

// Hub is Security Hub turned on in one account and region; an
// administrator's hub holds its organization configuration.
type Hub struct {
	Account      string            `json:"account"`
	Region       string            `json:"region"`
	SubscribedAt time.Time         `json:"subscribedAt"`
	Tags         map[string]string `json:"tags,omitempty"`
	// AutoEnable and AutoEnableStandards are the administrator's UpdateOrganizationConfiguration.
	AutoEnable          bool   `json:"autoEnable,omitempty"`
	AutoEnableStandards string `json:"autoEnableStandards,omitempty"`
	ConfigurationType   string `json:"configurationType,omitempty"`
	// AutoEnableSince is when AutoEnable was turned on: accounts that join later become members.
	AutoEnableSince time.Time `json:"autoEnableSince,omitzero"`
}

// ARN is the hub's ARN.
func (h *Hub) ARN() string {
	return "arn:aws:securityhub:" + h.Region + ":" + h.Account + ":hub/default"
}

// Admin is an organization's delegated Security Hub administrator in one region.
type Admin = core.OrgAdmin

// Member is an account the administrator added with CreateMembers.
type Member = core.OrgMember

// Env is what Security Hub asks of the rest of the sandbox.
type Env = core.SecurityOrgs

// Service answers Security Hub's calls over its state.
type Service struct {
	st  *State
	env Env
}

// New builds the service over st.
func New(st *State, env Env) *Service { return &Service{st: st, env: env} }

// Routes are the served operations' HTTP bindings: method, path pattern, operation.
var Routes = core.Routes{
	{"POST", "/accounts", "EnableSecurityHub"},
	{"GET", "/accounts", "DescribeHub"},
	{"POST", "/organization/admin/enable", "EnableOrganizationAdminAccount"},
	{"POST", "/organization/admin/disable", "DisableOrganizationAdminAccount"},
	{"GET", "/organization/admin", "ListOrganizationAdminAccounts"},
	{"POST", "/organization/configuration", "UpdateOrganizationConfiguration"},
	{"GET", "/organization/configuration", "DescribeOrganizationConfiguration"},
	{"POST", "/members", "CreateMembers"},
	{"GET", "/members", "ListMembers"},
}

type input struct {
	Tags                      map[string]string
	EnableDefaultStandards    *bool
	ControlFindingGenerator   string
	HubArn                    string
	AdminAccountId            string
	Feature                   string
	AutoEnable                *bool
	AutoEnableStandards       string
	OrganizationConfiguration *struct{ ConfigurationType string }
	AccountDetails            []struct{ AccountId, Email string }
	OnlyAssociated            string
	MaxResults                string
	NextToken                 string
}

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

func invalidInput(format string, args ...any) *core.Error {
	return core.Errf("InvalidInputException", format, args...)
}

func accessDenied(format string, args ...any) *core.Error {
	return &core.Error{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: fmt.Sprintf(format, args...)}
}

func invalidAccess(format string, args ...any) *core.Error {
	return &core.Error{Status: http.StatusUnauthorized, Code: "InvalidAccessException", Message: fmt.Sprintf(format, args...)}
}

// Serve answers one call: the answer, whether the state changed, or an error.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
	var in input
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, invalidInput("The request is not valid JSON: %v", err)
		}
	}
	pruned := s.prune(c)
	v, changed, err := s.serve(c, op, &in, now)
	return v, changed || pruned, err
}

func (s *Service) serve(c *core.Caller, op string, in *input, now time.Time) (any, bool, *core.Error) {
	switch op {
	case "EnableSecurityHub":
		return s.enable(c, in, now)
	case "DescribeHub":
		return s.describeHub(c, in)
	case "EnableOrganizationAdminAccount":
		return s.enableAdmin(c, in, now)
	case "DisableOrganizationAdminAccount":
		return s.disableAdmin(c, in)
	case "ListOrganizationAdminAccounts":
		return s.listAdmins(c, in)
	case "UpdateOrganizationConfiguration":
		return s.updateOrgConfig(c, in, now)
	case "DescribeOrganizationConfiguration":
		return s.describeOrgConfig(c)
	case "CreateMembers":
		return s.createMembers(c, in, now)
	case "ListMembers":
		return s.listMembers(c, in)
	}
	return nil, false, &core.Error{Status: http.StatusNotFound, Code: "UnknownOperationException", Message: "The sandbox does not serve Security Hub's " + op}
}

func (s *Service) hubOf(account, region string) *Hub {
	for _, h := range s.st.Hubs {
		if h.Account == account && h.Region == region {
			return h
		}
	}
	return nil
}

func (s *Service) subscribed(c *core.Caller) (*Hub, *core.Error) {
	h := s.hubOf(c.Account.ID, c.Region)
	if h == nil {
		return nil, invalidAccess("Account %s is not subscribed to AWS Security Hub in %s: enable it first (securityhub enable-security-hub).", c.Account.ID, c.Region)
	}
	return h, nil
}

func (s *Service) enable(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	if g := in.ControlFindingGenerator; g != "" && g != "STANDARD_CONTROL" && g != "SECURITY_CONTROL" {
		return nil, false, invalidInput("ControlFindingGenerator %q is not STANDARD_CONTROL or SECURITY_CONTROL.", g)
	}
	if s.hubOf(c.Account.ID, c.Region) != nil {
		return nil, false, &core.Error{Status: http.StatusConflict, Code: "ResourceConflictException",
			Message: "Account " + c.Account.ID + " is already subscribed to Security Hub"}
	}
	s.st.Hubs = append(s.st.Hubs, &Hub{Account: c.Account.ID, Region: c.Region, SubscribedAt: now, Tags: in.Tags})
	return struct{}{}, true, nil
}

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Service) describeHub(c *core.Caller, in *input) (any, bool, *core.Error) {
	h, err := s.subscribed(c)
	if err != nil {
		return nil, false, err
	}
	if in.HubArn != "" && in.HubArn != h.ARN() {
		return nil, false, invalidInput("HubArn %s is not the hub of account %s in %s (%s).", in.HubArn, c.Account.ID, c.Region, h.ARN())
	}
	return map[string]any{"HubArn": h.ARN(), "SubscribedAt": iso(h.SubscribedAt), "AutoEnableControls": true,
		"ControlFindingGenerator": "SECURITY_CONTROL"}, false, nil
}

func (s *Service) enableAdmin(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	if !accountIDPattern.MatchString(in.AdminAccountId) {
		return nil, false, invalidInput("AdminAccountId %q is not a 12-digit account id.", in.AdminAccountId)
	}
	if in.Feature != "" && in.Feature != "SecurityHub" && in.Feature != "SecurityHubV2" {
		return nil, false, invalidInput("Feature %q is not SecurityHub or SecurityHubV2.", in.Feature)
	}
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok || !o.Manages(c.Account.ID) {
		return nil, false, accessDenied("The request was rejected because account %s is not the management account of an organization: the management account names the Security Hub administrator.", c.Account.ID)
	}
	if !s.env.TrustedAccess(o.ID, ServicePrincipal) {
		return nil, false, invalidInput("Trusted access for %s is not enabled for organization %s: the management account enables it first (organizations enable-aws-service-access --service-principal %s).", ServicePrincipal, o.ID, ServicePrincipal)
	}
	if ao, ok := s.env.OrgOf(in.AdminAccountId); !ok || ao.ID != o.ID {
		return nil, false, invalidInput("Account %s is not a member of organization %s.", in.AdminAccountId, o.ID)
	}
	res := map[string]any{"AdminAccountId": in.AdminAccountId, "Feature": "SecurityHub"}
	if a := core.AdminIn(s.st.Admins, o.ID, c.Region); a != nil {
		if a.Account == in.AdminAccountId {
			return res, false, nil
		}
		return nil, false, invalidInput("Account %s is already the Security Hub administrator of organization %s in %s; disable it first.", a.Account, o.ID, c.Region)
	}
	// AWS's Security Hub user guide, "Designating a Security Hub
	// administrator account"
	// (https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html):
	// "When you first choose a Security Hub administrator account, Security
	// Hub calls Organizations to make that account the delegated
	// administrator account for Security Hub. Once you have a delegated
	// administrator account in Organizations, then you can choose either
	// that account or the organization management account as the Security
	// Hub administrator account in all Regions. [...] To choose a different
	// account, you must remove the current Security Hub administrator
	// account in all Regions." So one delegated administrator for all
	// regions, the management account allowed beside it. The guide does not
	// quote the refusal; Security Hub refuses a value it does not accept
	// with InvalidInputException.
	if !o.Manages(in.AdminAccountId) {
		if holder, where := s.delegatedAdmin(o); holder != "" && holder != in.AdminAccountId {
			return nil, false, invalidInput("Account %s is the delegated Security Hub administrator of organization %s (%s): an organization's Security Hub administrator in every Region is that account or the management account. To choose another account, remove %s in all Regions first (securityhub disable-organization-admin-account --admin-account-id %s in each Region, or organizations deregister-delegated-administrator --service-principal %s).",
				holder, o.ID, where, holder, holder, ServicePrincipal)
		}
	}
	s.st.Admins = append(s.st.Admins, &Admin{OrgID: o.ID, Region: c.Region, Account: in.AdminAccountId, EnabledAt: now})
	if s.hubOf(in.AdminAccountId, c.Region) == nil {
		// Naming the administrator turns Security Hub on in its account.
		s.st.Hubs = append(s.st.Hubs, &Hub{Account: in.AdminAccountId, Region: c.Region, SubscribedAt: now})
	}
	s.env.RegisterDelegatedAdmin(o.ID, ServicePrincipal, in.AdminAccountId, now)
	return res, true, nil
}

// delegatedAdmin is the organization's delegated Security Hub administrator
// (not the management account), named in some region or registered in
// Organizations, and where it is that; "" when there is none.
func (s *Service) delegatedAdmin(o core.Org) (account, where string) {
	if a := core.AdminElsewhere(s.st.Admins, o.ID, o.ManagementID); a != nil {
		return a.Account, "administrator in " + a.Region
	}
	for _, m := range s.env.Members(o.ID) {
		if s.env.DelegatedAdmin(o.ID, ServicePrincipal, m.ID) {
			return m.ID, "registered in Organizations"
		}
	}
	return "", ""
}

// disableAdmin removes the organization's administrator in the caller's
// region only, as AWS's Security Hub API does ("Removing or changing the
// delegated administrator",
// https://docs.aws.amazon.com/securityhub/latest/userguide/remove-admin-overview.html:
// "The Security Hub API only removes the delegated Security Hub
// administrator account from the Region where the API call or command is
// issued. You must repeat the action in other Regions."). Its members there
// are disassociated; its registration in Organizations goes with its last
// region.
func (s *Service) disableAdmin(c *core.Caller, in *input) (any, bool, *core.Error) {
	if !accountIDPattern.MatchString(in.AdminAccountId) {
		return nil, false, invalidInput("AdminAccountId %q is not a 12-digit account id.", in.AdminAccountId)
	}
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok || !o.Manages(c.Account.ID) {
		return nil, false, accessDenied("The request was rejected because account %s is not the management account of an organization: the management account removes the Security Hub administrator.", c.Account.ID)
	}
	a := core.AdminIn(s.st.Admins, o.ID, c.Region)
	if a == nil || a.Account != in.AdminAccountId {
		return nil, false, invalidInput("Account %s is not the Security Hub administrator of organization %s in %s.", in.AdminAccountId, o.ID, c.Region)
	}
	s.drop(a)
	if !slices.ContainsFunc(s.st.Admins, func(x *Admin) bool { return x.OrgID == o.ID && x.Account == a.Account }) {
		s.env.DeregisterDelegatedAdmin(o.ID, ServicePrincipal, a.Account)
	}
	return struct{}{}, true, nil
}

// drop removes administrator a and its members in its region.
func (s *Service) drop(a *Admin) {
	s.st.Admins = slices.DeleteFunc(s.st.Admins, func(x *Admin) bool { return x == a })
	s.st.Members = slices.DeleteFunc(s.st.Members, func(m *Member) bool { return m.Admin == a.Account && m.Region == a.Region })
}

// prune removes, in all regions, the caller's organization's administrator
// whom Organizations no longer registers, as AWS does ("If you use the
// Organizations API to remove the delegated Security Hub administrator
// account, it is automatically removed in all Regions", same page as
// disableAdmin's). The management account, never registered, stays. It
// reports whether anything was removed.
func (s *Service) prune(c *core.Caller) bool {
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok {
		return false
	}
	var gone []*Admin
	for _, a := range s.st.Admins {
		if a.OrgID == o.ID && !o.Manages(a.Account) && !s.env.DelegatedAdmin(o.ID, ServicePrincipal, a.Account) {
			gone = append(gone, a)
		}
	}
	for _, a := range gone {
		s.drop(a)
	}
	return len(gone) > 0
}

func (s *Service) listAdmins(c *core.Caller, in *input) (any, bool, *core.Error) {
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok || !o.Manages(c.Account.ID) {
		return nil, false, accessDenied("The request was rejected because account %s is not the management account of an organization.", c.Account.ID)
	}
	type adminOut struct{ AccountId, Status string }
	list := []adminOut{}
	if a := core.AdminIn(s.st.Admins, o.ID, c.Region); a != nil {
		list = append(list, adminOut{a.Account, "ENABLED"})
	}
	return paged(list, "AdminAccounts", "ListOrganizationAdminAccounts", in)
}

func paged[T any](list []T, key, scope string, in *input) (any, bool, *core.Error) {
	limit := 50
	if in.MaxResults != "" {
		n, err := strconv.Atoi(in.MaxResults)
		if err != nil || n < 1 || n > 50 {
			return nil, false, invalidInput("MaxResults %q is not between 1 and 50.", in.MaxResults)
		}
		limit = n
	}
	start := 0
	if in.NextToken != "" {
		o, err := core.DecodePageToken(scope, in.NextToken, len(list))
		if err != nil {
			return nil, false, invalidInput("NextToken is not a token of this listing.")
		}
		start = o
	}
	end := min(start+limit, len(list))
	res := map[string]any{key: list[start:end]}
	if end < len(list) {
		res["NextToken"] = core.EncodePageToken(scope, end)
	}
	return res, false, nil
}

// asAdmin is the caller's hub when it is its organization's administrator in its region.
func (s *Service) asAdmin(c *core.Caller) (*Hub, core.Org, *core.Error) {
	o, ok := s.env.OrgOf(c.Account.ID)
	if a := core.AdminIn(s.st.Admins, o.ID, c.Region); !ok || a == nil || a.Account != c.Account.ID {
		return nil, core.Org{}, accessDenied("The request was rejected because account %s is not the Security Hub administrator of its organization in %s: the management account names it with EnableOrganizationAdminAccount.", c.Account.ID, c.Region)
	}
	h, err := s.subscribed(c)
	return h, o, err
}

func (s *Service) updateOrgConfig(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	h, _, err := s.asAdmin(c)
	if err != nil {
		return nil, false, err
	}
	if in.AutoEnable == nil {
		return nil, false, invalidInput("AutoEnable is required.")
	}
	std := in.AutoEnableStandards
	if std == "" {
		std = "DEFAULT"
	} else if std != "DEFAULT" && std != "NONE" {
		return nil, false, invalidInput("AutoEnableStandards %q is not NONE or DEFAULT.", std)
	}
	typ := "LOCAL"
	if in.OrganizationConfiguration != nil && in.OrganizationConfiguration.ConfigurationType != "" {
		typ = in.OrganizationConfiguration.ConfigurationType
		if typ != "LOCAL" && typ != "CENTRAL" {
			return nil, false, invalidInput("OrganizationConfiguration.ConfigurationType %q is not LOCAL or CENTRAL.", typ)
		}
	}
	if typ == "CENTRAL" && *in.AutoEnable {
		return nil, false, invalidInput("AutoEnable must be false when ConfigurationType is CENTRAL: central configuration enables accounts through configuration policies.")
	}
	if h.AutoEnable == *in.AutoEnable && h.AutoEnableStandards == std && h.ConfigurationType == typ {
		return struct{}{}, false, nil
	}
	if *in.AutoEnable && !h.AutoEnable {
		h.AutoEnableSince = now
	}
	h.AutoEnable, h.AutoEnableStandards, h.ConfigurationType = *in.AutoEnable, std, typ
	return struct{}{}, true, nil
}

func (s *Service) describeOrgConfig(c *core.Caller) (any, bool, *core.Error) {
	h, _, err := s.asAdmin(c)
	if err != nil {
		return nil, false, err
	}
	std, typ := h.AutoEnableStandards, h.ConfigurationType
	if std == "" {
		std = "DEFAULT"
	}
	if typ == "" {
		typ = "LOCAL"
	}
	return map[string]any{"AutoEnable": h.AutoEnable, "MemberAccountLimitReached": false, "AutoEnableStandards": std,
		"OrganizationConfiguration": map[string]string{"ConfigurationType": typ, "Status": "ENABLED"}}, false, nil
}

func (s *Service) createMembers(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	_, o, err := s.asAdmin(c)
	if err != nil {
		return nil, false, err
	}
	if len(in.AccountDetails) == 0 || len(in.AccountDetails) > 50 {
		return nil, false, invalidInput("AccountDetails must list 1 to 50 accounts.")
	}
	type unprocessed struct{ AccountId, ProcessingResult string }
	un := []unprocessed{}
	changed := false
	for _, ad := range in.AccountDetails {
		mo, inOrg := s.env.OrgOf(ad.AccountId)
		switch {
		case !accountIDPattern.MatchString(ad.AccountId):
			un = append(un, unprocessed{ad.AccountId, "The account id is not valid."})
		case ad.AccountId == c.Account.ID:
			un = append(un, unprocessed{ad.AccountId, "The administrator account cannot be its own member."})
		case !inOrg || mo.ID != o.ID:
			un = append(un, unprocessed{ad.AccountId, "The account is not a member of organization " + o.ID + "."})
		case core.MemberIn(s.st.Members, c.Account.ID, c.Region, ad.AccountId) != nil:
		default:
			s.st.Members = append(s.st.Members, &Member{Admin: c.Account.ID, Region: c.Region, Account: ad.AccountId, CreatedAt: now})
			changed = true
		}
	}
	return map[string]any{"UnprocessedAccounts": un}, changed, nil
}

type memberOut struct {
	AccountId, Email, MasterId, AdministratorId, MemberStatus, InvitedAt, UpdatedAt string
}

func (s *Service) listMembers(c *core.Caller, in *input) (any, bool, *core.Error) {
	h, o, err := s.asAdmin(c)
	if err != nil {
		return nil, false, err
	}
	if v := in.OnlyAssociated; v != "" && v != "true" && v != "false" {
		return nil, false, invalidInput("OnlyAssociated %q is not true or false.", v)
	}
	list := []memberOut{}
	for _, a := range s.env.Members(o.ID) {
		if a.ID == c.Account.ID {
			continue
		}
		m := core.MemberIn(s.st.Members, c.Account.ID, c.Region, a.ID)
		auto := h.AutoEnable && a.JoinedAt.After(h.AutoEnableSince)
		if m == nil && !auto {
			continue
		}
		at := h.AutoEnableSince
		if m != nil {
			at = m.CreatedAt
		}
		list = append(list, memberOut{AccountId: a.ID, Email: a.Email, MasterId: c.Account.ID, AdministratorId: c.Account.ID,
			MemberStatus: "Enabled", InvitedAt: iso(at), UpdatedAt: iso(at)})
	}
	return paged(list, "Members", "ListMembers", in)
}
