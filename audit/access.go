package audit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/aws/iamusers"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Check ids of the access checks (issue 13).
const (
	CheckIdentityCenter = "identity-center"
	CheckAccessReach    = "accounts-reachable"
	CheckIAMUsers       = "no-iam-user-sign-in"
)

// IdentityCenter is what the access checks are computed from: the
// organization's IAM Identity Center as read.
type IdentityCenter struct {
	// Access is what the instance holds (InstanceARN "" when there is
	// none); nil when the read failed, with Err.
	Access *orgmodel.ActualAccess
	Err    error
	// Region is where to turn it on when it is off: the design's home
	// region, or the target's.
	Region string
	// SandboxCommand, on the sandbox, is the command that does the
	// console's click there (orgwizard sandbox enable-identity-center ...).
	SandboxCommand string
}

// IAMUsers is the audited account's IAM users as read; Err when the read
// failed.
type IAMUsers struct {
	Users []iamusers.User
	Err   error
	// Sandbox: the account is the sandbox's, whose IAM users come with its
	// scenario and which serves IAM's reads of them, not the commands that
	// change them.
	Sandbox bool
}

const accessReadFix = "Allow the Identity Center reads orgwizard iam-policy --for audit lists (sso:ListInstances and the identitystore and sso listings), then run the audit again."

func accessChecks(in Input) []Check {
	var checks []Check
	if in.IdentityCenter != nil {
		checks = append(checks, identityCenterOn(in), accountsReachable(in))
	}
	if in.IAMUsers != nil {
		checks = append(checks, iamUserSignIn(in))
	}
	return checks
}

func enableFix(ic *IdentityCenter) string {
	if ic.SandboxCommand != "" {
		return "Run " + ic.SandboxCommand + ": the sandbox's stand-in for the console's Enable button (AWS has no API that turns it on from the management account)."
	}
	region := cmp.Or(ic.Region, "us-east-1")
	return fmt.Sprintf("Sign in to the management account, open %s and choose Enable (AWS has no API that turns on an organization's instance; see "+
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/enable-identity-center.html); then run orgwizard apply with a design that has an access: block.", orgmodel.IdentityCenterConsole(region))
}

// identityCenterOn: the organization has an IAM Identity Center instance.
func identityCenterOn(in Input) Check {
	c := Check{ID: CheckIdentityCenter, Title: "IAM Identity Center is enabled for the organization"}
	ic := in.IdentityCenter
	switch {
	case ic.Err != nil:
		c.Status, c.Why, c.Fix = Warn, "Identity Center could not be read: "+ic.Err.Error(), accessReadFix
	case ic.Access == nil || ic.Access.InstanceARN == "":
		c.Status = Fail
		c.Why = "the organization has no IAM Identity Center instance, so nobody signs in to a member account as a person: only through OrganizationAccountAccessRole from the management account, or as IAM users"
		c.Fix = enableFix(ic)
	default:
		c.Status = Pass
		c.Why = fmt.Sprintf("instance %s in %s", ic.Access.InstanceARN, cmp.Or(ic.Access.Region, "its home region"))
		if ic.Access.PortalURL != "" {
			c.Why += "; access portal " + ic.Access.PortalURL
		}
	}
	return c
}

// accountsReachable: every workload account has at least one group
// assigned a permission set in it.
func accountsReachable(in Input) Check {
	c := Check{ID: CheckAccessReach, Title: "Every workload account can be reached by at least one group"}
	ic := in.IdentityCenter
	switch {
	case in.Actual == nil || in.Actual.Organization == nil:
		c.Status, c.Why = Warn, "there is no organization to read"
		c.Fix = "orgwizard apply creates it; a design's access: block then gives groups their accounts."
		return c
	case ic.Err != nil:
		c.Status, c.Why, c.Fix = Warn, "Identity Center could not be read: "+ic.Err.Error(), accessReadFix
		return c
	}
	accounts, what := workloadAccounts(in)
	if len(accounts) == 0 {
		c.Status, c.Why = Pass, "there is no "+what+" yet"
		return c
	}
	reached, pending := map[string]bool{}, map[string]bool{}
	if a := ic.Access; a != nil {
		for _, as := range a.Assignments {
			if as.PrincipalType == "GROUP" {
				reached[as.AccountID] = true
			}
		}
		for _, p := range a.Pending {
			if p.PrincipalType == "GROUP" && !p.Deleting {
				pending[p.AccountID] = true
			}
		}
	}
	var missing, soon []string
	for _, acc := range accounts {
		switch {
		case reached[acc.ID]:
		case pending[acc.ID]:
			soon = append(soon, acc.Name)
			missing = append(missing, acc.Name)
		default:
			missing = append(missing, acc.Name)
		}
	}
	if len(missing) == 0 {
		c.Status, c.Why = Pass, fmt.Sprintf("all %s have a group assigned", plural(len(accounts), what))
		return c
	}
	have := "have"
	if len(missing) == 1 {
		have = "has"
	}
	c.Why = fmt.Sprintf("%d of the %s %s no group assigned, so only OrganizationAccountAccessRole gets in: %s", len(missing), plural(len(accounts), what), have, list(missing))
	if len(soon) == len(missing) {
		c.Status = Warn
		c.Why += " (AWS is still assigning a group in each)"
		c.Fix = "Run the audit again in a minute: AWS finishes an assignment within seconds."
		return c
	}
	c.Status = Fail
	if ic.Access == nil || ic.Access.InstanceARN == "" {
		c.Why = fmt.Sprintf("no group can reach any of the %s: Identity Center is off", plural(len(accounts), what))
		c.Fix = "Turn on Identity Center first (see " + CheckIdentityCenter + "), then run orgwizard apply with a design whose access: block grants each account to a group."
		return c
	}
	designed := map[string]bool{}
	if in.Design != nil && in.Design.Access != nil {
		for _, as := range in.Design.Access.Assignments {
			designed[as.Account] = true
		}
	}
	var granted, ungranted []string
	for _, name := range missing {
		if designed[name] {
			granted = append(granted, name)
		} else {
			ungranted = append(ungranted, name)
		}
	}
	var fixes []string
	if len(granted) > 0 {
		fixes = append(fixes, fmt.Sprintf("Run orgwizard apply --design %s: its access: block grants %s to a group (orgwizard plan shows the assignments).", in.DesignFile, list(granted)))
	}
	if len(ungranted) > 0 {
		fixes = append(fixes, fmt.Sprintf("Grant a group a permission set in %s: in the design's access: block (groups: [{name: payments-team, grants: [{permissionSet: admin, workload: payments}]}]), then run orgwizard apply; or in the IAM Identity Center console (AWS accounts, select the account, Assign users or groups).", list(ungranted)))
	}
	c.Fix = strings.Join(fixes, " ")
	return c
}

// workloadAccounts are the accounts the reach check covers, sorted by name:
// the design's workload accounts that exist, or without a design every
// active member account; what names them in messages.
func workloadAccounts(in Input) ([]orgmodel.ActualAccount, string) {
	var out []orgmodel.ActualAccount
	mgmt := in.Actual.Organization.ManagementAccountID
	active := func(a orgmodel.ActualAccount) bool {
		return a.ID != mgmt && (a.Status == "" || a.Status == "ACTIVE")
	}
	what := "active member account"
	if in.Design != nil {
		what = "workload account"
		byID := map[string]orgmodel.ActualAccount{}
		for _, a := range in.Actual.Accounts {
			byID[a.ID] = a
		}
		adopted := orgmodel.MakePlan(in.Design, in.Actual).Adopted
		for _, a := range in.Design.Accounts {
			id, ok := adopted[a.Name]
			if acc := byID[id]; a.Kind == orgmodel.WorkloadAccount && ok && active(acc) {
				out = append(out, acc)
			}
		}
	} else {
		for _, a := range in.Actual.Accounts {
			if active(a) {
				out = append(out, a)
			}
		}
	}
	slices.SortFunc(out, func(a, b orgmodel.ActualAccount) int { return strings.Compare(a.Name, b.Name) })
	return out, what
}

// iamUserSignIn: nobody signs in as an IAM user of the management account.
func iamUserSignIn(in Input) Check {
	c := Check{ID: CheckIAMUsers, Title: "People sign in through IAM Identity Center, not as IAM users of the management account"}
	u := in.IAMUsers
	if u.Err != nil {
		c.Status, c.Why = Warn, "the IAM users could not be read: "+u.Err.Error()
		c.Fix = "Allow iam:ListUsers, iam:GetLoginProfile and iam:ListAccessKeys (orgwizard iam-policy --for audit lists them), then run the audit again."
		return c
	}
	var who, commands []string
	for _, user := range u.Users {
		if !user.SignsIn() {
			continue
		}
		var ways []string
		if user.ConsolePassword {
			ways = append(ways, "console password")
			commands = append(commands, "aws iam delete-login-profile --user-name "+user.Name)
		}
		if n := len(user.ActiveAccessKeys); n > 0 {
			ways = append(ways, plural(n, "active access key"))
			for _, k := range user.ActiveAccessKeys {
				commands = append(commands, fmt.Sprintf("aws iam update-access-key --user-name %s --access-key-id %s --status Inactive", user.Name, k))
			}
		}
		who = append(who, fmt.Sprintf("%s (%s)", user.Name, strings.Join(ways, ", ")))
	}
	if len(who) == 0 {
		c.Status = Pass
		switch len(u.Users) {
		case 0:
			c.Why = fmt.Sprintf("account %s has no IAM user", in.Account)
		case 1:
			c.Why = fmt.Sprintf("the one IAM user of account %s has neither a console password nor an active access key", in.Account)
		default:
			c.Why = fmt.Sprintf("none of the %d IAM users of account %s has a console password or an active access key", len(u.Users), in.Account)
		}
		return c
	}
	c.Status = Fail
	c.Why = fmt.Sprintf("%d IAM users of account %s can sign in: %s. Whoever signs in there acts in the one account no guardrail restricts", len(who), in.Account, list(who))
	if len(who) == 1 {
		c.Why = strings.Replace(c.Why, "1 IAM users", "1 IAM user", 1)
	}
	portal := "the AWS access portal"
	if ic := in.IdentityCenter; ic != nil && ic.Access != nil && ic.Access.PortalURL != "" {
		portal += " (" + ic.Access.PortalURL + ")"
	}
	whose := "the IAM users' way"
	if len(who) == 1 {
		whose = "the IAM user's way"
	}
	c.Fix = fmt.Sprintf("Give each person an Identity Center user instead (members: of a group in the design's access: block; orgwizard apply creates them) and have them sign in at %s; "+
		"a program that needs keys belongs in a member account, with a role. Then take %s in away: %s (or delete the users).", portal, whose, list(commands))
	if u.Sandbox {
		c.Fix += " On the sandbox these users come with its scenario and stay as they are: its IAM answers the reads this check makes, not those commands, which are what to run at AWS."
	}
	return c
}
