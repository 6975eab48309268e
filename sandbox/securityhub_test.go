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
