package wizard

import (
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func expansionDesign() *orgmodel.Design {
	d := NewDesign()
	d.Organization = orgmodel.Organization{Name: "acme", Email: "aws@acme.example", HomeRegion: "eu-west-1"}
	d.Environments = []orgmodel.Environment{{Name: "dev"}, {Name: "prod"}}
	d.Workloads = []orgmodel.Workload{{Name: "payments"}}
	return d
}

// The expansion is made once while the design stays as it is, and again
// as soon as anything in it changes, in place or by another design.
func TestExpansionExpandsAgainOnlyWhenTheDesignChanges(t *testing.T) {
	var x Expansion
	d := expansionDesign()
	first, err := x.Of(d)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := d.Expand()
	if len(first.Accounts) != len(want.Accounts) {
		t.Fatalf("Of gives %d accounts, Expand %d", len(first.Accounts), len(want.Accounts))
	}
	for range 5 {
		if again, _ := x.Of(d); again != first {
			t.Fatal("an unchanged design was expanded again")
		}
	}
	if n := x.Expansions(); n != 1 {
		t.Fatalf("%d expansions of an unchanged design, want 1", n)
	}

	d.Workloads = append(d.Workloads, orgmodel.Workload{Name: "website"})
	changed, err := x.Of(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(changed.Accounts) != len(first.Accounts)+2 || x.Expansions() != 2 {
		t.Fatalf("after adding a workload in place: %d accounts (was %d), %d expansions; want 2 more accounts and a second expansion",
			len(changed.Accounts), len(first.Accounts), x.Expansions())
	}

	// A deeper change: a field inside a list element.
	d.Environments[1].Name = "production"
	if tr, _ := x.Of(d); x.Expansions() != 3 || !hasAccount(tr, "payments-production") {
		t.Fatalf("renaming an environment in place was not seen (%d expansions)", x.Expansions())
	}

	// The same content in another design is that design's expansion.
	other := Clone(d)
	if tr, _ := x.Of(other); tr == changed || x.Expansions() != 4 {
		t.Fatalf("another design with the same content shares the first one's expansion (%d expansions)", x.Expansions())
	}

	// An error is kept too, and goes once the design is mended.
	other.Organization.Name = ""
	if _, err := x.Of(other); err == nil {
		t.Fatal("a design without a name expands")
	}
	other.Organization.Name = "acme"
	if _, err := x.Of(other); err != nil {
		t.Fatalf("the mended design: %v", err)
	}
	if x.Expansions() != 6 {
		t.Fatalf("%d expansions, want 6", x.Expansions())
	}
}

// Settled counts a design whose environment is split by residency before
// any residency is chosen as Settle leaves it, and keeps that too.
func TestExpansionSettled(t *testing.T) {
	var x Expansion
	d := expansionDesign()
	d.Environments[1].PerResidency = true
	if _, err := x.Of(d); err == nil {
		t.Fatal("a split with no residency expands; this test needs it refused")
	}
	tr, err := x.Settled(d)
	if err != nil {
		t.Fatalf("Settled: %v", err)
	}
	if !hasAccount(tr, "payments-prod") {
		t.Errorf("the settled design has no payments-prod: %v", names(tr))
	}
	if !d.Environments[1].PerResidency {
		t.Error("Settled changed the design itself")
	}
	n := x.Expansions()
	if again, _ := x.Settled(d); again != tr || x.Expansions() != n {
		t.Error("Settled expanded an unchanged design again")
	}
	d.Residencies = []orgmodel.Residency{{Name: "eu", Regions: []string{"eu-west-1"}}}
	d.Workloads[0].Residencies = []string{"eu"}
	tr, err = x.Settled(d)
	if err != nil || !hasAccount(tr, "payments-prod-eu") {
		t.Errorf("with a residency: %v, %v", names(tr), err)
	}
	// Nothing to settle: the design's own error.
	d.Organization.Name = ""
	if _, err := x.Settled(d); err == nil {
		t.Error("Settled hides the design's error")
	}
}

func hasAccount(t *orgmodel.Tree, name string) bool {
	if t == nil {
		return false
	}
	for _, a := range t.Accounts {
		if a.Name == name {
			return true
		}
	}
	return false
}

func names(t *orgmodel.Tree) []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, a := range t.Accounts {
		out = append(out, a.Name)
	}
	return out
}
