// Package migrate leads a dirty management account out: way (a) makes a new,
// clean account the management account and brings the old one in as a
// member (NewManagement), way (b) writes the runbook that moves each resource
// to a member account (Runbook). Every step of way (a) is safe to run again:
// it looks first and only changes what is not there yet.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// AccessRoleName is the role AWS creates in accounts an organization
// creates, and that invited accounts lack.
const AccessRoleName = access.OrganizationAccountAccessRole

// AdministratorAccess is the policy AWS gives that role.
const AdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

// TransitionalOU is where an invited account waits (design-v1.md).
const TransitionalOU = "Transitional"

// Docs are the AWS pages the steps follow.
const (
	DocCreateAccount = "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-creating.html"
	DocInvite        = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_invites.html"
	DocAccessRole    = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html"
	DocRemoveMember  = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_remove.html"
	DocDeleteOrg     = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_delete.html"
)

// InviteAPI is what the new management account calls beyond orgs.API.
type InviteAPI interface {
	InviteAccountToOrganization(context.Context, *organizations.InviteAccountToOrganizationInput, ...func(*organizations.Options)) (*organizations.InviteAccountToOrganizationOutput, error)
	ListHandshakesForOrganization(context.Context, *organizations.ListHandshakesForOrganizationInput, ...func(*organizations.Options)) (*organizations.ListHandshakesForOrganizationOutput, error)
}

// OldOrgAPI is what the old account calls with its own credentials: where
// it stands, and accepting the invitation (whose id the new side found).
type OldOrgAPI interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
	AcceptHandshake(context.Context, *organizations.AcceptHandshakeInput, ...func(*organizations.Options)) (*organizations.AcceptHandshakeOutput, error)
}

// RoleAPI creates OrganizationAccountAccessRole in the old account.
type RoleAPI interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(context.Context, *iam.CreateRoleInput, ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	AttachRolePolicy(context.Context, *iam.AttachRolePolicyInput, ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
}

// AssumeRoleAPI proves the new management account can enter the old one.
type AssumeRoleAPI interface {
	AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

var (
	_ InviteAPI     = (*organizations.Client)(nil)
	_ OldOrgAPI     = (*organizations.Client)(nil)
	_ RoleAPI       = (*iam.Client)(nil)
	_ AssumeRoleAPI = (*sts.Client)(nil)
)

// NewSide is the new management account and its clients.
type NewSide struct {
	Account string
	Orgs    *orgs.Client
	Invite  InviteAPI
	STS     AssumeRoleAPI
}

// OldSide is the old, dirty account and its clients (its own credentials).
type OldSide struct {
	Account string
	Name    string // the name it gets in the design's accounts[]
	Orgs    OldOrgAPI
	IAM     RoleAPI
}

// NewManagement carries out way (a).
type NewManagement struct {
	New NewSide
	Old OldSide
}

// BlockedError says why the migration cannot start and what must happen
// first; the tool does not guess its way around it.
type BlockedError struct {
	Reason string
	Steps  []string
}

func (e *BlockedError) Error() string {
	var b strings.Builder
	b.WriteString(e.Reason)
	for i, s := range e.Steps {
		fmt.Fprintf(&b, "\n  %d. %s", i+1, s)
	}
	return b.String()
}

// Event is one finished step, for progress lines.
type Event struct {
	Step string // stable id: create-organization, transitional-ou, invite, accept, access-role, verify-role, move
	Done string // what happened: "created ...", "already ..."
}

// ManualStep is the part AWS does not let a tool do: opening the new account.
func ManualStep(oldEmail string) string {
	return ManualStepWith(oldEmail, "orgwizard migrate new-management --new-profile new-management --profile <the old account's profile>")
}

// ManualStepWith is ManualStep ending with run, the command that goes on
// once the account is open (with the design flag in use).
func ManualStepWith(oldEmail, run string) string {
	suggest := "a new mailbox, such as aws-management@your-domain"
	if local, domain, ok := strings.Cut(oldEmail, "@"); ok {
		suggest = fmt.Sprintf("a mailbox of its own, such as %s+management@%s or aws-management@%s", local, domain, domain)
	}
	return strings.Join([]string{
		"Open the new management account by hand (AWS allows no tool to do it for an account outside an organization):",
		"  1. Go to https://portal.aws.amazon.com/billing/signup and sign up with " + suggest + ".",
		"     The email must not belong to any AWS account yet; a team mailbox outlives any one person.",
		"  2. Sign in as the root user, turn on MFA for it, and add the billing details (the new account pays for the whole organization).",
		"  3. Create credentials for orgwizard in it (an IAM Identity Center user, or an IAM user with AdministratorAccess)",
		"     and a profile for them: aws configure sso --profile new-management (or aws configure --profile new-management).",
		"  4. Run: " + run,
		"See " + DocCreateAccount,
	}, "\n")
}

// Preflight checks that both accounts can take part, and returns a
// BlockedError when the old account must first leave or dissolve its
// organization, or the new one belongs to another.
func (m *NewManagement) Preflight(ctx context.Context) error {
	if m.New.Account == m.Old.Account {
		return &BlockedError{Reason: "the new management account and the old account are the same account (" + m.Old.Account + ")",
			Steps: []string{"Open a new account (orgwizard migrate new-management without flags explains how) and pass its credentials with --new-profile."}}
	}
	actual, err := m.New.Orgs.Read(ctx)
	switch {
	case errors.Is(err, orgs.ErrNotManagementAccount):
		return &BlockedError{Reason: fmt.Sprintf("the new account %s is a member of another organization", m.New.Account),
			Steps: []string{"Use an account that belongs to no organization as the new management account, or remove this one from its organization first (" + DocRemoveMember + ")."}}
	case err != nil:
		return err
	}
	newOrg := ""
	if actual.Organization != nil {
		newOrg = actual.Organization.ID
	}

	out, err := m.Old.Orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if orgs.IsNotInUse(err) {
		return nil // standalone: the usual case
	}
	if err != nil {
		return fmt.Errorf("organizations DescribeOrganization (old account): %w", err)
	}
	org := out.Organization
	if aws.ToString(org.Id) == newOrg && newOrg != "" {
		return nil // already a member of the new organization: a re-run
	}
	if aws.ToString(org.MasterAccountId) != m.Old.Account {
		return &BlockedError{Reason: fmt.Sprintf("the old account %s is a member of organization %s, managed by account %s", m.Old.Account, aws.ToString(org.Id), aws.ToString(org.MasterAccountId)),
			Steps: []string{
				"An account belongs to one organization at a time: have that organization's management account remove it, or leave it from the account itself (" + DocRemoveMember + ").",
				"Then run this command again.",
			}}
	}
	// The old account manages an organization. Its members cannot be
	// carried over automatically: each one must leave and be invited anew,
	// and whoever runs them must decide when.
	var members []string
	p := organizations.NewListAccountsPaginator(m.Old.Orgs, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("organizations ListAccounts (old account): %w", err)
		}
		for _, a := range page.Accounts {
			if aws.ToString(a.Id) != m.Old.Account {
				members = append(members, fmt.Sprintf("%s (%s)", aws.ToString(a.Name), aws.ToString(a.Id)))
			}
		}
	}
	if len(members) > 0 {
		return &BlockedError{Reason: fmt.Sprintf("the old account %s is the management account of organization %s, which has %d members: %s", m.Old.Account, aws.ToString(org.Id), len(members), strings.Join(members, ", ")),
			Steps: []string{
				"Decide, member by member, when it moves: a member that leaves loses the organization's guardrails, consolidated billing and any organization-wide service (CloudTrail, SSO) until it joins the new one.",
				"For each member: make sure it can stand alone (a payment method, a root user you can sign in to), then remove it from the old organization (" + DocRemoveMember + ").",
				"Invite each into the new organization (the new organization's management account sends the invitations; orgwizard apply with the account under accounts[] places it).",
				"When the old organization has no member left, delete it from the old account (" + DocDeleteOrg + ").",
				"Run this command again: the old account then joins the new organization like any other.",
			}}
	}
	return &BlockedError{Reason: fmt.Sprintf("the old account %s is the management account of organization %s, which has no other member", m.Old.Account, aws.ToString(org.Id)),
		Steps: []string{
			"An account can join an organization only when it belongs to none. Check that nothing relies on the old organization (organization-wide CloudTrail, IAM Identity Center, delegated administrators).",
			"Delete the empty organization from the old account: aws organizations delete-organization (" + DocDeleteOrg + ").",
			"Run this command again.",
		}}
}

// Run checks with Preflight, then carries out every step, reporting each
// one. Run it again after any failure: each step skips what is done.
func (m *NewManagement) Run(ctx context.Context, report func(Event)) error {
	if report == nil {
		report = func(Event) {}
	}
	if err := m.Preflight(ctx); err != nil {
		return err
	}
	rootID, done, err := m.ensureOrganization(ctx)
	if err != nil {
		return err
	}
	report(Event{"create-organization", done})

	ouID, done, err := m.ensureTransitional(ctx, rootID)
	if err != nil {
		return err
	}
	report(Event{"transitional-ou", done})

	member, err := m.isMember(ctx)
	if err != nil {
		return err
	}
	if member {
		report(Event{"invite", "account " + m.Old.Account + " is already a member"})
		report(Event{"accept", "nothing to accept"})
	} else {
		hs, done, err := m.invite(ctx)
		if err != nil {
			return err
		}
		report(Event{"invite", done})
		done, err = m.accept(ctx, hs)
		if err != nil {
			return err
		}
		report(Event{"accept", done})
	}

	done, err = m.ensureAccessRole(ctx)
	if err != nil {
		return err
	}
	report(Event{"access-role", done})
	if err := m.verifyRole(ctx); err != nil {
		return err
	}
	report(Event{"verify-role", "the new management account can assume " + AccessRoleName + " in " + m.Old.Account})

	done, err = m.moveToTransitional(ctx, ouID)
	if err != nil {
		return err
	}
	report(Event{"move", done})
	return nil
}

func (m *NewManagement) ensureOrganization(ctx context.Context) (rootID, done string, err error) {
	actual, err := m.New.Orgs.Read(ctx)
	if err != nil {
		return "", "", err
	}
	if actual.Organization != nil {
		if actual.Organization.FeatureSet != "ALL" {
			return "", "", &BlockedError{Reason: "the new account's organization has consolidated billing only", Steps: []string{
				"Enable all features (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html), then run this command again."}}
		}
		return actual.RootID, "organization " + actual.Organization.ID + " already exists", nil
	}
	rootID, err = m.New.Orgs.CreateOrganization(ctx)
	if err != nil {
		return "", "", err
	}
	return rootID, "created the organization (all features), root " + rootID, nil
}

// ensureTransitional finds or creates the Transitional OU under the root.
func (m *NewManagement) ensureTransitional(ctx context.Context, rootID string) (id, done string, err error) {
	actual, err := m.New.Orgs.Read(ctx)
	if err != nil {
		return "", "", err
	}
	for ouID, path := range actual.OUPaths() {
		if path == TransitionalOU {
			return ouID, "OU " + TransitionalOU + " already exists (" + ouID + ")", nil
		}
	}
	id, err = m.New.Orgs.CreateOU(ctx, rootID, TransitionalOU)
	if err != nil {
		return "", "", err
	}
	return id, "created OU " + TransitionalOU + " (" + id + ")", nil
}

func (m *NewManagement) isMember(ctx context.Context) (bool, error) {
	actual, err := m.New.Orgs.Read(ctx)
	if err != nil {
		return false, err
	}
	for _, a := range actual.Accounts {
		if a.ID == m.Old.Account {
			return true, nil
		}
	}
	return false, nil
}

// invite returns the open invitation of the old account, sending one when
// there is none.
func (m *NewManagement) invite(ctx context.Context) (string, string, error) {
	if id, err := m.openInvitation(ctx); err != nil || id != "" {
		return id, "invitation " + id + " is already open", err
	}
	out, err := m.New.Invite.InviteAccountToOrganization(ctx, &organizations.InviteAccountToOrganizationInput{
		Target: &types.HandshakeParty{Type: types.HandshakePartyTypeAccount, Id: aws.String(m.Old.Account)},
		Notes:  aws.String("orgwizard: the new management account invites the old one, which will run no more than a member does."),
	})
	var dup *types.DuplicateHandshakeException
	if errors.As(err, &dup) {
		id, err := m.openInvitation(ctx)
		return id, "invitation " + id + " is already open", err
	}
	if err != nil {
		return "", "", fmt.Errorf("organizations InviteAccountToOrganization %s: %w", m.Old.Account, err)
	}
	id := aws.ToString(out.Handshake.Id)
	return id, "invited account " + m.Old.Account + " (handshake " + id + ")", nil
}

func (m *NewManagement) openInvitation(ctx context.Context) (string, error) {
	p := organizations.NewListHandshakesForOrganizationPaginator(m.New.Invite, &organizations.ListHandshakesForOrganizationInput{
		Filter: &types.HandshakeFilter{ActionType: types.ActionTypeInviteAccountToOrganization}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("organizations ListHandshakesForOrganization: %w", err)
		}
		for _, h := range page.Handshakes {
			if h.State != types.HandshakeStateOpen && h.State != types.HandshakeStateRequested {
				continue
			}
			for _, p := range h.Parties {
				if p.Type == types.HandshakePartyTypeAccount && aws.ToString(p.Id) == m.Old.Account {
					return aws.ToString(h.Id), nil
				}
			}
		}
	}
	return "", nil
}

// accept accepts the invitation with the old account's credentials.
func (m *NewManagement) accept(ctx context.Context, handshakeID string) (string, error) {
	_, err := m.Old.Orgs.AcceptHandshake(ctx, &organizations.AcceptHandshakeInput{HandshakeId: aws.String(handshakeID)})
	var already *types.HandshakeAlreadyInStateException
	switch {
	case errors.As(err, &already):
		return "invitation " + handshakeID + " was already accepted", nil
	case err != nil:
		return "", fmt.Errorf("organizations AcceptHandshake %s (old account): %w", handshakeID, err)
	}
	return "account " + m.Old.Account + " accepted invitation " + handshakeID, nil
}

// TrustPolicy is the trust policy AWS gives OrganizationAccountAccessRole:
// the management account, and nobody else, may assume it.
func TrustPolicy(managementAccount string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + managementAccount + `:root"},"Action":"sts:AssumeRole"}]}`
}

// ensureAccessRole creates OrganizationAccountAccessRole in the old account,
// as AWS's guide for invited accounts does: trusted by the management
// account, with AdministratorAccess.
func (m *NewManagement) ensureAccessRole(ctx context.Context) (string, error) {
	_, err := m.Old.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(AccessRoleName)})
	var missing *iamtypes.NoSuchEntityException
	switch {
	case err == nil:
		// Attaching again is harmless and makes sure an interrupted run
		// that created the role also finished its policy.
		return "role " + AccessRoleName + " already exists", m.attachAdmin(ctx)
	case !errors.As(err, &missing):
		return "", fmt.Errorf("iam GetRole %s (old account): %w", AccessRoleName, err)
	}
	_, err = m.Old.IAM.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(AccessRoleName),
		AssumeRolePolicyDocument: aws.String(TrustPolicy(m.New.Account)),
		Description:              aws.String("Lets the management account " + m.New.Account + " administer this account (created by orgwizard, as AWS creates it in accounts it creates)"),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return "", fmt.Errorf("iam CreateRole %s (old account): %w", AccessRoleName, err)
	}
	if err := m.attachAdmin(ctx); err != nil {
		return "", err
	}
	return "created role " + AccessRoleName + " in " + m.Old.Account + ", trusting " + m.New.Account + ", with AdministratorAccess", nil
}

func (m *NewManagement) attachAdmin(ctx context.Context) error {
	_, err := m.Old.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(AccessRoleName), PolicyArn: aws.String(AdministratorAccess)})
	if err != nil {
		return fmt.Errorf("iam AttachRolePolicy %s (old account): %w", AccessRoleName, err)
	}
	return nil
}

// verifyRole assumes the role from the new management account: the
// migration is only done when the organization can really administer the
// old account.
func (m *NewManagement) verifyRole(ctx context.Context) error {
	_, err := m.New.STS.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::" + m.Old.Account + ":role/" + AccessRoleName),
		RoleSessionName: aws.String("orgwizard-migrate"),
	})
	if err != nil {
		return fmt.Errorf("sts AssumeRole into %s of %s: %w (IAM can take a few seconds to make a new role usable; run the command again)", AccessRoleName, m.Old.Account, err)
	}
	return nil
}

func (m *NewManagement) moveToTransitional(ctx context.Context, ouID string) (string, error) {
	actual, err := m.New.Orgs.Read(ctx)
	if err != nil {
		return "", err
	}
	for _, a := range actual.Accounts {
		if a.ID != m.Old.Account {
			continue
		}
		if a.ParentID == ouID {
			return "account " + m.Old.Account + " is already in " + TransitionalOU, nil
		}
		if err := m.New.Orgs.MoveAccount(ctx, a.ID, a.ParentID, ouID); err != nil {
			return "", err
		}
		return "moved account " + m.Old.Account + " to " + TransitionalOU, nil
	}
	return "", fmt.Errorf("account %s is not in the organization after accepting the invitation", m.Old.Account)
}

// RecordInDesign adds the old account to the design's accounts[] in the
// Transitional OU, and turns that OU on. It reports whether the design
// changed; a design that already names the account is left as it is.
func RecordInDesign(d *orgmodel.Design, name, id string) bool {
	changed := !d.Foundation.Transitional
	d.Foundation.Transitional = true
	for _, a := range d.Accounts {
		if a.ID == id {
			return changed
		}
	}
	d.Accounts = append(d.Accounts, orgmodel.AdoptedAccount{Name: name, ID: id, OU: TransitionalOU})
	return true
}

// FromConfigs builds way (a) from the two accounts' configurations: newCfg
// acts as the new management account, oldCfg as the old account.
func FromConfigs(newCfg aws.Config, newAccount string, oldCfg aws.Config, oldAccount, oldName string) *NewManagement {
	newOrgs := organizations.NewFromConfig(newCfg)
	return &NewManagement{
		New: NewSide{Account: newAccount, Orgs: orgs.New(newOrgs, 4), Invite: newOrgs, STS: sts.NewFromConfig(newCfg)},
		Old: OldSide{Account: oldAccount, Name: oldName, Orgs: organizations.NewFromConfig(oldCfg), IAM: iam.NewFromConfig(oldCfg)},
	}
}

// WayOut is one of the two ways out, for the wizard and the audit.
type WayOut struct {
	Name    string // "new-management" or "runbook"
	Title   string
	Command string // the command line that carries it out
	Gives   string
	Costs   string
}

// WaysOut are the two ways out of a dirty management account and their
// trade-off, worded for someone choosing between them.
var WaysOut = []WayOut{
	{
		Name: "new-management", Title: "Open a new, clean management account",
		Command: "orgwizard migrate new-management --new-profile NEW --profile OLD",
		Gives:   "Quick: an hour, and nothing that runs is touched. The old account, workloads and all, becomes a member in the Transitional OU, where guardrails apply to it.",
		Costs:   "You open and secure one more account by hand (new root email, MFA, billing). Anything tied to the old account being the payer (Reserved Instances, Savings Plans, the billing history, marketplace subscriptions) stays with it.",
	},
	{
		Name: "runbook", Title: "Move the resources out to member accounts",
		Command: "orgwizard migrate runbook --design FILE --out runbook.md",
		Gives:   "The account keeps its id, its email and its billing history as the management account; every workload ends in the account it belongs to (per workload, environment and region).",
		Costs:   "Slow: one migration and cut-over per resource (snapshots, replication, DNS changes), weeks for a running business; until the last one, the workloads run where no guardrail reaches them.",
	},
}

// TradeOff is WaysOut as text, for a terminal.
func TradeOff() string {
	var b strings.Builder
	b.WriteString("The management account runs workloads. Service control policies never restrict it, so they escape every guardrail. Two ways out:\n")
	for i, w := range WaysOut {
		fmt.Fprintf(&b, "\n(%c) %s\n    + %s\n    - %s\n    %s\n", 'a'+i, w.Title, w.Gives, w.Costs, w.Command)
	}
	return b.String()
}
