package orgmodel

import (
	"fmt"
	"strings"
	"testing"
)

func TestNameChecks(t *testing.T) {
	type check struct {
		name string
		fn   func(string) error
	}
	org := check{"organization", CheckOrganizationName}
	env := check{"environment", CheckEnvironmentName}
	res := check{"residency", CheckResidencyName}
	wl := check{"workload", CheckWorkloadName}
	cases := []struct {
		check check
		in    string
		msg   string // "" when the name is valid
	}{
		{org, "acme", ""},
		{org, "a", ""},
		{org, "acme-corp-2", ""},
		{org, strings.Repeat("a", 32), ""},
		{org, strings.Repeat("a", 33), "is 33 characters; use at most 32"},
		{org, "", "is empty; use 1-32 characters"},
		{org, "Acme", `(for example "acme")`},
		{org, "acme corp", `(for example "acme-corp")`},
		{org, "acme_corp", `(for example "acme-corp")`},
		{org, "1acme", `starting with a letter (for example "acme")`},
		{org, "-acme", `(for example "acme")`},
		{org, "acme-", "ends with '-'; end it with a letter or digit"},
		{org, "ac--me", "has '--'"},
		{org, "ÄCME", `(for example "cme")`},
		{org, "123", `(for example "main")`},
		{env, "dev", ""},
		{env, "prod-2", ""},
		{env, strings.Repeat("e", 16), ""},
		{env, strings.Repeat("e", 17), "use at most 16"},
		{env, "Prod", `(for example "prod")`},
		{env, "prod.eu", `(for example "prod-eu")`},
		{res, "eu", ""},
		{res, "eu-", "ends with '-'"},
		{res, "EU", `(for example "eu")`},
		{res, strings.Repeat("r", 17), "use at most 16"},
		{wl, "payments", ""},
		{wl, strings.Repeat("w", 24), ""},
		{wl, strings.Repeat("w", 25), "use at most 24"},
		{wl, "Payments API", `(for example "payments-api")`},
		{wl, "pay--ments", "has '--'"},
		{wl, "", "is empty; use 1-24 characters"},
	}
	for _, tc := range cases {
		err := tc.check.fn(tc.in)
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("%s name %q: unexpected error %v", tc.check.name, tc.in, err)
		case tc.msg != "" && err == nil:
			t.Errorf("%s name %q accepted, want an error containing %q", tc.check.name, tc.in, tc.msg)
		case tc.msg != "" && !strings.Contains(err.Error(), tc.msg):
			t.Errorf("%s name %q: error %q does not contain %q", tc.check.name, tc.in, err, tc.msg)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	cases := []struct{ in, msg string }{
		{"aws@acme.example", ""},
		{"a+b@c.de", ""},
		{"ab@c.de", ""},
		{strings.Repeat("a", 59) + "@b.cd", ""}, // 64
		{strings.Repeat("a", 60) + "@b.cd", "is 65 characters; AWS allows at most 64"},
		{"a@b.c", "is 5 characters; AWS needs at least 6"},
		{"", "is empty; give an address such as aws@example.com"},
		{"aws.acme.example", "exactly one '@'; write it as name@domain, such as aws@example.com"},
		{"a@b@acme.example", "exactly one '@'"},
		{"@acme.example", "has nothing before '@'"},
		{"aws@acme", "needs a domain with a dot, such as example.com"},
		{"aws@acme.", "needs a domain with a dot"},
		{"aws@.acme", "needs a domain with a dot"},
		{"aws @acme.example", "white space"},
		{"aws@acme.example\n", "white space"},
		{"aws\x7f@acme.example", "control characters"},
		{"zoë@acme.example", "character 3, 'ë' U+00EB (a Latin letter), is not ASCII; AWS account emails are ASCII"},
		{"pаyments@acme.example", "character 2, 'а' U+0430 CYRILLIC SMALL LETTER A, is not ASCII; type a Latin 'a'"},
	}
	for _, tc := range cases {
		err := CheckEmail(tc.in)
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("CheckEmail(%q): unexpected error %v", tc.in, err)
		case tc.msg != "" && err == nil:
			t.Errorf("CheckEmail(%q) accepted, want an error containing %q", tc.in, tc.msg)
		case tc.msg != "" && !strings.Contains(err.Error(), tc.msg):
			t.Errorf("CheckEmail(%q) = %q, want it to contain %q", tc.in, err, tc.msg)
		}
	}
}

func TestCheckAccountNameIDAndRegion(t *testing.T) {
	cases := []struct {
		what string
		err  error
		msg  string
	}{
		{"name", CheckAccountName("Legacy Production (old)"), ""},
		{"name", CheckAccountName(strings.Repeat("n", 50)), ""},
		{"name", CheckAccountName(strings.Repeat("n", 51)), "is 51 characters; AWS allows at most 50"},
		{"name", CheckAccountName(""), "is empty; give 1-50 printable ASCII characters"},
		{"name", CheckAccountName("tab\there"), "not printable ASCII"},
		{"name", CheckAccountName("café"), "not printable ASCII"},
		{"id", CheckAccountID("123456789012"), ""},
		{"id", CheckAccountID("012345678901"), ""},
		{"id", CheckAccountID("12345678901"), "an id is 12 digits"},
		{"id", CheckAccountID("1234-5678-9012"), "quote it in YAML"},
		{"region", CheckRegion("eu-west-1"), ""},
		{"region", CheckRegion("mx-central-1"), ""},
		{"region", CheckRegion("eu-west-9"), `did you mean "eu-west-1"?`},
		{"region", CheckRegion("us-est-1"), `did you mean "us-east-1"?`},
		{"region", CheckRegion("useast1"), `did you mean "us-east-1"?`},
		{"region", CheckRegion("us-gov-west-1"), "a separate AWS partition (GovCloud); orgwizard works in the commercial partition: use a region such as eu-west-1"},
		{"region", CheckRegion("cn-north-1"), "a separate AWS partition (China)"},
		{"region", CheckRegion("eusc-de-east-1"), "a separate AWS partition (European Sovereign Cloud)"},
		{"region", CheckRegion("Frankfurt"), "is not an AWS region code; use one such as eu-west-1"},
		{"region", CheckRegion(""), "is not an AWS region code"},
	}
	for i, tc := range cases {
		switch {
		case tc.msg == "" && tc.err != nil:
			t.Errorf("case %d (%s): unexpected error %v", i, tc.what, tc.err)
		case tc.msg != "" && tc.err == nil:
			t.Errorf("case %d (%s): accepted, want an error containing %q", i, tc.what, tc.msg)
		case tc.msg != "" && !strings.Contains(tc.err.Error(), tc.msg):
			t.Errorf("case %d (%s): %q does not contain %q", i, tc.what, tc.err, tc.msg)
		}
	}
}

// The region list must stay sorted: IsRegion searches it by halves.
func TestRegionsSorted(t *testing.T) {
	rs := Regions()
	for i := 1; i < len(rs); i++ {
		if rs[i-1] >= rs[i] {
			t.Fatalf("regions out of order: %s before %s", rs[i-1], rs[i])
		}
	}
	for _, r := range rs {
		if !IsRegion(r) {
			t.Errorf("IsRegion(%q) = false", r)
		}
	}
}

func TestNearest(t *testing.T) {
	topKeys := []string{"version", "organization", "environments", "residencies", "workloads", "layout", "foundation", "guardrails", "tags", "accounts"}
	orgKeys := []string{"name", "email", "emailTemplate", "homeRegion"}
	cases := []struct {
		in         string
		candidates []string
		want       string
	}{
		{"homeregion", orgKeys, "homeRegion"},
		{"home_region", orgKeys, "homeRegion"},
		{"emailtemplate", orgKeys, "emailTemplate"},
		{"mail", orgKeys, "email"},
		{"nmae", orgKeys, "name"},
		{"workload", topKeys, "workloads"},
		{"enviroments", topKeys, "environments"},
		{"residency", topKeys, "residencies"},
		{"tag", topKeys, "tags"},
		{"Version", topKeys, "version"},
		{"homeRegion", topKeys, ""}, // not a typo of a top-level key: it belongs elsewhere
		{"colour", topKeys, ""},
		{"x", topKeys, ""},
		{"", topKeys, ""},
		{"eu-west-9", commercialRegions, "eu-west-1"},
		{"euu", []string{"eu", "us"}, "eu"},
		{"Transitonal", []string{"Security", "Workloads", "Transitional"}, "Transitional"},
		{strings.Repeat("a", 100), []string{strings.Repeat("a", 99)}, ""}, // junk is not searched
		{"anything", nil, ""},
	}
	for _, tc := range cases {
		if got := nearest(tc.in, tc.candidates); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"a", "", 1},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"homeregion", "homeregion", 0},
		{"workload", "workloads", 1},
		{"ab", "ba", 2},
	}
	for _, tc := range cases {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := editDistance(tc.b, tc.a); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestUnknownKeyMessages(t *testing.T) {
	orgFields := []field{{key: "name"}, {key: "email"}, {key: "emailTemplate"}, {key: "homeRegion"}}
	topFields := []field{{key: "version"}, {key: "organization"}, {key: "workloads"}}
	cases := []struct {
		key, path  string
		fields     []field
		msg, cover string
	}{
		{"homeregion", "organization", orgFields, `unknown key "homeregion"; did you mean "homeRegion"?`, "organization.homeRegion"},
		{"homeRegion", "", topFields, `"homeRegion" belongs under organization; move it there`, "organization.homeRegion"},
		{"regions", "organization", orgFields, `"regions" belongs under residencies[]`, ""},
		{"workloads", "organization", orgFields, `"workloads" belongs at the top level of the file`, "workloads"},
		{"colour", "", topFields, "the keys at the top level are: version, organization, workloads", ""},
		{"colour", "organization", orgFields, "the keys under organization are: name, email, emailTemplate, homeRegion", ""},
	}
	for _, tc := range cases {
		msg, cover := unknownKey(tc.key, tc.path, tc.fields)
		if !strings.Contains(msg, tc.msg) || cover != tc.cover {
			t.Errorf("unknownKey(%q, %q) = %q, %q; want %q, %q", tc.key, tc.path, msg, cover, tc.msg, tc.cover)
		}
	}
}

func TestListNamesAndCap(t *testing.T) {
	var names []string
	for i := range 25 {
		names = append(names, fmt.Sprintf("r%d", i))
	}
	if got := listNames(names[:3]); got != "r0, r1, r2" {
		t.Errorf("listNames(3) = %q", got)
	}
	if got := listNames(names); !strings.HasSuffix(got, "r19 and 5 more") || strings.Contains(got, "r20") {
		t.Errorf("listNames(25) = %q", got)
	}

	l := &errorList{}
	for i := range maxErrors + 7 {
		l.at(Pos{Line: maxErrors + 7 - i}, fmt.Sprintf("p%d", i), "problem %d", i)
	}
	errs := l.result().(Errors)
	if len(errs) != maxErrors+1 {
		t.Fatalf("%d errors, want %d", len(errs), maxErrors+1)
	}
	if last := errs[maxErrors]; last.Message != "and 7 more problems not shown; fix these and run validate again" || last.Line != 0 {
		t.Errorf("last error = %+v", last)
	}
	for i := 1; i < maxErrors; i++ {
		if errs[i-1].Line > errs[i].Line {
			t.Fatalf("errors out of line order at %d", i)
		}
	}
}

// TestLookalikeCharacters: a name that reads right but holds a lookalike
// (pasted from a chat, typed on another layout) is refused with the
// character named, where it is, and what to type instead.
func TestLookalikeCharacters(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{CheckWorkloadName("pаyments"), `"pаyments" is not a valid name: character 2, 'а' U+0430 CYRILLIC SMALL LETTER A, is not ASCII; type a Latin 'a' (for example "payments")`},
		{CheckEnvironmentName("prοd"), `character 3, 'ο' U+03BF GREEK SMALL LETTER OMICRON, is not ASCII; type a Latin 'o' (for example "prod")`},
		{CheckEnvironmentName("prod–eu"), `character 5, '–' U+2013 EN DASH, is not ASCII; type an ASCII '-' (for example "prod-eu")`},
		{CheckOrganizationName("ａcme"), `character 1, 'ａ' U+FF41 FULLWIDTH 'a', is not ASCII; type a Latin 'a' (for example "acme")`},
		{CheckResidencyName("eu\u00adwest"), `character 3, an invisible character U+00AD SOFT HYPHEN, is not ASCII; type an ASCII '-'`},
		{CheckWorkloadName("сrm-оps"), `character 1, 'с' U+0441 CYRILLIC SMALL LETTER ES, is not ASCII; type a Latin 'c' (1 more characters after it are not ASCII either) (for example "crm-ops")`},
		// No Latin twin: the code point and the script.
		{CheckWorkloadName("жurnal"), `character 1, 'ж' U+0436 (a Cyrillic letter), is not ASCII (for example "urnal")`},
		// 24 characters but more bytes: the lookalike is the problem, not the length.
		{CheckWorkloadName("pаyments-" + strings.Repeat("x", 15)), "character 2, 'а' U+0430 CYRILLIC SMALL LETTER A"},
		{CheckRegion("eu-wеst-1"), `"eu-wеst-1" is not an AWS region code: character 5, 'е' U+0435 CYRILLIC SMALL LETTER IE, is not ASCII; type a Latin 'e' (did you mean "eu-west-1"?)`},
		{CheckRegion("eu-west–1"), `character 8, '–' U+2013 EN DASH, is not ASCII; type an ASCII '-' (did you mean "eu-west-1"?)`},
		{CheckAccountName("pаyments-dev"), `"pаyments-dev" has a character that is not printable ASCII: character 2, 'а' U+0430 CYRILLIC SMALL LETTER A, is not ASCII; type a Latin 'a'`},
	}
	for i, tc := range cases {
		if tc.err == nil {
			t.Errorf("case %d: accepted, want %q", i, tc.want)
			continue
		}
		if !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, tc.err, tc.want)
		}
	}
	// The table is what it claims: each entry is not ASCII, maps to ASCII.
	for r, c := range confusables {
		if r < 0x80 || c.latin >= 0x80 || c.latin == 0 || c.name == "" {
			t.Errorf("confusable U+%04X: %+v", r, c)
		}
	}
}
