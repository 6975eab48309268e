package iam

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// User is what IAM's own calls need of one of an account's IAM users, which
// package inventory keeps (it lists them and their access keys).
type User struct {
	Name string
	// LoginProfile is the user's console password; nil when it has none.
	LoginProfile *LoginProfile
}

// LoginProfile is an IAM user's console password, as GetLoginProfile tells it.
type LoginProfile struct {
	// Created is when the password was first set.
	Created time.Time
	// ResetRequired: the user must choose a new password at its next sign-in.
	ResetRequired bool
}

// getLoginProfile answers GetLoginProfile: the user's login profile when it
// has a console password, NoSuchEntity (404) when it has none or when there
// is no such user, each in IAM's words.
func (s *Service) getLoginProfile(c *core.Caller, form url.Values) ([]byte, *core.Error) {
	name := form.Get("UserName")
	if name == "" {
		// IAM infers the user from an IAM user's credentials; the sandbox's
		// callers are root users and role sessions, which IAM asks to name one.
		return nil, &core.Error{Status: http.StatusBadRequest, Code: "ValidationError",
			Message: "Must specify userName when calling with non-User credentials"}
	}
	users := s.users(c.Account.ID)
	i := slices.IndexFunc(users, func(u User) bool { return u.Name == name })
	if i < 0 {
		return nil, &core.Error{Status: http.StatusNotFound, Code: "NoSuchEntity", Message: "The user with name " + name + " cannot be found."}
	}
	p := users[i].LoginProfile
	if p == nil {
		return nil, &core.Error{Status: http.StatusNotFound, Code: "NoSuchEntity", Message: "Login Profile for User " + name + " cannot be found."}
	}
	type loginProfile struct {
		UserName              string `xml:"UserName"`
		CreateDate            string `xml:"CreateDate"`
		PasswordResetRequired bool   `xml:"PasswordResetRequired"`
	}
	out, _ := xml.Marshal(struct {
		XMLName  xml.Name              `xml:"GetLoginProfileResponse"`
		Xmlns    string                `xml:"xmlns,attr"`
		Profile  loginProfile          `xml:"GetLoginProfileResult>LoginProfile"`
		Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
	}{Xmlns: Namespace, Profile: loginProfile{UserName: name, CreateDate: p.Created.UTC().Format(time.RFC3339),
		PasswordResetRequired: p.ResetRequired}, Metadata: core.ResponseMetadata{RequestID: core.NewRequestID()}})
	return out, nil
}
