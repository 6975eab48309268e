package access

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// userConfig is a config file as people keep them: comments, odd spacing,
// an sso-session, a default profile, and no newline at the end.
const userConfig = `# my AWS config, hand-written
[default]
region=eu-west-1
output = json

  [profile  work ]   
sso_session = corp
sso_account_id = 999999999999
sso_role_name = ReadOnly
; a semicolon comment
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile mgmt]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret	# tabbed comment
[profile personal]
region = us-west-2`

func acmeAccounts() []Account {
	return []Account{
		{ID: "222222222222", Name: "log-archive", Region: "eu-west-1"},
		{ID: "333333333333", Name: "payments-dev", Region: "eu-west-1"},
		{ID: "444444444444", Name: "payments-prod-us", Region: "us-east-1"},
	}
}

func block(t *testing.T, org string, accounts []Account) Block {
	t.Helper()
	sections, err := RoleProfiles(accounts, OrganizationAccountAccessRole, "mgmt")
	if err != nil {
		t.Fatal(err)
	}
	return Block{OrganizationID: org, Rerun: "orgwizard access aws-config --source-profile mgmt --merge ~/.aws/config", Sections: sections}
}

// outsideBlocks is data with every orgwizard block cut out.
func outsideBlocks(data string) string {
	var out strings.Builder
	in := false
	for _, l := range strings.SplitAfter(data, "\n") {
		t := strings.TrimRight(l, "\r\n")
		switch {
		case strings.HasPrefix(t, "# >>> orgwizard organization "):
			in = true
		case strings.HasPrefix(t, "# <<< orgwizard organization "):
			in = false
		case !in:
			out.WriteString(l)
		}
	}
	return out.String()
}

func TestRoleProfilesRender(t *testing.T) {
	got := string(block(t, "o-abc123", acmeAccounts()).Render("\n"))
	want := `# >>> orgwizard organization o-abc123 >>>
# Written by orgwizard; everything up to the end marker is replaced when it runs again.
# Keep your own settings outside the markers. To update: orgwizard access aws-config --source-profile mgmt --merge ~/.aws/config

# log-archive (222222222222)
[profile log-archive]
role_arn = arn:aws:iam::222222222222:role/OrganizationAccountAccessRole
source_profile = mgmt
region = eu-west-1

# payments-dev (333333333333)
[profile payments-dev]
role_arn = arn:aws:iam::333333333333:role/OrganizationAccountAccessRole
source_profile = mgmt
region = eu-west-1

# payments-prod-us (444444444444)
[profile payments-prod-us]
role_arn = arn:aws:iam::444444444444:role/OrganizationAccountAccessRole
source_profile = mgmt
region = us-east-1
# <<< orgwizard organization o-abc123 <<<
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestMergeKeepsEveryOtherByte: the user's file is kept byte for byte around
// the block, a second merge changes nothing, and a renamed or removed
// account changes only orgwizard's block.
func TestMergeKeepsEveryOtherByte(t *testing.T) {
	for _, nl := range []string{"\n", "\r\n"} {
		user := strings.ReplaceAll(userConfig, "\n", nl)
		first, err := Merge([]byte(user), block(t, "o-abc123", acmeAccounts()))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(first), user+nl+nl+"# >>> orgwizard organization o-abc123 >>>"+nl) {
			t.Fatalf("the user's file is not kept whole before the block:\n%q", first)
		}
		if nl == "\r\n" && strings.Count(string(first), "\n") != strings.Count(string(first), "\r\n") {
			t.Errorf("a CRLF file got LF lines:\n%q", first)
		}

		second, err := Merge(first, block(t, "o-abc123", acmeAccounts()))
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("a second merge is not a no-op (err %v):\n%q\n%q", err, first, second)
		}

		// The user adds a profile after orgwizard's block; an account is renamed,
		// one closed and removed.
		edited := string(first) + nl + "[profile after]" + nl + "region = sa-east-1" + nl
		changed := acmeAccounts()[:2]
		changed[1].Name = "payments-development"
		third, err := Merge([]byte(edited), block(t, "o-abc123", changed))
		if err != nil {
			t.Fatal(err)
		}
		if outsideBlocks(string(third)) != outsideBlocks(edited) {
			t.Errorf("bytes outside the block changed:\n%q\n%q", outsideBlocks(edited), outsideBlocks(string(third)))
		}
		for _, gone := range []string{"[profile payments-dev]", "[profile payments-prod-us]", "444444444444"} {
			if strings.Contains(string(third), gone) {
				t.Errorf("%s is still there", gone)
			}
		}
		if !strings.Contains(string(third), "[profile payments-development]"+nl+"role_arn = arn:aws:iam::333333333333:role/OrganizationAccountAccessRole") {
			t.Errorf("the renamed account's profile is missing:\n%s", third)
		}
		if !strings.HasSuffix(string(third), "# <<< orgwizard organization o-abc123 <<<"+nl+nl+"[profile after]"+nl+"region = sa-east-1"+nl) {
			t.Errorf("the user's profile after the block moved:\n%s", third)
		}
	}
}

// TestMergeKeepsOtherOrganizations: the block of another organization is
// the user's as far as this merge goes.
func TestMergeKeepsOtherOrganizations(t *testing.T) {
	other := block(t, "o-other", []Account{{ID: "555555555555", Name: "other-prod", Region: "us-east-1"}})
	withOther, err := Merge([]byte(userConfig), other)
	if err != nil {
		t.Fatal(err)
	}
	both, err := Merge(withOther, block(t, "o-abc123", acmeAccounts()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(both, withOther) {
		t.Errorf("o-other's block changed:\n%s", both)
	}
	again, err := Merge(both, other)
	if err != nil || !bytes.Equal(again, both) {
		t.Errorf("re-merging o-other changed the file (err %v)", err)
	}
	// A profile name of one organization in another's block is refused.
	_, err = Merge(both, block(t, "o-other", []Account{{ID: "555555555555", Name: "payments-dev"}}))
	if err == nil || !strings.Contains(err.Error(), "[profile payments-dev]") {
		t.Errorf("a clash across blocks: %v", err)
	}
}

func TestMergeRefuses(t *testing.T) {
	b := block(t, "o-abc123", acmeAccounts())
	rendered := string(b.Render("\n"))
	for _, tc := range []struct{ name, file, want string }{
		{"the user's own profile of that name", "[profile  payments-dev ]\nregion = x\n", "line 1 [profile payments-dev] outside orgwizard's block; rename or delete that section"},
		{"no end marker", "a = b\n" + strings.Split(rendered, "# <<<")[0], "line 2: orgwizard's block for o-abc123 has no end marker"},
		{"an end marker alone", "# <<< orgwizard organization o-abc123 <<<\n", "line 1: an end marker for o-abc123 with no begin marker"},
		{"two blocks", rendered + rendered, "a second orgwizard block for o-abc123"},
		{"a block inside another", "# >>> orgwizard organization o-x >>>\n" + rendered, "begins before the one from line 1 ends"},
	} {
		out, err := Merge([]byte(tc.file), b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, out %q; want %q", tc.name, err, out, tc.want)
		}
	}
}

func TestMergeIntoEmptyAndUnterminatedFiles(t *testing.T) {
	b := block(t, "o-abc123", acmeAccounts())
	out, err := Merge(nil, b)
	if err != nil || !bytes.Equal(out, b.Render("\n")) {
		t.Errorf("an empty file gets the block alone: %v\n%s", err, out)
	}
	// A file that ends with the end marker and no newline keeps that.
	noNL := bytes.TrimSuffix(b.Render("\n"), []byte("\n"))
	out, err = Merge(append([]byte("[profile a]\n\n"), noNL...), b)
	if err != nil || !bytes.Equal(out, append([]byte("[profile a]\n\n"), noNL...)) {
		t.Errorf("unterminated file: %v\n%q", err, out)
	}
}

func TestProfileNames(t *testing.T) {
	for in, want := range map[string]string{
		"payments-dev":      "payments-dev",
		"Legacy Prod (old)": "legacy-prod-old",
		"  [weird];#name ":  "weird-name",
		"Ünïcode":           "n-code",
		"...":               "",
	} {
		if got := ProfileName(in); got != want {
			t.Errorf("ProfileName(%q) = %q, want %q", in, got, want)
		}
	}
	sections, err := RoleProfiles([]Account{
		{ID: "111111111111", Name: "Shared"},
		{ID: "222222222222", Name: "shared"},
		{ID: "333333333333", Name: "default"},
		{ID: "444444444444", Name: "???"},
		{ID: "555555555555", Name: "mgmt"},
		{ID: "666666666666", Name: "payments"},
	}, OrganizationAccountAccessRole, "mgmt")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sections {
		got = append(got, s.Profile())
	}
	want := "shared-111111111111 shared-222222222222 default-333333333333 account-444444444444 mgmt-555555555555 payments"
	if strings.Join(got, " ") != want {
		t.Errorf("names %v, want %s", got, want)
	}
	if _, err := RoleProfiles(acmeAccounts(), OrganizationAccountAccessRole, "my profile"); err == nil {
		t.Error("a source profile with a space is accepted")
	}
	if _, err := RoleProfiles([]Account{{ID: "111111111111", Name: "x-222222222222"}, {ID: "222222222222", Name: "x"}, {ID: "333333333333", Name: "x"}},
		OrganizationAccountAccessRole, "mgmt"); err == nil || !strings.Contains(err.Error(), "rename one") {
		t.Errorf("names that still collide: %v", err)
	}
}

func TestSwitchRoleURL(t *testing.T) {
	got := SwitchRoleURL("123456789012", OrganizationAccountAccessRole, "payments prod&eu")
	want := "https://signin.aws.amazon.com/switchrole?roleName=OrganizationAccountAccessRole&account=123456789012&displayName=payments%20prod%26eu"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func manyAccounts(n int) []Account {
	accounts := make([]Account, n)
	for i := range accounts {
		accounts[i] = Account{ID: fmt.Sprintf("%012d", 100000000000+i), Name: fmt.Sprintf("workload%03d-env%d-eu", i/10, i%10), Region: "eu-west-1"}
	}
	return accounts
}

// BenchmarkAWSConfig2000: the profiles of 2,000 accounts, built and merged
// into a config file that already holds them and the user's own sections.
// Target: under 100 ms.
func BenchmarkAWSConfig2000(b *testing.B) {
	accounts := manyAccounts(2000)
	sections, err := RoleProfiles(accounts, OrganizationAccountAccessRole, "mgmt")
	if err != nil {
		b.Fatal(err)
	}
	existing, err := Merge([]byte(userConfig), Block{OrganizationID: "o-abc123", Rerun: "x", Sections: sections})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sections, err := RoleProfiles(accounts, OrganizationAccountAccessRole, "mgmt")
		if err != nil {
			b.Fatal(err)
		}
		out, err := Merge(existing, Block{OrganizationID: "o-abc123", Rerun: "x", Sections: sections})
		if err != nil || len(out) != len(existing) {
			b.Fatalf("merge: %v", err)
		}
	}
	if per := b.Elapsed() / time.Duration(b.N); per > 100*time.Millisecond {
		b.Errorf("%v per generation of 2,000 profiles, over the 100 ms target", per)
	}
}
