package orgmodel

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParse: Parse never panics, and either returns a design that is valid
// through and through (Validate, Expand, every account name and email as AWS
// wants them), or Errors that each say something.
func FuzzParse(f *testing.F) {
	for _, name := range exampleNames(f) {
		data, err := os.ReadFile(filepath.Join(examplesDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(baseDesign))
	for _, edit := range [][2]string{
		{"homeRegion: eu-west-1", "homeregion: eu-west-9"},
		{"residencies: [eu]", "residencies: [euu, eu, eu]"},
		{"name: website", "name: log"},
		{"  - name: dev\n", "  - name: archive\n"},
		{"  email: aws@acme.example", "  emailTemplate: \"{account}{account}@x\""},
		{"perResidency: true", "perResidency: yes"},
		{"  cost-center: engineering", "  aws:x: y\n  workload: z"},
	} {
		f.Add([]byte(strings.Replace(baseDesign, edit[0], edit[1], 1)))
	}
	f.Add([]byte(baseDesign + "accounts:\n  - name: legacy\n    id: \"012345678901\"\n    ou: Transitional\n"))
	f.Add([]byte(baseDesign + "layout: by-workload\nfoundation:\n  infrastructure: true\n  sandbox: true\n  transitional: true\nguardrails:\n  denyRootUser: false\n"))
	f.Add([]byte(strings.Replace(baseDesign, "  email: aws@acme.example", "  emailTemplate: \"aws-{account}@acme.example\"", 1)))
	for _, block := range []string{
		"access: {}\n",
		"access:\n  groups:\n    - name: t\n      members: ana@acme.example\n      grants: [{permissionSet: admin, accounts: all}]\n",
		"access:\n  permissionSets:\n    - name: p\n      inlinePolicy: {Version: 2012-10-17, Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}\n      sessionDuration: PT2H\n" +
			"  groups:\n    - name: g\n      grants:\n        - {permissionSet: p, workload: payments, environment: [dev, prod], residency: eu}\n        - {permissionSet: read-only, ou: Workloads/prod, accounts: [acme, log-archive]}\n",
		"access:\n  permissionSets:\n    - name: p\n      inlinePolicy: '{\"Version\": 1}'\n      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
		"access:\n  groups:\n    - name: g\n      grants: [{permissionSet: admin}, {permissionSet: nope, workload: website, residency: us}]\n",
		"access:\n  permissionSets: &p [{name: a, managedPolicies: *p}]\n",
	} {
		f.Add([]byte(baseDesign + block))
	}
	f.Add([]byte(baseDesign + "baseline: {}\n" + contactsBlock))
	f.Add([]byte(baseDesign + "foundation: {security: false}\nbaseline:\n  organizationTrail: false\n  logRetentionDays: 0\ncontacts:\n  operations: {name: x, email: a@b, phone: \"1\", title: t}\n"))
	f.Add([]byte(baseDesign + "baseline:\ncontacts: {}\n"))
	f.Add([]byte("a: &a [x, x]\nb: &b [*a, *a]\nworkloads: *b\n"))
	f.Add([]byte(""))

	f.Fuzz(checkParse)
}

// FuzzDesignValues puts fuzzed values into the fields of a valid design, so
// that the fuzzer spends its time on names, emails, regions and tags rather
// than on YAML syntax. The property is FuzzParse's.
func FuzzDesignValues(f *testing.F) {
	f.Add("acme", "aws@acme.example", "", "eu-west-1", "prod", true, "eu", "eu-west-1", "payments", "team@acme.example", "cost-center", "engineering", "by-environment")
	f.Add("a", "", "{account}@x.io", "us-east-1", "d", false, "r", "us-east-1", "w", "", "k", "", "by-workload")
	f.Add(strings.Repeat("o", 32), strings.Repeat("m", 40)+"@x.example", "", "eu-west-1", strings.Repeat("e", 16), true,
		strings.Repeat("r", 16), "eu-central-1", strings.Repeat("w", 24), "", "aws:x", "y", "")
	f.Fuzz(func(t *testing.T, org, email, template, home, env string, perResidency bool, res, region, workload, owner, tagKey, tagValue, layout string) {
		var b strings.Builder
		fmt.Fprintf(&b, "version: 1\norganization:\n  name: %q\n", org)
		if email != "" {
			fmt.Fprintf(&b, "  email: %q\n", email)
		}
		if template != "" {
			fmt.Fprintf(&b, "  emailTemplate: %q\n", template)
		}
		fmt.Fprintf(&b, "  homeRegion: %q\nenvironments:\n  - name: dev\n  - name: %q\n    perResidency: %t\n", home, env, perResidency)
		fmt.Fprintf(&b, "residencies:\n  - name: %q\n    regions: [%q]\n", res, region)
		fmt.Fprintf(&b, "workloads:\n  - name: %q\n    owner: %q\n    residencies: [%q]\n", workload, owner, res)
		fmt.Fprintf(&b, "layout: %q\ntags:\n  %q: %q\n", layout, tagKey, tagValue)
		checkParse(t, []byte(b.String()))
	})
}

// checkParse is the property both Parse fuzzers check.
func checkParse(t *testing.T, data []byte) {
	t.Helper()
	d, err := Parse(data)
	if err != nil {
		if d != nil {
			t.Fatalf("Parse returned a design and an error: %v", err)
		}
		var errs Errors
		if !errors.As(err, &errs) {
			t.Fatalf("Parse error is %T, not Errors: %v", err, err)
		}
		if len(errs) == 0 || len(errs) > maxErrors+1 {
			t.Fatalf("Parse returned %d errors", len(errs))
		}
		for _, e := range errs {
			if strings.TrimSpace(e.Message) == "" {
				t.Fatalf("an error at %q has no message", e.Path)
			}
		}
		return
	}
	if d == nil {
		t.Fatal("Parse returned neither a design nor an error")
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("Parse accepted a design that Validate refuses: %v", err)
	}
	checkAcceptedDesign(t, d)
	tree, err := d.Expand()
	if err != nil {
		t.Fatalf("Parse accepted a design that Expand refuses: %v", err)
	}
	names := map[string]bool{}
	for _, a := range tree.Accounts {
		if err := CheckAccountName(a.Name); err != nil {
			t.Errorf("account name %s", err)
		}
		if names[a.Name] {
			t.Errorf("two accounts are called %q", a.Name)
		}
		names[a.Name] = true
		if a.Kind == AdoptedKind && a.Email == "" {
			continue
		}
		if err := CheckEmail(a.Email); err != nil {
			t.Errorf("account %s: email %s", a.Name, err)
		}
	}
	checkAccessTree(t, d, tree)
}

// FuzzAccessValues puts fuzzed values into an access block of a valid
// design: names, policies, durations, members and selectors. The property is
// FuzzParse's, the access tree's included.
func FuzzAccessValues(f *testing.F) {
	f.Add("deployer", "arn:aws:iam::aws:policy/PowerUserAccess", `{"Version":"2012-10-17","Statement":[]}`, "PT4H", "payments-team", "ana@acme.example", "admin", "payments", "prod", "eu", "Workloads/prod", "all")
	f.Add("admin", "ReadOnlyAccess", "{", "PT13H", "Team", "ana", "deployer", "paymnts", "production", "ap", "Workloads", "acme")
	f.Add("a+b=c,d.e@f", "arn:aws:iam::123456789012:policy/x", "[]", "P1D", "a\tb", "a@b.c", "read-only", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, psName, managed, inline, duration, group, member, permissionSet, workload, env, residency, ou, account string) {
		var b strings.Builder
		b.WriteString(baseDesign)
		fmt.Fprintf(&b, "access:\n  permissionSets:\n    - name: %q\n      managedPolicies: [%q]\n      inlinePolicy: %q\n      sessionDuration: %q\n", psName, managed, inline, duration)
		fmt.Fprintf(&b, "  groups:\n    - name: %q\n      members: [%q]\n      grants:\n", group, member)
		fmt.Fprintf(&b, "        - {permissionSet: %q, workload: %q, environment: [%q], residency: %q}\n", permissionSet, workload, env, residency)
		fmt.Fprintf(&b, "        - {permissionSet: %q, ou: %q, accounts: %q}\n", permissionSet, ou, account)
		checkParse(t, []byte(b.String()))
	})
}

// checkAccessTree checks, independently of Validate, what an accepted
// design's access block expands into: AWS's rules for every name, policy and
// duration, assignments only to accounts that exist and permission sets that
// are defined, sorted without duplicates; and that the block is written back
// as the same block.
func checkAccessTree(t *testing.T, d *Design, tree *Tree) {
	t.Helper()
	at := tree.Access
	if (d.Access == nil) != (at == nil) {
		t.Fatalf("access block %v, access tree %v", d.Access != nil, at != nil)
	}
	if at == nil {
		return
	}
	sets := map[string]PermissionSet{}
	for _, ps := range at.PermissionSets {
		if len(ps.Name) == 0 || len(ps.Name) > 32 || strings.Trim(ps.Name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-") != "" {
			t.Errorf("permission set name %q", ps.Name)
		}
		if len(ps.ManagedPolicies) == 0 && ps.InlinePolicy == "" {
			t.Errorf("permission set %s grants nothing", ps.Name)
		}
		if ps.InlinePolicy != "" && (!json.Valid([]byte(ps.InlinePolicy)) || len(ps.InlinePolicy) > 32768 || !strings.HasPrefix(ps.InlinePolicy, "{")) {
			t.Errorf("permission set %s: inline policy %q", ps.Name, ps.InlinePolicy)
		}
		if err := CheckSessionDuration(ps.SessionDuration); err != nil {
			t.Errorf("permission set %s: %v", ps.Name, err)
		}
		if _, dup := sets[strings.ToLower(ps.Name)]; dup {
			t.Errorf("two permission sets are called %q", ps.Name)
		}
		sets[strings.ToLower(ps.Name)] = ps
	}
	accounts := map[string]bool{}
	for _, a := range tree.Accounts {
		accounts[a.Name] = true
	}
	accounts[tree.ManagementAccountName()] = true
	groups := map[string]bool{}
	for _, g := range at.Groups {
		if strings.TrimSpace(g.Name) == "" || groups[strings.ToLower(g.Name)] {
			t.Errorf("group name %q empty or twice", g.Name)
		}
		groups[strings.ToLower(g.Name)] = true
	}
	for _, u := range at.Users {
		if u.GivenName == "" || u.FamilyName == "" || u.DisplayName == "" || strings.Count(u.UserName, "@") != 1 {
			t.Errorf("user %+v", u)
		}
	}
	for i, a := range at.Assignments {
		if !accounts[a.Account] || !groups[strings.ToLower(a.Group)] || sets[strings.ToLower(a.PermissionSet)].Name != a.PermissionSet {
			t.Errorf("assignment %+v names what the tree does not have", a)
		}
		if i > 0 {
			p := at.Assignments[i-1]
			if cmp.Or(strings.Compare(p.Account, a.Account), strings.Compare(p.Group, a.Group), strings.Compare(p.PermissionSet, a.PermissionSet)) >= 0 {
				t.Errorf("assignments %+v and %+v out of order or twice", p, a)
			}
		}
	}
	back, err := Parse(Format(d))
	if err != nil {
		t.Fatalf("Format of an accepted access block does not parse: %v\n%s", err, Format(d))
	}
	if !jsonEqual(back.Access, d.Access) {
		t.Errorf("the access block reads back as another:\n%+v\n%+v", back.Access, d.Access)
	}
}

// checkAcceptedDesign checks the rules of design-v1.md's key table on a design
// Parse accepted, independently of Validate.
func checkAcceptedDesign(t *testing.T, d *Design) {
	t.Helper()
	o := d.Organization
	switch {
	case d.Version != 1:
		t.Errorf("accepted version %d", d.Version)
	case CheckOrganizationName(o.Name) != nil:
		t.Errorf("accepted organization name %q", o.Name)
	case (o.Email == "") == (o.EmailTemplate == ""):
		t.Errorf("accepted email %q with emailTemplate %q; exactly one is needed", o.Email, o.EmailTemplate)
	case o.EmailTemplate != "" && strings.Count(o.EmailTemplate, "{account}") != 1:
		t.Errorf("accepted emailTemplate %q", o.EmailTemplate)
	case !IsRegion(o.HomeRegion):
		t.Errorf("accepted homeRegion %q", o.HomeRegion)
	case len(d.Environments) == 0 || len(d.Workloads) == 0:
		t.Errorf("accepted %d environments and %d workloads", len(d.Environments), len(d.Workloads))
	case d.Layout != ByEnvironment && d.Layout != ByWorkload:
		t.Errorf("accepted layout %q", d.Layout)
	}
	for _, e := range d.Environments {
		if CheckEnvironmentName(e.Name) != nil || (e.PerResidency && len(d.Residencies) == 0) {
			t.Errorf("accepted environment %+v", e)
		}
	}
	for _, r := range d.Residencies {
		if CheckResidencyName(r.Name) != nil || len(r.Regions) == 0 {
			t.Errorf("accepted residency %+v", r)
		}
		for _, region := range r.Regions {
			if !IsRegion(region) {
				t.Errorf("accepted region %q", region)
			}
		}
	}
	for _, w := range d.Workloads {
		if CheckWorkloadName(w.Name) != nil || (len(d.Residencies) > 0) != (len(w.Residencies) > 0) {
			t.Errorf("accepted workload %+v", w)
		}
		for _, r := range w.Residencies {
			if _, ok := d.Residency(r); !ok {
				t.Errorf("accepted workload %s in unknown residency %q", w.Name, r)
			}
		}
	}
	for _, tg := range d.Tags {
		if tg.Key == "" || strings.HasPrefix(strings.ToLower(tg.Key), "aws:") {
			t.Errorf("accepted tag key %q", tg.Key)
		}
	}
	if b := d.Baseline; b != nil {
		if b.LogRetentionDays < 1 || b.LogRetentionDays > 3650 {
			t.Errorf("accepted logRetentionDays %d", b.LogRetentionDays)
		}
		if (b.OrganizationTrail || b.ThreatDetection || b.SecurityHub || b.AccessAnalyzer) && !d.Foundation.Security {
			t.Errorf("accepted a baseline %+v without foundation.security", *b)
		}
	}
	if d.Contacts != nil {
		if len(d.Contacts.ByType()) == 0 {
			t.Errorf("accepted a contacts block with no contact")
		}
		for _, c := range d.Contacts.ByType() {
			checkAcceptedContact(t, c)
		}
	}
}

// The API's AlternateContact shape, as AWS's reference writes it.
var (
	apiContactEmail = regexp.MustCompile(`^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$`)
	apiContactPhone = regexp.MustCompile(`^[\s0-9()+-]+$`)
)

// checkAcceptedContact checks a contact Parse accepted against what
// PutAlternateContact takes.
func checkAcceptedContact(t *testing.T, c AlternateContact) {
	t.Helper()
	n := func(s string) int { return utf8.RuneCountInString(s) }
	switch {
	case n(c.Name) < 1 || n(c.Name) > 64:
		t.Errorf("accepted contact name %q", c.Name)
	case n(c.Title) < 1 || n(c.Title) > 50:
		t.Errorf("accepted contact title %q", c.Title)
	case len(c.Email) > 254 || !apiContactEmail.MatchString(c.Email):
		t.Errorf("accepted contact email %q", c.Email)
	case len(c.Phone) > 25 || !apiContactPhone.MatchString(c.Phone):
		t.Errorf("accepted contact phone %q", c.Phone)
	}
}

// FuzzBaselineValues puts fuzzed values into the baseline and contacts
// blocks of a valid design. The property is FuzzParse's, and what Parse
// accepts writes and reads back as itself.
func FuzzBaselineValues(f *testing.F) {
	f.Add("365", true, true, "Ana Lopez", "security@acme.example", "+1 555 0100", "Head of Security")
	f.Add("0", false, false, "", "a@b", "phone", "")
	f.Add("3651", true, false, strings.Repeat("n", 65), "x@y.z", strings.Repeat("1", 26), "t\nu")
	f.Add("1e3", false, true, "Ünal", "o'b@x.example", "(0) 1-2", "{lead}")
	f.Fuzz(func(t *testing.T, days string, security, trail bool, name, email, phone, title string) {
		src := baseDesign + fmt.Sprintf("foundation:\n  security: %t\nbaseline:\n  organizationTrail: %t\n  logRetentionDays: %s\ncontacts:\n  security:\n    name: %q\n    email: %q\n    phone: %q\n    title: %q\n",
			security, trail, days, name, email, phone, title)
		checkParse(t, []byte(src))
		if d, err := Parse([]byte(src)); err == nil {
			back, err := Parse(Format(d))
			if err != nil || !sameDesign(back, d) {
				t.Fatalf("Format does not read back: %v\n%s", err, Format(d))
			}
		}
	})
}

// The naming rules exactly as design-v1.md writes them.
var (
	specOrgName      = regexp.MustCompile(`^[a-z][a-z0-9-]*$`) // and 1-32 characters
	specShortName    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)
	specWorkloadName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,23}$`)
)

// FuzzNames: the name checks never panic, accept only what design-v1.md's
// rules allow, and accept all of it except names that end with '-' or hold
// "--" (which would make account names such as "app--dev", and which the
// checks refuse on purpose).
func FuzzNames(f *testing.F) {
	for _, s := range []string{"", "a", "acme", "Acme", "1acme", "acme-", "ac--me", "a-b-c", strings.Repeat("a", 16), strings.Repeat("a", 17),
		strings.Repeat("b", 24), strings.Repeat("b", 25), strings.Repeat("c", 32), strings.Repeat("c", 33), "é", "a\x00", "a\n", "prod eu"} {
		f.Add(s)
	}
	checks := []struct {
		name  string
		check func(string) error
		rule  func(string) bool
		max   int
	}{
		{"organization", CheckOrganizationName, func(s string) bool { return len(s) <= 32 && specOrgName.MatchString(s) }, 32},
		{"environment", CheckEnvironmentName, specShortName.MatchString, 16},
		{"residency", CheckResidencyName, specShortName.MatchString, 16},
		{"workload", CheckWorkloadName, specWorkloadName.MatchString, 24},
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range checks {
			err := c.check(s)
			valid := func(s string) bool { return c.rule(s) && !strings.HasSuffix(s, "-") && !strings.Contains(s, "--") }
			allowed := valid(s)
			switch {
			case err == nil && !allowed:
				t.Errorf("%s name %q accepted; design-v1.md does not allow it", c.name, s)
			case err != nil && allowed:
				t.Errorf("%s name %q refused (%v); design-v1.md allows it", c.name, s, err)
			case err != nil && err.Error() == "":
				t.Errorf("%s name %q refused with no message", c.name, s)
			}
			// The message's example of a valid name must be one.
			if ex := suggestName(s, c.max); !valid(ex) {
				t.Errorf("suggestName(%q, %d) = %q, not a valid %s name", s, c.max, ex, c.name)
			}
		}
	})
}

// FuzzEmail: an email CheckEmail accepts is one AWS accepts: 6-64
// characters, exactly one '@', a dot in the domain, no white space.
func FuzzEmail(f *testing.F) {
	for _, s := range []string{"aws@acme.example", "a@b.c", "ab@c.d", "aws+payments-prod-eu@acme.example", "aws@acme", "@acme.example", "aws@@acme.example",
		"aws @acme.example", "aws@acme.example.", "aws@.example", strings.Repeat("a", 60) + "@b.cd", "é@acme.example", "aws@acme.example\n", "a\u00a0b@c.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CheckEmail(s)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("%q refused with no message", s)
			}
			return
		}
		_, domain, _ := strings.Cut(s, "@")
		switch {
		case len(s) < 6 || len(s) > 64:
			t.Errorf("%q accepted with %d characters", s, len(s))
		case strings.Count(s, "@") != 1:
			t.Errorf("%q accepted without exactly one '@'", s)
		case !strings.Contains(domain, "."):
			t.Errorf("%q accepted without a dot in the domain", s)
		case strings.IndexFunc(s, unicode.IsSpace) >= 0:
			t.Errorf("%q accepted with white space", s)
		case strings.IndexFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0:
			t.Errorf("%q accepted with a character that is not printable ASCII", s)
		}
	})
}
