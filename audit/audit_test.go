package audit

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/orgmodel"
)

func byID(checks []Check) map[string]Check {
	m := map[string]Check{}
	for _, c := range checks {
		m[c.ID] = c
	}
	return m
}

func TestNoOrganizationNoDesignDirty(t *testing.T) {
	inv := &inventory.Result{Regions: []string{"eu-west-1"}, Items: []inventory.Item{
		{Region: "eu-west-1", Service: "ec2", Type: "instance", ID: "i-1"},
		{Region: "eu-west-1", Service: "ec2", Type: "instance", ID: "i-2"},
		{Region: "global", Service: "iam", Type: "user", ID: "AIDA1"},
	}, Discovery: map[string]string{"eu-west-1": inventory.DiscoveryTaggedOnly}}
	checks := Run(Input{Account: "111111111111", Actual: &orgmodel.Actual{}, Inventory: inv})
	c := byID(checks)
	if len(checks) != 6 || !Failed(checks) || !Dirty(inv) {
		t.Fatalf("checks: %+v", checks)
	}
	if c[CheckManagement].Status != Fail || c[CheckAllFeatures].Status != Fail {
		t.Errorf("no organization must fail: %+v", checks)
	}
	for _, id := range []string{CheckAccounts, CheckPlacement, CheckGuardrails} {
		if c[id].Status != Warn {
			t.Errorf("%s without a design: %s", id, c[id].Status)
		}
	}
	clean := c[CheckManagementClean]
	if clean.Status != Fail || !strings.Contains(clean.Why, "3 resources: 2 ec2 instances, 1 iam user") ||
		!strings.Contains(clean.Fix, "migrate new-management") || !strings.Contains(clean.Fix, "migrate runbook") ||
		!strings.Contains(clean.Why, "only tagged resources") {
		t.Errorf("clean: %+v", clean)
	}
	for _, ch := range checks {
		if ch.Status != Pass && ch.Fix == "" {
			t.Errorf("%s fails without a fix", ch.ID)
		}
	}
}

func TestIncompleteInventoryWarnsAndNeverPasses(t *testing.T) {
	inv := &inventory.Result{Regions: []string{"eu-west-1", "us-east-1"}, Problems: []inventory.Problem{
		{Region: "eu-west-1", Service: "ec2", Kind: inventory.KindAccessDenied, Err: errors.New("denied")}}}
	c := byID(Run(Input{Account: "1", Inventory: inv}))[CheckManagementClean]
	if c.Status != Warn || !strings.Contains(c.Why, "ec2 in eu-west-1 (access-denied)") {
		t.Errorf("%+v", c)
	}
	if Dirty(inv) {
		t.Error("nothing found is not dirty")
	}
}

func TestDesignChecksAgainstAnEmptyOrganization(t *testing.T) {
	d, err := orgmodel.Parse([]byte(`version: 1
organization: {name: acme, email: aws@acme.example, homeRegion: eu-west-1}
environments: [{name: dev}, {name: prod}]
workloads: [{name: shop}]
`))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	actual := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-1", ManagementAccountID: "1", FeatureSet: "CONSOLIDATED_BILLING"}, RootID: "r-1"}
	c := byID(Run(Input{Account: "1", Actual: actual, Design: tree, DesignFile: "acme.yaml", Inventory: &inventory.Result{Regions: []string{"eu-west-1"}}}))
	if c[CheckManagement].Status != Pass || c[CheckAllFeatures].Status != Fail {
		t.Errorf("management %s, features %s", c[CheckManagement].Status, c[CheckAllFeatures].Status)
	}
	if c[CheckAccounts].Status != Fail || !strings.Contains(c[CheckAccounts].Why, "4 of the 4 designed accounts") {
		t.Errorf("accounts: %+v", c[CheckAccounts])
	}
	if c[CheckPlacement].Status != Fail || strings.Contains(c[CheckPlacement].Why, "outside their OU") {
		t.Errorf("placement must name the missing OUs, not accounts still to create: %+v", c[CheckPlacement])
	}
	if g := c[CheckGuardrails]; g.Status != Fail || strings.Contains(g.Why, "not attached") || !strings.Contains(g.Fix, "apply --design acme.yaml") {
		t.Errorf("guardrails: %+v", g)
	}
	if c[CheckManagementClean].Status != Pass {
		t.Errorf("clean: %+v", c[CheckManagementClean])
	}
}

func TestRunbookProgress(t *testing.T) {
	a := inventory.Item{ARN: "arn:aws:s3:::a"}
	inv := &inventory.Result{Items: []inventory.Item{a}}
	moved, remaining := RunbookProgress([]string{"arn:aws:s3:::a", "arn:aws:s3:::b"}, inv)
	if len(moved) != 1 || moved[0] != "arn:aws:s3:::b" || len(remaining) != 1 {
		t.Errorf("moved %v remaining %v", moved, remaining)
	}
	c := byID(Run(Input{Inventory: inv, Runbook: []string{"arn:aws:s3:::a", "arn:aws:s3:::b"}}))[CheckManagementClean]
	if !strings.Contains(c.Why, "Runbook: 1 of 2 resources moved out, 1 to go") {
		t.Errorf("%+v", c)
	}
}

// A count above one takes the plural: "4 ec2 instance" read as a typo.
func TestSummaryPluralKinds(t *testing.T) {
	for kind, want := range map[string]string{"ec2 instance": "ec2 instances", "ecr repository": "ecr repositories", "sqs queue": "sqs queues",
		"route53 hostedzone": "route53 hostedzones", "rds db-instance": "rds db-instances", "x gateway": "x gateways", "y address": "y addresses"} {
		if got := pluralKind(kind); got != want {
			t.Errorf("pluralKind(%q) = %q, want %q", kind, got, want)
		}
	}
}
