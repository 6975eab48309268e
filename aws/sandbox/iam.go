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

// iamRoleOps are the IAM operations served here rather than by package inventory.
var iamRoleOps = map[string]bool{"CreateRole": true, "GetRole": true, "AttachRolePolicy": true}

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
	if aerr == nil {
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
