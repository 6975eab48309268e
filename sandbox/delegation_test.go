package sandbox_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

func (w *world) accountSvc(a sandbox.AccountInfo) *account.Client {
	return account.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *account.Options) { o.BaseEndpoint = aws.String(w.url) })
}

func (w *world) iam(a sandbox.AccountInfo) *iam.Client {
	return iam.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *iam.Options) { o.BaseEndpoint = aws.String(w.url) })
}

func enableAccess(t *testing.T, c *organizations.Client, principal string) {
	t.Helper()
	if _, err := c.EnableAWSServiceAccess(context.Background(), &organizations.EnableAWSServiceAccessInput{ServicePrincipal: &principal}); err != nil {
		t.Fatal(err)
	}
}

// TestDelegatedAdministrators covers Organizations' delegated administrators
// and AWS's refusals: before trusted access, the management account itself,
// twice, from a member, an account outside the organization.
func TestDelegatedAdministrators(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, tooling, other := w.account("acme"), w.account("payments-dev"), w.account("log-archive")
	org := w.org(mgmt)
	// Not GuardDuty: existing-org trusts it already (its partial baseline).
	const svc = "access-analyzer.amazonaws.com"
	register := func(id string) error {
		_, err := org.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: &id, ServicePrincipal: aws.String(svc)})
		return err
	}
	e := wantErr[*orgtypes.InvalidInputException](t, register(tooling.ID))
	if e.Reason != "UNRECOGNIZED_SERVICE_PRINCIPAL" {
		t.Fatalf("before trusted access: %v", e)
	}
	enableAccess(t, org, svc)
	cv := wantErr[*orgtypes.ConstraintViolationException](t, register(mgmt.ID))
	if cv.Reason != orgtypes.ConstraintViolationExceptionReasonCannotRegisterMasterAsDelegatedAdministrator {
		t.Fatalf("management account: %v", cv)
	}
	wantErr[*orgtypes.AccountNotFoundException](t, register("999999999999"))
	if err := register(tooling.ID); err != nil {
		t.Fatal(err)
	}
	wantErr[*orgtypes.AccountAlreadyRegisteredException](t, register(tooling.ID))
	_, err := w.org(other).RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: &other.ID, ServicePrincipal: aws.String(svc)})
	wantErr[*orgtypes.AccessDeniedException](t, err)

	// The delegated administrator may list; another member may not.
	list, err := w.org(tooling).ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(svc)})
	if err != nil || len(list.DelegatedAdministrators) != 1 || *list.DelegatedAdministrators[0].Id != tooling.ID || list.DelegatedAdministrators[0].DelegationEnabledDate == nil {
		t.Fatalf("ListDelegatedAdministrators: %v %+v", err, list)
	}
	_, err = w.org(other).ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{})
	wantErr[*orgtypes.AccessDeniedException](t, err)
	none, err := org.ListDelegatedAdministrators(ctx, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String("securityhub.amazonaws.com")})
	if err != nil || len(none.DelegatedAdministrators) != 0 {
		t.Fatalf("another service's admins: %v %+v", err, none)
	}
	svcs, err := org.ListDelegatedServicesForAccount(ctx, &organizations.ListDelegatedServicesForAccountInput{AccountId: &tooling.ID})
	if err != nil || len(svcs.DelegatedServices) != 1 || *svcs.DelegatedServices[0].ServicePrincipal != svc {
		t.Fatalf("ListDelegatedServicesForAccount: %v %+v", err, svcs)
	}
	_, err = org.ListDelegatedServicesForAccount(ctx, &organizations.ListDelegatedServicesForAccountInput{AccountId: &other.ID})
	wantErr[*orgtypes.AccountNotRegisteredException](t, err)

	if _, err := org.DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{AccountId: &tooling.ID, ServicePrincipal: aws.String(svc)}); err != nil {
		t.Fatal(err)
	}
	_, err = org.DeregisterDelegatedAdministrator(ctx, &organizations.DeregisterDelegatedAdministratorInput{AccountId: &tooling.ID, ServicePrincipal: aws.String(svc)})
	wantErr[*orgtypes.AccountNotRegisteredException](t, err)
}

// TestAlternateContacts covers the Account service: an account's own
// contacts, a member's set by the management account once trusted access is
// on, by the delegated administrator, and the refusals and validation.
func TestAlternateContacts(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, member, admin, outsider := w.account("acme"), w.account("payments-dev"), w.account("log-archive"), w.account("acme-partner")
	put := func(c *account.Client, id *string, ct accounttypes.AlternateContactType, email string) error {
		_, err := c.PutAlternateContact(ctx, &account.PutAlternateContactInput{AccountId: id, AlternateContactType: ct,
			EmailAddress: aws.String(email), Name: aws.String("Security Team"), PhoneNumber: aws.String("+1 (555) 010-0100"), Title: aws.String("CISO")})
		return err
	}
	// Its own contacts: no AccountId, no trusted access needed.
	if err := put(w.accountSvc(mgmt), nil, accounttypes.AlternateContactTypeSecurity, "security@acme.example"); err != nil {
		t.Fatal(err)
	}
	got, err := w.accountSvc(mgmt).GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	if err != nil || *got.AlternateContact.EmailAddress != "security@acme.example" || *got.AlternateContact.Title != "CISO" {
		t.Fatalf("GetAlternateContact: %v %+v", err, got)
	}
	_, err = w.accountSvc(mgmt).GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeBilling})
	wantErr[*accounttypes.ResourceNotFoundException](t, err)

	// A member's, from the management account: refused until trusted access for account.amazonaws.com.
	wantErr[*accounttypes.AccessDeniedException](t, put(w.accountSvc(mgmt), &member.ID, accounttypes.AlternateContactTypeSecurity, "security@acme.example"))
	enableAccess(t, w.org(mgmt), "account.amazonaws.com")
	if err := put(w.accountSvc(mgmt), &member.ID, accounttypes.AlternateContactTypeSecurity, "security@acme.example"); err != nil {
		t.Fatal(err)
	}
	own, err := w.accountSvc(member).GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	if err != nil || *own.AlternateContact.Name != "Security Team" {
		t.Fatalf("the member's own view: %v %+v", err, own)
	}
	// The management account names itself without AccountId only.
	wantErr[*accounttypes.AccessDeniedException](t, put(w.accountSvc(mgmt), &mgmt.ID, accounttypes.AlternateContactTypeSecurity, "security@acme.example"))
	// Another member may not, until it is the delegated administrator.
	wantErr[*accounttypes.AccessDeniedException](t, put(w.accountSvc(admin), &member.ID, accounttypes.AlternateContactTypeBilling, "billing@acme.example"))
	if _, err := w.org(mgmt).RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: &admin.ID, ServicePrincipal: aws.String("account.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if err := put(w.accountSvc(admin), &member.ID, accounttypes.AlternateContactTypeBilling, "billing@acme.example"); err != nil {
		t.Fatal(err)
	}
	// An account outside the organization is not a member to act on.
	wantErr[*accounttypes.AccessDeniedException](t, put(w.accountSvc(mgmt), &outsider.ID, accounttypes.AlternateContactTypeSecurity, "security@acme.example"))

	for _, bad := range []func() error{
		func() error {
			return put(w.accountSvc(mgmt), nil, accounttypes.AlternateContactTypeSecurity, "not-an-email")
		},
		func() error { return put(w.accountSvc(mgmt), nil, "AUDIT", "security@acme.example") },
		func() error {
			return put(w.accountSvc(mgmt), aws.String("12345"), accounttypes.AlternateContactTypeSecurity, "security@acme.example")
		},
		func() error {
			_, err := w.accountSvc(mgmt).PutAlternateContact(ctx, &account.PutAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity,
				EmailAddress: aws.String("a@acme.example"), Name: aws.String("n"), PhoneNumber: aws.String("call me"), Title: aws.String("t")})
			return err
		},
		func() error {
			_, err := w.accountSvc(mgmt).PutAlternateContact(ctx, &account.PutAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity,
				EmailAddress: aws.String("a@acme.example"), Name: aws.String(string(make([]byte, 65))), PhoneNumber: aws.String("1"), Title: aws.String("t")})
			return err
		},
	} {
		wantErr[*accounttypes.ValidationException](t, bad())
	}

	if _, err := w.accountSvc(mgmt).DeleteAlternateContact(ctx, &account.DeleteAlternateContactInput{AccountId: &member.ID, AlternateContactType: accounttypes.AlternateContactTypeSecurity}); err != nil {
		t.Fatal(err)
	}
	_, err = w.accountSvc(mgmt).DeleteAlternateContact(ctx, &account.DeleteAlternateContactInput{AccountId: &member.ID, AlternateContactType: accounttypes.AlternateContactTypeSecurity})
	wantErr[*accounttypes.ResourceNotFoundException](t, err)
	recorded := false
	for _, c := range w.sb.Calls() {
		recorded = recorded || (c.Service == "account" && c.Operation == "DeleteAlternateContact" && c.Outcome == "ResourceNotFoundException")
	}
	if !recorded {
		t.Fatal("the call record has no refused DeleteAlternateContact")
	}
}

// TestOrganizationsRootAccess covers IAM's centralized root access features.
func TestOrganizationsRootAccess(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, member, outsider := w.account("acme"), w.account("payments-dev"), w.account("acme-partner")
	c := w.iam(mgmt)
	_, err := c.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
	wantErr[*iamtypes.ServiceAccessNotEnabledException](t, err)
	_, err = c.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	wantErr[*iamtypes.ServiceAccessNotEnabledException](t, err)
	_, err = w.iam(outsider).ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	wantErr[*iamtypes.OrganizationNotFoundException](t, err)
	_, err = w.iam(member).EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{})
	wantErr[*iamtypes.AccountNotManagementOrDelegatedAdministratorException](t, err)

	enableAccess(t, w.org(mgmt), "iam.amazonaws.com")
	out, err := c.EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
	if err != nil || out.OrganizationId == nil || !slices.Equal(out.EnabledFeatures, []iamtypes.FeatureType{iamtypes.FeatureTypeRootCredentialsManagement}) {
		t.Fatalf("EnableOrganizationsRootCredentialsManagement: %v %+v", err, out)
	}
	if _, err := c.EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{}); err != nil {
		t.Fatal(err)
	}
	// Enabling twice is no error, as at AWS.
	if _, err := c.EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.org(mgmt).RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: &member.ID, ServicePrincipal: aws.String("iam.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	// The delegated administrator lists, but only the management account turns features on or off.
	list, err := w.iam(member).ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	if err != nil || len(list.EnabledFeatures) != 2 {
		t.Fatalf("ListOrganizationsFeatures: %v %+v", err, list)
	}
	_, err = w.iam(member).DisableOrganizationsRootSessions(ctx, &iam.DisableOrganizationsRootSessionsInput{})
	wantErr[*iamtypes.CallerIsNotManagementAccountException](t, err)
	dis, err := c.DisableOrganizationsRootSessions(ctx, &iam.DisableOrganizationsRootSessionsInput{})
	if err != nil || !slices.Equal(dis.EnabledFeatures, []iamtypes.FeatureType{iamtypes.FeatureTypeRootCredentialsManagement}) {
		t.Fatalf("DisableOrganizationsRootSessions: %v %+v", err, dis)
	}
}

// TestAssumeRootAudit covers STS AssumeRoot and the root user's password
// as its task policies see it: which member accounts still have root
// credentials, and removing them.
func TestAssumeRootAudit(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, sandbox.Config{Scenario: "existing-org"})
	mgmt, created, invited := w.account("acme"), w.account("payments-dev"), w.account("legacy-app")
	const audit = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
	const deletion = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
	assumeRoot := func(from sandbox.AccountInfo, target, policy string) (*sts.AssumeRootOutput, error) {
		return w.sts(from.AccessKeyID, from.SecretAccessKey, "").AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(target),
			TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String(policy)}})
	}
	_, err := assumeRoot(mgmt, invited.ID, audit)
	wantCode(t, err, "AccessDenied") // centralized root access is off
	enableAccess(t, w.org(mgmt), "iam.amazonaws.com")
	if _, err := w.iam(mgmt).EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = assumeRoot(mgmt, mgmt.ID, audit)
	wantCode(t, err, "AccessDenied") // not into the management account
	_, err = assumeRoot(created, invited.ID, audit)
	wantCode(t, err, "AccessDenied") // not from a member
	_, err = assumeRoot(mgmt, invited.ID, "arn:aws:iam::aws:policy/AdministratorAccess")
	wantCode(t, err, "ValidationError")

	rootIAM := func(target, policy string) (*iam.Client, *sts.Client) {
		out, err := assumeRoot(mgmt, target, policy)
		if err != nil {
			t.Fatal(err)
		}
		cr := out.Credentials
		cfg := w.cfg(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
		return iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(w.url) }),
			w.sts(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
	}
	asRoot, rootSTS := rootIAM(invited.ID, audit)
	id, err := rootSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Arn != "arn:aws:iam::"+invited.ID+":root" {
		t.Fatalf("GetCallerIdentity as root: %v %+v", err, id)
	}
	// The invited account's root user still has its password; a created one never had one.
	if _, err := asRoot.GetLoginProfile(ctx, &iam.GetLoginProfileInput{}); err != nil {
		t.Fatalf("the invited account's root password: %v", err)
	}
	createdRoot, _ := rootIAM(created.ID, audit)
	_, err = createdRoot.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
	// The audit task allows nothing else.
	_, err = asRoot.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{})
	wantCode(t, err, "AccessDenied")
	_, err = asRoot.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String("{}")})
	wantCode(t, err, "AccessDenied")

	deleter, _ := rootIAM(invited.ID, deletion)
	if _, err := deleter.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = asRoot.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
	wantErr[*iamtypes.NoSuchEntityException](t, err)
}
