package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// A log bucket policy whose Statement is one object, not a list (IAM's
// grammar allows it, and S3 takes it), as a security team may write by
// hand: read from AWS, audit evaluates it as it would a list; plan and apply
// keep the statement and add orgwizard's; then nothing is left to do.
func TestLogBucketPolicyOfOneStatement(t *testing.T) {
	if testing.Short() {
		t.Skip("applies acme-secure on the sandbox")
	}
	ctx := context.Background()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	state := filepath.Join(t.TempDir(), "sandbox.json")
	tgt := []string{"--design", filepath.Join(examples, "acme-secure.yaml"), "--sandbox-state", state, "--sandbox-speed", "50"}
	if code, out, errOut := run(t, append([]string{"apply", "--yes"}, tgt...)...); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}

	// The team replaces the policy with a deny of its own, one object.
	policy := func(edit func(c *s3.Client, bucket string, logID string)) {
		onSandbox(t, state, func(as func(string, string) aws.Config, all map[string]sandbox.AccountInfo) {
			me := all["log-archive"]
			c := s3.NewFromConfig(as("log-archive", "eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
			edit(c, orgmodel.LogBucketName(me.ID, me.OrganizationID), me.ID)
		})
	}
	var deny string
	policy(func(c *s3.Client, bucket, logID string) {
		actions, _ := json.Marshal(orgmodel.LogBucketProtectedActions)
		deny = `{"Sid":"TeamDenyDeletion","Effect":"Deny","Principal":"*","Action":` + string(actions) +
			`,"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"` + logID + `"}}}`
		if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket),
			Policy: aws.String(`{"Version":"2012-10-17","Statement":` + deny + `}`)}); err != nil {
			t.Fatalf("PutBucketPolicy of one statement: %v", err)
		}
	})
	_, doc, errOut := runAudit(t, tgt...)
	if st, why := status(doc, "log-bucket-protected"); st != "pass" {
		t.Errorf("audit log-bucket-protected on a one-statement deny: %s: %s (%s)", st, why, errOut)
	}

	code, out, errOut := run(t, append([]string{"plan"}, tgt...)...)
	if code != ExitOK || !strings.Contains(out, "keeps your statements TeamDenyDeletion as they are") {
		t.Fatalf("plan over a one-statement policy: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := run(t, append([]string{"apply", "--yes"}, tgt...)...); code != ExitOK {
		t.Fatalf("apply over a one-statement policy: exit %d\n%s\n%s", code, out, errOut)
	}
	policy(func(c *s3.Client, bucket, _ string) {
		pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Statement []json.RawMessage }
		if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &got); err != nil {
			t.Fatalf("the policy after apply: %v\n%s", err, aws.ToString(pol.Policy))
		}
		var sids []string
		kept := false
		for _, st := range got.Statement {
			var s struct{ Sid string }
			_ = json.Unmarshal(st, &s)
			sids = append(sids, s.Sid)
			kept = kept || sameDocument(t, string(st), deny)
		}
		if !kept || len(got.Statement) != 6 || !strings.HasPrefix(sids[0], "Orgwizard") {
			t.Errorf("after apply the policy has %v; want orgwizard's 5 and TeamDenyDeletion as it was:\n%s", sids, aws.ToString(pol.Policy))
		}
	})
	if code, out, errOut := run(t, append([]string{"plan", "--detailed-exitcode"}, tgt...)...); code != ExitOK || !strings.Contains(out, "Nothing to do") {
		t.Fatalf("a second plan: exit %d\n%s\n%s", code, out, errOut)
	}
	_, doc, errOut = runAudit(t, tgt...)
	for _, id := range []string{"log-bucket-protected", "organization-trail"} {
		if st, why := status(doc, id); st != "pass" {
			t.Errorf("audit %s after apply: %s: %s (%s)", id, st, why, errOut)
		}
	}
}

func sameDocument(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		t.Fatalf("not JSON: %s / %s", a, b)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}
