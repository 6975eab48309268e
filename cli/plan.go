package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

type planOptions struct {
	design           string
	output           string
	detailedExitCode bool
	target           targetFlags
	io               IO
}

func newPlanCommand(streams IO) *cobra.Command {
	opts := &planOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change in the target to match the design",
		Long: `Read the organization in the target (the sandbox unless --aws, --profile or
--endpoint-url is given) and list, in order, the changes apply would make:
create, move, tag, attach, a design's budgets and cost categories, and its
access (IAM Identity Center groups, users, permission sets, assignments), its
security baseline and alternate contacts. Accounts and OUs the design does not
name are listed as unmanaged and left alone, as are budgets and categories not
named orgwizard-; a baseline item turned off is listed as left in place, with
the command that removes it by hand. Nothing is changed.`,
		Example: "  orgwizard plan --design acme.yaml\n  orgwizard plan --design acme.yaml --profile management --detailed-exitcode",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	addDesignFlag(cmd, &opts.design)
	addOutputFlag(cmd, &opts.output)
	cmd.Flags().BoolVar(&opts.detailedExitCode, "detailed-exitcode", false, "exit 0 when there is nothing to do, 2 when there are changes")
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func (o *planOptions) run(ctx context.Context) error {
	if err := checkOutput(o.output); err != nil {
		return err
	}
	s, plan, _, err := planDesign(ctx, o.design, &o.target, o.io.ErrOut)
	if err != nil {
		return err
	}
	defer s.Close()
	if o.output == "json" {
		err = writeJSON(o.io.Out, planJSON(s.target.Describe, o.design, plan))
	} else {
		err = writePlanText(o.io.Out, describeTarget(s), o.design, plan)
	}
	if err != nil {
		return err
	}
	if o.detailedExitCode && !plan.Empty() {
		return &ExitError{Code: ExitChanges, Err: fmt.Errorf("the plan has %d changes", len(plan.Steps)), Reported: true}
	}
	return nil
}

// planDesign loads the design, opens the target, reads its organization and
// plans the difference. The caller closes the session.
func planDesign(ctx context.Context, design string, target *targetFlags, errOut io.Writer) (*session, *orgmodel.Plan, *orgmodel.Actual, error) {
	tree, err := loadTree(design, errOut)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := openSession(ctx, target)
	if err != nil {
		return nil, nil, nil, err
	}
	actual, err := s.readFor(ctx, tree)
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	return s, orgmodel.MakePlan(tree, actual), actual, nil
}

// baseline is the client of the security baseline, acting as the target's
// account and entering log-archive and security-tooling through
// OrganizationAccountAccessRole.
func (s *session) baseline() *baseline.Client {
	if s.bl != nil {
		return s.bl
	}
	cfg := s.target.Config.Copy()
	// Each failed attempt of a baseline call shows in apply's progress as a
	// retry, as the Organizations steps' do.
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), orgs.ObserveAttempts)
	mgmt := baseline.NewManagement(cfg)
	s.bl = baseline.New(mgmt, baseline.AssumeInto(cfg, mgmt.STS), s.target.AccountID)
	return s.bl
}

// readBaseline reads into a what exists of the design's baseline and
// contacts, when it has either.
func (s *session) readBaseline(ctx context.Context, tree *orgmodel.Tree, a *orgmodel.Actual) error {
	if tree.Baseline == nil {
		return nil
	}
	got, err := s.baseline().Read(ctx, tree, a)
	if err != nil {
		return awsError(err)
	}
	a.Baseline = got
	return nil
}

func loadTree(path string, errOut io.Writer) (*orgmodel.Tree, error) {
	d, err := loadDesign(path, errOut)
	if err != nil {
		return nil, err
	}
	return d.Expand()
}

type planDoc struct {
	Version   int                  `json:"version"`
	Target    string               `json:"target"`
	Design    string               `json:"design"`
	Steps     []orgmodel.Step      `json:"steps"`
	Unmanaged []orgmodel.Unmanaged `json:"unmanaged"`
	Warnings  []string             `json:"warnings"`
}

func planJSON(target, design string, p *orgmodel.Plan) planDoc {
	return planDoc{Version: 1, Target: target, Design: design, Steps: p.Steps, Unmanaged: p.Unmanaged, Warnings: p.Warnings}
}

// stepMark is the sign a plan line starts with: + creates, ~ changes, - detaches.
func stepMark(k orgmodel.StepKind) string {
	switch k {
	case orgmodel.StepMoveAccount, orgmodel.StepTagAccount, orgmodel.StepUpdatePolicy, orgmodel.StepEnablePolicyType,
		orgmodel.StepUpdateBudget, orgmodel.StepUpdateCostCategory, orgmodel.StepUpdateGroup, orgmodel.StepUpdatePermissionSet,
		orgmodel.StepPutInlinePolicy, orgmodel.StepProvision,
		orgmodel.StepConfigureLogBucket, orgmodel.StepPutBucketPolicy, orgmodel.StepUpdateTrail, orgmodel.StepStartLogging,
		orgmodel.StepConfigureGuardDuty, orgmodel.StepConfigureSecurityHub, orgmodel.StepPutAlternateContact:
		return "~"
	case orgmodel.StepDetachPolicy, orgmodel.StepDetachManagedPolicy, orgmodel.StepDeleteInlinePolicy, orgmodel.StepDeleteAssignment:
		return "-"
	case orgmodel.StepAwaitAccount, orgmodel.StepAwaitAssignment:
		return "…"
	case orgmodel.StepEnableIdentityCenter:
		return "!" // the user's to do
	}
	return "+"
}

func writePlanText(w io.Writer, target, design string, p *orgmodel.Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nDesign: %s\n\n", target, design)
	if p.Empty() {
		b.WriteString("Nothing to do: the organization matches the design.\n")
	} else {
		fmt.Fprintf(&b, "Plan: %d changes\n", len(p.Steps))
		for _, s := range p.Steps {
			fmt.Fprintf(&b, "  %s %s\n      %s\n", stepMark(s.Kind), s, s.Why)
		}
	}
	if len(p.Unmanaged) > 0 {
		b.WriteString("\nNot in the design, left alone:\n")
		for _, u := range p.Unmanaged {
			where := "in " + rootIfEmpty(u.Path)
			if u.Kind == "ou" {
				where = "at " + u.Path
			}
			fmt.Fprintf(&b, "  %s %s (%s) %s\n", u.Kind, u.Name, u.ID, where)
		}
	}
	if len(p.Warnings) > 0 {
		b.WriteString("\nWarnings:\n")
		for _, wn := range p.Warnings {
			fmt.Fprintf(&b, "  ! %s\n", wn)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func rootIfEmpty(path string) string {
	if path == "" {
		return "Root"
	}
	return path
}
