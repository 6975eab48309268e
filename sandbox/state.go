package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/internal/atomicfile"
	"github.com/orgwizard/orgwizard/sandbox/billing"
	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
)

// stateVersion is written in every state file so that a later sandbox can
// refuse, rather than misread, a file it does not understand.
const stateVersion = 1

// state is everything the simulated AWS knows. It is what the JSON file holds,
// field for field, so that a person can read and even edit it between runs.
type state struct {
	Version  int    `json:"version"`
	Scenario string `json:"scenario"`
	// AccountQuota is the accounts quota a new organization gets (AWS's
	// default is 10, the small-quota scenario sets 4).
	AccountQuota  int                  `json:"accountQuota"`
	Faults        Faults               `json:"faults"`
	Accounts      []*account           `json:"accounts"`
	Organizations []*organization      `json:"organizations"`
	Sessions      []*session           `json:"sessions,omitempty"`
	QuotaRequests []*quotaRequest      `json:"quotaRequests,omitempty"`
	Resources     []inventory.Resource `json:"resources,omitempty"`
	// IdentityCenter is IAM Identity Center's state; nil until it is first used.
	IdentityCenter *identitycenter.State `json:"identityCenter,omitempty"`
	// Billing holds Cost Explorer's cost categories and the budgets.
	Billing *billing.State `json:"billing,omitempty"`
}

// account is one simulated AWS account, standalone or in an organization.
type account struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Email           string    `json:"email"`
	AccessKeyID     string    `json:"accessKeyId,omitempty"`
	SecretAccessKey string    `json:"secretAccessKey,omitempty"`
	Role            string    `json:"role,omitempty"`
	OrgID           string    `json:"organizationId,omitempty"`
	ParentID        string    `json:"parentId,omitempty"`
	JoinedMethod    string    `json:"joinedMethod,omitempty"`
	JoinedAt        time.Time `json:"joinedAt,omitzero"`
	CreatedAt       time.Time `json:"createdAt"`
	// AccessRole is the role the management account may assume in this member
	// (OrganizationAccountAccessRole for created accounts, none for invited ones).
	AccessRole string            `json:"accessRole,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	// AccountQuota, when above 0, is an accounts quota raised through
	// Service Quotas before the account created its organization.
	AccountQuota int `json:"accountQuota,omitempty"`
	// RunawaySince, when set, is the day the account's simulated spend
	// started to climb (existing-org's payments-dev).
	RunawaySince time.Time `json:"runawaySince,omitzero"`
}

type organization struct {
	ID              string              `json:"id"`
	ManagementID    string              `json:"managementAccountId"`
	FeatureSet      string              `json:"featureSet"`
	RootID          string              `json:"rootId"`
	RootPolicyTypes []string            `json:"rootPolicyTypes,omitempty"` // enabled policy types
	RootTags        map[string]string   `json:"rootTags,omitempty"`
	AccountQuota    int                 `json:"accountQuota"`
	CreatedAt       time.Time           `json:"createdAt"`
	OUs             []*orgUnit          `json:"organizationalUnits"`
	Policies        []*policy           `json:"policies"`
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

type policy struct {
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

// session is a set of temporary credentials AssumeRole handed out.
type session struct {
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken"`
	Account         string    `json:"account"`
	RoleName        string    `json:"roleName"`
	SessionName     string    `json:"sessionName"`
	Expires         time.Time `json:"expires"`
}

// index is the in-memory lookup the handlers use; it is rebuilt from the state
// on load and kept up to date by every change, so no request scans the state.
type index struct {
	accountByID    map[string]*account
	accountByKey   map[string]*account
	accountByEmail map[string]*account // lower-cased
	sessionByKey   map[string]*session
	orgByID        map[string]*organization
	ouByID         map[string]*orgUnit
	ouOrg          map[string]*organization
	policyByID     map[string]map[string]*policy // org id -> policy id -> policy
	statusByID     map[string]*createStatus
	statusOrg      map[string]*organization
	orgAccounts    map[string][]*account // org id -> members in joining order
	childAccounts  map[string][]string   // parent id -> account ids
	childOUs       map[string][]string   // parent id -> OU ids
	handshakeByID  map[string]*handshake
	pendingEmails  map[string]bool // lower-cased emails of creations that will succeed
	inProgress     map[string]int  // org id -> creations in progress
	pending        []*createStatus // every IN_PROGRESS creation, in no order
	resources      map[string][]inventory.Resource
}

func (st *state) buildIndex() *index {
	ix := &index{
		accountByID:    map[string]*account{},
		accountByKey:   map[string]*account{},
		accountByEmail: map[string]*account{},
		sessionByKey:   map[string]*session{},
		orgByID:        map[string]*organization{},
		ouByID:         map[string]*orgUnit{},
		ouOrg:          map[string]*organization{},
		policyByID:     map[string]map[string]*policy{},
		statusByID:     map[string]*createStatus{},
		statusOrg:      map[string]*organization{},
		orgAccounts:    map[string][]*account{},
		childAccounts:  map[string][]string{},
		childOUs:       map[string][]string{},
		handshakeByID:  map[string]*handshake{},
		pendingEmails:  map[string]bool{},
		inProgress:     map[string]int{},
		resources:      map[string][]inventory.Resource{},
	}
	for _, o := range st.Organizations {
		if o.Attachments == nil {
			o.Attachments = map[string][]string{}
		}
		ix.orgByID[o.ID] = o
		ix.policyByID[o.ID] = map[string]*policy{}
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
	for _, a := range st.Accounts {
		ix.addAccount(a)
	}
	for _, s := range st.Sessions {
		ix.sessionByKey[s.AccessKeyID] = s
	}
	for _, r := range st.Resources {
		ix.resources[r.Account] = append(ix.resources[r.Account], r)
	}
	return ix
}

func (ix *index) noteInProgress(o *organization, cs *createStatus) {
	ix.inProgress[o.ID]++
	if cs.FailureReason == "" {
		ix.pendingEmails[strings.ToLower(cs.Email)] = true
	}
	ix.pending = append(ix.pending, cs)
}

func (ix *index) addAccount(a *account) {
	ix.accountByID[a.ID] = a
	if a.AccessKeyID != "" {
		ix.accountByKey[a.AccessKeyID] = a
	}
	ix.accountByEmail[strings.ToLower(a.Email)] = a
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

// store writes the state file the way a crash cannot tear: a temporary file in
// the same directory, fsync, rename over the old one, fsync the directory.
type store struct {
	path string
}

func (s store) load() (*state, error) {
	data, err := os.ReadFile(s.path)
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("sandbox state %s is not valid JSON: %w (run 'orgwizard sandbox reset' to start over)", s.path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("sandbox state %s has version %d, this orgwizard reads version %d (run 'orgwizard sandbox reset')", s.path, st.Version, stateVersion)
	}
	return &st, nil
}

func (s store) save(st *state) error {
	data, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return err
	}
	// 0600: the state holds every simulated account's secret keys.
	return atomicfile.WriteFile(s.path, append(data, '\n'), 0o600)
}

// StateDir is where orgwizard keeps what it must not lose (the sandbox, the
// apply journal): $XDG_STATE_HOME/orgwizard, or ~/.local/state/orgwizard.
func StateDir() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return filepath.Join(dir, "orgwizard"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory to keep orgwizard's state in (set XDG_STATE_HOME): %w", err)
	}
	return filepath.Join(home, ".local", "state", "orgwizard"), nil
}

// DefaultStatePath is where the sandbox keeps its state when no path is given:
// sandbox.json in StateDir.
func DefaultStatePath() (string, error) {
	dir, err := StateDir()
	if err != nil {
		return "", fmt.Errorf("%w; or pass --sandbox-state", err)
	}
	return filepath.Join(dir, "sandbox.json"), nil
}

func dirOf(path string) string { return filepath.Dir(path) }

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
