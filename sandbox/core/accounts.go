package core

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Account is one simulated AWS account, standalone or in an organization.
// Every service knows it; Organizations alone changes where it sits.
type Account struct {
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

// NewAccount is a standalone account with fresh keys.
func NewAccount(id, name, email, role string, now time.Time) *Account {
	return &Account{ID: id, Name: name, Email: email, AccessKeyID: NewAccessKeyID("AKIA"), SecretAccessKey: NewSecret(),
		Role: role, CreatedAt: now}
}

// Session is a set of temporary credentials that act as a role in an account
// (STS AssumeRole, the access portal's role credentials).
type Session struct {
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken"`
	Account         string    `json:"account"`
	RoleName        string    `json:"roleName"`
	SessionName     string    `json:"sessionName"`
	Expires         time.Time `json:"expires"`
}

// Directory is every account and session, with the lookups the handlers
// use; it refers to the state's lists and keeps them and its maps in step,
// so no request scans the state.
type Directory struct {
	accounts *[]*Account
	sessions *[]*Session
	byID     map[string]*Account
	byKey    map[string]*Account
	byEmail  map[string]*Account // lower-cased
	sesByKey map[string]*Session
}

// NewDirectory indexes the accounts and sessions of a state.
func NewDirectory(accounts *[]*Account, sessions *[]*Session) *Directory {
	d := &Directory{accounts: accounts, sessions: sessions, byID: map[string]*Account{}, byKey: map[string]*Account{},
		byEmail: map[string]*Account{}, sesByKey: map[string]*Session{}}
	for _, a := range *accounts {
		d.index(a)
	}
	for _, s := range *sessions {
		d.sesByKey[s.AccessKeyID] = s
	}
	return d
}

func (d *Directory) index(a *Account) {
	d.byID[a.ID] = a
	if a.AccessKeyID != "" {
		d.byKey[a.AccessKeyID] = a
	}
	d.byEmail[strings.ToLower(a.Email)] = a
}

// All is every account, in the order they came.
func (d *Directory) All() []*Account { return *d.accounts }

// Account is the account id; nil when there is none.
func (d *Directory) Account(id string) *Account { return d.byID[id] }

// ByEmail is the account with email, compared case-insensitively.
func (d *Directory) ByEmail(email string) *Account { return d.byEmail[strings.ToLower(email)] }

// Add keeps a new account.
func (d *Directory) Add(a *Account) {
	*d.accounts = append(*d.accounts, a)
	d.index(a)
}

// AddSession keeps a new session and drops the expired ones: the one place
// sessions grow.
func (d *Directory) AddSession(ses *Session, now time.Time) {
	*d.sessions = slices.DeleteFunc(*d.sessions, func(x *Session) bool {
		if now.After(x.Expires) {
			delete(d.sesByKey, x.AccessKeyID)
			return true
		}
		return false
	})
	*d.sessions = append(*d.sessions, ses)
	d.sesByKey[ses.AccessKeyID] = ses
}

// Mint hands out and keeps a new session acting as role in account.
func (d *Directory) Mint(account, role, sessionName string, expires, now time.Time) *Session {
	ses := &Session{AccessKeyID: NewAccessKeyID("ASIA"), SecretAccessKey: NewSecret(), SessionToken: NewSessionToken(),
		Account: account, RoleName: role, SessionName: sessionName, Expires: expires}
	d.AddSession(ses, now)
	return ses
}

// Caller is who signed a request and what they asked for.
type Caller struct {
	Account *Account
	Session *Session // set when the credentials came from a session
	Service string   // SigV4 signing name
	Region  string
}

// Principal is the caller's ARN, as AWS names it in AccessDenied messages.
func (c *Caller) Principal() string {
	if c.Session != nil {
		return "arn:aws:sts::" + c.Account.ID + ":assumed-role/" + c.Session.RoleName + "/" + c.Session.SessionName
	}
	return "arn:aws:iam::" + c.Account.ID + ":root"
}

// AccountID is the caller's account, empty for no caller (an unsigned or refused request).
func (c *Caller) AccountID() string {
	if c == nil {
		return ""
	}
	return c.Account.ID
}

func invalidToken() *Error {
	return &Error{Status: http.StatusForbidden, Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid."}
}

// Authenticate finds the account or session that signed the request and
// checks the signature.
func (d *Directory) Authenticate(r *http.Request, body []byte, auth SigV4, now time.Time) (*Caller, *Error) {
	c := &Caller{Service: auth.Service, Region: auth.Region}
	var secret string
	if a := d.byKey[auth.AccessKeyID]; a != nil {
		c.Account, secret = a, a.SecretAccessKey
	} else if ses := d.sesByKey[auth.AccessKeyID]; ses != nil {
		if r.Header.Get("X-Amz-Security-Token") != ses.SessionToken {
			return nil, invalidToken()
		}
		if now.After(ses.Expires) {
			return nil, &Error{Status: http.StatusForbidden, Code: "ExpiredToken", Message: "The security token included in the request is expired"}
		}
		c.Account, c.Session, secret = d.byID[ses.Account], ses, ses.SecretAccessKey
		if c.Account == nil {
			return nil, invalidToken()
		}
	} else {
		return nil, invalidToken()
	}
	if !auth.Verify(r, body, secret) {
		return nil, &Error{Status: http.StatusForbidden, Code: "SignatureDoesNotMatch",
			Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}
	}
	return c, nil
}

// Org is what a service other than Organizations knows of an organization.
type Org struct {
	ID           string
	ManagementID string
	// FeatureSet is ALL or CONSOLIDATED_BILLING.
	FeatureSet string
}

// Manages says whether account is the organization's management account.
func (o Org) Manages(account string) bool { return o.ManagementID == account }

// Organizations answers, for the other services, where accounts sit. The
// wiring gives them Organizations' own answers.
type Organizations interface {
	// OrgOf is the organization account belongs to (or manages); false when it is standalone.
	OrgOf(account string) (Org, bool)
	// Members is every account of the organization, the management account included, in joining order.
	Members(orgID string) []*Account
	// OUPath is the path of OU names from the root to parent ("Workloads/prod"); empty for the root.
	OUPath(parent string) string
}
