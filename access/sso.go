package access

import (
	"fmt"
	"strings"
)

// SSOScope is the registration scope the AWS CLI asks for when it signs in
// to read the accounts and roles of the access portal (what `aws configure
// sso` writes as sso_registration_scopes).
const SSOScope = "sso:account:access"

// SSOSession is where the AWS CLI signs in to IAM Identity Center: the
// [sso-session NAME] section the profiles share, so that one `aws sso login
// --sso-session NAME` serves them all.
type SSOSession struct {
	Name     string
	StartURL string // the access portal URL
	Region   string // Identity Center's region, not the profiles'
}

// SSORole is one way into an account through Identity Center: the
// permission set one may use there, and who gives it (groups, or users
// assigned directly), for the profile's comment.
type SSORole struct {
	Account       Account
	PermissionSet string
	Via           []string
}

// SSOProfiles is the [sso-session] section followed by one profile per
// role, in the order given. A profile is named <account>-<permission set>:
// the account part is the account's break-glass profile name (RoleProfiles
// names the same account the same way), the permission set's name goes
// through the same ProfileName rule. When two roles would make one name
// (account "a" with permission set "b-c", account "a-b" with "c"), both get
// the account id after the account part.
func SSOProfiles(session SSOSession, roles []SSORole) ([]Section, error) {
	if !ValidProfileName(session.Name) {
		return nil, fmt.Errorf("sso-session name %q is not a name the AWS CLI reads back; use letters, digits and - _ . @ +", session.Name)
	}
	if session.StartURL == "" || session.Region == "" {
		return nil, fmt.Errorf("the sso-session needs the access portal URL and Identity Center's region (got %q and %q)", session.StartURL, session.Region)
	}
	// The account part: one name per distinct account, as RoleProfiles gives it.
	var accounts []Account
	index := map[string]int{}
	for _, r := range roles {
		if _, ok := index[r.Account.ID]; !ok {
			index[r.Account.ID] = len(accounts)
			accounts = append(accounts, r.Account)
		}
	}
	accountNames, err := profileNames(accounts)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(roles))
	count := make(map[string]int, len(roles))
	for i, r := range roles {
		ps := ProfileName(r.PermissionSet)
		if ps == "" {
			return nil, fmt.Errorf("permission set %q leaves nothing of a profile name: rename it with letters or digits", r.PermissionSet)
		}
		names[i] = accountNames[index[r.Account.ID]] + "-" + ps
		count[names[i]]++
	}
	seen := make(map[string]int, len(roles))
	for i, r := range roles {
		if count[names[i]] > 1 {
			names[i] = accountNames[index[r.Account.ID]] + "-" + r.Account.ID + "-" + ProfileName(r.PermissionSet)
		}
		if j, dup := seen[names[i]]; dup {
			return nil, fmt.Errorf("permission set %q in %s (%s) and %q in %s (%s) both make the profile name %q; rename one of the permission sets",
				roles[j].PermissionSet, roles[j].Account.Name, roles[j].Account.ID, r.PermissionSet, r.Account.Name, r.Account.ID, names[i])
		}
		seen[names[i]] = i
	}

	out := make([]Section, 0, len(roles)+1)
	out = append(out, Section{
		Comment: "Sign in once for every profile below: aws sso login --sso-session " + session.Name,
		Header:  "sso-session " + session.Name,
		Settings: []Setting{
			{"sso_start_url", session.StartURL},
			{"sso_region", session.Region},
			{"sso_registration_scopes", SSOScope},
		},
	})
	for i, r := range roles {
		comment := r.Account.Name + " (" + r.Account.ID + ") as " + r.PermissionSet
		if len(r.Via) > 0 {
			comment += ", through " + strings.Join(r.Via, ", ")
		}
		settings := []Setting{
			{"sso_session", session.Name},
			{"sso_account_id", r.Account.ID},
			// The role name the portal lists for an account is the
			// permission set's name; the IAM role behind it is
			// AWSReservedSSO_<name>_<suffix>.
			{"sso_role_name", r.PermissionSet},
		}
		if r.Account.Region != "" {
			settings = append(settings, Setting{"region", r.Account.Region})
		}
		out = append(out, Section{Comment: comment, Header: "profile " + names[i], Settings: settings})
	}
	return out, nil
}
