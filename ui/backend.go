// Package ui is the wizard's terminal interface: Bubble Tea models and views
// over the steps package wizard defines. It reaches AWS only through Backend,
// which the command line implements over its target session.
package ui

import (
	"context"
	"fmt"

	"github.com/orgwizard/orgwizard/audit"
	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// Backend is everything the wizard asks of AWS (or of the sandbox).
type Backend interface {
	// Targets are the targets to offer, the one the flags chose first.
	Targets() []TargetChoice
	// Connect opens a target; later calls act on it.
	Connect(ctx context.Context, choice TargetChoice) (TargetInfo, error)
	// Preflight checks who the credentials are and what exists.
	Preflight(ctx context.Context) (Preflight, error)
	// Inventory sweeps the connected account for what runs in it, calling
	// progress after each listing, never concurrently. Its error is only
	// ctx's end: what did not answer is in the result's Problems.
	Inventory(ctx context.Context, progress func(inventory.Progress)) (*inventory.Result, error)
	// NewManagementChoices are the accounts that may become the new
	// management account (way out (a)): on the sandbox its clean account,
	// on AWS the profiles.
	NewManagementChoices() []TargetChoice
	// PrepareNewManagement opens the chosen account beside the connected
	// one and checks that both can take part; a *migrate.BlockedError says
	// what must happen first.
	PrepareNewManagement(ctx context.Context, choice TargetChoice) (NewManagement, error)
	// RunNewManagement carries way (a) out, reporting each step. When it
	// succeeds the backend acts as the new management account from then on,
	// and says so.
	RunNewManagement(ctx context.Context, onEvent func(migrate.Event)) (TargetInfo, error)
	// Plan reads the organization and plans the way to tree.
	Plan(ctx context.Context, tree *orgmodel.Tree) (*orgmodel.Plan, *orgmodel.Actual, error)
	// Apply carries the plan out, reporting each event.
	Apply(ctx context.Context, plan *orgmodel.Plan, actual *orgmodel.Actual, onEvent func(apply.Event)) error
	// Verify reads back what exists, for the checklist.
	Verify(ctx context.Context) (wizard.Verified, error)
	// Costs reads this month's spend of the organization (from the
	// management account) and its budgets' use: from the costs command's
	// cache when it is fresh, unless refresh.
	Costs(ctx context.Context, refresh bool) (CostsReport, error)
	// IdentityCenter reads whether the organization has its IAM Identity
	// Center instance (ListInstances), looking in region, the design's
	// home region: Identity Center is regional.
	IdentityCenter(ctx context.Context, region string) (IdentityCenter, error)
	// EnableIdentityCenter does, on the sandbox, the console's one click that
	// turns the organization's instance on in region; elsewhere it refuses,
	// since AWS has no API for it from the management account.
	EnableIdentityCenter(ctx context.Context, region string) (IdentityCenter, error)
}

// IdentityCenter is what the wizard knows of the organization's IAM
// Identity Center instance.
type IdentityCenter struct {
	// Enabled is false when the organization has no instance; nothing else
	// is known then.
	Enabled         bool
	InstanceARN     string
	IdentityStoreID string
	Region          string
	// PortalURL is the AWS access portal's start URL.
	PortalURL string
}

// CostsReport is what the costs screen draws: the spend (grouped on the
// screen by the design's tree, which the wizard fills in), where it came
// from, and each budget's use.
type CostsReport struct {
	Input costview.Input
	Fetch costview.Fetch
	// Budgets are the cost budgets, the most used first; BudgetsErr says
	// why they could not be read (the spend is shown all the same).
	Budgets    []costs.BudgetUse
	BudgetsErr error
	// CacheErr says the answer could not be kept: the next view asks again.
	CacheErr error
}

// TargetChoice is one target the user may pick.
type TargetChoice struct {
	Label   string // one line, shown in the list
	Sandbox bool
	Profile string // an AWS profile; empty for the default credential chain
}

// TargetInfo describes the connected target.
type TargetInfo struct {
	Describe  string // the text every screen shows
	AccountID string
	Sandbox   bool
	// Args are the command-line flags that reach this target (such as
	// --sandbox-state FILE or --profile NAME), for the commands the wizard
	// suggests.
	Args []string
}

// Preflight is what the wizard learns before designing.
type Preflight struct {
	AccountID string
	// Organization is nil when the account is standalone.
	Organization *orgmodel.ActualOrganization
	Accounts     int // member accounts, the management account included
	// Emails are the accounts' emails, to count which of the design's
	// accounts exist already.
	Emails      []string
	Quota       int
	QuotaSource string
}

// NewManagement is a prepared way (a): the account that becomes the
// management account and the one that joins it.
type NewManagement struct {
	NewAccount  string
	NewDescribe string
	OldAccount  string
	// OldName is the old account's name in the design's accounts[].
	OldName string
	Sandbox bool
}

// InventoryOf reduces a sweep to what the wizard decides on.
func InventoryOf(res *inventory.Result) wizard.Inventory {
	if res == nil {
		return wizard.Inventory{}
	}
	inv := wizard.Inventory{Taken: true, Found: len(res.Items), Summary: audit.DirtySummary(res), Regions: len(res.Regions), ByRegion: map[string]int{}}
	for _, it := range res.Items {
		if it.Region != inventory.GlobalRegion {
			inv.ByRegion[it.Region]++
		}
	}
	for _, p := range res.Problems {
		inv.NotRead = append(inv.NotRead, fmt.Sprintf("%s in %s (%s)", p.Service, p.Region, p.Kind))
	}
	return inv
}

// Management reports whether the account may build the organization: it is
// standalone (the wizard creates one) or the management account.
func (p Preflight) Management() bool {
	return p.Organization == nil || p.Organization.ManagementAccountID == p.AccountID
}
