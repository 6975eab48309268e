package orgmodel

import (
	"errors"
	"strings"
	"testing"
)

const contactsBlock = `contacts:
  security: {name: Ana Lopez, email: security@acme.example, phone: "+1 555 0100", title: Head of Security}
  billing:
    name: Ben Okafor
    email: finance@acme.example
    phone: "+44 (20) 7946-0000"
    title: Finance Lead
`

// An absent block is no baseline; an empty one is the defaults; a key
// written keeps the other defaults.
func TestBaselineDecodeDefaults(t *testing.T) {
	d, err := Parse([]byte(baseDesign))
	if err != nil {
		t.Fatal(err)
	}
	if d.Baseline != nil || d.Contacts != nil {
		t.Fatalf("a design without the blocks decodes with baseline %+v, contacts %+v", d.Baseline, d.Contacts)
	}
	d, err = Parse([]byte(baseDesign + "baseline: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Baseline{OrganizationTrail: true, LogRetentionDays: 365, ThreatDetection: true, SecurityHub: false, AccessAnalyzer: true, CentralRootAccess: true}
	if d.Baseline == nil || *d.Baseline != want {
		t.Fatalf("baseline: {} decodes as %+v, want %+v", d.Baseline, want)
	}
	d, err = Parse([]byte(baseDesign + "baseline:\n  securityHub: true\n  logRetentionDays: 90\n  centralRootAccess: false\n"))
	if err != nil {
		t.Fatal(err)
	}
	want.SecurityHub, want.LogRetentionDays, want.CentralRootAccess = true, 90, false
	if *d.Baseline != want {
		t.Errorf("decoded %+v, want %+v", *d.Baseline, want)
	}
}

func TestContactsDecode(t *testing.T) {
	d, err := Parse([]byte(baseDesign + contactsBlock))
	if err != nil {
		t.Fatal(err)
	}
	got := d.Contacts.ByType()
	want := []AlternateContact{
		{Type: ContactSecurity, Name: "Ana Lopez", Email: "security@acme.example", Phone: "+1 555 0100", Title: "Head of Security"},
		{Type: ContactBilling, Name: "Ben Okafor", Email: "finance@acme.example", Phone: "+44 (20) 7946-0000", Title: "Finance Lead"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("contacts decode as %+v, want %+v", got, want)
	}
	if d.Contacts.Operations != nil {
		t.Errorf("operations, not written, decodes as %+v", d.Contacts.Operations)
	}
}

// problems parses src and returns its problems by path; it fails when src
// parses.
func problems(t *testing.T, src string) map[string]FieldError {
	t.Helper()
	_, err := Parse([]byte(src))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse accepted the design or failed otherwise: %v", err)
	}
	out := map[string]FieldError{}
	for _, e := range errs {
		if _, dup := out[e.Path]; dup {
			t.Errorf("two problems at %s: %v", e.Path, errs)
		}
		out[e.Path] = e
	}
	return out
}

// expectProblem checks that path has a problem at line whose message holds
// every part.
func expectProblem(t *testing.T, got map[string]FieldError, path string, line int, parts ...string) {
	t.Helper()
	e, ok := got[path]
	if !ok {
		t.Errorf("no problem at %s; got %v", path, got)
		return
	}
	if e.Line != line {
		t.Errorf("%s: line %d, want %d (%s)", path, e.Line, line, e.Message)
	}
	for _, p := range parts {
		if !strings.Contains(e.Message, p) {
			t.Errorf("%s: %q does not say %q", path, e.Message, p)
		}
	}
}

// Every problem of the two blocks comes back at once, at its line and path,
// saying what to change.
func TestBaselineAndContactsBadDesigns(t *testing.T) {
	base := strings.Count(baseDesign, "\n")
	src := edited(t, "    perResidency: true\n", "    perResidency: true\nfoundation:\n  security: false\n") + `baseline:
  logRetentionDays: 0
  securityHub: yes please
  threatDetecton: true
contacts:
  security: {name: "", email: "sec@acme", phone: "+1 555 CALL", title: Head of Security}
  billing:
    name: ` + strings.Repeat("n", 65) + `
    email: finance@acme.example
    phone: "+1 555 0101 0101 0101 0101 01"
    title: "two\nlines"
  operations:
`
	b := base + 2 // the lines foundation adds
	got := problems(t, src)
	expectProblem(t, got, "baseline", b+2, "foundation.security: true", "log-archive", "security-tooling", "organizationTrail", "threatDetection", "accessAnalyzer")
	expectProblem(t, got, "baseline.logRetentionDays", b+2, "from 1 to 3650", "lifecycle")
	expectProblem(t, got, "baseline.securityHub", b+3, "expected true or false")
	expectProblem(t, got, "baseline.threatDetecton", b+4, `did you mean "threatDetection"`)
	expectProblem(t, got, "contacts.security.name", b+6, "is required")
	expectProblem(t, got, "contacts.security.email", b+6, `"sec@acme"`, "name@domain.tld")
	expectProblem(t, got, "contacts.security.phone", b+6, "digits, spaces and + - ( ) only")
	expectProblem(t, got, "contacts.billing.name", b+8, "65 characters", "at most 64")
	expectProblem(t, got, "contacts.billing.phone", b+10, "29 characters", "at most 25")
	expectProblem(t, got, "contacts.billing.title", b+11, "one line")
	expectProblem(t, got, "contacts.operations", b+12, "is empty")
	if len(got) != 11 {
		t.Errorf("%d problems, want 11: %v", len(got), got)
	}

	got = problems(t, baseDesign+"baseline:\ncontacts: {}\n")
	expectProblem(t, got, "baseline", base+1, "baseline: {} for the defaults", "remove the key")
	expectProblem(t, got, "contacts", base+2, "lists no contact")

	got = problems(t, baseDesign+"baseline:\n  logRetentionDays: \"365\"\n  organizationTrail: false\ncontacts:\n  security: {name: A, email: a@b.co, title: T}\n")
	expectProblem(t, got, "baseline.logRetentionDays", base+2, "whole number of days")
	expectProblem(t, got, "contacts.security.phone", base+5, "is required")
	if len(got) != 2 {
		t.Errorf("a field the decoder could not read is reported again, or more: %v", got)
	}
	got = problems(t, baseDesign+"baseline: {logRetentionDays: 3651}\n")
	expectProblem(t, got, "baseline.logRetentionDays", base+1, "3651")
}

// Centralized root access alone needs neither log-archive nor
// security-tooling: a design without the Security OU may have it.
func TestBaselineWithoutSecurityOU(t *testing.T) {
	src := edited(t, "    perResidency: true\n", "    perResidency: true\nfoundation:\n  security: false\n") +
		"baseline:\n  organizationTrail: false\n  threatDetection: false\n  accessAnalyzer: false\n"
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("root access alone, without the Security OU: %v", err)
	}
	tree := expand(t, d)
	if got := tree.Baseline.TrustedAccess; len(got) != 1 || got[0] != ServiceIAM {
		t.Errorf("trusted access %v, want only %s", got, ServiceIAM)
	}
}

// SetBaseline and SetContacts check as Validate does, and leave the design
// as it was when they refuse.
func TestSetBaselineAndContacts(t *testing.T) {
	d, err := Parse([]byte(baseDesign))
	if err != nil {
		t.Fatal(err)
	}
	d.Foundation.Security = false
	if err := d.SetBaseline(DefaultBaseline()); err == nil || !strings.Contains(err.Error(), "foundation.security") || d.Baseline != nil {
		t.Errorf("a baseline without the Security OU: %v, baseline %+v", err, d.Baseline)
	}
	d.Foundation.Security = true
	bad := DefaultBaseline()
	bad.LogRetentionDays = 0
	if err := d.SetBaseline(bad); err == nil || d.Baseline != nil {
		t.Errorf("0 days: %v", err)
	}
	if err := d.SetBaseline(DefaultBaseline()); err != nil || d.Baseline == nil {
		t.Fatalf("SetBaseline(defaults): %v", err)
	}
	c := &Contacts{Security: &Contact{Name: "Ana", Email: "sec@acme.example", Phone: "phone", Title: "CISO"}}
	if err := d.SetContacts(c); err == nil || !strings.Contains(err.Error(), "contacts.security.phone") || d.Contacts != nil {
		t.Errorf("a phone of letters: %v", err)
	}
	if err := d.SetContacts(&Contacts{}); err == nil || !strings.Contains(err.Error(), "lists no contact") {
		t.Errorf("no contact at all: %v", err)
	}
	c.Security.Phone = "+1 555 0100"
	if err := d.SetContacts(c); err != nil || d.Contacts != c {
		t.Fatalf("SetContacts: %v", err)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("the design does not validate with both blocks set: %v", err)
	}
	roundTrip(t, d)
	if d.SetBaseline(nil) != nil || d.SetContacts(nil) != nil || d.Baseline != nil || d.Contacts != nil {
		t.Errorf("nil does not remove the blocks")
	}
}
