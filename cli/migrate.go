package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

func newMigrateCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Lead a management account that runs workloads out: a new management account, or a runbook",
		Long: `A management account should run nothing: service control policies never
restrict it. When orgwizard audit finds workloads there, there are two ways out:

  new-management  open a new, clean account and make it the management account;
                  the old account joins as a member, workloads and all. Quick,
                  and nothing moves; the old account then has the guardrails.
  runbook         keep the management account and move every resource to a
                  member account, following AWS's documented way for each kind.
                  Slower, one cut-over per resource; the account ids stay.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newMigrateNewManagementCommand(streams), newMigrateRunbookCommand(streams))
	return cmd
}

type newManagementOptions struct {
	newProfile string
	newAccount string
	design     string
	name       string
	yes        bool
	target     targetFlags
	io         IO
}

func newMigrateNewManagementCommand(streams IO) *cobra.Command {
	opts := &newManagementOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "new-management",
		Short: "Make a new, clean account the management account and invite the old one",
		Long: `Way out (a). The target is the old account (its credentials: --profile, or the
sandbox). First it says how to open the new account, which only a person can do
at AWS. Then, given the new account's credentials (--new-profile, or on the
sandbox --new-account ID), it creates the organization there (all features),
invites the old account, accepts the invitation with the old account's
credentials, creates OrganizationAccountAccessRole in the old account (invited
accounts lack it), checks that the new management account can assume it, moves
the old account to the Transitional OU, and records it in the design's
accounts[]. Every step is safe to run again. When the old account manages an
organization of its own, it says what must happen first and changes nothing.`,
		Example: "  orgwizard migrate new-management --profile old --new-profile new-management --design acme.yaml\n" +
			"  orgwizard migrate new-management --scenario dirty-management --new-account 123456789012 --yes",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.newProfile, "new-profile", "", "the named profile of the new management account")
	fl.StringVar(&opts.newAccount, "new-account", "", "on the sandbox: the id of the account that becomes the management account")
	fl.StringVar(&opts.design, "design", defaultDesignFile, "the design file the old account is recorded in (accounts[], OU Transitional)")
	fl.StringVar(&opts.name, "name", "", "the old account's name in the design (default: its name at AWS)")
	fl.BoolVarP(&opts.yes, "yes", "y", false, "go ahead without asking for confirmation")
	addTargetFlags(cmd, &opts.target)
	return cmd
}

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

func (o *newManagementOptions) run(ctx context.Context) error {
	if o.newProfile != "" && o.newAccount != "" {
		return userError("--new-profile is for AWS and --new-account for the sandbox; give one")
	}
	if o.newAccount != "" && !accountIDPattern.MatchString(o.newAccount) {
		return userError("--new-account %q is not a 12-digit account id", o.newAccount)
	}
	var design *orgmodel.Design
	if _, err := os.Stat(o.design); err == nil {
		if design, err = loadDesign(o.design, o.io.ErrOut); err != nil {
			return err
		}
	}
	email := ""
	if design != nil {
		email = design.Organization.Email
	}
	again := func(args ...string) string {
		return wizard.Command(append(append(append([]string{"migrate", "new-management"}, args...), targetArgs(o.target.spec)...), wizard.DesignArgs(o.design)...)...)
	}
	onAWS := again("--new-profile", "new-management")
	if !o.target.spec.UsesAWS() {
		onAWS = "orgwizard migrate new-management --new-profile new-management --profile <the old account's profile>"
		if d := wizard.DesignArgs(o.design); d != nil {
			onAWS += " " + strings.TrimPrefix(wizard.Command(d...), "orgwizard ")
		}
	}
	fmt.Fprintln(o.io.Out, migrate.ManualStepWith(email, onAWS))
	fmt.Fprintln(o.io.Out)

	s, err := openSession(ctx, &o.target)
	if err != nil {
		return err
	}
	defer s.Close()
	old, err := o.oldAccount(s)
	if err != nil {
		return err
	}
	defer old.Close()
	fmt.Fprintf(o.io.Out, "Old account: %s\n", old.Describe)
	if o.newProfile == "" && o.newAccount == "" {
		if sb := s.target.Sandbox; sb != nil {
			for _, a := range sb.Accounts() {
				if a.Role == "new-management" || (a.Role == "standalone" && a.ID != old.AccountID) {
					fmt.Fprintf(o.io.Out, "On the sandbox the account %s (%s) stands for the new one: %s\n", a.ID, a.Name, again("--new-account", a.ID))
				}
			}
		}
		fmt.Fprintln(o.io.Out, "Once the new account is open, run this command again with its credentials (--new-profile NAME).")
		return nil
	}

	var newT *target.Target
	if o.newAccount != "" {
		if s.target.Sandbox == nil {
			return userError("--new-account is for the sandbox; on AWS give the new account's credentials with --new-profile")
		}
		newT, err = target.ForSandboxAccount(s.target.Sandbox, o.newAccount, s.spec)
		if err != nil {
			return userError("%v", err)
		}
	} else {
		spec := s.spec
		spec.Profile, spec.AWS = o.newProfile, true
		if newT, err = target.Open(ctx, spec); err != nil {
			return awsError(err)
		}
	}
	defer newT.Close()
	fmt.Fprintf(o.io.Out, "New management account: %s\n\n", newT.Describe)

	name := o.name
	if name == "" {
		name = o.accountName(s, old.AccountID)
	}
	m := migrate.FromConfigs(newT.Config, newT.AccountID, old.Config, old.AccountID, name)
	if err := m.Preflight(ctx); err != nil {
		return migrateError(err)
	}
	if !o.yes {
		if err := o.confirm(old.AccountID, newT.AccountID); err != nil {
			return err
		}
	}
	changed := false
	err = m.Run(ctx, func(e migrate.Event) {
		fmt.Fprintf(o.io.Out, "  ✓ %-20s %s\n", e.Step, e.Done)
		changed = changed || changedSomething(e)
	})
	if err != nil {
		return migrateError(err)
	}
	if changed {
		fmt.Fprintf(o.io.Out, "\nAccount %s is now the management account; %s is a member in %s.\n", newT.AccountID, old.AccountID, migrate.TransitionalOU)
	} else {
		fmt.Fprintf(o.io.Out, "\nThe migration is already done: account %s is the management account and %s is a member in %s. Nothing changed.\n", newT.AccountID, old.AccountID, migrate.TransitionalOU)
	}
	return o.record(name, old.AccountID, design)
}

// changedSomething tells a step that changed an account from one that found
// its work done ("already ...") or only checked (verify-role).
func changedSomething(e migrate.Event) bool {
	if e.Step == "verify-role" {
		return false
	}
	return !strings.Contains(e.Done, "already") && !strings.HasPrefix(e.Done, "nothing")
}

// oldAccount is the target acting as the old account. The sandbox acts as
// the management account of the organization its first account has joined,
// so once the migration has got that far it acts as the new account: the
// old one is then the sandbox's first account, and a re-run goes on (or
// says the migration is done) instead of refusing the same account twice.
// The returned target's Close leaves the session open.
func (o *newManagementOptions) oldAccount(s *session) (*target.Target, error) {
	sb := s.target.Sandbox
	if sb == nil || o.newAccount == "" || s.target.AccountID != o.newAccount {
		return &target.Target{Config: s.target.Config, Sandbox: sb, AccountID: s.target.AccountID, Describe: s.target.Describe}, nil
	}
	first := sb.Accounts()[0]
	if first.ID == o.newAccount || first.OrganizationManagementID != o.newAccount {
		return &target.Target{Config: s.target.Config, Sandbox: sb, AccountID: s.target.AccountID, Describe: s.target.Describe}, nil
	}
	t, err := target.ForSandboxAccount(sb, first.ID, s.spec)
	if err != nil {
		return nil, userError("%v", err)
	}
	return t, nil
}

// oldName is the old account's name: the sandbox knows it; on AWS a
// standalone account has no name to read, so a plain one is made up.
func (o *newManagementOptions) oldName(s *session) string {
	return o.accountName(s, s.target.AccountID)
}

// accountName is oldName for an account other than the session's own.
func (o *newManagementOptions) accountName(s *session, oldID string) string {
	if sb := s.target.Sandbox; sb != nil {
		for _, a := range sb.Accounts() {
			if a.ID == oldID && orgmodel.CheckAccountName(a.Name) == nil {
				return a.Name
			}
		}
	}
	return "legacy-management"
}

func (o *newManagementOptions) confirm(oldID, newID string) error {
	if !isTerminalReader(o.io.In) {
		return userError("migrate new-management changes two accounts and needs confirmation: run it in a terminal, or add --yes")
	}
	fmt.Fprintf(o.io.Out, "Make %s the management account and invite %s into its organization? Type yes: ", newID, oldID)
	line, err := bufio.NewReader(o.io.In).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if strings.TrimSpace(line) != "yes" {
		return userError("no confirmation; nothing was changed")
	}
	return nil
}

// record adds the old account to the design file, or says what to add when
// there is none.
func (o *newManagementOptions) record(name, id string, d *orgmodel.Design) error {
	snippet := fmt.Sprintf("foundation:\n  transitional: true\naccounts:\n  - name: %s\n    id: \"%s\"\n    ou: %s\n", name, id, migrate.TransitionalOU)
	if d == nil {
		fmt.Fprintf(o.io.Out, "No design file at %s; add this to your design so that plan and apply keep the old account in place:\n\n%s", o.design, snippet)
		return nil
	}
	if !migrate.RecordInDesign(d, name, id) {
		fmt.Fprintf(o.io.Out, "%s already records account %s.\n", o.design, id)
		return nil
	}
	// Edit the file the user wrote rather than re-encode it: comments, blank
	// lines and key order stay, only the two changes are made.
	src, err := os.ReadFile(o.design)
	if err != nil {
		return userError("cannot read %s again: %v; add this by hand:\n%s", o.design, err, snippet)
	}
	data, kept := orgmodel.Update(src, d)
	if !kept {
		fmt.Fprintf(o.io.ErrOut, "%s could not be edited in place; it is rewritten in orgwizard's layout, without its comments.\n", o.design)
	}
	// Never write a design that would not read back.
	if _, err := orgmodel.Parse(data); err != nil {
		return userError("the design with account %s added does not validate (%v); add it by hand:\n%s", id, err, snippet)
	}
	if err := writeUserFile(o.design, data); err != nil {
		return userError("cannot write %s: %v; add this by hand:\n%s", o.design, err, snippet)
	}
	fmt.Fprintf(o.io.Out, "Recorded account %s (%s) in %s under accounts[], OU %s.\n", name, id, o.design, migrate.TransitionalOU)
	return nil
}

// migrateError maps a blocked migration to a user error (the account must
// change first) and the rest to AWS failures.
func migrateError(err error) error {
	var blocked *migrate.BlockedError
	if errors.As(err, &blocked) {
		return userError("%v", blocked)
	}
	return awsError(err)
}

type runbookOptions struct {
	design      string
	designGiven bool
	out         string
	assign      []string
	assignFile  string
	target      targetFlags
	io          IO
}

func newMigrateRunbookCommand(streams IO) *cobra.Command {
	opts := &runbookOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "runbook",
		Short: "Write the Markdown runbook that moves each resource out of the management account",
		Long: `Way out (b). Take the inventory of the target account and write a runbook in
Markdown: every resource found, the member account it moves to, and AWS's
documented way to move that kind of resource (AMI and snapshot sharing, S3
replication, RDS snapshot sharing, DynamoDB export and import, redeploying
functions, migrating hosted zones, IAM users to IAM Identity Center ...).
Destinations come from --assign RESOURCE=ACCOUNT (RESOURCE is an ARN, id or
name; ACCOUNT an account name of the design or an account id), from an
assignment file of such lines, or are suggested from the resources' tags and
the design. Run orgwizard audit --runbook FILE to see the progress.`,
		Example: "  orgwizard migrate runbook --design acme.yaml --assign shop-orders=payments-prod-eu --out runbook.md",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.designGiven = cmd.Flags().Changed("design")
			return opts.run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	addDesignFlag(cmd, &opts.design)
	fl.StringVar(&opts.out, "out", wizard.RunbookFile, "where to write the runbook (- for stdout)")
	fl.StringArrayVar(&opts.assign, "assign", nil, "RESOURCE=ACCOUNT: move this resource (ARN, id or name) to this account (repeatable)")
	fl.StringVar(&opts.assignFile, "assignments", "", "a file of RESOURCE=ACCOUNT lines")
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func (o *runbookOptions) run(ctx context.Context) error {
	assign, err := o.assignments()
	if err != nil {
		return err
	}
	audit := auditOptions{design: o.design, designGiven: o.designGiven, io: o.io}
	tree, err := audit.loadOptionalDesign()
	if err != nil {
		return err
	}
	var d *orgmodel.Design
	if tree != nil {
		d, _ = loadDesign(o.design, io.Discard)
		for res, acct := range assign {
			if !accountIDPattern.MatchString(acct) && !slices.ContainsFunc(tree.Accounts, func(a orgmodel.Account) bool { return a.Name == acct }) {
				return userError("--assign %s=%s: %s is neither an account of %s nor a 12-digit account id", res, acct, acct, o.design)
			}
		}
	}
	s, err := openSession(ctx, &o.target)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := sweepShowingProgress(ctx, s, o.io.ErrOut)
	if err != nil {
		return awsError(err)
	}
	in := migrate.RunbookInput{Account: s.target.AccountID, Target: s.target.Describe, Inventory: res, Design: tree, Assign: assign}
	if d != nil {
		in.ResidencyOf = func(region string) string {
			for _, r := range d.Residencies {
				if slices.Contains(r.Regions, region) {
					return r.Name
				}
			}
			return ""
		}
	}
	md := migrate.Runbook(in)
	if o.out == "-" {
		_, err := io.WriteString(o.io.Out, md)
		return err
	}
	if err := writeUserFile(o.out, []byte(md)); err != nil {
		return userError("cannot write the runbook to %s: %v", o.out, err)
	}
	undecided := 0
	var warnings []string
	for _, e := range migrate.Entries(in) {
		if e.To == "" {
			undecided++
		}
		if e.Warning != "" {
			warnings = append(warnings, fmt.Sprintf("warning: %s %s → %s: %s", e.Item.Type, e.Item.Name, e.To, e.Warning))
		}
	}
	fmt.Fprintf(o.io.Out, "%s\nWrote %s: %d resources to move, %d without a destination yet.\n", describeTarget(s), o.out, len(res.Items), undecided)
	design := ""
	if tree != nil {
		design = o.design
	}
	fmt.Fprintf(o.io.Out, "Follow its progress with: %s\n", wizard.RunbookProgressCommand(o.out, design, targetArgs(o.target.spec)))
	for _, w := range warnings {
		fmt.Fprintln(o.io.ErrOut, w)
	}
	return nil
}

func (o *runbookOptions) assignments() (migrate.Assignment, error) {
	text := ""
	if o.assignFile != "" {
		data, err := os.ReadFile(o.assignFile)
		if err != nil {
			return nil, userError("cannot read --assignments: %v", err)
		}
		text = string(data) + "\n"
	}
	text += strings.Join(o.assign, "\n")
	a, err := migrate.ParseAssignments(text)
	if err != nil {
		return nil, userError("assignments: %v", err)
	}
	return a, nil
}
