// Package identitycenter simulates AWS IAM Identity Center for the sandbox: the admin API (sso-admin:
// instances, permission sets, provisioning, account assignments), the identity store (users, groups,
// memberships), the access portal (sso: the role credentials a signed-in user gets) and the OIDC service
// that signs users in (sso-oidc: client registration, device authorization, tokens). Each speaks AWS's own
// wire protocol, checked against aws-sdk-go-v2's generated schemas, so that the SDK's SSO credential
// provider, the AWS CLI and Terraform work against it as against AWS.
//
// The four services live in one package because they share one state: an access token of sso-oidc names a
// user of the identity store, whose account assignments in sso-admin decide what the portal hands out. The
// sandbox core owns authentication, the lock, the state file and STS sessions; it hands each call here with
// an Env that describes the caller's organization, and saves the State when a call reports it changed.
package identitycenter

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Signing names (the service of the SigV4 credential scope) of the services served here. The portal and
// OIDC calls are not signed: the router recognizes them by path (Route).
const (
	ServiceAdmin  = "sso"           // sso-admin
	ServiceStore  = "identitystore" // identitystore
	ServicePortal = "awsssoportal"  // sso, the access portal
	ServiceOIDC   = "sso-oauth"     // sso-oidc
)

// DefaultDelay is how long, at sandbox speed 1, an account assignment or a provisioning request stays
// IN_PROGRESS before it ends SUCCEEDED: AWS takes seconds.
const DefaultDelay = 2 * time.Second

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

// Env is what the sandbox core tells about the world for one call.
type Env struct {
	Now time.Time
	// Caller is the account that signed the call; empty for the unsigned portal and OIDC calls.
	Caller string
	// Principal is the caller's ARN, for AccessDenied messages.
	Principal string
	Region    string
	// Delay is how long an asynchronous request stays IN_PROGRESS (already divided by the sandbox speed).
	Delay time.Duration
	// Org finds the organization an account belongs to (or manages).
	Org func(accountID string) (Org, bool)
	// Mint hands out temporary credentials that act as role in account, for the portal's GetRoleCredentials.
	Mint func(account, role, session string, expires time.Time) Credentials
}

// Org is an organization as Identity Center sees it.
type Org struct {
	ID           string
	ManagementID string
	Accounts     []Account
}

// Account is a member (or the management) account of an organization.
type Account struct {
	ID, Name, Email string
}

// Credentials are temporary credentials the core minted.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Result is a finished answer and what the core needs to know about it.
type Result struct {
	Status      int
	ContentType string
	Header      http.Header
	Body        []byte
	Operation   string
	// Outcome is "ok" or the AWS error code.
	Outcome string
	// Changed says the state changed and must be saved before the answer is sent.
	Changed bool
}

// Route names the unsigned service a request is for by its path: the portal's and sso-oidc's operations
// are not signed, so the credential scope cannot say.
func Route(r *http.Request) (string, bool) {
	switch r.URL.Path {
	case "/federation/credentials", "/assignment/roles", "/assignment/accounts", "/logout":
		return ServicePortal, true
	case "/client/register", "/device_authorization", "/token":
		return ServiceOIDC, true
	}
	return "", false
}

// Known reports whether op is an operation of service that this package serves, for the call record.
func Known(service, op string) bool {
	switch service {
	case ServiceAdmin:
		return adminOps[op] != nil
	case ServiceStore:
		return storeOps[op] != nil
	case ServicePortal:
		return slices.Contains(portalOps, op)
	case ServiceOIDC:
		return slices.Contains(oidcOps, op)
	}
	return false
}

// Serve answers one call of service. It runs under the sandbox's lock.
func Serve(st *State, env Env, service string, r *http.Request, body []byte) Result {
	changed := st.Settle(env.Now)
	var res Result
	switch service {
	case ServiceAdmin:
		res = serveJSON(st, env, r, body, "SWBExternalService.", adminOps)
	case ServiceStore:
		res = serveJSON(st, env, r, body, "AWSIdentityStore.", storeOps)
	case ServicePortal:
		res = servePortal(st, env, r)
	case ServiceOIDC:
		res = serveOIDC(st, env, r, body)
	default:
		res = jsonErrorResult("", &apiError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
			Message: "The sandbox's Identity Center does not serve " + strconv.Quote(service) + "."})
	}
	res.Changed = res.Changed || changed
	return res
}

// call is one awsJson call on its way through sso-admin or identitystore.
type call struct {
	st  *State
	env Env
	op  string
	in  map[string]json.RawMessage
}

type jsonOp func(c *call) (any, bool, error)

func serveJSON(st *State, env Env, r *http.Request, body []byte, prefix string, ops map[string]jsonOp) Result {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, prefix)
	if !ok || ops[op] == nil {
		return jsonErrorResult(op, &apiError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
			Message: "Unknown operation " + strconv.Quote(target) + "."})
	}
	c := &call{st: st, env: env, op: op}
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, &c.in); err != nil {
		return jsonErrorResult(op, &apiError{Status: http.StatusBadRequest, Code: "SerializationException",
			Message: "The request body is not a JSON object: " + err.Error()})
	}
	out, changed, err := ops[op](c)
	if err != nil {
		res := jsonErrorResult(op, asAPIError(err))
		res.Changed = changed
		return res
	}
	data, merr := json.Marshal(out)
	if merr != nil {
		return jsonErrorResult(op, &apiError{Status: http.StatusInternalServerError, Code: "InternalServerException", Message: merr.Error()})
	}
	return Result{Status: http.StatusOK, ContentType: "application/x-amz-json-1.1", Body: data, Operation: op, Outcome: "ok", Changed: changed}
}

// apiError is an error answered in the service's own shape.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Fields are the exception's other members (Reason, ResourceType, ResourceId ...).
	Fields map[string]string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func asAPIError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "InternalServerException", Message: err.Error()}
}

func jsonErrorResult(op string, e *apiError) Result {
	body := map[string]string{"__type": e.Code, "Message": e.Message}
	for k, v := range e.Fields {
		body[k] = v
	}
	data, _ := json.Marshal(body)
	return Result{Status: e.Status, ContentType: "application/x-amz-json-1.1", Body: data, Operation: op, Outcome: e.Code}
}

func validation(format string, args ...any) error {
	return &apiError{Status: http.StatusBadRequest, Code: "ValidationException", Message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &apiError{Status: http.StatusConflict, Code: "ConflictException", Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &apiError{Status: http.StatusNotFound, Code: "ResourceNotFoundException", Message: fmt.Sprintf(format, args...)}
}

func quotaExceeded(format string, args ...any) error {
	return &apiError{Status: http.StatusPaymentRequired, Code: "ServiceQuotaExceededException", Message: fmt.Sprintf(format, args...)}
}

func accessDenied(format string, args ...any) error {
	return &apiError{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: fmt.Sprintf(format, args...)}
}

// str reads a string member; a member of another type is a ValidationException.
func (c *call) str(name string) (string, error) {
	raw, ok := c.in[name]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", validation("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must be a string", lowerFirst(name))
	}
	return s, nil
}

// required reads a string member that must be there.
func (c *call) required(name string) (string, error) {
	s, err := c.str(name)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", validation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return s, nil
}

// decode reads a structured member into v; absent leaves v as it is.
func (c *call) decode(name string, v any) error {
	raw, ok := c.in[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return validation("1 validation error detected: Value at '%s' is not of the expected shape: %v", lowerFirst(name), err)
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// page cuts one page of n items from NextToken and MaxResults (1..limit, default limit): it returns the
// range to answer and the token of the next page, "" on the last.
func (c *call) page(n, limit int) (from, to int, next string, err error) {
	tok, err := c.str("NextToken")
	if err != nil {
		return 0, 0, "", err
	}
	max := limit
	if raw, ok := c.in["MaxResults"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &max) != nil || max < 1 || max > limit {
			return 0, 0, "", validation("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", string(raw), limit)
		}
	}
	if tok != "" {
		from, err = decodeToken(tok)
		if err != nil || from > n {
			return 0, 0, "", validation("The NextToken %q is not valid.", tok)
		}
	}
	to = min(from+max, n)
	if to < n {
		next = encodeToken(to)
	}
	return from, to, next, nil
}

func encodeToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("sandbox:" + strconv.Itoa(offset)))
}

func decodeToken(tok string) (int, error) {
	data, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	s, ok := strings.CutPrefix(string(data), "sandbox:")
	if !ok {
		return 0, fmt.Errorf("not a sandbox token")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a sandbox token")
	}
	return n, nil
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func newUUID() string {
	s := randomHex(32)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

func randomToken(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// epoch is a timestamp as awsJson sends it: seconds since the epoch, with fractions.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

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
	id := "ssoins-" + randomHex(16)
	in := &Instance{ARN: "arn:aws:sso:::instance/" + id, IdentityStoreID: "d-" + randomHex(10), Owner: owner, OrgID: orgID,
		Region: region, CreatedAt: now.UTC()}
	st.Instances = append(st.Instances, in)
	return in
}
