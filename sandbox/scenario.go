package sandbox

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/account"
	"github.com/orgwizard/orgwizard/sandbox/cloudtrail"
	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/guardduty"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
	"github.com/orgwizard/orgwizard/sandbox/s3"
	"github.com/orgwizard/orgwizard/sandbox/servicequotas"
)

// newScenario builds the world a scenario starts from (sandbox.md, "Scenarios").
func newScenario(name string, now time.Time) (*state, error) {
	st := &state{Version: stateVersion, Scenario: name, AccountQuota: servicequotas.DefaultAccountQuota}
	newAccount := func(name, email, role string) *core.Account {
		a := core.NewAccount(core.NewAccountID(), name, email, role, now.UTC())
		for _, b := range st.Accounts {
			if b.ID == a.ID { // a clash among a handful of random ids: draw again
				return nil
			}
		}
		st.Accounts = append(st.Accounts, a)
		return a
	}
	mustAccount := func(name, email, role string) *core.Account {
		for {
			if a := newAccount(name, email, role); a != nil {
				return a
			}
		}
	}
	switch name {
	case "fresh":
		mustAccount("acme", "aws@acme.example", "standalone")
	case "small-quota":
		st.AccountQuota = 4
		mustAccount("acme", "aws@acme.example", "standalone")
	case "dirty-management":
		// Way out (a) brings the old account in beside the new management
		// account: acme.yaml's nine accounts make eleven, one over AWS's
		// default. A workshop cannot ask AWS for an increase, so this world
		// starts with the increase granted.
		st.AccountQuota = 12
		// The account a founder has used for everything, and a clean one
		// that can become the management account instead.
		dirty := mustAccount("acme-legacy", "founder@acme.example", "standalone-with-workloads")
		mustAccount("acme", "aws@acme.example", "new-management")
		// The founder turned Resource Explorer on where the shop runs:
		// an aggregator index in eu-west-1 with its default view, a local
		// index in us-east-1; the other regions have none.
		st.Resources = append(inventory.DirtyResources(dirty.ID), inventory.ResourceExplorerSetup(dirty.ID, "eu-west-1", "us-east-1")...)
	case "existing-org":
		// An organization that has grown has had its quota raised: room for
		// acme.yaml's nine accounts beside the ones it already has.
		st.AccountQuota = 20
		buildExistingOrg(st, mustAccount, now.UTC())
	default:
		return nil, fmt.Errorf("unknown sandbox scenario %q", name)
	}
	return st, nil
}

// buildExistingOrg makes an organization half-way to acme.yaml (see
// organizations.BuildExistingOrg) with a security baseline begun by hand
// and left half done (seedPartialBaseline), a standalone partner account
// that can be invited, and the security team's own account, standalone
// too: invited, it has no OrganizationAccountAccessRole.
func buildExistingOrg(st *state, mustAccount func(name, email, role string) *core.Account, now time.Time) {
	mgmt := mustAccount("acme", "aws@acme.example", "management")
	payments := mustAccount("payments-dev", "aws+payments-dev@acme.example", "member")
	logs := mustAccount("log-archive", "aws+log-archive@acme.example", "member")
	legacy := mustAccount("legacy-app", "legacy-app@acme.example", "member")
	mustAccount("acme-partner", "partner@acme.example", "standalone")
	mustAccount("security-tooling", "security-team@acme.example", "standalone")

	w := (&Sandbox{st: st}).wire()
	w.orgs.BuildExistingOrg(mgmt, payments, logs, legacy, st.AccountQuota, now)
	// Someone left a load test running in payments-dev nine days ago: its
	// spend climbs day after day, so a workshop sees a budget alert fire.
	payments.RunawaySince = now.Truncate(24*time.Hour).AddDate(0, 0, -9)
	legacy.Tags = map[string]string{"team": "legacy"}
	seedPartialBaseline(st, w, mgmt, logs, legacy, now)
}

// seedPartialBaseline is a security baseline someone began by hand, the
// way orgwizard names things, and left half done:
//   - a trail of orgwizard's name in the management account (eu-west-1),
//     for that account only, one region, no log file validation, stopped
//     twelve days ago;
//   - its bucket in log-archive, versioned, with no retention (its only
//     lifecycle rule aborts stale multipart uploads) and a policy written
//     from AWS's guide for a one-account trail, plus a statement that lets
//     the management account read the logs;
//   - GuardDuty tried out: legacy-app made its delegated administrator in
//     us-west-2 (so Organizations trusts guardduty.amazonaws.com, the one
//     service with trusted access), and the management account's own
//     detector in us-east-1 suspended to save money;
//   - a security contact on the management account from years ago.
//
// Each of these is what AWS would hold after the calls that make it.
func seedPartialBaseline(st *state, w *Sandbox, mgmt, logs, legacy *core.Account, now time.Time) {
	const home = "eu-west-1"
	began := now.AddDate(0, 0, -25)
	orgID := mgmt.OrgID
	// orgwizard's names (orgmodel.TrailName, orgmodel.LogBucketName).
	trail := &cloudtrail.Trail{Name: "orgwizard-organization-trail", Account: mgmt.ID, HomeRegion: home,
		IncludeGlobalServiceEvents: true, CreatedAt: began, StartLoggingTime: began, StopLoggingTime: now.AddDate(0, 0, -12)}
	trail.S3BucketName = "orgwizard-logs-" + logs.ID + "-" + orgID
	st.CloudTrail = &cloudtrail.State{Trails: []*cloudtrail.Trail{trail}}

	bucket, arn := trail.S3BucketName, "arn:aws:s3:::"+trail.S3BucketName
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []map[string]any{
		{"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:GetBucketAcl", "Resource": arn, "Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceArn": trail.ARN()}}},
		{"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
			"Action": "s3:PutObject", "Resource": arn + "/AWSLogs/" + mgmt.ID + "/*",
			"Condition": map[string]any{"StringEquals": map[string]any{"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail.ARN()}}},
		{"Sid": "ManagementAccountReadsLogs", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + mgmt.ID + ":root"},
			"Action": []string{"s3:GetObject", "s3:ListBucket"}, "Resource": []string{arn, arn + "/*"}},
	}})
	st.S3 = &s3.State{Buckets: []*s3.Bucket{{Name: bucket, Account: logs.ID, Region: home, Created: began, Versioning: "Enabled",
		Lifecycle: &s3.LifecycleConfiguration{Rules: []s3.LifecycleRule{s3.AbortUploadsRule("abort-stale-uploads", 7)}},
		Policy:    string(policy)}}}

	w.orgs.TrustSince(orgID, guardduty.ServicePrincipal, began)
	w.orgs.RegisterDelegatedAdmin(orgID, guardduty.ServicePrincipal, legacy.ID, began)
	st.GuardDuty = &guardduty.State{
		Admins: []*guardduty.Admin{{OrgID: orgID, Region: "us-west-2", Account: legacy.ID, EnabledAt: began}},
		Detectors: []*guardduty.Detector{
			{ID: core.RandomHex(32), Account: legacy.ID, Region: "us-west-2", Enabled: true, Frequency: "SIX_HOURS", CreatedAt: began, UpdatedAt: began},
			{ID: core.RandomHex(32), Account: mgmt.ID, Region: "us-east-1", Enabled: false, Frequency: "SIX_HOURS", CreatedAt: began, UpdatedAt: now.AddDate(0, 0, -20)},
		},
	}
	st.Account = &account.State{Contacts: map[string]map[string]account.Contact{mgmt.ID: {
		"SECURITY": {Name: "Dana Whitfield", Title: "IT Manager", EmailAddress: "dana@acme.example", PhoneNumber: "+1 555 0199"},
	}}}
}
