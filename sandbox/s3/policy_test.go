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
