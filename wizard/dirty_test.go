package wizard

import (
	"errors"
	"strings"
	"testing"
)

func TestInventoryStateNeverCallsAnIncompleteSweepClean(t *testing.T) {
	cases := []struct {
		name string
		inv  Inventory
		want Cleanliness
		line string
	}{
		{"not taken", Inventory{}, NotSwept, "not taken"},
		{"clean", Inventory{Taken: true, Regions: 17}, Clean, "nothing runs here (17 regions swept): the account is clean."},
		{"dirty", Inventory{Taken: true, Found: 5, Summary: "2 ec2 instances, 3 s3 buckets", Regions: 17}, Dirty, "5 resources run here: 2 ec2 instances, 3 s3 buckets."},
		{"dirty and incomplete", Inventory{Taken: true, Found: 1, Summary: "1 s3 bucket", NotRead: []string{"rds in eu-west-1 (access-denied)"}}, Dirty, "Not read: rds in eu-west-1 (access-denied)."},
		{"incomplete", Inventory{Taken: true, NotRead: []string{"a", "b", "c", "d"}}, Incomplete, "the inventory is incomplete: 4 listings not read (a, b, c and 1 more)"},
	}
	for _, c := range cases {
		if got := c.inv.State(); got != c.want {
			t.Errorf("%s: State() = %v, want %v", c.name, got, c.want)
		}
		if got := c.inv.Line(); !strings.Contains(got, c.line) {
			t.Errorf("%s: Line() = %q, want it to contain %q", c.name, got, c.line)
		}
		if c.want == Incomplete && strings.Contains(c.inv.Line(), "is clean") {
			t.Errorf("%s: an incomplete inventory is called clean: %q", c.name, c.inv.Line())
		}
		if NeedsWayOut(c.inv) != (c.want == Dirty) {
			t.Errorf("%s: NeedsWayOut = %v", c.name, NeedsWayOut(c.inv))
		}
	}
}

func TestAfterWayOut(t *testing.T) {
	if got := AfterWayOut(WayNewManagement, Preview); got != Preflight {
		t.Errorf("way (a) goes to %s, want it to stay at the preflight", got)
	}
	for _, w := range []Way{WayRunbook, WayContinue} {
		if got := AfterWayOut(w, Workloads); got != Workloads {
			t.Errorf("%s goes to %s, want the step the user resumes at", w, got)
		}
	}
}

func TestMigrationStepsAreTheEngineSteps(t *testing.T) {
	ids := []string{"create-organization", "transitional-ou", "invite", "accept", "access-role", "verify-role", "move"}
	if len(MigrationSteps) != len(ids) {
		t.Fatalf("%d steps, want %d", len(MigrationSteps), len(ids))
	}
	for i, id := range ids {
		if MigrationStepIndex(id) != i || MigrationSteps[i].Title == "" {
			t.Errorf("step %s is not at %d with a title", id, i)
		}
	}
	if MigrationStepIndex("nope") != -1 {
		t.Error("an unknown step has an index")
	}
}

func TestConfirmMigration(t *testing.T) {
	for _, a := range []string{"", "yes", " YES ", "y", "222222222222"} {
		if err := ConfirmMigration(a, true, "222222222222"); err != nil {
			t.Errorf("sandbox, %q: %v", a, err)
		}
	}
	for _, a := range []string{"", "yes", "111111111111", "22222222222"} {
		err := ConfirmMigration(a, false, "222222222222")
		if !errors.Is(err, ErrNotConfirmed) || !strings.Contains(err.Error(), "222222222222") {
			t.Errorf("AWS, %q: %v, want a refusal naming the id", a, err)
		}
	}
	if err := ConfirmMigration("222222222222", false, "222222222222"); err != nil {
		t.Errorf("AWS with the id typed: %v", err)
	}
}

func TestChecklistCleanComesFromTheInventory(t *testing.T) {
	d := acme(t)
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	a := converged(tree)
	clean := func(v Verified) CheckItem {
		v.Caller, v.Actual = "111111111111", a
		items := Checklist(tree, v)
		return items[len(items)-1]
	}
	if c := clean(Verified{}); c.Status != Unknown {
		t.Errorf("no inventory: %+v", c)
	}
	if c := clean(Verified{Inventory: Inventory{Taken: true, NotRead: []string{"ec2 in eu-west-1 (access-denied)"}}}); c.Status != Unknown || !strings.Contains(c.Detail, "incomplete") {
		t.Errorf("incomplete: %+v", c)
	}
	dirty := Inventory{Taken: true, Found: 2, Summary: "2 s3 buckets"}
	if c := clean(Verified{Inventory: dirty}); c.Status != Fail || !strings.Contains(c.Detail, "orgwizard migrate") {
		t.Errorf("dirty: %+v", c)
	}
	if c := clean(Verified{Inventory: dirty, Runbook: RunbookProgressCommand(RunbookFile, "", nil)}); c.Status != Fail || !strings.Contains(c.Detail, "orgwizard audit --runbook orgwizard-runbook.md") {
		t.Errorf("dirty with a runbook: %+v", c)
	}
	if c := clean(Verified{Inventory: Inventory{Taken: true, Regions: 3}}); c.Status != Pass {
		t.Errorf("clean: %+v", c)
	}
}

// The home region proposed is where most resources run, for a new design
// only: a design the user wrote keeps its own.
func TestProposeHomeRegion(t *testing.T) {
	inv := Inventory{Taken: true, Found: 27, ByRegion: map[string]int{"eu-west-1": 16, "us-east-1": 8}}
	d := NewDesign()
	if line := ProposeHomeRegion(d, inv, true); d.Organization.HomeRegion != "eu-west-1" || line != "Proposed: eu-west-1, where 16 of the 24 resources in regions run." {
		t.Errorf("proposed %s: %q", d.Organization.HomeRegion, line)
	}
	mine := NewDesign()
	mine.Organization.HomeRegion = "us-west-2"
	if line := ProposeHomeRegion(mine, inv, false); line != "" || mine.Organization.HomeRegion != "us-west-2" {
		t.Errorf("a written design's home region changed: %s %q", mine.Organization.HomeRegion, line)
	}
	if line := ProposeHomeRegion(NewDesign(), Inventory{Taken: true}, true); line != "" {
		t.Errorf("a clean account proposed %q", line)
	}
	tie := Inventory{ByRegion: map[string]int{"us-east-1": 2, "eu-west-1": 2}}
	if r, n := tie.BusiestRegion(); r != "eu-west-1" || n != 2 {
		t.Errorf("a tie: %s %d", r, n)
	}
}
