package iam

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// The root user's password (its login profile), as a root session from
// STS AssumeRoot audits and deletes it: GetLoginProfile, CreateLoginProfile
// and DeleteLoginProfile without a UserName act on the root user. (With a
// UserName, GetLoginProfile reads an IAM user's, users.go; creating or
// deleting an IAM user's is not served.)

// loginOps are the login profile operations served for the root user.
var loginOps = map[string]bool{"GetLoginProfile": true, "CreateLoginProfile": true, "DeleteLoginProfile": true}

// rootListOps are the root user's other credentials that
// IAMAuditRootUserCredentials reads: the sandbox's root users never have
// signing certificates or MFA devices, so both lists are empty.
var rootListOps = map[string]string{"ListSigningCertificates": "Certificates", "ListMFADevices": "MFADevices"}

// rootList answers one of rootListOps for the caller's root user.
func (s *Service) rootList(c *core.Caller, op string) ([]byte, bool, *core.Error) {
	if c.Session != nil && !c.Session.Root() {
		return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "ValidationError", Message: "Must specify userName when calling with non-User credentials"}
	}
	body := "<" + op + "Response xmlns=\"" + Namespace + "\"><" + op + "Result><" + rootListOps[op] + "/><IsTruncated>false</IsTruncated></" +
		op + "Result><ResponseMetadata><RequestId>" + core.NewRequestID() + "</RequestId></ResponseMetadata></" + op + "Response>"
	return []byte(body), false, nil
}

// RootPassword says whether account's root user has a password: set
// explicitly (CreateLoginProfile, DeleteLoginProfile), or else as AWS
// leaves it: an account Organizations created has none, any other (a
// management account, a standalone or an invited one) has one.
func (s *Service) RootPassword(a *core.Account) bool {
	if v, ok := s.st.RootPasswords[a.ID]; ok {
		return v
	}
	return a.JoinedMethod != "CREATED"
}

func (s *Service) loginProfile(c *core.Caller, op string, form url.Values, now time.Time) ([]byte, bool, *core.Error) {
	// IAM: "When you make this request with root user credentials, you must
	// use an AssumeRoot session to omit the user name."
	if c.Session == nil || !c.Session.Root() {
		return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "ValidationError", Message: "Must specify userName when calling with non-User credentials"}
	}
	a := c.Account
	has := s.RootPassword(a)
	meta := core.ResponseMetadata{RequestID: core.NewRequestID()}
	noProfile := &core.Error{Status: http.StatusNotFound, Code: "NoSuchEntity", Message: "Login Profile for User root cannot be found."}
	type profile struct {
		CreateDate            string `xml:"CreateDate"`
		PasswordResetRequired bool   `xml:"PasswordResetRequired"`
	}
	created := a.CreatedAt.UTC().Format(time.RFC3339)
	switch op {
	case "GetLoginProfile":
		if !has {
			return nil, false, noProfile
		}
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name              `xml:"GetLoginProfileResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Profile  profile               `xml:"GetLoginProfileResult>LoginProfile"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Profile: profile{CreateDate: created}, Metadata: meta})
		return out, false, nil
	case "CreateLoginProfile":
		if has {
			return nil, false, &core.Error{Status: http.StatusConflict, Code: "EntityAlreadyExists", Message: "Login Profile for user root already exists."}
		}
		s.setRootPassword(a.ID, true)
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name              `xml:"CreateLoginProfileResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Profile  profile               `xml:"CreateLoginProfileResult>LoginProfile"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Profile: profile{CreateDate: now.UTC().Format(time.RFC3339)}, Metadata: meta})
		return out, true, nil
	default: // DeleteLoginProfile
		if !has {
			return nil, false, noProfile
		}
		s.setRootPassword(a.ID, false)
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name              `xml:"DeleteLoginProfileResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Metadata: meta})
		return out, true, nil
	}
}

func (s *Service) setRootPassword(account string, has bool) {
	if s.st.RootPasswords == nil {
		s.st.RootPasswords = map[string]bool{}
	}
	s.st.RootPasswords[account] = has
}
