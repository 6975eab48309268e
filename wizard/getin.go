package wizard

import (
	"fmt"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// IdentityCenterPoll is how often the wizard asks whether Identity Center
// is on while it waits for the click.
const IdentityCenterPoll = 5 * time.Second

// IdentityCenterOffLead says why the wizard waits before the apply.
func IdentityCenterOffLead(groups int) string {
	return fmt.Sprintf("IAM Identity Center is not on in this organization yet, and your design gives %s access through it. AWS has no API that turns it on from the management account: it is one click in the console.", plural(groups, "group"))
}

// IdentityCenterSteps are what to click, and where, to turn on the
// organization's Identity Center in region from management account account.
// polls says whether the wizard checks by itself every IdentityCenterPoll
// (the full screen) or only when asked to check again (accessible mode).
func IdentityCenterSteps(region, account string, polls bool) []string {
	back := "Come back here and choose \"check again\"."
	if polls {
		back = fmt.Sprintf("Come back here: the wizard checks every %d seconds and goes on by itself.", int(IdentityCenterPoll/time.Second))
	}
	return []string{
		fmt.Sprintf("Sign in to the management account (%s) and open %s", account, orgmodel.IdentityCenterConsole(region)),
		"Choose Enable, then \"Enable with AWS Organizations\" (keep the region " + region + ": the design's home region).",
		back,
	}
}

// IdentityCenterBuiltLead is IdentityCenterOffLead once the organization's
// part of the plan is applied (changes of them, in took): the wait comes
// back to the confirmation, so it first says that the organization is built
// and that only access waits.
func IdentityCenterBuiltLead(groups, changes int, took string) string {
	return fmt.Sprintf("The organization is built: %s applied in %s. Its access part waits: your design gives %s access through IAM Identity Center, which is not on yet, and AWS has no API that turns it on: it is one click in the console.", plural(changes, "change"), took, plural(groups, "group"))
}

// IdentityCenterSandboxText is what the sandbox offers instead of the click.
const IdentityCenterSandboxText = "On the sandbox the wizard can do the click for you (as orgwizard sandbox enable-identity-center does)."

// IdentityCenterSkipText says what skipping access this time means: before
// the apply it builds the organization without access; once the organization
// is built (applied), it goes on to the Done screen.
func IdentityCenterSkipText(applied bool) string {
	if applied {
		return "Skipping access this time goes on to the Done screen with the organization as built and leaves Identity Center alone; your design keeps its groups, and the next run sets them up."
	}
	return "Skipping access this time builds the organization and leaves Identity Center alone; your design keeps its groups, and the next run sets them up."
}

// AccessFollowsText says, on the confirmation of a new organization, that
// the plan's access steps (held back) come after its apply.
func AccessFollowsText(held int) string {
	return fmt.Sprintf("Then access: %s in IAM Identity Center, once it is on in the new organization.", plural(held, "step"))
}

// GetIn is what the Done screen's "How to get in" says, for a design with
// or without access.
type GetIn struct {
	Sandbox    bool
	DesignPath string
	TargetArgs []string
	// Access: the design has an access block; Skipped: access was skipped
	// this time; Members counts the people the design names.
	Access, Skipped bool
	Members         int
	// PortalURL is the AWS access portal, "" while Identity Center is off
	// or could not be read; Region is where Identity Center lives.
	PortalURL, Region string
	// BreakGlassURL is one account's switch-role link into its
	// OrganizationAccountAccessRole, BreakGlassAccount its name.
	BreakGlassURL, BreakGlassAccount string
	// ManagementAccount is the management account's id.
	ManagementAccount string
	// CentralRoot: the design's baseline turns centralized root access on.
	CentralRoot bool
}

// FirstPasswordDoc is AWS's page on how users created through the identity
// store API get their first password.
const FirstPasswordDoc = "https://docs.aws.amazon.com/singlesignon/latest/userguide/userswithoutpwd.html"

// AWSConfigCommand is the command that writes the AWS CLI profiles of the
// design's access, with the flags of the wizard's design and target.
func AWSConfigCommand(g GetIn) string {
	cmd := Command(append(append([]string{"access", "aws-config"}, DesignArgs(g.DesignPath)...), g.TargetArgs...)...)
	if g.Sandbox {
		return cmd // to stdout: the sandbox's profiles do not belong in your AWS config
	}
	return cmd + " --merge ~/.aws/config"
}

// HowToGetIn is the Done screen's "How to get in", one paragraph a line.
func HowToGetIn(g GetIn) []string {
	var out []string
	rerun := RerunCommand(g.DesignPath, g.TargetArgs)
	switch {
	case !g.Access:
		out = append(out, "Access is off in the design: nobody is set up in IAM Identity Center. To give people their own sign-in, run "+rerun+" and turn access on at the step "+Access.Info().Title+".")
	case g.PortalURL == "" && g.Skipped:
		out = append(out, "Access was skipped this time: IAM Identity Center is not on. Turn it on in the console (IAM Identity Center, Enable, \"Enable with AWS Organizations\"), then run "+rerun+" to set up your groups.")
	case g.PortalURL == "":
		out = append(out, "IAM Identity Center could not be read, so the access portal is not known: orgwizard access, with the same flags, shows it once it answers.")
	default:
		out = append(out, "Access portal: "+g.PortalURL+" (IAM Identity Center in "+g.Region+"). Everyone signs in there with their email as user name and sees the accounts and permission sets of their groups.")
	}
	if g.Access {
		out = append(out, "AWS CLI profiles, one per account and permission set: "+AWSConfigCommand(g)+", then aws sso login --profile <profile>.")
	}
	if g.BreakGlassURL != "" {
		mgmt := "the management account"
		if g.ManagementAccount != "" {
			mgmt += " (" + g.ManagementAccount + ")"
		}
		out = append(out, "Break glass, when the portal cannot help: sign in to "+mgmt+" as an IAM user or role allowed sts:AssumeRole and switch to an account's OrganizationAccountAccessRole, such as "+g.BreakGlassAccount+": "+g.BreakGlassURL+" ("+Command(append([]string{"access"}, g.TargetArgs...)...)+" lists every account's link).")
	}
	if g.CentralRoot {
		out = append(out, "Root emails: each account's email receives AWS's mail for that account; route those mailboxes to people who read them. "+RootAccessEmails+" The management account's root user is not affected: when a task needs it, choose \"Forgot password?\" at https://console.aws.amazon.com/ with its email, then add MFA.")
	} else {
		out = append(out, "Root emails: each account's email receives AWS's mail for that account; route those mailboxes to people who read them. Nobody signs in as root: its password is random and unknown. When a task needs it, choose \"Forgot password?\" at https://console.aws.amazon.com/ with the account's email, then add MFA to the root user.")
	}
	if g.Access && g.Members > 0 {
		out = append(out,
			"First passwords: the users orgwizard creates through the identity store API have no password (AWS: "+FirstPasswordDoc+"). Once, in the IAM Identity Center console: Settings, Authentication, Standard authentication, Configure, tick \"Send email OTP\", Save; then each person's first sign-in at the portal emails them a one-time password and they set their own. Without that setting, give each user a one-time password yourself: Users, the user, Reset password, \"Generate a one-time password and share the password with the user\".",
			"Send your team: the portal URL, their user name (their email address), that their first sign-in emails them a code (or the one-time password you generated), and the aws-config command above for the CLI.")
	}
	return out
}
