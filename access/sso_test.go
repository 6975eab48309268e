package access

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var acmeSession = SSOSession{Name: "acme", StartURL: "https://d-1234567890.awsapps.com/start", Region: "eu-central-1"}

func TestSSOProfilesRender(t *testing.T) {
	accts := acmeAccounts()
	sections, err := SSOProfiles(acmeSession, []SSORole{
		{Account: accts[1], PermissionSet: "admin", Via: []string{"payments-team", "platform-admins"}},
		{Account: accts[1], PermissionSet: "read-only", Via: []string{"auditors"}},
		{Account: accts[2], PermissionSet: "read-only"},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := string(Block{OrganizationID: "o-abc123", Rerun: "orgwizard access aws-config --merge ~/.aws/config", Sections: sections}.Render("\n"))
	want := `# >>> orgwizard organization o-abc123 >>>
# Written by orgwizard; everything up to the end marker is replaced when it runs again.
# Keep your own settings outside the markers. To update: orgwizard access aws-config --merge ~/.aws/config

# Sign in once for every profile below: aws sso login --sso-session acme
[sso-session acme]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access

# payments-dev (333333333333) as admin, through payments-team, platform-admins
[profile payments-dev-admin]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = admin
region = eu-west-1

# payments-dev (333333333333) as read-only, through auditors
[profile payments-dev-read-only]
sso_session = acme
sso_account_id = 333333333333
sso_role_name = read-only
region = eu-west-1

# payments-prod-us (444444444444) as read-only
[profile payments-prod-us-read-only]
sso_session = acme
sso_account_id = 444444444444
sso_role_name = read-only
region = us-east-1
# <<< orgwizard organization o-abc123 <<<
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestSSOProfileNames: the account part is the break-glass profile name
// (with its -<id> for twins and "default"); the permission set keeps its
// name but lowered, as sso_role_name keeps it exactly; names that two roles
// would share get the account id.
func TestSSOProfileNames(t *testing.T) {
	roles := []SSORole{
		{Account: Account{ID: "111111111111", Name: "Shared"}, PermissionSet: "AdministratorAccess"},
		{Account: Account{ID: "222222222222", Name: "shared"}, PermissionSet: "admin"},
		{Account: Account{ID: "333333333333", Name: "default"}, PermissionSet: "admin"},
		{Account: Account{ID: "444444444444", Name: "a"}, PermissionSet: "b-c"},
		{Account: Account{ID: "555555555555", Name: "a-b"}, PermissionSet: "c"},
		{Account: Account{ID: "666666666666", Name: "x"}, PermissionSet: "Ops+Deploy@eu"},
	}
	sections, err := SSOProfiles(acmeSession, roles)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sections[1:] {
		got = append(got, s.Profile())
	}
	want := "shared-111111111111-administratoraccess shared-222222222222-admin default-333333333333-admin a-444444444444-b-c a-b-555555555555-c x-ops-deploy-eu"
	if strings.Join(got, " ") != want {
		t.Errorf("names\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	if v := sections[6].Settings[2]; v != (Setting{"sso_role_name", "Ops+Deploy@eu"}) {
		t.Errorf("sso_role_name %v, want the permission set's own name", v)
	}
	for _, s := range sections[1:] {
		if !ValidProfileName(s.Profile()) {
			t.Errorf("%q is not a valid profile name", s.Profile())
		}
	}
}

func TestSSOProfilesRefuse(t *testing.T) {
	acct := acmeAccounts()[0]
	for _, tc := range []struct {
		name    string
		session SSOSession
		roles   []SSORole
		want    string
	}{
		{"a session name with a space", SSOSession{Name: "my org", StartURL: "u", Region: "r"}, nil, `sso-session name "my org"`},
		{"no start URL", SSOSession{Name: "acme", Region: "eu-central-1"}, nil, "needs the access portal URL"},
		{"a permission set that leaves no name", acmeSession, []SSORole{{Account: acct, PermissionSet: "+="}}, `permission set "+=" leaves nothing`},
		{"permission sets that differ only in case", acmeSession, []SSORole{{Account: acct, PermissionSet: "Admin"}, {Account: acct, PermissionSet: "admin"}},
			`"Admin" in log-archive (222222222222) and "admin" in log-archive (222222222222) both make the profile name "log-archive-222222222222-admin"`},
	} {
		if _, err := SSOProfiles(tc.session, tc.roles); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestMergeSSOSessionClash: a [sso-session] of the user's with the name
// orgwizard would write is refused, like a profile.
func TestMergeSSOSessionClash(t *testing.T) {
	sections, err := SSOProfiles(SSOSession{Name: "corp", StartURL: "https://x.awsapps.com/start", Region: "us-east-1"},
		[]SSORole{{Account: acmeAccounts()[0], PermissionSet: "admin"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Merge([]byte(userConfig), Block{OrganizationID: "o-abc123", Rerun: "x", Sections: sections})
	if err == nil || !strings.Contains(err.Error(), "line 11 [sso-session corp] outside orgwizard's block") {
		t.Errorf("clash with the user's sso-session: %v", err)
	}
}

// ssoRoles2000 is 2,000 accounts with two permission sets each.
func ssoRoles2000() []SSORole {
	accounts := manyAccounts(2000)
	roles := make([]SSORole, 0, 2*len(accounts))
	for _, a := range accounts {
		roles = append(roles, SSORole{Account: a, PermissionSet: "admin", Via: []string{"platform-admins"}},
			SSORole{Account: a, PermissionSet: "read-only", Via: []string{"auditors"}})
	}
	return roles
}

// BenchmarkAWSConfigSSO2000: the Identity Center profiles of 2,000 accounts
// (two permission sets each: 4,000 profiles and the sso-session), built and
// merged into a config file that already holds them and the user's own
// sections. Target: under 100 ms.
func BenchmarkAWSConfigSSO2000(b *testing.B) {
	roles := ssoRoles2000()
	build := func() Block {
		sections, err := SSOProfiles(acmeSession, roles)
		if err != nil {
			b.Fatal(err)
		}
		return Block{OrganizationID: "o-abc123", Rerun: "x", Sections: sections}
	}
	existing, err := Merge([]byte(userConfig), build())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		out, err := Merge(existing, build())
		if err != nil || !bytes.Equal(out, existing) {
			b.Fatalf("merge: %v", err)
		}
	}
	if per := b.Elapsed() / time.Duration(b.N); per > 100*time.Millisecond {
		b.Errorf("%v per generation of 4,000 Identity Center profiles, over the 100 ms target", per)
	}
}
