package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

const scp = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`

// TestOrganizationLifecycle runs every served Organizations operation through
// the SDK on its success path, checking what each answers.
func TestOrganizationLifecycle(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	ctx := context.Background()
	mgmt := w.account("acme")
	c := w.org(mgmt)

	created, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	o := created.Organization
	if !strings.HasPrefix(*o.Id, "o-") || len(*o.Id) != 12 || *o.MasterAccountId != mgmt.ID || *o.MasterAccountEmail != mgmt.Email {
		t.Fatalf("organization %+v", o)
	}
	desc, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil || *desc.Organization.Id != *o.Id || desc.Organization.FeatureSet != orgtypes.OrganizationFeatureSetAll {
		t.Fatalf("DescribeOrganization: %v %+v", err, desc)
	}
	root := mustRoot(t, c)
	if !strings.HasPrefix(root, "r-") || len(root) != 6 {
		t.Fatalf("root id %q", root)
	}

	// A new organization has no policy type enabled, as on AWS (see
	// createOrganization); enabling SCPs twice is refused the second time.
	roots, err := c.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots[0].PolicyTypes) != 0 {
		t.Fatalf("a new organization's root has policy types enabled: %v %+v", err, roots)
	}
	en, err := c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: &root, PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil || len(en.Root.PolicyTypes) != 1 || en.Root.PolicyTypes[0].Status != orgtypes.PolicyTypeStatusEnabled {
		t.Fatalf("EnablePolicyType: %v %+v", err, en)
	}
	if _, err := c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: &root, PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); !errors.As(err, new(*orgtypes.PolicyTypeAlreadyEnabledException)) {
		t.Fatalf("EnablePolicyType SCP twice: %v, want PolicyTypeAlreadyEnabledException", err)
	}
	if _, err := c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: &root, PolicyType: orgtypes.PolicyTypeTagPolicy}); err != nil {
		t.Fatal(err)
	}
	dis, err := c.DisablePolicyType(ctx, &organizations.DisablePolicyTypeInput{RootId: &root, PolicyType: orgtypes.PolicyTypeTagPolicy})
	if err != nil || len(dis.Root.PolicyTypes) != 1 {
		t.Fatalf("DisablePolicyType: %v %+v", err, dis)
	}

	// OUs.
	ou, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &root, Name: aws.String("Workloads"),
		Tags: []orgtypes.Tag{{Key: aws.String("team"), Value: aws.String("platform")}}})
	if err != nil {
		t.Fatal(err)
	}
	ouID := *ou.OrganizationalUnit.Id
	if !strings.HasPrefix(ouID, "ou-"+strings.TrimPrefix(root, "r-")+"-") || len(ouID) != 3+4+1+8 {
		t.Fatalf("OU id %q", ouID)
	}
	dev, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &ouID, Name: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	devID := *dev.OrganizationalUnit.Id
	dou, err := c.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: &devID})
	if err != nil || *dou.OrganizationalUnit.Name != "dev" {
		t.Fatalf("DescribeOrganizationalUnit: %v", err)
	}
	up, err := c.UpdateOrganizationalUnit(ctx, &organizations.UpdateOrganizationalUnitInput{OrganizationalUnitId: &devID, Name: aws.String("development")})
	if err != nil || *up.OrganizationalUnit.Name != "development" {
		t.Fatalf("UpdateOrganizationalUnit: %v", err)
	}
	ous, err := c.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: &root})
	if err != nil || len(ous.OrganizationalUnits) != 1 || *ous.OrganizationalUnits[0].Name != "Workloads" {
		t.Fatalf("ListOrganizationalUnitsForParent: %v %+v", err, ous)
	}
	kids, err := c.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: &ouID, ChildType: orgtypes.ChildTypeOrganizationalUnit})
	if err != nil || len(kids.Children) != 1 || *kids.Children[0].Id != devID {
		t.Fatalf("ListChildren: %v %+v", err, kids)
	}
	parents, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: &devID})
	if err != nil || *parents.Parents[0].Id != ouID || parents.Parents[0].Type != orgtypes.ParentTypeOrganizationalUnit {
		t.Fatalf("ListParents: %v %+v", err, parents)
	}

	// Accounts: asynchronous creation, IN_PROGRESS first.
	w.sb.SetSpeed(20) // 200 ms, long enough to see IN_PROGRESS
	ca, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("payments-dev"),
		Email: aws.String("aws+payments-dev@acme.example"), Tags: []orgtypes.Tag{{Key: aws.String("workload"), Value: aws.String("payments")}}})
	if err != nil {
		t.Fatal(err)
	}
	if ca.CreateAccountStatus.State != orgtypes.CreateAccountStateInProgress || !strings.HasPrefix(*ca.CreateAccountStatus.Id, "car-") {
		t.Fatalf("CreateAccount answered %+v", ca.CreateAccountStatus)
	}
	seen, st := waitCreated(t, c, *ca.CreateAccountStatus.Id)
	if !slices.Equal(seen, []orgtypes.CreateAccountState{"IN_PROGRESS", "SUCCEEDED"}) || len(*st.AccountId) != 12 || st.CompletedTimestamp == nil {
		t.Fatalf("creation went %v, ended %+v", seen, st)
	}
	w.sb.SetSpeed(200)
	acct := *st.AccountId
	lcs, err := c.ListCreateAccountStatus(ctx, &organizations.ListCreateAccountStatusInput{States: []orgtypes.CreateAccountState{"SUCCEEDED"}})
	if err != nil || len(lcs.CreateAccountStatuses) != 1 || *lcs.CreateAccountStatuses[0].AccountId != acct {
		t.Fatalf("ListCreateAccountStatus: %v %+v", err, lcs)
	}
	da, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: &acct})
	if err != nil || *da.Account.Name != "payments-dev" || da.Account.JoinedMethod != orgtypes.AccountJoinedMethodCreated ||
		da.Account.Status != orgtypes.AccountStatusActive || !strings.HasSuffix(*da.Account.Arn, "/"+*o.Id+"/"+acct) {
		t.Fatalf("DescribeAccount: %v %+v", err, da)
	}
	la, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(la.Accounts) != 2 {
		t.Fatalf("ListAccounts: %v %+v", err, la)
	}
	if _, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &acct, SourceParentId: &root, DestinationParentId: &devID}); err != nil {
		t.Fatal(err)
	}
	lap, err := c.ListAccountsForParent(ctx, &organizations.ListAccountsForParentInput{ParentId: &devID})
	if err != nil || len(lap.Accounts) != 1 || *lap.Accounts[0].Id != acct {
		t.Fatalf("ListAccountsForParent: %v %+v", err, lap)
	}
	ap, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: &acct})
	if err != nil || *ap.Parents[0].Id != devID {
		t.Fatalf("ListParents(account): %v %+v", err, ap)
	}

	// Tags: the creation's tags, then TagResource, UntagResource.
	if _, err := c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: &acct, Tags: []orgtypes.Tag{{Key: aws.String("environment"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &organizations.UntagResourceInput{ResourceId: &acct, TagKeys: []string{"workload"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: &acct})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Key != "environment" {
		t.Fatalf("ListTagsForResource: %v %+v", err, tags)
	}
	outags, err := c.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: &ouID})
	if err != nil || len(outags.Tags) != 1 || *outags.Tags[0].Value != "platform" {
		t.Fatalf("ListTagsForResource(OU): %v %+v", err, outags)
	}

	// Policies: FullAWSAccess is everywhere from the start.
	for _, target := range []string{root, ouID, devID, acct, mgmt.ID} {
		pft, err := c.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(target), Filter: orgtypes.PolicyTypeServiceControlPolicy})
		if err != nil || len(pft.Policies) != 1 || *pft.Policies[0].Id != "p-FullAWSAccess" || !pft.Policies[0].AwsManaged {
			t.Fatalf("ListPoliciesForTarget(%s): %v %+v", target, err, pft)
		}
	}
	cp, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("orgwizard-deny-leave-organization"),
		Description: aws.String("deny leaving"), Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil {
		t.Fatal(err)
	}
	pid := *cp.Policy.PolicySummary.Id
	if !strings.HasPrefix(pid, "p-") || len(pid) != 10 {
		t.Fatalf("policy id %q", pid)
	}
	upd, err := c.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: &pid, Description: aws.String("deny leaving the organization")})
	if err != nil || *upd.Policy.PolicySummary.Description != "deny leaving the organization" || *upd.Policy.Content != scp {
		t.Fatalf("UpdatePolicy: %v %+v", err, upd)
	}
	dp, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: &pid})
	if err != nil || *dp.Policy.PolicySummary.Name != "orgwizard-deny-leave-organization" {
		t.Fatalf("DescribePolicy: %v", err)
	}
	lp, err := c.ListPolicies(ctx, &organizations.ListPoliciesInput{Filter: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil || len(lp.Policies) != 2 {
		t.Fatalf("ListPolicies: %v %+v", err, lp)
	}
	if _, err := c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &pid, TargetId: &root}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &pid, TargetId: &acct}); err != nil {
		t.Fatal(err)
	}
	tfp, err := c.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: &pid})
	if err != nil || len(tfp.Targets) != 2 {
		t.Fatalf("ListTargetsForPolicy: %v %+v", err, tfp)
	}
	if _, err := c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: &pid, TargetId: &root}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: &pid, TargetId: &acct}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: &pid}); err != nil {
		t.Fatal(err)
	}

	// Trusted access.
	if _, err := c.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("sso.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	sa, err := c.ListAWSServiceAccessForOrganization(ctx, &organizations.ListAWSServiceAccessForOrganizationInput{})
	if err != nil || len(sa.EnabledServicePrincipals) != 1 || sa.EnabledServicePrincipals[0].DateEnabled == nil {
		t.Fatalf("ListAWSServiceAccessForOrganization: %v %+v", err, sa)
	}
	if _, err := c.DisableAWSServiceAccess(ctx, &organizations.DisableAWSServiceAccessInput{ServicePrincipal: aws.String("sso.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}

	// Emptying and deleting: move back, delete OUs, remove the member, delete the organization.
	if _, err := c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &acct, SourceParentId: &devID, DestinationParentId: &root}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{devID, ouID} {
		if _, err := c.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: aws.String(id)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.RemoveAccountFromOrganization(ctx, &organizations.RemoveAccountFromOrganizationInput{AccountId: &acct}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteOrganization(ctx, &organizations.DeleteOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantErr[*orgtypes.AWSOrganizationsNotInUseException](t, err)
}

// TestHandshakes invites the existing-org scenario's standalone partner and
// has it decline one invitation and accept another.
func TestHandshakes(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	mgmt, partner := w.org(w.account("acme")), w.org(w.account("acme-partner"))
	partnerID := w.account("acme-partner").ID

	inv, err := mgmt.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &orgtypes.HandshakeParty{Id: aws.String(partnerID), Type: orgtypes.HandshakePartyTypeAccount}, Notes: aws.String("join us")})
	if err != nil {
		t.Fatal(err)
	}
	h := inv.Handshake
	if !strings.HasPrefix(*h.Id, "h-") || h.State != orgtypes.HandshakeStateOpen || h.Action != orgtypes.ActionTypeInviteAccountToOrganization {
		t.Fatalf("handshake %+v", h)
	}
	_, err = mgmt.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &orgtypes.HandshakeParty{Id: aws.String(partnerID), Type: orgtypes.HandshakePartyTypeAccount}})
	wantErr[*orgtypes.DuplicateHandshakeException](t, err)

	mine, err := partner.ListHandshakesForAccount(ctx, &organizations.ListHandshakesForAccountInput{})
	if err != nil || len(mine.Handshakes) != 1 || *mine.Handshakes[0].Id != *h.Id {
		t.Fatalf("ListHandshakesForAccount: %v %+v", err, mine)
	}
	theirs, err := mgmt.ListHandshakesForOrganization(ctx, &organizations.ListHandshakesForOrganizationInput{})
	if err != nil || len(theirs.Handshakes) != 1 {
		t.Fatalf("ListHandshakesForOrganization: %v %+v", err, theirs)
	}
	dh, err := partner.DescribeHandshake(ctx, &organizations.DescribeHandshakeInput{HandshakeId: h.Id})
	if err != nil || *dh.Handshake.Id != *h.Id {
		t.Fatalf("DescribeHandshake: %v", err)
	}
	dec, err := partner.DeclineHandshake(ctx, &organizations.DeclineHandshakeInput{HandshakeId: h.Id})
	if err != nil || dec.Handshake.State != orgtypes.HandshakeStateDeclined {
		t.Fatalf("DeclineHandshake: %v %+v", err, dec)
	}
	_, err = partner.DeclineHandshake(ctx, &organizations.DeclineHandshakeInput{HandshakeId: h.Id})
	wantErr[*orgtypes.HandshakeAlreadyInStateException](t, err)
	_, err = partner.AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: h.Id})
	wantErr[*orgtypes.InvalidHandshakeTransitionException](t, err)
	_, err = partner.DescribeHandshake(ctx, &organizations.DescribeHandshakeInput{HandshakeId: aws.String("h-0000000000")})
	wantErr[*orgtypes.HandshakeNotFoundException](t, err)

	inv2, err := mgmt.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &orgtypes.HandshakeParty{Id: aws.String("partner@acme.example"), Type: orgtypes.HandshakePartyTypeEmail}})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := partner.AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: inv2.Handshake.Id})
	if err != nil || acc.Handshake.State != orgtypes.HandshakeStateAccepted {
		t.Fatalf("AcceptHandshake: %v %+v", err, acc)
	}
	da, err := mgmt.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: &partnerID})
	if err != nil || da.Account.JoinedMethod != orgtypes.AccountJoinedMethodInvited {
		t.Fatalf("invited account: %v %+v", err, da)
	}
	_, err = mgmt.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &orgtypes.HandshakeParty{Id: aws.String(partnerID), Type: orgtypes.HandshakePartyTypeAccount}})
	e := wantErr[*orgtypes.HandshakeConstraintViolationException](t, err)
	if e.Reason != orgtypes.HandshakeConstraintViolationExceptionReasonAlreadyInAnOrganization {
		t.Fatalf("reason %s", e.Reason)
	}
	// A member may see its organization but not manage it.
	if _, err := partner.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = partner.ListAccounts(ctx, &organizations.ListAccountsInput{})
	wantErr[*orgtypes.AccessDeniedException](t, err)
}

// TestExistingOrgScenario checks the world plan and tree are built against.
func TestExistingOrgScenario(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	ctx := context.Background()
	c := w.org(w.account("acme"))
	root := mustRoot(t, c)
	inRoot := map[string]bool{}
	p := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: &root})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Accounts {
			inRoot[*a.Name] = true
		}
	}
	if !inRoot["acme"] || !inRoot["payments-dev"] || !inRoot["legacy-app"] || inRoot["log-archive"] {
		t.Fatalf("accounts in Root: %v", inRoot)
	}
	ous, err := c.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: &root})
	if err != nil || len(ous.OrganizationalUnits) != 1 || *ous.OrganizationalUnits[0].Name != "Workloads" {
		t.Fatalf("OUs: %v %+v", err, ous)
	}
	pd := w.account("payments-dev")
	if pd.Email != "aws+payments-dev@acme.example" {
		t.Fatalf("payments-dev email %s", pd.Email)
	}
}

// TestPagination walks ListAccounts through the SDK's paginator: 20 a page, as AWS.
func TestPagination(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	ctx := context.Background()
	c := w.org(w.account("acme"))
	if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	root := mustRoot(t, c)
	for i := range 25 {
		if _, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &root, Name: aws.String(fmt.Sprintf("ou-%02d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	pages := 0
	p := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: &root})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, ou := range page.OrganizationalUnits {
			names = append(names, *ou.Name)
		}
	}
	if pages != 2 || len(names) != 25 || names[24] != "ou-24" {
		t.Fatalf("%d pages, %d OUs", pages, len(names))
	}
	small, err := c.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: &root, MaxResults: aws.Int32(7)})
	if err != nil || len(small.OrganizationalUnits) != 7 || small.NextToken == nil {
		t.Fatalf("MaxResults 7: %v", err)
	}
}

// Consolidated billing only: no policy type is enabled, and enabling one is
// refused, as AWS does.
func TestConsolidatedBillingHasNoPolicyTypes(t *testing.T) {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	ctx := context.Background()
	c := w.org(w.account("acme"))
	if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetConsolidatedBilling}); err != nil {
		t.Fatal(err)
	}
	roots, err := c.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots[0].PolicyTypes) != 0 {
		t.Fatalf("consolidated billing: %v %+v", err, roots)
	}
}
