package core

import (
	"net/http"
	"time"
)

// Root sessions: STS AssumeRoot hands the management account (or IAM's
// delegated administrator) short credentials that act as a member's root
// user, scoped to one task policy. The session's RoleName is empty and its
// TaskPolicy names the policy; every service answers such a session only
// for the operations the task policy allows.

// TaskPolicies are the root task policies the sandbox serves, with the
// operations (service:Operation) each allows, as AWS's managed task
// policies of these names do.
var TaskPolicies = map[string][]string{
	"arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials": {
		"iam:GetAccountSummary", "iam:GetLoginProfile", "iam:ListAccessKeys", "iam:ListMFADevices", "iam:ListSigningCertificates",
		"sts:GetCallerIdentity"},
	"arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword": {
		"iam:CreateLoginProfile", "iam:GetLoginProfile", "sts:GetCallerIdentity"},
	"arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials": {
		"iam:DeleteLoginProfile", "iam:GetLoginProfile", "iam:ListAccessKeys", "iam:ListMFADevices", "iam:ListSigningCertificates",
		"sts:GetCallerIdentity"},
}

// Root says whether the session acts as its account's root user (AssumeRoot).
func (s *Session) Root() bool { return s != nil && s.RoleName == "" && s.TaskPolicy != "" }

// MintRoot hands out and keeps a root session of account scoped to taskPolicy.
func (d *Directory) MintRoot(account, taskPolicy string, expires, now time.Time) *Session {
	ses := &Session{AccessKeyID: NewAccessKeyID("ASIA"), SecretAccessKey: NewSecret(), SessionToken: NewSessionToken(),
		Account: account, TaskPolicy: taskPolicy, Expires: expires}
	d.AddSession(ses, now)
	return ses
}

// TaskAllows refuses a root session's call outside its task policy, as
// AWS's implicit deny does; any other caller passes.
func (c *Caller) TaskAllows(service, op string) *Error {
	if c == nil || !c.Session.Root() {
		return nil
	}
	for _, allowed := range TaskPolicies[c.Session.TaskPolicy] {
		if allowed == service+":"+op {
			return nil
		}
	}
	return &Error{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: "User: " + c.Principal() + " is not authorized to perform: " + service + ":" + op + " because no session policy allows the " + service + ":" + op + " action"}
}
