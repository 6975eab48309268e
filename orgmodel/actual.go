package orgmodel

import (
	"sort"
	"strings"
	"time"
)

// Actual is an organization as it exists, as the AWS adapter reads it. It is
// plain data so that the plan can be computed, and tested, without AWS.
type Actual struct {
	// Organization is nil when the caller's account belongs to no organization.
	Organization *ActualOrganization `json:"organization,omitempty"`
	RootID       string              `json:"rootId,omitempty"`
	// SCPEnabled tells whether the SERVICE_CONTROL_POLICY type is enabled on the root.
	SCPEnabled bool              `json:"scpEnabled"`
	OUs        []ActualOU        `json:"ous,omitempty"`
	Accounts   []ActualAccount   `json:"accounts,omitempty"`
	Policies   []ActualPolicy    `json:"policies,omitempty"`
	Creations  []AccountCreation `json:"creations,omitempty"`
	// Billing is nil unless the budgets and cost categories were read.
	Billing *ActualBilling `json:"billing,omitempty"`
	// Access is nil unless Identity Center was read.
	Access *ActualAccess `json:"access,omitempty"`
	// Baseline is nil unless the baseline and contacts were read.
	Baseline *ActualBaseline `json:"baseline,omitempty"`
}

// ActualOrganization describes the organization itself.
type ActualOrganization struct {
	ID                  string `json:"id"`
	ManagementAccountID string `json:"managementAccountId"`
	ManagementEmail     string `json:"managementEmail,omitempty"`
	FeatureSet          string `json:"featureSet"` // ALL or CONSOLIDATED_BILLING
}

// ActualOU is an organizational unit as it exists.
type ActualOU struct {
	ID       string `json:"id"`
	ParentID string `json:"parentId"`
	Name     string `json:"name"`
}

// ActualAccount is a member (or the management) account as it exists.
type ActualAccount struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Email    string            `json:"email"`
	ParentID string            `json:"parentId"`
	Status   string            `json:"status,omitempty"` // ACTIVE, SUSPENDED, PENDING_CLOSURE
	Tags     map[string]string `json:"tags,omitempty"`
	// JoinedMethod is CREATED or INVITED: only created accounts come with
	// OrganizationAccountAccessRole.
	JoinedMethod string `json:"joinedMethod,omitempty"`
}

// ActualPolicy is a service control policy and the ids of its targets.
type ActualPolicy struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Content     string   `json:"content"`
	AWSManaged  bool     `json:"awsManaged,omitempty"`
	Targets     []string `json:"targets,omitempty"` // root, OU and account ids
}

// AccountCreation is a CreateAccount request AWS knows of
// (ListCreateAccountStatus). AWS reports it by account name only.
type AccountCreation struct {
	RequestID     string `json:"requestId"`
	AccountName   string `json:"accountName"`
	State         string `json:"state"` // IN_PROGRESS, SUCCEEDED, FAILED
	AccountID     string `json:"accountId,omitempty"`
	FailureReason string `json:"failureReason,omitempty"`
	// Requested and Completed are AWS's own timestamps (zero when AWS
	// gave none): the apply engine learns how long a creation takes.
	Requested time.Time `json:"requested,omitzero"`
	Completed time.Time `json:"completed,omitzero"`
}

// Creation states, as AWS names them.
const (
	CreationInProgress = "IN_PROGRESS"
	CreationSucceeded  = "SUCCEEDED"
	CreationFailed     = "FAILED"
)

// OUPaths maps every OU id, and the root id (to ""), to its path from the
// root. OUs whose ancestry does not reach the root are left out.
func (a *Actual) OUPaths() map[string]string {
	byID := make(map[string]ActualOU, len(a.OUs))
	for _, o := range a.OUs {
		byID[o.ID] = o
	}
	paths := make(map[string]string, len(a.OUs)+1)
	paths[a.RootID] = ""
	var resolve func(id string, depth int) (string, bool)
	resolve = func(id string, depth int) (string, bool) {
		if p, ok := paths[id]; ok {
			return p, true
		}
		o, ok := byID[id]
		if !ok || depth > len(a.OUs) {
			return "", false
		}
		parent, ok := resolve(o.ParentID, depth+1)
		if !ok {
			return "", false
		}
		p := o.Name
		if parent != "" {
			p = parent + "/" + o.Name
		}
		paths[id] = p
		return p, true
	}
	for _, o := range a.OUs {
		resolve(o.ID, 0)
	}
	return paths
}

// Kinds of the accounts of an existing organization.
const (
	ManagementKind AccountKind = "management"
	MemberKind     AccountKind = "member"
)

// Tree returns the organization as it exists, in the shape of a design's
// tree: OUs by path, accounts with ids and OU paths (the management account
// among them, in Root), and the customer-managed policies with their targets.
// AWS-managed policies (FullAWSAccess) are left out: they sit everywhere.
func (a *Actual) Tree() *Tree {
	t := &Tree{OUs: []OU{}, Accounts: []Account{}, Policies: []Policy{}}
	if a.Organization == nil {
		return t
	}
	t.Organization = a.Organization.ID
	paths := a.OUPaths()
	for _, o := range a.OUs {
		path, ok := paths[o.ID]
		if !ok {
			continue
		}
		parent := ""
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			parent = path[:i]
		}
		t.OUs = append(t.OUs, OU{Path: path, Name: o.Name, Parent: parent})
	}
	// Parents before children, siblings by name: the order a tree is drawn in.
	sort.SliceStable(t.OUs, func(i, j int) bool { return t.OUs[i].Path < t.OUs[j].Path })
	names := map[string]Target{a.RootID: {Type: TargetRoot, Name: "Root"}}
	for id, path := range paths {
		if id != a.RootID {
			names[id] = Target{Type: TargetOU, Name: path}
		}
	}
	for _, acc := range a.Accounts {
		kind := MemberKind
		if acc.ID == a.Organization.ManagementAccountID {
			kind = ManagementKind
		}
		t.Accounts = append(t.Accounts, Account{Name: acc.Name, Email: acc.Email, ID: acc.ID, OU: paths[acc.ParentID], Kind: kind, Tags: acc.Tags})
		names[acc.ID] = Target{Type: TargetAccount, Name: acc.Name}
	}
	sort.SliceStable(t.Accounts, func(i, j int) bool {
		if t.Accounts[i].OU != t.Accounts[j].OU {
			return t.Accounts[i].OU < t.Accounts[j].OU
		}
		return t.Accounts[i].Name < t.Accounts[j].Name
	})
	for _, p := range a.Policies {
		if p.AWSManaged {
			continue
		}
		pol := Policy{Name: p.Name, Description: p.Description, Content: p.Content}
		for _, id := range p.Targets {
			if tg, ok := names[id]; ok {
				pol.Targets = append(pol.Targets, tg)
			} else {
				pol.Targets = append(pol.Targets, Target{Type: targetTypeOfID(id), Name: id})
			}
		}
		t.Policies = append(t.Policies, pol)
	}
	return t
}
