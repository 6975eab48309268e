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
	"net/http"
	"slices"
	"strconv"
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
	case "/client/register", "/device_authorization", "/token", ApprovePath:
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
