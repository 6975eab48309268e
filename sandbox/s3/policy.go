package s3

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path"
	"strings"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// maxPolicySize is S3's limit on a bucket policy, 20 KB.
const maxPolicySize = 20 * 1024

// strs is a policy element that is a string or a list of strings.
type strs []string

func (s *strs) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = strs{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// principal is "*" or a map of AWS / Service / Federated / CanonicalUser to values.
type principal struct {
	Any bool
	Of  map[string]strs
}

func (p *principal) UnmarshalJSON(b []byte) error {
	var star string
	if json.Unmarshal(b, &star) == nil {
		if star != "*" {
			return errInvalidPrincipal
		}
		p.Any = true
		return nil
	}
	return json.Unmarshal(b, &p.Of)
}

type statement struct {
	Sid          string                     `json:"Sid"`
	Effect       string                     `json:"Effect"`
	Principal    *principal                 `json:"Principal"`
	NotPrincipal *principal                 `json:"NotPrincipal"`
	Action       strs                       `json:"Action"`
	NotAction    strs                       `json:"NotAction"`
	Resource     strs                       `json:"Resource"`
	NotResource  strs                       `json:"NotResource"`
	Condition    map[string]map[string]strs `json:"Condition"`
}

type policyDoc struct {
	Version   string     `json:"Version"`
	Statement statements `json:"Statement"`
}

// statements is a policy's Statement: IAM's grammar lets it be one
// statement or a list of them, and S3 takes either
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html).
type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var one statement
		if err := json.Unmarshal(t, &one); err != nil {
			return err
		}
		*s = statements{one}
		return nil
	}
	var many []statement
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

type policyError string

func (e policyError) Error() string { return string(e) }

const errInvalidPrincipal = policyError("Invalid principal in policy")

func malformedPolicy(msg string) *core.Error {
	return errf(http.StatusBadRequest, "MalformedPolicy", msg)
}

// parsePolicy checks a bucket policy for bucket as S3 does, with its messages.
func parsePolicy(doc, bucket string) (*policyDoc, *core.Error) {
	trimmed := bytes.TrimSpace([]byte(doc))
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, malformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	if len(doc) > maxPolicySize {
		return nil, malformedPolicy("Policies cannot exceed 20 KB")
	}
	var p policyDoc
	if err := json.Unmarshal(trimmed, &p); err != nil {
		if err == errInvalidPrincipal || strings.Contains(err.Error(), string(errInvalidPrincipal)) {
			return nil, malformedPolicy("Invalid principal in policy")
		}
		return nil, malformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	if p.Version != "" && p.Version != "2012-10-17" && p.Version != "2008-10-17" {
		return nil, malformedPolicy("Invalid policy document version: " + p.Version)
	}
	if len(p.Statement) == 0 {
		return nil, malformedPolicy("Missing required field Statement")
	}
	for _, st := range p.Statement {
		switch {
		case st.Effect != "Allow" && st.Effect != "Deny":
			if st.Effect == "" {
				return nil, malformedPolicy("Missing required field Effect")
			}
			return nil, malformedPolicy("Invalid effect: " + st.Effect)
		case st.Principal == nil && st.NotPrincipal == nil:
			return nil, malformedPolicy("Missing required field Principal")
		case len(st.Action) == 0 && len(st.NotAction) == 0:
			return nil, malformedPolicy("Missing required field Action")
		case len(st.Resource) == 0 && len(st.NotResource) == 0:
			return nil, malformedPolicy("Missing required field Resource")
		}
		for _, a := range append(append(strs{}, st.Action...), st.NotAction...) {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "s3:") {
				return nil, malformedPolicy("Policy has invalid action")
			}
		}
		for _, r := range append(append(strs{}, st.Resource...), st.NotResource...) {
			name, _, _ := strings.Cut(strings.TrimPrefix(r, "arn:aws:s3:::"), "/")
			if !strings.HasPrefix(r, "arn:aws:s3:::") || !glob(name, bucket) {
				return nil, malformedPolicy("Policy has invalid resource")
			}
		}
		for _, p := range []*principal{st.Principal, st.NotPrincipal} {
			if p == nil || p.Any {
				continue
			}
			for kind, values := range p.Of {
				switch kind {
				case "AWS":
					for _, v := range values {
						if v != "*" && !accountIDLike(v) && !strings.HasPrefix(v, "arn:aws:iam::") && !strings.HasPrefix(v, "arn:aws:sts::") {
							return nil, malformedPolicy("Invalid principal in policy")
						}
					}
				case "Service", "Federated", "CanonicalUser":
				default:
					return nil, malformedPolicy("Invalid principal in policy")
				}
			}
		}
	}
	return &p, nil
}

func accountIDLike(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// glob matches s against an IAM pattern with * and ?, case-sensitively.
func glob(pattern, s string) bool {
	// path.Match treats / specially and [ as a class; IAM does neither.
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	if strings.ContainsAny(pattern, "[\\") || strings.Contains(s, "/") {
		return globSlow(pattern, s)
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

func globSlow(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globSlow(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globSlow(p[1:], s[1:])
	}
	return s != "" && s[0] == p[0] && globSlow(p[1:], s[1:])
}

// request is what a policy is evaluated against.
type request struct {
	// Principal is the caller: an account (its root or a role session) or a service.
	Account      string // empty for a service principal
	PrincipalArn string // arn:aws:iam::<id>:root, or the session's assumed-role ARN
	RoleArn      string // arn:aws:iam::<id>:role/<name> for a session
	Service      string // cloudtrail.amazonaws.com
	Action       string // s3:PutObject
	Resource     string // arn:aws:s3:::bucket or arn:aws:s3:::bucket/key
	Context      map[string]string
}

type decision int

const (
	implicitDeny decision = iota
	allowed
	denied
)

// evaluate is the bucket policy's verdict: an explicit Deny wins over any
// Allow, as IAM's evaluation logic has it.
func (p *policyDoc) evaluate(req request) decision {
	verdict := implicitDeny
	for _, st := range p.Statement {
		if !st.matches(req) {
			continue
		}
		if st.Effect == "Deny" {
			return denied
		}
		verdict = allowed
	}
	return verdict
}

func (st statement) matches(req request) bool {
	if st.Principal != nil && !st.Principal.matches(req) {
		return false
	}
	if st.NotPrincipal != nil && st.NotPrincipal.matches(req) {
		return false
	}
	if len(st.Action) > 0 && !anyFold(st.Action, req.Action) {
		return false
	}
	if len(st.NotAction) > 0 && anyFold(st.NotAction, req.Action) {
		return false
	}
	if len(st.Resource) > 0 && !anyGlob(st.Resource, req.Resource) {
		return false
	}
	if len(st.NotResource) > 0 && anyGlob(st.NotResource, req.Resource) {
		return false
	}
	for op, keys := range st.Condition {
		for key, values := range keys {
			if !condition(op, req.Context, key, values) {
				return false
			}
		}
	}
	return true
}

func (p *principal) matches(req request) bool {
	if p.Any {
		return true
	}
	for kind, values := range p.Of {
		for _, v := range values {
			switch kind {
			case "AWS":
				if req.Account == "" {
					continue
				}
				if v == "*" || v == req.Account || v == "arn:aws:iam::"+req.Account+":root" || v == req.PrincipalArn ||
					(req.RoleArn != "" && v == req.RoleArn) {
					return true
				}
			case "Service":
				if req.Service != "" && v == req.Service {
					return true
				}
			}
		}
	}
	return false
}

func anyFold(patterns []string, s string) bool {
	for _, p := range patterns {
		if glob(strings.ToLower(p), strings.ToLower(s)) {
			return true
		}
	}
	return false
}

func anyGlob(patterns []string, s string) bool {
	for _, p := range patterns {
		if glob(p, s) {
			return true
		}
	}
	return false
}

// condition evaluates one condition operator on one key, as IAM does: a key
// the request lacks fails every positive operator and satisfies every
// negated one (StringNotEquals, ArnNotLike, NotIpAddress...); the ...IfExists
// forms hold when it is absent, and Null tests its absence.
func condition(op string, ctx map[string]string, key string, values []string) bool {
	actual, present := ctx[strings.ToLower(key)]
	if op == "Null" {
		want := len(values) > 0 && strings.EqualFold(values[0], "true")
		return want == !present
	}
	base, ifExists := strings.CutSuffix(op, "IfExists")
	base = strings.TrimPrefix(strings.TrimPrefix(base, "ForAnyValue:"), "ForAllValues:")
	negate := false
	switch base {
	case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike",
		"NumericNotEquals", "DateNotEquals", "NotIpAddress", "BinaryNotEquals":
		negate = true
	}
	if !present {
		return ifExists || negate
	}
	match := false
	for _, v := range values {
		switch base {
		case "StringEquals", "StringNotEquals", "Bool":
			match = match || actual == v || (base == "Bool" && strings.EqualFold(actual, v))
		case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
			match = match || strings.EqualFold(actual, v)
		case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals":
			match = match || globSlow(v, actual)
		default:
			// An operator the sandbox does not evaluate never matches.
			return false
		}
	}
	return match != negate
}

// public says whether the policy grants access to anyone (a Principal "*"
// Allow without conditions), which BlockPublicPolicy refuses.
func (p *policyDoc) public() bool {
	for _, st := range p.Statement {
		if st.Effect != "Allow" || st.Principal == nil || len(st.Condition) > 0 {
			continue
		}
		if st.Principal.Any {
			return true
		}
		for _, v := range st.Principal.Of["AWS"] {
			if v == "*" {
				return true
			}
		}
	}
	return false
}
