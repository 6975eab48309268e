// Package account is the sandbox's AWS Account Management service on
// restJson: an account's alternate contacts (billing, operations,
// security). An account sets its own; the organization's management account
// or the delegated administrator for account.amazonaws.com sets a member's
// with AccountId, once trusted access for account.amazonaws.com is enabled,
// as AWS requires.
package account

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Principal is the Account service's principal in Organizations.
const Principal = "account.amazonaws.com"

// State is the Account service's part of the sandbox state: the alternate
// contacts of each account, by type.
type State struct {
	Contacts map[string]map[string]Contact `json:"alternateContacts,omitempty"`
}

// Contact is one alternate contact.
type Contact struct {
	Name         string `json:"name"`
	Title        string `json:"title"`
	EmailAddress string `json:"emailAddress"`
	PhoneNumber  string `json:"phoneNumber"`
}

// Service is the Account service over the state's contacts.
type Service struct {
	st   *State
	dir  *core.Directory
	orgs core.Organizations
	del  core.Delegations
}

// New serves the contacts st holds, for the accounts dir knows in the organizations orgs and del know.
func New(st *State, dir *core.Directory, orgs core.Organizations, del core.Delegations) *Service {
	if st.Contacts == nil {
		st.Contacts = map[string]map[string]Contact{}
	}
	return &Service{st: st, dir: dir, orgs: orgs, del: del}
}

var paths = map[string]string{
	"/putAlternateContact":    "PutAlternateContact",
	"/getAlternateContact":    "GetAlternateContact",
	"/deleteAlternateContact": "DeleteAlternateContact",
}

// Operation names the operation of a request by its path; empty when the
// sandbox does not serve it.
func Operation(r *http.Request) string {
	if r.Method != http.MethodPost {
		return ""
	}
	return paths[r.URL.Path]
}

// Known says whether the sandbox serves op.
func Known(op string) bool {
	for _, o := range paths {
		if o == op {
			return true
		}
	}
	return false
}

var (
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	emailPattern     = regexp.MustCompile(`^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$`)
	phonePattern     = regexp.MustCompile(`^[\s0-9()+-]+$`)
	types            = map[string]bool{"BILLING": true, "OPERATIONS": true, "SECURITY": true}
)

type input struct {
	AccountId            *string
	AlternateContactType string
	EmailAddress         *string
	Name                 *string
	PhoneNumber          *string
	Title                *string
}

func validation(field, constraint string, value any) *core.Error {
	v := "null"
	if s, ok := value.(string); ok {
		v = "'" + s + "'"
	}
	return &core.Error{Status: http.StatusBadRequest, Code: "ValidationException",
		Message: fmt.Sprintf("1 validation error detected: Value %s at '%s' failed to satisfy constraint: %s", v, field, constraint)}
}

func accessDenied(msg string) *core.Error {
	return &core.Error{Status: http.StatusForbidden, Code: "AccessDeniedException", Message: msg}
}

// Serve answers one call under the sandbox's lock.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) (any, bool, *core.Error) {
	var in input
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "ValidationException", Message: "Invalid request body: " + err.Error()}
		}
	}
	if !types[in.AlternateContactType] {
		var v any
		if in.AlternateContactType != "" {
			v = in.AlternateContactType
		}
		return nil, false, validation("alternateContactType", "Member must satisfy enum value set: [SECURITY, BILLING, OPERATIONS]", v)
	}
	target, err := s.target(c, in.AccountId)
	if err != nil {
		return nil, false, err
	}
	switch op {
	case "PutAlternateContact":
		ct, err := contactOf(&in)
		if err != nil {
			return nil, false, err
		}
		if s.st.Contacts[target] == nil {
			s.st.Contacts[target] = map[string]Contact{}
		}
		s.st.Contacts[target][in.AlternateContactType] = ct
		return struct{}{}, true, nil
	case "GetAlternateContact":
		ct, ok := s.st.Contacts[target][in.AlternateContactType]
		if !ok {
			return nil, false, notFound()
		}
		return map[string]any{"AlternateContact": map[string]string{"AlternateContactType": in.AlternateContactType,
			"EmailAddress": ct.EmailAddress, "Name": ct.Name, "PhoneNumber": ct.PhoneNumber, "Title": ct.Title}}, false, nil
	default: // DeleteAlternateContact
		if _, ok := s.st.Contacts[target][in.AlternateContactType]; !ok {
			return nil, false, notFound()
		}
		delete(s.st.Contacts[target], in.AlternateContactType)
		return struct{}{}, true, nil
	}
}

func notFound() *core.Error {
	return &core.Error{Status: http.StatusNotFound, Code: "ResourceNotFoundException", Message: "No contact of the inputted alternate contact type found."}
}

// target is the account a call acts on: the caller's own without
// AccountId; with it, a member of the caller's organization, when the
// caller is its management account or the delegated administrator for
// account.amazonaws.com and trusted access for it is enabled.
func (s *Service) target(c *core.Caller, accountID *string) (string, *core.Error) {
	if accountID == nil {
		return c.Account.ID, nil
	}
	id := *accountID
	if !accountIDPattern.MatchString(id) {
		return "", validation("accountId", "Member must satisfy regular expression pattern: ^\\d{12}$", id)
	}
	o, ok := s.orgs.OrgOf(c.Account.ID)
	if !ok {
		return "", accessDenied("The AccountId parameter can be used only by the management account or a delegated administrator of an organization; this account is not in one. Leave AccountId out to act on your own account.")
	}
	if id == c.Account.ID {
		if o.Manages(id) {
			return "", accessDenied("The management account can't specify its own AccountId; call the operation without AccountId to act on it.")
		}
		return "", accessDenied("A member account can't specify its own AccountId; call the operation without AccountId to act on it.")
	}
	if !o.Manages(c.Account.ID) && !s.del.DelegatedAdmin(o.ID, Principal, c.Account.ID) {
		return "", accessDenied("Only the management account or the delegated administrator for " + Principal + " can specify another account's AccountId.")
	}
	if o.FeatureSet != "ALL" || !s.del.TrustedAccess(o.ID, Principal) {
		return "", accessDenied("The organization must have trusted access enabled for " + Principal +
			" (aws organizations enable-aws-service-access --service-principal " + Principal + ") before AccountId can name a member account.")
	}
	if target, ok := s.orgs.OrgOf(id); !ok || target.ID != o.ID || s.dir.Account(id) == nil {
		return "", accessDenied("Account " + id + " is not a member of your organization.")
	}
	return id, nil
}

// contactOf applies AWS's constraints on the contact's fields.
func contactOf(in *input) (Contact, *core.Error) {
	check := func(field string, v *string, max int, pattern *regexp.Regexp) (string, *core.Error) {
		if v == nil {
			return "", validation(field, "Member must not be null", nil)
		}
		// AWS counts characters, not bytes: "Zoë" is 3 long.
		if n := utf8.RuneCountInString(*v); n < 1 || n > max {
			return "", validation(field, fmt.Sprintf("Member must have length between 1 and %d", max), *v)
		}
		if pattern != nil && !pattern.MatchString(*v) {
			return "", validation(field, "Member must satisfy regular expression pattern: "+pattern.String(), *v)
		}
		return *v, nil
	}
	var ct Contact
	var err *core.Error
	if ct.EmailAddress, err = check("emailAddress", in.EmailAddress, 254, emailPattern); err != nil {
		return ct, err
	}
	if ct.Name, err = check("name", in.Name, 64, nil); err != nil {
		return ct, err
	}
	if ct.PhoneNumber, err = check("phoneNumber", in.PhoneNumber, 25, phonePattern); err != nil {
		return ct, err
	}
	if ct.Title, err = check("title", in.Title, 50, nil); err != nil {
		return ct, err
	}
	ct.EmailAddress = strings.TrimSpace(ct.EmailAddress)
	return ct, nil
}
