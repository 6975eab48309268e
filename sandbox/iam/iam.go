// Package iam is the sandbox's IAM for what the tool and organization tools
// ask of an account itself (package inventory lists users and keys).
package iam

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// The sandbox's IAM is read-only (package inventory lists users and keys),
// but for the one role the tool itself creates: an account invited into an
// organization lacks OrganizationAccountAccessRole, and orgwizard creates it
// with that account's own credentials (CreateRole, AttachRolePolicy, GetRole
// to see whether it is there). An account keeps one such role, its
// AccessRole, which is what AssumeRole lets the management account into.

// Namespace is IAM's XML namespace, in its answers and errors.
const Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// iamRoleOps are the IAM operations served here rather than by package
// inventory: the access role's, and the account-level reads organization
// tools make at start (org-formation lists every account's aliases and
// password policy before it does anything else).
var iamRoleOps = map[string]bool{"CreateRole": true, "GetRole": true, "AttachRolePolicy": true,
	"ListRoles": true, "ListAccountAliases": true, "GetAccountPasswordPolicy": true, "GetAccountSummary": true,
	"GetLoginProfile": true}

// iamAccountOps are the read-only ones among them, which need no role name.
var iamAccountOps = map[string]bool{"ListRoles": true, "ListAccountAliases": true, "GetAccountPasswordPolicy": true, "GetAccountSummary": true}

// Service is IAM's account-level side over the core's accounts.
type Service struct {
	st   *State
	orgs core.Organizations
	del  core.Delegations
	// users lists an account's IAM users (package inventory keeps them).
	users func(account string) []User
}

// New serves IAM for accounts in the organizations orgs and del know, with
// the organization features st holds; users lists an account's IAM users.
func New(st *State, orgs core.Organizations, del core.Delegations, users func(account string) []User) *Service {
	return &Service{st: st, orgs: orgs, del: del, users: users}
}

// Operation is the IAM operation a request body asks for, when this package serves it.
func Operation(body []byte) (string, bool) {
	form, err := url.ParseQuery(string(body))
	if err != nil || !Known(form.Get("Action")) {
		return "", false
	}
	if op := form.Get("Action"); loginOps[op] && op != "GetLoginProfile" && form.Get("UserName") != "" {
		return "", false // an IAM user's password change: not served here
	}
	return form.Get("Action"), true
}

// Known says whether this package serves op.
func Known(op string) bool {
	_, root := rootOps[op]
	return iamRoleOps[op] || root || loginOps[op]
}

// Serve answers one call under the sandbox's lock; it reports whether the
// state changed (CreateRole), to be saved before the answer goes out.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
	form, _ := url.ParseQuery(string(body))
	if _, ok := rootOps[op]; ok {
		return s.rootAccess(c, op)
	}
	if op == "GetLoginProfile" && form.Get("UserName") != "" {
		// An IAM user's console password (the root user's is loginProfile's).
		out, err := s.getLoginProfile(c, form)
		return out, false, err
	}
	if loginOps[op] {
		return s.loginProfile(c, op, form, now)
	}
	if iamAccountOps[op] {
		out, err := s.iamAccount(c, op, form)
		return out, false, err
	}
	return s.iamRole(c, op, form, now)
}

type iamRoleOut struct {
	Path       string `xml:"Path"`
	RoleName   string `xml:"RoleName"`
	RoleID     string `xml:"RoleId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func noSuchRole(name string) *core.Error {
	return &core.Error{Status: http.StatusNotFound, Code: "NoSuchEntity", Message: "The role with name " + name + " cannot be found."}
}

// iamRole runs one role operation under the lock.
func (s *Service) iamRole(c *core.Caller, op string, form url.Values, now time.Time) ([]byte, bool, *core.Error) {
	name := form.Get("RoleName")
	if name == "" {
		return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "ValidationError", Message: "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"}
	}
	a := c.Account
	role := iamRoleOut{Path: "/", RoleName: name, Arn: "arn:aws:iam::" + a.ID + ":role/" + name,
		RoleID: core.RoleID(a.ID, name), CreateDate: a.CreatedAt.UTC().Format(time.RFC3339)}
	meta := core.ResponseMetadata{RequestID: core.NewRequestID()}
	switch op {
	case "GetRole":
		if a.AccessRole != name {
			return nil, false, noSuchRole(name)
		}
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name              `xml:"GetRoleResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Role     iamRoleOut            `xml:"GetRoleResult>Role"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Role: role, Metadata: meta})
		return out, false, nil
	case "CreateRole":
		if a.AccessRole == name {
			return nil, false, &core.Error{Status: http.StatusConflict, Code: "EntityAlreadyExists", Message: "Role with name " + name + " already exists."}
		}
		if a.AccessRole != "" {
			return nil, false, &core.Error{Status: http.StatusConflict, Code: "LimitExceeded", Message: "The sandbox keeps one access role per account, and this one has " + a.AccessRole + "."}
		}
		if aerr := validTrustPolicy(form.Get("AssumeRolePolicyDocument")); aerr != nil {
			return nil, false, aerr
		}
		a.AccessRole = name
		role.CreateDate = now.UTC().Format(time.RFC3339)
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name              `xml:"CreateRoleResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Role     iamRoleOut            `xml:"CreateRoleResult>Role"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Role: role, Metadata: meta})
		return out, true, nil
	default: // AttachRolePolicy: the role must exist; the sandbox keeps no policies.
		if a.AccessRole != name {
			return nil, false, noSuchRole(name)
		}
		if !strings.HasPrefix(form.Get("PolicyArn"), "arn:aws:iam::") {
			return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "InvalidInput", Message: "ARN " + form.Get("PolicyArn") + " is not valid."}
		}
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name              `xml:"AttachRolePolicyResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Metadata: meta})
		return out, false, nil
	}
}

// validTrustPolicy refuses a trust policy that is not a JSON policy
// document, as IAM answers MalformedPolicyDocument.
func validTrustPolicy(doc string) *core.Error {
	var p struct {
		Statement []json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil || len(p.Statement) == 0 {
		return &core.Error{Status: http.StatusBadRequest, Code: "MalformedPolicyDocument", Message: "The trust policy is not a valid policy document."}
	}
	return nil
}

// iamAccount answers the account-level reads with AWS's shapes. The sandbox
// keeps no aliases and no password policy, as a new account has none; its
// only role is the access role.
func (s *Service) iamAccount(c *core.Caller, op string, form url.Values) ([]byte, *core.Error) {
	a := c.Account
	meta := core.ResponseMetadata{RequestID: core.NewRequestID()}
	switch op {
	case "ListAccountAliases":
		if aerr := iamMaxItems(form); aerr != nil {
			return nil, aerr
		}
		out, _ := xml.Marshal(struct {
			XMLName     xml.Name              `xml:"ListAccountAliasesResponse"`
			Xmlns       string                `xml:"xmlns,attr"`
			Aliases     struct{}              `xml:"ListAccountAliasesResult>AccountAliases"`
			IsTruncated bool                  `xml:"ListAccountAliasesResult>IsTruncated"`
			Metadata    core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Metadata: meta})
		return out, nil
	case "GetAccountPasswordPolicy":
		return nil, &core.Error{Status: http.StatusNotFound, Code: "NoSuchEntity",
			Message: "The Password Policy with domain name " + a.ID + " cannot be found."}
	case "GetAccountSummary":
		users, keys := len(s.users(a.ID)), 0
		if a.AccessKeyID != "" {
			keys = 1 // the sandbox's credentials are the account root user's keys
		}
		roles := 0
		if a.AccessRole != "" {
			roles = 1
		}
		// IAM's quotas as AWS documents their defaults, and what the account holds.
		summary := []struct {
			Key   string `xml:"key"`
			Value int    `xml:"value"`
		}{
			{"AccessKeysPerUserQuota", 2}, {"AccountAccessKeysPresent", keys}, {"AccountMFAEnabled", 0},
			{"AccountSigningCertificatesPresent", 0}, {"AssumeRolePolicySizeQuota", 2048},
			{"AttachedPoliciesPerGroupQuota", 10}, {"AttachedPoliciesPerRoleQuota", 10},
			{"AttachedPoliciesPerUserQuota", 10}, {"GlobalEndpointTokenVersion", 1},
			{"GroupPolicySizeQuota", 5120}, {"Groups", 0}, {"GroupsPerUserQuota", 10}, {"GroupsQuota", 300},
			{"InstanceProfiles", 0}, {"InstanceProfilesQuota", 1000}, {"MFADevices", 0}, {"MFADevicesInUse", 0},
			{"Policies", 0}, {"PoliciesQuota", 1500}, {"PolicySizeQuota", 6144}, {"PolicyVersionsInUse", 0},
			{"PolicyVersionsInUseQuota", 10000}, {"Providers", 0}, {"RolePolicySizeQuota", 10240},
			{"Roles", roles}, {"RolesQuota", 1000}, {"ServerCertificates", 0}, {"ServerCertificatesQuota", 20},
			{"SigningCertificatesPerUserQuota", 2}, {"UserPolicySizeQuota", 2048}, {"Users", users},
			{"UsersQuota", 5000}, {"VersionsPerPolicyQuota", 5},
		}
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name              `xml:"GetAccountSummaryResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Entries  any                   `xml:"GetAccountSummaryResult>SummaryMap>entry"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Entries: summary, Metadata: meta})
		return out, nil
	default: // ListRoles
		if aerr := iamMaxItems(form); aerr != nil {
			return nil, aerr
		}
		type listedRole struct {
			iamRoleOut
			AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument"`
			MaxSessionDuration       int    `xml:"MaxSessionDuration"`
		}
		var roles []listedRole
		if a.AccessRole != "" && strings.HasPrefix("/", form.Get("PathPrefix")) && form.Get("Marker") == "" {
			// Organizations' role trusts the management account; AWS
			// returns the document URL-encoded.
			trusted := a.ID
			if o, ok := s.orgs.OrgOf(a.ID); ok {
				trusted = o.ManagementID
			}
			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + trusted + `:root"},"Action":"sts:AssumeRole"}]}`
			roles = append(roles, listedRole{
				iamRoleOut: iamRoleOut{Path: "/", RoleName: a.AccessRole, Arn: "arn:aws:iam::" + a.ID + ":role/" + a.AccessRole,
					RoleID: core.RoleID(a.ID, a.AccessRole), CreateDate: a.CreatedAt.UTC().Format(time.RFC3339)},
				AssumeRolePolicyDocument: url.QueryEscape(trust), MaxSessionDuration: 3600})
		}
		out, _ := xml.Marshal(struct {
			XMLName     xml.Name              `xml:"ListRolesResponse"`
			Xmlns       string                `xml:"xmlns,attr"`
			Roles       []listedRole          `xml:"ListRolesResult>Roles>member"`
			IsTruncated bool                  `xml:"ListRolesResult>IsTruncated"`
			Metadata    core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: Namespace, Roles: roles, Metadata: meta})
		return out, nil
	}
}

// iamMaxItems refuses a MaxItems outside IAM's 1-1000, as IAM does.
func iamMaxItems(form url.Values) *core.Error {
	v := form.Get("MaxItems")
	if v == "" {
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
		return &core.Error{Status: http.StatusBadRequest, Code: "ValidationError",
			Message: "1 validation error detected: Value '" + v + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"}
	}
	return nil
}
