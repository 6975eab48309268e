package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/wizard"
)

// preflightScreen shows who we are and what runs in the account before
// designing. When the account runs workloads it offers the ways out, and
// carries way (a) out here: a new management account, after which the
// checks start again on it.
type preflightScreen struct {
	st    *state
	phase preflightPhase
	err   error
	w, h  int

	// the inventory's progress, streamed from the sweep
	sweep    chan tea.Msg
	sweepEnd chan tea.Msg
	progress inventory.Progress
	bar      progress.Model

	// the ways out
	ways    *embeddedForm
	waySel  *huh.Select[wizard.Way]
	way     wizard.Way
	pick    *embeddedForm
	pickIdx int
	choices []TargetChoice

	// way (a)
	nm      NewManagement
	chosen  TargetChoice
	blocked *migrate.BlockedError
	confirm *embeddedForm
	answer  string
	events  chan tea.Msg
	cancel  context.CancelFunc
	done    []string // per migration step, what happened
	current int
}

type preflightPhase int

const (
	phChecking  preflightPhase = iota // who we are, the organization, the quota
	phSweeping                        // the inventory
	phSummary                         // what was found
	phWays                            // the ways out, when the account is dirty
	phPick                            // way (a) on AWS: which profile is the new account
	phPreparing                       // opening the new account, migrate's preflight
	phBlocked                         // the migration cannot start (BlockedError or a failure)
	phConfirm                         // way (a) confirmed before anything changes
	phMigrating                       // way (a) running
	phMigrated                        // way (a) done
	phFailed                          // way (a) stopped half-way; safe to run again
)

type (
	preflightMsg struct {
		pre Preflight
		err error
	}
	sweepProgressMsg inventory.Progress
	sweepDoneMsg     struct {
		res *inventory.Result
		err error
	}
	preparedMsg struct {
		nm  NewManagement
		err error
	}
	migrateEventMsg migrate.Event
	migrateDoneMsg  struct {
		info TargetInfo
		err  error
	}
)

func newPreflightScreen(st *state) *preflightScreen {
	return &preflightScreen{st: st, bar: progress.New(progress.WithDefaultBlend())}
}

func (s *preflightScreen) Init() tea.Cmd {
	s.phase, s.err = phChecking, nil
	b, ctx := s.st.backend, s.st.ctx
	return func() tea.Msg {
		p, err := b.Preflight(ctx)
		return preflightMsg{p, err}
	}
}

// startSweep runs the inventory in a goroutine and streams its progress
// through a channel that a re-armed command waits on. A progress message
// that finds the channel full is dropped: the next one says more.
func (s *preflightScreen) startSweep() tea.Cmd {
	s.phase = phSweeping
	s.progress = inventory.Progress{}
	s.sweep, s.sweepEnd = make(chan tea.Msg, 64), make(chan tea.Msg, 1)
	b, ctx, sweep, end := s.st.backend, s.st.ctx, s.sweep, s.sweepEnd
	go func() {
		res, err := b.Inventory(ctx, func(p inventory.Progress) {
			select {
			case sweep <- sweepProgressMsg(p):
			default:
			}
		})
		end <- sweepDoneMsg{res, err}
	}()
	return s.waitSweep()
}

func (s *preflightScreen) waitSweep() tea.Cmd {
	sweep, end := s.sweep, s.sweepEnd
	return func() tea.Msg {
		select {
		case m := <-sweep:
			return m
		case m := <-end:
			return m
		}
	}
}

func (s *preflightScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case preflightMsg:
		s.err = msg.err
		s.st.pre = msg.pre
		if msg.err != nil {
			s.phase = phSummary
			return nil
		}
		return s.startSweep()
	case sweepProgressMsg:
		if s.phase != phSweeping {
			return nil
		}
		s.progress = inventory.Progress(msg)
		return s.waitSweep()
	case sweepDoneMsg:
		s.phase = phSummary
		if msg.err != nil {
			s.err = fmt.Errorf("the inventory stopped: %w", msg.err)
			return nil
		}
		s.st.inventory = msg.res
		s.st.inv = InventoryOf(msg.res)
		if hint := wizard.ProposeHomeRegion(s.st.design, s.st.inv, s.st.fresh); hint != "" {
			s.st.homeHint = hint
		}
		return nil
	case preparedMsg:
		if s.phase != phPreparing {
			return nil
		}
		s.nm = msg.nm
		if msg.err != nil {
			s.phase, s.err = phBlocked, msg.err
			s.blocked = nil
			errors.As(msg.err, &s.blocked)
			return nil
		}
		return s.startConfirm()
	case migrateEventMsg:
		if i := wizard.MigrationStepIndex(msg.Step); i >= 0 {
			s.done[i] = msg.Done
			s.current = i + 1
		}
		return s.waitMigration()
	case migrateDoneMsg:
		s.cancel()
		if msg.err != nil {
			s.phase, s.err = phFailed, msg.err
			return nil
		}
		s.phase = phMigrated
		s.st.target = msg.info
		s.st.way = ""
		// The old account stays in the organization, in Transitional: the
		// design says so, or the next plan would not know it.
		migrate.RecordInDesign(s.st.design, s.nm.OldName, s.nm.OldAccount)
		return func() tea.Msg { return saveDesignMsg{} }
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && s.HandlesBack() && key.Matches(k, s.st.keys.Back) {
		return s.back()
	}
	switch s.phase {
	case phWays:
		return s.updateWays(msg)
	case phPick:
		cmd, done := s.pick.Update(msg)
		if done {
			return s.prepare(s.choices[s.pickIdx])
		}
		return cmd
	case phConfirm:
		cmd, done := s.confirm.Update(msg)
		if done {
			return s.run()
		}
		return cmd
	}
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		return s.key(msg)
	}
	return nil
}

func (s *preflightScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	keys := s.st.keys
	switch s.phase {
	case phSummary:
		switch {
		case key.Matches(msg, keys.Retry) && s.err != nil:
			return s.Init()
		case key.Matches(msg, costsKey) && s.offersCosts():
			return openCosts
		case key.Matches(msg, keys.Enter) && s.err == nil && s.st.pre.Management():
			if wizard.NeedsWayOut(s.st.inv) {
				return s.startWays()
			}
			// At once: keys typed after enter belong to the next step.
			s.st.goNow(s.st.resume)
			return nil
		}
	case phBlocked:
		if key.Matches(msg, keys.Retry) {
			return s.prepare(s.chosen)
		}
	case phMigrating:
		if key.Matches(msg, keys.Stop) {
			s.cancel()
		}
	case phFailed:
		if key.Matches(msg, keys.Retry) {
			return s.run()
		}
	case phMigrated:
		if key.Matches(msg, keys.Enter) {
			// The checks start again, on the new management account.
			return s.Init()
		}
	}
	return nil
}

// HandlesBack: esc steps back inside the ways out rather than to the
// target, and does nothing while way (a) is being prepared, runs or has
// just changed the target.
func (s *preflightScreen) HandlesBack() bool {
	switch s.phase {
	case phWays, phPick, phBlocked, phConfirm, phFailed, phPreparing, phMigrating, phMigrated:
		return true
	}
	return false
}

// Waiting is true while the checks, the inventory or the preparation of way
// (a) run: no key means anything until they are done, so the root holds
// them for what comes next.
func (s *preflightScreen) Waiting() bool {
	switch s.phase {
	case phChecking, phSweeping, phPreparing:
		return true
	}
	return false
}

// Busy is true while way (a) runs: ctrl+c stops it between two steps, each
// safe to run again.
func (s *preflightScreen) Busy() bool { return s.phase == phMigrating }

func (s *preflightScreen) back() tea.Cmd {
	switch s.phase {
	case phWays:
		s.phase = phSummary
		return nil
	case phPick, phBlocked, phConfirm, phFailed:
		return s.startWays()
	}
	return nil
}

func (s *preflightScreen) startWays() tea.Cmd {
	s.phase, s.err = phWays, nil
	s.waySel = choice(wayOutChoice(), &s.way)
	s.ways = newEmbeddedForm(huh.NewGroup(s.waySel))
	s.ways.SetSize(s.w, 7)
	return s.ways.Init()
}

func (s *preflightScreen) updateWays(msg tea.Msg) tea.Cmd {
	cmd, done := s.ways.Update(msg)
	if !done {
		return cmd
	}
	s.st.way = s.way
	if s.way != wizard.WayNewManagement {
		return goTo(wizard.AfterWayOut(s.way, s.st.resume))
	}
	s.choices = s.st.backend.NewManagementChoices()
	if len(s.choices) == 1 && s.choices[0].Sandbox {
		return s.prepare(s.choices[0])
	}
	return s.startPick()
}

// startPick asks, on AWS, which profile is the new account, after saying
// how to open one: only a person can.
func (s *preflightScreen) startPick() tea.Cmd {
	s.phase = phPick
	if len(s.choices) == 0 {
		s.pick = newEmbeddedForm(huh.NewGroup(huh.NewNote().Title("No AWS profile found for the new account")))
		return nil
	}
	s.pick = newEmbeddedForm(huh.NewGroup(indexed(wizard.ProfileChoice, labels(s.choices), &s.pickIdx)))
	s.pick.SetSize(s.w, max(s.h-12, 4))
	return s.pick.Init()
}

func (s *preflightScreen) prepare(c TargetChoice) tea.Cmd {
	s.phase, s.err, s.blocked, s.chosen = phPreparing, nil, nil, c
	b, ctx := s.st.backend, s.st.ctx
	return func() tea.Msg {
		nm, err := b.PrepareNewManagement(ctx, c)
		return preparedMsg{nm, err}
	}
}

func (s *preflightScreen) startConfirm() tea.Cmd {
	s.phase, s.answer = phConfirm, ""
	s.confirm = newEmbeddedForm(huh.NewGroup(field(wizard.MigrationQuestion(s.nm.Sandbox, s.nm.NewAccount), &s.answer)))
	s.confirm.SetSize(s.w, 4)
	return s.confirm.Init()
}

// run carries way (a) out in a goroutine; each finished step comes back as a
// message and becomes a permanent line.
func (s *preflightScreen) run() tea.Cmd {
	s.phase, s.err = phMigrating, nil
	s.done, s.current = make([]string, len(wizard.MigrationSteps)), 0
	ctx, cancel := context.WithCancel(s.st.ctx)
	s.cancel = cancel
	s.events = make(chan tea.Msg, len(wizard.MigrationSteps)+1)
	b, events := s.st.backend, s.events
	go func() {
		info, err := b.RunNewManagement(ctx, func(e migrate.Event) { events <- migrateEventMsg(e) })
		events <- migrateDoneMsg{info, err}
	}()
	return s.waitMigration()
}

func (s *preflightScreen) waitMigration() tea.Cmd {
	events := s.events
	return func() tea.Msg { return <-events }
}

func (s *preflightScreen) View() string {
	st := s.st.styles
	switch s.phase {
	case phChecking:
		return "\n" + st.Active.Render("Checking the account …")
	case phWays:
		return s.waysView()
	case phPick:
		return s.pickView()
	case phPreparing:
		return "\n" + st.Active.Render("Opening the new account and checking that both accounts can take part …")
	case phBlocked:
		return s.blockedView()
	case phConfirm, phMigrating, phMigrated, phFailed:
		return s.migrationView()
	}
	if s.err != nil && s.st.pre.AccountID == "" {
		return "\n" + st.Error.Render(strings.Join(wrap("✗ "+s.err.Error(), s.w), "\n")) + "\n\nPress r to try again, or esc to choose another target."
	}
	return s.summaryView()
}

func (s *preflightScreen) summaryView() string {
	st := s.st.styles
	p := s.st.pre
	lines := st.facts(s.w, preflightFacts(p, s.st.design, &s.st.expansion)...)
	if s.phase == phSweeping {
		pr := s.progress
		pct := 0.0
		if pr.Total > 0 {
			pct = float64(pr.Done) / float64(pr.Total)
		}
		s.bar.SetWidth(max(min(s.w-2, 60), 10))
		where := ""
		if pr.Region != "" {
			where = " · " + pr.Region + " " + pr.Service
		}
		lines = append(lines, st.Active.Render(fmt.Sprintf("… Inventory: %d/%d listings%s", pr.Done, pr.Total, where)), "  "+s.bar.ViewAs(pct))
		return strings.Join(lines, "\n")
	}
	if s.err != nil {
		lines = append(lines, st.facts(s.w, fact{factBad, s.err.Error() + " Press r to try again.", ""})...)
		return strings.Join(lines, "\n")
	}
	lines = append(lines, st.facts(s.w, inventoryFact(s.st.inv))...)
	if s.st.resume > wizard.Basics {
		lines = append(lines, "", st.Muted.Render(resumeFact(s.st.path, s.st.resume).text))
	}
	if p.Management() {
		if wizard.NeedsWayOut(s.st.inv) {
			lines = append(lines, "", "Press enter to choose a way out.")
		} else {
			lines = append(lines, "", "Press enter to design the organization.")
		}
	}
	return strings.Join(lines, "\n")
}

// waysView is the choice, with the hovered way's trade-off under it.
func (s *preflightScreen) waysView() string {
	st := s.st.styles
	out := []string{s.ways.View(), ""}
	hovered, _ := s.waySel.Hovered()
	for _, w := range migrate.WaysOut {
		if wizard.Way(w.Name) != hovered {
			continue
		}
		out = append(out, wrapMark(st.OK.Render("+"), w.Gives, s.w)...)
		out = append(out, wrapMark(st.Fail.Render("-"), w.Costs, s.w)...)
		if w.Name == string(wizard.WayRunbook) {
			out = append(out, wrapMark(st.Muted.Render("→"), "After the preview and the apply, you choose each resource's member account and the wizard writes "+wizard.RunbookFile+".", s.w)...)
		} else {
			out = append(out, wrapMark(st.Muted.Render("→"), "The wizard does it now, step by step, then goes on with the new account.", s.w)...)
		}
	}
	if hovered == wizard.WayContinue {
		out = append(out, wrapMark(st.Warn.Render("!"), wizard.ContinueDescription, s.w)...)
	}
	return strings.Join(out, "\n")
}

func (s *preflightScreen) pickView() string {
	st := s.st.styles
	var out []string
	email := s.st.design.Organization.Email
	for _, l := range strings.Split(migrate.ManualStep(email), "\n") {
		out = append(out, st.Muted.Render(clip(l, s.w)))
	}
	out = append(out, "")
	if len(s.choices) == 0 {
		out = append(out, wrapMark(st.Warn.Render("!"), "No AWS profile is configured on this machine. Create one for the new account (step 3), then run orgwizard again.", s.w)...)
		return strings.Join(out, "\n")
	}
	out = append(out, s.pick.View())
	return strings.Join(out, "\n")
}

func (s *preflightScreen) blockedView() string {
	st := s.st.styles
	var out []string
	if s.blocked != nil {
		out = append(out, wrapMark(st.Fail.Render("✗"), "Way (a) cannot start: "+s.blocked.Reason+".", s.w)...)
		out = append(out, "", st.Bold.Render("What must happen first"))
		for i, step := range s.blocked.Steps {
			out = append(out, wrapMark(fmt.Sprintf("%d.", i+1), step, s.w)...)
		}
	} else {
		out = append(out, wrapMark(st.Fail.Render("✗"), s.err.Error(), s.w)...)
	}
	out = append(out, "", "Press r to check again, or esc to choose another way.")
	return strings.Join(out, "\n")
}

// migrationView is way (a): what it does, then one line per step.
func (s *preflightScreen) migrationView() string {
	st := s.st.styles
	nm := s.nm
	var out []string
	switch s.phase {
	case phConfirm:
		out = append(out, wrapMark(st.Active.Render("▸"), fmt.Sprintf("Way (a): make account %s the management account, and invite account %s (%s) into its organization, in OU %s. Nothing that runs in %s moves.", nm.NewAccount, nm.OldAccount, nm.OldName, migrate.TransitionalOU, nm.OldAccount), s.w)...)
		out = append(out, wrapMark(" ", "New: "+nm.NewDescribe, s.w)...)
		out = append(out, "", s.confirm.View())
		return strings.Join(out, "\n")
	case phMigrating:
		out = append(out, st.Active.Render(fmt.Sprintf("Way (a): making %s the management account …", nm.NewAccount)))
	case phMigrated:
		out = append(out, st.OK.Render(fmt.Sprintf("✓ Account %s is the management account now.", nm.NewAccount)))
	case phFailed:
		out = append(out, st.Fail.Render("✗ Way (a) stopped."))
	}
	out = append(out, "")
	for i, step := range wizard.MigrationSteps {
		switch {
		case s.done != nil && s.done[i] != "":
			out = append(out, wrapMark(st.OK.Render("✓"), step.Title+st.Muted.Render(" · "+s.done[i]), s.w)...)
		case i == s.current && s.phase == phMigrating:
			out = append(out, st.Active.Render("→ "+step.Title))
		case i == s.current && s.phase == phFailed:
			out = append(out, st.Fail.Render("✗ "+step.Title))
		default:
			out = append(out, st.Muted.Render("· "+step.Title))
		}
	}
	out = append(out, "")
	switch s.phase {
	case phMigrated:
		out = append(out, wrapMark(st.OK.Render("✓"), fmt.Sprintf("Account %s (%s) is a member in %s, recorded in %s under accounts[].", nm.OldAccount, nm.OldName, migrate.TransitionalOU, s.st.path), s.w)...)
		out = append(out, "", "Press enter to check the new management account and go on.")
	case phFailed:
		out = append(out, wrapMark("", s.err.Error(), s.w)...)
		out = append(out, "", "Every step is safe to run again: press r to go on where it stopped.")
	}
	return strings.Join(out, "\n")
}

func (s *preflightScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.ways != nil {
		s.ways.SetSize(w, 7)
	}
}

func (s *preflightScreen) Keys() []key.Binding {
	k := s.st.keys
	choose := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose"))
	switch s.phase {
	case phChecking, phSweeping, phPreparing, phMigrating:
		return nil
	case phWays:
		return []key.Binding{choose, k.Enter, back("back")}
	case phPick:
		return []key.Binding{choose, k.Enter, back("other ways")}
	case phBlocked:
		return []key.Binding{k.Retry, back("other ways")}
	case phConfirm:
		return []key.Binding{k.Enter, back("other ways")}
	case phFailed:
		return []key.Binding{key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "go on")), back("other ways")}
	case phMigrated:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check the new account"))}
	}
	if s.err != nil {
		return []key.Binding{k.Retry}
	}
	if !s.st.pre.Management() {
		return []key.Binding{k.Close}
	}
	var costs []key.Binding
	if s.offersCosts() {
		costs = []key.Binding{costsKey}
	}
	if wizard.NeedsWayOut(s.st.inv) {
		return append([]key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose a way out"))}, costs...)
	}
	return append([]key.Binding{k.Enter}, costs...)
}

// offersCosts reports whether the costs screen can open: the checks are
// done, and the account is the management account of an organization that
// exists (a new one has no bill to show yet).
func (s *preflightScreen) offersCosts() bool {
	return s.phase == phSummary && s.err == nil && s.st.pre.Organization != nil && s.st.pre.Management()
}

func back(desc string) key.Binding {
	return key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", desc))
}

func (s *preflightScreen) Typing() bool { return s.phase == phConfirm }
