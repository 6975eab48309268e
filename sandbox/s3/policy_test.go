package s3

import "testing"

// TestConditionMissingKey holds condition to IAM's rule for a key the request
// lacks: positive operators fail, negated ones hold, ...IfExists holds, Null
// tests the absence.
func TestConditionMissingKey(t *testing.T) {
	none := map[string]string{}
	has := map[string]string{"aws:sourcearn": "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org"}
	for _, tc := range []struct {
		op   string
		ctx  map[string]string
		want bool
	}{
		{"StringEquals", none, false},
		{"StringLike", none, false},
		{"ArnLike", none, false},
		{"StringNotEquals", none, true},
		{"StringNotEqualsIgnoreCase", none, true},
		{"StringNotLike", none, true},
		{"ArnNotEquals", none, true},
		{"ArnNotLike", none, true},
		{"NotIpAddress", none, true},
		{"ForAnyValue:StringNotLike", none, true},
		{"StringEqualsIfExists", none, true},
		{"StringNotEqualsIfExists", none, true},
		{"Null", none, true},
		// The key present: the operators compare as before.
		{"ArnLike", has, true},
		{"ArnNotLike", has, false},
		{"StringNotEquals", has, false},
		{"StringEqualsIfExists", has, false},
		{"Null", has, false},
	} {
		values := []string{"arn:aws:cloudtrail:*:111111111111:trail/*"}
		if tc.op == "Null" {
			values = []string{"true"}
		}
		if tc.op == "StringEqualsIfExists" || tc.op == "StringNotEquals" || tc.op == "StringNotEqualsIfExists" {
			values = []string{"arn:aws:cloudtrail:eu-west-1:111111111111:trail/other"}
		}
		if tc.op == "StringNotEquals" && len(tc.ctx) > 0 {
			values = []string{has["aws:sourcearn"]}
		}
		if got := condition(tc.op, tc.ctx, "aws:SourceArn", values); got != tc.want {
			t.Errorf("%s on %v: %v, want %v", tc.op, tc.ctx, got, tc.want)
		}
	}
}

// TestPolicyStatementObject: a Statement that is one statement, not a list,
// is taken as AWS takes it (IAM's grammar allows either), checked like a
// statement of a list, and evaluated the same.
func TestPolicyStatementObject(t *testing.T) {
	const deny = `{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::logs/*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"222222222222"}}}`
	one, err := parsePolicy(`{"Version":"2012-10-17","Statement":`+deny+`}`, "logs")
	if err != nil {
		t.Fatalf("a one-statement policy: %v", err)
	}
	list, err := parsePolicy(`{"Version":"2012-10-17","Statement":[`+deny+`]}`, "logs")
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Statement) != 1 || one.Statement[0].Effect != "Deny" {
		t.Fatalf("the statement read: %+v", one.Statement)
	}
	for _, tc := range []struct {
		account string
		want    decision
	}{{"111111111111", denied}, {"222222222222", implicitDeny}} {
		req := request{Account: tc.account, PrincipalArn: "arn:aws:iam::" + tc.account + ":root", Action: "s3:DeleteObject",
			Resource: "arn:aws:s3:::logs/AWSLogs/x.gz", Context: map[string]string{"aws:principalaccount": tc.account}}
		if got, want := one.evaluate(req), list.evaluate(req); got != tc.want || want != tc.want {
			t.Errorf("DeleteObject by %s: one statement %v, a list of it %v, want %v", tc.account, got, want, tc.want)
		}
	}
	// A statement on its own is checked as one in a list is.
	for doc, want := range map[string]string{
		`{"Statement":{"Effect":"Maybe","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs"}}`:  "Invalid effect: Maybe",
		`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::logs"}}`:                  "Missing required field Principal",
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other"}}`: "Policy has invalid resource",
		`{"Statement":"s3:*"}`: "Policies must be valid JSON and the first byte must be '{'",
	} {
		if _, err := parsePolicy(doc, "logs"); err == nil || err.Code != "MalformedPolicy" || err.Message != want {
			t.Errorf("%s: %v, want MalformedPolicy %q", doc, err, want)
		}
	}
}
