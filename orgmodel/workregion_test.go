package orgmodel

import "testing"

// TestWorkRegions: each account works in the first region its region lock
// allows, the home region where no lock applies, in both layouts, and an
// account placed by hand below a residency's OU inherits its lock.
func TestWorkRegions(t *testing.T) {
	acme := loadExample(t, "acme.yaml")
	byWorkload := loadExample(t, "acme.yaml")
	byWorkload.Layout = ByWorkload
	noLock := loadExample(t, "acme.yaml")
	noLock.Guardrails.RegionLock = false
	for _, tc := range []struct {
		design       *Design
		name, ou     string
		want, reason string
	}{
		{acme, "payments-prod-us", "Workloads/prod/us", "us-east-1", "the us residency's first region"},
		{acme, "payments-prod-eu", "Workloads/prod/eu", "eu-west-1", "the eu residency's first region"},
		{acme, "payments-dev", "Workloads/dev", "eu-west-1", "region-lock-all: the home region"},
		{acme, "log-archive", "Security", "eu-west-1", "no lock: the home region"},
		{acme, "legacy", "Workloads/prod/us/old", "us-east-1", "below a locked OU"},
		{acme, "stray", "", "eu-west-1", "in Root"},
		{byWorkload, "payments-prod-us", "Workloads/payments", "us-east-1", "by-workload locks the account itself"},
		{byWorkload, "website-staging", "Workloads/website", "eu-west-1", "by-workload region-lock-all"},
		{noLock, "payments-prod-us", "Workloads/prod/us", "eu-west-1", "regionLock off"},
	} {
		if got := tc.design.WorkRegions().Region(tc.name, tc.ou); got != tc.want {
			t.Errorf("%s in %q (%s): %s, want %s", tc.name, tc.ou, tc.reason, got, tc.want)
		}
	}
}
