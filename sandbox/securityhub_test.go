package sandbox_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestSecurityHubOrganization walks Security Hub's organization set-up, with
// AWS's refusals for the steps taken out of order.
func TestSecurityHubOrganization(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, admin, member := w.account("acme"), w.account("legacy-app"), w.account("payments-dev")
	hm, ha, hp := w.securityhub(mgmt, "eu-west-1"), w.securityhub(admin, "eu-west-1"), w.securityhub(member, "eu-west-1")

	_, err := hp.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	wantAPIError(t, "DescribeHub before EnableSecurityHub", err, "InvalidAccessException", "not subscribed")
	if _, err := hp.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{EnableDefaultStandards: aws.Bool(true)}); err != nil {
		t.Fatalf("EnableSecurityHub: %v", err)
	}
	_, err = hp.EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{})
	wantAPIError(t, "EnableSecurityHub again", err, "ResourceConflictException", "already subscribed")
	hub, err := hp.DescribeHub(ctx, &securityhub.DescribeHubInput{})
	if err != nil || *hub.HubArn != "arn:aws:securityhub:eu-west-1:"+member.ID+":hub/default" || hub.SubscribedAt == nil {
		t.Fatalf("DescribeHub: %v %+v", err, hub)
	}
	// Per region: us-east-1 has no hub.
	_, err = w.securityhub(member, "us-east-1").DescribeHub(ctx, &securityhub.DescribeHubInput{})
	wantAPIError(t, "DescribeHub in another region", err, "InvalidAccessException", "us-east-1")

	_, err = hp.EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: &admin.ID})
	wantAPIError(t, "EnableOrganizationAdminAccount from a member", err, "AccessDeniedException", "management account")
	_, err = hm.EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: &admin.ID})
	wantAPIError(t, "EnableOrganizationAdminAccount before trusted access", err, "InvalidInputException", "Trusted access", "securityhub.amazonaws.com")
	w.trust("securityhub.amazonaws.com")
	ea, err := hm.EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: &admin.ID})
	if err != nil || *ea.AdminAccountId != admin.ID {
		t.Fatalf("EnableOrganizationAdminAccount: %v %+v", err, ea)
	}
	admins, err := hm.ListOrganizationAdminAccounts(ctx, &securityhub.ListOrganizationAdminAccountsInput{})
	if err != nil || len(admins.AdminAccounts) != 1 || *admins.AdminAccounts[0].AccountId != admin.ID || admins.AdminAccounts[0].Status != shtypes.AdminStatusEnabled {
		t.Fatalf("ListOrganizationAdminAccounts: %v %+v", err, admins)
	}
	reg, err := w.org(mgmt).ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("securityhub.amazonaws.com")})
	if err != nil || len(reg.DelegatedAdministrators) != 1 || *reg.DelegatedAdministrators[0].Id != admin.ID {
		t.Fatalf("ListDelegatedAdministrators securityhub: %v %+v", err, reg)
	}
	// Naming the administrator turned Security Hub on in its account.
	if _, err := ha.DescribeHub(ctx, &securityhub.DescribeHubInput{}); err != nil {
		t.Fatalf("DescribeHub of the administrator: %v", err)
	}

	_, err = hp.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true)})
	wantAPIError(t, "UpdateOrganizationConfiguration from a member", err, "AccessDeniedException", "not the Security Hub administrator")
	_, err = ha.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true), AutoEnableStandards: "SOME"})
	wantAPIError(t, "UpdateOrganizationConfiguration with AutoEnableStandards SOME", err, "InvalidInputException", "NONE or DEFAULT")
	_, err = ha.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true),
		OrganizationConfiguration: &shtypes.OrganizationConfiguration{ConfigurationType: shtypes.OrganizationConfigurationConfigurationTypeCentral}})
	wantAPIError(t, "UpdateOrganizationConfiguration CENTRAL with AutoEnable", err, "InvalidInputException", "CENTRAL")
	cfg, err := ha.DescribeOrganizationConfiguration(ctx, &securityhub.DescribeOrganizationConfigurationInput{})
	if err != nil || *cfg.AutoEnable {
		t.Fatalf("DescribeOrganizationConfiguration before: %v %+v", err, cfg)
	}
	if _, err := ha.UpdateOrganizationConfiguration(ctx, &securityhub.UpdateOrganizationConfigurationInput{AutoEnable: aws.Bool(true),
		AutoEnableStandards: shtypes.AutoEnableStandardsDefault}); err != nil {
		t.Fatalf("UpdateOrganizationConfiguration: %v", err)
	}
	cfg, err = ha.DescribeOrganizationConfiguration(ctx, &securityhub.DescribeOrganizationConfigurationInput{})
	if err != nil || !*cfg.AutoEnable || cfg.AutoEnableStandards != shtypes.AutoEnableStandardsDefault || cfg.OrganizationConfiguration.ConfigurationType != shtypes.OrganizationConfigurationConfigurationTypeLocal {
		t.Fatalf("DescribeOrganizationConfiguration: %v %+v", err, cfg)
	}

	cm, err := ha.CreateMembers(ctx, &securityhub.CreateMembersInput{AccountDetails: []shtypes.AccountDetails{
		{AccountId: &member.ID}, {AccountId: aws.String(w.account("log-archive").ID)}, {AccountId: aws.String(w.account("acme-partner").ID)}}})
	if err != nil || len(cm.UnprocessedAccounts) != 1 || *cm.UnprocessedAccounts[0].AccountId != w.account("acme-partner").ID {
		t.Fatalf("CreateMembers: %v %+v", err, cm)
	}
	_, err = ha.CreateMembers(ctx, &securityhub.CreateMembersInput{AccountDetails: []shtypes.AccountDetails{}})
	wantAPIError(t, "CreateMembers of none", err, "InvalidInputException", "1 to 50")
	members, err := ha.ListMembers(ctx, &securityhub.ListMembersInput{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range members.Members {
		got = append(got, *m.AccountId)
		if *m.MemberStatus != "Enabled" || *m.AdministratorId != admin.ID {
			t.Errorf("member %+v: want Enabled, administered by %s", m, admin.ID)
		}
	}
	want := []string{member.ID, w.account("log-archive").ID}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("ListMembers: %v, want %v", got, want)
	}
	// AutoEnable takes in the accounts that join afterwards.
	joinByInvitation(t, w, mgmt, w.account("acme-partner"))
	members, err = ha.ListMembers(ctx, &securityhub.ListMembersInput{})
	if err != nil || len(members.Members) != 3 {
		t.Fatalf("ListMembers after a new account joined: %v %+v", err, members)
	}
	for _, op := range []string{"EnableSecurityHub", "DescribeHub", "EnableOrganizationAdminAccount", "ListOrganizationAdminAccounts",
		"UpdateOrganizationConfiguration", "DescribeOrganizationConfiguration", "CreateMembers", "ListMembers"} {
		if !w.recorded("securityhub", op, "ok") {
			t.Errorf("the call record has no successful securityhub %s", op)
		}
	}
}

// An organization has one delegated Security Hub administrator for all
// regions, the management account allowed beside it, as AWS's guide says
// ("Designating a Security Hub administrator account"): with legacy-app
// administering us-west-2, log-archive is refused in any other region while
// legacy-app and the management account are accepted; DisableOrganizationAdminAccount
// frees one region at a time, and Organizations' registration goes with
// the last; Organizations' DeregisterDelegatedAdministrator removes the
// administrator in all regions at once; an account registered in
// Organizations alone holds the place too.
func TestSecurityHubOneAdministratorInAllRegions(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, legacy, logs, member := w.account("acme"), w.account("legacy-app"), w.account("log-archive"), w.account("payments-dev")
	w.trust("securityhub.amazonaws.com")
	enable := func(region, account string) error {
		_, err := w.securityhub(mgmt, region).EnableOrganizationAdminAccount(ctx, &securityhub.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
		return err
	}
	disable := func(region, account string) error {
		_, err := w.securityhub(mgmt, region).DisableOrganizationAdminAccount(ctx, &securityhub.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
		return err
	}
	admins := func(region string) []string {
		t.Helper()
		out, err := w.securityhub(mgmt, region).ListOrganizationAdminAccounts(ctx, &securityhub.ListOrganizationAdminAccountsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range out.AdminAccounts {
			ids = append(ids, *a.AccountId)
		}
		return ids
	}
	registered := func() []string {
		t.Helper()
		out, err := w.org(mgmt).ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("securityhub.amazonaws.com")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range out.DelegatedAdministrators {
			ids = append(ids, *a.Id)
		}
		return ids
	}

	if err := enable("us-west-2", legacy.ID); err != nil {
		t.Fatal(err)
	}
	err := enable("eu-west-1", logs.ID)
	wantAPIError(t, "another administrator in another region", err, "InvalidInputException", legacy.ID, "administrator in us-west-2", "in all Regions")
	if got := admins("eu-west-1"); len(got) != 0 {
		t.Fatalf("a refused administrator is listed in eu-west-1: %v", got)
	}
	// The management account may be the administrator beside it.
	if err := enable("eu-west-1", mgmt.ID); err != nil {
		t.Fatalf("the management account in a second region: %v", err)
	}
	if err := disable("eu-west-1", mgmt.ID); err != nil {
		t.Fatal(err)
	}
	if err := enable("eu-west-1", legacy.ID); err != nil {
		t.Fatalf("the organization's administrator in a second region: %v", err)
	}

	_, err = w.securityhub(member, "us-west-2").DisableOrganizationAdminAccount(ctx, &securityhub.DisableOrganizationAdminAccountInput{AdminAccountId: &legacy.ID})
	wantAPIError(t, "DisableOrganizationAdminAccount from a member", err, "AccessDeniedException", "management account")
	wantAPIError(t, "DisableOrganizationAdminAccount of another account", disable("us-west-2", logs.ID), "InvalidInputException", "not the Security Hub administrator")
	// One region at a time: legacy-app still holds eu-west-1, and Organizations still registers it.
	if err := disable("us-west-2", legacy.ID); err != nil {
		t.Fatal(err)
	}
	if got := admins("us-west-2"); len(got) != 0 {
		t.Fatalf("us-west-2's administrator after DisableOrganizationAdminAccount: %v", got)
	}
	wantAPIError(t, "another administrator while one region is left", enable("us-west-2", logs.ID), "InvalidInputException", legacy.ID, "eu-west-1")
	if got := registered(); !slices.Equal(got, []string{legacy.ID}) {
		t.Fatalf("Organizations' Security Hub administrators while legacy-app holds eu-west-1: %v", got)
	}
	if err := disable("eu-west-1", legacy.ID); err != nil {
		t.Fatal(err)
	}
	if got := registered(); len(got) != 0 {
		t.Fatalf("Organizations still registers %v once legacy-app administers no region", got)
	}
	for _, r := range []string{"us-west-2", "us-east-1"} {
		if err := enable(r, logs.ID); err != nil {
			t.Fatalf("another administrator in %s once legacy-app administers no region: %v", r, err)
		}
	}

	// Organizations' deregistration removes it in all regions.
	if _, err := w.org(mgmt).DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{
		AccountId: &logs.ID, ServicePrincipal: aws.String("securityhub.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"us-west-2", "us-east-1"} {
		if got := admins(r); len(got) != 0 {
			t.Errorf("%s's administrator after Organizations deregistered it: %v", r, got)
		}
	}

	// An account Organizations registers for Security Hub holds the place too.
	if _, err := w.org(mgmt).RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: &member.ID, ServicePrincipal: aws.String("securityhub.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "another administrator than Organizations'", enable("us-east-1", legacy.ID), "InvalidInputException", member.ID, "registered in Organizations")
	if err := enable("us-east-1", member.ID); err != nil {
		t.Fatalf("Organizations' registered administrator: %v", err)
	}
	if !w.recorded("securityhub", "DisableOrganizationAdminAccount", "ok") {
		t.Error("the call record has no successful securityhub DisableOrganizationAdminAccount")
	}
}
