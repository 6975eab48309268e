// Package access turns the accounts of an organization into the ways people
// get into them: console switch-role links and AWS CLI profiles in a block of
// ~/.aws/config that orgwizard owns and can update in place.
//
// It is plain data in and bytes out, with no AWS and no I/O. A profile is a
// Section of settings, so the Identity Center path (an [sso-session] section
// and profiles with sso_session, sso_account_id and sso_role_name) is one more
// function that builds Sections, rendered and merged by the same code.
package access

import (
	"fmt"
	"net/url"
	"strings"
)

// OrganizationAccountAccessRole is the role AWS Organizations creates in every
// account it creates, trusting the management account, with administrator
// rights: the break-glass way in.
const OrganizationAccountAccessRole = "OrganizationAccountAccessRole"

// Account is a member account as the profiles need it.
type Account struct {
	ID     string
	Name   string
	Region string
}

// Setting is one key = value line of a section.
type Setting struct {
	Key, Value string
}

// Section is one [header] of the AWS config file, with a comment line above it.
type Section struct {
	Comment  string // without "# "; empty for none
	Header   string // "profile payments-dev", later "sso-session acme"
	Settings []Setting
}

// Profile returns the profile name of a "profile NAME" section, or "".
func (s Section) Profile() string {
	name, ok := strings.CutPrefix(s.Header, "profile ")
	if !ok {
		return ""
	}
	return name
}

// RoleARN is the ARN of role in account id, in the commercial partition
// orgwizard works in.
func RoleARN(accountID, role string) string {
	return "arn:aws:iam::" + accountID + ":role/" + role
}

// SwitchRoleURL is the console link that opens the Switch Role page filled in
// for role in account. roleName and account are the parameters the IAM
// console's own "Link to switch roles in console" carries; displayName fills
// the name shown in the console's navigation bar.
func SwitchRoleURL(accountID, role, displayName string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	u := "https://signin.aws.amazon.com/switchrole?roleName=" + esc(role) + "&account=" + esc(accountID)
	if displayName != "" {
		u += "&displayName=" + esc(displayName)
	}
	return u
}

// ProfileName turns an account name into a name the AWS CLI takes as a
// profile: the CLI splits "[profile NAME]" like a shell line, so whitespace
// and quotes would cut it, and brackets, '#' and ';' upset the INI reader.
// Letters are lowered, every run of other characters becomes one '-', and
// the ends are trimmed; "" when nothing is left.
func ProfileName(accountName string) string {
	var b strings.Builder
	dash := false
	for _, r := range accountName {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '.':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
		}
	}
	return strings.Trim(b.String(), "-.")
}

// ValidProfileName reports whether name can stand in "[profile NAME]" and
// "source_profile = NAME" and be read back as written.
func ValidProfileName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@+", r)
		if !ok {
			return false
		}
	}
	return true
}

// profileNames gives each account a distinct profile name: its sanitized
// name, with "-<id>" added when two accounts would share one (AWS allows two
// accounts with one name), when the name is empty or "default" (which the
// CLI reads as the default profile), or when it is the source profile.
func profileNames(accounts []Account, reserved ...string) ([]string, error) {
	base := make([]string, len(accounts))
	count := map[string]int{}
	for _, r := range reserved {
		count[r] += 2 // never taken as is
	}
	for i, a := range accounts {
		base[i] = ProfileName(a.Name)
		count[base[i]]++
	}
	names := make([]string, len(accounts))
	seen := make(map[string]int, len(accounts))
	for i, a := range accounts {
		n := base[i]
		switch {
		case n == "":
			n = "account-" + a.ID
		case n == "default" || count[n] > 1:
			n += "-" + a.ID
		}
		if j, dup := seen[n]; dup {
			return nil, fmt.Errorf("accounts %q (%s) and %q (%s) both make the profile name %q; rename one of them",
				accounts[j].Name, accounts[j].ID, a.Name, a.ID, n)
		}
		seen[n] = i
		names[i] = n
	}
	return names, nil
}

// RoleProfiles are the break-glass profiles: one per account, assuming role
// there with the credentials of sourceProfile (the management account's).
func RoleProfiles(accounts []Account, role, sourceProfile string) ([]Section, error) {
	if sourceProfile == "" {
		return nil, fmt.Errorf("a source profile is needed: the profile with the management account's credentials")
	}
	if !ValidProfileName(sourceProfile) {
		return nil, fmt.Errorf("source profile %q is not a name the AWS CLI reads back; use letters, digits and - _ . @ +", sourceProfile)
	}
	names, err := profileNames(accounts, sourceProfile)
	if err != nil {
		return nil, err
	}
	out := make([]Section, len(accounts))
	for i, a := range accounts {
		settings := []Setting{
			{"role_arn", RoleARN(a.ID, role)},
			{"source_profile", sourceProfile},
		}
		if a.Region != "" {
			settings = append(settings, Setting{"region", a.Region})
		}
		out[i] = Section{Comment: a.Name + " (" + a.ID + ")", Header: "profile " + names[i], Settings: settings}
	}
	return out, nil
}
