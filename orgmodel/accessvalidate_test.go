package orgmodel

import (
	"fmt"
	"strings"
	"testing"
)

// lineOfText is the 1-based line of src where text first occurs.
func lineOfText(t *testing.T, src, text string) int {
	t.Helper()
	i := strings.Index(src, text)
	if i < 0 {
		t.Fatalf("%q is not in the design", text)
	}
	return strings.Count(src[:i], "\n") + 1
}

func TestValidateAccessBadBlocks(t *testing.T) {
	const ok = "      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n"
	ps := func(lines string) string { return "access:\n  permissionSets:\n    - name: ps\n" + lines }
	grant := func(g string) string {
		return "access:\n  groups:\n    - name: team\n      grants:\n        - " + g + "\n"
	}
	bigStatement := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + strings.Repeat("b", 100) + `/*"}`
	big := `'{"Version":"2012-10-17","Statement":[` + strings.Repeat(bigStatement+",", 80) + bigStatement + `]}'`
	// White space between tokens is not sent (the policy is compacted);
	// inside a string it is.
	spaced := `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"` + strings.Repeat(" ", 33_000) + `"}}}]}'`

	cases := []struct {
		name  string
		block string
		path  string
		at    string // text on the line the error is at
		msg   string
	}{
		// Permission sets.
		{"name missing", "access:\n  permissionSets:\n    - description: x\n" + ok, "access.permissionSets[0].name", "- description", "is required"},
		{"name too long", ps(ok + "    - name: " + strings.Repeat("a", 33) + "\n" + ok), "access.permissionSets[1].name", strings.Repeat("a", 33), "at most 32"},
		{"name with a space", "access:\n  permissionSets:\n    - name: my set\n" + ok, "access.permissionSets[0].name", "my set", "no spaces"},
		{"name lookalike", "access:\n  permissionSets:\n    - name: dеployer\n" + ok, "access.permissionSets[0].name", "dеployer", "CYRILLIC"},
		{"duplicate", ps(ok + "    - name: PS\n" + ok), "access.permissionSets[1].name", "name: PS", "ignoring case"},
		{"preset redefined", "access:\n  permissionSets:\n    - name: Admin\n" + ok, "access.permissionSets[0].name", "name: Admin", "is a preset (arn:aws:iam::aws:policy/AdministratorAccess)"},
		{"no policy", ps("      description: nothing\n"), "access.permissionSets[0]", "- name: ps", "grants nothing"},
		{"empty managed list", ps("      managedPolicies: []\n"), "access.permissionSets[0].managedPolicies", "managedPolicies: []", "grants nothing"},
		{"customer managed", ps("      managedPolicies: [\"arn:aws:iam::123456789012:policy/Mine\"]\n"), "access.permissionSets[0].managedPolicies[0]", "Mine", "customer managed policy"},
		{"bare name", ps("      managedPolicies: ReadOnlyAccess\n"), "access.permissionSets[0].managedPolicies", "ReadOnlyAccess", "write arn:aws:iam::aws:policy/ReadOnlyAccess"},
		{"malformed arn", ps("      managedPolicies: [\"arn:aws:iam:aws:policy/X\"]\n"), "access.permissionSets[0].managedPolicies[0]", "policy/X", "not the ARN of an AWS managed policy"},
		{"arn twice", ps("      managedPolicies:\n        - arn:aws:iam::aws:policy/ReadOnlyAccess\n        - arn:aws:iam::aws:policy/ReadOnlyAccess   # again\n"), "access.permissionSets[0].managedPolicies[1]", "# again", "listed twice"},
		{"too many managed", ps("      managedPolicies: [" + manyARNs(21) + "]\n"), "access.permissionSets[0].managedPolicies", "managedPolicies:", "21 policies; AWS allows 20"},
		{"policy not JSON", ps("      inlinePolicy: '{\"Version\": '\n"), "access.permissionSets[0].inlinePolicy", "inlinePolicy", "is not JSON"},
		{"policy a list", ps("      inlinePolicy: '[1, 2]'\n"), "access.permissionSets[0].inlinePolicy", "inlinePolicy", "must be a mapping with Version and Statement"},
		{"policy too large", ps("      inlinePolicy: " + big + "\n"), "access.permissionSets[0].inlinePolicy", "inlinePolicy", "not white space; AWS allows 10240"},
		{"policy too many bytes", ps("      inlinePolicy: " + spaced + "\n"), "access.permissionSets[0].inlinePolicy", "inlinePolicy", "bytes as sent; AWS allows 32768"},
		{"policy not Latin-1", ps("      inlinePolicy: {Version: \"2012-10-17\", Statement: [{Sid: \"日本\"}]}\n"), "access.permissionSets[0].inlinePolicy", "inlinePolicy", "Latin-1 only"},
		{"policy nan", ps("      inlinePolicy: {Version: .nan}\n"), "access.permissionSets[0].inlinePolicy", "inlinePolicy", "not a number JSON can hold"},
		{"policy a number", ps("      inlinePolicy: [1]\n"), "access.permissionSets[0].inlinePolicy", "inlinePolicy", "expected a policy document"},
		{"duration not ISO", ps(ok + "      sessionDuration: 4h\n"), "access.permissionSets[0].sessionDuration", "sessionDuration", "not an ISO-8601 duration"},
		{"duration too short", ps(ok + "      sessionDuration: PT59M\n"), "access.permissionSets[0].sessionDuration", "sessionDuration", "from PT1H to PT12H"},
		{"duration too long", ps(ok + "      sessionDuration: P1D\n"), "access.permissionSets[0].sessionDuration", "sessionDuration", "from PT1H to PT12H"},
		{"description not Latin-1", ps(ok + "      description: 日本\n"), "access.permissionSets[0].description", "description", "Latin-1"},
		{"description too long", ps(ok + "      description: " + strings.Repeat("d", 701) + "\n"), "access.permissionSets[0].description", "description", "at most 700"},
		{"unknown key", ps(ok + "      sesionDuration: PT2H\n"), "access.permissionSets[0].sesionDuration", "sesionDuration", `did you mean "sessionDuration"`},

		// Groups and members.
		{"group name missing", "access:\n  groups:\n    - members: [a@acme.example]\n", "access.groups[0].name", "- members", "is required"},
		{"group name control", "access:\n  groups:\n    - name: \"a\\u0007b\"\n", "access.groups[0].name", `a\u0007b`, "control character"},
		{"group twice", "access:\n  groups:\n    - name: Team\n    - name: team\n", "access.groups[1].name", "name: team", "ignoring case"},
		{"member not email", "access:\n  groups:\n    - name: t\n      members: [ana]\n", "access.groups[0].members[0]", "[ana]", "exactly one '@'"},
		{"member one value", "access:\n  groups:\n    - name: t\n      members: ana@acme\n", "access.groups[0].members", "ana@acme", "domain with a dot"},
		{"member twice", "access:\n  groups:\n    - name: t\n      members: [ana@acme.example, Ana@Acme.example]\n", "access.groups[0].members[1]", "members:", "listed twice"},
		{"member too long", "access:\n  groups:\n    - name: t\n      members: [" + strings.Repeat("a", 120) + "@acme.example]\n", "access.groups[0].members[0]", "members:", "at most 128"},
		{"members a mapping", "access:\n  groups:\n    - name: t\n      members: {ana: x}\n", "access.groups[0].members", "members:", "a name or a list of names"},
		{"groups misplaced", "access:\n  permissionSets: []\ngroups: []\n", "groups", "groups: []", "belongs under access"},

		// Grants.
		{"permission set missing", grant("{accounts: all}"), "access.groups[0].grants[0].permissionSet", "accounts: all", "is required"},
		{"permission set unknown", grant("{permissionSet: read-onyl, accounts: all}"), "access.groups[0].grants[0].permissionSet", "read-onyl", `did you mean "read-only"`},
		{"no selector", grant("{permissionSet: admin}"), "access.groups[0].grants[0]", "permissionSet: admin", "selects no account; add accounts: all"},
		{"unknown workload", grant("{permissionSet: admin, workload: paymnts}"), "access.groups[0].grants[0].workload", "paymnts", `did you mean "payments"`},
		{"unknown environment", grant("{permissionSet: admin, environment: [dev, production]}"), "access.groups[0].grants[0].environment[1]", "production", "the design has no environment \"production\""},
		{"unknown residency", grant("{permissionSet: admin, residency: asia}"), "access.groups[0].grants[0].residency", "residency: asia", "use one of: eu, us"},
		{"environment twice", grant("{permissionSet: admin, environment: [dev, dev]}"), "access.groups[0].grants[0].environment[1]", "[dev, dev]", "listed twice"},
		{"unknown account", grant("{permissionSet: admin, accounts: [payments-dev, payments-dve]}"), "access.groups[0].grants[0].accounts[1]", "payments-dve", `did you mean "payments-dev"`},
		{"all mixed", grant("{permissionSet: admin, accounts: [all, payments-dev]}"), "access.groups[0].grants[0].accounts", "accounts: [all", "mixes all with account names"},
		{"unknown ou", grant("{permissionSet: admin, ou: Workloads/staging}"), "access.groups[0].grants[0].ou", "Workloads/staging", "the design has no OU"},
		{"selects nothing", grant("{permissionSet: admin, workload: website, residency: us}"), "access.groups[0].grants[0]", "residency: us}", "selects no account: no account of the design is of workload website, in residency us"},
		{"management with a selector", grant("{permissionSet: admin, accounts: acme, environment: dev}"), "access.groups[0].grants[0]", "acme, environment", "selects no account"},
		{"environment key", grant("{permissionSet: admin, environments: dev}"), "access.groups[0].grants[0].environments", "environments: dev", `did you mean "environment"`},
		{"grants a mapping", "access:\n  groups:\n    - name: t\n      grants: {permissionSet: admin}\n", "access.groups[0].grants", "grants:", "expected a list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := baseDesign + c.block
			errs := parseErrors(t, src)
			if len(errs) != 1 {
				t.Fatalf("want 1 error, got %d:\n%v", len(errs), errs)
			}
			e := errs[0]
			if e.Path != c.path || !strings.Contains(e.Message, c.msg) {
				t.Errorf("got %s: %s\nwant %s: ...%s...", e.Path, e.Message, c.path, c.msg)
			}
			if want := lineOfText(t, src, c.at); e.Line != want {
				t.Errorf("line %d, want %d (%q): %v", e.Line, want, c.at, e)
			}
		})
	}
}

func manyARNs(n int) string {
	arns := make([]string, n)
	for i := range arns {
		arns[i] = fmt.Sprintf("arn:aws:iam::aws:policy/P%d", i)
	}
	return strings.Join(arns, ", ")
}

// Every problem of the block comes back in one run, with the rest of the
// design's.
func TestValidateAccessReportsAllAtOnce(t *testing.T) {
	src := strings.Replace(baseDesign, "homeRegion: eu-west-1", "homeRegion: eu-west-9", 1) + `access:
  permissionSets:
    - name: bad name
    - name: ok
      managedPolicies: [x]
      sessionDuration: PT13H
  groups:
    - name: a
      members: [nope, ana@acme.example, ana@acme.example]
      grants:
        - {permissionSet: nope, workload: nope}
        - {permissionSet: ok, accounts: nope}
`
	errs := parseErrors(t, src)
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	want := []string{
		"organization.homeRegion",
		"access.permissionSets[0]", "access.permissionSets[0].name",
		"access.permissionSets[1].managedPolicies[0]", "access.permissionSets[1].sessionDuration",
		"access.groups[0].members[0]", "access.groups[0].members[2]",
		"access.groups[0].grants[0].permissionSet", "access.groups[0].grants[0].workload",
		"access.groups[0].grants[1].accounts",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s\nwant:\n%s\n%v", strings.Join(paths, "\n"), strings.Join(want, "\n"), errs)
	}
}

func TestValidateAccessAccepts(t *testing.T) {
	for name, block := range map[string]string{
		"empty":              "access: {}\n",
		"null":               "access:\n",
		"json string policy": "access:\n  permissionSets:\n    - name: p\n      inlinePolicy: '{\"Version\": \"2012-10-17\", \"Statement\": []}'\n",
		"durations":          "access:\n  permissionSets:\n    - {name: a, managedPolicies: arn:aws:iam::aws:policy/ReadOnlyAccess, sessionDuration: PT12H}\n    - {name: b, managedPolicies: arn:aws:iam::aws:policy/ReadOnlyAccess, sessionDuration: PT1H30M}\n    - {name: c, managedPolicies: arn:aws:iam::aws:policy/ReadOnlyAccess, sessionDuration: PT3600S}\n",
		"group no grants":    "access:\n  groups:\n    - name: Payments Team (EU)\n      members: ana@acme.example\n",
		"job function":       "access:\n  permissionSets:\n    - {name: v, managedPolicies: [arn:aws:iam::aws:policy/job-function/ViewOnlyAccess]}\n",
		"management warned":  "access:\n  groups:\n    - name: root-ops\n      grants: [{permissionSet: admin, accounts: [acme, log-archive]}]\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(baseDesign + block)); err != nil {
				t.Error(err)
			}
		})
	}
}

// SetAccess checks a block as Validate does and leaves the design alone
// when it fails.
func TestSetAccessChecksAsValidate(t *testing.T) {
	d := loadExample(t, "acme.yaml")
	bad := &Access{Groups: []GroupSpec{{Name: "t", Grants: []Grant{{PermissionSet: "admin", Workload: []string{"paymnts"}}}}}}
	if err := d.SetAccess(bad); err == nil || !strings.Contains(err.Error(), `did you mean "payments"`) || d.Access != nil {
		t.Errorf("a misspelt workload: %v, access %+v", err, d.Access)
	}
	nothing := &Access{Groups: []GroupSpec{{Name: "t", Grants: []Grant{{PermissionSet: "admin", Workload: []string{"website"}, Residency: []string{"us"}}}}}}
	if err := d.SetAccess(nothing); err == nil || !strings.Contains(err.Error(), "selects no account") || d.Access != nil {
		t.Errorf("a grant that selects nothing: %v", err)
	}
	good := &Access{Groups: []GroupSpec{{Name: "t", Members: []string{"ana@acme.example"}, Grants: []Grant{{PermissionSet: "admin", Workload: []string{"payments"}}}}}}
	if err := d.SetAccess(good); err != nil || d.Access != good {
		t.Fatalf("SetAccess: %v", err)
	}
	tree, err := d.Expand()
	if err != nil || tree.Access == nil || len(tree.Access.Assignments) != 4 {
		t.Errorf("the design with access set: %v, %+v", err, tree)
	}
	if err := d.SetAccess(nil); err != nil || d.Access != nil {
		t.Errorf("nil does not remove the block: %v", err)
	}
}

// Access blocks shaped to make expansion and validation work hardest stay
// cheap: a bound on grants times accounts, one on assignments, problems
// capped as everywhere else.
func TestLargestAccessBlocksStayCheap(t *testing.T) {
	envs := func(n int) string {
		return "environments:\n" + repeat(n, func(i int) string { return fmt.Sprintf("  - name: e%d\n", i) })
	}
	works := func(n int) string {
		return "workloads:\n" + repeat(n, func(i int) string { return fmt.Sprintf("  - name: w%d\n", i) })
	}
	const header = "version: 1\norganization:\n  name: big\n  emailTemplate: a-{account}@big.example\n  homeRegion: eu-west-1\n"
	manyAccounts := header + envs(100) + works(99) + "access:\n  groups:\n    - name: g\n      grants:\n"
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"grants for every one of 9,900 accounts", fill(manyAccounts, func(i int) string { return "        - {permissionSet: admin, accounts: all}\n" }), "more than orgwizard works out"},
		{"60,000 assignments", []byte(header + envs(40) + works(50) + "access:\n  groups:\n" + repeat(30, func(i int) string {
			return fmt.Sprintf("    - name: g%d\n      grants: [{permissionSet: admin, accounts: all}]\n", i)
		})), "more than 50000 account assignments"},
		{"60,000 bad members", fill(header+envs(1)+works(1)+"access:\n  groups:\n    - name: g\n      members:\n", func(i int) string { return fmt.Sprintf("        - m%d\n", i) }), "more problems not shown"},
		{"20,000 grants naming unknown accounts", fill(header+envs(1)+works(1)+"access:\n  groups:\n    - name: g\n      grants:\n", func(i int) string {
			return fmt.Sprintf("        - {permissionSet: admin, accounts: a%d}\n", i)
		}), "more problems not shown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > MaxDesignBytes {
				t.Fatalf("the test file is %d bytes, over the limit", len(tc.data))
			}
			var err error
			n := allocated(func() { _, err = Parse(tc.data) })
			if n > 160*MiB {
				t.Errorf("Parse allocated %.1f MiB for %d bytes, want at most 160 MiB", float64(n)/MiB, len(tc.data))
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Parse error does not contain %q: %.500v", tc.msg, err)
			}
		})
	}
}
