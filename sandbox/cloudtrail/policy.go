package cloudtrail

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

// The part of S3 bucket policy evaluation CloudTrail does before it accepts
// a bucket: may cloudtrail.amazonaws.com, for this trail, read the bucket's
// ACL and put objects under the trail's log prefix? AWS answers a bucket that
// does not let it InsufficientS3BucketPolicyException; so does the sandbox.

type statement struct {
	Effect    string
	Principal json.RawMessage
	Action    json.RawMessage
	Resource  json.RawMessage
	Condition map[string]map[string]json.RawMessage
}

// request is one access CloudTrail needs of the bucket.
type request struct {
	action   string
	resource string
	context  map[string]string // condition keys as CloudTrail's request sets them
}

// stringsOf reads a policy element that is one string or a list of them.
func stringsOf(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(raw, &many)
	return many
}

// match is IAM's wildcard match: * any run, ? one character; case-sensitive
// except for actions, which the caller lower-cases.
func match(pattern, s string) bool {
	ok, err := path.Match(strings.ReplaceAll(strings.ReplaceAll(pattern, "[", "\\["), "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return err == nil && ok
}

// principalIsCloudTrail says whether a statement's Principal covers the CloudTrail service.
func principalIsCloudTrail(raw json.RawMessage) bool {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	for _, s := range stringsOf(p["Service"]) {
		if s == servicePrincipal {
			return true
		}
	}
	for _, s := range stringsOf(p["AWS"]) {
		if s == "*" {
			return true
		}
	}
	return false
}

// conditionsHold evaluates the operators a CloudTrail bucket policy uses;
// an operator or key the sandbox does not know makes the statement not
// apply, and the reason says which.
func conditionsHold(cond map[string]map[string]json.RawMessage, ctx map[string]string) (bool, string) {
	for op, kv := range cond {
		for key, raw := range kv {
			got, known := ctx[strings.ToLower(key)]
			if !known {
				return false, fmt.Sprintf("condition key %s is not one CloudTrail's delivery sets", key)
			}
			values := stringsOf(raw)
			any := false
			for _, v := range values {
				switch op {
				case "StringEquals", "ArnEquals":
					any = any || v == got
				case "StringEqualsIgnoreCase":
					any = any || strings.EqualFold(v, got)
				case "StringLike", "ArnLike":
					any = any || match(v, got)
				default:
					return false, fmt.Sprintf("condition operator %s is not one the sandbox evaluates", op)
				}
			}
			if !any {
				return false, fmt.Sprintf("%s %s is %q, not %v", op, key, got, values)
			}
		}
	}
	return true, ""
}

// allows says whether the policy lets CloudTrail make req: an Allow that
// covers it and no Deny that does. When it does not, the reason says why.
func allows(policy string, req request) (bool, string) {
	if strings.TrimSpace(policy) == "" {
		return false, "the bucket has no policy"
	}
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return false, "the bucket policy is not valid JSON"
	}
	var stmts []statement
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one statement
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false, "the bucket policy has no statements"
		}
		stmts = []statement{one}
	}
	allowed, why := false, "no statement allows "+servicePrincipal+" "+req.action+" on "+req.resource
	for _, st := range stmts {
		if !principalIsCloudTrail(st.Principal) {
			continue
		}
		actionHit := false
		for _, a := range stringsOf(st.Action) {
			actionHit = actionHit || match(strings.ToLower(a), strings.ToLower(req.action))
		}
		resourceHit := false
		for _, r := range stringsOf(st.Resource) {
			resourceHit = resourceHit || match(r, req.resource)
		}
		if !actionHit || !resourceHit {
			continue
		}
		holds, reason := conditionsHold(st.Condition, req.context)
		switch {
		case st.Effect == "Deny" && holds:
			return false, "a Deny statement refuses " + req.action + " on " + req.resource
		case st.Effect == "Allow" && holds:
			allowed = true
		case st.Effect == "Allow":
			why = "the statement that allows " + req.action + " on " + req.resource + " does not apply: " + reason
		}
	}
	if allowed {
		return true, ""
	}
	return false, why
}
