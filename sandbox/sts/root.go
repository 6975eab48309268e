package sts

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

type assumeRootResponse struct {
	XMLName         xml.Name              `xml:"AssumeRootResponse"`
	Xmlns           string                `xml:"xmlns,attr"`
	AccessKeyID     string                `xml:"AssumeRootResult>Credentials>AccessKeyId"`
	SecretAccessKey string                `xml:"AssumeRootResult>Credentials>SecretAccessKey"`
	SessionToken    string                `xml:"AssumeRootResult>Credentials>SessionToken"`
	Expiration      string                `xml:"AssumeRootResult>Credentials>Expiration"`
	Metadata        core.ResponseMetadata `xml:"ResponseMetadata"`
}

// assumeRoot gives the management account, or IAM's delegated
// administrator, a root session in a member scoped to a task policy, once
// IAM's RootSessions feature is on (centralized root access).
func (s *Service) assumeRoot(c *core.Caller, form url.Values, now time.Time) ([]byte, bool, *core.Error) {
	target, policy := form.Get("TargetPrincipal"), form.Get("TaskPolicyArn.arn")
	if !roleAccount.MatchString(target) {
		return nil, false, validationError("1 validation error detected: Value '" + target + "' at 'targetPrincipal' failed to satisfy constraint: Member must have length between 12 and 2048")
	}
	if policy == "" {
		return nil, false, validationError("1 validation error detected: Value null at 'taskPolicyArn' failed to satisfy constraint: Member must not be null")
	}
	duration := 900
	if d := form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 900 {
			return nil, false, validationError("1 validation error detected: Value '" + d + "' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 900")
		}
		if n > 0 {
			duration = n
		}
	}
	if _, ok := core.TaskPolicies[policy]; !ok {
		return nil, false, validationError("The task policy " + policy + " is not one the sandbox serves (it serves the IAM root user credential tasks: IAMAuditRootUserCredentials, IAMCreateRootUserPassword, IAMDeleteRootUserCredentials).")
	}
	denied := &core.Error{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: "User: " + c.Principal() + " is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::" + target + ":root"}
	o, ok := s.orgs.OrgOf(c.Account.ID)
	if !ok || c.Session.Root() {
		return nil, false, denied
	}
	if !o.Manages(c.Account.ID) && !s.del.DelegatedAdmin(o.ID, "iam.amazonaws.com", c.Account.ID) {
		return nil, false, denied
	}
	if to, ok := s.orgs.OrgOf(target); !ok || to.ID != o.ID || o.Manages(target) {
		return nil, false, denied
	}
	if !s.rootSessions(o.ID) {
		denied.Message += " because centralized root access is not enabled for the organization (iam enable-organizations-root-sessions)"
		return nil, false, denied
	}
	ses := s.dir.MintRoot(target, policy, now.Add(time.Duration(duration)*time.Second).UTC().Truncate(time.Second), now)
	out, _ := xml.Marshal(assumeRootResponse{Xmlns: Namespace, AccessKeyID: ses.AccessKeyID, SecretAccessKey: ses.SecretAccessKey,
		SessionToken: ses.SessionToken, Expiration: ses.Expires.Format(time.RFC3339), Metadata: core.ResponseMetadata{RequestID: core.NewRequestID()}})
	return out, true, nil
}
