package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The sandbox's IAM is read-only (package inventory lists users and keys),
// but for the one role the tool itself creates: an account invited into an
// organization lacks OrganizationAccountAccessRole, and orgwizard creates it
// with that account's own credentials (CreateRole, AttachRolePolicy, GetRole
// to see whether it is there). An account keeps one such role, its
// AccessRole, which is what AssumeRole lets the management account into.

const iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// iamRoleOps are the IAM operations served here rather than by package
// inventory: the access role's, and the account-level reads organization
// tools make at start (org-formation lists every account's aliases and
// password policy before it does anything else).
var iamRoleOps = map[string]bool{"CreateRole": true, "GetRole": true, "AttachRolePolicy": true,
	"ListRoles": true, "ListAccountAliases": true, "GetAccountPasswordPolicy": true, "GetAccountSummary": true}

// iamAccountOps are the read-only ones among them, which need no role name.
var iamAccountOps = map[string]bool{"ListRoles": true, "ListAccountAliases": true, "GetAccountPasswordPolicy": true, "GetAccountSummary": true}

// serveIAMRole answers the role operations; it reports false, having
// written nothing, for any other request.
func (s *Sandbox) serveIAMRole(w http.ResponseWriter, r *http.Request, body []byte, auth sigV4, now time.Time) bool {
	if auth.service != "iam" {
		return false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || !iamRoleOps[form.Get("Action")] {
		return false
	}
	op := form.Get("Action")
	s.mu.Lock()
	c, aerr := s.authenticate(r, body, auth, now)
	if aerr == nil {
		aerr = s.denied(c, op)
	}
	var out []byte
	if aerr == nil && iamAccountOps[op] {
		out, aerr = s.iamAccount(c, op, form)
	} else if aerr == nil {
		out, aerr = s.iamRole(c, op, form, now)
	}
	acct, outcome := "", "ok"
	if c != nil {
		acct = c.account.ID
	}
	if aerr != nil {
		outcome = aerr.Code
	}
	s.record(Call{Time: now, Account: acct, Service: "iam", Region: auth.region, Operation: op, Outcome: outcome})
	s.mu.Unlock()

	if aerr != nil {
		writeQueryError(w, iamNamespace, aerr)
		return true
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	return true
}

type iamRoleOut struct {
	Path       string `xml:"Path"`
	RoleName   string `xml:"RoleName"`
	RoleID     string `xml:"RoleId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func noSuchRole(name string) *awsError {
	return &awsError{Status: http.StatusNotFound, Code: "NoSuchEntity", Message: "The role with name " + name + " cannot be found."}
}

// iamRole runs one role operation under the lock.
func (s *Sandbox) iamRole(c *caller, op string, form url.Values, now time.Time) ([]byte, *awsError) {
	name := form.Get("RoleName")
	if name == "" {
		return nil, &awsError{Status: http.StatusBadRequest, Code: "ValidationError", Message: "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"}
	}
	a := c.account
	role := iamRoleOut{Path: "/", RoleName: name, Arn: "arn:aws:iam::" + a.ID + ":role/" + name,
		RoleID: roleID(&session{Account: a.ID, RoleName: name}), CreateDate: a.CreatedAt.UTC().Format(time.RFC3339)}
	meta := responseMetadata{newRequestID()}
	switch op {
	case "GetRole":
		if a.AccessRole != name {
			return nil, noSuchRole(name)
		}
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name         `xml:"GetRoleResponse"`
			Xmlns    string           `xml:"xmlns,attr"`
			Role     iamRoleOut       `xml:"GetRoleResult>Role"`
			Metadata responseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: iamNamespace, Role: role, Metadata: meta})
		return out, nil
	case "CreateRole":
		if a.AccessRole == name {
			return nil, &awsError{Status: http.StatusConflict, Code: "EntityAlreadyExists", Message: "Role with name " + name + " already exists."}
		}
		if a.AccessRole != "" {
			return nil, &awsError{Status: http.StatusConflict, Code: "LimitExceeded", Message: "The sandbox keeps one access role per account, and this one has " + a.AccessRole + "."}
		}
		if aerr := validTrustPolicy(form.Get("AssumeRolePolicyDocument")); aerr != nil {
			return nil, aerr
		}
		a.AccessRole = name
		if err := s.store.save(s.st); err != nil {
			s.reloadAfterFailedSave()
			return nil, &awsError{Status: http.StatusInternalServerError, Code: "ServiceFailure", Message: "The sandbox could not save its state."}
		}
		role.CreateDate = now.UTC().Format(time.RFC3339)
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name         `xml:"CreateRoleResponse"`
			Xmlns    string           `xml:"xmlns,attr"`
			Role     iamRoleOut       `xml:"CreateRoleResult>Role"`
			Metadata responseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: iamNamespace, Role: role, Metadata: meta})
		return out, nil
	default: // AttachRolePolicy: the role must exist; the sandbox keeps no policies.
		if a.AccessRole != name {
			return nil, noSuchRole(name)
		}
		if !strings.HasPrefix(form.Get("PolicyArn"), "arn:aws:iam::") {
			return nil, &awsError{Status: http.StatusBadRequest, Code: "InvalidInput", Message: "ARN " + form.Get("PolicyArn") + " is not valid."}
		}
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name         `xml:"AttachRolePolicyResponse"`
			Xmlns    string           `xml:"xmlns,attr"`
			Metadata responseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: iamNamespace, Metadata: meta})
		return out, nil
	}
}

// validTrustPolicy refuses a trust policy that is not a JSON policy
// document, as IAM answers MalformedPolicyDocument.
func validTrustPolicy(doc string) *awsError {
	var p struct {
		Statement []json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil || len(p.Statement) == 0 {
		return &awsError{Status: http.StatusBadRequest, Code: "MalformedPolicyDocument", Message: "The trust policy is not a valid policy document."}
	}
	return nil
}

// iamAccount answers the account-level reads with AWS's shapes. The sandbox
// keeps no aliases and no password policy, as a new account has none; its
// only role is the access role.
func (s *Sandbox) iamAccount(c *caller, op string, form url.Values) ([]byte, *awsError) {
	a := c.account
	meta := responseMetadata{newRequestID()}
	switch op {
	case "ListAccountAliases":
		if aerr := iamMaxItems(form); aerr != nil {
			return nil, aerr
		}
		out, _ := xml.Marshal(struct {
			XMLName     xml.Name         `xml:"ListAccountAliasesResponse"`
			Xmlns       string           `xml:"xmlns,attr"`
			Aliases     struct{}         `xml:"ListAccountAliasesResult>AccountAliases"`
			IsTruncated bool             `xml:"ListAccountAliasesResult>IsTruncated"`
			Metadata    responseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: iamNamespace, Metadata: meta})
		return out, nil
	case "GetAccountPasswordPolicy":
		return nil, &awsError{Status: http.StatusNotFound, Code: "NoSuchEntity",
			Message: "The Password Policy with domain name " + a.ID + " cannot be found."}
	case "GetAccountSummary":
		users, keys := 0, 0
		for _, r := range s.ix.resources[a.ID] {
			if r.Service == "iam" && r.Type == "user" {
				users++
			}
		}
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
			XMLName  xml.Name         `xml:"GetAccountSummaryResponse"`
			Xmlns    string           `xml:"xmlns,attr"`
			Entries  any              `xml:"GetAccountSummaryResult>SummaryMap>entry"`
			Metadata responseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: iamNamespace, Entries: summary, Metadata: meta})
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
			if o := s.ix.orgByID[a.OrgID]; o != nil {
				trusted = o.ManagementID
			}
			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + trusted + `:root"},"Action":"sts:AssumeRole"}]}`
			roles = append(roles, listedRole{
				iamRoleOut: iamRoleOut{Path: "/", RoleName: a.AccessRole, Arn: "arn:aws:iam::" + a.ID + ":role/" + a.AccessRole,
					RoleID: roleID(&session{Account: a.ID, RoleName: a.AccessRole}), CreateDate: a.CreatedAt.UTC().Format(time.RFC3339)},
				AssumeRolePolicyDocument: url.QueryEscape(trust), MaxSessionDuration: 3600})
		}
		out, _ := xml.Marshal(struct {
			XMLName     xml.Name         `xml:"ListRolesResponse"`
			Xmlns       string           `xml:"xmlns,attr"`
			Roles       []listedRole     `xml:"ListRolesResult>Roles>member"`
			IsTruncated bool             `xml:"ListRolesResult>IsTruncated"`
			Metadata    responseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: iamNamespace, Roles: roles, Metadata: meta})
		return out, nil
	}
}

// iamMaxItems refuses a MaxItems outside IAM's 1-1000, as IAM does.
func iamMaxItems(form url.Values) *awsError {
	v := form.Get("MaxItems")
	if v == "" {
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
		return &awsError{Status: http.StatusBadRequest, Code: "ValidationError",
			Message: "1 validation error detected: Value '" + v + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"}
	}
	return nil
}
