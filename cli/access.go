package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

type accessOptions struct {
	output         string
	design         string
	designGiven    bool
	target         targetFlags
	io             IO
	identityCenter identityCenterFor
}

func newAccessCommand(streams IO) *cobra.Command {
	return newAccessCommandWith(streams, sessionIdentityCenter)
}

// newAccessCommandWith is the access command reading Identity Center with
// icFor; tests give it a fake.
func newAccessCommandWith(streams IO, icFor identityCenterFor) *cobra.Command {
	opts := &accessOptions{io: streams, identityCenter: icFor}
	cmd := &cobra.Command{
		Use:   "access",
		Short: "Who gets into which account with which permission set, the access portal, break-glass links",
		Long: `Read the organization and its IAM Identity Center in the target and show who can
get into which account: each group, its members, and the accounts and permission
sets its assignments give, with the access portal URL where people sign in (or,
when Identity Center is not on, what to click to turn it on). Then, for each
member account, the console link that switches into its
OrganizationAccountAccessRole from the management account (the break-glass
path), the role's ARN, and the region to work in. The region is the first one
the design's region lock allows the account (--design, or orgwizard.yaml when it
exists), else the design's home region, else the target's region.

'orgwizard access aws-config' writes AWS CLI profiles for the same.`,
		Example: "  orgwizard access --profile management\n  orgwizard access --design acme.yaml -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.designGiven = cmd.Flags().Changed("design")
			return opts.run(cmd.Context())
		},
	}
	addOutputFlag(cmd, &opts.output)
	addDesignFlag(cmd, &opts.design)
	addTargetFlags(cmd, &opts.target)
	cmd.AddCommand(newAccessAWSConfigCommand(streams, icFor))
	return cmd
}

// accessView is what `access` shows, and its JSON (version 1). Fields may be
// added in version 1, never removed.
type accessView struct {
	Version        int             `json:"version"`
	Target         string          `json:"target"`
	OrganizationID string          `json:"organizationId,omitempty"`
	Regions        string          `json:"regions"` // where the regions come from
	Management     *accessAccount  `json:"managementAccount,omitempty"`
	BreakGlass     *accessBreak    `json:"breakGlass,omitempty"`
	Accounts       []accessAccount `json:"accounts"`
	RootEmails     string          `json:"rootEmails,omitempty"`
	IdentityCenter *accessIC       `json:"identityCenter,omitempty"`
}

type accessBreak struct {
	Role string `json:"role"`
	How  string `json:"how"`
}

type accessAccount struct {
	Name          string `json:"name"`
	ID            string `json:"id"`
	Email         string `json:"email"`
	OU            string `json:"ou"`
	Status        string `json:"status,omitempty"`
	JoinedMethod  string `json:"joinedMethod,omitempty"`
	Region        string `json:"region,omitempty"`
	RoleARN       string `json:"roleArn,omitempty"`
	SwitchRoleURL string `json:"switchRoleUrl,omitempty"`
	Note          string `json:"note,omitempty"`
	// IdentityCenter are the ways in through the access portal.
	IdentityCenter []accessSignIn `json:"identityCenter,omitempty"`
}

const (
	managementNote = "Nobody should work here. The management account governs the organization and no guardrail " +
		"(service control policy) restricts it, so whatever runs here escapes them all. Sign in to it only to " +
		"administer the organization and to switch into the member accounts."
	breakGlassHow = "Sign in to the management account as an IAM user or role that may call sts:AssumeRole on " +
		"arn:aws:iam::*:role/OrganizationAccountAccessRole (the console cannot switch roles from the root user), " +
		"then open an account's link: it switches into that account's OrganizationAccountAccessRole, an administrator " +
		"of the account. The AWS CLI does the same with the profiles of 'orgwizard access aws-config'."
	rootEmailsNote = "Each account's email receives AWS's mail for that account; keep those mailboxes read. " +
		"AWS gives a created account's root user a random password nobody knows: when a task needs the root user, " +
		"choose \"Forgot password?\" on the root sign-in page (https://console.aws.amazon.com/) with the account's " +
		"email, which must receive the reset mail."
	denyRootNote = "Service control policy " + orgmodel.PolicyDenyRootUser + " is attached at Root: a member account's " +
		"root user can sign in but is denied every action that service control policies govern."
	invitedNote = "joined by invitation: OrganizationAccountAccessRole is there only if someone created it " +
		"(orgwizard migrate new-management does); without it AWS refuses the switch"
	closedNote = "not active: nobody can work in it"
)

func (o *accessOptions) run(ctx context.Context) error {
	if err := checkOutput(o.output); err != nil {
		return err
	}
	view, err := readAccess(ctx, &o.target, o.design, o.designGiven, o.io.ErrOut, o.identityCenter)
	if err != nil {
		return err
	}
	if view.icErr != nil {
		// In the words a failing command would use: the permission to add, or AWS's failure.
		view.IdentityCenter.Error = awsError(view.icErr).Error()
	}
	if o.output == "json" {
		return writeJSON(o.io.Out, view)
	}
	return writeAccessText(o.io.Out, view, accessAWSConfigCommand(&o.target, view.designPath, awsConfigFlags{}, "~/.aws/config"))
}

// readAccess reads the design (when there is one), the organization and
// its Identity Center, and builds the view. Identity Center's read error is
// kept apart (icErr): `access` shows it beside the break-glass links that
// still work, aws-config stops on it.
func readAccess(ctx context.Context, f *targetFlags, designPath string, designGiven bool, errOut io.Writer, icFor identityCenterFor) (*accessViewWithDesign, error) {
	var design *orgmodel.Design
	if designGiven || fileExists(designPath) {
		d, err := loadDesign(designPath, errOut)
		if err != nil {
			return nil, err
		}
		design = d
	} else {
		designPath = ""
	}
	s, err := openSession(ctx, f)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	actual, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	v := buildAccessView(actual, design, designPath, s.target.Config.Region)
	v.Target = s.target.Describe
	out := &accessViewWithDesign{accessView: v, designPath: designPath, sandbox: s.target.Sandbox != nil}
	if actual.Organization == nil {
		return out, nil
	}
	home := s.target.Config.Region
	if design != nil && design.Organization.HomeRegion != "" {
		home = design.Organization.HomeRegion
	}
	ids := make([]string, 0, len(actual.Accounts))
	for _, a := range actual.Accounts {
		ids = append(ids, a.ID)
	}
	ic, err := icFor(s, home, ids).Read(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out.icErr = err
		out.IdentityCenter = &accessIC{Groups: []accessGroup{}}
		return out, nil
	}
	out.ic = ic
	addIdentityCenter(&out.accessView, ic)
	if !out.IdentityCenter.Enabled {
		sandboxCmd := ""
		if out.sandbox {
			args := []string{"sandbox", "enable-identity-center", "--region", home}
			if f.spec.SandboxState != "" {
				args = append(args, "--sandbox-state", f.spec.SandboxState)
			}
			sandboxCmd = wizard.Command(args...)
		}
		out.IdentityCenter.setEnableHow(home, sandboxCmd)
	}
	return out, nil
}

// accessViewWithDesign is the view with what the commands need beside its
// JSON: the design file used and whether the target is the sandbox.
type accessViewWithDesign struct {
	accessView
	designPath string
	sandbox    bool
	ic         *orgmodel.ActualAccess // nil when it could not be read
	icErr      error
}

// buildAccessView is the pure part: the organization as read, the design for
// the regions, and the target's region when there is no design.
func buildAccessView(actual *orgmodel.Actual, design *orgmodel.Design, designPath, targetRegion string) accessView {
	v := accessView{Version: 1, Accounts: []accessAccount{}}
	if actual.Organization == nil {
		v.Regions = "none: no organization"
		return v
	}
	v.OrganizationID = actual.Organization.ID
	region := func(string, string) string { return targetRegion }
	v.Regions = "the target's region " + targetRegion + " (no design file)"
	if design != nil {
		wr := design.WorkRegions()
		region = wr.Region
		v.Regions = "design " + designPath + ": the first region each account's region lock allows, else the home region " + design.Organization.HomeRegion
	}
	v.RootEmails = rootEmailsNote
	for _, p := range actual.Policies {
		if p.Name == orgmodel.PolicyDenyRootUser && slices.Contains(p.Targets, actual.RootID) {
			v.RootEmails += " " + denyRootNote
		}
	}
	paths := actual.OUPaths()
	for _, a := range actual.Accounts {
		acc := accessAccount{Name: a.Name, ID: a.ID, Email: a.Email, OU: paths[a.ParentID], Status: a.Status, JoinedMethod: a.JoinedMethod}
		if a.ID == actual.Organization.ManagementAccountID {
			acc.Note = managementNote
			// Its region, for an Identity Center profile into it.
			acc.Region = region(a.Name, acc.OU)
			m := acc
			v.Management = &m
			continue
		}
		acc.Region = region(a.Name, acc.OU)
		switch {
		case a.Status != "" && a.Status != "ACTIVE":
			acc.Note = closedNote
		default:
			acc.RoleARN = access.RoleARN(a.ID, access.OrganizationAccountAccessRole)
			acc.SwitchRoleURL = access.SwitchRoleURL(a.ID, access.OrganizationAccountAccessRole, a.Name)
			if a.JoinedMethod == "INVITED" {
				acc.Note = invitedNote
			}
		}
		v.Accounts = append(v.Accounts, acc)
	}
	sort.SliceStable(v.Accounts, func(i, j int) bool {
		a, b := v.Accounts[i], v.Accounts[j]
		if a.OU != b.OU {
			return a.OU < b.OU
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	v.BreakGlass = &accessBreak{Role: access.OrganizationAccountAccessRole, How: breakGlassHow}
	return v
}

func writeAccessText(w io.Writer, v *accessViewWithDesign, awsConfigCmd string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Target: %s\n", v.Target)
	if v.OrganizationID == "" {
		b.WriteString("\nThis account belongs to no organization yet: orgwizard apply creates one, with this account as its management account.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "Organization %s · %d member %s\n", v.OrganizationID, len(v.Accounts), accessPlural(len(v.Accounts), "account", "accounts"))
	accessWrap(&b, "Regions: ", v.Regions)
	b.WriteString("\n")
	if m := v.Management; m != nil {
		fmt.Fprintf(&b, "Management account %s  %s  %s\n", m.ID, m.Name, m.Email)
		accessWrap(&b, "  ", m.Note)
		b.WriteString("\n")
	}
	writeIdentityCenterText(&b, v.IdentityCenter)
	b.WriteString("Break-glass into a member account:\n")
	accessWrap(&b, "  ", v.BreakGlass.How)
	b.WriteString("\n")

	nameW, emailW := 0, 0
	for _, a := range v.Accounts {
		nameW, emailW = max(nameW, len(a.Name)), max(emailW, len(a.Email))
	}
	ou := "\x00"
	for _, a := range v.Accounts {
		if a.OU != ou {
			ou = a.OU
			if ou == "" {
				b.WriteString("Root\n")
			} else {
				fmt.Fprintf(&b, "%s\n", ou)
			}
		}
		fmt.Fprintf(&b, "  %-*s  %s  %-*s  %s\n", nameW, a.Name, a.ID, emailW, a.Email, a.Region)
		if a.SwitchRoleURL != "" {
			fmt.Fprintf(&b, "    %s\n", a.SwitchRoleURL)
		}
		if a.Note != "" {
			accessWrap(&b, "    ! ", a.Note)
		}
	}
	if len(v.Accounts) == 0 {
		b.WriteString("No member accounts yet.\n")
	}
	b.WriteString("\nAWS CLI and SDK profiles for these accounts:\n  " + awsConfigCmd + "\n\n")
	b.WriteString("Root users:\n")
	accessWrap(&b, "  ", v.RootEmails)
	_, err := io.WriteString(w, b.String())
	return err
}

// accessWrap writes text in lines of at most 100 columns, each with prefix (the
// first) or as many spaces (the others).
func accessWrap(b *strings.Builder, prefix, text string) {
	indent := strings.Repeat(" ", len(prefix))
	line := prefix
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > 100 {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
}

func accessPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
