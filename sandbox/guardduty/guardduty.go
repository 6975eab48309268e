// Package guardduty is the sandbox's Amazon GuardDuty (restJson1): a detector
// per account and region, the organization's delegated administrator (named
// from the management account, which, as at AWS, makes Organizations trust
// guardduty.amazonaws.com and turns GuardDuty on in the administrator), the
// administrator's auto-enable setting and its members. Everything is per
// region, as in GuardDuty, but the administrator: it is Organizations'
// delegated administrator of guardduty.amazonaws.com, the same account in
// every region, and Organizations' deregistration removes it in all.
package guardduty

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// ServicePrincipal is GuardDuty's principal in Organizations: naming an
// administrator turns its trusted access on.
const ServicePrincipal = "guardduty.amazonaws.com"

// State is GuardDuty's part of the sandbox state.
type State struct {
	Detectors []*Detector `json:"detectors,omitempty"`
	Admins    []*Admin    `json:"admins,omitempty"`
	Members   []*Member   `json:"members,omitempty"`
}

// Detector is one account's detector in one region.
type Detector struct {
	ID        string            `json:"id"`
	Account   string            `json:"account"`
	Region    string            `json:"region"`
	Enabled   bool              `json:"enabled"`
	Frequency string            `json:"findingPublishingFrequency"`
	Tags      map[string]string `json:"tags,omitempty"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
	// AutoEnable is the administrator's AutoEnableOrganizationMembers (ALL, NEW, NONE), and when it was set.
	AutoEnable      string    `json:"autoEnableOrganizationMembers,omitempty"`
	AutoEnableSince time.Time `json:"autoEnableSince,omitzero"`
}

// Admin is an organization's delegated GuardDuty administrator in one region.
type Admin = core.OrgAdmin

// Member is an account the administrator enrolled with CreateMembers.
type Member = core.OrgMember

// Env is what GuardDuty asks of the rest of the sandbox.
type Env = core.SecurityOrgs

// Service answers GuardDuty's calls over its state.
type Service struct {
	st  *State
	env Env
}

// New builds the service over st.
func New(st *State, env Env) *Service { return &Service{st: st, env: env} }

// Routes are the served operations' HTTP bindings: method, path pattern, operation.
var Routes = core.Routes{
	{"POST", "/detector", "CreateDetector"},
	{"GET", "/detector", "ListDetectors"},
	{"GET", "/detector/{DetectorId}", "GetDetector"},
	{"POST", "/detector/{DetectorId}", "UpdateDetector"},
	{"POST", "/admin/enable", "EnableOrganizationAdminAccount"},
	{"POST", "/admin/disable", "DisableOrganizationAdminAccount"},
	{"GET", "/admin", "ListOrganizationAdminAccounts"},
	{"POST", "/detector/{DetectorId}/admin", "UpdateOrganizationConfiguration"},
	{"GET", "/detector/{DetectorId}/admin", "DescribeOrganizationConfiguration"},
	{"POST", "/detector/{DetectorId}/member", "CreateMembers"},
	{"GET", "/detector/{DetectorId}/member", "ListMembers"},
	{"POST", "/detector/{DetectorId}/member/get", "GetMembers"},
}

// input holds every member the served operations read: the JSON body's,
// with the path labels and query parameters merged in by the router.
type input struct {
	DetectorId                    string
	Enable                        *bool  `json:"enable"`
	FindingPublishingFrequency    string `json:"findingPublishingFrequency"`
	Tags                          map[string]string
	AdminAccountId                string `json:"adminAccountId"`
	AutoEnable                    *bool  `json:"autoEnable"`
	AutoEnableOrganizationMembers string `json:"autoEnableOrganizationMembers"`
	AccountDetails                []struct {
		AccountId string `json:"accountId"`
		Email     string `json:"email"`
	} `json:"accountDetails"`
	AccountIds     []string `json:"accountIds"`
	MaxResults     string   `json:"maxResults"`
	NextToken      string   `json:"nextToken"`
	OnlyAssociated string   `json:"onlyAssociated"`
}

func badRequest(format string, args ...any) *core.Error {
	return core.Errf("BadRequestException", format, args...)
}

var (
	detectorIDPattern = regexp.MustCompile(`^[0-9a-z]{1,300}$`)
	accountIDPattern  = regexp.MustCompile(`^\d{12}$`)
)

// Serve answers one call: the answer, whether the state changed, or an error.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
	var in input
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, badRequest("The request is rejected because the input is not valid JSON: %v", err)
		}
	}
	pruned := s.prune(c)
	v, changed, err := s.serve(c, op, &in, now)
	return v, changed || pruned, err
}

func (s *Service) serve(c *core.Caller, op string, in *input, now time.Time) (any, bool, *core.Error) {
	switch op {
	case "CreateDetector":
		return s.createDetector(c, in, now)
	case "ListDetectors":
		return s.listDetectors(c, in)
	case "GetDetector":
		return s.getDetector(c, in)
	case "UpdateDetector":
		return s.updateDetector(c, in, now)
	case "EnableOrganizationAdminAccount":
		return s.enableAdmin(c, in, now)
	case "DisableOrganizationAdminAccount":
		return s.disableAdmin(c, in, now)
	case "ListOrganizationAdminAccounts":
		return s.listAdmins(c, in)
	case "UpdateOrganizationConfiguration":
		return s.updateOrgConfig(c, in, now)
	case "DescribeOrganizationConfiguration":
		return s.describeOrgConfig(c, in)
	case "CreateMembers":
		return s.createMembers(c, in, now)
	case "ListMembers":
		return s.listMembers(c, in, now)
	case "GetMembers":
		return s.getMembers(c, in, now)
	}
	return nil, false, &core.Error{Status: http.StatusNotFound, Code: "UnknownOperationException", Message: "The sandbox does not serve GuardDuty's " + op}
}

func (s *Service) detectorOf(account, region string) *Detector {
	for _, d := range s.st.Detectors {
		if d.Account == account && d.Region == region {
			return d
		}
	}
	return nil
}

// ownDetector is the caller's detector named by the request, in the caller's region.
func (s *Service) ownDetector(c *core.Caller, id string) (*Detector, *core.Error) {
	if !detectorIDPattern.MatchString(id) {
		return nil, badRequest("The request is rejected because the input detectorId is not valid.")
	}
	d := s.detectorOf(c.Account.ID, c.Region)
	if d == nil || d.ID != id {
		return nil, badRequest("The request is rejected because the input detectorId is not owned by the current account.")
	}
	return d, nil
}

var frequencies = []string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"}

func (s *Service) createDetector(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	if in.Enable == nil {
		return nil, false, badRequest("The request is rejected because the required parameter 'enable' is missing.")
	}
	freq := in.FindingPublishingFrequency
	if freq == "" {
		freq = "SIX_HOURS"
	} else if !slices.Contains(frequencies, freq) {
		return nil, false, badRequest("The request is rejected because findingPublishingFrequency %q is not one of %v.", freq, frequencies)
	}
	if s.detectorOf(c.Account.ID, c.Region) != nil {
		return nil, false, badRequest("The request is rejected because a detector already exists for the current account.")
	}
	d := &Detector{ID: core.RandomHex(32), Account: c.Account.ID, Region: c.Region, Enabled: *in.Enable, Frequency: freq,
		Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
	s.st.Detectors = append(s.st.Detectors, d)
	return map[string]any{"detectorId": d.ID}, true, nil
}

// page cuts list at the request's nextToken and maxResults (1-50, default 50).
func page[T any](list []T, scope, maxResults, token string) ([]T, string, *core.Error) {
	limit := 50
	if maxResults != "" {
		n, err := strconv.Atoi(maxResults)
		if err != nil || n < 1 || n > 50 {
			return nil, "", badRequest("The request is rejected because maxResults %q is not between 1 and 50.", maxResults)
		}
		limit = n
	}
	start := 0
	if token != "" {
		o, err := core.DecodePageToken(scope, token, len(list))
		if err != nil {
			return nil, "", badRequest("The request is rejected because the input nextToken is not valid.")
		}
		start = o
	}
	end := min(start+limit, len(list))
	next := ""
	if end < len(list) {
		next = core.EncodePageToken(scope, end)
	}
	return list[start:end], next, nil
}

func (s *Service) listDetectors(c *core.Caller, in *input) (any, bool, *core.Error) {
	ids := []string{}
	if d := s.detectorOf(c.Account.ID, c.Region); d != nil {
		ids = append(ids, d.ID)
	}
	p, next, err := page(ids, "ListDetectors", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, false, err
	}
	return withNext(map[string]any{"detectorIds": p}, next), false, nil
}

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Service) getDetector(c *core.Caller, in *input) (any, bool, *core.Error) {
	d, err := s.ownDetector(c, in.DetectorId)
	if err != nil {
		return nil, false, err
	}
	status := "DISABLED"
	if d.Enabled {
		status = "ENABLED"
	}
	tags := d.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return map[string]any{"createdAt": iso(d.CreatedAt), "updatedAt": iso(d.UpdatedAt), "findingPublishingFrequency": d.Frequency,
		"serviceRole": "arn:aws:iam::" + d.Account + ":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
		"status":      status, "tags": tags}, false, nil
}

// updateDetector suspends (enable false) or re-enables a detector, or
// changes its publishing frequency, as GuardDuty's UpdateDetector does.
func (s *Service) updateDetector(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	d, err := s.ownDetector(c, in.DetectorId)
	if err != nil {
		return nil, false, err
	}
	changed := false
	if f := in.FindingPublishingFrequency; f != "" {
		if !slices.Contains(frequencies, f) {
			return nil, false, badRequest("The request is rejected because findingPublishingFrequency %q is not one of %v.", f, frequencies)
		}
		changed = changed || d.Frequency != f
		d.Frequency = f
	}
	if in.Enable != nil {
		changed = changed || d.Enabled != *in.Enable
		d.Enabled = *in.Enable
	}
	if changed {
		d.UpdatedAt = now
	}
	return struct{}{}, changed, nil
}

func (s *Service) enableAdmin(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	if !accountIDPattern.MatchString(in.AdminAccountId) {
		return nil, false, badRequest("The request is rejected because adminAccountId %q is not a 12-digit account id.", in.AdminAccountId)
	}
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok || !o.Manages(c.Account.ID) {
		return nil, false, badRequest("The request is rejected because the current account is not the management account of an organization; call EnableOrganizationAdminAccount from the management account.")
	}
	if ao, ok := s.env.OrgOf(in.AdminAccountId); !ok || ao.ID != o.ID {
		return nil, false, badRequest("The request is rejected because account %s is not a member of organization %s.", in.AdminAccountId, o.ID)
	}
	if a := core.AdminIn(s.st.Admins, o.ID, c.Region); a != nil {
		if a.Account == in.AdminAccountId {
			return struct{}{}, false, nil
		}
		return nil, false, badRequest("The request is rejected because account %s is already the delegated administrator of the organization in %s; disable it first.", a.Account, c.Region)
	}
	// AWS's guide: "Required for an AWS organization to have the same
	// delegated GuardDuty administrator account across all the AWS
	// Regions" (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html,
	// "Considerations and recommendations"): with 111122223333 named in
	// Europe (Ireland), 555555555555 cannot be in Canada (Central). The
	// guide does not quote the refusal; GuardDuty refuses bad input with
	// BadRequestException.
	if a := core.AdminElsewhere(s.st.Admins, o.ID, in.AdminAccountId); a != nil {
		return nil, false, badRequest("The request is rejected because account %s is the delegated administrator of the organization in %s, and an organization has the same GuardDuty delegated administrator in all Regions; disable it in every Region first.", a.Account, a.Region)
	}
	// The same holds of an account Organizations registers for GuardDuty
	// without it administering any Region (registered with Organizations'
	// own RegisterDelegatedAdministrator): it is the organization's
	// delegated GuardDuty administrator.
	for _, m := range s.env.Members(o.ID) {
		if m.ID != in.AdminAccountId && s.env.DelegatedAdmin(o.ID, ServicePrincipal, m.ID) {
			return nil, false, badRequest("The request is rejected because account %s is registered in AWS Organizations as the delegated administrator of %s, and an organization has the same GuardDuty delegated administrator in all Regions; deregister it first (organizations deregister-delegated-administrator --account-id %s --service-principal %s).",
				m.ID, ServicePrincipal, m.ID, ServicePrincipal)
		}
	}
	// AWS's guide: naming the administrator enables GuardDuty as a trusted
	// service in Organizations, and enables GuardDuty in the administrator.
	s.env.EnableTrustedAccess(o.ID, ServicePrincipal, now)
	s.st.Admins = append(s.st.Admins, &Admin{OrgID: o.ID, Region: c.Region, Account: in.AdminAccountId, EnabledAt: now})
	s.env.RegisterDelegatedAdmin(o.ID, ServicePrincipal, in.AdminAccountId, now)
	if s.detectorOf(in.AdminAccountId, c.Region) == nil {
		s.st.Detectors = append(s.st.Detectors, &Detector{ID: core.RandomHex(32), Account: in.AdminAccountId, Region: c.Region,
			Enabled: true, Frequency: "SIX_HOURS", CreatedAt: now, UpdatedAt: now})
	}
	return struct{}{}, true, nil
}

// disableAdmin removes the organization's administrator in the caller's
// region (its members there are disassociated). The sandbox keeps the
// account registered in Organizations while it administers another region,
// and drops the registration with the last.
func (s *Service) disableAdmin(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	if !accountIDPattern.MatchString(in.AdminAccountId) {
		return nil, false, badRequest("The request is rejected because adminAccountId %q is not a 12-digit account id.", in.AdminAccountId)
	}
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok || !o.Manages(c.Account.ID) {
		return nil, false, badRequest("The request is rejected because the current account is not the management account of an organization; call DisableOrganizationAdminAccount from the management account.")
	}
	a := core.AdminIn(s.st.Admins, o.ID, c.Region)
	if a == nil || a.Account != in.AdminAccountId {
		return nil, false, badRequest("The request is rejected because account %s is not the delegated administrator of the organization in %s.", in.AdminAccountId, c.Region)
	}
	s.st.Admins = slices.DeleteFunc(s.st.Admins, func(x *Admin) bool { return x == a })
	s.st.Members = slices.DeleteFunc(s.st.Members, func(m *Member) bool { return m.Admin == a.Account && m.Region == c.Region })
	if !slices.ContainsFunc(s.st.Admins, func(x *Admin) bool { return x.OrgID == o.ID && x.Account == a.Account }) {
		s.env.DeregisterDelegatedAdmin(o.ID, ServicePrincipal, a.Account)
	}
	return struct{}{}, true, nil
}

// prune removes, in all Regions, the caller's organization's delegated
// administrator whom Organizations no longer registers for GuardDuty (its
// DeregisterDelegatedAdministrator), with its members there. GuardDuty's
// administrator is the organization's delegated administrator in
// Organizations: naming it registers it there ("Permissions required to
// designate a delegated GuardDuty administrator account",
// https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html),
// and GuardDuty's guide deregisters it there as a "one-time global action"
// ("Changing the delegated GuardDuty administrator account",
// https://docs.aws.amazon.com/guardduty/latest/ug/change-guardduty-delegated-admin.html).
// Neither page says what becomes of the Regions it still administers when
// it is deregistered first; Security Hub's guide says they go, in all
// Regions, and so they go here: an account Organizations no longer
// delegates to administers nothing. The management account, which
// Organizations never registers, stays. It reports whether anything was
// removed.
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
		s.st.Admins = slices.DeleteFunc(s.st.Admins, func(x *Admin) bool { return x == a })
		s.st.Members = slices.DeleteFunc(s.st.Members, func(m *Member) bool { return m.Admin == a.Account && m.Region == a.Region })
	}
	return len(gone) > 0
}

func (s *Service) listAdmins(c *core.Caller, in *input) (any, bool, *core.Error) {
	o, ok := s.env.OrgOf(c.Account.ID)
	if !ok || !o.Manages(c.Account.ID) {
		return nil, false, badRequest("The request is rejected because the current account is not the management account of an organization.")
	}
	type adminOut struct {
		AdminAccountId string `json:"adminAccountId"`
		AdminStatus    string `json:"adminStatus"`
	}
	list := []adminOut{}
	if a := core.AdminIn(s.st.Admins, o.ID, c.Region); a != nil {
		list = append(list, adminOut{a.Account, "ENABLED"})
	}
	p, next, err := page(list, "ListOrganizationAdminAccounts", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, false, err
	}
	return withNext(map[string]any{"adminAccounts": p}, next), false, nil
}

// asAdmin checks the caller is its organization's administrator in its region and owns the detector.
func (s *Service) asAdmin(c *core.Caller, detectorID string) (*Detector, core.Org, *core.Error) {
	d, err := s.ownDetector(c, detectorID)
	if err != nil {
		return nil, core.Org{}, err
	}
	o, ok := s.env.OrgOf(c.Account.ID)
	if a := core.AdminIn(s.st.Admins, o.ID, c.Region); !ok || a == nil || a.Account != c.Account.ID {
		return nil, core.Org{}, badRequest("The request is rejected because the current account is not the GuardDuty delegated administrator of its organization in %s; the management account names it with EnableOrganizationAdminAccount.", c.Region)
	}
	return d, o, nil
}

var autoEnableValues = []string{"ALL", "NEW", "NONE"}

func (s *Service) updateOrgConfig(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	d, o, err := s.asAdmin(c, in.DetectorId)
	if err != nil {
		return nil, false, err
	}
	v := in.AutoEnableOrganizationMembers
	switch {
	case v != "" && in.AutoEnable != nil:
		return nil, false, badRequest("The request is rejected because both autoEnableOrganizationMembers and autoEnable are given; give autoEnableOrganizationMembers alone.")
	case v != "" && !slices.Contains(autoEnableValues, v):
		return nil, false, badRequest("The request is rejected because autoEnableOrganizationMembers %q is not one of ALL, NEW, NONE.", v)
	case v == "" && in.AutoEnable != nil:
		v = "NONE"
		if *in.AutoEnable {
			v = "NEW"
		}
	case v == "":
		return nil, false, badRequest("The request is rejected because neither autoEnableOrganizationMembers nor autoEnable is given.")
	}
	if d.AutoEnable == v {
		return struct{}{}, false, nil
	}
	d.AutoEnable, d.AutoEnableSince, d.UpdatedAt = v, now, now
	if v == "ALL" {
		// ALL turns GuardDuty on in every account of the organization that
		// lacks a detector here, but the management account: AWS enrols it
		// only once it has turned GuardDuty on itself.
		for _, a := range s.env.Members(o.ID) {
			if a.ID != o.ManagementID && s.detectorOf(a.ID, d.Region) == nil {
				s.st.Detectors = append(s.st.Detectors, &Detector{ID: core.RandomHex(32), Account: a.ID, Region: d.Region,
					Enabled: true, Frequency: "SIX_HOURS", CreatedAt: now, UpdatedAt: now})
			}
		}
	}
	return struct{}{}, true, nil
}

func (s *Service) describeOrgConfig(c *core.Caller, in *input) (any, bool, *core.Error) {
	d, _, err := s.asAdmin(c, in.DetectorId)
	if err != nil {
		return nil, false, err
	}
	v := d.AutoEnable
	if v == "" {
		v = "NONE"
	}
	return map[string]any{"autoEnable": v != "NONE", "autoEnableOrganizationMembers": v, "memberAccountLimitReached": false}, false, nil
}

func (s *Service) createMembers(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	_, o, err := s.asAdmin(c, in.DetectorId)
	if err != nil {
		return nil, false, err
	}
	if len(in.AccountDetails) == 0 || len(in.AccountDetails) > 50 {
		return nil, false, badRequest("The request is rejected because accountDetails must list 1 to 50 accounts.")
	}
	type unprocessed struct {
		AccountId string `json:"accountId"`
		Result    string `json:"result"`
	}
	out := []unprocessed{}
	changed := false
	for _, ad := range in.AccountDetails {
		mo, inOrg := s.env.OrgOf(ad.AccountId)
		switch {
		case !accountIDPattern.MatchString(ad.AccountId):
			out = append(out, unprocessed{ad.AccountId, "The request is rejected because the account id is not valid."})
		case ad.AccountId == c.Account.ID:
			out = append(out, unprocessed{ad.AccountId, "The request is rejected because the current account cannot be a member of itself."})
		case !inOrg || mo.ID != o.ID:
			out = append(out, unprocessed{ad.AccountId, "The request is rejected because the account is not a member of the organization " + o.ID + "."})
		case ad.AccountId == o.ManagementID && s.detectorOf(ad.AccountId, c.Region) == nil:
			out = append(out, unprocessed{ad.AccountId, "The request is rejected because the organization's management account must first enable GuardDuty (CreateDetector in " + c.Region + ") before it can be added as a member."})
		case core.MemberIn(s.st.Members, c.Account.ID, c.Region, ad.AccountId) != nil:
			// Already a member: AWS answers it as processed.
		default:
			email := ad.Email
			for _, m := range s.env.Members(o.ID) {
				if m.ID == ad.AccountId && email == "" {
					email = m.Email
				}
			}
			s.st.Members = append(s.st.Members, &Member{Admin: c.Account.ID, Region: c.Region, Account: ad.AccountId, Email: email, CreatedAt: now})
			changed = true
		}
	}
	return map[string]any{"unprocessedAccounts": out}, changed, nil
}

type memberOut struct {
	AccountId          string `json:"accountId"`
	DetectorId         string `json:"detectorId,omitempty"`
	MasterId           string `json:"masterId"`
	AdministratorId    string `json:"administratorId"`
	Email              string `json:"email"`
	RelationshipStatus string `json:"relationshipStatus"`
	InvitedAt          string `json:"invitedAt,omitempty"`
	UpdatedAt          string `json:"updatedAt"`
}

// members is every member of the administrator in its region: those it
// enrolled, and those auto-enable enrolled (every account of the
// organization for ALL, those that joined since it was set for NEW; the
// management account only once it has a detector of its own there).
func (s *Service) members(admin *Detector, o core.Org) []memberOut {
	var out []memberOut
	seen := map[string]bool{}
	for _, a := range s.env.Members(o.ID) {
		if a.ID == admin.Account {
			continue
		}
		m := core.MemberIn(s.st.Members, admin.Account, admin.Region, a.ID)
		auto := admin.AutoEnable == "ALL" || (admin.AutoEnable == "NEW" && a.JoinedAt.After(admin.AutoEnableSince))
		if a.ID == o.ManagementID && s.detectorOf(a.ID, admin.Region) == nil {
			auto = false
		}
		if m == nil && !auto {
			continue
		}
		seen[a.ID] = true
		at := admin.AutoEnableSince
		if m != nil {
			at = m.CreatedAt
		}
		mo := memberOut{AccountId: a.ID, MasterId: admin.Account, AdministratorId: admin.Account, Email: a.Email,
			RelationshipStatus: "Enabled", UpdatedAt: iso(at)}
		if d := s.detectorOf(a.ID, admin.Region); d != nil {
			mo.DetectorId = d.ID
		}
		out = append(out, mo)
	}
	return out
}

func (s *Service) listMembers(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	d, o, err := s.asAdmin(c, in.DetectorId)
	if err != nil {
		return nil, false, err
	}
	if in.OnlyAssociated != "" && in.OnlyAssociated != "true" && in.OnlyAssociated != "false" {
		return nil, false, badRequest("The request is rejected because onlyAssociated %q is not true or false.", in.OnlyAssociated)
	}
	list := s.members(d, o)
	if list == nil {
		list = []memberOut{}
	}
	p, next, err := page(list, "ListMembers", in.MaxResults, in.NextToken)
	if err != nil {
		return nil, false, err
	}
	return withNext(map[string]any{"members": p}, next), false, nil
}

func (s *Service) getMembers(c *core.Caller, in *input, now time.Time) (any, bool, *core.Error) {
	d, o, err := s.asAdmin(c, in.DetectorId)
	if err != nil {
		return nil, false, err
	}
	if len(in.AccountIds) == 0 || len(in.AccountIds) > 50 {
		return nil, false, badRequest("The request is rejected because accountIds must list 1 to 50 accounts.")
	}
	all := s.members(d, o)
	members := []memberOut{}
	type unprocessed struct {
		AccountId string `json:"accountId"`
		Result    string `json:"result"`
	}
	un := []unprocessed{}
	for _, id := range in.AccountIds {
		i := slices.IndexFunc(all, func(m memberOut) bool { return m.AccountId == id })
		if i < 0 {
			un = append(un, unprocessed{id, "The request is rejected because the input account id is not a member of the current account."})
			continue
		}
		members = append(members, all[i])
	}
	return map[string]any{"members": members, "unprocessedAccounts": un}, false, nil
}

// withNext adds nextToken to an answer when there is a next page.
func withNext(m map[string]any, next string) map[string]any {
	if next != "" {
		m["nextToken"] = next
	}
	return m
}
