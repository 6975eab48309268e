package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// applyScreen carries the plan out and shows it live. The engine runs in a
// goroutine; its events come through a channel that a re-armed command waits on.
type applyScreen struct {
	st       *state
	events   chan tea.Msg
	cancel   context.CancelFunc
	start    time.Time
	now      time.Time
	state    []apply.EventKind
	message  []string
	done     int
	total    int
	inFlight int
	retries  int
	log      []string
	bar      progress.Model
	running  bool
	stopping bool
	err      error
	w, h     int
}

type (
	applyEventMsg apply.Event
	applyDoneMsg  struct{ err error }
	tickMsg       time.Time
)

func newApplyScreen(st *state) *applyScreen {
	n := len(st.plan.Steps)
	return &applyScreen{
		st: st, state: make([]apply.EventKind, n), message: make([]string, n), total: n,
		bar: progress.New(progress.WithDefaultBlend()),
	}
}

func (s *applyScreen) Init() tea.Cmd {
	ctx, cancel := context.WithCancel(s.st.ctx)
	s.cancel = cancel
	s.events = make(chan tea.Msg, 256)
	s.start, s.now = s.st.now(), s.st.now()
	s.running = true
	b, plan, actual, events := s.st.backend, s.st.plan, s.st.actual, s.events
	go func() {
		err := b.Apply(ctx, plan, actual, func(e apply.Event) { events <- applyEventMsg(e) })
		events <- applyDoneMsg{err}
	}()
	return tea.Batch(s.wait(), tick())
}

func (s *applyScreen) wait() tea.Cmd {
	events := s.events
	return func() tea.Msg { return <-events }
}

func tick() tea.Cmd {
	return tea.Tick(200*time.Millisecond, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func (s *applyScreen) Typing() bool { return false }

// Busy is true while the engine runs: ctrl+c then stops it safely.
func (s *applyScreen) Busy() bool { return s.running }

func (s *applyScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case applyEventMsg:
		s.event(apply.Event(msg))
		return s.wait()
	case applyDoneMsg:
		s.running = false
		s.now = s.st.now()
		s.cancel()
		s.err = msg.err
		switch {
		case msg.err == nil:
			s.st.result.Converged = true
			return goTo(wizard.Done)
		case errors.Is(msg.err, context.Canceled):
			s.st.result.Interrupted = true
			s.st.result.Message = s.stoppedText()
		default:
			s.st.result.Err = msg.err
		}
		return nil
	case tickMsg:
		if s.running {
			// The screen's clock, not the tick's: a test pins it.
			s.now = s.st.now()
			return tick()
		}
	case tea.KeyPressMsg:
		keys := s.st.keys
		switch {
		case s.running && key.Matches(msg, keys.Stop):
			if !s.stopping {
				s.stopping = true
				s.cancel()
				s.addLog("stopping: letting the calls in flight finish …")
			}
		case !s.running && key.Matches(msg, keys.Close):
			return func() tea.Msg { return quitMsg{} }
		case !s.running && key.Matches(msg, keys.Retry):
			s.st.result = Result{}
			return goTo(wizard.Preview)
		}
	}
	return nil
}

func (s *applyScreen) event(e apply.Event) {
	if e.Index >= 0 && e.Index < len(s.state) {
		s.state[e.Index] = e.Kind
		s.message[e.Index] = e.Message
	}
	if e.Total > 0 {
		s.total = e.Total
	}
	s.done, s.inFlight = e.Done, e.InFlight
	if !e.Time.IsZero() {
		s.now = e.Time
	}
	switch e.Kind {
	case apply.Retrying:
		s.retries++
		s.addLog(fmt.Sprintf("↻ %s: %s", e.Step, e.Message))
	case apply.Succeeded:
		s.addLog("✓ " + e.Step.String())
	case apply.Failed:
		s.addLog(fmt.Sprintf("✗ %s: %s", e.Step, e.Message))
	}
}

func (s *applyScreen) addLog(line string) {
	s.log = append(s.log, fmt.Sprintf("%5.1fs %s", s.now.Sub(s.start).Seconds(), line))
	if len(s.log) > 200 {
		s.log = s.log[len(s.log)-200:]
	}
}

func (s *applyScreen) stoppedText() string {
	return fmt.Sprintf("Stopped safely after %d of %d steps. Nothing is lost: account creations already asked for finish at AWS and are recorded. Run orgwizard again with the same flags to finish.", s.done, s.total)
}

func (s *applyScreen) View() string {
	st := s.st.styles
	elapsed := s.now.Sub(s.start).Round(time.Second)
	pct := 0.0
	if s.total > 0 {
		pct = float64(s.done) / float64(s.total)
	}
	s.bar.SetWidth(max(s.w-2, 10))
	eta := "estimating"
	if s.done > 0 && s.done < s.total {
		eta = "about " + (time.Duration(float64(s.now.Sub(s.start)) / float64(s.done) * float64(s.total-s.done))).Round(time.Second).String() + " left"
	} else if s.done >= s.total {
		eta = "finished"
	}
	lines := []string{
		s.bar.ViewAs(pct),
		fmt.Sprintf("%d/%d steps · creating %d/%d accounts · %s elapsed, %s · %s",
			s.done, s.total, s.inFlight, apply.MaxCreationsInFlight, elapsed, eta, retries(s.retries)),
	}
	switch {
	case !s.running && s.err != nil && errors.Is(s.err, context.Canceled):
		lines = append(lines, "")
		lines = append(lines, wrapMark(st.Warn.Render("■"), s.stoppedText(), s.w)...)
	case !s.running && s.err != nil:
		lines = append(lines, "")
		var quota *apply.QuotaError
		text := s.err.Error()
		if errors.As(s.err, &quota) {
			text += " Ask for an increase in Service Quotas (AWS Organizations, 'Default maximum number of accounts'), or remove workloads."
		} else {
			text += " What succeeded stays; press r to plan again and finish."
		}
		lines = append(lines, wrapMark(st.Fail.Render("✗"), text, s.w)...)
	case s.stopping:
		lines = append(lines, st.Warn.Render("Stopping safely: waiting for the calls in flight …"))
	}
	lines = append(lines, "")
	logH := min(5, max((s.h-len(lines))/3, 2))
	stepsH := max(s.h-len(lines)-logH-1, 1)
	lines = append(lines, s.stepWindow(st, stepsH)...)
	lines = append(lines, st.Rule.Render("log"))
	from := max(len(s.log)-logH+1, 0)
	for _, l := range s.log[from:] {
		lines = append(lines, st.Muted.Render(l))
	}
	return strings.Join(lines, "\n")
}

// stepWindow shows h steps around the first unfinished one.
func (s *applyScreen) stepWindow(st Styles, h int) []string {
	first := len(s.state)
	for i, k := range s.state {
		if k != apply.Succeeded && k != apply.Failed {
			first = i
			break
		}
	}
	from := max(min(first-1, len(s.state)-h), 0)
	var out []string
	for i := from; i < len(s.state) && len(out) < h; i++ {
		step := s.st.plan.Steps[i]
		mark, style := "·", st.Muted
		switch s.state[i] {
		case apply.Started:
			mark, style = "→", st.Active
		case apply.Waiting:
			mark, style = "…", st.Active
		case apply.Retrying:
			mark, style = "↻", st.Warn
		case apply.Succeeded:
			mark, style = "✓", st.OK
		case apply.Failed:
			mark, style = "✗", st.Fail
		}
		line := style.Render(mark) + " " + step.String()
		if m := s.message[i]; m != "" && s.state[i] != apply.Succeeded {
			line += st.Muted.Render(" · " + m)
		}
		out = append(out, line)
	}
	return out
}

func (s *applyScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *applyScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.running {
		return nil
	}
	return []key.Binding{key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "plan again and finish")), k.Close}
}

// doneScreen reads back what exists and ticks the checklist from it.
type doneScreen struct {
	st      *state
	v       *wizard.Verified
	checks  []wizard.CheckItem
	err     error
	top     int
	w, h    int
	plan    *orgmodel.Plan
	loading bool
	// picker is way (b)'s destination picker, when open.
	picker *runbookPicker
}

type verifiedMsg struct {
	v   wizard.Verified
	err error
}

func newDoneScreen(st *state) *doneScreen { return &doneScreen{st: st, loading: true} }

func (s *doneScreen) Init() tea.Cmd {
	b, ctx := s.st.backend, s.st.ctx
	return func() tea.Msg {
		v, err := b.Verify(ctx)
		return verifiedMsg{v, err}
	}
}

func (s *doneScreen) Typing() bool { return false }

// offersRunbook reports whether way (b) can be taken here: the preflight
// found the management account dirty, and it still is the management account.
func (s *doneScreen) offersRunbook() bool {
	inv := s.st.inventory
	return inv != nil && s.st.inv.State() == wizard.Dirty && inv.Account == s.st.target.AccountID && s.v != nil
}

// HandlesBack: esc closes the runbook picker.
func (s *doneScreen) HandlesBack() bool { return s.picker != nil }

func (s *doneScreen) recheck() {
	v := *s.v
	v.Runbook = s.st.runbook
	s.checks = wizard.Checklist(s.st.tree, v)
}

func (s *doneScreen) Update(msg tea.Msg) tea.Cmd {
	if s.picker != nil {
		switch msg := msg.(type) {
		case runbookWrittenMsg:
			s.picker.update(msg)
			if msg.err != nil {
				return nil
			}
			s.st.runbook = msg.path
			s.picker = nil
			s.recheck()
			return say("wrote %s", msg.path)
		case tea.KeyPressMsg:
			if key.Matches(msg, s.st.keys.Back) {
				s.picker = nil
				return nil
			}
		}
		return s.picker.update(msg)
	}
	switch msg := msg.(type) {
	case verifiedMsg:
		s.loading, s.err = false, msg.err
		if msg.err == nil {
			s.v = &msg.v
			s.recheck()
			if s.st.way == wizard.WayRunbook && s.st.runbook == "" && s.offersRunbook() {
				s.openPicker()
			}
			s.plan = orgmodel.MakePlan(s.st.tree, msg.v.Actual)
			s.st.result.Converged = s.plan.Empty()
			if s.st.result.Converged {
				s.st.result.Message = fmt.Sprintf("The organization matches %s.", s.st.path)
			}
		}
	case tea.KeyPressMsg:
		keys := s.st.keys
		switch {
		case key.Matches(msg, keys.Up):
			s.top = max(s.top-1, 0)
		case key.Matches(msg, keys.Down):
			s.top++
		case key.Matches(msg, keys.PageDown):
			s.top += s.h - 1
		case key.Matches(msg, keys.PageUp):
			s.top = max(s.top-(s.h-1), 0)
		case key.Matches(msg, keys.Retry) && s.err != nil:
			s.loading, s.err = true, nil
			return s.Init()
		case key.Matches(msg, runbookOn) && s.offersRunbook():
			s.openPicker()
		}
	}
	return nil
}

func (s *doneScreen) openPicker() {
	s.picker = newRunbookPicker(s.st)
	s.picker.w, s.picker.h = s.w, s.h
}

func (s *doneScreen) View() string {
	st := s.st.styles
	if s.loading {
		return st.Active.Render("Reading the organization back from the target …")
	}
	if s.err != nil {
		return strings.Join(wrapMark(st.Fail.Render("✗"), "Could not read the target back: "+s.err.Error()+" (r retries)", s.w), "\n")
	}
	if s.picker != nil {
		return s.picker.view()
	}
	var lines []string
	passed := wizard.Passed(s.checks)
	if s.plan.Empty() {
		lines = append(lines, st.OK.Render(fmt.Sprintf("✓ Your organization is in place: %d of %d checks verified.", passed, len(s.checks))))
	} else {
		lines = append(lines, st.Warn.Render(fmt.Sprintf("! %d steps remain: esc, then apply again. %d of %d checks verified.", len(s.plan.Steps), passed, len(s.checks))))
	}
	switch {
	case s.st.runbook != "":
		lines = append(lines, wrapMark(st.OK.Render("✓"), "Runbook written: "+s.st.runbook+". Follow its progress with "+wizard.RunbookProgressCommand(s.st.runbook)+".", s.w)...)
	case s.offersRunbook():
		lines = append(lines, wrapMark(st.Warn.Render("!"), "The management account still runs workloads: press m to choose where each resource goes and write "+wizard.RunbookFile+".", s.w)...)
	}
	lines = append(lines, "", st.Bold.Render("Checklist"))
	for _, c := range s.checks {
		mark := st.Muted.Render("?")
		switch c.Status {
		case wizard.Pass:
			mark = st.OK.Render("✓")
		case wizard.Fail:
			mark = st.Fail.Render("✗")
		}
		lines = append(lines, wrapMark(mark, c.Title+st.Muted.Render(" · "+c.Detail), s.w)...)
	}
	lines = append(lines, "", st.Bold.Render("Accounts"))
	ids := map[string]string{}
	for _, a := range s.v.Actual.Accounts {
		ids[a.Name] = a.ID
	}
	for _, a := range s.st.tree.Accounts {
		id := ids[a.Name]
		if id == "" {
			id = "(not created)"
		}
		lines = append(lines, fmt.Sprintf("  %-12s %-24s %s", id, a.Name, st.Muted.Render(a.Email)))
	}
	lines = append(lines, "", st.Bold.Render("Next steps"))
	for _, n := range wizard.NextSteps(s.st.target.Sandbox, s.st.path, s.st.target.Args) {
		lines = append(lines, wrapMark("•", n, s.w)...)
	}
	s.top = max(min(s.top, len(lines)-s.h), 0)
	return strings.Join(lines[s.top:min(len(lines), s.top+s.h)], "\n")
}

func (s *doneScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	if s.picker != nil {
		s.picker.w, s.picker.h = w, h
	}
}

func (s *doneScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.picker != nil {
		return s.picker.keys()
	}
	if s.offersRunbook() {
		return []key.Binding{k.Move, k.PageDown, runbookOn, k.Close}
	}
	return []key.Binding{k.Move, k.PageDown, k.Close}
}

func retries(n int) string {
	if n == 1 {
		return "1 retry"
	}
	return fmt.Sprintf("%d retries", n)
}
