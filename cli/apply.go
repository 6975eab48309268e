package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

type applyOptions struct {
	design      string
	yes         bool
	forceUnlock bool
	target      targetFlags
	io          IO
}

func newApplyCommand(streams IO) *cobra.Command {
	opts := &applyOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Make the target's organization match the design, with live progress",
		Long: `Read the organization in the target, show the plan, ask for confirmation (or
--yes), and carry it out: the organization, OUs, accounts (five created at a
time, AWS's limit), moves, tags and guardrails, then a design's budgets and
cost categories and its access (IAM Identity Center) once every account
exists, and last its security baseline (trusted access, delegated
administrators, the log bucket in log-archive and the organization trail,
GuardDuty, Security Hub and Access Analyzer from security-tooling,
centralized root access, alternate contacts), in the order AWS requires.
Identity Center itself is one click in the console that no API can make:
without it apply does the rest and exits 1 saying where to click and what to
run next. The accounts quota is checked
before anything is created. apply can be interrupted at any moment (ctrl+c, a
crash) and run again: it never creates an account twice and finishes the work.

Two applies never change one organization at once: apply holds a lock on this
machine and a lease in the organization itself (a tag on its root, renewed
while it runs, removed at the end). A second apply says who holds it and since
when, and exits 1. If that apply crashed, its lease expires within two
minutes (at once for the next apply on the same machine), or --force-unlock
takes it over now, after asking.`,
		Example: "  orgwizard apply --design acme.yaml\n  orgwizard apply --design acme.yaml --profile management --yes",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	addDesignFlag(cmd, &opts.design)
	cmd.Flags().BoolVarP(&opts.yes, "yes", "y", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&opts.forceUnlock, "force-unlock", false, "take over the organization's lease from an apply that is no longer running (asks first; --yes answers)")
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func (o *applyOptions) run(ctx context.Context) error {
	tree, err := loadTree(o.design, o.io.ErrOut)
	if err != nil {
		return err
	}
	s, err := openSession(ctx, &o.target)
	if err != nil {
		return err
	}
	defer s.Close()
	// Locked before reading: the plan carried out is never one made while
	// another apply was changing the organization.
	lock, err := s.lockOrganization(ctx, o.forceUnlock, askForceUnlock(o.io.In, o.io.Out, o.yes))
	if err != nil {
		return err
	}
	defer lock.release()
	actual, err := s.readFor(ctx, tree)
	if err != nil {
		return err
	}
	plan := orgmodel.MakePlan(tree, actual)
	if err := writePlanText(o.io.Out, describeTarget(s), o.design, plan); err != nil {
		return err
	}
	if plan.Empty() {
		return nil
	}
	if !o.yes {
		if err := o.confirm(s); err != nil {
			return err
		}
	}

	journal, err := s.openJournal()
	if err != nil {
		return userError("%v", err)
	}
	opt := s.engineOptions()
	opt.Journal = journal
	printer := newLinePrinter(o.io.Out, time.Now())
	opt.OnEvent = printer.event
	fmt.Fprintf(o.io.Out, "\nApplying %d changes to %s\n", len(plan.Steps), s.target.Describe)
	err = apply.New(lock.Guard(s.orgs), opt).Apply(lock.ctx, plan, actual)
	elapsed := time.Since(printer.start).Round(time.Millisecond)
	// A lease lost to ctrl+c is the interruption itself, told below with the
	// command that finishes the work; any other loss of the lease is news.
	if lerr := lock.err(); lerr != nil && err != nil && !errors.Is(lerr, context.Canceled) {
		return lerr
	}
	switch {
	case err == nil:
		plan := wizard.Command(append(append([]string{"plan"}, wizard.DesignArgs(o.design)...), targetArgs(o.target.spec)...)...)
		fmt.Fprintf(o.io.Out, "Done in %s: the organization matches %s. %s now shows nothing to do.\n", elapsed, o.design, plan)
		return nil
	case errors.Is(err, context.Canceled):
		msg := "interrupted after " + elapsed.String() + "; nothing is lost"
		if n := journal.Len(); n > 0 {
			msg += fmt.Sprintf(": %d account creations are in flight at AWS, recorded in %s", n, journal.Path())
		} else if n := journal.AccessLen(); n > 0 {
			msg += fmt.Sprintf(": %d Identity Center requests are in flight at AWS, recorded in %s", n, journal.Path())
		}
		return &ExitError{Code: ExitInterrupted, Err: errors.New(msg + ". Run " + o.again() + " to finish.")}
	}
	var quota *apply.QuotaError
	if errors.As(err, &quota) {
		return &ExitError{Code: ExitUser, Err: err}
	}
	var failures apply.Failures
	var needed *apply.IdentityCenterNeededError
	if errors.As(err, &needed) && errors.As(err, &failures) && len(failures) == 1 {
		// The one step only the user can take: everything else is done.
		how := needed.HowTo
		if s.target.Sandbox != nil {
			how = "on the sandbox, the console's click is " + o.target.enableOnSandbox(tree.HomeRegion)
		}
		return &ExitError{Code: ExitUser, Err: fmt.Errorf("the organization is done; its access waits for IAM Identity Center, which is not enabled: %s. Then run %s to give access", how, o.again())}
	}
	if entered := cannotEnter(err); entered != nil {
		// Not the policy's fault as a rule: an invited account has no
		// OrganizationAccountAccessRole. The error names the account and
		// both fixes; the user makes one, and runs apply again.
		who := entered.AccountID
		if entered.Name != "" {
			who = entered.Name + " (" + entered.AccountID + ")"
		}
		return &ExitError{Code: ExitUser, Err: fmt.Errorf("%w\nWhat succeeded stays; once orgwizard can enter %s, run %s to finish", err, who, o.again())}
	}
	if perr := permissionError(err); perr != nil {
		return perr
	}
	return &ExitError{Code: ExitAWS, Err: fmt.Errorf("%w\nWhat succeeded stays; run %s to finish", err, o.again())}
}

// enableOnSandbox is the sandbox's stand-in for the click in the console.
func (f targetFlags) enableOnSandbox(region string) string {
	args := []string{"sandbox", "enable-identity-center"}
	if region != "" {
		args = append(args, "--region", region)
	}
	if f.spec.SandboxState != "" {
		args = append(args, "--sandbox-state", f.spec.SandboxState)
	}
	return wizard.Command(args...)
}

// again is the command that goes on where this apply stopped: the same
// design and target.
func (o *applyOptions) again() string {
	return wizard.Command(append(append([]string{"apply"}, wizard.DesignArgs(o.design)...), targetArgs(o.target.spec)...)...)
}

// confirm asks the user to confirm; on real AWS they type the account id,
// so that a change never lands in the wrong account by a reflex "yes".
func (o *applyOptions) confirm(s *session) error {
	if !isTerminalReader(o.io.In) {
		return userError("apply changes %s and needs confirmation: run it in a terminal, or add --yes", s.target.Describe)
	}
	want, prompt := "yes", "Type yes to apply: "
	if s.target.Sandbox == nil {
		want = s.target.AccountID
		prompt = fmt.Sprintf("This changes real AWS account %s. Type the account id to apply: ", want)
	}
	fmt.Fprintf(o.io.Out, "\n%s", prompt)
	line, err := bufio.NewReader(o.io.In).ReadString('\n')
	if err != nil && line == "" {
		return userError("no confirmation; nothing was changed")
	}
	if strings.TrimSpace(line) != want {
		return userError("confirmation %q does not match %q; nothing was changed", strings.TrimSpace(line), want)
	}
	return nil
}

// linePrinter writes one plain line per event: readable in a terminal, in a
// log and in CI alike.
type linePrinter struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func newLinePrinter(w io.Writer, start time.Time) *linePrinter {
	return &linePrinter{w: w, start: start}
}

func (p *linePrinter) event(e apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := e.Time.Sub(p.start)
	mark := map[apply.EventKind]string{
		apply.Started: "→", apply.Waiting: "…", apply.Retrying: "↻", apply.Succeeded: "✓", apply.Failed: "✗",
	}[e.Kind]
	line := fmt.Sprintf("[%7.1fs] %s %-9s %s", elapsed.Seconds(), mark, e.Kind, e.Step)
	if e.Message != "" {
		line += ": " + e.Message
	}
	line = orgmodel.WithLogBucket(line, e.Bucket)
	if e.Kind == apply.Succeeded || e.Kind == apply.Failed {
		line += fmt.Sprintf("  (%d/%d", e.Done, e.Total)
		switch {
		case e.InFlight >= apply.MaxCreationsInFlight:
			line += fmt.Sprintf(", %d accounts in flight (AWS's limit)", e.InFlight)
		case e.InFlight > 0:
			line += fmt.Sprintf(", %d accounts in flight", e.InFlight)
		}
		line += ")"
	}
	fmt.Fprintln(p.w, line)
}

// cannotEnter finds, among an apply's failures, a member account the
// management account could not enter for the security baseline.
func cannotEnter(err error) *baseline.EnterError {
	var failures apply.Failures
	if !errors.As(err, &failures) {
		return nil
	}
	for _, f := range failures {
		var ee *baseline.EnterError
		if errors.As(f, &ee) {
			return ee
		}
	}
	return nil
}
