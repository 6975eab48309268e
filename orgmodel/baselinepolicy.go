package orgmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// The log bucket's policy is shared: orgwizard writes its statements, and a
// user may have added others (a reader's access, a deny of their own).
// Apply replaces only orgwizard's statements, found by their Sids, and keeps
// every other statement as it is.

// LifecycleRuleID names orgwizard's lifecycle rule of the log bucket; apply
// replaces that rule and keeps every other.
const LifecycleRuleID = "orgwizard-log-retention"

// logBucketSids are the Sids of orgwizard's statements, in its order.
var logBucketSids = []string{SidCloudTrailACLCheck, SidCloudTrailWrite, SidCloudTrailOrgWrite, SidDenyDeletion, SidDenyInsecureTransport}

// legacyLogBucketSids are the Sids an earlier orgwizard gave the same
// statements (AWS's guide's, and two of its own). A statement under one of
// them is orgwizard's old copy only when, but for its Sid, it is exactly the
// statement orgwizard writes now; any other is the user's, and stays.
var legacyLogBucketSids = map[string]string{
	"AWSCloudTrailAclCheck20150319":          SidCloudTrailACLCheck,
	"AWSCloudTrailWrite20150319":             SidCloudTrailWrite,
	"AWSCloudTrailOrganizationWrite20150319": SidCloudTrailOrgWrite,
	"DenyDeletionOutsideLogArchive":          SidDenyDeletion,
	"DenyInsecureTransport":                  SidDenyInsecureTransport,
}

// BucketPolicyMerge is the log bucket's policy as apply leaves it, and what
// that changes.
type BucketPolicyMerge struct {
	// Policy is orgwizard's statements, then every other statement of the
	// bucket's policy in its order; the policy's other keys (Id) are kept.
	Policy string
	// Added are orgwizard's statements (by Sid) the policy lacked; Changed
	// those it had, different (or under an earlier orgwizard's Sid).
	Added, Changed []string
	// Kept names the statements that are not orgwizard's: by Sid, or
	// "statement N" (counted from 1) for one without a Sid.
	Kept []string
}

// UpToDate tells whether the policy has orgwizard's statements as they are
// to be.
func (m BucketPolicyMerge) UpToDate() bool { return len(m.Added) == 0 && len(m.Changed) == 0 }

// MergeLogBucketPolicy merges want (LogBucketPolicy) into have, the bucket's
// policy ("" for none).
func MergeLogBucketPolicy(have, want string) (BucketPolicyMerge, error) {
	wantTop, wantStatements, err := parseBucketPolicy(want)
	if err != nil {
		return BucketPolicyMerge{}, fmt.Errorf("orgwizard's policy: %w", err)
	}
	ours := map[string]json.RawMessage{}
	for _, st := range wantStatements {
		ours[statementSid(st)] = st
	}
	var m BucketPolicyMerge
	top := map[string]json.RawMessage{}
	var kept []json.RawMessage
	found := map[string]bool{}
	if have != "" {
		haveTop, haveStatements, err := parseBucketPolicy(have)
		if err != nil {
			return BucketPolicyMerge{}, fmt.Errorf("the bucket's policy cannot be read (%w); orgwizard changes nothing of a policy it cannot read", err)
		}
		top = haveTop
		for i, st := range haveStatements {
			sid := statementSid(st)
			if w, ok := ours[sid]; ok {
				found[sid] = true
				if !sameJSON(string(st), string(w)) && !slices.Contains(m.Changed, sid) {
					m.Changed = append(m.Changed, sid)
				}
				continue
			}
			if now, ok := legacyLogBucketSids[sid]; ok && sameJSON(string(withSid(st, now)), string(ours[now])) {
				if !slices.Contains(m.Changed, now) {
					m.Changed = append(m.Changed, now)
				}
				found[now] = true
				continue
			}
			kept = append(kept, st)
			if sid == "" {
				sid = fmt.Sprintf("statement %d", i+1)
			}
			m.Kept = append(m.Kept, sid)
		}
	}
	for _, sid := range logBucketSids {
		if _, ok := ours[sid]; ok && !found[sid] {
			m.Added = append(m.Added, sid)
		}
	}
	top["Version"] = wantTop["Version"]
	all, _ := json.Marshal(append(slices.Clone(wantStatements), kept...))
	top["Statement"] = all
	out, err := json.Marshal(top)
	if err != nil {
		return BucketPolicyMerge{}, err
	}
	m.Policy = string(out)
	return m, nil
}

// parseBucketPolicy splits a policy into its top-level keys and its
// statements (Statement is one object or a list of them).
func parseBucketPolicy(doc string) (map[string]json.RawMessage, []json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return nil, nil, fmt.Errorf("not a JSON object: %w", err)
	}
	raw, ok := top["Statement"]
	if !ok {
		return top, nil, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err == nil {
		return top, list, nil
	}
	var one map[string]json.RawMessage
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, nil, errors.New("its Statement is neither a statement nor a list of them")
	}
	return top, []json.RawMessage{raw}, nil
}

func statementSid(st json.RawMessage) string {
	var s struct{ Sid string }
	_ = json.Unmarshal(st, &s)
	return s.Sid
}

// withSid is st under another Sid.
func withSid(st json.RawMessage, sid string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(st, &m) != nil {
		return st
	}
	m["Sid"], _ = json.Marshal(sid)
	out, _ := json.Marshal(m)
	return out
}
