// Package ui is the wizard's terminal interface: Bubble Tea models and views
// over the steps package wizard defines. It reaches AWS only through Backend,
// which the command line implements over its target session.
package ui

import (
	"context"

	"github.com/orgwizard/orgwizard/aws/apply"
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
	// Plan reads the organization and plans the way to tree.
	Plan(ctx context.Context, tree *orgmodel.Tree) (*orgmodel.Plan, *orgmodel.Actual, error)
	// Apply carries the plan out, reporting each event.
	Apply(ctx context.Context, plan *orgmodel.Plan, actual *orgmodel.Actual, onEvent func(apply.Event)) error
	// Verify reads back what exists, for the checklist.
	Verify(ctx context.Context) (wizard.Verified, error)
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
}

// Preflight is what the wizard learns before designing.
type Preflight struct {
	AccountID string
	// Organization is nil when the account is standalone.
	Organization *orgmodel.ActualOrganization
	Accounts     int // member accounts, the management account included
	Quota        int
	QuotaSource  string
	// Resources is how many resources the inventory found (-1: not read),
	// Inventory a one-line summary of them.
	Resources int
	Inventory string
}

// Management reports whether the account may build the organization: it is
// standalone (the wizard creates one) or the management account.
func (p Preflight) Management() bool {
	return p.Organization == nil || p.Organization.ManagementAccountID == p.AccountID
}
