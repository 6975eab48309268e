package wizard

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// secureConverged is examples/acme-secure.yaml with Security Hub on,
// expanded, and an organization where all of it is in place, as apply
// leaves it.
func secureConverged(t *testing.T) (*orgmodel.Tree, *orgmodel.Actual) {
	t.Helper()
	data, err := os.ReadFile("../examples/acme-secure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse([]byte(strings.Replace(string(data), "securityHub: false", "securityHub: true", 1)))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	a := converged(tree)
	mgmt := a.Organization.ManagementAccountID
	ids := map[string]string{}
	for i := range a.Accounts[1:] {
		acc := &a.Accounts[i+1]
		acc.ID = fmt.Sprintf("2000000000%02d", i+1)
		ids[acc.Name] = acc.ID
	}
	bt := tree.Baseline
	logID, toolID := ids[orgmodel.LogArchive], ids[orgmodel.SecurityTooling]
	bucket := orgmodel.LogBucketName(logID, a.Organization.ID)
	ab := &orgmodel.ActualBaseline{
		TrustedAccess:   slices.Clone(bt.TrustedAccess),
		DelegatedAdmins: []orgmodel.ActualDelegatedAdmin{{Service: orgmodel.ServiceAccessAnalyzer, AccountID: toolID}},
		Bucket: &orgmodel.ActualBucket{Name: bucket, Region: bt.HomeRegion, Versioning: orgmodel.VersioningOn, PublicAccessBlocked: true,
			Encryption: orgmodel.EncryptionSSES3, ExpirationDays: 365, NoncurrentExpirationDays: 365,
			Policy: orgmodel.LogBucketPolicy(bucket, a.Organization.ID, mgmt, logID, orgmodel.TrailARN(bt.HomeRegion, mgmt), bt.HomeRegion)},
		Trail: &orgmodel.ActualTrail{Name: orgmodel.TrailName, ARN: orgmodel.TrailARN(bt.HomeRegion, mgmt), HomeRegion: bt.HomeRegion, S3BucketName: bucket,
			IsOrganizationTrail: true, IsMultiRegionTrail: true, LogFileValidationEnabled: true, IncludeGlobalServiceEvents: true, IsLogging: true},
		RootFeatures: []string{orgmodel.RootCredentials, orgmodel.RootSessions},
	}
	regional := func(cov []orgmodel.RegionCoverage) []orgmodel.ActualRegionalService {
		var out []orgmodel.ActualRegionalService
		for _, rc := range cov {
			r := orgmodel.ActualRegionalService{Region: rc.Region, AdminAccountID: toolID, Enabled: true, AutoEnable: rc.AutoEnable, MemberIDs: []string{mgmt}}
			for _, m := range rc.Members {
				r.MemberIDs = append(r.MemberIDs, ids[m])
			}
			out = append(out, r)
		}
		return out
	}
	ab.GuardDuty, ab.SecurityHub = regional(bt.ThreatDetection), regional(bt.SecurityHub)
	for _, an := range bt.Analyzers {
		ab.Analyzers = append(ab.Analyzers, orgmodel.ActualAnalyzer{Name: an.Name, Type: an.Type, Region: an.Region, AccountID: toolID})
	}
	for _, ac := range bt.Contacts {
		id := mgmt
		if !ac.Management {
			id = ids[ac.Account]
		}
		ab.Contacts = append(ab.Contacts, orgmodel.ActualAccountContacts{AccountID: id, Contacts: slices.Clone(ac.Contacts)})
	}
	a.Baseline = ab
	return tree, a
}

// The Done screen's checklist ticks each part of the baseline the design
// turns on from what was read back: in place when planning against it
// leaves none of its steps, failing with what is left, unknown when the
// baseline was not read.
func TestChecklistTicksTheBaseline(t *testing.T) {
	tree, a := secureConverged(t)
	titles := []string{"Organization trail", "Threat detection (GuardDuty)", "Security Hub", "Access Analyzer", "Centralized root access", "Alternate contacts"}
	baselineOf := func(items []CheckItem) []CheckItem {
		var out []CheckItem
		for _, c := range items {
			if slices.Contains(titles, c.Title) {
				out = append(out, c)
			}
		}
		return out
	}
	v := Verified{Caller: a.Organization.ManagementAccountID, Actual: a, Inventory: Inventory{Taken: true, Regions: 17}}
	items := Checklist(tree, v)
	got := baselineOf(items)
	if len(got) != len(titles) {
		t.Fatalf("%d baseline checks, want %d: %+v", len(got), len(titles), items)
	}
	for i, c := range got {
		if c.Title != titles[i] || c.Status != Pass {
			t.Errorf("check %d: %+v, want %s passing", i, c, titles[i])
		}
	}
	for _, want := range []string{
		"orgwizard-organization-trail logging every account into the bucket in log-archive (eu-west-1), kept at least 365 days",
		"run from security-tooling for each member where its region lock allows, in eu-central-1, eu-west-1, us-east-1, us-west-2",
		"member accounts the organization creates have no root password",
		"security, billing, operations set on 10 accounts, the management account included",
	} {
		if !slices.ContainsFunc(got, func(c CheckItem) bool { return c.Detail == want }) {
			t.Errorf("no check says %q: %+v", want, got)
		}
	}
	if Passed(items) != len(items) {
		t.Errorf("converged, yet not every check passes: %+v", items)
	}

	// The trail stopped logging, GuardDuty gone from one region: those two
	// fail with what is left; the rest still pass.
	a.Baseline.Trail.IsLogging = false
	a.Baseline.GuardDuty = a.Baseline.GuardDuty[1:]
	got = baselineOf(Checklist(tree, v))
	if c := got[0]; c.Status != Fail || !strings.Contains(c.Detail, "still to do: start logging on trail orgwizard-organization-trail") {
		t.Errorf("the trail not logging: %+v", c)
	}
	if c := got[1]; c.Status != Fail || !strings.Contains(c.Detail, "still to do:") || !strings.Contains(c.Detail, "eu-central-1") {
		t.Errorf("GuardDuty missing in eu-central-1: %+v", c)
	}
	for _, c := range got[2:] {
		if c.Status != Pass {
			t.Errorf("%s fails with the trail and GuardDuty: %+v", c.Title, c)
		}
	}

	// Not read back: unknown, never ticked.
	a.Baseline = nil
	for _, c := range baselineOf(Checklist(tree, v)) {
		if c.Status != Unknown {
			t.Errorf("%s without a read: %+v", c.Title, c)
		}
	}

	// A design without a baseline has no such check.
	plain, err := acme(t).Expand()
	if err != nil {
		t.Fatal(err)
	}
	if got := baselineOf(Checklist(plain, Verified{Actual: converged(plain)})); len(got) != 0 {
		t.Errorf("a design without a baseline gets %+v", got)
	}
}
