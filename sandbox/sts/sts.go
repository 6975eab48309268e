// Package sts is the sandbox's STS on awsQuery: GetCallerIdentity, and
// AssumeRole from an organization's management account into a member's
// access role, as the role's trust policy allows at AWS.
package sts

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// Namespace is STS's XML namespace, in its answers and errors.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Known says whether the sandbox serves op.
func Known(op string) bool { return op == "GetCallerIdentity" || op == "AssumeRole" }

// Service is STS over the core's accounts and sessions.
type Service struct {
	dir  *core.Directory
	orgs core.Organizations
}

// New serves STS for the accounts dir knows, in the organizations orgs knows.
func New(dir *core.Directory, orgs core.Organizations) *Service {
	return &Service{dir: dir, orgs: orgs}
}

var (
	roleArnPattern     = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/([\w+=,.@/-]{1,512})$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

type getCallerIdentityResponse struct {
	XMLName  xml.Name              `xml:"GetCallerIdentityResponse"`
	Xmlns    string                `xml:"xmlns,attr"`
	Arn      string                `xml:"GetCallerIdentityResult>Arn"`
	UserID   string                `xml:"GetCallerIdentityResult>UserId"`
	Account  string                `xml:"GetCallerIdentityResult>Account"`
	Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResponse struct {
	XMLName         xml.Name              `xml:"AssumeRoleResponse"`
	Xmlns           string                `xml:"xmlns,attr"`
	AccessKeyID     string                `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
	SecretAccessKey string                `xml:"AssumeRoleResult>Credentials>SecretAccessKey"`
	SessionToken    string                `xml:"AssumeRoleResult>Credentials>SessionToken"`
	Expiration      string                `xml:"AssumeRoleResult>Credentials>Expiration"`
	Arn             string                `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	AssumedRoleID   string                `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
	Metadata        core.ResponseMetadata `xml:"ResponseMetadata"`
}

func validationError(msg string) *core.Error {
	return &core.Error{Status: http.StatusBadRequest, Code: "ValidationError", Message: msg}
}

// Serve answers one STS call on awsQuery: form-encoded requests, XML answers.
func (s *Service) Serve(c *core.Caller, op string, body []byte, now time.Time) ([]byte, bool, *core.Error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "MalformedInput", Message: "The request body is not form-encoded."}
	}
	switch op {
	case "GetCallerIdentity":
		arn, userID := "arn:aws:iam::"+c.Account.ID+":root", c.Account.ID
		if c.Session != nil {
			arn = "arn:aws:sts::" + c.Account.ID + ":assumed-role/" + c.Session.RoleName + "/" + c.Session.SessionName
			userID = core.RoleID(c.Session.Account, c.Session.RoleName) + ":" + c.Session.SessionName
		}
		out, _ := xml.Marshal(getCallerIdentityResponse{Xmlns: Namespace, Arn: arn, UserID: userID, Account: c.Account.ID,
			Metadata: core.ResponseMetadata{RequestID: core.NewRequestID()}})
		return out, false, nil
	case "AssumeRole":
		return s.assumeRole(c, form, now)
	default:
		return nil, false, &core.Error{Status: http.StatusBadRequest, Code: "InvalidAction",
			Message: "The action " + op + " is not valid for this web service (the sandbox serves GetCallerIdentity and AssumeRole)."}
	}
}

// assumeRole lets the management account into a member's
// OrganizationAccountAccessRole (or the role named at CreateAccount), as the
// role's trust policy does in AWS; anything else is AccessDenied.
func (s *Service) assumeRole(c *core.Caller, form url.Values, now time.Time) ([]byte, bool, *core.Error) {
	roleArn, sessionName := form.Get("RoleArn"), form.Get("RoleSessionName")
	m := roleArnPattern.FindStringSubmatch(roleArn)
	if m == nil {
		return nil, false, validationError(strconv.Quote(roleArn) + " is invalid")
	}
	if !sessionNamePattern.MatchString(sessionName) {
		return nil, false, validationError("1 validation error detected: Value '" + sessionName + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
	}
	duration := 3600
	if d := form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 43200 {
			return nil, false, validationError("1 validation error detected: Value '" + d + "' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200")
		}
		duration = n
	}
	targetID, roleName := m[1], m[2]
	if i := strings.LastIndexByte(roleName, '/'); i >= 0 {
		roleName = roleName[i+1:]
	}
	principal := c.Principal()
	denied := &core.Error{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: "User: " + principal + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn}
	target := s.dir.Account(targetID)
	if target == nil || target.AccessRole != roleName || target.OrgID == "" {
		return nil, false, denied
	}
	if o, ok := s.orgs.OrgOf(targetID); !ok || !o.Manages(c.Account.ID) {
		return nil, false, denied
	}
	ses := s.dir.Mint(targetID, roleName, sessionName, now.Add(time.Duration(duration)*time.Second).UTC().Truncate(time.Second), now)
	out, _ := xml.Marshal(assumeRoleResponse{Xmlns: Namespace, AccessKeyID: ses.AccessKeyID, SecretAccessKey: ses.SecretAccessKey,
		SessionToken: ses.SessionToken, Expiration: ses.Expires.Format(time.RFC3339),
		Arn:           "arn:aws:sts::" + targetID + ":assumed-role/" + roleName + "/" + sessionName,
		AssumedRoleID: core.RoleID(ses.Account, ses.RoleName) + ":" + sessionName, Metadata: core.ResponseMetadata{RequestID: core.NewRequestID()}})
	return out, true, nil
}
