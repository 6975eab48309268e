package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// RunAccessible runs the same steps as plain prompts and lines, for screen
// readers: huh's accessible forms for the questions, one line per fact, and
// one line per apply event. The design is saved after every step, as in the
// full-screen wizard.
func RunAccessible(ctx context.Context, opt Options, in io.Reader, out io.Writer) (Result, error) {
	// Screen readers read text: no colours, no escape sequences at all.
	a := &accessible{opt: opt, in: in, out: plainWriter{out}, ctx: ctx, d: opt.Design}
	if a.d == nil {
		a.d = wizard.NewDesign()
	}
	err := a.run()
	if errors.Is(err, huh.ErrUserAborted) {
		err = nil
		a.res.Message = fmt.Sprintf("Stopped. Your design is saved in %s; run %s to go on.", opt.DesignPath, wizard.RerunCommand(opt.DesignPath, a.target.Args))
	}
	return a.res, err
}

type accessible struct {
	opt    Options
	in     io.Reader
	out    io.Writer
	ctx    context.Context
	d      *orgmodel.Design
	target TargetInfo
	pre    Preflight
	inv    wizard.Inventory
	way    wizard.Way
	res    Result
	// basicsDone: the user answered the basics, home region included; no
	// sweep proposes another.
	basicsDone bool
	// identity is IAM Identity Center as last read; skipAccess: the user
	// chose to apply without access this time.
	identity   *IdentityCenter
	skipAccess bool
}

// plainWriter strips escape sequences from what huh prints.
type plainWriter struct{ w io.Writer }

func (p plainWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, stripANSI(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (a *accessible) say(format string, args ...any) { fmt.Fprintf(a.out, format+"\n", args...) }

func (a *accessible) heading(s wizard.Step) {
	target := "not chosen yet"
	if a.target.Describe != "" {
		target = a.target.Describe
	}
	a.say("\nStep %d of %d: %s. Target: %s.", s.Number(), len(wizard.Steps), s.Info().Title, target)
	a.say("%s", s.Info().Workshop)
	if lead := s.Info().Lead; lead != "" {
		a.say("%s", lead)
	}
}

func (a *accessible) ask(fields ...huh.Field) error {
	return huh.NewForm(huh.NewGroup(fields...)).
		WithAccessible(true).WithInput(a.in).WithOutput(a.out).
		WithShowHelp(false).Run()
}

func (a *accessible) save(reached wizard.Step) {
	if a.opt.Save == nil || a.opt.DesignPath == "" {
		return
	}
	prev, _ := os.ReadFile(a.opt.DesignPath) // edited, so that a user's comments stay
	if err := a.opt.Save(a.opt.DesignPath, wizard.EncodeOver(prev, a.d, reached)); err != nil {
		a.say("Could not save the design: %v", err)
	}
}

func (a *accessible) run() error {
	b := a.opt.Backend
	a.heading(wizard.Target)
	targets := b.Targets()
	choice := 0
	if err := a.ask(indexed(wizard.TargetChoice, labels(targets), &choice).Title(saidChoice(wizard.TargetChoice))); err != nil {
		return err
	}
	info, err := b.Connect(a.ctx, targets[choice])
	if err != nil {
		return err
	}
	a.target = info

	if err := a.preflight(); err != nil {
		return err
	}

	resume := wizard.Basics
	if a.opt.Design != nil {
		resume = max(wizard.Resume(a.d, a.opt.Reached), wizard.Basics)
		a.sayFacts(resumeFact(a.opt.DesignPath, resume))
	}
	steps := []struct {
		step wizard.Step
		run  func() error
	}{
		{wizard.Basics, a.basics}, {wizard.Workloads, a.workloads}, {wizard.Environments, a.environments},
		{wizard.Residency, a.residency}, {wizard.Guardrails, a.guardrails}, {wizard.Baseline, a.baseline}, {wizard.Access, a.access},
	}
	for _, s := range steps {
		if s.step < resume {
			continue
		}
		a.heading(s.step)
		if err := s.run(); err != nil {
			return err
		}
		a.save(wizard.Next(s.step))
	}
	return a.previewAndApply()
}

// basics asks the basics step's questions, then says the account emails
// that result, as the screen shows them while the user types.
func (a *accessible) basics() error {
	b, q := wizard.BasicsOf(a.d), wizard.BasicsQuestions
	if err := a.answer(wizard.Ask(q.Name, &b.Name), wizard.Ask(b.AddressQuestion(), &b.Address), wizard.Ask(q.HomeRegion, &b.Region), wizard.Ask(q.Tags, &b.Tags)); err != nil {
		return err
	}
	if err := b.Apply(a.d); err != nil {
		return err
	}
	if emails, err := wizard.ExampleEmails(a.d, 3); err == nil {
		a.say("Account emails: %s …", strings.Join(emails, ", "))
	}
	a.basicsDone = true
	return nil
}

func (a *accessible) workloads() error {
	failures := 0
	for {
		names := make([]string, len(a.d.Workloads))
		for i, w := range a.d.Workloads {
			names[i] = w.Name
		}
		if len(names) > 0 {
			a.say("Workloads: %s.", strings.Join(names, ", "))
		} else {
			a.say("No workload yet.")
		}
		action := "add"
		opts := []huh.Option[string]{huh.NewOption("add a workload", "add")}
		if len(names) > 0 {
			opts = append(opts, huh.NewOption("remove one", "remove"), huh.NewOption("done, go on", "done"))
			action = "done"
		}
		if err := a.ask(huh.NewSelect[string]().Title("What next?").Options(opts...).Value(&action)); err != nil {
			return err
		}
		switch action {
		case "done":
			return nil
		case "remove":
			name := names[0]
			if err := a.ask(huh.NewSelect[string]().Title("Remove which workload?").Options(huh.NewOptions(names...)...).Value(&name)); err != nil {
				return err
			}
			a.d.Workloads = slices.DeleteFunc(a.d.Workloads, func(w orgmodel.Workload) bool { return w.Name == name })
		case "add":
			var w orgmodel.Workload
			if err := a.answer(wizard.WorkloadForm(a.d, -1, &w)...); err != nil {
				return err
			}
			w.Name = strings.TrimSpace(w.Name)
			if err := wizard.PutWorkload(a.d, -1, w); err != nil {
				a.say("%v", err)
				if failures++; failures > 3 {
					return err // the input has ended
				}
			}
		}
	}
}

func (a *accessible) environments() error {
	var names, split []string
	for _, e := range a.d.Environments {
		names = append(names, e.Name)
		if e.PerResidency {
			split = append(split, e.Name)
		}
	}
	list, per := strings.Join(names, ", "), strings.Join(split, ", ")
	namesQ, perQ := wizard.EnvironmentListQuestions()
	if err := a.answer(wizard.Ask(namesQ, &list), wizard.Ask(perQ, &per)); err != nil {
		return err
	}
	if err := wizard.SetEnvironments(a.d, list, per); err != nil {
		a.say("%v", err)
	}
	return nil
}

func (a *accessible) residency() error {
	var chosen []string
	var opts []huh.Option[string]
	for _, p := range wizard.Presets {
		if _, ok := a.d.Residency(p.Name); ok {
			chosen = append(chosen, p.Name)
		}
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s, %s: %s", p.Name, p.Title, strings.Join(p.Regions, ", ")), p.Name))
	}
	if err := a.ask(huh.NewMultiSelect[string]().Title("Residencies: where must customer data stay? Choose none if anywhere.").Options(opts...).Value(&chosen)); err != nil {
		return err
	}
	if err := wizard.ChoosePresets(a.d, chosen); err != nil {
		a.say("%v", err)
	}
	if err := a.editResidencies(); err != nil {
		return err
	}
	if len(a.d.Residencies) > 1 {
		for i, w := range a.d.Workloads {
			serve := slices.Clone(w.Residencies)
			c := wizard.ServeChoice(a.d, i)
			if err := a.ask(choices(c, &serve).Title(saidChoice(c))); err != nil {
				return err
			}
			a.d.Workloads[i].Residencies = serve
		}
	}
	for _, e := range wizard.Settle(a.d) {
		a.say("No residency: %s gets one account per workload.", e)
	}
	return wizard.Check(wizard.Residency, a.d)
}

// editResidencies changes a residency's name or regions in place, as enter
// does in the full-screen wizard, until the user goes on.
func (a *accessible) editResidencies() error {
	for failures := 0; len(a.d.Residencies) > 0 && failures <= 3; {
		pick := -1
		opts := []huh.Option[int]{huh.NewOption("no change, go on", -1)}
		for i, r := range a.d.Residencies {
			opts = append(opts, huh.NewOption(fmt.Sprintf("change %s: %s", r.Name, strings.Join(r.Regions, ", ")), i))
		}
		if err := a.ask(huh.NewSelect[int]().Title("Change a residency's name or regions?").Options(opts...).Value(&pick)); err != nil {
			return err
		}
		if pick < 0 {
			return nil
		}
		r := a.d.Residencies[pick]
		name, regions := r.Name, strings.Join(r.Regions, " ")
		if err := a.answer(wizard.ResidencyForm(&name, &regions)...); err != nil {
			return err
		}
		saved, err := wizard.SetResidency(a.d, pick, name, regions)
		if err != nil {
			a.say("%v", err)
			failures++
			continue
		}
		a.say("Residency %s: %s.", saved.Name, strings.Join(saved.Regions, ", "))
	}
	return nil
}

func (a *accessible) guardrails() error {
	var on []int
	var opts []huh.Option[int]
	for i, t := range wizard.Toggles {
		opts = append(opts, huh.NewOption(t.Label+": "+t.Why, i))
		if *t.Value(a.d) {
			on = append(on, i)
		}
	}
	if err := a.ask(huh.NewMultiSelect[int]().Title(wizard.GuardrailsTitle).Options(opts...).Value(&on)); err != nil {
		return err
	}
	for i, t := range wizard.Toggles {
		*t.Value(a.d) = slices.Contains(on, i)
	}
	c := wizard.LayoutChoice
	a.d.Layout = wizard.LayoutOf(a.d)
	if err := a.ask(choice(c, &a.d.Layout).Title(fmt.Sprintf("%s (now %s). %s", c.Title, a.d.Layout, strings.TrimSuffix(c.Help, ".")))); err != nil {
		return err
	}
	if err := a.adoptedAccounts(); err != nil {
		return err
	}
	if err := a.budgets(); err != nil {
		return err
	}
	return wizard.Check(wizard.Guardrails, a.d)
}

// adoptedAccounts edits accounts[]: existing accounts the design places in
// an OU, and those the organization holds that the design does not name.
func (a *accessible) adoptedAccounts() error {
	var found []orgmodel.Unmanaged
	if a.pre.Organization != nil {
		if tree, err := a.d.Expand(); err == nil {
			if plan, _, err := a.opt.Backend.Plan(a.ctx, tree); err == nil {
				found = wizard.Adoptable(a.d, plan)
			} else {
				a.say("Could not read the organization's accounts: %v", err)
			}
		}
	}
	a.say("%s", wizard.AdoptedLead)
	for failures := 0; failures <= 3; {
		if len(a.d.Accounts) == 0 {
			a.say("Adopted accounts: none.")
		}
		for _, acc := range a.d.Accounts {
			a.say("Adopted account %s (%s) in %s.", acc.Name, acc.ID+acc.Email, acc.OU)
		}
		action := "done"
		opts := []huh.Option[string]{huh.NewOption("done, go on", "done"), huh.NewOption("add an existing account", "add")}
		for _, u := range found {
			opts = append(opts, huh.NewOption(fmt.Sprintf("adopt %s (%s), found in the organization", u.Name, u.ID), "adopt:"+u.ID))
		}
		if len(a.d.Accounts) > 0 {
			opts = append(opts, huh.NewOption("remove one", "remove"))
		}
		if err := a.ask(huh.NewSelect[string]().Title("Adopted accounts: what next?").Options(opts...).Value(&action)); err != nil {
			return err
		}
		name, idOrEmail, ou := "", "", orgmodel.OUTransitional
		switch {
		case action == "done":
			return nil
		case action == "remove":
			var names []string
			for _, acc := range a.d.Accounts {
				names = append(names, acc.Name)
			}
			gone := names[0]
			if err := a.ask(huh.NewSelect[string]().Title("Remove which adopted account?").Options(huh.NewOptions(names...)...).Value(&gone)); err != nil {
				return err
			}
			a.d.Accounts = slices.DeleteFunc(a.d.Accounts, func(acc orgmodel.AdoptedAccount) bool { return acc.Name == gone })
			continue
		case strings.HasPrefix(action, "adopt:"):
			i := slices.IndexFunc(found, func(u orgmodel.Unmanaged) bool { return "adopt:"+u.ID == action })
			name, idOrEmail = wizard.AdoptName(found[i]), found[i].ID
		default:
			if err := a.answer(wizard.AccountForm(&name, &idOrEmail)...); err != nil {
				return err
			}
		}
		c := wizard.OUChoice(a.d)
		if err := a.ask(choice(c, &ou).Title(strings.TrimSpace(name) + ": " + c.Title)); err != nil {
			return err
		}
		acc, err := wizard.SetAccount(a.d, -1, name, idOrEmail, ou)
		if err != nil {
			a.say("%v", err)
			failures++
			continue
		}
		found = wizard.Adoptable(a.d, &orgmodel.Plan{Unmanaged: found})
		a.say("Account %s is placed in %s.", acc.Name, acc.OU)
	}
	return errors.New("too many refused answers for adopted accounts")
}

// budgets edits the design's budgets block, asked as the screen's b asks
// it; the default keeps it as it is.
func (a *accessible) budgets() error {
	a.say("%s. %s", wizard.BudgetsSummary(a.d), wizard.BudgetsLead)
	for failures := 0; failures <= 3; failures++ {
		change := false
		if err := a.ask(yesNo(wizard.BudgetsChangeQuestion, &change)); err != nil || !change {
			return err
		}
		ans := wizard.BudgetsOf(a.d)
		if err := a.answer(wizard.BudgetForm(a.d, &ans)...); err != nil {
			return err
		}
		if err := ans.Apply(a.d); err != nil {
			a.say("%v", err)
			continue
		}
		a.say("%s", wizard.BudgetsSummary(a.d))
		return nil
	}
	return errors.New("too many refused answers for the budgets")
}

func (a *accessible) previewAndApply() error {
	b := a.opt.Backend
	a.heading(wizard.Preview)
	tree, err := a.d.Expand()
	if err != nil {
		return err
	}
	a.say("%d OUs, %d accounts, %d guardrails:", len(tree.OUs), len(tree.Accounts), len(tree.Policies))
	byOU := tree.AccountsByOU()
	for _, o := range tree.OUs {
		var names []string
		for _, acc := range byOU[o.Path] {
			names = append(names, acc.Name+" <"+acc.Email+">")
		}
		if len(names) == 0 {
			a.say("OU %s.", o.Path)
		} else {
			a.say("OU %s: %s.", o.Path, strings.Join(names, ", "))
		}
	}
	a.saySecurity(tree)
	a.sayAccess(tree)
	plan, actual, err := b.Plan(a.ctx, tree)
	if err != nil {
		return err
	}
	// Identity Center is turned on in an organization: with a new one, the
	// gate comes after the apply that creates it.
	gated := actual.Organization == nil
	switch gate := (wizard.IdentityGate{Access: a.d.Access != nil, OrgExists: !gated}); gate.Next() {
	case wizard.GateOrgFirst:
		// The access part waits for Identity Center: the organization is
		// applied without it first.
		if plan, actual, err = b.Plan(a.ctx, gate.PlanTree(tree)); err != nil {
			return err
		}
	case wizard.GateAsk:
		if plan, actual, err = a.afterIdentityCenter(tree, plan, actual); err != nil {
			return err
		}
	}
	for round := 0; ; round++ {
		applied, err := a.confirmAndApply(plan, actual, round)
		if err != nil || !applied {
			return err
		}
		if !gated || a.d.Access == nil || round > 0 {
			break
		}
		before := plan
		if plan, actual, err = a.afterIdentityCenter(tree, plan, actual); err != nil {
			return err
		}
		if plan == before || plan.Empty() {
			break
		}
		a.say("The access part, now that IAM Identity Center is on:")
	}
	return a.done(tree)
}

// afterIdentityCenter asks for Identity Center (identityGate) and, when the
// wait says so (turned on after being off, access skipped, or the
// organization applied in this run), reads the plan again; else the plan is
// the one given.
func (a *accessible) afterIdentityCenter(tree *orgmodel.Tree, plan *orgmodel.Plan, actual *orgmodel.Actual) (*orgmodel.Plan, *orgmodel.Actual, error) {
	replan, err := a.identityGate(actual.Organization == nil)
	if err != nil || !replan {
		return plan, actual, err
	}
	gate := wizard.IdentityGate{Access: a.d.Access != nil, Skipped: a.skipAccess, On: a.identity != nil && a.identity.Enabled, OrgExists: true}
	return a.opt.Backend.Plan(a.ctx, gate.PlanTree(tree))
}

// confirmAndApply says the plan, asks for the confirmation and applies it;
// applied is false when it stopped (refused, blocked or interrupted: the
// result says which); an empty plan is said and counts as applied. round 1
// is the access part, applied once Identity Center is on in a new
// organization.
func (a *accessible) confirmAndApply(plan *orgmodel.Plan, actual *orgmodel.Actual, round int) (applied bool, err error) {
	b := a.opt.Backend
	for _, w := range plan.Warnings {
		a.say("Warning: %s", w)
	}
	if plan.Empty() {
		a.say("Nothing to do: the organization already matches the design.")
		return true, nil
	}
	a.say("Plan, %d changes:", len(plan.Steps))
	for i, s := range plan.Steps {
		a.say("%d. %s", i+1, s)
	}
	if q := quotaFromPlan(a.pre, plan, actual); q.over() {
		// Apply would stop before creating anything: say so, and the way out.
		rerun := wizard.RerunCommand(a.opt.DesignPath, append([]string{"--accessible"}, a.target.Args...))
		then := "Then run " + rerun + " again"
		if a.target.Sandbox {
			then = strings.TrimSuffix(sandboxQuotaWayOut(q.Need, a.target.Args, rerun), ".")
		}
		a.say("Apply is blocked: the design needs %s (%s). %s %s; or remove workloads, environments or residencies from %s.",
			q.text(), q.Source, quotaWayOut(q.Need), then, a.opt.DesignPath)
		a.res.Err = &apply.QuotaError{Needed: q.Need, Limit: q.Quota, Source: q.Source}
		return false, nil
	} else if q.known() {
		a.say("The design needs %s.", q.text())
	}
	a.save(wizard.Confirm)

	a.heading(wizard.Confirm)
	accounts, guardrails := wizard.ConfirmChanges(plan)
	said := []string{accounts, guardrails}
	for _, part := range []string{wizard.ConfirmBaseline(plan), wizard.ConfirmAccess(plan), wizard.ConfirmSafety} {
		if part != "" {
			said = append(said, part)
		}
	}
	a.say("%s", strings.Join(said, " "))
	if a.target.Sandbox {
		ok := true
		if err := a.ask(huh.NewConfirm().Title(fmt.Sprintf("Apply %d changes to the sandbox?", len(plan.Steps))).Value(&ok)); err != nil {
			return false, err
		}
		if !ok {
			a.res.Message = "Nothing was changed."
			return false, nil
		}
	} else {
		var typed string
		if err := a.answer(wizard.Ask(wizard.ApplyQuestion(a.target.AccountID), &typed)); err != nil {
			return false, err
		}
	}

	a.heading(wizard.Apply)
	a.save(wizard.Apply)
	if n := plan.Count(orgmodel.StepAwaitAccount); n > 0 {
		a.say("%s", ResumedText(n))
	}
	now := a.opt.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	// The plan named the log bucket before log-archive and the
	// organization had ids; the events of its steps carry the name.
	bucket := ""
	err = b.Apply(a.ctx, plan, actual, func(e apply.Event) {
		bucket = cmpOr(e.Bucket, bucket)
		a.say("%s", orgmodel.WithLogBucket(eventLine(e), bucket))
	})
	switch {
	case errors.Is(err, context.Canceled):
		a.res.Interrupted = true
		a.res.Message = "Stopped safely. Nothing is lost; run " + wizard.RerunCommand(a.opt.DesignPath, a.target.Args) + " to finish."
		return false, nil
	case err != nil:
		a.res.Err = err
		return false, nil
	}
	a.say("Applied %d changes in %s.", len(plan.Steps), shortDuration(now().Sub(start)))
	return true, nil
}

func (a *accessible) done(tree *orgmodel.Tree) error {
	a.heading(wizard.Done)
	a.save(wizard.Done)
	v, err := a.opt.Backend.Verify(a.ctx)
	if err != nil {
		return err
	}
	checks := wizard.Checklist(tree, v)
	a.say("%d of %d checks verified:", wizard.Passed(checks), len(checks))
	for _, c := range checks {
		a.say("%s: %s, %s.", c.Status, c.Title, c.Detail)
	}
	ids := map[string]string{}
	for _, acc := range v.Actual.Accounts {
		ids[acc.Name] = acc.ID
	}
	for _, acc := range tree.Accounts {
		a.say("Account %s, id %s, email %s.", acc.Name, cmpOr(ids[acc.Name], "not created"), acc.Email)
	}
	if v.Inventory.State() == wizard.Dirty {
		a.say("Way out (b): write the runbook that moves each resource to a member account with: %s, then follow it with: %s", wizard.RunbookCommand(a.opt.DesignPath, a.target.Args), wizard.RunbookProgressCommand(wizard.RunbookFile, a.opt.DesignPath, a.target.Args))
	}
	if a.d.Access != nil {
		if ic, err := a.opt.Backend.IdentityCenter(a.ctx, a.d.Organization.HomeRegion); err == nil {
			a.identity = &ic
		}
	}
	a.say("How to get in:")
	for _, l := range wizard.HowToGetIn(getIn(a.d, a.opt.DesignPath, a.target, a.identity, a.skipAccess, tree, v.Actual)) {
		a.say("%s", l)
	}
	for _, n := range wizard.NextSteps(a.target.Sandbox, a.opt.DesignPath, a.target.Args) {
		a.say("Next: %s", n)
	}
	a.res.Converged = orgmodel.MakePlan(tree, v.Actual).Empty()
	return a.offerCosts(tree)
}

// offerCosts asks whether to read this month's costs, and says them: the
// costs screen's facts, and its groups as orgwizard costs prints them.
func (a *accessible) offerCosts(tree *orgmodel.Tree) error {
	show := false
	if err := a.ask(huh.NewConfirm().Title("Show what the organization costs this month? Cost Explorer charges $0.01 a request; a view makes a few, and is kept 4 hours.").Value(&show)); err != nil {
		return err
	}
	if !show {
		return nil
	}
	r, err := a.opt.Backend.Costs(a.ctx, false)
	if err != nil {
		a.say("Could not read the costs: %v", err)
		return nil
	}
	in := r.Input
	in.Tree = tree
	v := costview.Compute(in, costview.ByWorkload)
	a.say("Costs per workload, %s to %s:", v.From, v.Through)
	for _, g := range v.Groups {
		a.say("%s: %s month to date, %d accounts.", g.Name, costview.Money(g.MonthToDate, v.Currency), len(g.Accounts))
	}
	for _, by := range []string{costview.ByEnvironment, costview.ByResidency} {
		var parts []string
		for _, g := range costview.Compute(in, by).Groups {
			parts = append(parts, g.Name+" "+costview.Money(g.MonthToDate, v.Currency))
		}
		a.say("Per %s: %s.", by, strings.Join(parts, ", "))
	}
	a.sayFacts(costsFacts(v, r).all()...)
	return nil
}

// preflight checks the account and takes its inventory; a dirty account is
// offered the ways out, and way (a) runs here, after which the checks start
// again on the new management account.
func (a *accessible) preflight() error {
	b := a.opt.Backend
	a.heading(wizard.Preflight)
	var err error
	if a.pre, err = b.Preflight(a.ctx); err != nil {
		return err
	}
	a.sayFacts(preflightFacts(a.pre, a.d, nil)...)
	if a.pre.Organization != nil && !a.pre.Management() {
		return errors.New("not the management account; sign in to its management account and start again")
	}
	a.say("Taking the inventory of account %s ...", a.pre.AccountID)
	res, err := b.Inventory(a.ctx, nil)
	if err != nil {
		return err
	}
	a.inv = InventoryOf(res)
	a.sayFacts(inventoryFact(a.inv))
	if hint := wizard.ProposeHomeRegion(a.d, a.inv, a.opt.Design == nil && !a.basicsDone); hint != "" {
		a.say("Home region %s", strings.ToLower(hint[:1])+hint[1:]) // "Home region proposed: eu-west-1, where ..."
	}
	if !wizard.NeedsWayOut(a.inv) {
		if a.pre.Organization != nil {
			// An organization that exists has a bill to show already.
			return a.offerCosts(a.tree())
		}
		return nil
	}
	a.say("%s", migrate.TradeOff())
	a.say("(c) %s: %s", wizard.ContinueTitle, wizard.ContinueDescription)
	way, c := wizard.WayContinue, wayOutChoice()
	if err := a.ask(choice(c, &way).Title(c.Title)); err != nil {
		return err
	}
	a.way = way
	switch way {
	case wizard.WayRunbook:
		a.say("After the apply you choose where each resource goes, and the wizard writes %s.", wizard.RunbookFile)
		return nil
	case wizard.WayContinue:
		return nil
	}
	choices := b.NewManagementChoices()
	choice := 0
	if len(choices) == 0 || !choices[0].Sandbox {
		a.say("%s", migrate.ManualStep(a.d.Organization.Email))
		if len(choices) == 0 {
			return errors.New("no AWS profile for the new management account; create one and run orgwizard again")
		}
		if err := a.ask(indexed(wizard.ProfileChoice, labels(choices), &choice)); err != nil {
			return err
		}
	}
	nm, err := b.PrepareNewManagement(a.ctx, choices[choice])
	var blocked *migrate.BlockedError
	if errors.As(err, &blocked) {
		a.say("Way (a) cannot start: %s.", blocked.Reason)
		for i, s := range blocked.Steps {
			a.say("%d. %s", i+1, s)
		}
		return errors.New("way (a) is blocked; do the steps above and run orgwizard again")
	} else if err != nil {
		return err
	}
	a.say("Way (a): make account %s the management account, and invite account %s (%s) into its organization, in OU %s.", nm.NewAccount, nm.OldAccount, nm.OldName, migrate.TransitionalOU)
	typed := ""
	if err := a.answer(wizard.Ask(wizard.MigrationQuestion(nm.Sandbox, nm.NewAccount), &typed)); err != nil {
		return err
	}
	info, err := b.RunNewManagement(a.ctx, func(e migrate.Event) { a.say("done: %s, %s", e.Step, e.Done) })
	if err != nil {
		return fmt.Errorf("way (a) stopped: %w; every step is safe to run again", err)
	}
	a.target = info
	migrate.RecordInDesign(a.d, nm.OldName, nm.OldAccount)
	resume := wizard.Basics
	if a.opt.Design != nil {
		resume = max(wizard.Resume(a.d, a.opt.Reached), wizard.Basics)
	}
	a.save(resume)
	a.say("Account %s is the management account now; %s is a member in %s, recorded in %s.", nm.NewAccount, nm.OldAccount, migrate.TransitionalOU, a.opt.DesignPath)
	a.way = ""
	return a.preflight()
}

// tree is the design's tree when it is whole, for grouping costs; nil
// groups every account as "other".
func (a *accessible) tree() *orgmodel.Tree {
	t, err := a.d.Expand()
	if err != nil {
		return nil
	}
	return t
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// access is the step "Who works where": the groups said one by one, then
// what next (add, edit, remove a group, turn access off or on), asked with
// the screen's questions and checks. A design that has not been this far
// gets the proposal first.
func (a *accessible) access() error {
	if a.d.Access == nil && (a.opt.Design == nil || a.opt.Reached < wizard.Access) {
		if err := wizard.SetAccess(a.d, wizard.ProposeAccess(a.d)); err != nil {
			return err
		}
		a.say("Proposed from your workloads: %s.", strings.TrimSuffix(strings.TrimPrefix(wizard.AccessSummary(a.d), "Access: "), "."))
	}
	for failures := 0; failures <= 3; {
		if a.d.Access == nil {
			a.say("%s", wizard.AccessOffText)
		} else {
			for _, g := range a.d.Access.Groups {
				members := "no member"
				if len(g.Members) > 0 {
					members = "members " + strings.Join(g.Members, ", ")
				}
				a.say("Group %s, %s: %s.", g.Name, members, wizard.FormatGrants(g.Grants))
			}
		}
		action := "done"
		opts := []huh.Option[string]{huh.NewOption("done, go on", "done")}
		if a.d.Access == nil {
			opts = append(opts, huh.NewOption("turn access on, with the proposed groups", "on"))
		} else {
			opts = append(opts, huh.NewOption("add a group", "add"))
			for i, g := range a.d.Access.Groups {
				opts = append(opts, huh.NewOption("change group "+g.Name, fmt.Sprint("edit:", i)))
			}
			if len(a.d.Access.Groups) > 0 {
				opts = append(opts, huh.NewOption("remove a group", "remove"))
			}
			opts = append(opts, huh.NewOption("turn access off", "off"))
		}
		if err := a.ask(huh.NewSelect[string]().Title(wizard.Access.Info().Title + ": what next?").Options(opts...).Value(&action)); err != nil {
			return err
		}
		switch {
		case action == "done":
			if err := wizard.Check(wizard.Access, a.d); err != nil {
				a.say("%v", err)
				failures++
				continue
			}
			return nil
		case action == "on":
			if err := wizard.SetAccess(a.d, wizard.ProposeAccess(a.d)); err != nil {
				return err
			}
		case action == "off":
			if err := wizard.SetAccess(a.d, nil); err != nil {
				return err
			}
		case action == "remove":
			var names []string
			for _, g := range a.d.Access.Groups {
				names = append(names, g.Name)
			}
			gone := names[0]
			if err := a.ask(huh.NewSelect[string]().Title("Remove which group?").Options(huh.NewOptions(names...)...).Value(&gone)); err != nil {
				return err
			}
			if err := wizard.RemoveGroup(a.d, slices.Index(names, gone)); err != nil {
				return err
			}
		default:
			i := -1
			ans := wizard.GroupAnswers{}
			if n, ok := strings.CutPrefix(action, "edit:"); ok {
				fmt.Sscan(n, &i)
				ans = wizard.GroupOf(a.d.Access.Groups[i])
			}
			if err := a.answer(wizard.GroupForm(a.d, i, &ans)...); err != nil {
				return err
			}
			g, err := wizard.PutGroup(a.d, i, ans)
			if err != nil {
				a.say("%v", err)
				failures++
				continue
			}
			a.say("Group %s saved: %s.", g.Name, wizard.FormatGrants(g.Grants))
		}
	}
	return errors.New("too many refused answers for the groups")
}

// baseline is the step "Security baseline": each item said with what it
// protects, what it costs and its default, then what next (turn an item on
// or off, the retention, a contact, the whole baseline), asked with the
// screen's questions and checks. A design that has not been this far, and
// has the Security OU, gets the proposal first.
func (a *accessible) baseline() error {
	if a.d.Baseline == nil && (a.opt.Design == nil || a.opt.Reached < wizard.Baseline) && wizard.BaselineBlocked(a.d) == nil {
		if err := wizard.SetBaseline(a.d, wizard.ProposeBaseline()); err != nil {
			return err
		}
		a.say("%s", wizard.BaselineProposed)
	}
	for _, it := range wizard.BaselineItems {
		a.say("%s, default %s. Protects: %s Costs: %s", it.Label, it.Default(), it.Protects, it.Costs)
	}
	a.say("%s, default %d days. Protects: %s Costs: %s", wizard.RetentionItem.Label, orgmodel.DefaultLogRetentionDays, wizard.RetentionItem.Protects, wizard.RetentionItem.Costs)
	a.say("Alternate contacts, default none. Protects: %s Costs: %s", wizard.ContactsItem.Protects, wizard.ContactsItem.Costs)
	for failures := 0; failures <= 3; {
		if a.d.Baseline == nil {
			if err := wizard.BaselineBlocked(a.d); err != nil {
				a.sayFacts(fact{factWarn, "The baseline cannot be turned on: " + err.Error(), ""})
			} else {
				a.say("%s", wizard.BaselineOffText)
			}
		} else {
			a.say("%s", wizard.BaselineSummary(a.d))
		}
		for _, k := range wizard.ContactKinds {
			a.say("%s: %s.", k.Label, wizard.ContactLine(a.d, k.Key))
		}
		action := "done"
		opts := []huh.Option[string]{huh.NewOption("done, go on", "done")}
		if a.d.Baseline == nil && wizard.BaselineBlocked(a.d) == nil {
			opts = append(opts, huh.NewOption("turn the baseline on, with the defaults", "on"))
		}
		if a.d.Baseline != nil || wizard.BaselineBlocked(a.d) == nil {
			for i, it := range wizard.BaselineItems {
				on := a.d.Baseline != nil && *it.Value(a.d.Baseline)
				opts = append(opts, huh.NewOption("turn "+it.Label+" "+wizard.OnOff(!on), fmt.Sprint("item:", i)))
			}
		}
		if a.d.Baseline != nil && a.d.Baseline.OrganizationTrail {
			opts = append(opts, huh.NewOption("change the log retention", "retention"))
		}
		for i, k := range wizard.ContactKinds {
			opts = append(opts, huh.NewOption("set the "+strings.ToLower(k.Label), fmt.Sprint("contact:", i)))
			if wizard.ContactOf(a.d, k.Key).Email != "" {
				opts = append(opts, huh.NewOption("remove the "+strings.ToLower(k.Label), fmt.Sprint("remove:", i)))
			}
		}
		if a.d.Baseline != nil {
			opts = append(opts, huh.NewOption("turn the baseline off", "off"))
		}
		if err := a.ask(huh.NewSelect[string]().Title(wizard.Baseline.Info().Title + ": what next?").Options(opts...).Value(&action)); err != nil {
			return err
		}
		var err error
		switch {
		case action == "done":
			if err = wizard.Check(wizard.Baseline, a.d); err == nil {
				return nil
			}
		case action == "on":
			err = wizard.SetBaseline(a.d, wizard.ProposeBaseline())
		case action == "off":
			err = wizard.SetBaseline(a.d, nil)
		case action == "retention":
			days := strconv.Itoa(a.d.Baseline.LogRetentionDays)
			if err := a.answer(wizard.Ask(wizard.RetentionQuestion, &days)); err != nil {
				return err
			}
			err = wizard.SetRetention(a.d, days)
		default:
			kind, n, _ := strings.Cut(action, ":")
			i, _ := strconv.Atoi(n)
			switch kind {
			case "item":
				_, err = wizard.ToggleItem(a.d, i)
			case "remove":
				err = wizard.RemoveContact(a.d, wizard.ContactKinds[i].Key)
			default:
				k := wizard.ContactKinds[i]
				ans := wizard.ContactOf(a.d, k.Key)
				if err := a.answer(wizard.ContactForm(k, &ans)...); err != nil {
					return err
				}
				if err = wizard.PutContact(a.d, k.Key, ans); err == nil {
					a.say("%s saved: %s.", k.Label, wizard.ContactLine(a.d, k.Key))
				}
			}
		}
		if err != nil {
			a.say("%v", err)
			failures++
		}
	}
	return errors.New("too many refused answers for the security baseline")
}

// saySecurity says the preview's Security tab: what the baseline creates,
// and where.
func (a *accessible) saySecurity(tree *orgmodel.Tree) {
	a.say("Security:")
	for _, l := range wizard.SecurityLines(tree) {
		a.say("%s", l)
	}
}

// sayAccess says the preview's Access tab: each account and who may get
// in with which permission set.
func (a *accessible) sayAccess(tree *orgmodel.Tree) {
	m := wizard.MatrixOf(a.d, tree)
	if m == nil {
		a.say("%s", wizard.AccessOffText)
		return
	}
	a.say("Access, %d groups, %d of %d accounts reachable:", len(m.Groups), m.Reachable(), len(m.Accounts))
	for i, acc := range m.Accounts {
		a.say("Account %s: %s.", acc, m.Row(i))
	}
}

// maxIdentityChecks bounds how often accessible mode asks again.
const maxIdentityChecks = 50

// identityGate runs the wizard's wait for IAM Identity Center
// (wizard.IdentityWait, which the full screen runs too) before the
// confirmation when the design has access: while it is off, it says what to
// click and where, and asks whether to check again, to have the sandbox do
// the click, or to skip access this time. applied: the organization was
// applied in this run. replan reports that the plan must be read again.
func (a *accessible) identityGate(applied bool) (replan bool, err error) {
	if a.d.Access == nil {
		return false, nil
	}
	b, region := a.opt.Backend, a.d.Organization.HomeRegion
	answer := func(ic IdentityCenter, err error) (bool, error) {
		if err == nil {
			a.identity = &ic
		}
		return ic.Enabled, err
	}
	w := wizard.IdentityWait{Sandbox: a.target.Sandbox, MaxChecks: maxIdentityChecks, Applied: applied}
	err = w.Run(wizard.IdentityWaitIO{
		Read:   func() (bool, error) { return answer(b.IdentityCenter(a.ctx, region)) },
		Enable: func() (bool, error) { return answer(b.EnableIdentityCenter(a.ctx, region)) },
		Ask: func(w *wizard.IdentityWait) (wizard.WaitChoice, error) {
			switch {
			case w.Err() != nil && w.Enabling():
				a.say("Could not enable it: %v", w.Err())
			case w.Err() != nil:
				a.say("Could not read IAM Identity Center: %v", w.Err())
			}
			if w.Off() {
				a.say("%s", wizard.IdentityCenterOffLead(len(a.d.Access.Groups)))
				for i, step := range wizard.IdentityCenterSteps(region, a.target.AccountID, false) {
					a.say("%d. %s", i+1, step)
				}
			}
			choice := wizard.CheckAgain
			opts := []huh.Option[wizard.WaitChoice]{huh.NewOption("check again (I have clicked Enable)", wizard.CheckAgain)}
			if w.CanEnable() {
				opts = append(opts, huh.NewOption("enable it now: "+wizard.IdentityCenterSandboxText, wizard.EnableOnSandbox))
			}
			opts = append(opts, huh.NewOption("skip access this time. "+wizard.IdentityCenterSkipText(applied), wizard.SkipAccess))
			err := a.ask(huh.NewSelect[wizard.WaitChoice]().Title("IAM Identity Center: what next?").Options(opts...).Value(&choice))
			return choice, err
		},
	})
	switch {
	case err != nil:
		return false, err
	case w.Skipped():
		a.skipAccess = true
		a.say("Access skipped this time: Identity Center is left alone.")
	default:
		a.say("IAM Identity Center is on in %s; access portal %s.", a.identity.Region, a.identity.PortalURL)
	}
	return w.Replan(), nil
}

// eventLine is one apply event as accessible mode says it.
func eventLine(e apply.Event) string {
	line := fmt.Sprintf("%s: %s", e.Kind, e.Step)
	if e.Message != "" {
		line += ", " + e.Message
	}
	if e.Kind == apply.Succeeded || e.Kind == apply.Failed {
		line += fmt.Sprintf(". %d of %d done, %s.", e.Done, e.Total, inFlightText(e.InFlight))
	}
	return line
}
