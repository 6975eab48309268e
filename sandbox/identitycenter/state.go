package identitycenter

import (
	"slices"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// State is everything Identity Center holds; the sandbox keeps it in its state file.
type State struct {
	Instances []*Instance `json:"instances,omitempty"`
	Clients   []*Client   `json:"oidcClients,omitempty"`
	Devices   []*Device   `json:"deviceAuthorizations,omitempty"`
	Tokens    []*Token    `json:"tokens,omitempty"`
}

// Instance is an organization's Identity Center instance with its identity store.
type Instance struct {
	ARN             string           `json:"arn"`
	IdentityStoreID string           `json:"identityStoreId"`
	Owner           string           `json:"ownerAccountId"`
	OrgID           string           `json:"organizationId"`
	Region          string           `json:"region"`
	CreatedAt       time.Time        `json:"createdAt"`
	Users           []*User          `json:"users,omitempty"`
	Groups          []*Group         `json:"groups,omitempty"`
	Memberships     []*Membership    `json:"memberships,omitempty"`
	PermissionSets  []*PermissionSet `json:"permissionSets,omitempty"`
	Assignments     []*Assignment    `json:"assignments,omitempty"`
	Operations      []*Operation     `json:"operations,omitempty"`
}

// StartURL is the access portal URL of the instance, what `aws configure sso` asks for.
func (in *Instance) StartURL() string { return "https://" + in.IdentityStoreID + ".awsapps.com/start" }

// User is a user of the identity store.
type User struct {
	ID          string  `json:"id"`
	UserName    string  `json:"userName"`
	DisplayName string  `json:"displayName,omitempty"`
	Name        *Name   `json:"name,omitempty"`
	Emails      []Email `json:"emails,omitempty"`
}

// Name is a user's name as the identity store keeps it.
type Name struct {
	Formatted  string `json:"Formatted,omitempty"`
	FamilyName string `json:"FamilyName,omitempty"`
	GivenName  string `json:"GivenName,omitempty"`
}

// Email is one of a user's email addresses.
type Email struct {
	Value   string `json:"Value,omitempty"`
	Type    string `json:"Type,omitempty"`
	Primary bool   `json:"Primary,omitempty"`
}

// Group is a group of the identity store.
type Group struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Description string `json:"description,omitempty"`
}

// Membership puts a user in a group.
type Membership struct {
	ID      string `json:"id"`
	GroupID string `json:"groupId"`
	UserID  string `json:"userId"`
}

// PermissionSet is a permission set with its policies and where it is provisioned.
type PermissionSet struct {
	ARN             string    `json:"arn"`
	Name            string    `json:"name"`
	Description     string    `json:"description,omitempty"`
	SessionDuration string    `json:"sessionDuration"`
	RelayState      string    `json:"relayState,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	// UpdatedAt is the last change of its policies or settings, and Version counts the changes: an account
	// provisioned with an older version runs it until the permission set is provisioned again
	// (LATEST_PERMISSION_SET_NOT_PROVISIONED).
	UpdatedAt       time.Time `json:"updatedAt"`
	Version         int       `json:"version,omitempty"`
	ManagedPolicies []string  `json:"managedPolicies,omitempty"`
	InlinePolicy    string    `json:"inlinePolicy,omitempty"`
	Tags            []Tag     `json:"tags,omitempty"`
	// Provisioned holds, per account, the version last provisioned there.
	Provisioned map[string]int `json:"provisioned,omitempty"`
}

// Tag is a tag of a permission set, kept in the order it was set.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Assignment gives a user or group a permission set in an account.
type Assignment struct {
	AccountID        string `json:"accountId"`
	PermissionSetARN string `json:"permissionSetArn"`
	PrincipalType    string `json:"principalType"` // USER or GROUP
	PrincipalID      string `json:"principalId"`
}

// Operation is an asynchronous request: an assignment's creation or deletion, or a provisioning. Its
// outcome is decided when it arrives and shows at CompleteAt, so a restarted sandbox finishes it from the
// timestamps alone.
type Operation struct {
	RequestID        string    `json:"requestId"`
	Kind             string    `json:"kind"` // create, delete or provision
	Status           string    `json:"status"`
	FailureReason    string    `json:"failureReason,omitempty"`
	TargetID         string    `json:"targetId,omitempty"` // empty: provisioning to all provisioned accounts
	PermissionSetARN string    `json:"permissionSetArn"`
	PrincipalType    string    `json:"principalType,omitempty"`
	PrincipalID      string    `json:"principalId,omitempty"`
	CreatedAt        time.Time `json:"createdAt"`
	CompleteAt       time.Time `json:"completeAt"`
}

// Client is a client registered with sso-oidc (the AWS CLI registers one per sso-session).
type Client struct {
	ID        string    `json:"id"`
	Secret    string    `json:"secret"`
	Name      string    `json:"name"`
	IssuedAt  time.Time `json:"issuedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Device is a device authorization waiting for, or given, the user's approval in the browser; on the
// sandbox, Approve stands in for the browser.
type Device struct {
	DeviceCode string    `json:"deviceCode"`
	UserCode   string    `json:"userCode"`
	ClientID   string    `json:"clientId"`
	Instance   string    `json:"instanceArn"`
	ExpiresAt  time.Time `json:"expiresAt"`
	UserID     string    `json:"userId,omitempty"` // set once approved
	Used       bool      `json:"used,omitempty"`
}

// Token is an access token of a signed-in user, with the refresh token that renews it.
type Token struct {
	AccessToken  string    `json:"accessToken"`
	RefreshToken string    `json:"refreshToken"`
	ClientID     string    `json:"clientId"`
	Instance     string    `json:"instanceArn"`
	UserID       string    `json:"userId"`
	ExpiresAt    time.Time `json:"expiresAt"`
}

// Settle ends every asynchronous request whose time has come, in the order they complete, and reports
// whether anything changed.
func (st *State) Settle(now time.Time) bool {
	changed := false
	for _, in := range st.Instances {
		var due []*Operation
		for _, op := range in.Operations {
			if op.Status == "IN_PROGRESS" && !op.CompleteAt.After(now) {
				due = append(due, op)
			}
		}
		slices.SortStableFunc(due, func(a, b *Operation) int { return a.CompleteAt.Compare(b.CompleteAt) })
		for _, op := range due {
			in.complete(op)
			changed = true
		}
	}
	return changed
}

func (in *Instance) complete(op *Operation) {
	op.Status = "SUCCEEDED"
	ps := in.permissionSet(op.PermissionSetARN)
	if ps == nil {
		op.Status, op.FailureReason = "FAILED", "The permission set no longer exists."
		return
	}
	if ps.Provisioned == nil {
		ps.Provisioned = map[string]int{}
	}
	switch op.Kind {
	case "create":
		a := Assignment{AccountID: op.TargetID, PermissionSetARN: op.PermissionSetARN, PrincipalType: op.PrincipalType, PrincipalID: op.PrincipalID}
		if in.assignment(a) == nil {
			in.Assignments = append(in.Assignments, &a)
		}
		ps.Provisioned[op.TargetID] = ps.Version
	case "delete":
		a := Assignment{AccountID: op.TargetID, PermissionSetARN: op.PermissionSetARN, PrincipalType: op.PrincipalType, PrincipalID: op.PrincipalID}
		in.Assignments = slices.DeleteFunc(in.Assignments, func(x *Assignment) bool { return *x == a })
		// AWS removes the permission set's role from an account when its last assignment there goes.
		if !slices.ContainsFunc(in.Assignments, func(x *Assignment) bool {
			return x.AccountID == op.TargetID && x.PermissionSetARN == op.PermissionSetARN
		}) {
			delete(ps.Provisioned, op.TargetID)
		}
	case "provision":
		if op.TargetID != "" {
			ps.Provisioned[op.TargetID] = ps.Version
			return
		}
		for acct := range ps.Provisioned {
			ps.Provisioned[acct] = ps.Version
		}
	}
}

// changed records a change of the permission set's policies or settings.
func (ps *PermissionSet) changed(now time.Time) {
	ps.UpdatedAt = now.UTC()
	ps.Version++
}

func (in *Instance) permissionSet(arn string) *PermissionSet {
	for _, ps := range in.PermissionSets {
		if ps.ARN == arn {
			return ps
		}
	}
	return nil
}

func (in *Instance) assignment(a Assignment) *Assignment {
	for _, x := range in.Assignments {
		if *x == a {
			return x
		}
	}
	return nil
}

func (in *Instance) user(id string) *User {
	for _, u := range in.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (in *Instance) group(id string) *Group {
	for _, g := range in.Groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// InstanceFor is the instance of the organization whose management account is owner, or nil.
func (st *State) InstanceFor(owner string) *Instance {
	for _, in := range st.Instances {
		if in.Owner == owner {
			return in
		}
	}
	return nil
}

func (st *State) instance(arn string) *Instance {
	for _, in := range st.Instances {
		if in.ARN == arn {
			return in
		}
	}
	return nil
}

// Enable turns on the organization instance for the organization that owner manages, as the one click in
// the console does; it returns the existing instance when there is one.
func (st *State) Enable(owner, orgID, region string, now time.Time) *Instance {
	if in := st.InstanceFor(owner); in != nil {
		return in
	}
	id := "ssoins-" + core.RandomHex(16)
	in := &Instance{ARN: "arn:aws:sso:::instance/" + id, IdentityStoreID: "d-" + core.RandomHex(10), Owner: owner, OrgID: orgID,
		Region: region, CreatedAt: now.UTC()}
	st.Instances = append(st.Instances, in)
	return in
}
