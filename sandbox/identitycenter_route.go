package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/identitycenter"
)

// The core's side of IAM Identity Center (package identitycenter): routing, authentication, the
// organization the services see, the STS sessions the portal hands out, and the sandbox-only "click" that
// turns the organization instance on.

// DefaultIdentityCenterDelay is how long an account assignment or a provisioning stays IN_PROGRESS at
// speed 1.
const DefaultIdentityCenterDelay = identitycenter.DefaultDelay

// identityCenterSigned says whether package identitycenter serves a signed request for service.
func identityCenterSigned(service string) bool {
	return service == identitycenter.ServiceAdmin || service == identitycenter.ServiceStore
}

func identityCenterService(service string) bool {
	return identityCenterSigned(service) || service == identitycenter.ServicePortal || service == identitycenter.ServiceOIDC
}

// identityCenterDelay is how long an assignment or a provisioning stays IN_PROGRESS at the sandbox's speed.
func (s *Sandbox) identityCenterDelay() time.Duration {
	return time.Duration(float64(identitycenter.DefaultDelay) / s.cfg.Speed)
}

// identityCenterEnv describes the world to package identitycenter for one call. It runs under the lock.
func (s *Sandbox) identityCenterEnv(c *caller, region string, now time.Time) identitycenter.Env {
	env := identitycenter.Env{Now: now, Region: region, Delay: s.identityCenterDelay(),
		Org: s.identityCenterOrg,
		Mint: func(account, role, sessionName string, expires time.Time) identitycenter.Credentials {
			ses := &session{AccessKeyID: newAccessKeyID("ASIA"), SecretAccessKey: newSecret(), SessionToken: "sandbox/" + randomFrom(secretChars, 120),
				Account: account, RoleName: role, SessionName: sessionName, Expires: expires}
			s.addSession(ses, now)
			return identitycenter.Credentials{AccessKeyID: ses.AccessKeyID, SecretAccessKey: ses.SecretAccessKey, SessionToken: ses.SessionToken}
		}}
	if c != nil {
		env.Caller = c.account.ID
		env.Principal = "arn:aws:iam::" + c.account.ID + ":root"
		if c.session != nil {
			env.Principal = "arn:aws:sts::" + c.account.ID + ":assumed-role/" + c.session.RoleName + "/" + c.session.SessionName
		}
	}
	return env
}

func (s *Sandbox) identityCenterOrg(accountID string) (identitycenter.Org, bool) {
	a := s.ix.accountByID[accountID]
	if a == nil || a.OrgID == "" {
		return identitycenter.Org{}, false
	}
	o := s.ix.orgByID[a.OrgID]
	if o == nil {
		return identitycenter.Org{}, false
	}
	org := identitycenter.Org{ID: o.ID, ManagementID: o.ManagementID}
	for _, m := range s.ix.orgAccounts[o.ID] {
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
func (s *Sandbox) serveIdentityCenter(w http.ResponseWriter, r *http.Request, body []byte, service string, auth *sigV4, now time.Time) {
	s.mu.Lock()
	var (
		c      *caller
		res    identitycenter.Result
		region string
	)
	if auth != nil {
		region = auth.region
		var aerr *awsError
		c, aerr = s.authenticate(r, body, *auth, now)
		if aerr == nil {
			aerr = s.denied(c, targetOperation(r))
		}
		if aerr == nil && !s.allow(c.account.ID+"/"+service+"/"+targetOperation(r), now) {
			aerr = &awsError{Status: http.StatusTooManyRequests, Code: "ThrottlingException", Message: "Rate exceeded"}
		}
		if aerr == nil {
			aerr = s.identityCenterFault(targetOperation(r))
		}
		if aerr != nil {
			acct := ""
			if c != nil {
				acct = c.account.ID
			}
			s.record(Call{Time: now, Account: acct, Service: service, Region: region, Operation: targetOperation(r), Outcome: wireCode(service, aerr.Code)})
			s.mu.Unlock()
			writeProtocolError(w, service, aerr)
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
	acct := ""
	if c != nil {
		acct = c.account.ID
	}
	s.record(Call{Time: now, Account: acct, Service: service, Region: region, Operation: res.Operation, Outcome: res.Outcome})
	s.mu.Unlock()

	for k, v := range res.Header {
		w.Header()[http.CanonicalHeaderKey(k)] = v
	}
	w.Header().Set("Content-Type", res.ContentType)
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(res.Body)))
	w.WriteHeader(res.Status)
	w.Write(res.Body)
}

// identityCenterFault answers the injected throttling and server-error shares on sso-admin and
// identitystore, with the exceptions their SDKs retry; the conflict share is Organizations' alone.
func (s *Sandbox) identityCenterFault(op string) *awsError {
	f := s.st.Faults
	if len(f.Operations) > 0 && !slices.Contains(f.Operations, op) {
		return nil
	}
	if f.ThrottleShare == 0 && f.ServerErrorShare == 0 {
		return nil
	}
	roll := s.rng.Float64()
	switch {
	case roll < f.ThrottleShare:
		return &awsError{Status: http.StatusTooManyRequests, Code: "ThrottlingException", Message: "Rate exceeded (sandbox fault injection)"}
	case roll >= f.ThrottleShare+f.ConflictShare && roll < f.ThrottleShare+f.ConflictShare+f.ServerErrorShare:
		return &awsError{Status: http.StatusInternalServerError, Code: "InternalServerException",
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
	if !regionRe.MatchString(region) {
		return IdentityCenterInfo{}, fmt.Errorf("%q is not a region code such as us-east-1", region)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.ix.accountByID[managementID]
	if a == nil {
		return IdentityCenterInfo{}, fmt.Errorf("the sandbox has no account %s", managementID)
	}
	o := s.ix.orgByID[a.OrgID]
	if o == nil || o.ManagementID != managementID {
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
		if !slices.ContainsFunc(o.ServiceAccess, func(sa serviceAccess) bool { return sa.Principal == "sso.amazonaws.com" }) {
			o.ServiceAccess = append(o.ServiceAccess, serviceAccess{Principal: "sso.amazonaws.com", EnabledAt: in.CreatedAt})
		}
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
// login`: it approves the device authorization with userCode for the identity store user userName, so the
// client's next CreateToken gets an access token.
func (s *Sandbox) ApproveDevice(userCode, userName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.IdentityCenter == nil {
		return errors.New("identity center is not enabled on this sandbox")
	}
	if err := s.st.IdentityCenter.Approve(userCode, userName, s.cfg.now()); err != nil {
		return err
	}
	if err := s.store.save(s.st); err != nil {
		s.reloadAfterFailedSave()
		return fmt.Errorf("write sandbox state: %w", err)
	}
	return nil
}
