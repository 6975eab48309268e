package orgmodel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every example in examples/ parses, expands, and reads back through Format
// and through Update unchanged; a new example is covered by being there.
func TestEveryExample(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	if err != nil || len(paths) < 4 {
		t.Fatalf("examples: %v %v", paths, err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			expand(t, d)
			roundTrip(t, d)
			if out, kept := Update(src, d); !kept || string(out) != string(src) {
				t.Errorf("Update of the unchanged example changed it (kept %t):\n%s", kept, out)
			}
		})
	}
}

// acme-secure.yaml holds both blocks, with the values the README shows.
func TestSecureExample(t *testing.T) {
	d := loadExample(t, "acme-secure.yaml")
	if d.Baseline == nil || *d.Baseline != *DefaultBaseline() {
		t.Errorf("baseline %+v, want the defaults", d.Baseline)
	}
	if got := d.Contacts.ByType(); len(got) != 3 {
		t.Errorf("contacts %+v, want all three", got)
	}
}

// The wizard turns the baseline on in a file a person wrote: the block goes
// in whole, every comment of the file stays; a later change of one key
// changes that value only, and the block's own comments stay.
func TestUpdateAddsAndEditsTheBaseline(t *testing.T) {
	src, d := commented(t)
	if err := d.SetBaseline(DefaultBaseline()); err != nil {
		t.Fatal(err)
	}
	got, kept := Update(src, d)
	if !kept {
		t.Fatalf("Update fell back to Format:\n%s", got)
	}
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.Contains(string(got), line) {
			t.Errorf("line %q of the file is gone", line)
		}
	}
	if !strings.Contains(string(got), "baseline:\n  organizationTrail: true") {
		t.Errorf("no baseline block:\n%s", got)
	}
	back, err := Parse(got)
	if err != nil || !sameDesign(back, d) {
		t.Fatalf("reads back as another design: %v", err)
	}

	// A person comments the block; the wizard then turns Security Hub on.
	src2 := []byte(strings.Replace(string(got), "  securityHub: false", "  # the auditors asked for it\n  securityHub: false", 1))
	d2, err := Parse(src2)
	if err != nil {
		t.Fatal(err)
	}
	b := *d2.Baseline
	b.SecurityHub = true
	if err := d2.SetBaseline(&b); err != nil {
		t.Fatal(err)
	}
	want := mustReplace(t, string(src2), "  securityHub: false ", "  securityHub: true  ")
	checkUpdate(t, src2, d2, want)

	// Turning the baseline off drops the block and nothing else.
	if err := d2.SetBaseline(nil); err != nil {
		t.Fatal(err)
	}
	checkUpdate(t, []byte(want), d2, string(src))
}

// A key written by hand, without Format's comment, changes in place; a key
// the file leaves to its default is added to the block.
func TestUpdateEditsAHandWrittenBaseline(t *testing.T) {
	src := []byte(baseDesign + "baseline:\n  logRetentionDays: 90   # legal says 90\n")
	d, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	d.Baseline.LogRetentionDays = 400
	d.Baseline.SecurityHub = true
	checkUpdate(t, src, d, baseDesign+"baseline:\n  logRetentionDays: 400   # legal says 90\n  securityHub: true\n")
}

// Contacts are rewritten as a block when they change; the rest of the file
// keeps its comments.
func TestUpdateContacts(t *testing.T) {
	src, d := commented(t)
	if err := d.SetContacts(&Contacts{Security: &Contact{Name: "Ana Lopez", Email: "sec@acme.example", Phone: "+1 555 0100", Title: "CISO"}}); err != nil {
		t.Fatal(err)
	}
	got, kept := Update(src, d)
	if !kept || !strings.Contains(string(got), "# end of file: keep this comment") || !strings.Contains(string(got), "# GDPR") {
		t.Fatalf("Update lost the file's comments (kept %t):\n%s", kept, got)
	}
	src2 := got
	d.Contacts.Billing = &Contact{Name: "Ben", Email: "billing@acme.example", Phone: "555 0101", Title: "Finance"}
	got, kept = Update(src2, d)
	if !kept || !strings.Contains(string(got), `  billing: {name: Ben, email: billing@acme.example, phone: "555 0101", title: Finance}`) {
		t.Fatalf("the billing contact was not added (kept %t):\n%s", kept, got)
	}
	if back, err := Parse(got); err != nil || !sameDesign(back, d) {
		t.Fatalf("reads back as another design: %v", err)
	}
}

// Format writes both blocks so that they read back as they were, whatever
// the values hold.
func TestFormatRoundTripsBaselineAndContacts(t *testing.T) {
	d := NewDesign()
	d.Organization = Organization{Name: "x", Email: "a+b@x.example", HomeRegion: "eu-west-1"}
	d.Environments = []Environment{{Name: "dev"}}
	d.Workloads = []Workload{{Name: "app"}}
	d.Baseline = &Baseline{LogRetentionDays: 1, SecurityHub: true}
	d.Contacts = &Contacts{
		Operations: &Contact{Name: `O'Brien: "ops", #1`, Email: "o.b+ops@x.example", Phone: "(0) 123-456", Title: "yes"},
		Security:   &Contact{Name: "Ünal Çelik", Email: "s=c|!&#@x-y.example", Phone: "0123", Title: "{lead}"},
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, d)
}
