package orgmodel

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// baseDesign is valid; every bad design in the table below is this text with
// a small edit. Its line numbers, which the table refers to:
//
//	1 version         6 environments      10 residencies    15 workloads
//	2 organization    7   dev             11   eu           16   payments
//	3   name          8   prod            12     regions    17     owner
//	4   email         9     perResidency  13   us           18     residencies
//	5   homeRegion                        14     regions    19   website
//	                                                        20     residencies
//	21 tags           22   cost-center
const baseDesign = `version: 1
organization:
  name: acme
  email: aws@acme.example
  homeRegion: eu-west-1
environments:
  - name: dev
  - name: prod
    perResidency: true
residencies:
  - name: eu
    regions: [eu-west-1, eu-central-1]
  - name: us
    regions: [us-east-1]
workloads:
  - name: payments
    owner: team@acme.example
    residencies: [eu, us]
  - name: website
    residencies: [eu]
tags:
  cost-center: engineering
`

// edited returns baseDesign with each (old, new) pair replaced; old must occur
// exactly once, so that a change to the base cannot silently void a case.
func edited(t *testing.T, pairs ...string) string {
	t.Helper()
	s := baseDesign
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(s, pairs[i]); n != 1 {
			t.Fatalf("edit %q occurs %d times in the design", pairs[i], n)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// parseErrors parses src and returns its errors; a valid design fails the test.
func parseErrors(t *testing.T, src string) Errors {
	t.Helper()
	d, err := Parse([]byte(src))
	if err == nil {
		t.Fatalf("Parse accepted a bad design:\n%s", src)
	}
	if d != nil {
		t.Errorf("Parse returned a design along with errors")
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse returned %T, not Errors: %v", err, err)
	}
	for _, e := range errs {
		if e.Message == "" {
			t.Errorf("an error at %q has no message", e.Path)
		}
	}
	return errs
}

func TestBaseDesignIsValid(t *testing.T) {
	d, err := Parse([]byte(baseDesign))
	if err != nil {
		t.Fatalf("base design: %v", err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatalf("Expand: %v", err)
	}
	if got := len(tree.Accounts); got != 7 {
		t.Errorf("base design has %d accounts, want 7 (2 foundation, 2 dev, 3 prod)", got)
	}
}

func TestValidateBadDesigns(t *testing.T) {
	long := func(c byte, n int) string { return strings.Repeat(string(c), n) }
	manyTags := "tags:\n"
	for i := range 45 {
		manyTags += fmt.Sprintf("  t%02d: v\n", i)
	}
	noResidencies := func(extra ...string) string {
		pairs := append([]string{
			"    perResidency: true\n", "",
			"residencies:\n  - name: eu\n    regions: [eu-west-1, eu-central-1]\n  - name: us\n    regions: [us-east-1]\n", "",
		}, extra...)
		return edited(t, pairs...)
	}
	const envBlock = "  - name: dev\n  - name: prod\n    perResidency: true\n"
	const workloadsBlock = "workloads:\n  - name: payments\n    owner: team@acme.example\n    residencies: [eu, us]\n  - name: website\n    residencies: [eu]\n"
	const account = "accounts:\n  - name: legacy\n    email: old@acme.example\n    ou: Transitional\n"

	cases := []struct {
		name string
		src  string
		path string
		line int
		msg  string // a substring of the message, saying what would be valid
		n    int    // how many errors in all; 0 means exactly 1
	}{
		// Required keys.
		{"version missing", edited(t, "version: 1\n", ""), "version", 0, "add 'version: 1'", 0},
		{"organization missing", edited(t, "organization:\n  name: acme\n  email: aws@acme.example\n  homeRegion: eu-west-1\n", ""), "organization", 0, "organization:", 0},
		{"organization.name missing", edited(t, "  name: acme\n", ""), "organization.name", 3, `such as "acme"`, 0},
		{"email and emailTemplate missing", edited(t, "  email: aws@acme.example\n", ""), "organization", 3, "emailTemplate (such as aws-{account}@example.com)", 0},
		{"homeRegion missing", edited(t, "  homeRegion: eu-west-1\n", ""), "organization.homeRegion", 3, "such as eu-west-1", 0},
		{"environments missing", edited(t, "environments:\n"+envBlock, ""), "environments", 0, "- name: dev", 0},
		{"workloads missing", edited(t, workloadsBlock, ""), "workloads", 0, "- name: app", 0},
		{"environment name missing", edited(t, "  - name: dev\n", "  - description: development\n"), "environments[0].name", 7, "such as dev", 0},
		{"residency name missing", edited(t, "  - name: us\n    regions: [us-east-1]\n", "  - regions: [us-east-1]\n", "[eu, us]", "[eu]"), "residencies[1].name", 13, "lowercase letters", 0},
		{"workload name missing", edited(t, "  - name: website\n", "  - description: site\n"), "workloads[1].name", 19, "such as", 0},

		// version.
		{"version 2", edited(t, "version: 1", "version: 2"), "version", 1, "the supported version is 1", 0},
		{"version one", edited(t, "version: 1", "version: one"), "version", 1, "the supported version is 1", 0},
		{"version 0", edited(t, "version: 1", "version: 0"), "version", 1, "version 0 is not supported", 0},
		{"version -1", edited(t, "version: 1", "version: -1"), "version", 1, "version -1 is not supported; the supported version is 1: write version: 1", 0},
		{"version empty", edited(t, "version: 1", "version:"), "version", 1, "found nothing; the supported version is 1", 0},
		{"version huge", edited(t, "version: 1", "version: 99999999999999999999"), "version", 1, "the supported version is 1", 0},
		{"version quoted", edited(t, "version: 1", `version: "1"`), "version", 1, "without quotes", 0},

		// organization.name.
		{"org name uppercase", edited(t, "name: acme", "name: Acme"), "organization.name", 3, `for example "acme"`, 0},
		{"org name too long", edited(t, "name: acme", "name: "+long('a', 33)), "organization.name", 3, "use at most 32", 0},
		{"org name leading digit", edited(t, "name: acme", "name: 1acme"), "organization.name", 3, "starting with a letter", 0},
		{"org name trailing dash", edited(t, "name: acme", "name: acme-"), "organization.name", 3, "end it with a letter or digit", 0},
		{"org name double dash", edited(t, "name: acme", "name: ac--me"), "organization.name", 3, "use one", 0},

		// email and emailTemplate.
		{"email and template both", edited(t, "  email: aws@acme.example\n", "  email: aws@acme.example\n  emailTemplate: aws-{account}@acme.example\n"), "organization.emailTemplate", 5, "not both", 0},
		{"template without {account}", edited(t, "  email: aws@acme.example", "  emailTemplate: aws@acme.example"), "organization.emailTemplate", 4, "exactly once (it has 0)", 0},
		{"template with {account} twice", edited(t, "  email: aws@acme.example", "  emailTemplate: aws-{account}-{account}@acme.example"), "organization.emailTemplate", 4, "exactly once (it has 2)", 0},
		{"template unquoted brace", edited(t, "  email: aws@acme.example", "  emailTemplate: {account}@acme.example"), "organization.emailTemplate", 4, `emailTemplate: "{account}@acme.example"`, 0},
		{"email without @", edited(t, "aws@acme.example", "aws.acme.example"), "organization.email", 4, "such as aws@example.com", 0},
		{"email without dot in domain", edited(t, "aws@acme.example", "aws@acme"), "organization.email", 4, "such as example.com", 0},
		{"generated email too long", edited(t, "aws@acme.example", "aws-organization@acme-corp.example", "name: website", "name: customer-data-platform"),
			"workloads[1]", 19, "account customer-data-platform-prod-eu gets email", 0},
		{"generated email too long suggests template", edited(t, "aws@acme.example", "aws-organization@acme-corp.example", "name: website", "name: customer-data-platform"),
			"workloads[1]", 19, "use organization.emailTemplate", 0},

		// Regions.
		{"homeRegion unknown", edited(t, "homeRegion: eu-west-1", "homeRegion: eu-west-9"), "organization.homeRegion", 5, `did you mean "eu-west-1"?`, 0},
		{"homeRegion uppercase", edited(t, "homeRegion: eu-west-1", "homeRegion: EU-WEST-1"), "organization.homeRegion", 5, `did you mean "eu-west-1"?`, 0},
		{"homeRegion a city", edited(t, "homeRegion: eu-west-1", "homeRegion: Frankfurt"), "organization.homeRegion", 5, "such as eu-west-1", 0},
		{"residency region typo", edited(t, "eu-central-1]", "eu-centrl-1]"), "residencies[0].regions[1]", 12, `did you mean "eu-central-1"?`, 0},

		// environments.
		{"environments empty", edited(t, "environments:\n"+envBlock, "environments: []\n"), "environments", 6, "at least one environment", 0},
		{"environment duplicate", edited(t, "  - name: prod\n", "  - name: dev\n"), "environments[1].name", 8, "already the name of environments[0]", 0},
		{"environment bad name", edited(t, "  - name: dev\n", "  - name: Dev\n"), "environments[0].name", 7, `for example "dev"`, 0},
		{"environments as plain names", edited(t, envBlock, "  - dev\n  - prod\n"), "environments[0]", 7, "- name: dev", 2},
		{"perResidency without residencies", edited(t, "residencies:\n  - name: eu\n    regions: [eu-west-1, eu-central-1]\n  - name: us\n    regions: [us-east-1]\n", "",
			"    residencies: [eu, us]\n", "", "    residencies: [eu]\n", ""), "environments[1].perResidency", 9, "set perResidency: false", 0},
		{"perResidency yes", edited(t, "perResidency: true", "perResidency: yes"), "environments[1].perResidency", 9, "true or false", 0},

		// residencies.
		{"residency duplicate", edited(t, "  - name: us\n", "  - name: eu\n", "[eu, us]", "[eu]"), "residencies[1].name", 13, "already the name of residencies[0]", 0},
		{"residency without regions", edited(t, "regions: [us-east-1]", "regions: []"), "residencies[1].regions", 14, "at least one region code", 0},
		{"region in two residencies", edited(t, "regions: [us-east-1]", "regions: [eu-west-1]"), "residencies[1].regions[0]", 14, `already belongs to residency "eu"; a region belongs to one residency only, so remove it from one of them`, 0},
		{"region listed twice", edited(t, "[eu-west-1, eu-central-1]", "[eu-west-1, eu-west-1]"), "residencies[0].regions[1]", 12, "listed twice; keep one", 0},

		// workloads.
		{"workloads empty", edited(t, workloadsBlock, "workloads: []\n"), "workloads", 15, "at least one workload", 0},
		{"workload duplicate", edited(t, "name: website", "name: payments"), "workloads[1].name", 19, "already the name of workloads[0]", 0},
		{"workload name too long", edited(t, "name: website", "name: "+long('w', 25)), "workloads[1].name", 19, "use at most 24", 0},
		{"workload residencies missing", edited(t, "    residencies: [eu]\n", ""), "workloads[1].residencies", 19, "from: eu, us", 0},
		{"workload residency unknown", edited(t, "residencies: [eu]", "residencies: [euu]"), "workloads[1].residencies[0]", 20, `did you mean "eu"?`, 0},
		{"workload residency listed twice", edited(t, "[eu, us]", "[eu, eu]"), "workloads[0].residencies[1]", 18, "listed twice; keep one", 0},
		{"workload residencies without any defined", noResidencies("    residencies: [eu, us]\n", ""), "workloads[1].residencies", 13, "add them under residencies, or remove this list", 0},
		{"workload owner bad email", edited(t, "team@acme.example", "team at acme"), "workloads[0].owner", 17, "has white space", 0},

		// layout.
		{"layout typo", baseDesign + "layout: by-enviroment\n", "layout", 23, `did you mean "by-environment"?`, 0},

		// tags.
		{"tag aws: prefix", edited(t, "  cost-center:", "  aws:cost-center:"), "tags.aws:cost-center", 22, "choose another key", 0},
		{"tag reserved key", edited(t, "  cost-center:", "  workload:"), "tags.workload", 22, "choose another key", 0},
		{"tag bad characters", edited(t, "  cost-center:", "  cost#center:"), "tags.cost#center", 22, "use letters, digits, spaces and _ . : / = + - @", 0},
		{"tag key too long", edited(t, "  cost-center:", "  "+long('k', 129)+":"), "tags." + long('k', 129), 22, "at most 128", 0},
		{"tag value too long", edited(t, "engineering", long('v', 257)), "tags.cost-center", 22, "at most 256", 0},
		{"tag key empty", edited(t, "  cost-center: engineering\n", "  cost-center: engineering\n  '': x\n"), "tags", 23, "a tag key is empty; give it a name", 0},
		{"tag value a list", edited(t, "  cost-center: engineering\n", "  cost-center: [a, b]\n"), "tags.cost-center", 22, "a tag value must be text", 0},
		{"45 tags", edited(t, "tags:\n  cost-center: engineering\n", manyTags), "tags", 22, "so remove 1", 0},

		// accounts[].
		{"account name missing", baseDesign + strings.Replace(account, "  - name: legacy\n    email:", "  - email:", 1), "accounts[0].name", 24, "the account's name as it shows in AWS", 0},
		{"account without email or id", baseDesign + strings.Replace(account, "    email: old@acme.example\n", "", 1), "accounts[0]", 24, "add email or id", 0},
		{"account bad id", baseDesign + strings.Replace(account, "email: old@acme.example", "id: 12345", 1), "accounts[0].id", 25, "12 digits", 0},
		{"account unknown ou", baseDesign + strings.Replace(account, "ou: Transitional", "ou: Legacy", 1), "accounts[0].ou", 26, "Security, Workloads, Workloads/dev", 0},
		{"account ou typo", baseDesign + strings.Replace(account, "ou: Transitional", "ou: Transitonal", 1), "accounts[0].ou", 26, `did you mean "Transitional"?`, 0},
		{"account id twice", baseDesign + strings.Replace(account, "email: old@acme.example", "id: \"123456789012\"", 1) + "  - name: other\n    id: \"123456789012\"\n    ou: Transitional\n",
			"accounts[1].id", 28, "already the id of accounts[0]", 0},
		{"account email of a generated account", baseDesign + strings.Replace(account, "old@acme.example", "AWS+payments-dev@acme.example", 1), "accounts[0]", 24,
			"the same as account payments-dev; every AWS account needs its own email, so change one of them", 0},
		{"account duplicate", baseDesign + account + "  - name: legacy\n    email: old2@acme.example\n    ou: Transitional\n", "accounts[1].name", 27, "already the name of accounts[0]", 0},

		// Unknown and misplaced keys.
		{"unknown key homeregion", edited(t, "homeRegion:", "homeregion:"), "organization.homeregion", 5, `did you mean "homeRegion"?`, 0},
		{"unknown key workload", edited(t, "workloads:", "workload:"), "workload", 15, `did you mean "workloads"?`, 0},
		{"homeRegion at top level", edited(t, "  homeRegion: eu-west-1\n", "") + "homeRegion: eu-west-1\n", "homeRegion", 22, "belongs under organization", 0},
		{"unknown key in a workload", edited(t, "owner:", "ownr:"), "workloads[0].ownr", 17, `did you mean "owner"?`, 0},
		{"unknown key in a residency", edited(t, "regions: [us-east-1]", "region: [us-east-1]"), "residencies[1].region", 14, `did you mean "regions"?`, 0},
		{"unknown key in foundation", baseDesign + "foundation:\n  securty: false\n", "foundation.securty", 24, `did you mean "security"?`, 0},
		{"unknown key far from any", baseDesign + "colour: blue\n", "colour", 23, "the keys at the top level are: version, organization", 0},
		{"key set twice", edited(t, "  homeRegion: eu-west-1\n", "  homeRegion: eu-west-1\n  homeRegion: us-east-1\n"), "organization.homeRegion", 6, "keep one", 0},

		{"merge key", edited(t, "  - name: website\n", "  - <<: {name: website}\n"), "workloads[1]", 19, "merge keys ('<<') are not supported in a design file; write the keys out", 0},
		{"tag set twice", edited(t, "  cost-center: engineering\n", "  cost-center: engineering\n  cost-center: finance\n"), "tags.cost-center", 23, "is set twice; keep one", 0},

		// Types.
		{"list where a mapping is expected", edited(t, "organization:\n  name: acme\n  email: aws@acme.example\n  homeRegion: eu-west-1\n", "organization: [acme, eu-west-1]\n"), "organization", 2, "expected a mapping of keys (name, email, emailTemplate, homeRegion)", 0},
		{"mapping where text is expected", edited(t, "name: acme", "name: {first: acme}"), "organization.name", 3, "expected text, found a mapping; write a single value", 0},
		{"yes for a bool", baseDesign + "guardrails:\n  regionLock: yes\n", "guardrails.regionLock", 24, "expected true or false", 0},
		{"text where a list is expected", edited(t, "residencies: [eu]", "residencies: eu"), "workloads[1].residencies", 20, `expected a list, found "eu"; write it as a list: [eu]`, 0},

		// Generated names.
		{"workload account collides with a foundation account", edited(t, "name: website", "name: log", "  - name: dev\n", "  - name: archive\n"),
			"workloads[1]", 19, `makes account "log-archive", which the foundation makes too (foundation.security)`, 0},
		{"two workloads make the same account",
			"version: 1\norganization:\n  name: acme\n  email: aws@acme.example\n  homeRegion: eu-west-1\nenvironments:\n  - name: c\n  - name: b-c\nworkloads:\n  - name: a-b\n  - name: a\n",
			"workloads[1]", 11, `makes account "a-b-c", which workloads[0] makes too`, 0},
		{"generated account name too long", edited(t, "  - name: prod\n", "  - name: "+long('e', 16)+"\n", "name: website", "name: "+long('w', 24),
			"  - name: eu\n", "  - name: "+long('r', 16)+"\n", "[eu, us]", "["+long('r', 16)+", us]", "residencies: [eu]", "residencies: ["+long('r', 16)+"]"),
			"workloads[1]", 19, "is 58 characters; AWS allows at most 50; shorten the workload, environment or residency name", 0},
	}
	if len(cases) < 45 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, tc.src)
			want := max(tc.n, 1)
			if len(errs) != want {
				t.Errorf("got %d errors, want %d:\n%v", len(errs), want, errs)
			}
			for _, e := range errs {
				if e.Path == tc.path {
					if e.Line != tc.line {
						t.Errorf("%s: line %d, want %d", e.Path, e.Line, tc.line)
					}
					if !strings.Contains(e.Message, tc.msg) {
						t.Errorf("%s: message %q does not contain %q", e.Path, e.Message, tc.msg)
					}
					return
				}
			}
			t.Errorf("no error at %s; got:\n%v", tc.path, errs)
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	src := edited(t,
		"version: 1", "version: 3", // line 1
		"name: acme", "name: Acme", // line 3
		"homeRegion: eu-west-1", "homeRegion: eu-west-9", // line 5
		"  - name: prod\n", "  - name: dev\n", // line 8
		"team@acme.example", "team", // line 17
	)
	errs := parseErrors(t, src)
	want := []struct {
		path string
		line int
	}{
		{"version", 1},
		{"organization.name", 3},
		{"organization.homeRegion", 5},
		{"environments[1].name", 8},
		{"workloads[0].owner", 17},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if errs[i].Path != w.path || errs[i].Line != w.line {
			t.Errorf("error %d is %s at line %d, want %s at line %d", i, errs[i].Path, errs[i].Line, w.path, w.line)
		}
	}
	if msg := errs.Error(); !strings.HasPrefix(msg, "5 problems:\n  line 1: version: ") {
		t.Errorf("Errors.Error() = %q", msg)
	}
}

// Decoding problems and validation problems come back together, and a field
// the decoder could not read is not reported again as missing.
func TestDecodeErrorsAreNotRepeated(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		paths []string
	}{
		{"wrong types and a bad name", edited(t,
			"version: 1", "version: [1]",
			"name: acme", "name: [acme]",
			"  - name: dev\n", "  - name: Dev\n",
			"homeRegion:", "homeregion:",
		), []string{"version", "organization.name", "organization.homeregion", "environments[0].name"}},
		{"environments not a list", edited(t, "environments:\n  - name: dev\n  - name: prod\n    perResidency: true\n", "environments: dev\n"),
			[]string{"environments"}},
		{"workload item not a mapping", edited(t, "  - name: website\n    residencies: [eu]\n", "  - website\n"),
			[]string{"workloads[1]"}},
		{"a typo beside the real key", edited(t, "  homeRegion: eu-west-1\n", "  homeRegion: eu-west-9\n  homeregion: eu-west-1\n"),
			[]string{"organization.homeRegion", "organization.homeregion"}},
		{"misplaced and mistyped keys", edited(t, "  homeRegion: eu-west-1\n", "", "workloads:", "workload:") + "homeRegion: eu-west-1\n",
			[]string{"workload", "homeRegion"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, tc.src)
			var got []string
			for _, e := range errs {
				got = append(got, e.Path)
			}
			if strings.Join(got, " ") != strings.Join(tc.paths, " ") {
				t.Errorf("errors at %q, want %q:\n%v", got, tc.paths, errs)
			}
		})
	}
}

// Validate finds every problem of a design built in code too (the wizard
// builds designs field by field, with no file positions).
func TestValidateWithoutPositions(t *testing.T) {
	d := NewDesign()
	d.Organization = Organization{Name: "acme", Email: "aws@acme.example", HomeRegion: "eu-west-1"}
	d.Environments = []Environment{{Name: "dev"}}
	d.Workloads = []Workload{{Name: "app"}, {Name: "app"}}
	d.Accounts = []AdoptedAccount{{Name: "old"}}
	err := d.Validate()
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Validate() = %v, want Errors", err)
	}
	want := []string{"workloads[1].name", "accounts[0]", "accounts[0].ou"}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, p := range want {
		if errs[i].Path != p || errs[i].Line != 0 {
			t.Errorf("error %d at %s line %d, want %s with no line", i, errs[i].Path, errs[i].Line, p)
		}
	}
}

// YAML syntax errors keep the parser's words and line (which is where the
// parser noticed, at or a little before the mistake) and add what to change.
func TestYAMLSyntaxErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"colon in a value", edited(t, "  - name: website\n", "  - name: website\n    description: Site: public\n"), 20, "put the value in quotes"},
		{"value starting with @", edited(t, "aws@acme.example", "@acme.example"), 4, "('@' or '`'); put the value in quotes"},
		{"tab indentation", edited(t, "  name: acme", "\tname: acme"), 3, "indent with spaces, not tabs"},
		{"keys not lined up", edited(t, "  email:", " email:"), 3, "the keys of one mapping must line up"},
		{"missing colon", edited(t, "  homeRegion: eu-west-1", "  homeRegion eu-west-1"), 5, "add the ':'"},
		{"unclosed quote", baseDesign + "layout: 'by-workload\n", 23, "a quote or a bracket is not closed"},
		{"unclosed list", edited(t, "[eu, us]", "[eu, us"), 17, "not closed with ']'"},
		{"list items not lined up", edited(t, "  - name: prod\n", "   - name: prod\n"), 6, "the items of a list each start with '- ', lined up"},
		{"alias without anchor", edited(t, "[eu, us]", "*regions"), 0, "refers to no anchor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, tc.src)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), errs)
			}
			e := errs[0]
			if !strings.HasPrefix(e.Message, "not valid YAML: ") || !strings.Contains(e.Message, tc.msg) || e.Line != tc.line {
				t.Errorf("got line %d %q; want line %d, a message containing %q", e.Line, e.Message, tc.line, tc.msg)
			}
		})
	}
}

// TestTreeProblemsWithInputProblems: what only the expansion shows (an
// adopted account's OU, the emails a template makes, a clash with an adopted
// account's email) is reported in the same run as the problems of the inputs,
// not after they are fixed; what only repeats an input problem is not.
func TestTreeProblemsWithInputProblems(t *testing.T) {
	src := edited(t,
		"version: 1", "version: 3", // line 1
		"email: aws@acme.example", `emailTemplate: "aws-platform-engineering-team-notices-for-{account}@acme.example"`, // line 4
		"  - name: prod\n", "  - name: Prod\n", // line 8
		"  cost-center: engineering\n", "  aws:cost-center: engineering\n", // line 22
	) + `accounts:
  - name: legacy
    email: old@acme.example
    ou: Transitonal
  - name: bad id
    id: "12345"
    ou: Workloads/staging
`
	errs := parseErrors(t, src)
	want := []struct {
		path string
		line int
		msg  string
	}{
		{"version", 1, "version 3 is not supported"},
		{"environments[1].name", 8, `"Prod" is not a valid name`},
		{"tags.aws:cost-center", 22, "reserved by AWS"},
		{"accounts[0].ou", 26, `did you mean "Transitional"?`},
		{"accounts[1].id", 28, "12 digits"},
		{"accounts[1].ou", 29, `"Workloads/staging" is not an OU of this design`},
		// The template's emails: too long for the foundation's and the dev
		// accounts, not reported for the prod ones (their environment's name
		// is already wrong).
		{"foundation.security", 4, "account log-archive gets email aws-platform-engineering-team-notices-for-log-archive@acme.example, which AWS refuses"},
		{"foundation.security", 4, "account security-tooling gets email"},
		{"workloads[1]", 19, "account website-dev gets email"},
		{"workloads[0]", 16, "account payments-dev gets email aws-platform-engineering-team-notices-for-payments-dev@acme.example, which AWS refuses"},
	}
	for _, w := range want {
		found := false
		for _, e := range errs {
			if e.Path == w.path && e.Line == w.line && strings.Contains(e.Message, w.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing: line %d %s: ...%s...", w.line, w.path, w.msg)
		}
	}
	for _, e := range errs {
		if strings.Contains(e.Message, "Prod") && e.Path != "environments[1].name" {
			t.Errorf("a problem that only repeats the environment's name: %v", e)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(errs), len(want), errs)
	}
}

// TestPolicySizeLimit: AWS allows 10,240 characters per SCP since
// 2026-05-15; validate holds a policy to exactly that.
func TestPolicySizeLimit(t *testing.T) {
	d := loadExample(t, "acme.yaml")
	for _, size := range []int{10240, 10241} {
		tree := d.expand()
		head, tail := `{"Version":"2012-10-17","Statement":[{"Sid":"`, `","Effect":"Deny","Action":"*","Resource":"*"}]}`
		tree.Policies[0].Content = head + strings.Repeat("x", size-len(head)-len(tail)) + tail
		l := &errorList{}
		d.validateTree(l, tree, inputFaults{})
		err := l.result()
		if size <= 10240 && err != nil {
			t.Errorf("a policy of %d characters: %v", size, err)
		}
		if size > 10240 && (err == nil || !strings.Contains(err.Error(), "is 10241 characters; AWS allows 10240")) {
			t.Errorf("a policy of %d characters: %v", size, err)
		}
	}
}
