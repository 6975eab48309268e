package sandbox

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

var (
	roleArnPattern     = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/([\w+=,.@/-]{1,512})$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

type getCallerIdentityResponse struct {
	XMLName  xml.Name         `xml:"GetCallerIdentityResponse"`
	Xmlns    string           `xml:"xmlns,attr"`
	Arn      string           `xml:"GetCallerIdentityResult>Arn"`
	UserID   string           `xml:"GetCallerIdentityResult>UserId"`
	Account  string           `xml:"GetCallerIdentityResult>Account"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResponse struct {
	XMLName         xml.Name         `xml:"AssumeRoleResponse"`
	Xmlns           string           `xml:"xmlns,attr"`
	AccessKeyID     string           `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
	SecretAccessKey string           `xml:"AssumeRoleResult>Credentials>SecretAccessKey"`
	SessionToken    string           `xml:"AssumeRoleResult>Credentials>SessionToken"`
	Expiration      string           `xml:"AssumeRoleResult>Credentials>Expiration"`
	Arn             string           `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	AssumedRoleID   string           `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
	Metadata        responseMetadata `xml:"ResponseMetadata"`
}

func validationError(msg string) *awsError {
	return &awsError{Status: http.StatusBadRequest, Code: "ValidationError", Message: msg}
}

// sts serves STS on awsQuery: form-encoded requests, XML answers.
func (s *Sandbox) sts(c *caller, op string, body []byte, now time.Time) ([]byte, bool, *awsError) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, false, &awsError{Status: http.StatusBadRequest, Code: "MalformedInput", Message: "The request body is not form-encoded."}
	}
	switch op {
	case "GetCallerIdentity":
		arn, userID := "arn:aws:iam::"+c.account.ID+":root", c.account.ID
		if c.session != nil {
			arn = "arn:aws:sts::" + c.account.ID + ":assumed-role/" + c.session.RoleName + "/" + c.session.SessionName
			userID = roleID(c.session) + ":" + c.session.SessionName
		}
		out, _ := xml.Marshal(getCallerIdentityResponse{Xmlns: stsNamespace, Arn: arn, UserID: userID, Account: c.account.ID,
			Metadata: responseMetadata{newRequestID()}})
		return out, false, nil
	case "AssumeRole":
		return s.assumeRole(c, form, now)
	default:
		return nil, false, &awsError{Status: http.StatusBadRequest, Code: "InvalidAction",
			Message: "The action " + op + " is not valid for this web service (the sandbox serves GetCallerIdentity and AssumeRole)."}
	}
}

// roleID is a stable AROA-style id for a role, so GetCallerIdentity answers
// the same UserId for every session of one role.
func roleID(ses *session) string {
	return "AROA" + strings.ToUpper(strconv.FormatUint(hashString(ses.Account+"/"+ses.RoleName), 36))
}

func hashString(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// assumeRole lets the management account into a member's
// OrganizationAccountAccessRole (or the role named at CreateAccount), as the
// role's trust policy does in AWS; anything else is AccessDenied.
func (s *Sandbox) assumeRole(c *caller, form url.Values, now time.Time) ([]byte, bool, *awsError) {
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
	principal := "arn:aws:iam::" + c.account.ID + ":root"
	if c.session != nil {
		principal = "arn:aws:sts::" + c.account.ID + ":assumed-role/" + c.session.RoleName + "/" + c.session.SessionName
	}
	denied := &awsError{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: "User: " + principal + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn}
	target := s.ix.accountByID[targetID]
	if target == nil || target.AccessRole != roleName || target.OrgID == "" {
		return nil, false, denied
	}
	o := s.ix.orgByID[target.OrgID]
	if o == nil || o.ManagementID != c.account.ID {
		return nil, false, denied
	}
	ses := &session{AccessKeyID: newAccessKeyID("ASIA"), SecretAccessKey: newSecret(), SessionToken: "sandbox/" + randomFrom(secretChars, 120),
		Account: targetID, RoleName: roleName, SessionName: sessionName, Expires: now.Add(time.Duration(duration) * time.Second).UTC().Truncate(time.Second)}
	s.addSession(ses, now)
	out, _ := xml.Marshal(assumeRoleResponse{Xmlns: stsNamespace, AccessKeyID: ses.AccessKeyID, SecretAccessKey: ses.SecretAccessKey,
		SessionToken: ses.SessionToken, Expiration: ses.Expires.Format(time.RFC3339),
		Arn:           "arn:aws:sts::" + targetID + ":assumed-role/" + roleName + "/" + sessionName,
		AssumedRoleID: roleID(ses) + ":" + sessionName, Metadata: responseMetadata{newRequestID()}})
	return out, true, nil
}

// addSession keeps a new session (STS AssumeRole, the access portal's role
// credentials) and drops the expired ones: the one place sessions grow.
func (s *Sandbox) addSession(ses *session, now time.Time) {
	s.st.Sessions = slices.DeleteFunc(s.st.Sessions, func(x *session) bool {
		if now.After(x.Expires) {
			delete(s.ix.sessionByKey, x.AccessKeyID)
			return true
		}
		return false
	})
	s.st.Sessions = append(s.st.Sessions, ses)
	s.ix.sessionByKey[ses.AccessKeyID] = ses
}
