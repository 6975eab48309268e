package audit

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// UndeniedActions evaluates a log bucket's policy document: it returns the
// actions of orgmodel.LogBucketProtectedActions (deleting logs, versions or
// the bucket, and the changes that would allow it later) that no statement
// denies to every account but log-archive, in the order of that list. All
// of them when the policy is empty or not JSON.
//
// A statement counts when it is a Deny to every principal ("*"), its
// Action (or NotAction) covers the action, its Resource (or NotResource)
// covers the bucket, or an object under AWSLogs/ for the object actions,
// and its only condition exempts log-archive and nothing else:
// StringNotEquals (or StringNotLike, IgnoreCase) on aws:PrincipalAccount
// with log-archive's id, or ArnNotEquals/ArnNotLike on aws:PrincipalArn with
// ARNs in log-archive. Any other condition narrows the deny (to requests
// without TLS, say), so the statement does not count: what a workload
// account's principal may do is what matters, and an Allow elsewhere in
// the policy could let it.
func UndeniedActions(policy, bucket, region, logArchiveID, organizationID, managementID string) []string {
	var doc struct {
		Statement json.RawMessage `json:"Statement"`
	}
	var statements []policyStatement
	if err := json.Unmarshal([]byte(policy), &doc); err == nil {
		// Statement is one object or a list of them.
		if err := json.Unmarshal(doc.Statement, &statements); err != nil {
			var one policyStatement
			if json.Unmarshal(doc.Statement, &one) == nil {
				statements = []policyStatement{one}
			}
		}
	}
	arn := "arn:" + orgmodel.Partition(region) + ":s3:::" + bucket
	objects := []string{arn + "/AWSLogs/" + organizationID + "/CloudTrail/x.json.gz", arn + "/AWSLogs/" + managementID + "/CloudTrail/x.json.gz"}
	var open []string
	for _, action := range orgmodel.LogBucketProtectedActions {
		resources := []string{arn}
		if isObjectAction(action) {
			resources = objects
		}
		denied := false
		for _, s := range statements {
			if s.deniesAllBut(action, resources, logArchiveID) {
				denied = true
				break
			}
		}
		if !denied {
			open = append(open, action)
		}
	}
	return open
}

func isObjectAction(action string) bool {
	return action == "s3:DeleteObject" || action == "s3:DeleteObjectVersion"
}

type policyStatement struct {
	Effect       string                     `json:"Effect"`
	Principal    json.RawMessage            `json:"Principal"`
	NotPrincipal json.RawMessage            `json:"NotPrincipal"`
	Action       stringList                 `json:"Action"`
	NotAction    stringList                 `json:"NotAction"`
	Resource     stringList                 `json:"Resource"`
	NotResource  stringList                 `json:"NotResource"`
	Condition    map[string]json.RawMessage `json:"Condition"`
}

// stringList is a policy element that is one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func (s policyStatement) deniesAllBut(action string, resources []string, logArchiveID string) bool {
	if s.Effect != "Deny" || len(s.NotPrincipal) > 0 || !everyone(s.Principal) {
		return false
	}
	switch {
	case len(s.Action) > 0:
		if !anyMatch(s.Action, action, true) {
			return false
		}
	case len(s.NotAction) > 0:
		if anyMatch(s.NotAction, action, true) {
			return false
		}
	default:
		return false
	}
	for _, r := range resources {
		switch {
		case len(s.Resource) > 0:
			if !anyMatch(s.Resource, r, false) {
				return false
			}
		case len(s.NotResource) > 0:
			if anyMatch(s.NotResource, r, false) {
				return false
			}
		default:
			return false
		}
	}
	for op, body := range s.Condition {
		var keys map[string]stringList
		if err := json.Unmarshal(body, &keys); err != nil {
			return false
		}
		for key, values := range keys {
			if !exemptsLogArchiveOnly(op, key, values, logArchiveID) {
				return false
			}
		}
	}
	return true
}

// everyone reports whether a Principal element is every principal: "*" or
// {"AWS": "*"}.
func everyone(p json.RawMessage) bool {
	var star string
	if json.Unmarshal(p, &star) == nil {
		return star == "*"
	}
	var m map[string]stringList
	if json.Unmarshal(p, &m) != nil {
		return false
	}
	aws, ok := m["AWS"]
	return ok && len(aws) == 1 && aws[0] == "*"
}

// exemptsLogArchiveOnly reports whether a Deny's condition leaves out
// log-archive's principals and nobody else.
func exemptsLogArchiveOnly(op, key string, values []string, logArchiveID string) bool {
	if logArchiveID == "" || len(values) == 0 {
		return false
	}
	key = strings.ToLower(key)
	for _, v := range values {
		switch {
		case key == "aws:principalaccount" && (op == "StringNotEquals" || op == "StringNotEqualsIgnoreCase" || op == "StringNotLike"):
			if v != logArchiveID {
				return false
			}
		case key == "aws:principalarn" && (op == "ArnNotEquals" || op == "ArnNotLike" || op == "StringNotEquals" || op == "StringNotLike"):
			// arn:partition:iam::ACCOUNT:...: the account field is the fifth.
			parts := strings.SplitN(v, ":", 6)
			if len(parts) < 6 || parts[4] != logArchiveID {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// anyMatch reports whether any pattern (IAM's * and ? wildcards) matches s;
// actions compare without regard to case, as IAM does.
func anyMatch(patterns []string, s string, fold bool) bool {
	if fold {
		s = strings.ToLower(s)
	}
	for _, p := range patterns {
		if fold {
			p = strings.ToLower(p)
		}
		if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches IAM's * (any run, / included) and ? (one character).
func wildcard(pattern, s string) bool {
	// path.Match's * stops at '/', IAM's does not: match segment-free by
	// replacing '/' in both with a character neither holds otherwise.
	const sep = "\x00"
	p := strings.ReplaceAll(pattern, "/", sep)
	for _, special := range []string{"[", "]", "\\"} {
		p = strings.ReplaceAll(p, special, "\\"+special)
	}
	ok, err := path.Match(p, strings.ReplaceAll(s, "/", sep))
	return err == nil && ok
}
