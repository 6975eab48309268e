package ui

import (
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// How to get in counts people as the expansion makes users: one per
// address, whatever its spelling in each group.
func TestGetInCountsPeopleOnce(t *testing.T) {
	d := acmeDesign(t)
	if err := d.SetAccess(&orgmodel.Access{Groups: []orgmodel.GroupSpec{
		{Name: "payments-team", Members: []string{"Ana@acme.example", "bo@acme.example"}, Grants: []orgmodel.Grant{{PermissionSet: "admin", Workload: []string{"payments"}}}},
		{Name: "auditors", Members: []string{"ana@acme.example"}, Grants: []orgmodel.Grant{{PermissionSet: "read-only", Accounts: []string{orgmodel.AllAccounts}}}},
	}}); err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range []*orgmodel.Tree{nil, tree} {
		if g := getIn(d, "acme.yaml", TargetInfo{}, nil, false, tr, nil); g.Members != 2 {
			t.Errorf("tree %v: %d members, want 2 (Ana and ana are one person)", tr != nil, g.Members)
		}
	}
}
