package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

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
	began    []time.Time // when each step was first seen under way
	ended    []time.Time
	done     int
	total    int
	inFlight int
	retries  int
	log      []string
	bar      progress.Model
	running  bool
	stopping bool
	stopped  bool // stopped by the user: what was under way is marked so
	err      error
	w, h     int

	// created is how long AWS took for each account this apply asked for
	// and saw finished: the pace the estimate is made from.
	created []time.Duration
	// etaAt is when the apply should end. It is revised only when AWS
	// finishes an account, never while waiting, so the time left counts down.
	etaAt time.Time
	// resumed is the creations an interrupted apply had asked for, awaited
	// here without asking again.
	resumed int
	nameW   int
	// bucket is the log bucket's real name once an event carried it: the
	// plan named it with a placeholder before log-archive and the
	// organization had ids.
	bucket string
}

type (
	applyEventMsg apply.Event
	applyDoneMsg  struct{ err error }
	tickMsg       time.Time
)

func newApplyScreen(st *state) *applyScreen {
	n := len(st.plan.Steps)
	s := &applyScreen{
		st: st, state: make([]apply.EventKind, n), message: make([]string, n), total: n,
		began: make([]time.Time, n), ended: make([]time.Time, n),
		bar: progress.New(progress.WithDefaultBlend()), resumed: st.plan.Count(orgmodel.StepAwaitAccount),
	}
	for _, step := range st.plan.Steps {
		if creation(step) {
			s.nameW = max(s.nameW, len(step.Subject))
		}
	}
	s.nameW = min(s.nameW, 24)
	return s
}

// creation reports whether a step is an account creation AWS carries out.
func creation(s orgmodel.Step) bool {
	return s.Kind == orgmodel.StepCreateAccount || s.Kind == orgmodel.StepAwaitAccount
}

// ResumedText says that a run found an interrupted apply's creations and
// waits for them rather than asking again.
func ResumedText(n int) string {
	if n == 1 {
		return "An interrupted apply was found: 1 account creation resumed, none repeated (AWS was still creating it; it is awaited, not asked for again)."
	}
	return fmt.Sprintf("An interrupted apply was found: %d account creations resumed, none repeated (AWS was still creating them; they are awaited, not asked for again).", n)
}

func (s *applyScreen) Init() tea.Cmd {
	ctx, cancel := context.WithCancel(s.st.ctx)
	s.cancel = cancel
	s.events = make(chan tea.Msg, 256)
	s.start, s.now = s.st.now(), s.st.now()
	s.running = true
	if s.resumed > 0 {
		s.addLog(ResumedText(s.resumed))
	}
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
			run := &appliedRun{Changes: s.total, Elapsed: s.now.Sub(s.start), Retries: s.retries, Log: s.log}
			if before := s.st.applied; before != nil {
				// The access part, applied once Identity Center was on.
				run.Changes += before.Changes
				run.Elapsed += before.Elapsed
				run.Retries += before.Retries
				run.Log = append(slices.Clone(before.Log), run.Log...)
			}
			s.st.applied = run
			if accessPending(s.st) {
				// A new organization: Identity Center can be turned on now.
				return tea.Batch(goTo(wizard.Confirm), say("the organization is in place; access needs IAM Identity Center next"))
			}
			return goTo(wizard.Done)
		case errors.Is(msg.err, context.Canceled):
			s.stopped = true
			s.st.result.Interrupted = true
			s.st.result.Message = s.stoppedText()
			s.addLog("stopped")
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
	if !e.Time.IsZero() {
		s.now = e.Time
	}
	if e.Index >= 0 && e.Index < len(s.state) {
		i := e.Index
		s.state[i] = e.Kind
		s.message[i] = e.Message
		switch e.Kind {
		case apply.Started, apply.Waiting, apply.Retrying:
			// An account creation begins when AWS has it (Waiting): the
			// engine starts every creation at once, most of them to wait
			// for one of AWS's five slots.
			if s.began[i].IsZero() && (!creation(s.st.plan.Steps[i]) || e.Kind == apply.Waiting) {
				s.began[i] = s.now
			}
		case apply.Succeeded, apply.Failed:
			s.ended[i] = s.now
			if s.began[i].IsZero() {
				s.began[i] = s.now
			}
			if e.Kind == apply.Succeeded && s.st.plan.Steps[i].Kind == orgmodel.StepCreateAccount {
				s.created = append(s.created, s.ended[i].Sub(s.began[i]))
				s.revise()
			}
		}
	}
	if e.Total > 0 {
		s.total = e.Total
	}
	s.done, s.inFlight = e.Done, e.InFlight
	s.bucket = cmpOr(e.Bucket, s.bucket)
	// An account's lines start with its name, as on the step lines.
	what := orgmodel.WithLogBucket(e.Step.String(), s.bucket)
	if creation(e.Step) {
		what = "account " + e.Step.Subject
	}
	switch e.Kind {
	case apply.Retrying:
		s.retries++
		s.addLog(fmt.Sprintf("↻ %s: %s", what, e.Message))
	case apply.Succeeded:
		if creation(e.Step) && e.Index >= 0 && e.Index < len(s.began) {
			what += " created in " + shortDuration(s.ended[e.Index].Sub(s.began[e.Index]))
		}
		s.addLog("✓ " + what)
	case apply.Failed:
		s.addLog(fmt.Sprintf("✗ %s: %s", what, e.Message))
	}
}

// revise estimates when the apply ends from how long AWS took for the
// accounts it finished so far: the creations under way finish one such time
// after they began, and each waiting one takes the first slot that frees.
// Calls other than creations take a fraction of a second and are left out.
func (s *applyScreen) revise() {
	if len(s.created) == 0 {
		return
	}
	var sum time.Duration
	for _, d := range s.created {
		sum += d
	}
	pace := sum / time.Duration(len(s.created))
	var slots []time.Duration
	waiting := 0
	for i, step := range s.st.plan.Steps {
		switch {
		case !creation(step) || s.finished(i):
		case s.atAWS(i):
			slots = append(slots, max(pace-s.now.Sub(s.began[i]), 0))
		default:
			waiting++
		}
	}
	for len(slots) < apply.MaxCreationsInFlight {
		slots = append(slots, 0)
	}
	for range waiting {
		slices.Sort(slots)
		slots[0] += pace
	}
	s.etaAt = s.now.Add(slices.Max(slots))
}

func (s *applyScreen) finished(i int) bool {
	return s.state[i] == apply.Succeeded || s.state[i] == apply.Failed
}

// atAWS reports whether AWS is creating the account of step i: it has the
// request, and has not finished it.
func (s *applyScreen) atAWS(i int) bool { return !s.began[i].IsZero() && !s.finished(i) }

// creations counts the account creations AWS is carrying out and those
// still waiting for one of its slots.
func (s *applyScreen) creations() (underWay, waiting int) {
	for i, step := range s.st.plan.Steps {
		switch {
		case !creation(step) || s.finished(i):
		case s.atAWS(i):
			underWay++
		default:
			waiting++
		}
	}
	return underWay, waiting
}

func (s *applyScreen) addLog(line string) {
	s.log = append(s.log, fmt.Sprintf("%5.1fs %s", s.now.Sub(s.start).Seconds(), line))
	if len(s.log) > 200 {
		s.log = s.log[len(s.log)-200:]
	}
}

func (s *applyScreen) stoppedText() string {
	again := wizard.RerunCommand(s.st.path, s.st.target.Args)
	underWay, _ := s.creations()
	switch underWay {
	case 0:
		return fmt.Sprintf("Stopped safely after %d of %d steps. Nothing is lost. Run %s to finish.", s.done, s.total, again)
	case 1:
		return fmt.Sprintf("Stopped safely after %d of %d steps. 1 account creation was in flight: AWS finishes it on its own, and the next run waits for it without asking again. Run %s to finish.", s.done, s.total, again)
	}
	return fmt.Sprintf("Stopped safely after %d of %d steps. %d account creations were in flight: AWS finishes them on its own, and the next run waits for them without asking again. Run %s to finish.", s.done, s.total, underWay, again)
}

// statusLine is the apply in one line: steps, creations under way, time
// spent and left.
func (s *applyScreen) statusLine() string {
	parts := []string{fmt.Sprintf("%d/%d steps", s.done, s.total)}
	underWay, waiting := s.creations()
	if s.stopped {
		parts = append(parts, "stopped", shortDuration(s.now.Sub(s.start))+" elapsed")
		return strings.Join(parts, " · ")
	}
	if underWay > 0 {
		parts = append(parts, inFlightText(underWay))
	}
	if waiting > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting", waiting))
	}
	parts = append(parts, shortDuration(s.now.Sub(s.start))+" elapsed")
	if s.running {
		switch {
		case underWay+waiting == 0:
		case s.etaAt.IsZero() && s.st.plan.Count(orgmodel.StepCreateAccount) == 0:
			// Only creations an earlier run asked for: when AWS began them
			// is not known here, so there is no pace to estimate from.
		case s.etaAt.IsZero():
			parts = append(parts, "time left: after AWS's first account")
		case !s.now.Before(s.etaAt):
			parts = append(parts, "any moment now")
		default:
			parts = append(parts, "about "+shortDuration(s.etaAt.Sub(s.now))+" left")
		}
	}
	if s.retries > 0 {
		parts = append(parts, retries(s.retries))
	}
	return strings.Join(parts, " · ")
}

// inFlightText says how many account creations AWS is carrying out, and
// when that is all AWS allows at once.
func inFlightText(n int) string {
	switch {
	case n >= apply.MaxCreationsInFlight:
		return fmt.Sprintf("%d in flight (AWS's limit)", n)
	case n == 1:
		return "1 account in flight"
	}
	return fmt.Sprintf("%d accounts in flight", n)
}

// applyLegend explains the marks of the step lines.
const applyLegend = "✓ done  → asking AWS  … AWS creating  ↻ retrying  · to do  ■ stopped  ✗ failed"

// wrapLogLine wraps a line of the apply's log ("  2.0s ✓ what happened")
// under what happened, rather than cutting it at the window's edge.
func wrapLogLine(l string, w int) []string {
	if lipgloss.Width(l) <= w {
		return []string{l}
	}
	rest := strings.TrimLeft(l, " ")
	prefix := l[:len(l)-len(rest)]
	if when, after, ok := strings.Cut(rest, " "); ok {
		if mark, what, ok := strings.Cut(after, " "); ok && lipgloss.Width(mark) == 1 {
			prefix += when + " " + mark + " "
			rest = what
		}
	}
	pw := lipgloss.Width(prefix)
	if w-pw < 20 {
		prefix, pw = "", 0
		rest = l
	}
	var out []string
	for i, part := range wrap(rest, w-pw) {
		if i == 0 {
			out = append(out, prefix+part)
		} else {
			out = append(out, strings.Repeat(" ", pw)+part)
		}
	}
	return out
}

// legendLines lays the legend out in lines of w cells, breaking between two
// marks: a narrow window cut the last ones off.
func legendLines(w int) []string {
	var out []string
	cur := ""
	for _, item := range strings.Split(applyLegend, "  ") {
		switch {
		case cur == "":
			cur = item
		case lipgloss.Width(cur)+2+lipgloss.Width(item) <= w:
			cur += "  " + item
		default:
			out = append(out, cur)
			cur = item
		}
	}
	return append(out, cur)
}

func (s *applyScreen) View() string {
	st := s.st.styles
	pct := 0.0
	if s.total > 0 {
		pct = float64(s.done) / float64(s.total)
	}
	s.bar.SetWidth(max(s.w-2, 10))
	lines := []string{s.bar.ViewAs(pct)}
	lines = append(lines, joinParts(s.statusLine(), s.w)...)
	if s.resumed > 0 && s.running {
		lines = append(lines, wrapMark(st.Active.Render("↺"), ResumedText(s.resumed), s.w)...)
	}
	switch {
	case !s.running && s.err != nil && errors.Is(s.err, context.Canceled):
		lines = append(lines, "")
		lines = append(lines, wrapMark(st.Warn.Render("■"), s.stoppedText(), s.w)...)
	case !s.running && s.err != nil:
		lines = append(lines, "")
		var quota *apply.QuotaError
		text := s.err.Error()
		if !errors.As(s.err, &quota) {
			text += " What succeeded stays; press r to plan again and finish."
		}
		lines = append(lines, wrapMark(st.Fail.Render("✗"), text, s.w)...)
	case s.stopping:
		lines = append(lines, st.Warn.Render("Stopping safely: waiting for the calls in flight …"))
	}
	lines = append(lines, "")
	legend := legendLines(s.w)
	logH := min(5, max((s.h-len(lines))/3, 2))
	stepsH := max(s.h-len(lines)-logH-1-len(legend), 1)
	lines = append(lines, s.stepWindow(st, stepsH)...)
	for _, l := range legend {
		lines = append(lines, st.Muted.Render(l))
	}
	lines = append(lines, st.Rule.Render("log"))
	for _, l := range logTail(s.log, logH-1, s.w) {
		lines = append(lines, st.Muted.Render(l))
	}
	return strings.Join(lines, "\n")
}

// logTail is the newest entries of the log that fit in h lines of w cells,
// each wrapped as on the Done screen (wrapLogLine) and kept whole; the
// newest alone shows its first h lines when it needs more.
func logTail(log []string, h, w int) []string {
	var out []string
	for i := len(log) - 1; i >= 0 && h > 0; i-- {
		parts := wrapLogLine(log[i], w)
		if len(parts) > h {
			if len(out) == 0 {
				out = parts[:h]
			}
			break
		}
		out = append(parts, out...)
		h -= len(parts)
	}
	return out
}

// stepWindow shows h steps around the first unfinished one; once stopped,
// from the first creation that AWS carries on with.
func (s *applyScreen) stepWindow(st Styles, h int) []string {
	first := len(s.state)
	for i, k := range s.state {
		if k != apply.Succeeded && k != apply.Failed {
			first = i
			break
		}
	}
	if s.stopped {
		for i, step := range s.st.plan.Steps {
			if creation(step) && s.atAWS(i) {
				first = i + 1 // the window starts one above first
				break
			}
		}
	}
	from := max(min(first-1, len(s.state)-h), 0)
	var out []string
	for i := from; i < len(s.state) && len(out) < h; i++ {
		out = append(out, s.stepLine(st, i))
	}
	return out
}

// minStepText is the fewest cells a step's text keeps beside its message
// in a window w wide: a quarter of it, from 12 to 24 cells, so that at 60
// columns the message still says the account and the region whole.
func minStepText(w int) int { return min(24, max(12, w/4)) }

// stepLine is one step. An account creation puts its name and state first,
// then how long AWS has been at it, so that 80 columns never cut what
// matters; the email comes last.
func (s *applyScreen) stepLine(st Styles, i int) string {
	step := s.st.plan.Steps[i]
	kind := s.state[i]
	underWay := kind == apply.Started || kind == apply.Waiting || kind == apply.Retrying
	mark, style := "·", st.Muted
	switch {
	case s.stopped && underWay:
		mark, style = "■", st.Warn
	case kind == apply.Started:
		mark, style = "→", st.Active
	case kind == apply.Waiting:
		mark, style = "…", st.Active
	case kind == apply.Retrying:
		mark, style = "↻", st.Warn
	case kind == apply.Succeeded:
		mark, style = "✓", st.OK
	case kind == apply.Failed:
		mark, style = "✗", st.Fail
	}
	if !creation(step) {
		text, m := orgmodel.WithLogBucket(step.String(), s.bucket), s.message[i]
		if m != "" && kind != apply.Succeeded {
			// The message says where a step runs (the account and region
			// a baseline step entered) or why it waits: the step's text
			// gives way to it, down to minStepText cells, so that the
			// width does not cut it.
			if room := s.w - 2 - 3 - len([]rune(m)); room < len([]rune(text)) {
				text = clip(text, max(room, minStepText(s.w)))
			}
			return style.Render(mark) + " " + text + st.Muted.Render(" · "+m)
		}
		return style.Render(mark) + " " + text
	}
	took := ""
	if !s.began[i].IsZero() {
		end := s.now
		if !s.ended[i].IsZero() {
			end = s.ended[i]
		}
		took = shortDuration(end.Sub(s.began[i]))
	}
	var state string
	atAWS := s.atAWS(i)
	switch {
	case kind == apply.Succeeded:
		mark, style, state = "✓", st.OK, "created in "+took
	case kind == apply.Failed:
		mark, style, state = "✗", st.Fail, "failed: "+s.message[i]
	case s.stopped && atAWS:
		mark, style, state = "■", st.Warn, "stopped after "+took+": AWS finishes it on its own"
	case s.stopped:
		mark, style, state = "·", st.Muted, "not started"
	case atAWS && kind == apply.Retrying:
		mark, style, state = "↻", st.Warn, "retrying "+took+": "+s.message[i]
	case atAWS && step.Kind == orgmodel.StepAwaitAccount:
		mark, style, state = "…", st.Active, "AWS creating (resumed) "+took
	case atAWS:
		mark, style, state = "…", st.Active, "AWS creating "+took
	case kind == apply.Retrying:
		mark, style, state = "↻", st.Warn, "waits: "+s.message[i]
	case kind == apply.Started && s.inFlight < apply.MaxCreationsInFlight:
		mark, style, state = "→", st.Active, "asking AWS"
	default:
		mark, style, state = "·", st.Muted, "waits for a free slot"
	}
	return fmt.Sprintf("%s %-*s %s%s", style.Render(mark), s.nameW, step.Subject, style.Render(state), st.Muted.Render("  "+step.Email))
}

// joinParts breaks a line of " · "-separated parts into lines of at most w
// cells, never inside a part.
func joinParts(line string, w int) []string {
	var out []string
	cur := ""
	for _, p := range strings.Split(line, " · ") {
		switch {
		case cur == "":
			cur = p
		case len([]rune(cur))+3+len([]rune(p)) <= w:
			cur += " · " + p
		default:
			out = append(out, cur)
			cur = p
		}
	}
	return append(out, cur)
}

// shortDuration is a duration the way a person says it: 42s, 3m05s, 1h02m.
func shortDuration(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func (s *applyScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *applyScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.running {
		return nil
	}
	return []key.Binding{key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "plan again and finish")), k.Close}
}

// appliedRun is what the Done screen keeps of the apply that led to it.
type appliedRun struct {
	Changes int
	Elapsed time.Duration
	Retries int
	Log     []string
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
	// getInAt is the line "How to get in" starts at, for its key; toGetIn
	// asks the next drawing to scroll there (where the line is known).
	getInAt int
	toGetIn bool
}

// getInKey scrolls the Done screen to "How to get in".
var getInKey = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "how to get in"))

type verifiedMsg struct {
	v   wizard.Verified
	err error
}

func newDoneScreen(st *state) *doneScreen { return &doneScreen{st: st, loading: true} }

func (s *doneScreen) Init() tea.Cmd {
	b, ctx := s.st.backend, s.st.ctx
	verify := func() tea.Msg {
		v, err := b.Verify(ctx)
		return verifiedMsg{v, err}
	}
	if s.st.design.Access == nil {
		return verify
	}
	// The access portal's URL: Identity Center read once more, since it may
	// have been turned on since (or was never asked, the plan being empty).
	region := s.st.design.Organization.HomeRegion
	return tea.Batch(verify, func() tea.Msg {
		ic, err := b.IdentityCenter(ctx, region)
		return identityMsg{ic, err}
	})
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
	if s.st.runbook != "" {
		v.Runbook = wizard.RunbookProgressCommand(s.st.runbook, s.st.path, s.st.target.Args)
	}
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
	case identityMsg:
		if msg.err == nil {
			ic := msg.ic
			s.st.identity = &ic
			s.noteLinks()
		}
	case verifiedMsg:
		s.loading, s.err = false, msg.err
		if msg.err == nil {
			s.v = &msg.v
			s.recheck()
			if s.st.way == wizard.WayRunbook && s.st.runbook == "" && s.offersRunbook() {
				s.openPicker()
			}
			s.noteLinks()
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
		case key.Matches(msg, costsKey) && s.v != nil:
			return openCosts
		case key.Matches(msg, getInKey) && s.v != nil:
			s.toGetIn = true
		}
	}
	return nil
}

// noteLinks keeps How to get in's links for the wizard's last words.
func (s *doneScreen) noteLinks() {
	if s.v == nil {
		return
	}
	s.st.links = getInLinks(wizard.HowToGetIn(s.getIn()))
}

func (s *doneScreen) getIn() wizard.GetIn {
	return getIn(s.st.design, s.st.path, s.st.target, s.st.identity, s.st.skipAccess, s.st.tree, s.v.Actual)
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
	switch {
	case s.plan.Empty():
		lines = append(lines, st.OK.Render(fmt.Sprintf("✓ Your organization is in place: %d of %d checks verified.", passed, len(s.checks))))
	case s.st.skipAccess && wizard.OnlyAccessLeft(s.plan):
		// Access was skipped this time: its steps are what remains, by
		// the user's choice, not something left to apply again now.
		lines = append(lines, wrapMark(st.OK.Render("✓"), fmt.Sprintf("Your organization is in place: %d of %d checks verified; its access waits, as you chose (%d steps in IAM Identity Center, for %s once Identity Center is on).",
			passed, len(s.checks), len(s.plan.Steps), wizard.RerunCommand(s.st.path, s.st.target.Args)), s.w)...)
	default:
		lines = append(lines, st.Warn.Render(fmt.Sprintf("! %d steps remain: esc, then apply again. %d of %d checks verified.", len(s.plan.Steps), passed, len(s.checks))))
	}
	if a := s.st.applied; a != nil {
		text := fmt.Sprintf("Applied %d changes in %s", a.Changes, shortDuration(a.Elapsed))
		if a.Retries > 0 {
			text += " (" + retries(a.Retries) + ")"
		}
		lines = append(lines, st.Muted.Render(text+"; the apply's log is at the end."))
	}
	switch {
	case s.st.runbook != "":
		lines = append(lines, wrapMark(st.OK.Render("✓"), "Runbook written: "+s.st.runbook+". Follow its progress with "+wizard.RunbookProgressCommand(s.st.runbook, s.st.path, s.st.target.Args)+".", s.w)...)
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
	lines = append(lines, "")
	s.getInAt = len(lines)
	lines = append(lines, st.Bold.Render("How to get in"))
	for _, l := range wizard.HowToGetIn(s.getIn()) {
		lines = append(lines, wrapLinks("•", l, s.w)...)
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
		row := fmt.Sprintf("  %-12s %-24s %s", id, a.Name, a.Email)
		if lipgloss.Width(row) <= s.w {
			lines = append(lines, fmt.Sprintf("  %-12s %-24s %s", id, a.Name, st.Muted.Render(a.Email)))
			continue
		}
		// A narrow window: the email under the account, whole.
		lines = append(lines, fmt.Sprintf("  %-12s %s", id, a.Name), st.Muted.Render(clip("  "+strings.Repeat(" ", 13)+a.Email, s.w)))
	}
	lines = append(lines, "", st.Bold.Render("Next steps"))
	for _, n := range wizard.NextSteps(s.st.target.Sandbox, s.st.path, s.st.target.Args) {
		lines = append(lines, wrapMark("•", n, s.w)...)
	}
	if a := s.st.applied; a != nil && len(a.Log) > 0 {
		lines = append(lines, "", st.Bold.Render("Apply log"))
		for _, l := range a.Log {
			for _, part := range wrapLogLine(l, s.w) {
				lines = append(lines, st.Muted.Render(part))
			}
		}
	}
	if s.toGetIn {
		s.top, s.toGetIn = s.getInAt, false
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
	if s.v == nil {
		return []key.Binding{k.Close}
	}
	if s.offersRunbook() {
		return []key.Binding{k.Move, k.PageDown, getInKey, runbookOn, costsKey, k.Close}
	}
	return []key.Binding{k.Move, k.PageDown, getInKey, costsKey, k.Close}
}

func retries(n int) string {
	if n == 1 {
		return "1 retry"
	}
	return fmt.Sprintf("%d retries", n)
}
