package sandbox_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// TestBaselineAdapterSteps runs the steps apply takes (package aws/baseline,
// through OrganizationAccountAccessRole into the members) against the
// sandbox, each twice: the second run must change nothing and fail nowhere,
// and what they set up reads back through the services' own calls.
func TestBaselineAdapterSteps(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, logs, tooling, legacy := w.account("acme"), w.account("log-archive"), w.account("payments-dev"), w.account("legacy-app")
	const region = "eu-west-1"
	cfg := w.regionCfg(mgmt, region)
	cfg.BaseEndpoint = aws.String(w.url)
	m := baseline.NewManagement(cfg)
	c := baseline.New(m, baseline.AssumeInto(cfg, m.STS), mgmt.ID)
	twice := func(what string, fn func() error) {
		t.Helper()
		for i := range 2 {
			if err := fn(); err != nil {
				t.Fatalf("%s (run %d): %v", what, i+1, err)
			}
		}
	}
	for _, s := range []string{orgmodel.ServiceCloudTrail, orgmodel.ServiceAccessAnalyzer, orgmodel.ServiceGuardDuty, orgmodel.ServiceSecurityHub} {
		twice("trusted access "+s, func() error { return c.EnableTrustedAccess(ctx, s) })
	}
	twice("Access Analyzer's administrator", func() error {
		return c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceAccessAnalyzer, "", tooling.ID)
	})
	// existing-org's legacy-app administers GuardDuty in us-west-2, and AWS
	// gives an organization one administrator in all regions: hand it over
	// first, as plan's warning says.
	if _, err := w.guardduty(mgmt, "us-west-2").DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: &legacy.ID}); err != nil {
		t.Fatal(err)
	}
	twice("GuardDuty's administrator", func() error { return c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceGuardDuty, region, tooling.ID) })
	twice("Security Hub's administrator", func() error {
		return c.RegisterDelegatedAdmin(ctx, orgmodel.ServiceSecurityHub, region, tooling.ID)
	})

	bucket := orgmodel.LogBucketName(logs.ID, mgmt.OrganizationID)
	twice("the log bucket", func() error { return c.CreateLogBucket(ctx, logs.ID, bucket, region) })
	twice("the log bucket's settings", func() error { return c.ConfigureLogBucket(ctx, logs.ID, bucket, region, 365) })
	trailARN := orgmodel.TrailARN(region, mgmt.ID)
	policy := orgmodel.LogBucketPolicy(bucket, mgmt.OrganizationID, mgmt.ID, logs.ID, trailARN, region)
	twice("the bucket policy", func() error { return c.PutLogBucketPolicy(ctx, logs.ID, bucket, region, policy) })
	twice("the trail", func() error { return c.CreateTrail(ctx, orgmodel.TrailName, region, bucket) })
	twice("logging", func() error { return c.StartLogging(ctx, orgmodel.TrailName, region) })

	members := []baseline.Account{{ID: mgmt.ID, Email: mgmt.Email}, {ID: logs.ID, Email: logs.Email}, {ID: legacy.ID, Email: legacy.Email}}
	twice("GuardDuty", func() error { return c.ConfigureGuardDuty(ctx, tooling.ID, region, "ALL", members) })
	twice("Security Hub", func() error { return c.ConfigureSecurityHub(ctx, tooling.ID, region, "ALL", members) })
	twice("the organization analyzer", func() error { return c.CreateAnalyzer(ctx, tooling.ID, region, "orgwizard-organization") })

	st, err := w.cloudtrail(mgmt, region).GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailARN)})
	if err != nil || !*st.IsLogging || st.LatestDeliveryTime == nil {
		t.Errorf("the trail's status: %v %+v", err, st)
	}
	gd := w.guardduty(tooling, region)
	dets, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(dets.DetectorIds) != 1 {
		t.Fatalf("security-tooling's detectors: %v %+v", err, dets)
	}
	gm, err := gd.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: &dets.DetectorIds[0]})
	if err != nil || len(gm.Members) != 3 {
		t.Errorf("GuardDuty's members: %v %+v", err, gm)
	}
	hm, err := w.securityhub(tooling, region).ListMembers(ctx, &securityhub.ListMembersInput{})
	if err != nil || len(hm.Members) != 3 {
		t.Errorf("Security Hub's members: %v %+v", err, hm)
	}
	an, err := w.analyzer(tooling, region).ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	if err != nil || len(an.Analyzers) != 1 || an.Analyzers[0].Type != "ORGANIZATION" {
		t.Errorf("security-tooling's analyzers: %v %+v", err, an)
	}
}
