package orgmodel

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Service principals of the services the baseline uses, as AWS
// Organizations' trusted access (EnableAWSServiceAccess) and delegated
// administrators (RegisterDelegatedAdministrator) name them.
const (
	ServiceCloudTrail     = "cloudtrail.amazonaws.com"
	ServiceGuardDuty      = "guardduty.amazonaws.com"
	ServiceSecurityHub    = "securityhub.amazonaws.com"
	ServiceAccessAnalyzer = "access-analyzer.amazonaws.com"
	// ServiceIAM is what centralized root access needs trusted access for.
	ServiceIAM = "iam.amazonaws.com"
	// ServiceAccount is AWS Account Management, which must have trusted
	// access before the management account may set a member account's
	// alternate contacts.
	ServiceAccount = "account.amazonaws.com"
)

// Names of what the baseline creates. Each starts with orgwizard, so that
// the plan recognises its own and leaves the rest alone.
const (
	TrailName        = "orgwizard-organization-trail"
	AnalyzerName     = "orgwizard-organization"
	LogBucketPrefix  = "orgwizard-logs-"
	LogArchive       = "log-archive"
	SecurityTooling  = "security-tooling"
	AnalyzerTypeOrg  = "ORGANIZATION"
	AutoEnableAll    = "ALL"  // every member, and every account that joins later
	AutoEnableNone   = "NONE" // only the members listed
	RootCredentials  = "RootCredentialsManagement"
	RootSessions     = "RootSessions"
	EncryptionSSES3  = "AES256"
	VersioningOn     = "Enabled"
	trailARNFormat   = "arn:%s:cloudtrail:%s:%s:trail/%s"
	bucketARNPrefix  = "arn:%s:s3:::"
	logPrefixAWSLogs = "AWSLogs/"
)

// LogBucketName is the name of the log bucket: orgwizard-logs-<log-archive
// account id>-<organization id>, such as
// orgwizard-logs-210987654321-o-a1b2c3d4e5 (at most 62 characters: an
// organization id is o- and 10 to 32 characters). S3 bucket names are
// global; both ids are AWS's own, never reused and fixed for life, so the
// name is unique, stable across runs, and known once log-archive exists.
func LogBucketName(logArchiveID, organizationID string) string {
	return LogBucketPrefix + logArchiveID + "-" + organizationID
}

// LogBucketPlaceholder is how a plan names the log bucket before
// log-archive and the organization have ids.
var LogBucketPlaceholder = LogBucketName("<log-archive id>", "<organization id>")

// WithLogBucket puts the log bucket's real name, once known (an apply's
// events carry it), in place of the plan's placeholder in text.
func WithLogBucket(text, bucket string) string {
	if bucket == "" {
		return text
	}
	return strings.ReplaceAll(text, LogBucketPlaceholder, bucket)
}

// TrailARN is the ARN of the organization trail, which lives in the
// management account's home region.
func TrailARN(region, managementID string) string {
	return fmt.Sprintf(trailARNFormat, Partition(region), region, managementID, TrailName)
}

// BaselineTree is what the baseline and contacts blocks expand into: the
// concrete things orgwizard wants. Tree.Baseline is nil when the design has
// neither block.
type BaselineTree struct {
	// Settings is the design's baseline block (nil: none), so that the plan
	// can tell an item turned off from one never asked for.
	Settings *Baseline `json:"settings,omitempty"`
	// HomeRegion is the organization's: where the trail and its bucket live.
	HomeRegion string `json:"homeRegion"`
	// TrustedAccess are the service principals the baseline uses, sorted.
	TrustedAccess []string `json:"trustedAccess"`
	// DelegatedAdmins are the services run from an account other than the
	// management account. GuardDuty and Security Hub name theirs in every
	// region of Regions; Access Analyzer's is the organization's.
	DelegatedAdmins []DelegatedAdmin `json:"delegatedAdmins,omitempty"`
	// Regions are where GuardDuty, Security Hub and Access Analyzer run:
	// the home region and every residency's regions, sorted; each is a
	// region the guardrails let some member account use.
	Regions []string `json:"regions,omitempty"`
	// Trail is nil when organizationTrail is off.
	Trail *TrailSpec `json:"trail,omitempty"`
	// ThreatDetection and SecurityHub are per region (nil when off).
	ThreatDetection []RegionCoverage `json:"threatDetection,omitempty"`
	SecurityHub     []RegionCoverage `json:"securityHub,omitempty"`
	// Analyzers are the organization analyzers, one per region, in
	// security-tooling (nil when accessAnalyzer is off).
	Analyzers []AnalyzerSpec `json:"analyzers,omitempty"`
	// RootFeatures are the centralized root access features (IAM's
	// EnabledFeatures), empty when centralRootAccess is off.
	RootFeatures []string `json:"rootFeatures,omitempty"`
	// Contacts are the alternate contacts of every account of the design
	// and of the management account; empty without a contacts block.
	Contacts []AccountContacts `json:"contacts,omitempty"`
}

// DelegatedAdmin is a service and the account (by name) that administers
// it for the organization.
type DelegatedAdmin struct {
	Service string `json:"service"`
	Account string `json:"account"`
	// Regional is true for services whose delegated admin is set region by
	// region (GuardDuty and Security Hub's EnableOrganizationAdminAccount).
	Regional bool `json:"regional,omitempty"`
}

// TrailSpec is the organization trail: multi-region, global service events,
// log file validation, delivering to the log bucket in log-archive. It is
// created in the management account's home region.
type TrailSpec struct {
	Name       string        `json:"name"`
	HomeRegion string        `json:"homeRegion"`
	Bucket     LogBucketSpec `json:"bucket"`
}

// LogBucketSpec is the log bucket: in log-archive, in the home region,
// versioned, public access blocked, encrypted with S3 managed keys, and a
// lifecycle that expires log files (and their old versions) after
// RetentionDays. Its name is LogBucketName, known at apply time.
type LogBucketSpec struct {
	Account       string `json:"account"`
	Region        string `json:"region"`
	RetentionDays int    `json:"retentionDays"`
}

// RegionCoverage is a regional security service in one region: which
// member accounts (by name) it enrols, and how. AutoEnable is ALL when the
// guardrails let every member account use the region (new members are then
// enrolled by AWS too), else NONE with the members listed, so that no
// account is enrolled in a region its region lock denies. The management
// account, which no guardrail binds, is enrolled in every region as well;
// security-tooling, the administrator, is not its own member.
type RegionCoverage struct {
	Region     string   `json:"region"`
	AutoEnable string   `json:"autoEnable"`
	Members    []string `json:"members"`
}

// AnalyzerSpec is an IAM Access Analyzer analyzer.
type AnalyzerSpec struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Region  string `json:"region"`
	Account string `json:"account"`
}

// AccountContacts are the alternate contacts wanted on one account: by
// name, or the management account (which the design does not name).
type AccountContacts struct {
	Account    string             `json:"account,omitempty"`
	Management bool               `json:"management,omitempty"`
	Contacts   []AlternateContact `json:"contacts"`
}

// expandBaseline adds to t what the baseline and contacts blocks want; t's
// accounts and policies are already expanded.
func (d *Design) expandBaseline(t *Tree) {
	b, c := d.Baseline, d.Contacts
	if b == nil && c == nil {
		return
	}
	bt := &BaselineTree{Settings: b, HomeRegion: d.Organization.HomeRegion, TrustedAccess: []string{}}
	trusted := map[string]bool{}
	if b != nil {
		home := d.Organization.HomeRegion
		if b.OrganizationTrail {
			trusted[ServiceCloudTrail] = true
			bt.Trail = &TrailSpec{Name: TrailName, HomeRegion: home,
				Bucket: LogBucketSpec{Account: LogArchive, Region: home, RetentionDays: b.LogRetentionDays}}
		}
		if b.ThreatDetection || b.SecurityHub || b.AccessAnalyzer {
			bt.Regions = d.allRegions()
		}
		if b.ThreatDetection {
			trusted[ServiceGuardDuty] = true
			bt.DelegatedAdmins = append(bt.DelegatedAdmins, DelegatedAdmin{Service: ServiceGuardDuty, Account: SecurityTooling, Regional: true})
			bt.ThreatDetection = coverage(t, bt.Regions)
		}
		if b.SecurityHub {
			trusted[ServiceSecurityHub] = true
			bt.DelegatedAdmins = append(bt.DelegatedAdmins, DelegatedAdmin{Service: ServiceSecurityHub, Account: SecurityTooling, Regional: true})
			bt.SecurityHub = coverage(t, bt.Regions)
		}
		if b.AccessAnalyzer {
			trusted[ServiceAccessAnalyzer] = true
			bt.DelegatedAdmins = append(bt.DelegatedAdmins, DelegatedAdmin{Service: ServiceAccessAnalyzer, Account: SecurityTooling})
			for _, r := range bt.Regions {
				bt.Analyzers = append(bt.Analyzers, AnalyzerSpec{Name: AnalyzerName, Type: AnalyzerTypeOrg, Region: r, Account: SecurityTooling})
			}
		}
		if b.CentralRootAccess {
			trusted[ServiceIAM] = true
			bt.RootFeatures = []string{RootCredentials, RootSessions}
		}
	}
	if list := c.ByType(); len(list) > 0 {
		trusted[ServiceAccount] = true
		bt.Contacts = append(bt.Contacts, AccountContacts{Management: true, Contacts: list})
		for _, a := range t.Accounts {
			bt.Contacts = append(bt.Contacts, AccountContacts{Account: a.Name, Contacts: slices.Clone(list)})
		}
	}
	for s := range trusted {
		bt.TrustedAccess = append(bt.TrustedAccess, s)
	}
	slices.Sort(bt.TrustedAccess)
	t.Baseline = bt
}

// coverage is, for each region, the member accounts the guardrails let use
// it, and whether that is all of them.
func coverage(t *Tree, regions []string) []RegionCoverage {
	type lock struct {
		regions []string
		locked  bool
	}
	// Tree.AllowedRegions per account would look each account up and read
	// each lock again: quadratic in a design of thousands of accounts. The
	// same rule, with each lock read once.
	type regionLock struct {
		allowed []string
		targets []Target
	}
	var rls []regionLock
	for _, p := range t.Policies {
		if strings.HasPrefix(p.Name, policyRegionLockParts) {
			rls = append(rls, regionLock{lockedRegions(p.Content), p.Targets})
		}
	}
	locks := make([]lock, len(t.Accounts))
	for i, a := range t.Accounts {
		for _, rl := range rls {
			if !slices.ContainsFunc(rl.targets, func(tg Target) bool { return lockApplies(tg, a) }) {
				continue
			}
			if !locks[i].locked {
				locks[i] = lock{slices.Clone(rl.allowed), true}
				continue
			}
			locks[i].regions = slices.DeleteFunc(locks[i].regions, func(r string) bool { return !slices.Contains(rl.allowed, r) })
		}
	}
	var out []RegionCoverage
	for _, r := range regions {
		rc := RegionCoverage{Region: r, AutoEnable: AutoEnableAll, Members: []string{}}
		for i, a := range t.Accounts {
			if locks[i].locked && !slices.Contains(locks[i].regions, r) {
				rc.AutoEnable = AutoEnableNone
				continue
			}
			if a.Name == SecurityTooling {
				continue // the administrator, not a member of itself
			}
			rc.Members = append(rc.Members, a.Name)
		}
		out = append(out, rc)
	}
	return out
}

// lockApplies tells whether a policy attached to tg applies to account a.
func lockApplies(tg Target, a Account) bool {
	switch tg.Type {
	case TargetRoot:
		return true
	case TargetAccount:
		return tg.Name == a.Name
	case TargetOU:
		return a.OU == tg.Name || strings.HasPrefix(a.OU, tg.Name+"/")
	}
	return false
}

// LogBucketPolicy is the log bucket's policy, as AWS documents it for an
// organization trail ("Create or update an Amazon S3 bucket to use to store
// the log files for an organization trail", CloudTrail User Guide):
// CloudTrail may read the bucket's ACL and write under AWSLogs/<management
// account id>/ and AWSLogs/<organization id>/, each only for the trail
// whose ARN is trailARN (aws:SourceArn); and two statements of orgwizard's:
// no account but log-archive may delete a log, a version or the bucket, nor
// change the bucket's policy, lifecycle or versioning (the workload accounts
// included), and no request without TLS is served.
func LogBucketPolicy(bucket, organizationID, managementID, logArchiveID, trailARN, region string) string {
	arn := fmt.Sprintf(bucketARNPrefix, Partition(region)) + bucket
	write := func(sid, prefix string) bucketStatement {
		return bucketStatement{
			Sid: sid, Effect: "Allow", Principal: map[string]any{"Service": []string{ServiceCloudTrail}},
			Action: "s3:PutObject", Resource: arn + "/" + logPrefixAWSLogs + prefix + "/*",
			Condition: map[string]map[string]any{"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailARN}},
		}
	}
	doc := bucketPolicy{Version: "2012-10-17", Statement: []bucketStatement{
		{
			Sid: SidCloudTrailACLCheck, Effect: "Allow", Principal: map[string]any{"Service": []string{ServiceCloudTrail}},
			Action: "s3:GetBucketAcl", Resource: arn,
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceArn": trailARN}},
		},
		write(SidCloudTrailWrite, managementID),
		write(SidCloudTrailOrgWrite, organizationID),
		{
			Sid: SidDenyDeletion, Effect: "Deny", Principal: "*",
			Action:    LogBucketProtectedActions,
			Resource:  []string{arn, arn + "/*"},
			Condition: map[string]map[string]any{"StringNotEquals": {"aws:PrincipalAccount": logArchiveID}},
		},
		{
			Sid: SidDenyInsecureTransport, Effect: "Deny", Principal: "*",
			Action: "s3:*", Resource: []string{arn, arn + "/*"},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		},
	}}
	out, err := json.Marshal(doc)
	if err != nil {
		panic("orgmodel: the bucket policy does not marshal: " + err.Error()) // static types: cannot happen
	}
	return string(out)
}

// The Sids of orgwizard's statements in the log bucket's policy: its own,
// so that apply replaces these and keeps every other statement (one a user
// wrote from AWS's guide keeps AWS's Sid, and stays).
const (
	SidCloudTrailACLCheck    = "OrgwizardCloudTrailAclCheck"
	SidCloudTrailWrite       = "OrgwizardCloudTrailWrite"
	SidCloudTrailOrgWrite    = "OrgwizardCloudTrailOrganizationWrite"
	SidDenyDeletion          = "OrgwizardDenyDeletionOutsideLogArchive"
	SidDenyInsecureTransport = "OrgwizardDenyInsecureTransport"
)

// LogBucketProtectedActions are what the log bucket's policy denies to every
// account but log-archive: deleting logs, their versions or the bucket, and
// the changes that would let someone do so later.
var LogBucketProtectedActions = []string{
	"s3:DeleteBucket",
	"s3:DeleteBucketPolicy",
	"s3:DeleteObject",
	"s3:DeleteObjectVersion",
	"s3:PutBucketPolicy",
	"s3:PutBucketVersioning",
	"s3:PutLifecycleConfiguration",
}

// bucketPolicy is an S3 bucket policy; unlike an SCP it has principals.
type bucketPolicy struct {
	Version   string            `json:"Version"`
	Statement []bucketStatement `json:"Statement"`
}

type bucketStatement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal any                       `json:"Principal"`
	Action    any                       `json:"Action"`
	Resource  any                       `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}
