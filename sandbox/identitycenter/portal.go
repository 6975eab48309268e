package identitycenter

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The access portal (sso, restJson1, unsigned: the signed-in user's access token travels in the
// x-amz-sso_bearer_token header) and the OIDC service that signs users in (sso-oidc, restJson1,
// unsigned). The device authorization grant waits for the user's approval in a browser; on the sandbox
// State.Approve is that approval.

var (
	portalOps = []string{"GetRoleCredentials", "ListAccounts", "ListAccountRoles", "Logout"}
	oidcOps   = []string{"RegisterClient", "StartDeviceAuthorization", "CreateToken", "ApproveDevice"}
)

const (
	deviceCodeGrant    = "urn:ietf:params:oauth:grant-type:device_code"
	refreshTokenGrant  = "refresh_token"
	accessTokenLife    = time.Hour
	deviceCodeLife     = 10 * time.Minute
	clientLife         = 90 * 24 * time.Hour
	maxPortalResults   = 100
	reservedRolePrefix = "AWSReservedSSO_"
)

// restError is an error of the portal or sso-oidc, in restJson1's shape: the code in X-Amzn-ErrorType,
// the members in the body.
func restError(op string, status int, code string, body map[string]string) Result {
	data, _ := json.Marshal(body)
	return Result{Status: status, ContentType: "application/json", Header: http.Header{"X-Amzn-Errortype": {code}}, Body: data,
		Operation: op, Outcome: code}
}

func restOK(op string, out any) Result {
	data, _ := json.Marshal(out)
	return Result{Status: http.StatusOK, ContentType: "application/json", Body: data, Operation: op, Outcome: "ok"}
}

func portalError(op string, status int, code, msg string) Result {
	return restError(op, status, code, map[string]string{"message": msg})
}

// portalOp names the portal operation of a request by method and path.
func portalOp(r *http.Request) string {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/federation/credentials":
		return "GetRoleCredentials"
	case r.Method == http.MethodGet && r.URL.Path == "/assignment/accounts":
		return "ListAccounts"
	case r.Method == http.MethodGet && r.URL.Path == "/assignment/roles":
		return "ListAccountRoles"
	case r.Method == http.MethodPost && r.URL.Path == "/logout":
		return "Logout"
	}
	return ""
}

func (st *State) token(access string, now time.Time) *Token {
	for _, t := range st.Tokens {
		if t.AccessToken == access && now.Before(t.ExpiresAt) {
			return t
		}
	}
	return nil
}

// grants is what a user may do: per account, the permission sets assigned to the user or to a group the
// user is in.
func (in *Instance) grants(userID string) map[string][]*PermissionSet {
	groups := map[string]bool{}
	for _, m := range in.Memberships {
		if m.UserID == userID {
			groups[m.GroupID] = true
		}
	}
	out := map[string][]*PermissionSet{}
	for _, a := range in.Assignments {
		if (a.PrincipalType == "USER" && a.PrincipalID == userID) || (a.PrincipalType == "GROUP" && groups[a.PrincipalID]) {
			ps := in.permissionSet(a.PermissionSetARN)
			if ps != nil && !slices.Contains(out[a.AccountID], ps) {
				out[a.AccountID] = append(out[a.AccountID], ps)
			}
		}
	}
	return out
}

// RoleName is the role a permission set becomes in an account: AWSReservedSSO_<name>_<16 hex digits>, the
// suffix fixed per permission set and account as AWS keeps it for the role's life.
func RoleName(ps *PermissionSet, account string) string {
	sum := sha256.Sum256([]byte(ps.ARN + "/" + account))
	return reservedRolePrefix + ps.Name + "_" + hex.EncodeToString(sum[:8])
}

func servePortal(st *State, env Env, r *http.Request) Result {
	op := portalOp(r)
	if op == "" {
		return portalError(r.Method+" "+r.URL.Path, http.StatusNotFound, "UnknownOperationException", "The access portal has no operation "+r.Method+" "+r.URL.Path+".")
	}
	tok := st.token(r.Header.Get("X-Amz-Sso_bearer_token"), env.Now)
	if tok == nil {
		return portalError(op, http.StatusUnauthorized, "UnauthorizedException", "Session token not found or invalid")
	}
	in := st.instance(tok.Instance)
	var user *User
	if in != nil {
		user = in.user(tok.UserID)
	}
	if user == nil {
		return portalError(op, http.StatusUnauthorized, "UnauthorizedException", "Session token not found or invalid")
	}
	q := r.URL.Query()
	grants := in.grants(user.ID)
	switch op {
	case "Logout":
		st.Tokens = slices.DeleteFunc(st.Tokens, func(t *Token) bool { return t == tok })
		return Result{Status: http.StatusOK, ContentType: "application/json", Body: []byte("{}"), Operation: op, Outcome: "ok", Changed: true}
	case "ListAccounts":
		org, _ := env.Org(in.Owner)
		var list []any
		for _, a := range org.Accounts {
			if len(grants[a.ID]) > 0 {
				list = append(list, map[string]string{"accountId": a.ID, "accountName": a.Name, "emailAddress": a.Email})
			}
		}
		return portalPage(op, q, "accountList", list)
	case "ListAccountRoles":
		acct := q.Get("account_id")
		if acct == "" {
			return portalError(op, http.StatusBadRequest, "InvalidRequestException", "account_id is required")
		}
		var list []any
		for _, ps := range grants[acct] {
			list = append(list, map[string]string{"roleName": ps.Name, "accountId": acct})
		}
		return portalPage(op, q, "roleList", list)
	}
	// GetRoleCredentials
	acct, role := q.Get("account_id"), q.Get("role_name")
	if acct == "" || role == "" {
		return portalError(op, http.StatusBadRequest, "InvalidRequestException", "account_id and role_name are required")
	}
	i := slices.IndexFunc(grants[acct], func(ps *PermissionSet) bool { return ps.Name == role })
	if i < 0 {
		// AWS answers an account or role the user may not use with ForbiddenException "No access".
		return portalError(op, http.StatusForbidden, "ForbiddenException", "No access")
	}
	ps := grants[acct][i]
	expires := env.Now.Add(sessionSeconds(ps.SessionDuration)).UTC().Truncate(time.Second)
	creds := env.Mint(acct, RoleName(ps, acct), user.UserName, expires)
	return Result{Status: http.StatusOK, ContentType: "application/json", Operation: op, Outcome: "ok", Changed: true,
		Body: mustJSON(map[string]any{"roleCredentials": map[string]any{"accessKeyId": creds.AccessKeyID, "secretAccessKey": creds.SecretAccessKey,
			"sessionToken": creds.SessionToken, "expiration": expires.UnixMilli()}})}
}

func mustJSON(v any) []byte {
	data, _ := json.Marshal(v)
	return data
}

func portalPage(op string, q map[string][]string, member string, list []any) Result {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	max := maxPortalResults
	if s := get("max_result"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPortalResults {
			return portalError(op, http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf("max_result must be between 1 and %d", maxPortalResults))
		}
		max = n
	}
	from := 0
	if tok := get("next_token"); tok != "" {
		n, err := decodeToken(tok)
		if err != nil || n > len(list) {
			return portalError(op, http.StatusBadRequest, "InvalidRequestException", "next_token is not valid")
		}
		from = n
	}
	to := min(from+max, len(list))
	out := map[string]any{member: append([]any{}, list[from:to]...)}
	if to < len(list) {
		out["nextToken"] = encodeToken(to)
	}
	return restOK(op, out)
}
