package identitycenter

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// oidcError answers in sso-oidc's error shape: an OAuth error code and description.
func oidcError(op string, status int, code, oauth, desc string) Result {
	return restError(op, status, code, map[string]string{"error": oauth, "error_description": desc})
}

func serveOIDC(st *State, env Env, r *http.Request, body []byte) Result {
	var op string
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/client/register":
		op = "RegisterClient"
	case r.Method == http.MethodPost && r.URL.Path == "/device_authorization":
		op = "StartDeviceAuthorization"
	case r.Method == http.MethodPost && r.URL.Path == "/token" && r.URL.RawQuery == "":
		op = "CreateToken"
	case r.Method == http.MethodPost && r.URL.Path == ApprovePath:
		return serveApproval(st, env, body)
	default:
		return oidcError(r.Method+" "+r.URL.Path, http.StatusNotFound, "UnknownOperationException", "invalid_request", "sso-oidc has no operation "+r.Method+" "+r.URL.Path+" on the sandbox.")
	}
	var in struct {
		ClientName, ClientType, ClientID, ClientSecret, StartURL, GrantType, DeviceCode, RefreshToken string
	}
	var raw map[string]any
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &raw); err != nil {
			return oidcError(op, http.StatusBadRequest, "InvalidRequestException", "invalid_request", "The request body is not a JSON object.")
		}
	}
	get := func(k string) string { s, _ := raw[k].(string); return s }
	in.ClientName, in.ClientType, in.ClientID, in.ClientSecret = get("clientName"), get("clientType"), get("clientId"), get("clientSecret")
	in.StartURL, in.GrantType, in.DeviceCode, in.RefreshToken = get("startUrl"), get("grantType"), get("deviceCode"), get("refreshToken")
	now := env.Now.UTC()
	st.prune(now)

	if op == "RegisterClient" {
		if in.ClientName == "" || in.ClientType == "" {
			return oidcError(op, http.StatusBadRequest, "InvalidRequestException", "invalid_request", "clientName and clientType are required.")
		}
		if in.ClientType != "public" {
			return oidcError(op, http.StatusBadRequest, "InvalidClientMetadataException", "invalid_client_metadata", "clientType must be public.")
		}
		c := &Client{ID: randomToken("", 24), Secret: randomToken("", 96), Name: in.ClientName, IssuedAt: now.Truncate(time.Second),
			ExpiresAt: now.Add(clientLife).Truncate(time.Second)}
		st.Clients = append(st.Clients, c)
		return Result{Status: http.StatusOK, ContentType: "application/json", Operation: op, Outcome: "ok", Changed: true,
			Body: mustJSON(map[string]any{"clientId": c.ID, "clientSecret": c.Secret, "clientIdIssuedAt": c.IssuedAt.Unix(), "clientSecretExpiresAt": c.ExpiresAt.Unix()})}
	}

	i := slices.IndexFunc(st.Clients, func(c *Client) bool { return c.ID == in.ClientID })
	if i < 0 || st.Clients[i].Secret != in.ClientSecret {
		return oidcError(op, http.StatusUnauthorized, "InvalidClientException", "invalid_client", "Invalid client: the client id and secret are not those of a registered client.")
	}
	client := st.Clients[i]

	if op == "StartDeviceAuthorization" {
		inst := slices.IndexFunc(st.Instances, func(x *Instance) bool {
			return strings.TrimSuffix(x.StartURL(), "/") == strings.TrimSuffix(in.StartURL, "/")
		})
		if inst < 0 {
			return oidcError(op, http.StatusBadRequest, "InvalidRequestException", "invalid_request", "No Identity Center instance has the start URL "+strconv.Quote(in.StartURL)+".")
		}
		d := &Device{DeviceCode: randomToken("", 48), UserCode: strings.ToUpper(core.RandomHex(4) + "-" + core.RandomHex(4)), ClientID: client.ID,
			Instance: st.Instances[inst].ARN, ExpiresAt: now.Add(deviceCodeLife)}
		st.Devices = append(st.Devices, d)
		verify := "https://device.sso." + st.Instances[inst].Region + ".amazonaws.com/"
		return Result{Status: http.StatusOK, ContentType: "application/json", Operation: op, Outcome: "ok", Changed: true,
			Body: mustJSON(map[string]any{"deviceCode": d.DeviceCode, "userCode": d.UserCode, "verificationUri": verify,
				"verificationUriComplete": verify + "?user_code=" + d.UserCode, "expiresIn": int(deviceCodeLife.Seconds()), "interval": 1})}
	}

	// CreateToken
	switch in.GrantType {
	case deviceCodeGrant:
		j := slices.IndexFunc(st.Devices, func(d *Device) bool { return d.DeviceCode == in.DeviceCode && d.ClientID == client.ID })
		if j < 0 || st.Devices[j].Used {
			return oidcError(op, http.StatusBadRequest, "InvalidGrantException", "invalid_grant", "Invalid grant provided")
		}
		d := st.Devices[j]
		if !now.Before(d.ExpiresAt) {
			return oidcError(op, http.StatusBadRequest, "ExpiredTokenException", "expired_token", "The device code has expired; start the device authorization again.")
		}
		if d.UserID == "" {
			return oidcError(op, http.StatusBadRequest, "AuthorizationPendingException", "authorization_pending", "The user has not approved the device code yet.")
		}
		d.Used = true
		t := &Token{AccessToken: randomToken("aoa", 96), RefreshToken: randomToken("aor", 96), ClientID: client.ID, Instance: d.Instance,
			UserID: d.UserID, ExpiresAt: now.Add(accessTokenLife)}
		st.Tokens = append(st.Tokens, t)
		return tokenResult(op, t, now)
	case refreshTokenGrant:
		j := slices.IndexFunc(st.Tokens, func(t *Token) bool { return t.RefreshToken == in.RefreshToken && t.ClientID == client.ID })
		if in.RefreshToken == "" || j < 0 {
			return oidcError(op, http.StatusBadRequest, "InvalidGrantException", "invalid_grant", "Invalid grant provided")
		}
		t := st.Tokens[j]
		t.AccessToken, t.ExpiresAt = randomToken("aoa", 96), now.Add(accessTokenLife)
		return tokenResult(op, t, now)
	case "":
		return oidcError(op, http.StatusBadRequest, "InvalidRequestException", "invalid_request", "grantType is required.")
	}
	return oidcError(op, http.StatusBadRequest, "UnsupportedGrantTypeException", "unsupported_grant_type", "The sandbox supports the device code and refresh token grants, not "+strconv.Quote(in.GrantType)+".")
}

func tokenResult(op string, t *Token, now time.Time) Result {
	return Result{Status: http.StatusOK, ContentType: "application/json", Operation: op, Outcome: "ok", Changed: true,
		Body: mustJSON(map[string]any{"accessToken": t.AccessToken, "tokenType": "Bearer", "expiresIn": int(t.ExpiresAt.Sub(now).Seconds()),
			"refreshToken": t.RefreshToken})}
}

// prune forgets expired clients, device codes and the tokens of forgotten clients, so the state does not
// grow with every sign-in.
func (st *State) prune(now time.Time) {
	st.Clients = slices.DeleteFunc(st.Clients, func(c *Client) bool { return !now.Before(c.ExpiresAt) })
	st.Devices = slices.DeleteFunc(st.Devices, func(d *Device) bool { return d.Used || !now.Before(d.ExpiresAt) })
	st.Tokens = slices.DeleteFunc(st.Tokens, func(t *Token) bool {
		return !slices.ContainsFunc(st.Clients, func(c *Client) bool { return c.ID == t.ClientID })
	})
}
