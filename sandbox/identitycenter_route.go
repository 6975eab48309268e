package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
)

// The core's side of IAM Identity Center (package identitycenter): routing, authentication, the
// organization the services see, the STS sessions the portal hands out, and the sandbox-only "click" that
// turns the organization instance on.

// DefaultIdentityCenterDelay is how long an account assignment or a provisioning stays IN_PROGRESS at
// speed 1.
const DefaultIdentityCenterDelay = identitycenter.DefaultDelay

// identityCenterDelay is how long an assignment or a provisioning stays IN_PROGRESS at the sandbox's speed.
func (s *Sandbox) identityCenterDelay() time.Duration {
	return time.Duration(float64(identitycenter.DefaultDelay) / s.cfg.Speed)
}

// identityCenterEnv describes the world to package identitycenter for one call. It runs under the lock.
func (s *Sandbox) identityCenterEnv(c *core.Caller, region string, now time.Time) identitycenter.Env {
	env := identitycenter.Env{Now: now, Region: region, Delay: s.identityCenterDelay(),
		Org: s.identityCenterOrg,
		Mint: func(account, role, sessionName string, expires time.Time) identitycenter.Credentials {
			ses := s.dir.Mint(account, role, sessionName, expires, now)
			return identitycenter.Credentials{AccessKeyID: ses.AccessKeyID, SecretAccessKey: ses.SecretAccessKey, SessionToken: ses.SessionToken}
		}}
	if c != nil {
		env.Caller = c.Account.ID
		env.Principal = c.Principal()
	}
	return env
}

func (s *Sandbox) identityCenterOrg(accountID string) (identitycenter.Org, bool) {
	o, ok := s.orgs.OrgOf(accountID)
	if !ok {
		return identitycenter.Org{}, false
	}
	org := identitycenter.Org{ID: o.ID, ManagementID: o.ManagementID}
	for _, m := range s.orgs.Members(o.ID) {
		org.Accounts = append(org.Accounts, identitycenter.Account{ID: m.ID, Name: m.Name, Email: m.Email})
	}
	return org, true
}

func (s *Sandbox) identityCenterState() *identitycenter.State {
	if s.st.IdentityCenter == nil {
		s.st.IdentityCenter = &identitycenter.State{}
	}
	return s.st.IdentityCenter
}

// serveIdentityCenter answers sso-admin and identitystore (signed, auth set) or the portal and sso-oidc
// (unsigned, found by path).
func (s *Sandbox) serveIdentityCenter(w http.ResponseWriter, r *http.Request, body []byte, service string, auth *core.SigV4, now time.Time) {
	s.mu.Lock()
	var (
		c      *core.Caller
		res    identitycenter.Result
		region string
	)
	if auth != nil {
		region = auth.Region
		op := targetOperation(r)
		var aerr *core.Error
		c, aerr = s.authenticate(r, body, *auth, op, now)
		if aerr == nil && !s.limiter.Allow(c.Account.ID+"/"+service+"/"+op, now) {
			aerr = &core.Error{Status: http.StatusTooManyRequests, Code: "ThrottlingException", Message: "Rate exceeded"}
		}
		if aerr == nil {
			aerr = s.identityCenterFault(op)
		}
		if aerr != nil {
			s.record(Call{Time: now, Account: c.AccountID(), Service: service, Region: region, Operation: op, Outcome: core.WireCode(service, aerr.Code)})
			s.mu.Unlock()
			core.WriteProtocolError(w, service, aerr)
			return
		}
	}
	res = identitycenter.Serve(s.identityCenterState(), s.identityCenterEnv(c, region, now), service, r, body)
	if res.Changed {
		if err := s.store.save(s.st); err != nil {
			s.reloadAfterFailedSave()
			res = identitycenter.Result{Status: http.StatusInternalServerError, ContentType: "application/x-amz-json-1.1",
				Header: http.Header{"X-Amzn-Errortype": {"InternalServerException"}}, Operation: res.Operation, Outcome: "InternalServerException",
				Body: []byte(`{"__type":"InternalServerException","Message":"The sandbox could not save its state; nothing changed."}`)}
		}
	}
	s.record(Call{Time: now, Account: c.AccountID(), Service: service, Region: region, Operation: res.Operation, Outcome: res.Outcome})
	s.mu.Unlock()

	for k, v := range res.Header {
		w.Header()[http.CanonicalHeaderKey(k)] = v
	}
	w.Header().Set("Content-Type", res.ContentType)
	w.Header().Set("X-Amzn-RequestId", core.NewRequestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(res.Body)))
	w.WriteHeader(res.Status)
	w.Write(res.Body)
}

// identityCenterFault answers the injected throttling and server-error shares on sso-admin and
// identitystore, with the exceptions their SDKs retry; the conflict share is Organizations' alone.
func (s *Sandbox) identityCenterFault(op string) *core.Error {
	switch s.st.Faults.Roll(s.rng, op) {
	case core.ThrottleFault:
		return &core.Error{Status: http.StatusTooManyRequests, Code: "ThrottlingException", Message: "Rate exceeded (sandbox fault injection)"}
	case core.ServerErrorFault:
		return &core.Error{Status: http.StatusInternalServerError, Code: "InternalServerException",
			Message: "The request processing has failed because of an unknown error, exception or failure (sandbox fault injection)."}
	}
	return nil
}

// IdentityCenterInfo describes an organization's Identity Center instance.
type IdentityCenterInfo struct {
	InstanceARN     string
	IdentityStoreID string
	// StartURL is the access portal URL, what `aws configure sso` and an [sso-session] ask for.
	StartURL string
	Region   string
	// OwnerAccountID is the organization's management account.
	OwnerAccountID string
}

// EnableIdentityCenter turns on the organization instance of IAM Identity Center in region, as the one click
// in the console does at AWS (no API does it from the management account). managementID is the management
// account of an organization with all features; an organization that has an instance keeps it.
func (s *Sandbox) EnableIdentityCenter(managementID, region string) (IdentityCenterInfo, error) {
	if region == "" {
		region = "us-east-1"
	}
	if !core.ValidRegion(region) {
		return IdentityCenterInfo{}, fmt.Errorf("%q is not a region code such as us-east-1", region)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir.Account(managementID) == nil {
		return IdentityCenterInfo{}, fmt.Errorf("the sandbox has no account %s", managementID)
	}
	o, ok := s.orgs.OrgOf(managementID)
	if !ok || !o.Manages(managementID) {
		return IdentityCenterInfo{}, fmt.Errorf("account %s is not the management account of an organization: Identity Center's organization instance is enabled from the management account (create the organization first)", managementID)
	}
	if o.FeatureSet != "ALL" {
		return IdentityCenterInfo{}, fmt.Errorf("organization %s has only consolidated billing: Identity Center needs all features enabled", o.ID)
	}
	st := s.identityCenterState()
	existed := st.InstanceFor(managementID) != nil
	in := st.Enable(managementID, o.ID, region, s.cfg.now())
	if !existed {
		// Enabling Identity Center in the console also gives it trusted access to the organization.
		s.orgs.EnableServiceAccess(o.ID, "sso.amazonaws.com", in.CreatedAt)
		if err := s.store.save(s.st); err != nil {
			s.reloadAfterFailedSave()
			return IdentityCenterInfo{}, fmt.Errorf("write sandbox state: %w", err)
		}
	}
	return infoOf(in), nil
}

func infoOf(in *identitycenter.Instance) IdentityCenterInfo {
	return IdentityCenterInfo{InstanceARN: in.ARN, IdentityStoreID: in.IdentityStoreID, StartURL: in.StartURL(), Region: in.Region, OwnerAccountID: in.Owner}
}

// IdentityCenter describes the Identity Center instance of the organization managementID manages; false when
// it is not enabled.
func (s *Sandbox) IdentityCenter(managementID string) (IdentityCenterInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.IdentityCenter == nil {
		return IdentityCenterInfo{}, false
	}
	in := s.st.IdentityCenter.InstanceFor(managementID)
	if in == nil {
		return IdentityCenterInfo{}, false
	}
	return infoOf(in), true
}

// ApproveDevice is, on the sandbox, the user's sign-in in the browser that AWS asks for after `aws sso
// login`: it approves the device authorization with userCode for the identity store user userName (empty:
// the store's only user), so the client's next CreateToken gets an access token.
func (s *Sandbox) ApproveDevice(userCode, userName string) error {
	_, err := s.ApproveDeviceUser(userCode, userName)
	return err
}

// ApproveDeviceUser is ApproveDevice, and returns the user who signed in.
func (s *Sandbox) ApproveDeviceUser(userCode, userName string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.IdentityCenter == nil {
		return "", errors.New("identity center is not enabled on this sandbox")
	}
	user, err := s.st.IdentityCenter.Approve(userCode, userName, s.cfg.now())
	if err != nil {
		return "", err
	}
	if err := s.store.save(s.st); err != nil {
		s.reloadAfterFailedSave()
		return "", fmt.Errorf("write sandbox state: %w", err)
	}
	return user, nil
}

// ApproveDevicePath is where a served sandbox takes the same approval over HTTP (POST, JSON
// {"userCode", "userName"}), for `orgwizard sandbox approve-device` while `sandbox serve` runs.
const ApproveDevicePath = identitycenter.ApprovePath
