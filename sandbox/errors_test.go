package sandbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/sandbox"
)

// orgFixture is an organization with SCPs enabled, a Workloads OU, one member
// and one customer SCP, shared by the error cases.
type orgFixture struct {
	w            *world
	c            *organizations.Client
	member       *organizations.Client
	root, ou     string
	acct, policy string
}

func newOrgFixture(t *testing.T) *orgFixture {
	w := newWorld(t, sandbox.Config{Scenario: "fresh"})
	ctx := context.Background()
	f := &orgFixture{w: w, c: w.org(w.account("acme"))}
	if _, err := f.c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	f.root = mustRoot(t, f.c)
	if _, err := f.c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: &f.root, PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	ou, err := f.c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &f.root, Name: aws.String("Workloads")})
	if err != nil {
		t.Fatal(err)
	}
	f.ou = *ou.OrganizationalUnit.Id
	f.acct = createAccount(t, f.c, "payments-dev", "aws+payments-dev@acme.example")
	f.member = w.org(w.account("payments-dev"))
	p, err := f.c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("deny-leave"), Description: aws.String(""),
		Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil {
		t.Fatal(err)
	}
	f.policy = *p.Policy.PolicySummary.Id
	return f
}

// TestOrganizationsErrors checks that every error the sandbox claims reaches
// the SDK as its typed error, with the Reason where the shape has one.
func TestOrganizationsErrors(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, err error, want string, reason string) {
		t.Helper()
		if err == nil {
			t.Fatalf("call succeeded, want %s", want)
		}
		got := fmt.Sprintf("%T", err)
		switch want {
		case "AWSOrganizationsNotInUseException":
			wantErr[*orgtypes.AWSOrganizationsNotInUseException](t, err)
		case "AlreadyInOrganizationException":
			wantErr[*orgtypes.AlreadyInOrganizationException](t, err)
		case "AccessDeniedException":
			wantErr[*orgtypes.AccessDeniedException](t, err)
		case "InvalidInputException":
			e := wantErr[*orgtypes.InvalidInputException](t, err)
			if string(e.Reason) != reason {
				t.Fatalf("reason %s, want %s", e.Reason, reason)
			}
		case "ConstraintViolationException":
			e := wantErr[*orgtypes.ConstraintViolationException](t, err)
			if string(e.Reason) != reason {
				t.Fatalf("reason %s, want %s", e.Reason, reason)
			}
		case "DuplicateOrganizationalUnitException":
			wantErr[*orgtypes.DuplicateOrganizationalUnitException](t, err)
		case "ParentNotFoundException":
			wantErr[*orgtypes.ParentNotFoundException](t, err)
		case "OrganizationalUnitNotFoundException":
			wantErr[*orgtypes.OrganizationalUnitNotFoundException](t, err)
		case "OrganizationalUnitNotEmptyException":
			wantErr[*orgtypes.OrganizationalUnitNotEmptyException](t, err)
		case "ChildNotFoundException":
			wantErr[*orgtypes.ChildNotFoundException](t, err)
		case "AccountNotFoundException":
			wantErr[*orgtypes.AccountNotFoundException](t, err)
		case "SourceParentNotFoundException":
			wantErr[*orgtypes.SourceParentNotFoundException](t, err)
		case "DestinationParentNotFoundException":
			wantErr[*orgtypes.DestinationParentNotFoundException](t, err)
		case "DuplicateAccountException":
			wantErr[*orgtypes.DuplicateAccountException](t, err)
		case "CreateAccountStatusNotFoundException":
			wantErr[*orgtypes.CreateAccountStatusNotFoundException](t, err)
		case "TargetNotFoundException":
			wantErr[*orgtypes.TargetNotFoundException](t, err)
		case "PolicyNotFoundException":
			wantErr[*orgtypes.PolicyNotFoundException](t, err)
		case "DuplicatePolicyException":
			wantErr[*orgtypes.DuplicatePolicyException](t, err)
		case "MalformedPolicyDocumentException":
			wantErr[*orgtypes.MalformedPolicyDocumentException](t, err)
		case "PolicyTypeNotEnabledException":
			wantErr[*orgtypes.PolicyTypeNotEnabledException](t, err)
		case "PolicyTypeAlreadyEnabledException":
			wantErr[*orgtypes.PolicyTypeAlreadyEnabledException](t, err)
		case "DuplicatePolicyAttachmentException":
			wantErr[*orgtypes.DuplicatePolicyAttachmentException](t, err)
		case "PolicyNotAttachedException":
			wantErr[*orgtypes.PolicyNotAttachedException](t, err)
		case "PolicyInUseException":
			wantErr[*orgtypes.PolicyInUseException](t, err)
		case "RootNotFoundException":
			wantErr[*orgtypes.RootNotFoundException](t, err)
		case "OrganizationNotEmptyException":
			wantErr[*orgtypes.OrganizationNotEmptyException](t, err)
		case "MasterCannotLeaveOrganizationException":
			wantErr[*orgtypes.MasterCannotLeaveOrganizationException](t, err)
		default:
			t.Fatalf("test table names %s (got %s), which the switch does not know", want, got)
		}
	}

	cases := []struct {
		name   string
		want   string
		reason string
		call   func(f *orgFixture) error
	}{
		{"create twice", "AlreadyInOrganizationException", "", func(f *orgFixture) error {
			_, err := f.c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{})
			return err
		}},
		{"member manages", "AccessDeniedException", "", func(f *orgFixture) error {
			_, err := f.member.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &f.root, Name: aws.String("x")})
			return err
		}},
		{"malformed parent", "InvalidInputException", "INVALID_PATTERN", func(f *orgFixture) error {
			_, err := f.c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String("bogus"), Name: aws.String("x")})
			return err
		}},
		{"bad next token", "InvalidInputException", "INVALID_NEXT_TOKEN", func(f *orgFixture) error {
			_, err := f.c.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: aws.String("not-a-token")})
			return err
		}},
		{"MaxResults over 20", "InvalidInputException", "MAX_VALUE_EXCEEDED", func(f *orgFixture) error {
			_, err := f.c.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
			return err
		}},
		{"bad email", "InvalidInputException", "INVALID_PATTERN", func(f *orgFixture) error {
			_, err := f.c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("x"), Email: aws.String("not-an-email")})
			return err
		}},
		{"long email", "InvalidInputException", "MAX_LENGTH_EXCEEDED", func(f *orgFixture) error {
			_, err := f.c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("x"), Email: aws.String(strings.Repeat("a", 60) + "@acme.example")})
			return err
		}},
		{"long account name", "InvalidInputException", "MAX_LENGTH_EXCEEDED", func(f *orgFixture) error {
			_, err := f.c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(strings.Repeat("a", 51)), Email: aws.String("a@acme.example")})
			return err
		}},
		{"non-ASCII account name", "InvalidInputException", "INVALID_PATTERN", func(f *orgFixture) error {
			_, err := f.c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("café"), Email: aws.String("a@acme.example")})
			return err
		}},
		{"long OU name", "InvalidInputException", "MAX_LENGTH_EXCEEDED", func(f *orgFixture) error {
			_, err := f.c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &f.root, Name: aws.String(strings.Repeat("o", 129))})
			return err
		}},
		{"aws: tag", "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER", func(f *orgFixture) error {
			_, err := f.c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: &f.acct, Tags: []orgtypes.Tag{{Key: aws.String("aws:x"), Value: aws.String("y")}}})
			return err
		}},
		{"update FullAWSAccess", "InvalidInputException", "IMMUTABLE_POLICY", func(f *orgFixture) error {
			_, err := f.c.UpdatePolicy(ctx, &organizations.UpdatePolicyInput{PolicyId: aws.String("p-FullAWSAccess"), Name: aws.String("x")})
			return err
		}},
		{"MaxResults 0", "InvalidInputException", "MIN_VALUE_EXCEEDED", func(f *orgFixture) error {
			_, err := f.c.ListAccounts(ctx, &organizations.ListAccountsInput{MaxResults: aws.Int32(0)})
			return err
		}},
		{"bad role name", "InvalidInputException", "INVALID_ROLE_NAME", func(f *orgFixture) error {
			_, err := f.c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("x"), Email: aws.String("x@acme.example"), RoleName: aws.String("no spaces allowed")})
			return err
		}},
		{"bad child type", "InvalidInputException", "INVALID_ENUM", func(f *orgFixture) error {
			_, err := f.c.ListChildren(ctx, &organizations.ListChildrenInput{ParentId: &f.root, ChildType: "ROOT"})
			return err
		}},
		{"bad policy type", "InvalidInputException", "INVALID_ENUM_POLICY_TYPE", func(f *orgFixture) error {
			_, err := f.c.ListPolicies(ctx, &organizations.ListPoliciesInput{Filter: "NO_SUCH_POLICY"})
			return err
		}},
		{"duplicate tag key", "InvalidInputException", "DUPLICATE_TAG_KEY", func(f *orgFixture) error {
			_, err := f.c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: &f.acct, Tags: []orgtypes.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}})
			return err
		}},
		{"malformed policy id", "InvalidInputException", "INVALID_SYNTAX_POLICY_ID", func(f *orgFixture) error {
			_, err := f.c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("policy-1")})
			return err
		}},
		{"malformed target id", "InvalidInputException", "INVALID_PATTERN_TARGET_ID", func(f *orgFixture) error {
			_, err := f.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &f.policy, TargetId: aws.String("nowhere")})
			return err
		}},
		{"invite a malformed account id", "InvalidInputException", "INVALID_PARTY_TYPE_TARGET", func(f *orgFixture) error {
			_, err := f.c.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{Target: &orgtypes.HandshakeParty{Id: aws.String("abc"), Type: orgtypes.HandshakePartyTypeAccount}})
			return err
		}},
		{"invite a malformed email", "InvalidInputException", "INVALID_EMAIL_ADDRESS_TARGET", func(f *orgFixture) error {
			_, err := f.c.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{Target: &orgtypes.HandshakeParty{Id: aws.String("nobody"), Type: orgtypes.HandshakePartyTypeEmail}})
			return err
		}},
		{"unknown service principal", "InvalidInputException", "UNRECOGNIZED_SERVICE_PRINCIPAL", func(f *orgFixture) error {
			_, err := f.c.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("not-a-service")})
			return err
		}},
		{"too many tags", "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED", func(f *orgFixture) error {
			var tags []orgtypes.Tag
			for i := range 51 {
				tags = append(tags, orgtypes.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
			}
			_, err := f.c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: &f.acct, Tags: tags})
			return err
		}},
		{"SCP too large", "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED", func(f *orgFixture) error {
			// One character over AWS's 10,240.
			head, tail := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Sid":"`, `"}]}`
			big := head + strings.Repeat("x", 10241-len(head)-len(tail)) + tail
			_, err := f.c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("big"), Description: aws.String(""), Content: &big, Type: orgtypes.PolicyTypeServiceControlPolicy})
			return err
		}},
		{"detach last SCP", "ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED", func(f *orgFixture) error {
			_, err := f.c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: &f.ou})
			return err
		}},
		{"duplicate OU", "DuplicateOrganizationalUnitException", "", func(f *orgFixture) error {
			_, err := f.c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &f.root, Name: aws.String("Workloads")})
			return err
		}},
		{"rename onto a sibling", "DuplicateOrganizationalUnitException", "", func(f *orgFixture) error {
			other, err := f.c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &f.root, Name: aws.String("Security")})
			if err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			_, err = f.c.UpdateOrganizationalUnit(ctx, &organizations.UpdateOrganizationalUnitInput{OrganizationalUnitId: other.OrganizationalUnit.Id, Name: aws.String("Workloads")})
			return err
		}},
		{"missing parent", "ParentNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String("ou-zzzz-zzzzzzzz"), Name: aws.String("x")})
			return err
		}},
		{"missing OU", "OrganizationalUnitNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: aws.String("ou-zzzz-zzzzzzzz")})
			return err
		}},
		{"non-empty OU", "OrganizationalUnitNotEmptyException", "", func(f *orgFixture) error {
			if _, err := f.c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &f.acct, SourceParentId: &f.root, DestinationParentId: &f.ou}); err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			_, err := f.c.DeleteOrganizationalUnit(ctx, &organizations.DeleteOrganizationalUnitInput{OrganizationalUnitId: &f.ou})
			return err
		}},
		{"missing child", "ChildNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("999999999999")})
			return err
		}},
		{"missing account", "AccountNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("999999999999")})
			return err
		}},
		{"move from the wrong parent", "AccountNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &f.acct, SourceParentId: &f.ou, DestinationParentId: &f.root})
			return err
		}},
		{"move from a missing parent", "SourceParentNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &f.acct, SourceParentId: aws.String("ou-zzzz-zzzzzzzz"), DestinationParentId: &f.ou})
			return err
		}},
		{"move to a missing parent", "DestinationParentNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &f.acct, SourceParentId: &f.root, DestinationParentId: aws.String("ou-zzzz-zzzzzzzz")})
			return err
		}},
		{"move where it is", "DuplicateAccountException", "", func(f *orgFixture) error {
			_, err := f.c.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: &f.acct, SourceParentId: &f.root, DestinationParentId: &f.root})
			return err
		}},
		{"missing creation", "CreateAccountStatusNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: aws.String("car-00000000000000000000000000000000")})
			return err
		}},
		{"missing target", "TargetNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &f.policy, TargetId: aws.String("999999999999")})
			return err
		}},
		{"missing tag resource", "TargetNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: aws.String("ou-zzzz-zzzzzzzz")})
			return err
		}},
		{"missing policy", "PolicyNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("p-zzzzzzzz")})
			return err
		}},
		{"duplicate policy", "DuplicatePolicyException", "", func(f *orgFixture) error {
			_, err := f.c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("deny-leave"), Description: aws.String(""), Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
			return err
		}},
		{"malformed policy", "MalformedPolicyDocumentException", "", func(f *orgFixture) error {
			_, err := f.c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("bad"), Description: aws.String(""), Content: aws.String("{not json"), Type: orgtypes.PolicyTypeServiceControlPolicy})
			return err
		}},
		{"type not enabled", "PolicyTypeNotEnabledException", "", func(f *orgFixture) error {
			tp, err := f.c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("tags"), Description: aws.String(""), Content: aws.String(`{"tags":{}}`), Type: orgtypes.PolicyTypeTagPolicy})
			if err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			_, err = f.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: tp.Policy.PolicySummary.Id, TargetId: &f.root})
			return err
		}},
		{"disable a disabled type", "PolicyTypeNotEnabledException", "", func(f *orgFixture) error {
			_, err := f.c.DisablePolicyType(ctx, &organizations.DisablePolicyTypeInput{RootId: &f.root, PolicyType: orgtypes.PolicyTypeBackupPolicy})
			return err
		}},
		{"enable twice", "PolicyTypeAlreadyEnabledException", "", func(f *orgFixture) error {
			_, err := f.c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: &f.root, PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
			return err
		}},
		{"missing root", "RootNotFoundException", "", func(f *orgFixture) error {
			_, err := f.c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String("r-zzzz"), PolicyType: orgtypes.PolicyTypeTagPolicy})
			return err
		}},
		{"attach twice", "DuplicatePolicyAttachmentException", "", func(f *orgFixture) error {
			_, err := f.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: aws.String("p-FullAWSAccess"), TargetId: &f.root})
			return err
		}},
		{"detach unattached", "PolicyNotAttachedException", "", func(f *orgFixture) error {
			_, err := f.c.DetachPolicy(ctx, &organizations.DetachPolicyInput{PolicyId: &f.policy, TargetId: &f.root})
			return err
		}},
		{"delete attached", "PolicyInUseException", "", func(f *orgFixture) error {
			if _, err := f.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &f.policy, TargetId: &f.ou}); err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			_, err := f.c.DeletePolicy(ctx, &organizations.DeletePolicyInput{PolicyId: &f.policy})
			return err
		}},
		{"delete a non-empty organization", "OrganizationNotEmptyException", "", func(f *orgFixture) error {
			_, err := f.c.DeleteOrganization(ctx, &organizations.DeleteOrganizationInput{})
			return err
		}},
		{"remove the management account", "MasterCannotLeaveOrganizationException", "", func(f *orgFixture) error {
			_, err := f.c.RemoveAccountFromOrganization(ctx, &organizations.RemoveAccountFromOrganizationInput{AccountId: aws.String(f.w.account("acme").ID)})
			return err
		}},
	}
	f := newOrgFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Cases that change the fixture get their own organization.
			g := f
			if strings.Contains(tc.name, "non-empty OU") || strings.Contains(tc.name, "delete attached") || strings.Contains(tc.name, "rename") {
				g = newOrgFixture(t)
			}
			err := tc.call(g)
			if err != nil && strings.HasPrefix(err.Error(), "setup: ") {
				t.Fatal(err)
			}
			check(t, err, tc.want, tc.reason)
		})
	}

	t.Run("no organization", func(t *testing.T) {
		w := newWorld(t, sandbox.Config{Scenario: "fresh"})
		_, err := w.org(w.account("acme")).ListAccounts(ctx, &organizations.ListAccountsInput{})
		check(t, err, "AWSOrganizationsNotInUseException", "")
	})
	t.Run("consolidated billing has no SCPs", func(t *testing.T) {
		w := newWorld(t, sandbox.Config{Scenario: "fresh"})
		c := w.org(w.account("acme"))
		if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetConsolidatedBilling}); err != nil {
			t.Fatal(err)
		}
		_, err := c.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(mustRoot(t, c)), PolicyType: orgtypes.PolicyTypeServiceControlPolicy})
		wantErr[*orgtypes.PolicyTypeNotAvailableForOrganizationException](t, err)
	})
}

// TestLimits is the "Done when" list: a sixth concurrent CreateAccount, an
// eleventh account, a duplicate email, a sixth OU level and an eleventh
// policy on one target are refused as AWS refuses them.
func TestLimits(t *testing.T) {
	ctx := context.Background()

	t.Run("sixth concurrent creation", func(t *testing.T) {
		w := newWorld(t, sandbox.Config{Scenario: "fresh", Speed: 1})
		c := w.org(w.account("acme"))
		if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if _, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(fmt.Sprint("a", i)), Email: aws.String(fmt.Sprintf("a%d@acme.example", i))}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("a5"), Email: aws.String("a5@acme.example")})
		e := wantErr[*orgtypes.ConstraintViolationException](t, err)
		if e.Reason != orgtypes.ConstraintViolationExceptionReasonAccountCreationRateLimitExceeded {
			t.Fatalf("reason %s", e.Reason)
		}
	})

	t.Run("eleventh account", func(t *testing.T) {
		w := newWorld(t, sandbox.Config{Scenario: "fresh"})
		c := w.org(w.account("acme"))
		if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
			t.Fatal(err)
		}
		for i := range 9 {
			createAccount(t, c, fmt.Sprint("member-", i), fmt.Sprintf("aws+member-%d@acme.example", i))
		}
		_, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("member-9"), Email: aws.String("aws+member-9@acme.example")})
		e := wantErr[*orgtypes.ConstraintViolationException](t, err)
		if e.Reason != orgtypes.ConstraintViolationExceptionReasonAccountNumberLimitExceeded {
			t.Fatalf("reason %s", e.Reason)
		}
		q, err := w.quotas(w.account("acme")).GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033")})
		if err != nil || *q.Quota.Value != 10 {
			t.Fatalf("GetServiceQuota: %v", err)
		}
	})

	t.Run("small quota", func(t *testing.T) {
		w := newWorld(t, sandbox.Config{Scenario: "small-quota"})
		mgmt := w.account("acme")
		c := w.org(mgmt)
		if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
			t.Fatal(err)
		}
		q, err := w.quotas(mgmt).GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033")})
		if err != nil || *q.Quota.Value != 4 {
			t.Fatalf("GetServiceQuota: %v %+v", err, q)
		}
		d, err := w.quotas(mgmt).GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033")})
		if err != nil || *d.Quota.Value != 10 {
			t.Fatalf("GetAWSDefaultServiceQuota: %v", err)
		}
		_, err = w.quotas(mgmt).GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("ec2"), QuotaCode: aws.String("L-1216C47A")})
		wantErr[*sqtypes.NoSuchResourceException](t, err)
		for i := range 3 {
			createAccount(t, c, fmt.Sprint("m", i), fmt.Sprintf("m%d@acme.example", i))
		}
		_, err = c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("m3"), Email: aws.String("m3@acme.example")})
		wantErr[*orgtypes.ConstraintViolationException](t, err)
	})

	t.Run("duplicate email", func(t *testing.T) {
		w := newWorld(t, sandbox.Config{Scenario: "dirty-management"})
		c := w.org(w.account("acme"))
		if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
			t.Fatal(err)
		}
		// The legacy account's email, in another case: emails are unique across AWS, case-insensitively.
		out, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("legacy"), Email: aws.String("Founder@ACME.example")})
		if err != nil {
			t.Fatal(err)
		}
		seen, st := waitCreated(t, c, *out.CreateAccountStatus.Id)
		if seen[0] != orgtypes.CreateAccountStateInProgress || st.State != orgtypes.CreateAccountStateFailed || st.FailureReason != orgtypes.CreateAccountFailureReasonEmailAlreadyExists {
			t.Fatalf("duplicate email went %v, ended %+v", seen, st)
		}
		createAccount(t, c, "one", "same@acme.example")
		out, err = c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("two"), Email: aws.String("same@acme.example")})
		if err != nil {
			t.Fatal(err)
		}
		if _, st := waitCreated(t, c, *out.CreateAccountStatus.Id); st.FailureReason != orgtypes.CreateAccountFailureReasonEmailAlreadyExists {
			t.Fatalf("second same@ ended %+v", st)
		}
	})

	t.Run("sixth OU level", func(t *testing.T) {
		w := newWorld(t, sandbox.Config{Scenario: "fresh"})
		c := w.org(w.account("acme"))
		if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
			t.Fatal(err)
		}
		parent := mustRoot(t, c)
		for level := 1; level <= 5; level++ {
			ou, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &parent, Name: aws.String(fmt.Sprint("level-", level))})
			if err != nil {
				t.Fatalf("level %d: %v", level, err)
			}
			parent = *ou.OrganizationalUnit.Id
		}
		_, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &parent, Name: aws.String("level-6")})
		e := wantErr[*orgtypes.ConstraintViolationException](t, err)
		if e.Reason != orgtypes.ConstraintViolationExceptionReasonOuDepthLimitExceeded {
			t.Fatalf("reason %s", e.Reason)
		}
	})

	t.Run("eleventh policy on a target", func(t *testing.T) {
		f := newOrgFixture(t)
		// FullAWSAccess is one of the ten.
		for i := range 9 {
			p, err := f.c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String(fmt.Sprint("p", i)), Description: aws.String(""), Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: &f.ou}); err != nil {
				t.Fatalf("policy %d: %v", i+2, err)
			}
		}
		_, err := f.c.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: &f.policy, TargetId: &f.ou})
		e := wantErr[*orgtypes.ConstraintViolationException](t, err)
		if e.Reason != orgtypes.ConstraintViolationExceptionReasonMaxPolicyTypeAttachmentLimitExceeded {
			t.Fatalf("reason %s", e.Reason)
		}
	})

	t.Run("SCP of exactly 10240 characters", func(t *testing.T) {
		f := newOrgFixture(t)
		head := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Sid":"`
		tail := `"}]}`
		content := head + strings.Repeat("x", 10240-len(head)-len(tail)) + tail
		if _, err := f.c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("max"), Description: aws.String(""), Content: &content, Type: orgtypes.PolicyTypeServiceControlPolicy}); err != nil {
			t.Fatalf("a policy at the limit was refused: %v", err)
		}
	})
}

// TestSTS covers GetCallerIdentity, AssumeRole into a member and the
// temporary credentials that come back, and the refusals.
func TestSTS(t *testing.T) {
	ctx := context.Background()
	f := newOrgFixture(t)
	mgmt := f.w.account("acme")
	id, err := f.w.sts(mgmt.AccessKeyID, mgmt.SecretAccessKey, "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *id.Account != mgmt.ID || *id.Arn != "arn:aws:iam::"+mgmt.ID+":root" {
		t.Fatalf("GetCallerIdentity: %v %+v", err, id)
	}
	roleArn := "arn:aws:iam::" + f.acct + ":role/OrganizationAccountAccessRole"
	ar, err := f.w.sts(mgmt.AccessKeyID, mgmt.SecretAccessKey, "").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("orgwizard")})
	if err != nil {
		t.Fatal(err)
	}
	cr := ar.Credentials
	if !strings.HasPrefix(*cr.AccessKeyId, "ASIA") || cr.Expiration.Before(time.Now().Add(50*time.Minute)) {
		t.Fatalf("credentials %+v", cr)
	}
	as, err := f.w.sts(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *as.Account != f.acct || *as.Arn != "arn:aws:sts::"+f.acct+":assumed-role/OrganizationAccountAccessRole/orgwizard" {
		t.Fatalf("GetCallerIdentity as the role: %v %+v", err, as)
	}

	member := f.w.account("payments-dev")
	mgmtRole := "arn:aws:iam::" + mgmt.ID + ":role/OrganizationAccountAccessRole"
	_, err = f.w.sts(member.AccessKeyID, member.SecretAccessKey, "").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &mgmtRole, RoleSessionName: aws.String("x1")})
	wantCode(t, err, "AccessDenied")
	_, err = f.w.sts(mgmt.AccessKeyID, mgmt.SecretAccessKey, "").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + f.acct + ":role/Admin"), RoleSessionName: aws.String("x1")})
	wantCode(t, err, "AccessDenied")
	_, err = f.w.sts(mgmt.AccessKeyID, mgmt.SecretAccessKey, "").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleArn, RoleSessionName: aws.String("bad name!")})
	wantCode(t, err, "ValidationError")
	_, err = f.w.sts("AKIAUNKNOWNUNKNOWN00", "secret", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	_, err = f.w.sts(mgmt.AccessKeyID, "not-the-secret", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "SignatureDoesNotMatch")
	_, err = f.w.org(sandbox.AccountInfo{AccessKeyID: mgmt.AccessKeyID, SecretAccessKey: "wrong"}).ListRoots(ctx, &organizations.ListRootsInput{})
	wantCode(t, err, "InvalidSignatureException")
	_, err = f.w.org(sandbox.AccountInfo{AccessKeyID: "AKIAUNKNOWNUNKNOWN00", SecretAccessKey: "x"}).ListRoots(ctx, &organizations.ListRootsInput{})
	wantCode(t, err, "UnrecognizedClientException")
}

// TestFaults drives fault injection and the rate limit from Go.
func TestFaults(t *testing.T) {
	ctx := context.Background()
	f := newOrgFixture(t)
	describe := func() error {
		_, err := f.c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		return err
	}
	for _, tc := range []struct {
		faults sandbox.Faults
		check  func(error)
	}{
		{sandbox.Faults{ThrottleShare: 1}, func(err error) { wantErr[*orgtypes.TooManyRequestsException](t, err) }},
		{sandbox.Faults{ConflictShare: 1}, func(err error) { wantErr[*orgtypes.ConcurrentModificationException](t, err) }},
		{sandbox.Faults{ServerErrorShare: 1}, func(err error) { wantErr[*orgtypes.ServiceException](t, err) }},
		{sandbox.Faults{Deny: []sandbox.Denial{{Service: "organizations"}}}, func(err error) { wantErr[*orgtypes.AccessDeniedException](t, err) }},
	} {
		if err := f.w.sb.SetFaults(tc.faults); err != nil {
			t.Fatal(err)
		}
		tc.check(describe())
	}
	// Shares apply only to the operations named.
	if err := f.w.sb.SetFaults(sandbox.Faults{ThrottleShare: 1, Operations: []string{"ListRoots"}}); err != nil {
		t.Fatal(err)
	}
	if err := describe(); err != nil {
		t.Fatalf("DescribeOrganization was faulted though only ListRoots is: %v", err)
	}
	// A denial of one operation is a missing permission: that action alone
	// is refused, in AWS's wording, which names it.
	if err := f.w.sb.SetFaults(sandbox.Faults{Deny: []sandbox.Denial{{Service: "organizations", Operation: "ListRoots"}}}); err != nil {
		t.Fatal(err)
	}
	if err := describe(); err != nil {
		t.Fatalf("DescribeOrganization was denied though only ListRoots is: %v", err)
	}
	_, err := f.c.ListRoots(ctx, &organizations.ListRootsInput{})
	wantErr[*orgtypes.AccessDeniedException](t, err)
	if !strings.Contains(err.Error(), "is not authorized to perform: organizations:ListRoots") {
		t.Errorf("the denial does not name the action: %v", err)
	}
	// A chosen creation fails with the chosen reason.
	if err := f.w.sb.SetFaults(sandbox.Faults{FailCreateAccount: []sandbox.CreateAccountFailure{{Match: "doomed", Reason: "INVALID_ADDRESS"}}}); err != nil {
		t.Fatal(err)
	}
	out, err := f.c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("doomed"), Email: aws.String("doomed@acme.example")})
	if err != nil {
		t.Fatal(err)
	}
	if _, st := waitCreated(t, f.c, *out.CreateAccountStatus.Id); st.FailureReason != orgtypes.CreateAccountFailureReasonInvalidAddress {
		t.Fatalf("doomed creation ended %+v", st)
	}
	if err := f.w.sb.SetFaults(sandbox.Faults{}); err != nil {
		t.Fatal(err)
	}

	// The rate limit: a burst of 3 at 1 request a second, the fourth call throttled.
	f.w.sb.SetRateLimit(1, 3)
	for i := range 3 {
		if err := describe(); err != nil {
			t.Fatalf("call %d within the burst: %v", i+1, err)
		}
	}
	wantErr[*orgtypes.TooManyRequestsException](t, describe())
	// Another operation has its own bucket.
	if _, err := f.c.ListRoots(ctx, &organizations.ListRootsInput{}); err != nil {
		t.Fatalf("ListRoots throttled by DescribeOrganization's bucket: %v", err)
	}
	f.w.sb.SetRateLimit(-1, 0)

	// Every call above is in the record, faults included.
	var throttled, denied int
	for _, c := range f.w.sb.Calls() {
		if c.Service != "organizations" || c.Account == "" || c.Time.IsZero() {
			t.Fatalf("incomplete record %+v", c)
		}
		switch c.Outcome {
		case "TooManyRequestsException":
			throttled++
		case "AccessDeniedException":
			denied++
		}
	}
	if throttled != 2 || denied != 2 {
		t.Fatalf("record has %d throttled and %d denied calls, want 2 and 2", throttled, denied)
	}
}
