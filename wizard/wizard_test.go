package wizard

import (
	"os"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func acme(t *testing.T) *orgmodel.Design {
	t.Helper()
	data, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStepsFollowInOrderAndBackStopsAtApply(t *testing.T) {
	for i, s := range Steps {
		if int(s) != i || s.Info().ID == "" || s.Info().Title == "" || s.Info().Workshop == "" {
			t.Errorf("step %d is not described: %+v", i, s.Info())
		}
		if got, ok := ParseStep(s.String()); !ok || got != s {
			t.Errorf("ParseStep(%q) = %v, %v", s, got, ok)
		}
	}
	if Next(Basics) != Workloads || Next(Done) != Done {
		t.Error("Next is not the next step")
	}
	for s, want := range map[Step]Step{Target: Target, Basics: Target, Workloads: Basics, Access: Guardrails, Preview: Access, Confirm: Preview, Apply: Apply, Done: Done} {
		if got := Prev(s); got != want {
			t.Errorf("Prev(%s) = %s, want %s", s, got, want)
		}
	}
	if len(Apply.Info().Calls) == 0 || !strings.Contains(strings.Join(Apply.Info().Calls, " "), "CreateAccount") {
		t.Error("the apply step must list the AWS calls it makes")
	}
}

func TestCheckUsesOrgmodelMessages(t *testing.T) {
	d := NewDesign()
	d.Organization.Name = "Acme"
	err := Check(Basics, d)
	if err == nil || !strings.Contains(err.Error(), `not a valid name`) || !strings.Contains(err.Error(), `"acme"`) {
		t.Fatalf("Check(Basics) = %v, want orgmodel's naming message with a suggestion", err)
	}
	d.Organization.Name = "acme"
	if err := Check(Basics, d); err == nil || !strings.Contains(err.Error(), "mailbox") {
		t.Fatalf("Check(Basics) without a mailbox = %v", err)
	}
	d.Organization.EmailTemplate = "aws@acme.example"
	if err := Check(Basics, d); err == nil || !strings.Contains(err.Error(), "{account}") {
		t.Fatalf("a template without {account}: %v", err)
	}
	d.Organization.EmailTemplate = "aws-{account}@acme.example"
	d.Organization.HomeRegion = "eu-west-7"
	if err := Check(Basics, d); err == nil || !strings.Contains(err.Error(), "not an AWS region") {
		t.Fatalf("a bad region: %v", err)
	}
	d.Organization.HomeRegion = "eu-west-1"
	if err := Check(Basics, d); err != nil {
		t.Fatal(err)
	}
	if err := Check(Workloads, d); err == nil {
		t.Fatal("no workload must not pass")
	}
}

func TestWorkloadsAndResidencies(t *testing.T) {
	d := NewDesign()
	if err := PutWorkload(d, -1, orgmodel.Workload{Name: "payments"}); err != nil {
		t.Fatal(err)
	}
	if err := PutWorkload(d, -1, orgmodel.Workload{Name: "payments"}); err == nil {
		t.Fatal("a duplicate workload must be refused")
	}
	if err := PutWorkload(d, -1, orgmodel.Workload{Name: "Web Site"}); err == nil || !strings.Contains(err.Error(), "web-site") {
		t.Fatalf("a bad name: %v", err)
	}
	eu, _ := PresetByName("eu")
	if err := AddResidency(d, orgmodel.Residency{Name: eu.Name, Regions: eu.Regions}); err != nil {
		t.Fatal(err)
	}
	if got := d.Workloads[0].Residencies; len(got) != 1 || got[0] != "eu" {
		t.Fatalf("the first residency must be served by every workload: %v", got)
	}
	if err := AddResidency(d, orgmodel.Residency{Name: "de", Regions: []string{"eu-central-1"}}); err == nil || !strings.Contains(err.Error(), "eu-central-1") {
		t.Fatalf("a region in two residencies: %v", err)
	}
	us, _ := PresetByName("us")
	if err := AddResidency(d, orgmodel.Residency{Name: us.Name, Regions: us.Regions}); err != nil {
		t.Fatal(err)
	}
	if got := d.Workloads[0].Residencies; len(got) != 1 {
		t.Fatalf("a second residency must not be added to workloads silently: %v", got)
	}
	if err := PutWorkload(d, -1, orgmodel.Workload{Name: "website"}); err != nil || len(d.Workloads[1].Residencies) != 2 {
		t.Fatalf("a new workload serves every residency: %v %v", err, d.Workloads[1].Residencies)
	}
	RemoveResidency(d, "eu")
	if got := d.Workloads[0].Residencies; len(got) != 0 {
		t.Fatalf("removing a residency removes it from workloads: %v", got)
	}
	if err := Check(Residency, d); err == nil || !strings.Contains(err.Error(), "payments") {
		t.Fatalf("a workload serving nothing: %v", err)
	}
	RemoveResidency(d, "us")
	if changed := Settle(d); len(changed) != 1 || changed[0] != "prod" || d.Environments[2].PerResidency {
		t.Fatalf("Settle without residency: %v", changed)
	}
}

func TestPresetsShareNoRegion(t *testing.T) {
	seen := map[string]string{}
	for _, p := range Presets {
		if err := orgmodel.CheckResidencyName(p.Name); err != nil {
			t.Errorf("preset %s: %v", p.Name, err)
		}
		for _, r := range p.Regions {
			if err := orgmodel.CheckRegion(r); err != nil {
				t.Errorf("preset %s: %v", p.Name, err)
			}
			if other, ok := seen[r]; ok {
				t.Errorf("region %s is in presets %s and %s", r, other, p.Name)
			}
			seen[r] = p.Name
		}
	}
}

func TestExampleEmailsFollowTheMailbox(t *testing.T) {
	d := NewDesign()
	d.Organization.Email = "aws@acme.example"
	got, err := ExampleEmails(d, 2)
	if err != nil || len(got) != 2 || got[0] != "aws+log-archive@acme.example" {
		t.Fatalf("ExampleEmails = %v, %v", got, err)
	}
	d.Organization.Email = "aws@"
	if _, err := ExampleEmails(d, 2); err == nil {
		t.Fatal("an invalid mailbox gives the checker's message")
	}
}

func TestEncodeDecodeResumes(t *testing.T) {
	d := NewDesign()
	d.Organization = orgmodel.Organization{Name: "acme", Email: "aws@acme.example", HomeRegion: "eu-west-1"}
	data := Encode(d, Environments)
	got, reached, err := Decode(data)
	if err != nil || reached != Environments {
		t.Fatalf("Decode = %v, %v", reached, err)
	}
	// No workload yet: the user goes on at the workloads step.
	if s := Resume(got, reached); s != Workloads {
		t.Fatalf("Resume = %s, want workloads", s)
	}
	got.Workloads = []orgmodel.Workload{{Name: "app"}}
	if s := Resume(got, reached); s != Environments {
		t.Fatalf("Resume = %s, want environments", s)
	}
	Settle(got)
	if s := Resume(got, Done); s != Preview {
		t.Fatalf("Resume after applying = %s, want preview", s)
	}
	// A file written by hand has no marker: its user is done designing.
	a := acme(t)
	if _, reached, _ := Decode(orgmodel.Format(a)); reached != Preview {
		t.Fatalf("a design without marker resumes at %s", reached)
	}
	if _, _, err := Decode([]byte("version: [")); err == nil {
		t.Fatal("broken YAML must be an error")
	}
}

func TestChecklistFromActual(t *testing.T) {
	d := acme(t)
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	// Nothing exists: everything fails.
	items := Checklist(tree, Verified{Caller: "111111111111", Actual: &orgmodel.Actual{}})
	if Passed(items) != 0 {
		t.Fatalf("nothing exists, yet %d checks pass: %+v", Passed(items), items)
	}
	// Everything exists as designed.
	a := converged(tree)
	items = Checklist(tree, Verified{Caller: "111111111111", Actual: a, Inventory: Inventory{Taken: true, Regions: 17}})
	if Passed(items) != len(items) {
		t.Fatalf("converged, yet: %+v", items)
	}
	titles := ""
	for _, c := range items {
		titles += c.Title + "\n"
	}
	for _, want := range []string{"Management account\n", "workload payments", "environment prod", "residency eu", "Region lock eu", "Management account clean"} {
		if !strings.Contains(titles, want) {
			t.Errorf("checklist lacks %q:\n%s", want, titles)
		}
	}
	// One account in the wrong OU fails its workload, environment and residency.
	for i := range a.Accounts {
		if a.Accounts[i].Name == "website-prod-eu" {
			a.Accounts[i].ParentID = "r-root"
		}
	}
	items = Checklist(tree, Verified{Caller: "111111111111", Actual: a, Inventory: Inventory{Taken: true, Found: 3, Summary: "3 ec2 instances", Regions: 17}})
	if failed := len(items) - Passed(items); failed != 4 {
		t.Fatalf("want 4 failures (workload, environment, residency, clean), got %d: %+v", failed, items)
	}
}

// converged builds the Actual of an organization that matches tree.
func converged(tree *orgmodel.Tree) *orgmodel.Actual {
	a := &orgmodel.Actual{
		Organization: &orgmodel.ActualOrganization{ID: "o-1", ManagementAccountID: "111111111111", FeatureSet: "ALL"},
		RootID:       "r-root", SCPEnabled: true,
	}
	ids := map[string]string{"": "r-root"}
	for i, o := range tree.OUs {
		id := "ou-" + string(rune('a'+i))
		ids[o.Path] = id
		a.OUs = append(a.OUs, orgmodel.ActualOU{ID: id, ParentID: ids[o.Parent], Name: o.Name})
	}
	a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: "111111111111", Name: "main", Email: "main@acme.example", ParentID: "r-root"})
	names := map[orgmodel.Target]string{{Type: orgmodel.TargetRoot, Name: "Root"}: "r-root"}
	for path, id := range ids {
		names[orgmodel.Target{Type: orgmodel.TargetOU, Name: path}] = id
	}
	for i, acc := range tree.Accounts {
		id := strings.Repeat(string(rune('2'+i%8)), 12)
		a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: id, Name: acc.Name, Email: acc.Email, ParentID: ids[acc.OU], Tags: acc.Tags})
		names[orgmodel.Target{Type: orgmodel.TargetAccount, Name: acc.Name}] = id
	}
	for i, p := range tree.Policies {
		ap := orgmodel.ActualPolicy{ID: "p-" + string(rune('a'+i)), Name: p.Name, Content: p.Content}
		for _, t := range p.Targets {
			ap.Targets = append(ap.Targets, names[t])
		}
		a.Policies = append(a.Policies, ap)
	}
	return a
}
