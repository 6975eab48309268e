package identitycenter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ApprovePath is where the sandbox takes a device code's approval over HTTP: its stand-in for the user's
// sign-in on the verification page AWS sends `aws sso login` to, so that `orgwizard sandbox approve-device`
// can approve a login waiting on a running `sandbox serve`. It is no AWS operation; the underscore keeps it
// apart from every AWS path (an S3 bucket name cannot hold one).
const ApprovePath = "/_sandbox/approve-device"

// Approval is the body of a POST to ApprovePath, and of its answer.
type Approval struct {
	UserCode string `json:"userCode"`
	// UserName is the identity store user who signs in; empty: the store's only user.
	UserName string `json:"userName,omitempty"`
	// IdentityStoreID and StartURL, in the answer, say which instance the code was for.
	IdentityStoreID string `json:"identityStoreId,omitempty"`
	StartURL        string `json:"startUrl,omitempty"`
}

// ApprovalError is the answer's body when the approval is refused.
type ApprovalError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func serveApproval(st *State, env Env, body []byte) Result {
	const op = "ApproveDevice"
	var in Approval
	if err := json.Unmarshal(body, &in); err != nil || in.UserCode == "" {
		return oidcError(op, http.StatusBadRequest, "InvalidRequestException", "invalid_request", `The body must be a JSON object {"userCode": "...", "userName": "..."}; userName may be left out when the identity store has one user.`)
	}
	user, in2, err := st.approve(in.UserCode, in.UserName, env.Now.UTC())
	if err != nil {
		return oidcError(op, http.StatusBadRequest, "InvalidRequestException", "invalid_request", err.Error())
	}
	return Result{Status: http.StatusOK, ContentType: "application/json", Operation: op, Outcome: "ok", Changed: true,
		Body: mustJSON(Approval{UserCode: in.UserCode, UserName: user, IdentityStoreID: in2.IdentityStoreID, StartURL: in2.StartURL()})}
}

// Approve is the user's approval of a device code in the browser: userName signs in to the instance the
// code was started for (empty: the identity store's only user). It returns the user who signed in.
func (st *State) Approve(userCode, userName string, now time.Time) (string, error) {
	user, _, err := st.approve(userCode, userName, now)
	return user, err
}

func (st *State) approve(userCode, userName string, now time.Time) (string, *Instance, error) {
	i := slices.IndexFunc(st.Devices, func(d *Device) bool {
		return strings.EqualFold(d.UserCode, userCode) && !d.Used && now.Before(d.ExpiresAt)
	})
	if i < 0 {
		return "", nil, fmt.Errorf("no device authorization waits for the code %q (it may have expired: codes last %s; run aws sso login again for a new one)", userCode, deviceCodeLife)
	}
	d := st.Devices[i]
	in := st.instance(d.Instance)
	if in == nil {
		return "", nil, fmt.Errorf("the Identity Center instance of code %q no longer exists", userCode)
	}
	if userName == "" {
		switch len(in.Users) {
		case 0:
			return "", nil, fmt.Errorf("identity store %s has no user to sign in as: create one first (members: of a group in the design's access: block, then orgwizard apply)", in.IdentityStoreID)
		case 1:
			userName = in.Users[0].UserName
		default:
			var names []string
			for _, u := range in.Users {
				names = append(names, u.UserName)
			}
			slices.Sort(names)
			return "", nil, fmt.Errorf("identity store %s has %d users: name the one who signs in (%s)", in.IdentityStoreID, len(names), strings.Join(names, ", "))
		}
	}
	for _, u := range in.Users {
		if strings.EqualFold(u.UserName, userName) {
			d.UserID = u.ID
			return u.UserName, in, nil
		}
	}
	return "", nil, fmt.Errorf("identity store %s has no user %q", in.IdentityStoreID, userName)
}
