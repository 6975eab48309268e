package wizard

import (
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func TestIdentityGate(t *testing.T) {
	tree := &orgmodel.Tree{Organization: "acme", Access: &orgmodel.AccessTree{}}
	for _, c := range []struct {
		gate       IdentityGate
		next       GateAction
		withAccess bool
	}{
		{IdentityGate{}, GateGoOn, true},
		{IdentityGate{Access: true}, GateOrgFirst, false},
		{IdentityGate{Access: true, OrgExists: true}, GateAsk, true},
		{IdentityGate{Access: true, OrgExists: true, On: true}, GateGoOn, true},
		{IdentityGate{Access: true, On: true}, GateGoOn, true},
		{IdentityGate{Access: true, Skipped: true}, GateGoOn, false},
		{IdentityGate{Access: true, Skipped: true, OrgExists: true}, GateGoOn, false},
	} {
		if got := c.gate.Next(); got != c.next {
			t.Errorf("%+v: Next = %v, want %v", c.gate, got, c.next)
		}
		planned := c.gate.PlanTree(tree)
		if (planned.Access != nil) != c.withAccess || planned.Organization != "acme" {
			t.Errorf("%+v: PlanTree has access %v, want %v", c.gate, planned.Access != nil, c.withAccess)
		}
	}
	if tree.Access == nil {
		t.Error("PlanTree changed the tree it was given")
	}
}
