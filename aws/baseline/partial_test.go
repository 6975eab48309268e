package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// The baseline as someone left it half done: what the read makes of it,
// and that the steps converge without losing anything of theirs.

// planOf reads the baseline through c and plans it.
func planOf(t *testing.T, c *Client, tree *orgmodel.Tree, a *orgmodel.Actual) *orgmodel.Plan {
	t.Helper()
	got, err := c.Read(context.Background(), tree, a)
	if err != nil {
		t.Fatal(err)
	}
	a.Baseline = got
	return orgmodel.MakePlan(tree, a)
}

func stepsOf(p *orgmodel.Plan, kind orgmodel.StepKind) []orgmodel.Step {
	var out []orgmodel.Step
	for _, s := range p.Steps {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// A suspended detector (status DISABLED) is GuardDuty off: in
// security-tooling the read says so and the plan configures it, and the
// step turns it back on; the management account's is turned back on before
// it is enrolled.
func TestSuspendedDetectorIsOff(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	w := newWorld()
	w.gdAdmin.admin = toolingID
	w.gd.detector, w.gd.suspended, w.gd.autoEnable = "d-1", true, gdtypes.AutoEnableMembersAll
	w.gdAdmin.detector, w.gdAdmin.suspended = "d-mgmt", true
	c := w.client()
	p := planOf(t, c, tree, a)
	for _, r := range a.Baseline.GuardDuty {
		if r.Enabled || !r.Suspended {
			t.Errorf("a suspended detector reads as %+v", r)
		}
	}
	gd := stepsOf(p, orgmodel.StepConfigureGuardDuty)
	if len(gd) != len(tree.Baseline.ThreatDetection) || !strings.Contains(gd[0].Why, "suspended") {
		t.Fatalf("the plan does not configure GuardDuty where its detector is suspended: %+v", gd)
	}
	if err := runStep(ctx, c, a, gd[0]); err != nil {
		t.Fatal(err)
	}
	if w.gd.suspended || w.gd.resumes != 1 {
		t.Errorf("security-tooling's detector: suspended %v after %d UpdateDetector calls", w.gd.suspended, w.gd.resumes)
	}
	if w.gdAdmin.suspended || w.gdAdmin.resumes != 1 {
		t.Errorf("the management account's detector: suspended %v after %d UpdateDetector calls", w.gdAdmin.suspended, w.gdAdmin.resumes)
	}
	// The fakes serve every region alike; the region the step was for is
	// done (the others differ in auto-enable, by residency).
	region := gd[0].Baseline.Region
	for _, s := range stepsOf(planOf(t, c, tree, a), orgmodel.StepConfigureGuardDuty) {
		if s.Baseline.Region == region {
			t.Errorf("after the step the plan still configures GuardDuty in %s: %s", region, s.Why)
		}
	}
	for _, r := range a.Baseline.GuardDuty {
		if !r.Enabled || r.Suspended {
			t.Errorf("after the step GuardDuty reads as %+v", r)
		}
	}
}

// The log bucket is read when the trail is turned off, so that the plan
// says the bucket is kept, logs and all.
func TestBucketReadWithTrailOff(t *testing.T) {
	tree, a := secure(t)
	off := *tree.Baseline.Settings
	off.OrganizationTrail = false
	tree.Baseline.Settings = &off
	tree.Baseline.Trail = nil
	w := newWorld()
	bucket := orgmodel.LogBucketName(logID, a.Organization.ID)
	w.buckets[bucket] = &fakeBucket{owner: logID, versioning: s3types.BucketVersioningStatusEnabled}
	w.trail.trail = &cttypes.Trail{Name: aws.String(orgmodel.TrailName), TrailARN: aws.String(orgmodel.TrailARN("eu-west-1", mgmtID)), HomeRegion: aws.String("eu-west-1")}
	p := planOf(t, w.client(), tree, a)
	if a.Baseline.Bucket == nil || a.Baseline.Bucket.Name != bucket {
		t.Fatalf("the bucket was not read: %+v", a.Baseline.Bucket)
	}
	if !slices.ContainsFunc(p.Warnings, func(s string) bool {
		return strings.Contains(s, "organizationTrail is off") && strings.Contains(s, "its log bucket "+bucket+" in log-archive is kept")
	}) {
		t.Errorf("the plan does not say the bucket is kept: %q", p.Warnings)
	}
}

// HeadBucket's 403 is another account's bucket only when log-archive does
// not list it: a bucket of its own whose policy denies the role
// s3:ListBucket answers 403 too, and is read as its own.
func TestHeadBucketForbidden(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	bucket := orgmodel.LogBucketName(logID, a.Organization.ID)

	w := newWorld()
	w.buckets[bucket] = &fakeBucket{owner: logID, denyList: true, versioning: s3types.BucketVersioningStatusEnabled}
	got, err := w.client().Read(ctx, tree, a)
	if err != nil {
		t.Fatal(err)
	}
	if b := got.Bucket; b == nil || b.Foreign || b.Versioning != "Enabled" {
		t.Errorf("log-archive's own bucket that denies s3:ListBucket reads as %+v", b)
	}

	w = newWorld()
	w.buckets[bucket] = &fakeBucket{owner: "444444444444"}
	if got, err = w.client().Read(ctx, tree, a); err != nil {
		t.Fatal(err)
	}
	if b := got.Bucket; b == nil || !b.Foreign {
		t.Errorf("another account's bucket reads as %+v", b)
	}

	// Its own bucket whose policy denies the role every read: the read says
	// so, and what to change.
	w = newWorld()
	w.buckets[bucket] = &fakeBucket{owner: logID, denyList: true, denyRead: true}
	_, err = w.client().Read(ctx, tree, a)
	if err == nil || !strings.Contains(err.Error(), "the bucket is log-archive's, but its policy denies OrganizationAccountAccessRole") || !strings.Contains(err.Error(), "take that Deny out") {
		t.Errorf("a bucket whose policy denies the role its reads: %v", err)
	}
}

// statements maps a policy's statements by Sid.
func statements(t *testing.T, policy string) map[string]map[string]any {
	t.Helper()
	var doc struct {
		Id        string
		Statement []map[string]any
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatalf("policy %s: %v", policy, err)
	}
	out := map[string]map[string]any{}
	for _, s := range doc.Statement {
		out[s["Sid"].(string)] = s
	}
	out[""] = map[string]any{"Id": doc.Id}
	return out
}

// Apply puts orgwizard's statements and lifecycle rule beside the ones a
// user added, replacing only its own: the plan says what it changes and
// keeps, a statement or rule of the user's is there after, unchanged, and a
// second plan has nothing left to do.
func TestBucketPolicyAndLifecycleKeepTheUsers(t *testing.T) {
	ctx := context.Background()
	tree, a := secure(t)
	bucket := orgmodel.LogBucketName(logID, a.Organization.ID)
	auditor := `{"Sid":"AllowAuditorRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/auditor"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"]}`
	// An older write statement of orgwizard's, for another trail.
	stale := `{"Sid":"OrgwizardCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/AWSLogs/111111111111/*"}`
	archive := s3types.LifecycleRule{ID: aws.String("archive-to-glacier"), Status: s3types.ExpirationStatusEnabled,
		Filter:      &s3types.LifecycleRuleFilter{Prefix: aws.String("AWSLogs/")},
		Transitions: []s3types.Transition{{Days: aws.Int32(90), StorageClass: s3types.TransitionStorageClassGlacier}}}
	w := newWorld()
	w.buckets[bucket] = &fakeBucket{owner: logID, versioning: s3types.BucketVersioningStatusEnabled,
		enc:    &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/logs")}}}},
		rules:  []s3types.LifecycleRule{archive},
		policy: `{"Version":"2012-10-17","Id":"acme-logs","Statement":[` + auditor + `,` + stale + `]}`}
	c := w.client()
	p := planOf(t, c, tree, a)
	if b := a.Baseline.Bucket; !slices.Equal(b.OtherLifecycleRules, []string{"archive-to-glacier"}) || b.ExpirationDays != 0 {
		t.Errorf("the bucket's lifecycle reads as %+v", b)
	}
	pol := stepsOf(p, orgmodel.StepPutBucketPolicy)
	if len(pol) != 1 || !strings.Contains(pol[0].Why, "keeps your statements AllowAuditorRead as they are") ||
		!strings.Contains(pol[0].Why, "replaces orgwizard's statements OrgwizardCloudTrailWrite") || !strings.Contains(pol[0].Why, "adds orgwizard's statements OrgwizardCloudTrailAclCheck") {
		t.Fatalf("the policy step: %+v", pol)
	}
	cfg := stepsOf(p, orgmodel.StepConfigureLogBucket)
	if len(cfg) != 1 || !strings.Contains(cfg[0].Why, "other lifecycle rules (archive-to-glacier) are kept") {
		t.Fatalf("the bucket's settings step: %+v", cfg)
	}
	for _, s := range append(cfg, pol...) {
		if err := runStep(ctx, c, a, s); err != nil {
			t.Fatal(err)
		}
	}
	b := w.buckets[bucket]
	got := statements(t, b.policy)
	var was map[string]any
	_ = json.Unmarshal([]byte(auditor), &was)
	if !sameAny(got["AllowAuditorRead"], was) || got[""]["Id"] != "acme-logs" {
		t.Errorf("the user's statement or the policy's Id was lost: %s", b.policy)
	}
	want := statements(t, orgmodel.LogBucketPolicy(bucket, a.Organization.ID, mgmtID, logID, orgmodel.TrailARN("eu-west-1", mgmtID), "eu-west-1"))
	for sid, st := range want {
		if sid != "" && !sameAny(got[sid], st) {
			t.Errorf("orgwizard's statement %s is %v, want %v", sid, got[sid], st)
		}
	}
	if len(got) != len(want)+1 {
		t.Errorf("the policy has %d statements, want orgwizard's %d and the user's one: %s", len(got)-1, len(want)-1, b.policy)
	}
	ids := []string{}
	for _, r := range b.rules {
		ids = append(ids, aws.ToString(r.ID))
	}
	if !slices.Equal(ids, []string{"archive-to-glacier", LifecycleRuleID}) || b.rules[0].Transitions[0].StorageClass != s3types.TransitionStorageClassGlacier {
		t.Errorf("the lifecycle rules after apply: %v", ids)
	}
	if d := b.enc.Rules[0].ApplyServerSideEncryptionByDefault; d.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms || aws.ToString(d.KMSMasterKeyID) != "alias/logs" {
		t.Errorf("the bucket's KMS encryption was replaced: %+v", d)
	}
	again := planOf(t, c, tree, a)
	if n := len(stepsOf(again, orgmodel.StepPutBucketPolicy)) + len(stepsOf(again, orgmodel.StepConfigureLogBucket)); n != 0 {
		t.Errorf("a second plan still has %d bucket steps: %+v", n, again.Steps)
	}
	// Run again, the policy step changes nothing (no put).
	before := b.policy
	if err := c.PutLogBucketPolicy(ctx, logID, bucket, "eu-west-1", pol[0].Baseline.Policy); err != nil || b.policy != before {
		t.Errorf("the policy step run again: %v, changed %v", err, b.policy != before)
	}
}

func sameAny(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	var u, v any
	_ = json.Unmarshal(x, &u)
	_ = json.Unmarshal(y, &v)
	x, _ = json.Marshal(u)
	y, _ = json.Marshal(v)
	return string(x) == string(y)
}

// An account analyzer under orgwizard's analyzer name makes AWS answer a
// bare ConflictException; the error says what it is and the command that
// clears the way.
func TestAnalyzerNameTakenByAccountAnalyzer(t *testing.T) {
	w := newWorld()
	w.aa.analyzers = []aatypes.AnalyzerSummary{{Name: aws.String(orgmodel.AnalyzerName), Type: aatypes.TypeAccount, Status: aatypes.AnalyzerStatusActive}}
	err := w.client().CreateAnalyzer(context.Background(), toolingID, "eu-west-1", orgmodel.AnalyzerName)
	if err == nil {
		t.Fatal("an account analyzer of that name was taken for the organization analyzer")
	}
	for _, want := range []string{"of type ACCOUNT", "aws accessanalyzer delete-analyzer --analyzer-name " + orgmodel.AnalyzerName + " --region eu-west-1", "in security-tooling", "then apply again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	var conflict *aatypes.ConflictException
	if !errors.As(err, &conflict) {
		t.Errorf("AWS's error is not kept: %v", err)
	}
}
