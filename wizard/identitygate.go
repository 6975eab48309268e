package wizard

import "github.com/orgwizard/orgwizard/orgmodel"

// IdentityGate is what the wizard knows, before an apply, of the design's
// access and of IAM Identity Center: the one place that decides what comes
// next (apply the organization first, ask for Identity Center, or go on)
// and which tree to plan. The full screen and accessible mode both present
// it.
type IdentityGate struct {
	// Access: the design has an access block; Skipped: the user chose to
	// apply without it this time.
	Access, Skipped bool
	// On: Identity Center was last read on; OrgExists: the target has the
	// organization (read so, or applied in this run). The organization's
	// Identity Center is turned on in an organization, so a new one is
	// applied first, without its access part.
	On, OrgExists bool
}

// GateAction is what the gate asks for next.
type GateAction int

const (
	// GateGoOn: nothing to ask; plan and apply PlanTree.
	GateGoOn GateAction = iota
	// GateOrgFirst: the organization does not exist yet: apply PlanTree
	// (the tree without its access part), then ask for Identity Center.
	GateOrgFirst
	// GateAsk: read whether Identity Center is on; while it is off, say
	// what to click (IdentityCenterSteps), check again, or skip access.
	GateAsk
)

// Pending reports whether the design's access waits for Identity Center.
func (g IdentityGate) Pending() bool { return g.Access && !g.Skipped && !g.On }

// Next is what the gate asks for now.
func (g IdentityGate) Next() GateAction {
	switch {
	case !g.Pending():
		return GateGoOn
	case !g.OrgExists:
		return GateOrgFirst
	}
	return GateAsk
}

// PlanTree is the tree to plan now: t without its access part while access
// is skipped, or while the organization it waits for does not exist yet;
// else t.
func (g IdentityGate) PlanTree(t *orgmodel.Tree) *orgmodel.Tree {
	if t == nil || t.Access == nil || !g.Skipped && g.Next() != GateOrgFirst {
		return t
	}
	c := *t
	c.Access = nil
	return &c
}
