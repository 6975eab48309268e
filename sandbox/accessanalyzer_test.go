package sandbox_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestAccessAnalyzer covers the analyzers' calls and the refusals of an
// organization analyzer made before trusted access, or from an account that
// may not make one.
func TestAccessAnalyzer(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, member := w.account("acme"), w.account("payments-dev")
	am, ap := w.analyzer(mgmt, "eu-west-1"), w.analyzer(member, "eu-west-1")

	// An account analyzer needs nothing of the organization; one per type and region.
	acct, err := ap.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("account"), Type: aatypes.TypeAccount})
	if err != nil || *acct.Arn != "arn:aws:access-analyzer:eu-west-1:"+member.ID+":analyzer/account" {
		t.Fatalf("CreateAnalyzer ACCOUNT: %v %+v", err, acct)
	}
	_, err = ap.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("account"), Type: aatypes.TypeAccount})
	wantAPIError(t, "CreateAnalyzer of a taken name", err, "ConflictException", "already exists")
	_, err = ap.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("second"), Type: aatypes.TypeAccount})
	wantAPIError(t, "a second ACCOUNT analyzer", err, "ServiceQuotaExceededException", "ACCOUNT")
	_, err = ap.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("9bad"), Type: aatypes.TypeAccount})
	wantAPIError(t, "CreateAnalyzer with a bad name", err, "ValidationException", "9bad")
	_, err = ap.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("x"), Type: "EVERYTHING"})
	wantAPIError(t, "CreateAnalyzer with a bad type", err, "ValidationException", "EVERYTHING")

	// An organization analyzer: trusted access first, from the management account (or the delegated administrator).
	_, err = am.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aatypes.TypeOrganization})
	wantAPIError(t, "CreateAnalyzer ORGANIZATION before trusted access", err, "ValidationException", "Trusted access", "access-analyzer.amazonaws.com")
	w.trust("access-analyzer.amazonaws.com")
	_, err = ap.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aatypes.TypeOrganization})
	wantAPIError(t, "CreateAnalyzer ORGANIZATION from a member", err, "AccessDeniedException", "delegated administrator", "register-delegated-administrator")
	_, err = w.analyzer(w.account("acme-partner"), "eu-west-1").CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aatypes.TypeOrganization})
	wantAPIError(t, "CreateAnalyzer ORGANIZATION outside an organization", err, "AccessDeniedException", "not a member of an organization")
	org, err := am.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aatypes.TypeOrganization,
		Tags: map[string]string{"managed-by": "orgwizard"}})
	if err != nil {
		t.Fatalf("CreateAnalyzer ORGANIZATION from the management account: %v", err)
	}

	// The delegated administrator, once Organizations registers it, makes one too.
	if _, err := w.org(mgmt).RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: &member.ID, ServicePrincipal: aws.String("access-analyzer.amazonaws.com")}); err != nil {
		t.Fatalf("RegisterDelegatedAdministrator: %v", err)
	}
	if _, err := ap.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org"), Type: aatypes.TypeOrganization}); err != nil {
		t.Fatalf("CreateAnalyzer ORGANIZATION from the delegated administrator: %v", err)
	}

	got, err := am.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("org")})
	if err != nil || *got.Analyzer.Arn != *org.Arn || got.Analyzer.Type != aatypes.TypeOrganization || got.Analyzer.Status != aatypes.AnalyzerStatusActive ||
		got.Analyzer.CreatedAt == nil || got.Analyzer.Tags["managed-by"] != "orgwizard" {
		t.Fatalf("GetAnalyzer: %v %+v", err, got)
	}
	_, err = w.analyzer(w.account("log-archive"), "eu-west-1").GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("org")})
	wantAPIError(t, "GetAnalyzer of another account's analyzer", err, "ResourceNotFoundException", "org")
	_, err = w.analyzer(mgmt, "us-east-1").GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("org")})
	wantAPIError(t, "GetAnalyzer in another region", err, "ResourceNotFoundException", "us-east-1")

	if _, err := am.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("mine"), Type: aatypes.TypeAccount}); err != nil {
		t.Fatal(err)
	}
	list, err := am.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	if err != nil || len(list.Analyzers) != 2 {
		t.Fatalf("ListAnalyzers: %v %+v", err, list)
	}
	list, err = am.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{Type: aatypes.TypeOrganization})
	if err != nil || len(list.Analyzers) != 1 || *list.Analyzers[0].Name != "org" {
		t.Fatalf("ListAnalyzers ORGANIZATION: %v %+v", err, list)
	}
	page, err := am.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{MaxResults: aws.Int32(1)})
	if err != nil || len(page.Analyzers) != 1 || page.NextToken == nil {
		t.Fatalf("ListAnalyzers page 1: %v %+v", err, page)
	}
	page, err = am.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{MaxResults: aws.Int32(1), NextToken: page.NextToken})
	if err != nil || len(page.Analyzers) != 1 || page.NextToken != nil {
		t.Fatalf("ListAnalyzers page 2: %v %+v", err, page)
	}
	for _, op := range []string{"CreateAnalyzer", "GetAnalyzer", "ListAnalyzers"} {
		if !w.recorded("access-analyzer", op, "ok") {
			t.Errorf("the call record has no successful access-analyzer %s", op)
		}
	}
	if !w.recorded("access-analyzer", "CreateAnalyzer", "AccessDeniedException") {
		t.Error("the call record has no refused CreateAnalyzer")
	}
}

// Access Analyzer's delegated administrator is the organization's, not a
// region's: Organizations registers it once (RegisterDelegatedAdministrator
// has no region), and it may then make an organization analyzer in every
// region; deregistered, in none. AWS's "Settings for IAM Access Analyzer"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-settings.html).
func TestAccessAnalyzerDelegatedAdministratorInAllRegions(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, admin := w.account("acme"), w.account("log-archive")
	w.trust("access-analyzer.amazonaws.com")
	create := func(region string) error {
		_, err := w.analyzer(admin, region).CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("org-" + region), Type: aatypes.TypeOrganization})
		return err
	}
	regions := []string{"eu-west-1", "us-west-2", "ap-southeast-2"}
	for _, r := range regions {
		wantAPIError(t, "an organization analyzer before the registration in "+r, create(r), "AccessDeniedException", "delegated administrator")
	}
	reg := &organizations.RegisterDelegatedAdministratorInput{AccountId: &admin.ID, ServicePrincipal: aws.String("access-analyzer.amazonaws.com")}
	if _, err := w.org(mgmt).RegisterDelegatedAdministrator(ctx, reg); err != nil {
		t.Fatal(err)
	}
	for _, r := range regions[:2] {
		if err := create(r); err != nil {
			t.Fatalf("an organization analyzer from the delegated administrator in %s: %v", r, err)
		}
	}
	if _, err := w.org(mgmt).DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{AccountId: reg.AccountId, ServicePrincipal: reg.ServicePrincipal}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "an organization analyzer once deregistered", create(regions[2]), "AccessDeniedException", "delegated administrator")
}
