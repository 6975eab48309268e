// Package organizations is the sandbox's AWS Organizations on awsJson1_1:
// the organization and its root and policy types, OUs, accounts and their
// creation, policies and their attachments, handshakes, tags and trusted
// service access, with AWS's validation, limits and errors. Accounts
// themselves are the core's (every service knows them); this package decides
// where they sit.
package organizations

import (
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Organization is one organization as the state file keeps it.
type Organization struct {
	ID              string              `json:"id"`
	ManagementID    string              `json:"managementAccountId"`
	FeatureSet      string              `json:"featureSet"`
	RootID          string              `json:"rootId"`
	RootPolicyTypes []string            `json:"rootPolicyTypes,omitempty"` // enabled policy types
	RootTags        map[string]string   `json:"rootTags,omitempty"`
	AccountQuota    int                 `json:"accountQuota"`
	CreatedAt       time.Time           `json:"createdAt"`
	OUs             []*orgUnit          `json:"organizationalUnits"`
	Policies        []*Policy           `json:"policies"`
	Attachments     map[string][]string `json:"attachments"` // target id -> policy ids, in attach order
	CreateStatuses  []*createStatus     `json:"createAccountStatuses"`
	Handshakes      []*handshake        `json:"handshakes,omitempty"`
	ServiceAccess   []serviceAccess     `json:"serviceAccess,omitempty"`
}

type orgUnit struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	ParentID string            `json:"parentId"`
	Tags     map[string]string `json:"tags,omitempty"`
}

// Policy is one policy of an organization.
type Policy struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	Content     string            `json:"content"`
	AWSManaged  bool              `json:"awsManaged,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// createStatus is one CreateAccount request. Its outcome is decided when the
// request arrives (AccountID, FailureReason) and becomes visible at CompleteAt,
// so a restarted server finishes what was in flight from the timestamps alone.
type createStatus struct {
	ID            string            `json:"id"`
	AccountName   string            `json:"accountName"`
	Email         string            `json:"email"`
	RequestedAt   time.Time         `json:"requestedAt"`
	CompleteAt    time.Time         `json:"completeAt"`
	State         string            `json:"state"` // IN_PROGRESS until settled
	AccountID     string            `json:"accountId"`
	FailureReason string            `json:"failureReason,omitempty"`
	RoleName      string            `json:"roleName,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
}

type handshake struct {
	ID          string            `json:"id"`
	Action      string            `json:"action"`
	State       string            `json:"state"`
	OrgID       string            `json:"organizationId"`
	TargetType  string            `json:"targetType"` // ACCOUNT or EMAIL
	TargetID    string            `json:"targetId"`
	Notes       string            `json:"notes,omitempty"`
	RequestedAt time.Time         `json:"requestedAt"`
	ExpiresAt   time.Time         `json:"expiresAt"`
	Tags        map[string]string `json:"tags,omitempty"`
}

type serviceAccess struct {
	Principal string    `json:"principal"`
	EnabledAt time.Time `json:"enabledAt"`
}

// Env is what Organizations asks of the sandbox around it.
type Env interface {
	// CreateAccountDelay is how long a CreateAccount stays IN_PROGRESS, at the sandbox's speed.
	CreateAccountDelay() time.Duration
	// Faults are the injected faults (FailCreateAccount).
	Faults() *core.Faults
	// DefaultAccountQuota is the accounts quota a new organization gets.
	DefaultAccountQuota() int
}

// Service is Organizations over the state's organizations and the core's accounts.
type Service struct {
	orgs *[]*Organization
	dir  *core.Directory
	env  Env
	ix   *index
}

// New serves the organizations *orgs holds, whose accounts dir knows.
func New(orgs *[]*Organization, dir *core.Directory, env Env) *Service {
	s := &Service{orgs: orgs, dir: dir, env: env}
	s.reindex()
	return s
}

// index is the in-memory lookup the handlers use; it is rebuilt from the state
// on load and kept up to date by every change, so no request scans the state.
type index struct {
	orgByID       map[string]*Organization
	ouByID        map[string]*orgUnit
	ouOrg         map[string]*Organization
	policyByID    map[string]map[string]*Policy // org id -> policy id -> policy
	statusByID    map[string]*createStatus
	statusOrg     map[string]*Organization
	orgAccounts   map[string][]*core.Account // org id -> members in joining order
	childAccounts map[string][]string        // parent id -> account ids
	childOUs      map[string][]string        // parent id -> OU ids
	handshakeByID map[string]*handshake
	pendingEmails map[string]bool // lower-cased emails of creations that will succeed
	inProgress    map[string]int  // org id -> creations in progress
	pending       []*createStatus // every IN_PROGRESS creation, in no order
}

func (s *Service) reindex() {
	ix := &index{
		orgByID:       map[string]*Organization{},
		ouByID:        map[string]*orgUnit{},
		ouOrg:         map[string]*Organization{},
		policyByID:    map[string]map[string]*Policy{},
		statusByID:    map[string]*createStatus{},
		statusOrg:     map[string]*Organization{},
		orgAccounts:   map[string][]*core.Account{},
		childAccounts: map[string][]string{},
		childOUs:      map[string][]string{},
		handshakeByID: map[string]*handshake{},
		pendingEmails: map[string]bool{},
		inProgress:    map[string]int{},
	}
	for _, o := range *s.orgs {
		if o.Attachments == nil {
			o.Attachments = map[string][]string{}
		}
		ix.orgByID[o.ID] = o
		ix.policyByID[o.ID] = map[string]*Policy{}
		for _, p := range o.Policies {
			ix.policyByID[o.ID][p.ID] = p
		}
		for _, ou := range o.OUs {
			ix.ouByID[ou.ID] = ou
			ix.ouOrg[ou.ID] = o
			ix.childOUs[ou.ParentID] = append(ix.childOUs[ou.ParentID], ou.ID)
		}
		for _, cs := range o.CreateStatuses {
			ix.statusByID[cs.ID] = cs
			ix.statusOrg[cs.ID] = o
			if cs.State == "IN_PROGRESS" {
				ix.noteInProgress(o, cs)
			}
		}
		for _, h := range o.Handshakes {
			ix.handshakeByID[h.ID] = h
		}
	}
	for _, a := range s.dir.All() {
		ix.placeAccount(a)
	}
	s.ix = ix
}

func (ix *index) noteInProgress(o *Organization, cs *createStatus) {
	ix.inProgress[o.ID]++
	if cs.FailureReason == "" {
		ix.pendingEmails[strings.ToLower(cs.Email)] = true
	}
	ix.pending = append(ix.pending, cs)
}

// placeAccount notes where a member account sits.
func (ix *index) placeAccount(a *core.Account) {
	if a.OrgID != "" {
		ix.orgAccounts[a.OrgID] = append(ix.orgAccounts[a.OrgID], a)
		ix.childAccounts[a.ParentID] = append(ix.childAccounts[a.ParentID], a.ID)
	}
}

func removeString(list []string, s string) []string {
	for i, v := range list {
		if v == s {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// OrgOf is the organization account belongs to (or manages).
func (s *Service) OrgOf(account string) (core.Org, bool) {
	a := s.dir.Account(account)
	if a == nil || a.OrgID == "" {
		return core.Org{}, false
	}
	o := s.ix.orgByID[a.OrgID]
	if o == nil {
		return core.Org{}, false
	}
	return core.Org{ID: o.ID, ManagementID: o.ManagementID, FeatureSet: o.FeatureSet}, true
}

// Members is every account of the organization, in joining order.
func (s *Service) Members(orgID string) []*core.Account { return s.ix.orgAccounts[orgID] }

// OUPath is the path of names from the root to the OU id ("Workloads/prod/eu");
// empty for the root.
func (s *Service) OUPath(id string) string {
	var names []string
	for ou := s.ix.ouByID[id]; ou != nil; ou = s.ix.ouByID[ou.ParentID] {
		names = append(names, ou.Name)
	}
	slices.Reverse(names)
	return strings.Join(names, "/")
}

// EnableServiceAccess gives principal trusted access to the organization, as
// turning a service on in the console does; it reports whether that changed anything.
func (s *Service) EnableServiceAccess(orgID, principal string, at time.Time) bool {
	o := s.ix.orgByID[orgID]
	if o == nil || slices.ContainsFunc(o.ServiceAccess, func(sa serviceAccess) bool { return sa.Principal == principal }) {
		return false
	}
	o.ServiceAccess = append(o.ServiceAccess, serviceAccess{Principal: principal, EnabledAt: at})
	return true
}

// AccountQuota is the accounts quota that applies to a: its organization's,
// or, for an account without one, the quota the organization it creates
// will get.
func (s *Service) AccountQuota(a *core.Account) int {
	if o := s.ix.orgByID[a.OrgID]; o != nil {
		return o.AccountQuota
	}
	if a.AccountQuota > 0 {
		return a.AccountQuota
	}
	return s.env.DefaultAccountQuota()
}

// GrantAccountQuota applies an approved increase: to the organization the
// requester manages, or, for an account without one, to the organization
// it will create.
func (s *Service) GrantAccountQuota(account string, value int) {
	a := s.dir.Account(account)
	if a == nil {
		return
	}
	if o := s.ix.orgByID[a.OrgID]; o != nil && o.ManagementID == a.ID {
		o.AccountQuota = max(o.AccountQuota, value)
		return
	}
	a.AccountQuota = max(a.AccountQuota, value)
}

// SetAccountQuota sets the accounts quota of every organization of orgs, and
// forgets the increases accounts were granted before they had one: a new
// quota everywhere, as after `sandbox reset --account-quota`.
func SetAccountQuota(orgs []*Organization, accounts []*core.Account, n int) {
	for _, o := range orgs {
		o.AccountQuota = n
	}
	for _, a := range accounts {
		a.AccountQuota = 0
	}
}

// Settle completes every creation whose time has come. It reports whether
// anything changed, so the caller saves before answering.
func (s *Service) Settle(now time.Time) bool {
	changed := false
	keep := s.ix.pending[:0]
	for _, cs := range s.ix.pending {
		if cs.CompleteAt.After(now) {
			keep = append(keep, cs)
			continue
		}
		s.complete(cs)
		changed = true
	}
	clear(s.ix.pending[len(keep):])
	s.ix.pending = keep
	return changed
}

// NextCompletion is when the next creation in progress completes; zero when none is.
func (s *Service) NextCompletion() time.Time {
	var next time.Time
	for _, cs := range s.ix.pending {
		if next.IsZero() || cs.CompleteAt.Before(next) {
			next = cs.CompleteAt
		}
	}
	return next
}

func (s *Service) complete(cs *createStatus) {
	o := s.ix.statusOrg[cs.ID]
	s.ix.inProgress[o.ID]--
	delete(s.ix.pendingEmails, strings.ToLower(cs.Email))
	if cs.FailureReason != "" {
		cs.State = "FAILED"
		return
	}
	cs.State = "SUCCEEDED"
	a := &core.Account{ID: cs.AccountID, Name: cs.AccountName, Email: cs.Email, AccessKeyID: core.NewAccessKeyID("AKIA"),
		SecretAccessKey: core.NewSecret(), Role: "member", OrgID: o.ID, ParentID: o.RootID, JoinedMethod: "CREATED",
		JoinedAt: cs.CompleteAt, CreatedAt: cs.CompleteAt, AccessRole: cs.RoleName, Tags: cs.Tags}
	s.dir.Add(a)
	s.ix.placeAccount(a)
	o.Attachments[a.ID] = []string{fullAWSAccessID}
}

func newOrgID() string    { return "o-" + core.RandomFrom(core.LowerDigits, 10) }
func newRootID() string   { return "r-" + core.RandomFrom(core.LowerDigits, 4) }
func newStatusID() string { return "car-" + core.RandomFrom(core.LowerDigits, 32) }
func newHandshakeID() string {
	return "h-" + core.RandomFrom(core.LowerDigits, 10)
}

// NewPolicyID is a policy id in AWS's p-<8 chars> form.
func NewPolicyID() string { return "p-" + core.RandomFrom(core.LowerDigits, 8) }

// newOUID follows AWS's ou-<root suffix>-<8 chars> format.
func newOUID(rootID string) string {
	return "ou-" + strings.TrimPrefix(rootID, "r-") + "-" + core.RandomFrom(core.LowerDigits, 8)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
