package orgmodel

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Trusted access is asked for exactly the services the baseline uses: each
// key alone brings its own service principal and nothing else.
func TestBaselineTrustedAccessPerKey(t *testing.T) {
	off := "  organizationTrail: false\n  threatDetection: false\n  securityHub: false\n  accessAnalyzer: false\n  centralRootAccess: false\n"
	for key, want := range map[string][]string{
		"organizationTrail": {ServiceCloudTrail},
		"threatDetection":   {ServiceGuardDuty},
		"securityHub":       {ServiceSecurityHub},
		"accessAnalyzer":    {ServiceAccessAnalyzer},
		"centralRootAccess": {ServiceIAM},
	} {
		block := "baseline:\n" + strings.Replace(off, key+": false", key+": true", 1)
		d, err := Parse([]byte(baseDesign + block))
		if err != nil {
			t.Fatal(err)
		}
		tree := expand(t, d)
		if !slices.Equal(tree.Baseline.TrustedAccess, want) {
			t.Errorf("%s alone: trusted access %v, want %v", key, tree.Baseline.TrustedAccess, want)
		}
	}
	d, err := Parse([]byte(baseDesign + contactsBlock))
	if err != nil {
		t.Fatal(err)
	}
	if got := expand(t, d).Baseline.TrustedAccess; !slices.Equal(got, []string{ServiceAccount}) {
		t.Errorf("contacts alone: trusted access %v, want %s", got, ServiceAccount)
	}
	tree := expand(t, loadExample(t, "acme-secure.yaml"))
	want := []string{ServiceAccessAnalyzer, ServiceAccount, ServiceCloudTrail, ServiceGuardDuty, ServiceIAM}
	if !slices.Equal(tree.Baseline.TrustedAccess, want) {
		t.Errorf("acme-secure: trusted access %v, want %v", tree.Baseline.TrustedAccess, want)
	}
	if d, _ := Parse([]byte(baseDesign)); expand(t, d).Baseline != nil {
		t.Errorf("a design with neither block expands into a baseline")
	}
}

// GuardDuty and Security Hub never enrol an account in a region its region
// lock denies, and cover every account in every region it allows; ALL only
// where no member account is locked out. The check goes through
// Tree.AllowedRegions, the guardrails' own reading of the locks.
func TestBaselineRegionsFollowTheRegionLock(t *testing.T) {
	for _, name := range []string{"acme-secure.yaml", "acme.yaml"} {
		for _, layout := range []Layout{ByEnvironment, ByWorkload} {
			for _, lock := range []bool{true, false} {
				d := loadExample(t, name)
				d.Layout, d.Guardrails.RegionLock = layout, lock
				if err := d.SetBaseline(&Baseline{ThreatDetection: true, SecurityHub: true, LogRetentionDays: 1}); err != nil {
					t.Fatal(err)
				}
				tree := expand(t, d)
				bt := tree.Baseline
				if !slices.Equal(bt.Regions, d.allRegions()) {
					t.Errorf("regions %v, want the home region and the residencies' %v", bt.Regions, d.allRegions())
				}
				for _, cov := range [][]RegionCoverage{bt.ThreatDetection, bt.SecurityHub} {
					if len(cov) != len(bt.Regions) {
						t.Fatalf("%d regions covered, want %d", len(cov), len(bt.Regions))
					}
					for _, rc := range cov {
						all := true
						for _, a := range tree.Accounts {
							allowed, locked := tree.AllowedRegions(a.Name)
							ok := !locked || slices.Contains(allowed, rc.Region)
							all = all && ok
							member := slices.Contains(rc.Members, a.Name)
							switch {
							case a.Name == SecurityTooling && member:
								t.Errorf("security-tooling, the administrator, is its own member in %s", rc.Region)
							case a.Name != SecurityTooling && member != ok:
								t.Errorf("%s/%s lock %t: %s in %s: member %t, the lock allows it %t", name, layout, lock, a.Name, rc.Region, member, ok)
							}
						}
						if want := map[bool]string{true: AutoEnableAll, false: AutoEnableNone}[all]; rc.AutoEnable != want {
							t.Errorf("%s in %s: auto-enable %s, want %s", name, rc.Region, rc.AutoEnable, want)
						}
						if !lock && rc.AutoEnable != AutoEnableAll {
							t.Errorf("without a region lock, %s is %s", rc.Region, rc.AutoEnable)
						}
					}
				}
			}
		}
	}
}

// The contacts go on every account of the design and on the management
// account.
func TestBaselineContactsOnEveryAccount(t *testing.T) {
	tree := expand(t, loadExample(t, "acme-secure.yaml"))
	got := tree.Baseline.Contacts
	if len(got) != len(tree.Accounts)+1 || !got[0].Management {
		t.Fatalf("%d accounts with contacts, want %d and the management account first", len(got), len(tree.Accounts)+1)
	}
	for i, a := range tree.Accounts {
		if got[i+1].Account != a.Name || len(got[i+1].Contacts) != 3 {
			t.Errorf("account %s: %+v", a.Name, got[i+1])
		}
	}
}

// S3's bucket naming rules: 3-63 characters of lowercase letters, digits,
// dots and hyphens, starting and ending with a letter or digit.
var bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func TestLogBucketName(t *testing.T) {
	longest := "o-" + strings.Repeat("z", 32)
	for _, org := range []string{"o-a1b2c3d4e5", longest} {
		name := LogBucketName("210987654321", org)
		if !bucketNameRe.MatchString(name) || strings.Contains(name, "..") {
			t.Errorf("%q is not a valid bucket name", name)
		}
		if name != LogBucketName("210987654321", org) {
			t.Errorf("the name is not stable")
		}
	}
	if LogBucketName("210987654321", "o-a1b2c3d4e5") == LogBucketName("210987654322", "o-a1b2c3d4e5") {
		t.Errorf("two log-archive accounts get one bucket name")
	}
	if got := TrailARN("eu-west-1", "111111111111"); got != "arn:aws:cloudtrail:eu-west-1:111111111111:trail/orgwizard-organization-trail" {
		t.Errorf("trail ARN %s", got)
	}
}

// policyStatement is a statement of a bucket policy as the test reads it.
type policyStatement struct {
	Sid       string
	Effect    string
	Principal any
	Action    any
	Resource  any
	Condition map[string]map[string]any
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, s := range x {
			out = append(out, s.(string))
		}
		return out
	}
	return nil
}

// The bucket policy is AWS's documented one for an organization trail, each
// CloudTrail statement tied to the trail's ARN, and it denies deletion to
// every account but log-archive. The test evaluates the deny statements for
// a workload account and for log-archive.
func TestLogBucketPolicy(t *testing.T) {
	const (
		org, mgmt, logArchive, workload = "o-a1b2c3d4e5", "111111111111", "222222222222", "333333333333"
	)
	bucket := LogBucketName(logArchive, org)
	trail := TrailARN("eu-west-1", mgmt)
	doc := LogBucketPolicy(bucket, org, mgmt, logArchive, trail, "eu-west-1")
	if len(doc) > 20*1024 {
		t.Errorf("the policy is %d bytes; S3 allows 20 KB", len(doc))
	}
	var p struct {
		Version   string
		Statement []policyStatement
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil || p.Version != "2012-10-17" {
		t.Fatalf("not a policy: %v\n%s", err, doc)
	}
	arn := "arn:aws:s3:::" + bucket
	bySid := map[string]policyStatement{}
	for _, s := range p.Statement {
		bySid[s.Sid] = s
	}
	for sid, want := range map[string]struct{ action, resource string }{
		SidCloudTrailACLCheck: {"s3:GetBucketAcl", arn},
		SidCloudTrailWrite:    {"s3:PutObject", arn + "/AWSLogs/" + mgmt + "/*"},
		SidCloudTrailOrgWrite: {"s3:PutObject", arn + "/AWSLogs/" + org + "/*"},
	} {
		s, ok := bySid[sid]
		if !ok {
			t.Errorf("no statement %s", sid)
			continue
		}
		principal, _ := s.Principal.(map[string]any)
		if s.Effect != "Allow" || !slices.Equal(strs(principal["Service"]), []string{"cloudtrail.amazonaws.com"}) ||
			!slices.Equal(strs(s.Action), []string{want.action}) || !slices.Equal(strs(s.Resource), []string{want.resource}) {
			t.Errorf("%s: %+v", sid, s)
		}
		if got := s.Condition["StringEquals"]["aws:SourceArn"]; got != trail {
			t.Errorf("%s: aws:SourceArn %v, want the trail %s", sid, got, trail)
		}
		if want.action == "s3:PutObject" && s.Condition["StringEquals"]["s3:x-amz-acl"] != "bucket-owner-full-control" {
			t.Errorf("%s: no bucket-owner-full-control condition", sid)
		}
	}
	denied := func(account, action, resource string) bool {
		for _, s := range p.Statement {
			if s.Effect != "Deny" || s.Principal != "*" || !slices.Contains(strs(s.Resource), resource) {
				continue
			}
			if !slices.Contains(strs(s.Action), action) && !slices.Contains(strs(s.Action), "s3:*") {
				continue
			}
			if v, ok := s.Condition["StringNotEquals"]["aws:PrincipalAccount"]; ok && v != account {
				return true
			}
			if v, ok := s.Condition["Bool"]["aws:SecureTransport"]; ok && v == "false" {
				continue // the request in this test comes over TLS
			}
		}
		return false
	}
	for _, action := range []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket", "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy"} {
		res := arn + "/*"
		if !strings.Contains(action, "Object") {
			res = arn
		}
		if !denied(workload, action, res) || !denied(mgmt, action, res) {
			t.Errorf("%s is not denied to a workload account or the management account", action)
		}
		if denied(logArchive, action, res) {
			t.Errorf("%s is denied to log-archive, the bucket's owner", action)
		}
	}
	if s := bySid[SidDenyInsecureTransport]; s.Effect != "Deny" || s.Condition["Bool"]["aws:SecureTransport"] != "false" {
		t.Errorf("no deny of requests without TLS: %+v", s)
	}
}
