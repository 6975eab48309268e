package sandbox_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestGuardDutyOrganization walks GuardDuty's organization set-up in the
// order apply takes, with AWS's refusals for each step taken too early.
// Naming the administrator needs no trusted access first: as AWS's guide
// says, it enables GuardDuty as a trusted service in Organizations and turns
// GuardDuty on in the administrator.
func TestGuardDutyOrganization(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, admin, member := w.account("acme"), w.account("legacy-app"), w.account("payments-dev")
	gm, ga, gp := w.guardduty(mgmt, "eu-west-1"), w.guardduty(admin, "eu-west-1"), w.guardduty(member, "eu-west-1")

	// existing-org trusts GuardDuty already (legacy-app administers it in
	// us-west-2, its partial baseline): withdraw that to see the refusal.
	if _, err := w.org(mgmt).DisableAWSServiceAccess(ctx, &organizations.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	_, err := gp.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &admin.ID})
	wantAPIError(t, "EnableOrganizationAdminAccount from a member", err, "BadRequestException", "management account")
	_, err = gm.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String("12345")})
	wantAPIError(t, "EnableOrganizationAdminAccount with a bad id", err, "BadRequestException", "12345")
	_, err = gm.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(w.account("acme-partner").ID)})
	wantAPIError(t, "EnableOrganizationAdminAccount of an account outside", err, "BadRequestException", "not a member")
	trusted := func() bool {
		out, err := w.org(mgmt).ListAWSServiceAccessForOrganization(ctx, &organizations.ListAWSServiceAccessForOrganizationInput{})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(out.EnabledServicePrincipals, func(p orgtypes.EnabledServicePrincipal) bool { return *p.ServicePrincipal == "guardduty.amazonaws.com" })
	}
	if trusted() {
		t.Fatal("guardduty.amazonaws.com is trusted before anything named an administrator (or a refused call turned it on)")
	}
	if _, err := gm.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &admin.ID}); err != nil {
		t.Fatalf("EnableOrganizationAdminAccount before trusted access: %v (AWS turns trusted access on itself)", err)
	}
	if !trusted() {
		t.Fatal("naming GuardDuty's administrator did not make Organizations trust guardduty.amazonaws.com")
	}
	if _, err := gm.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &admin.ID}); err != nil {
		t.Fatalf("EnableOrganizationAdminAccount again: %v (AWS accepts the same administrator again)", err)
	}
	_, err = gm.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &member.ID})
	wantAPIError(t, "a second administrator", err, "BadRequestException", admin.ID)
	admins, err := gm.ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
	if err != nil || len(admins.AdminAccounts) != 1 || *admins.AdminAccounts[0].AdminAccountId != admin.ID || admins.AdminAccounts[0].AdminStatus != gdtypes.AdminStatusEnabled {
		t.Fatalf("ListOrganizationAdminAccounts: %v %+v", err, admins)
	}
	// The administrator is per region: us-east-1 has none yet.
	if out, err := w.guardduty(mgmt, "us-east-1").ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{}); err != nil || len(out.AdminAccounts) != 0 {
		t.Fatalf("ListOrganizationAdminAccounts in us-east-1: %v %+v", err, out)
	}
	// GuardDuty registers its administrator in Organizations, as at AWS.
	reg, err := w.org(mgmt).ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")})
	if err != nil || len(reg.DelegatedAdministrators) != 1 || *reg.DelegatedAdministrators[0].Id != admin.ID {
		t.Fatalf("ListDelegatedAdministrators guardduty: %v %+v", err, reg)
	}
	_, err = gp.ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
	wantAPIError(t, "ListOrganizationAdminAccounts from a member", err, "BadRequestException", "management account")

	// Naming the administrator turned GuardDuty on in it, in that region only.
	list, err := ga.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(list.DetectorIds) != 1 || len(list.DetectorIds[0]) != 32 {
		t.Fatalf("ListDetectors of the administrator after naming it: %v %+v", err, list)
	}
	created := &guardduty.CreateDetectorOutput{DetectorId: &list.DetectorIds[0]}
	_, err = ga.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: aws.String("0123456789abcdef0123456789abcdef"),
		AutoEnableOrganizationMembers: gdtypes.AutoEnableMembersAll})
	wantAPIError(t, "UpdateOrganizationConfiguration with a detector not its own", err, "BadRequestException", "detectorId is not owned")
	_, err = ga.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	wantAPIError(t, "a second detector", err, "BadRequestException", "already exists")
	if out, err := w.guardduty(admin, "us-east-1").ListDetectors(ctx, &guardduty.ListDetectorsInput{}); err != nil || len(out.DetectorIds) != 0 {
		t.Fatalf("ListDetectors of the administrator in us-east-1: %v %+v", err, out)
	}
	_, err = w.guardduty(admin, "us-east-1").CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true), FindingPublishingFrequency: "WEEKLY"})
	wantAPIError(t, "CreateDetector with a bad frequency", err, "BadRequestException", "WEEKLY")
	if _, err := w.guardduty(admin, "us-east-1").CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); err != nil {
		t.Fatalf("CreateDetector: %v", err)
	}
	det, err := ga.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: created.DetectorId})
	if err != nil || det.Status != gdtypes.DetectorStatusEnabled || det.FindingPublishingFrequency != gdtypes.FindingPublishingFrequencySixHours || det.CreatedAt == nil {
		t.Fatalf("GetDetector: %v %+v", err, det)
	}
	_, err = gp.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: created.DetectorId})
	wantAPIError(t, "GetDetector of another account's detector", err, "BadRequestException", "not owned")

	// A member with a detector is still not the administrator.
	pd, err := gp.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = gp.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: pd.DetectorId, AutoEnableOrganizationMembers: gdtypes.AutoEnableMembersAll})
	wantAPIError(t, "UpdateOrganizationConfiguration from a member", err, "BadRequestException", "delegated administrator")
	_, err = ga.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: created.DetectorId, AutoEnableOrganizationMembers: "SOME"})
	wantAPIError(t, "UpdateOrganizationConfiguration SOME", err, "BadRequestException", "ALL, NEW, NONE")
	_, err = ga.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: created.DetectorId, AutoEnableOrganizationMembers: gdtypes.AutoEnableMembersAll, AutoEnable: aws.Bool(true)})
	wantAPIError(t, "UpdateOrganizationConfiguration with both", err, "BadRequestException", "both")

	cfg, err := ga.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: created.DetectorId})
	if err != nil || cfg.AutoEnableOrganizationMembers != gdtypes.AutoEnableMembersNone {
		t.Fatalf("DescribeOrganizationConfiguration before: %v %+v", err, cfg)
	}
	if out, err := ga.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: created.DetectorId}); err != nil || len(out.Members) != 0 {
		t.Fatalf("ListMembers before auto-enable: %v %+v", err, out)
	}
	if _, err := ga.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: created.DetectorId, AutoEnableOrganizationMembers: gdtypes.AutoEnableMembersAll}); err != nil {
		t.Fatalf("UpdateOrganizationConfiguration ALL: %v", err)
	}
	cfg, err = ga.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: created.DetectorId})
	if err != nil || cfg.AutoEnableOrganizationMembers != gdtypes.AutoEnableMembersAll || !*cfg.AutoEnable {
		t.Fatalf("DescribeOrganizationConfiguration: %v %+v", err, cfg)
	}
	_, err = gp.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: pd.DetectorId})
	wantAPIError(t, "DescribeOrganizationConfiguration from a member", err, "BadRequestException", "delegated administrator")

	// ALL enrolls every other account of the organization, and turns GuardDuty
	// on in each, but the management account: AWS enrols it only once it has a
	// detector of its own, and refuses CreateMembers for it until then.
	if out, err := gm.ListDetectors(ctx, &guardduty.ListDetectorsInput{}); err != nil || len(out.DetectorIds) != 0 {
		t.Fatalf("the management account's detectors after ALL: %v %+v (ALL does not turn GuardDuty on in it)", err, out)
	}
	if out, err := ga.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: created.DetectorId}); err != nil ||
		slices.ContainsFunc(out.Members, func(m gdtypes.Member) bool { return *m.AccountId == mgmt.ID }) {
		t.Fatalf("ListMembers lists the management account without a detector: %v %+v", err, out)
	}
	cm, err := ga.CreateMembers(ctx, &guardduty.CreateMembersInput{DetectorId: created.DetectorId, AccountDetails: []gdtypes.AccountDetail{
		{AccountId: &mgmt.ID, Email: aws.String(mgmt.Email)}}})
	if err != nil || len(cm.UnprocessedAccounts) != 1 || !strings.Contains(*cm.UnprocessedAccounts[0].Result, "must first enable GuardDuty") {
		t.Fatalf("CreateMembers of the management account without a detector: %v %+v", err, cm)
	}
	if _, err := gm.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	members, err := ga.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: created.DetectorId})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range members.Members {
		got = append(got, *m.AccountId)
		if *m.RelationshipStatus != "Enabled" || *m.AdministratorId != admin.ID || m.DetectorId == nil {
			t.Errorf("member %+v: want Enabled, administered by %s, with a detector", m, admin.ID)
		}
	}
	want := []string{mgmt.ID, member.ID, w.account("log-archive").ID}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("ListMembers: %v, want %v", got, want)
	}
	if out, err := w.guardduty(w.account("log-archive"), "eu-west-1").ListDetectors(ctx, &guardduty.ListDetectorsInput{}); err != nil || len(out.DetectorIds) != 1 {
		t.Fatalf("log-archive's detectors after ALL: %v %+v", err, out)
	}
	// A page of one, then the rest.
	first, err := ga.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: created.DetectorId, MaxResults: aws.Int32(1)})
	if err != nil || len(first.Members) != 1 || first.NextToken == nil {
		t.Fatalf("ListMembers page 1: %v %+v", err, first)
	}
	rest, err := ga.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: created.DetectorId, NextToken: first.NextToken})
	if err != nil || len(rest.Members) != 2 || rest.NextToken != nil {
		t.Fatalf("ListMembers page 2: %v %+v", err, rest)
	}

	// CreateMembers and GetMembers for organization accounts.
	cm, err = ga.CreateMembers(ctx, &guardduty.CreateMembersInput{DetectorId: created.DetectorId, AccountDetails: []gdtypes.AccountDetail{
		{AccountId: &mgmt.ID, Email: aws.String(mgmt.Email)},
		{AccountId: &member.ID, Email: aws.String(member.Email)},
		{AccountId: aws.String(w.account("acme-partner").ID), Email: aws.String("partner@acme.example")},
		{AccountId: &admin.ID, Email: aws.String(admin.Email)}}})
	if err != nil || len(cm.UnprocessedAccounts) != 2 {
		t.Fatalf("CreateMembers: %v %+v", err, cm)
	}
	gm2, err := ga.GetMembers(ctx, &guardduty.GetMembersInput{DetectorId: created.DetectorId, AccountIds: []string{member.ID, w.account("acme-partner").ID}})
	if err != nil || len(gm2.Members) != 1 || *gm2.Members[0].AccountId != member.ID || len(gm2.UnprocessedAccounts) != 1 {
		t.Fatalf("GetMembers: %v %+v", err, gm2)
	}
	_, err = ga.GetMembers(ctx, &guardduty.GetMembersInput{DetectorId: created.DetectorId, AccountIds: []string{}})
	wantAPIError(t, "GetMembers of none", err, "BadRequestException", "1 to 50")

	for _, op := range []string{"EnableOrganizationAdminAccount", "ListOrganizationAdminAccounts", "CreateDetector", "ListDetectors", "GetDetector",
		"UpdateOrganizationConfiguration", "DescribeOrganizationConfiguration", "ListMembers", "CreateMembers", "GetMembers"} {
		if !w.recorded("guardduty", op, "ok") {
			t.Errorf("the call record has no successful guardduty %s", op)
		}
	}
	if !w.recorded("guardduty", "EnableOrganizationAdminAccount", "BadRequestException") {
		t.Error("the call record has no refused EnableOrganizationAdminAccount")
	}
}

// TestGuardDutyAutoEnableNew: NEW enrolls the accounts that join after it is set, not those already there.
func TestGuardDutyAutoEnableNew(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	// legacy-app: existing-org's GuardDuty administrator (in us-west-2), the
	// one account AWS lets administer it in us-east-1 too.
	mgmt, admin := w.account("acme"), w.account("legacy-app")
	if _, err := w.guardduty(mgmt, "us-east-1").EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &admin.ID}); err != nil {
		t.Fatal(err)
	}
	ga := w.guardduty(admin, "us-east-1")
	list, err := ga.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(list.DetectorIds) != 1 {
		t.Fatalf("the administrator's detector: %v %+v", err, list)
	}
	d := &guardduty.CreateDetectorOutput{DetectorId: &list.DetectorIds[0]}
	if _, err := ga.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{DetectorId: d.DetectorId, AutoEnable: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	cfg, err := ga.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: d.DetectorId})
	if err != nil || cfg.AutoEnableOrganizationMembers != gdtypes.AutoEnableMembersNew {
		t.Fatalf("autoEnable true is NEW: %v %+v", err, cfg)
	}
	if out, err := ga.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: d.DetectorId}); err != nil || len(out.Members) != 0 {
		t.Fatalf("ListMembers with NEW and no new account: %v %+v", err, out)
	}
	partner := w.account("acme-partner")
	joinByInvitation(t, w, mgmt, partner)
	out, err := ga.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: d.DetectorId})
	if err != nil || len(out.Members) != 1 || *out.Members[0].AccountId != partner.ID {
		t.Fatalf("ListMembers after a new account joined: %v %+v", err, out)
	}
}

// TestGuardDutySuspendAndHandOver: existing-org's partial baseline has the
// management account's detector suspended in us-east-1 and legacy-app as
// GuardDuty's administrator in us-west-2. UpdateDetector resumes a
// detector; DisableOrganizationAdminAccount, from the management account
// only and for the administrator it names, frees the region for another
// administrator, and Organizations drops legacy-app with its last region.
func TestGuardDutySuspendAndHandOver(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, legacy, logs := w.account("acme"), w.account("legacy-app"), w.account("log-archive")

	gm := w.guardduty(mgmt, "us-east-1")
	dets, err := gm.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(dets.DetectorIds) != 1 {
		t.Fatalf("the management account's detectors in us-east-1: %v %+v", err, dets)
	}
	id := &dets.DetectorIds[0]
	if d, err := gm.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: id}); err != nil || d.Status != gdtypes.DetectorStatusDisabled {
		t.Fatalf("existing-org's suspended detector: %v %+v", err, d)
	}
	_, err = w.guardduty(logs, "us-east-1").UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: id, Enable: aws.Bool(true)})
	wantAPIError(t, "UpdateDetector of another account's detector", err, "BadRequestException", "not owned by the current account")
	if _, err := gm.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: id, Enable: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if d, err := gm.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: id}); err != nil || d.Status != gdtypes.DetectorStatusEnabled {
		t.Fatalf("after UpdateDetector enable: %v %+v", err, d)
	}

	west := w.guardduty(mgmt, "us-west-2")
	admins, err := west.ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
	if err != nil || len(admins.AdminAccounts) != 1 || *admins.AdminAccounts[0].AdminAccountId != legacy.ID {
		t.Fatalf("us-west-2's administrator: %v %+v", err, admins)
	}
	_, err = w.guardduty(legacy, "us-west-2").DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: &legacy.ID})
	wantAPIError(t, "DisableOrganizationAdminAccount from a member", err, "BadRequestException", "management account")
	_, err = west.DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: &logs.ID})
	wantAPIError(t, "DisableOrganizationAdminAccount of an account that is not the administrator", err, "BadRequestException", "not the delegated administrator")
	if _, err := west.DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: &legacy.ID}); err != nil {
		t.Fatal(err)
	}
	if admins, err := west.ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{}); err != nil || len(admins.AdminAccounts) != 0 {
		t.Fatalf("us-west-2's administrator after it was disabled: %v %+v", err, admins)
	}
	reg, err := w.org(mgmt).ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")})
	if err != nil || len(reg.DelegatedAdministrators) != 0 {
		t.Fatalf("Organizations still lists GuardDuty's administrator: %v %+v", err, reg)
	}
	if _, err := west.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &logs.ID}); err != nil {
		t.Fatalf("naming another administrator once the region is free: %v", err)
	}
}

// An organization has one GuardDuty delegated administrator in all
// regions, as AWS requires (its guide's "Considerations and
// recommendations"): with legacy-app administering us-west-2 (existing-org),
// another account is refused in any other region, legacy-app itself is
// accepted there, and once legacy-app is disabled in every region another
// account may be named anywhere.
func TestGuardDutyOneAdministratorInAllRegions(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, legacy, logs := w.account("acme"), w.account("legacy-app"), w.account("log-archive")
	enable := func(region, account string) error {
		_, err := w.guardduty(mgmt, region).EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
		return err
	}
	err := enable("eu-west-1", logs.ID)
	wantAPIError(t, "another administrator in another region", err, "BadRequestException", legacy.ID)
	wantAPIError(t, "another administrator in another region", err, "BadRequestException", "same GuardDuty delegated administrator in all Regions")
	if out, err := w.guardduty(mgmt, "eu-west-1").ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{}); err != nil || len(out.AdminAccounts) != 0 {
		t.Fatalf("a refused administrator is listed in eu-west-1: %v %+v", err, out)
	}
	if err := enable("eu-west-1", legacy.ID); err != nil {
		t.Fatalf("the organization's administrator in a second region: %v", err)
	}
	for _, r := range []string{"us-west-2", "eu-west-1"} {
		if _, err := w.guardduty(mgmt, r).DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: &legacy.ID}); err != nil {
			t.Fatal(err)
		}
		if r == "us-west-2" {
			// Still the administrator in eu-west-1.
			wantAPIError(t, "another administrator while one region is left", enable("us-west-2", logs.ID), "BadRequestException", "eu-west-1")
		}
	}
	for _, r := range []string{"us-west-2", "us-east-1"} {
		if err := enable(r, logs.ID); err != nil {
			t.Fatalf("another administrator in %s once legacy-app administers no region: %v", r, err)
		}
	}
}

// GuardDuty's delegated administrator is Organizations' for
// guardduty.amazonaws.com: naming it in any region registers it there (so
// ListDelegatedAdministrators shows the holder of a region no design
// reads), Organizations' DeregisterDelegatedAdministrator removes it in
// every region it administers, members and all, and an account
// Organizations registers for GuardDuty, administering no region, holds
// the place of any other account in every region.
func TestGuardDutyAdministratorIsOrganizations(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, legacy, logs := w.account("acme"), w.account("legacy-app"), w.account("log-archive")
	enable := func(region, account string) error {
		_, err := w.guardduty(mgmt, region).EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
		return err
	}
	admins := func(region string) []string {
		out, err := w.guardduty(mgmt, region).ListOrganizationAdminAccounts(ctx, &guardduty.ListOrganizationAdminAccountsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range out.AdminAccounts {
			ids = append(ids, aws.ToString(a.AdminAccountId))
		}
		return ids
	}
	registered := func() []string {
		out, err := w.org(mgmt).ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("guardduty.amazonaws.com")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range out.DelegatedAdministrators {
			ids = append(ids, aws.ToString(a.Id))
		}
		return ids
	}
	// legacy-app administers us-west-2 (existing-org), and now ap-south-1.
	if err := enable("ap-south-1", legacy.ID); err != nil {
		t.Fatal(err)
	}
	if got := registered(); len(got) != 1 || got[0] != legacy.ID {
		t.Fatalf("Organizations registers %v for GuardDuty, want legacy-app", got)
	}
	gl := w.guardduty(legacy, "ap-south-1")
	dets, err := gl.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(dets.DetectorIds) != 1 {
		t.Fatalf("legacy-app's detector in ap-south-1: %v %+v", err, dets)
	}
	if _, err := gl.CreateMembers(ctx, &guardduty.CreateMembersInput{DetectorId: &dets.DetectorIds[0],
		AccountDetails: []gdtypes.AccountDetail{{AccountId: &logs.ID, Email: aws.String("logs@acme.example")}}}); err != nil {
		t.Fatal(err)
	}

	if _, err := w.org(mgmt).DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{
		AccountId: &legacy.ID, ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"us-west-2", "ap-south-1"} {
		if got := admins(r); len(got) != 0 {
			t.Errorf("GuardDuty's administrator in %s after Organizations deregistered it: %v", r, got)
		}
	}
	// Its members went with it: legacy-app, no longer the administrator, may not list them.
	_, err = gl.ListMembers(ctx, &guardduty.ListMembersInput{DetectorId: &dets.DetectorIds[0]})
	wantAPIError(t, "ListMembers of a deregistered administrator", err, "BadRequestException", "not the GuardDuty delegated administrator")
	if err := enable("eu-west-1", logs.ID); err != nil {
		t.Fatalf("another administrator once Organizations deregistered legacy-app: %v", err)
	}
	if err := enable("eu-west-1", logs.ID); err != nil {
		t.Fatalf("the same administrator again: %v", err)
	}
	if _, err := w.guardduty(mgmt, "eu-west-1").DisableOrganizationAdminAccount(ctx, &guardduty.DisableOrganizationAdminAccountInput{AdminAccountId: &logs.ID}); err != nil {
		t.Fatal(err)
	}

	// Registered with Organizations' own call, in no region: it holds the place.
	if _, err := w.org(mgmt).RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: &legacy.ID, ServicePrincipal: aws.String("guardduty.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "another administrator than Organizations'", enable("us-east-1", logs.ID), "BadRequestException", legacy.ID, "registered in AWS Organizations")
	if err := enable("us-east-1", legacy.ID); err != nil {
		t.Fatalf("Organizations' registered administrator: %v", err)
	}
	if got := admins("us-east-1"); len(got) != 1 || got[0] != legacy.ID {
		t.Errorf("us-east-1's administrator: %v, want legacy-app", got)
	}
}
