package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/audit"
	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/aws/iamusers"
	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/rootcreds"
	"github.com/orgwizard/orgwizard/orgmodel"
)

type auditOptions struct {
	design      string
	output      string
	strict      bool
	runbook     string
	designGiven bool
	target      targetFlags
	io          IO
}

func newAuditCommand(streams IO) *cobra.Command {
	opts := &auditOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the target against the multi-account checklist, with the management account's inventory",
		Long: `Check the target, one line per check, each passed, failed or warned with why and
the fix: a management account, an organization with all features, the member
accounts the design asks for in their OUs, the guardrails attached, and the
management account clean. For the last, every enabled region is swept for what
runs there (EC2, EBS, VPCs, S3, RDS, DynamoDB, Lambda, ECS, EKS, CloudFront,
Route 53, IAM users with access keys, and whatever Resource Explorer or the
tagging API knows of); a region or service that refuses is reported and the
rest still shown. In an organization: IAM Identity Center enabled (where to
click when it is not), every workload account reachable by at least one group,
no IAM user of the management account with a console password or an active
access key, and the budget checks; with a design's baseline and contacts
blocks: the organization trail logging into log-archive, the log bucket's
policy denying deletion to every account but log-archive, GuardDuty on every
member account in every allowed region, member accounts without root
credentials (read through root sessions), and the alternate contacts; without
the blocks, one warning. Without a design file the design checks are warnings.
--strict exits 1 when a check fails.`,
		Example: "  orgwizard audit --design acme.yaml\n  orgwizard audit --profile management --output json --strict",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.designGiven = cmd.Flags().Changed("design")
			return opts.run(cmd.Context())
		},
	}
	addDesignFlag(cmd, &opts.design)
	addOutputFlag(cmd, &opts.output)
	cmd.Flags().BoolVar(&opts.strict, "strict", false, "exit 1 when a check fails")
	cmd.Flags().StringVar(&opts.runbook, "runbook", "", "a runbook from orgwizard migrate runbook: show how many of its resources have moved out")
	addTargetFlags(cmd, &opts.target)
	return cmd
}

// auditDoc is the json shape of cli.md (version 1).
type auditDoc struct {
	Version   int               `json:"version"`
	Target    string            `json:"target"`
	Account   string            `json:"account"`
	Design    string            `json:"design,omitempty"`
	Checks    []audit.Check     `json:"checks"`
	Inventory []inventory.Item  `json:"inventory"`
	Problems  []problemJSON     `json:"problems"`
	Regions   []string          `json:"regions"`
	Discovery map[string]string `json:"discovery"`
}

type problemJSON struct {
	Region  string                `json:"region"`
	Service string                `json:"service"`
	Kind    inventory.ProblemKind `json:"kind"`
	Error   string                `json:"error"`
}

func (o *auditOptions) run(ctx context.Context) error {
	if err := checkOutput(o.output); err != nil {
		return err
	}
	tree, err := o.loadOptionalDesign()
	if err != nil {
		return err
	}
	var runbook []string
	if o.runbook != "" {
		data, err := os.ReadFile(o.runbook)
		if err != nil {
			return userError("cannot read --runbook: %v", err)
		}
		if runbook = migrate.RunbookKeys(string(data)); len(runbook) == 0 {
			return userError("%s lists no resource: is it a runbook from orgwizard migrate runbook?", o.runbook)
		}
	}
	s, err := openSession(ctx, &o.target)
	if err != nil {
		return err
	}
	defer s.Close()

	in := audit.Input{Account: s.target.AccountID, Design: tree, DesignFile: o.design, Runbook: runbook}
	actual, err := s.orgs.Read(ctx)
	switch {
	case errors.Is(err, orgs.ErrNotManagementAccount):
		in.NotManagement = true
	case err != nil:
		return awsError(err)
	default:
		in.Actual = actual
		if actual.Organization != nil {
			if in.Billing, err = s.auditBilling(ctx, actual.Organization.ManagementAccountID); err != nil {
				return err
			}
			if in.IdentityCenter, err = o.auditIdentityCenter(ctx, s, tree, actual); err != nil {
				return err
			}
			if in.Baseline, err = s.auditBaseline(ctx, tree, actual); err != nil {
				return err
			}
		}
	}
	if !in.NotManagement {
		// Whoever signs in as an IAM user here acts where no guardrail
		// reaches; a member account's users are its own business.
		if in.IAMUsers, err = s.auditIAMUsers(ctx); err != nil {
			return err
		}
	}
	res, err := sweepShowingProgress(ctx, s, o.io.ErrOut)
	if err != nil {
		return awsError(err)
	}
	in.Inventory = res
	checks := audit.Run(in)

	if o.output == "json" {
		err = writeJSON(o.io.Out, auditJSON(s.target.Describe, s.target.AccountID, designName(tree, o.design), checks, res))
	} else {
		err = writeAuditText(o.io.Out, describeTarget(s), designName(tree, o.design), checks, res)
	}
	if err != nil {
		return err
	}
	if o.strict && audit.Failed(checks) {
		return reported(ExitUser, errors.New("a check failed"))
	}
	return nil
}

// loadOptionalDesign reads the design when there is one: the audit is useful
// without, and only a --design the user named must exist.
func (o *auditOptions) loadOptionalDesign() (*orgmodel.Tree, error) {
	if !o.designGiven {
		if _, err := os.Stat(o.design); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	return loadTree(o.design, o.io.ErrOut)
}

func designName(tree *orgmodel.Tree, path string) string {
	if tree == nil {
		return ""
	}
	return path
}

// sweepShowingProgress takes the target account's inventory, showing progress on stderr:
// one rewritten line on a terminal, and otherwise a line per listing that
// did not answer (the full count comes at the end), so logs stay short.
func sweepShowingProgress(ctx context.Context, s *session, errOut io.Writer) (*inventory.Result, error) {
	tty := isTerminal(errOut)
	res, err := s.sweep(ctx, func(p inventory.Progress) {
		switch {
		case tty:
			fmt.Fprintf(errOut, "\r\033[Kinventory: %d/%d listings (%s %s)", p.Done, p.Total, p.Region, p.Service)
		case p.Err != nil:
			fmt.Fprintf(errOut, "inventory: %s in %s did not answer: %v\n", p.Service, p.Region, p.Err)
		}
	})
	if tty {
		fmt.Fprint(errOut, "\r\033[K")
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(errOut, "inventory: %d regions swept, %d resources found, %d listings did not answer\n", len(res.Regions), len(res.Items), len(res.Problems))
	return res, nil
}

func auditJSON(target, account, design string, checks []audit.Check, res *inventory.Result) auditDoc {
	doc := auditDoc{Version: 1, Target: target, Account: account, Design: design, Checks: checks,
		Inventory: []inventory.Item{}, Problems: []problemJSON{}, Regions: []string{}, Discovery: map[string]string{}}
	if res != nil {
		doc.Inventory = append(doc.Inventory, res.Items...)
		doc.Regions = append(doc.Regions, res.Regions...)
		doc.Discovery = res.Discovery
		for _, p := range res.Problems {
			doc.Problems = append(doc.Problems, problemJSON{Region: p.Region, Service: p.Service, Kind: p.Kind, Error: p.Message()})
		}
	}
	return doc
}

var statusMark = map[audit.Status]string{audit.Pass: "PASS", audit.Fail: "FAIL", audit.Warn: "WARN"}

func writeAuditText(w io.Writer, target, design string, checks []audit.Check, res *inventory.Result) error {
	var b strings.Builder
	b.WriteString(target + "\n")
	if design != "" {
		fmt.Fprintf(&b, "Design: %s\n", design)
	}
	b.WriteString("\nChecks\n")
	for _, c := range checks {
		fmt.Fprintf(&b, "  [%s] %s\n         %s\n", statusMark[c.Status], c.Title, c.Why)
		if c.Status != audit.Pass && c.Fix != "" {
			fmt.Fprintf(&b, "         fix: %s\n", c.Fix)
		}
	}
	if res != nil {
		fmt.Fprintf(&b, "\nInventory of account %s (%d regions)\n", res.Account, len(res.Regions))
		if len(res.Items) == 0 {
			b.WriteString("  nothing found\n")
		}
		for _, it := range res.Items {
			name := it.Name
			if name != it.ID {
				name += " (" + it.ID + ")"
			}
			line := fmt.Sprintf("  %-14s %-10s %-12s %s", it.Region, it.Service, it.Type, name)
			if it.Detail != "" {
				line += "  " + it.Detail
			}
			if it.Source == inventory.SourceTagging {
				line += "  [tagged resources only]"
			}
			b.WriteString(line + "\n")
		}
		if len(res.Problems) > 0 {
			b.WriteString("\nNot read (the inventory is incomplete there):\n")
			for _, p := range res.Problems {
				fmt.Fprintf(&b, "  %-14s %-20s %s: %s\n", p.Region, p.Service, p.Kind, p.Message())
			}
		}
		tagged := 0
		for _, d := range res.Discovery {
			if d == inventory.DiscoveryTaggedOnly {
				tagged++
			}
		}
		if tagged > 0 {
			fmt.Fprintf(&b, "\nBeyond the services swept above, %d regions were read with the Resource Groups Tagging API,\nwhich lists tagged resources only; turn on Resource Explorer for a complete view.\n", tagged)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// auditBaseline reads what the security baseline checks need, when the
// design has a baseline or contacts block: the baseline as plan reads it
// (entering log-archive and security-tooling), and, when centralized root
// access is on, each member account's root credentials through a root
// session. A read AWS refuses is told in the checks; only an interruption
// stops the audit. Without the blocks nothing is read, and the checks say
// the baseline is not in the design.
func (s *session) auditBaseline(ctx context.Context, tree *orgmodel.Tree, actual *orgmodel.Actual) (*audit.SecurityBaseline, error) {
	sb := &audit.SecurityBaseline{}
	if tree == nil || tree.Baseline == nil {
		return sb, nil
	}
	sb.Actual, sb.Err = s.baseline().Read(ctx, tree, actual)
	if errors.Is(sb.Err, context.Canceled) {
		return nil, sb.Err
	}
	set := tree.Baseline.Settings
	if sb.Err != nil || sb.Actual == nil || set == nil || !set.CentralRootAccess || !slices.Contains(sb.Actual.RootFeatures, orgmodel.RootCredentials) {
		return sb, nil
	}
	var members []orgmodel.ActualAccount
	for _, a := range actual.Accounts {
		if a.ID != actual.Organization.ManagementAccountID && (a.Status == "" || a.Status == "ACTIVE") {
			members = append(members, a)
		}
	}
	cfg := s.target.Config.Copy()
	// AssumeRoot has no global endpoint: ask the home region's.
	cfg.Region = cmp.Or(tree.HomeRegion, cfg.Region, "us-east-1")
	sb.RootCredentials, sb.RootErr = rootcreds.New(cfg).Read(ctx, members)
	if errors.Is(sb.RootErr, context.Canceled) {
		return nil, sb.RootErr
	}
	return sb, nil
}

// auditIdentityCenter reads the organization's IAM Identity Center for the
// access checks: the instance and the assignments in every account of the
// organization. A read AWS refuses is told in the checks; only an
// interruption stops the audit.
func (o *auditOptions) auditIdentityCenter(ctx context.Context, s *session, tree *orgmodel.Tree, actual *orgmodel.Actual) (*audit.IdentityCenter, error) {
	scope := &orgmodel.Tree{}
	if tree != nil {
		scope.HomeRegion = tree.HomeRegion
	}
	for _, a := range actual.Accounts {
		scope.Accounts = append(scope.Accounts, orgmodel.Account{Name: a.Name})
	}
	ic := &audit.IdentityCenter{Region: cmp.Or(scope.HomeRegion, s.target.Config.Region)}
	ic.Access, ic.Err = s.identityCenter(scope, actual).Read(ctx)
	if errors.Is(ic.Err, context.Canceled) {
		return nil, ic.Err
	}
	if s.target.Sandbox != nil {
		// The same stand-in for the console's click that apply gives.
		ic.SandboxCommand = (&applyOptions{target: o.target}).enableOnSandbox(ic.Region)
	}
	return ic, nil
}

// auditIAMUsers reads how the audited account's IAM users sign in. A read
// AWS refuses is told in the check; only an interruption stops the audit.
func (s *session) auditIAMUsers(ctx context.Context) (*audit.IAMUsers, error) {
	users, err := iamusers.Read(ctx, iam.NewFromConfig(s.target.Config))
	if errors.Is(err, context.Canceled) {
		return nil, err
	}
	return &audit.IAMUsers{Users: users, Err: err, Sandbox: s.target.Sandbox != nil}, nil
}

// auditBilling reads what the budget checks need: the management account's
// budgets (one request a hundred) and its own spend this month (one Cost
// Explorer request, $0.01). A read AWS refuses is told in the checks; only
// an interruption stops the audit.
func (s *session) auditBilling(ctx context.Context, managementID string) (*audit.Billing, error) {
	b := &audit.Billing{}
	b.Budgets, b.BudgetsErr = s.billing().Budgets(ctx)
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	spend := costs.New(costsClient(s))
	b.ManagementSpend, b.Currency, b.SpendErr = spend.AccountSpend(ctx, managementID, month, now.Truncate(24*time.Hour).AddDate(0, 0, 1))
	for _, err := range []error{b.BudgetsErr, b.SpendErr} {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	return b, nil
}
