package orgmodel

import (
	"os"
	"strings"
	"testing"
)

func commented(t *testing.T) ([]byte, *Design) {
	t.Helper()
	src, err := os.ReadFile("testdata/commented.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(src)
	if err != nil {
		t.Fatalf("the commented example does not parse: %v", err)
	}
	return src, d
}

// mustReplace replaces old, which must occur once, in s.
func mustReplace(t *testing.T, s, old, new string) string {
	t.Helper()
	if strings.Count(s, old) != 1 {
		t.Fatalf("%q occurs %d times", old, strings.Count(s, old))
	}
	return strings.Replace(s, old, new, 1)
}

func checkUpdate(t *testing.T, src []byte, d *Design, want string) {
	t.Helper()
	got, kept := Update(src, d)
	if !kept {
		t.Fatalf("Update fell back to Format:\n%s", got)
	}
	if string(got) != want {
		t.Errorf("Update wrote\n%s\nwant\n%s", got, want)
	}
	back, err := Parse(got)
	if err != nil {
		t.Fatalf("the result does not parse: %v", err)
	}
	if !sameDesign(back, d) {
		t.Errorf("the result reads back as another design")
	}
}

func TestUpdateUnchangedKeepsEveryByte(t *testing.T) {
	src, d := commented(t)
	checkUpdate(t, src, d, string(src))
}

// Way (a) records the old account: foundation.transitional turns true where
// it stands, and accounts[] is added at the end; every comment, blank line,
// quote and the odd indentation of environments stay as they were.
func TestUpdateRecordsAnAdoptedAccount(t *testing.T) {
	src, d := commented(t)
	d.Foundation.Transitional = true
	d.Accounts = append(d.Accounts, AdoptedAccount{Name: "acme-legacy", ID: "123456789012", OU: "Transitional"})
	want := mustReplace(t, string(src), "  transitional: false   # no account", "  transitional: true   # no account")
	// accounts[] comes after tags, as Format orders them, before the
	// comment that ends the file.
	want = mustReplace(t, want, "# finance asked for this\n", "# finance asked for this\n"+
		"accounts:\n  - name: acme-legacy\n    id: \"123456789012\"\n    ou: Transitional\n")
	checkUpdate(t, src, d, want)

	// A second account goes after the first, indented alike.
	src2 := []byte(want)
	d.Accounts = append(d.Accounts, AdoptedAccount{Name: "partner", Email: "partner@acme.example", OU: "Transitional"})
	want2 := mustReplace(t, want, "    ou: Transitional\n", "    ou: Transitional\n  - name: partner\n    email: partner@acme.example\n    ou: Transitional\n")
	checkUpdate(t, src2, d, want2)
}

func TestUpdateChangesAValueInPlace(t *testing.T) {
	src, d := commented(t)
	d.Organization.HomeRegion = "eu-central-1"
	d.Organization.Email = "cloud@acme.example"
	want := mustReplace(t, string(src), "homeRegion: eu-west-1           # where", "homeRegion: eu-central-1           # where")
	want = mustReplace(t, want, `email: "aws@acme.example"       #`, `email: cloud@acme.example       #`)
	checkUpdate(t, src, d, want)
}

func TestUpdateAddsItemsAndKeys(t *testing.T) {
	src, d := commented(t)
	d.Environments = append(d.Environments, Environment{Name: "staging"})
	d.Guardrails.DenyRootUser = false
	d.Tags = append(d.Tags, Tag{Key: "team", Value: "platform"})
	want := mustReplace(t, string(src), "  perResidency: true   # one production account per residency\n",
		"  perResidency: true   # one production account per residency\n- name: staging\n")
	want = mustReplace(t, want, "  regionLock: true   # keep data where the residency says\n",
		"  regionLock: true   # keep data where the residency says\n  denyRootUser: false\n")
	want = mustReplace(t, want, "  cost-center: CC-1042   # finance asked for this\n",
		"  cost-center: CC-1042   # finance asked for this\n  team: platform\n")
	checkUpdate(t, src, d, want)
}

// A section the file lacks is added at the end with the changed keys only.
func TestUpdateAddsAMissingSection(t *testing.T) {
	src := []byte("# mine\nversion: 1\norganization:\n  name: acme\n  email: aws@acme.example\n  homeRegion: eu-west-1\nenvironments:\n  - name: dev\nworkloads:\n  - name: web\n")
	d, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	d.Foundation.Transitional = true
	checkUpdate(t, src, d, string(src)+"foundation:\n  transitional: true\n")
}

// An existing item that changed rewrites its list as Format does; the rest
// of the file keeps its comments.
func TestUpdateRewritesAChangedList(t *testing.T) {
	src, d := commented(t)
	d.Workloads[0].Description = "Payments"
	got, kept := Update(src, d)
	if !kept {
		t.Fatal("fell back to Format")
	}
	for _, c := range []string{"# Acme's AWS organization", "# becomes the tag", "# GDPR", "# end of file: keep this comment", "# Stages every workload"} {
		if !strings.Contains(string(got), c) {
			t.Errorf("lost the comment %q:\n%s", c, got)
		}
	}
	back, err := Parse(got)
	if err != nil || !sameDesign(back, d) {
		t.Fatalf("does not read back (%v):\n%s", err, got)
	}
}

func TestUpdateFallsBackOnWhatItCannotEdit(t *testing.T) {
	_, d := commented(t)
	for _, src := range []string{"", "{version: 1}", "- a list\n", "version: [\n"} {
		got, kept := Update([]byte(src), d)
		if kept || string(got) != string(Format(d)) {
			t.Errorf("Update(%q) kept %v", src, kept)
		}
	}
}

// The comments Format writes itself follow the value: a design the wizard
// saved says "accounts get cloud+..." once the mailbox is cloud@.
func TestUpdateKeepsFormatsOwnCommentsTrue(t *testing.T) {
	_, d := commented(t)
	src := Format(d)
	d.Organization.Email = "cloud@acme.example"
	got, kept := Update(src, d)
	if !kept || string(got) != string(Format(d)) {
		t.Errorf("kept %v:\n%s\nwant\n%s", kept, got, Format(d))
	}
}

// On a file Format wrote (the wizard's), an edit gives what Format would
// write, whatever changed.
func TestUpdateOfFormatsOutputIsFormat(t *testing.T) {
	changes := map[string]func(d *Design){
		"residency added": func(d *Design) {
			d.Residencies = nil
			d.Workloads[0].Residencies = nil
		},
		"workload added": func(d *Design) {
			d.Workloads = append(d.Workloads, Workload{Name: "search", Residencies: []string{"eu"}})
		},
		"layout changed":   func(d *Design) { d.Layout = ByWorkload },
		"tags dropped":     func(d *Design) { d.Tags = nil },
		"foundation":       func(d *Design) { d.Foundation.Sandbox = true; d.Foundation.Security = false },
		"environment gone": func(d *Design) { d.Environments = d.Environments[:1] },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			_, d := commented(t)
			before := *d
			change(d)
			if name == "residency added" {
				// The other way round: from a design without residencies to one with.
				before, *d = *d, before
			}
			got, kept := Update(Format(&before), d)
			if !kept || string(got) != string(Format(d)) {
				t.Errorf("kept %v:\n%s\nwant\n%s", kept, got, Format(d))
			}
		})
	}
}

// A key the decoder does not know is the user's to fix: an edit elsewhere
// keeps it, and validate still points at it.
func TestUpdateKeepsWhatItDoesNotUnderstand(t *testing.T) {
	src, d := commented(t)
	src = []byte(strings.Replace(string(src), "layout: by-environment\n", "", 1) + "colour: blue   # mine\n")
	d.Organization.HomeRegion = "eu-central-1"
	got, kept := Update(src, d)
	if !kept || !strings.Contains(string(got), "colour: blue   # mine\n") || !strings.Contains(string(got), "homeRegion: eu-central-1") {
		t.Errorf("kept %v:\n%s", kept, got)
	}
	if _, err := Parse(got); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("validate no longer sees the unknown key: %v", err)
	}
}
