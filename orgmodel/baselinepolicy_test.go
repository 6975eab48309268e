package orgmodel

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// MergeLogBucketPolicy replaces orgwizard's statements, by Sid, and keeps
// every other: one without a Sid, one under AWS's guide's Sid that is not
// orgwizard's, a Statement written as one object; an earlier orgwizard's
// statement, identical but for its Sid, is replaced rather than kept twice.
func TestMergeLogBucketPolicy(t *testing.T) {
	const bucket, org, mgmt, logs = "orgwizard-logs-222222222222-o-abcdefghij", "o-abcdefghij", "111111111111", "222222222222"
	want := LogBucketPolicy(bucket, org, mgmt, logs, TrailARN("eu-west-1", mgmt), "eu-west-1")
	_, ours, err := parseBucketPolicy(want)
	if err != nil {
		t.Fatal(err)
	}

	m, err := MergeLogBucketPolicy("", want)
	if err != nil || !sameJSON(m.Policy, want) || len(m.Added) != len(logBucketSids) || len(m.Kept) != 0 {
		t.Fatalf("no policy yet: %+v %v", m, err)
	}
	if m, err = MergeLogBucketPolicy(want, want); err != nil || !m.UpToDate() || len(m.Kept) != 0 {
		t.Fatalf("orgwizard's own policy: %+v %v", m, err)
	}

	// A user's own statement written as the only one, no Sid.
	one := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/secret/*"}}`
	m, err = MergeLogBucketPolicy(one, want)
	if err != nil || !slices.Equal(m.Kept, []string{"statement 1"}) || len(m.Added) != len(logBucketSids) {
		t.Fatalf("a one-statement policy: %+v %v", m, err)
	}
	if !strings.Contains(m.Policy, `/secret/*`) {
		t.Errorf("the user's statement was lost: %s", m.Policy)
	}

	// One of orgwizard's own statements as the only one, one object: it is
	// recognised by its Sid, neither kept twice nor added again.
	m, err = MergeLogBucketPolicy(`{"Version":"2012-10-17","Statement":`+string(ours[3])+`}`, want)
	if err != nil || len(m.Kept) != 0 || len(m.Changed) != 0 || len(m.Added) != len(logBucketSids)-1 || slices.Contains(m.Added, statementSid(ours[3])) || !sameJSON(m.Policy, want) {
		t.Fatalf("orgwizard's statement as the only one: %+v %v", m, err)
	}

	// AWS's guide's write statement for another trail, and an earlier
	// orgwizard's ACL check (its statement now, under the old Sid).
	guide := `{"Sid":"AWSCloudTrailWrite20150319","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/AWSLogs/999999999999/*"}`
	old := string(withSid(ours[0], "AWSCloudTrailAclCheck20150319"))
	have := `{"Version":"2012-10-17","Statement":[` + guide + `,` + old + `]}`
	m, err = MergeLogBucketPolicy(have, want)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Kept, []string{"AWSCloudTrailWrite20150319"}) || !slices.Equal(m.Changed, []string{SidCloudTrailACLCheck}) {
		t.Errorf("kept %v, changed %v", m.Kept, m.Changed)
	}
	var doc struct{ Statement []json.RawMessage }
	if err := json.Unmarshal([]byte(m.Policy), &doc); err != nil || len(doc.Statement) != len(ours)+1 {
		t.Fatalf("merged: %v %s", err, m.Policy)
	}
	if !sameJSON(string(doc.Statement[len(ours)]), guide) {
		t.Errorf("the guide's statement is not kept as it was: %s", doc.Statement[len(ours)])
	}

	if _, err := MergeLogBucketPolicy("{not json", want); err == nil || !strings.Contains(err.Error(), "changes nothing") {
		t.Errorf("an unreadable policy: %v", err)
	}
}
