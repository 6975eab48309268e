package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// screen is one step's view: the root owns the frame (header, keys, workshop
// pane) and hands each screen the rest of the window.
type screen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Keys are the step's own keys, shown in the footer.
	Keys() []key.Binding
	// Typing reports whether a text field has the keyboard, so that letters
	// are not taken as commands.
	Typing() bool
}

// Options configure the wizard.
type Options struct {
	Backend    Backend
	DesignPath string
	// Design is the design read from DesignPath, nil for a new one; Reached
	// is the step its resume marker names.
	Design  *orgmodel.Design
	Reached wizard.Step
	// Save writes the design file; nil writes nothing (tests).
	Save func(path string, data []byte) error
	Dark bool
	// Now is the clock, for tests.
	Now func() time.Time
}

// Result is how the wizard ended, for the command's exit code.
type Result struct {
	// Interrupted is set when the user pressed ctrl+c: on a step, or to
	// stop an apply.
	Interrupted bool
	// Converged is set when the organization matches the design.
	Converged bool
	Message   string
	Err       error
}

// Model is the wizard: the root Bubble Tea model.
type Model struct {
	opt    Options
	st     *state
	step   wizard.Step
	screen screen
	help   help.Model

	width, height int
	workshop      bool
	status        string // the last message: saved, an error ...
	statusErr     bool
	quitting      bool
	// quitAsked is set by a ctrl+c that found typed answers it could not
	// keep: a second one quits without them.
	quitAsked bool
	keyLines  []string
	// costs is the costs screen, when open over the step's screen, which
	// keeps its state and gets it back with esc.
	costs *costsScreen
	// held are the keys and pastes that came while the screen waited on
	// the target, delivered in order once it is done.
	held []tea.Msg
	// scroll is where the body stands when it does not fit.
	scroll bodyScroll
}

// waiter is a screen that waits on the target (connecting, the preflight's
// checks): it has no field to give a key to until the answer comes.
type waiter interface {
	Waiting() bool
}

func (m *Model) waiting() bool {
	w, ok := m.screen.(waiter)
	return ok && w.Waiting() && m.costs == nil
}

// state is what the screens share: the design being built and what the
// target told us.
type state struct {
	ctx     context.Context
	backend Backend
	styles  Styles
	keys    KeyMap
	design  *orgmodel.Design
	// expansion keeps the design's expansion for what every key and frame
	// counts; it expands again only when the design changes.
	expansion wizard.Expansion
	path      string
	resume    wizard.Step // where to go after preflight; Basics for a new design
	// fresh is true while the design is new (no file) and its basics not
	// answered: the preflight's inventory may propose its home region, and
	// homeHint says so at the basics step.
	fresh    bool
	homeHint string
	target   TargetInfo
	pre      Preflight
	tree     *orgmodel.Tree
	plan     *orgmodel.Plan
	actual   *orgmodel.Actual
	result   Result
	now      func() time.Time
	choice   TargetChoice
	// save writes a file atomically (the design, the runbook); nil in tests.
	save func(path string, data []byte) error

	// inventory is the preflight's sweep of the management account, inv
	// what the flow decides on; way is the way out chosen when it was dirty.
	inventory *inventory.Result
	inv       wizard.Inventory
	way       wizard.Way
	// runbook is the path of way (b)'s runbook once written.
	runbook string
	// next is the step a screen moved to in its Update (goNow), taken by
	// the root before the next message, when moving is set.
	next   wizard.Step
	moving bool
	// openAccounts opens the guardrails step on its adopted accounts, for
	// the preview's "adopt" key.
	openAccounts bool
	// applied is the apply that led to the Done screen: its time and log.
	applied *appliedRun
	// quota is the accounts the design makes against the quota, from the
	// first step that changes the count.
	quota quotaUse
	// reached is the furthest step the design has been to (its resume
	// marker, then this run): the access step proposes groups only to a
	// design that has not been past it, so access turned off stays off.
	reached wizard.Step
	// identity is what the last read of IAM Identity Center found; nil
	// before one. skipAccess: the user chose to apply without access this
	// time, Identity Center being off.
	identity   *IdentityCenter
	skipAccess bool
	// orgFirst: the organization is new, so it is applied without its
	// access part, which follows once Identity Center is on in it.
	orgFirst bool
	// heldAccess counts the access steps the preview's plan had and the
	// organization's apply leaves for later (orgFirst), for the
	// confirmation to say.
	heldAccess int
	// links are the Done screen's links in full (getInLinks), said once
	// the wizard ends.
	links []string
}

// goNow moves to step s as soon as the screen's Update returns. goTo sends
// a message through the event loop instead, so keys typed before it arrives
// still reach the old screen; the design steps use goNow so that a key typed
// right after n or the last enter lands on the next step.
func (st *state) goNow(s wizard.Step) { st.next, st.moving = s, true }

// Messages between screens and the root.
type (
	// goMsg moves to a step.
	goMsg struct{ step wizard.Step }
	// statusMsg shows a line in the footer.
	statusMsg struct {
		text string
		err  bool
	}
	savedMsg struct {
		path string
		err  error
	}
	quitMsg struct{}
	// saveDesignMsg saves the design now, even before the designing steps:
	// way (a) records the old account at the preflight.
	saveDesignMsg struct{}
)

func goTo(s wizard.Step) tea.Cmd { return func() tea.Msg { return goMsg{s} } }

func say(format string, args ...any) tea.Cmd {
	text := fmt.Sprintf(format, args...)
	return func() tea.Msg { return statusMsg{text: text} }
}

func sayErr(err error) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: err.Error(), err: true} }
}

// New builds the wizard.
func New(ctx context.Context, opt Options) *Model {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	d := opt.Design
	resume := wizard.Basics
	if d == nil {
		d = wizard.NewDesign()
	} else {
		resume = max(wizard.Resume(d, opt.Reached), wizard.Basics)
	}
	st := &state{
		ctx: ctx, backend: opt.Backend, styles: NewStyles(opt.Dark), keys: DefaultKeyMap(),
		design: d, path: opt.DesignPath, resume: resume, now: opt.Now, save: opt.Save, fresh: opt.Design == nil,
	}
	if opt.Design != nil {
		st.reached = opt.Reached
	}
	m := &Model{opt: opt, st: st, help: help.New(), width: 80, height: 24}
	m.help.Styles = help.DefaultStyles(opt.Dark)
	m.enter(wizard.Target)
	return m
}

// Result is how the wizard ended.
func (m *Model) Result() Result { return m.st.result }

// Step is the step on screen.
func (m *Model) Step() wizard.Step { return m.step }

func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.screen.Init())
}

// enter puts the screen of step s on.
func (m *Model) enter(s wizard.Step) tea.Cmd {
	m.step = s
	m.scroll = bodyScroll{focus: -1}
	switch s {
	case wizard.Target:
		m.screen = newTargetScreen(m.st)
	case wizard.Preflight:
		m.screen = newPreflightScreen(m.st)
	case wizard.Basics:
		m.screen = newBasicsScreen(m.st)
	case wizard.Workloads:
		m.screen = newWorkloadsScreen(m.st)
	case wizard.Environments:
		m.screen = newEnvironmentsScreen(m.st)
	case wizard.Residency:
		m.screen = newResidencyScreen(m.st)
	case wizard.Guardrails:
		m.screen = newGuardrailsScreen(m.st)
	case wizard.Baseline:
		m.screen = newBaselineScreen(m.st)
	case wizard.Access:
		m.screen = newAccessScreen(m.st)
	case wizard.Preview:
		m.screen = newPreviewScreen(m.st)
	case wizard.Confirm:
		m.screen = newConfirmScreen(m.st)
	case wizard.Apply:
		m.screen = newApplyScreen(m.st)
	case wizard.Done:
		m.screen = newDoneScreen(m.st)
	}
	m.layout()
	cmd := m.screen.Init()
	m.countAccounts()
	return cmd
}

// bodyHeight is what is left for the screen under the header and above the
// footer and the workshop pane.
func (m *Model) layout() {
	m.keyLines = m.keyRows()
	_, h := m.screenSize()
	m.screen.SetSize(m.width, h)
	if m.costs != nil {
		m.costs.SetSize(m.width, h)
	}
}

// costsInfo is the costs screen's workshop pane.
var costsInfo = wizard.Info{ID: "costs", Title: "Costs",
	Workshop: "Each workload and environment has its own account, so its cost is the account's cost: AWS Cost Explorer's spend per linked account, grouped by the design. The management account should cost next to nothing; a runaway dev account shows as the longest bar and a climbing sparkline. Cost Explorer charges $0.01 per request: the view makes the fewest the API allows and keeps the answer for 4 hours, shared with orgwizard costs.",
	Calls:    []string{"ce:GetCostAndUsage", "ce:GetCostForecast", "budgets:DescribeBudgets"}}

// info is what the header and the workshop pane describe: the step, or
// the costs screen over it.
func (m *Model) info() wizard.Info {
	if m.costs != nil {
		info := costsInfo
		info.Title = m.step.Info().Title + " · " + costsInfo.Title
		return info
	}
	return m.step.Info()
}

// updateCosts routes a message while the costs screen is open: keys and
// its answer go to it, esc closes it, the rest reaches the step's screen.
func (m *Model) updateCosts(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := m.st.keys
		if m.quitAsked && !key.Matches(msg, k.Quit) {
			// Any other key answers "go on": the question goes.
			m.quitAsked = false
			m.status, m.statusErr = "", false
		}
		switch {
		case key.Matches(msg, k.Quit), key.Matches(msg, k.Workshop), key.Matches(msg, scrollKeys):
			return nil, false
		case key.Matches(msg, k.Back):
			m.costs = nil
			m.layout()
			return nil, true
		}
		cmd := m.costs.Update(msg)
		m.layout()
		return cmd, true
	case costsLoadedMsg:
		cmd := m.costs.Update(msg)
		m.layout()
		return cmd, true
	}
	return nil, false
}

func (m *Model) paneHeight() int { return min(9, max(m.height/3, 5)) }

// Update holds the keys that come while the screen waits on the target and
// delivers them once it is done, one by one as if typed then: issue 10 asks
// that every key reach the field that has focus when it arrives, and
// "acme" typed right after choosing the target was lost. ctrl+c acts at
// once, as does ctrl+t, which only shows the workshop pane; esc does too
// when nothing is held, so that the checks can still be left.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.hold(msg) {
		return m, nil
	}
	_, cmd := m.update(msg)
	cmds := []tea.Cmd{cmd}
	for len(m.held) > 0 && !m.waiting() && !m.quitting {
		next := m.held[0]
		m.held = m.held[1:]
		_, cmd := m.update(next)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// hold keeps msg for later when it is a key or a paste that comes while
// the screen waits, or while earlier ones are still held.
func (m *Model) hold(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := m.st.keys
		if key.Matches(msg, k.Quit) || key.Matches(msg, k.Workshop) || key.Matches(msg, scrollKeys) {
			return false
		}
		if len(m.held) == 0 && (!m.waiting() || key.Matches(msg, k.Back)) {
			return false
		}
	case tea.PasteMsg:
		if len(m.held) == 0 && !m.waiting() {
			return false
		}
	default:
		return false
	}
	m.held = append(m.held, msg)
	return true
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.costs != nil {
		if cmd, done := m.updateCosts(msg); done {
			return m, cmd
		}
	}
	switch msg := msg.(type) {
	case openCostsMsg:
		m.costs = newCostsScreen(m.st)
		m.layout()
		return m, m.costs.load(false)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		dark := msg.IsDark()
		m.st.styles = NewStyles(dark)
		m.help.Styles = help.DefaultStyles(dark)
	case tea.KeyPressMsg:
		k := m.st.keys
		if m.quitAsked && !key.Matches(msg, k.Quit) {
			// Any other key answers "go on": the question goes.
			m.quitAsked = false
			m.status, m.statusErr = "", false
		}
		switch {
		case key.Matches(msg, k.Quit) && !m.busy():
			// ctrl+c is an interrupt wherever it comes: exit 130, as in the apply.
			// What the user typed on the step goes into the design and is
			// saved first; what cannot be kept is asked about once.
			save, ok := m.keepTyped()
			if !ok {
				return m, nil
			}
			m.st.result.Interrupted = true
			return m, tea.Sequence(save, m.quit())
		case key.Matches(msg, k.Workshop):
			m.workshop = !m.workshop
			m.layout()
			return m, nil
		case m.scroll.key(msg):
			return m, nil
		case key.Matches(msg, k.Back) && !m.screenHandlesBack():
			if prev := wizard.Prev(m.step); prev != m.step {
				m.status = ""
				return m, m.enter(prev)
			}
			return m, nil
		case key.Matches(msg, k.Close) && !m.screen.Typing() && (m.step == wizard.Done || m.step == wizard.Preflight && !m.st.pre.Management()):
			return m, m.quit()
		}
	case goMsg:
		return m, m.goStep(msg.step)
	case statusMsg:
		m.status, m.statusErr = msg.text, msg.err
		return m, nil
	case savedMsg:
		if msg.err != nil {
			m.status, m.statusErr = "could not save the design: "+msg.err.Error(), true
		} else if m.status == "" {
			m.status = "saved " + msg.path
		}
		return m, nil
	case quitMsg:
		return m, m.quit()
	case saveDesignMsg:
		return m, m.save(m.st.resume)
	}
	cmd := m.screen.Update(msg)
	if m.st.moving {
		m.st.moving = false
		next := m.goStep(m.st.next)
		m.countAccounts()
		return m, tea.Batch(cmd, next)
	}
	m.countAccounts()
	m.layout()
	return m, cmd
}

// goStep puts step s on and saves the design with it.
func (m *Model) goStep(s wizard.Step) tea.Cmd {
	m.status, m.statusErr = "", false
	cmds := []tea.Cmd{m.enter(s)}
	m.st.reached = max(m.st.reached, s)
	if wizard.Designing(s) || s >= wizard.Preview {
		cmds = append(cmds, m.save(s))
	}
	return tea.Batch(cmds...)
}

// countAccounts keeps the count of accounts against the quota current: the
// plan's once there is one, the design's before.
func (m *Model) countAccounts() {
	st := m.st
	switch {
	case m.step >= wizard.Preview && st.plan != nil:
		st.quota = quotaFromPlan(st.pre, st.plan, st.actual)
	case m.step >= wizard.Basics && m.step < wizard.Preview:
		st.quota, _ = quotaFromDesign(st.pre, st.design, &st.expansion)
	case m.step < wizard.Basics:
		st.quota = quotaUse{}
	}
}

// typedKeeper is a screen whose answers are typed before they go into the
// design: Unsaved reports whether it holds some the design does not have,
// Keep puts them in (an error says why it cannot, such as a required field
// left empty).
type typedKeeper interface {
	Unsaved() bool
	Keep() error
}

// keepTyped keeps what the user did on the step before a ctrl+c quits and
// returns the command that saves the design (nil before the design steps,
// where there is nothing of the user's yet). Rows added, edited or deleted
// on a list step are in the design already; answers still being typed go
// in first. ok is false when those answers cannot be kept and the user has
// not been asked yet: the status then asks, and a second ctrl+c quits
// without them, the rest of the design saved.
func (m *Model) keepTyped() (save tea.Cmd, ok bool) {
	if k, is := m.screen.(typedKeeper); is && k.Unsaved() && !m.quitAsked {
		if err := k.Keep(); err != nil {
			m.quitAsked = true
			m.status, m.statusErr = "ctrl+c again quits without what you typed, any other key goes on; not saved: "+firstLine(err.Error()), true
			return nil, false
		}
	}
	if m.step < wizard.Basics {
		return nil, true
	}
	return m.save(max(m.step, m.st.resume)), true
}

// busy reports whether the screen runs work that ctrl+c stops rather than
// quits (the apply).
func (m *Model) busy() bool {
	b, ok := m.screen.(interface{ Busy() bool })
	return ok && b.Busy()
}

// screenHandlesBack is true where esc means something to the screen itself
// (closing a form or a policy it shows).
func (m *Model) screenHandlesBack() bool {
	if b, ok := m.screen.(interface{ HandlesBack() bool }); ok {
		return b.HandlesBack()
	}
	return false
}

// save writes the design with where the user is. Steps before the design
// (target, preflight) write nothing: there is nothing of the user's yet.
func (m *Model) save(reached wizard.Step) tea.Cmd {
	if m.opt.Save == nil || m.st.path == "" {
		return nil
	}
	if reached < wizard.Basics {
		return nil
	}
	// The file as it is now (a design the user wrote, with comments) is
	// edited rather than replaced; a missing one is written anew.
	prev, _ := os.ReadFile(m.st.path)
	data := wizard.EncodeOver(prev, m.st.design, reached)
	path, save := m.st.path, m.opt.Save
	return func() tea.Msg { return savedMsg{path: path, err: save(path, data)} }
}

// linksLead introduces the Done screen's links in the wizard's last words.
const linksLead = "How to get in, the links in full:"

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	if m.st.result.Message == "" && !m.st.result.Converged && m.step >= wizard.Basics {
		m.st.result.Message = fmt.Sprintf("Your design is saved in %s; run %s to go on where you were (%s).", m.st.path, wizard.RerunCommand(m.st.path, m.st.target.Args), m.step.Info().Title)
	}
	if len(m.st.links) > 0 && !strings.Contains(m.st.result.Message, linksLead) {
		m.st.result.Message = strings.TrimLeft(m.st.result.Message+"\n"+linksLead+"\n  "+strings.Join(m.st.links, "\n  "), "\n")
	}
	return tea.Quit
}

func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "orgwizard · " + m.info().Title
	return v
}

// render draws the frame: header with the target, the screen, the workshop
// pane and the keys.
func (m *Model) render() string {
	if m.quitting {
		return ""
	}
	s := m.st.styles
	w := m.width
	info := m.info()
	title := s.Title.Render("orgwizard") + "  " + s.Step.Render(fmt.Sprintf("Step %d of %d · %s", m.step.Number(), len(wizard.Steps), info.Title))
	if q := m.st.quota; q.known() && m.step >= wizard.Basics {
		style := s.Muted
		switch {
		case q.over():
			style = s.Fail
		case q.Need == q.Quota:
			style = s.Warn
		}
		text := q.text()
		if lipgloss.Width(title)+2+lipgloss.Width(text) > w {
			text = q.short()
		}
		if gap := w - lipgloss.Width(title) - lipgloss.Width(text); gap >= 2 {
			title += strings.Repeat(" ", gap) + style.Render(text)
		}
	}
	target := "Target: not chosen yet"
	if m.st.target.Describe != "" {
		target = "Target: " + m.st.target.Describe
	}
	header := []string{
		clip(title, w),
		s.Target.Render(clip(fitPath(target, w, homeDir()), w)),
		s.Rule.Render(strings.Repeat("─", max(w, 1))),
	}
	body := ""
	if m.costs != nil {
		body = m.costs.View()
	} else {
		body = m.screen.View()
	}
	bodyLines := strings.Split(body, "\n")
	_, bh := m.screenSize()

	status := m.status
	st := s.Muted
	if m.statusErr {
		st = s.Error
		status = "✗ " + status
	}
	// A long status is wrapped, not cut: the body gives it the lines.
	statusLines := []string{""}
	if status != "" {
		statusLines = wrap(status, w)
		if extra := min(len(statusLines), maxStatusLines) - 1; extra > 0 && bh-extra >= minBody {
			bh -= extra
		} else {
			statusLines = statusLines[:1]
		}
		statusLines[len(statusLines)-1] = clip(statusLines[len(statusLines)-1], w)
	}
	keyLines := m.keyLines
	if len(bodyLines) > bh {
		// What does not fit scrolls, and the footer says how. The scroll
		// key may take a line of the body, and what its help says depends
		// on the room left: settle both.
		m.scroll.track(bodyLines)
		room, n := bh, len(bodyLines)
		for range 3 {
			keyLines = m.wrapKeys(append(m.keyBindings(), m.scroll.binding(n, bh, m.scroll.at(n, bh))))
			if h := max(room-(len(keyLines)-len(m.keyLines)), minBody); h != bh {
				bh = h
				continue
			}
			break
		}
		m.scroll.off = m.scroll.at(n, bh)
		bodyLines = bodyLines[m.scroll.off:min(m.scroll.off+bh, n)]
	} else {
		m.scroll = bodyScroll{focus: -1}
	}
	bodyLines = fit(bodyLines, bh, w)

	var out []string
	out = append(out, header...)
	out = append(out, bodyLines...)
	if m.workshop {
		out = append(out, m.pane(info)...)
	}
	for _, l := range statusLines {
		out = append(out, st.Render(l))
	}
	out = append(out, keyLines...)
	return strings.Join(out, "\n")
}

const (
	// maxStatusLines is how many lines a long status may take.
	maxStatusLines = 3
	// minBody is the fewest lines the body keeps.
	minBody = 3
)

// bodyScroll is where the body stands when it is taller than the room for
// it: issue 10 found text cut at 60x15 with no way to reach it. The view
// keeps the cursor row (▸) in sight when it moves; shift+↑/↓ scroll the
// rest, keys no screen uses, so that a screen's own ↑/↓ keep their meaning.
type bodyScroll struct {
	// off is the first line shown; focus the cursor row at the last frame,
	// -1 for none.
	off, focus int
	// moved is set by a scroll key, so that the cursor row does not pull
	// the view back until the cursor moves.
	moved bool
}

var (
	scrollKeys = key.NewBinding(key.WithKeys("shift+up", "shift+down"), key.WithHelp("shift+↑/↓", "scroll"))
	scrollUp   = key.NewBinding(key.WithKeys("shift+up"))
	scrollDown = key.NewBinding(key.WithKeys("shift+down"))
)

// key scrolls the body by a line; false when msg is not a scroll key.
func (b *bodyScroll) key(msg tea.KeyPressMsg) bool {
	switch {
	case key.Matches(msg, scrollUp):
		b.off = max(b.off-1, 0)
	case key.Matches(msg, scrollDown):
		b.off++ // the next frame bounds it
	default:
		return false
	}
	b.moved = true
	return true
}

// track finds the cursor row in lines: once it has moved, the view
// follows it again.
func (b *bodyScroll) track(lines []string) {
	focus := -1
	for i, l := range lines {
		if strings.Contains(l, "▸") {
			focus = i
			break
		}
	}
	if focus != b.focus {
		b.moved = false
	}
	b.focus = focus
}

// at is the first line of a view of h lines over n: the cursor row in it
// unless a scroll key moved the view away.
func (b *bodyScroll) at(n, h int) int {
	off := b.off
	if f := b.focus; f >= 0 && !b.moved {
		if f < off {
			off = f
		} else if f >= off+h {
			off = f - h + 1
		}
	}
	return max(min(off, n-h), 0)
}

// binding is the scroll key saying what is out of sight of the view of h
// lines from off.
func (b *bodyScroll) binding(n, h, off int) key.Binding {
	above, below := off, max(n-h-off, 0)
	var more []string
	if above > 0 {
		more = append(more, fmt.Sprintf("%d above", above))
	}
	if below > 0 {
		more = append(more, fmt.Sprintf("%d below", below))
	}
	desc := "scroll"
	if len(more) > 0 {
		desc += " (" + strings.Join(more, ", ") + ")"
	}
	return key.NewBinding(key.WithKeys(scrollKeys.Keys()...), key.WithHelp(scrollKeys.Help().Key, desc))
}

func (m *Model) screenSize() (int, int) {
	// header: title, target, rule; footer: status and the keys
	h := m.height - 4 - len(m.keyLines)
	if m.workshop {
		h -= m.paneHeight()
	}
	return m.width, max(h, 3)
}

// pane is the workshop pane: the step explained, and the AWS calls it makes.
func (m *Model) pane(info wizard.Info) []string {
	s := m.st.styles
	h := m.paneHeight()
	text := "Workshop · " + info.Workshop
	lines := wrap(text, m.width)
	if len(info.Calls) > 0 {
		lines = append(lines, wrap("AWS calls: "+strings.Join(info.Calls, ", "), m.width)...)
	} else {
		lines = append(lines, "AWS calls: none; this step only edits the design file.")
	}
	lines = fit(lines, h-1, m.width)
	rule := s.Rule.Render(strings.Repeat("╌", max(m.width, 1)))
	out := []string{rule}
	for _, l := range lines {
		out = append(out, s.Muted.Render(l))
	}
	return out
}

// keyRows are the keys of the screen, then the keys of every screen.
func (m *Model) keyRows() []string { return m.wrapKeys(m.keyBindings()) }

func (m *Model) keyBindings() []key.Binding {
	k := m.st.keys
	if m.costs != nil {
		quit := k.Quit
		if m.step < wizard.Basics {
			quit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
		}
		return append(m.costs.Keys(), k.Workshop, quit)
	}
	global := []key.Binding{k.Workshop}
	if wizard.Prev(m.step) != m.step {
		global = append([]key.Binding{k.Back}, global...)
	}
	switch {
	case m.busy():
		global = append(global, k.Stop)
	case m.step < wizard.Basics:
		global = append(global, key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")))
	default:
		global = append(global, k.Quit)
	}
	if m.screenHandlesBack() && len(global) > 0 && key.Matches(tea.KeyPressMsg{Code: tea.KeyEscape}, global[0]) {
		global = global[1:] // the screen's esc closes what it shows
	}
	return append(m.screen.Keys(), global...)
}

// wrapKeys lays the keys out in as many lines as the width needs, so that
// no key is ever cut off.
func (m *Model) wrapKeys(keys []key.Binding) []string {
	st := m.help.Styles
	sep := st.ShortSeparator.Render(" • ")
	var lines []string
	line, lw := "", 0
	for _, k := range keys {
		if !k.Enabled() || k.Help().Key == "" {
			continue
		}
		item := st.ShortKey.Render(k.Help().Key) + " " + st.ShortDesc.Render(k.Help().Desc)
		iw := lipgloss.Width(k.Help().Key) + 1 + lipgloss.Width(k.Help().Desc)
		switch {
		case lw == 0:
			line, lw = item, iw
		case lw+3+iw <= m.width:
			line, lw = line+sep+item, lw+3+iw
		default:
			lines = append(lines, line)
			line, lw = item, iw
		}
	}
	return append(lines, line)
}

// fit pads or cuts lines to exactly h lines, none wider than w.
func fit(lines []string, h, w int) []string {
	if len(lines) > h {
		lines = lines[:h]
	}
	out := make([]string, 0, h)
	for _, l := range lines {
		out = append(out, clip(l, w))
	}
	for len(out) < h {
		out = append(out, "")
	}
	return out
}

// clip cuts a line to w cells, styles included.
// fitPath fits a line that names a file, such as the target's "sandbox,
// account … (state /path/state.json)", in w cells: the home directory home
// said as ~, then the middle of the path elided with …, so that the file
// name and the start of the path stay. A line without a path, or one that
// fits, is returned as it is.
func fitPath(line string, w int, home string) string {
	if lipgloss.Width(line) <= w {
		return line
	}
	start := -1
	for i := 0; i < len(line); i++ {
		if (line[i] == '/' || strings.HasPrefix(line[i:], "~/")) && (i == 0 || line[i-1] == ' ' || line[i-1] == '(') {
			start = i
			break
		}
	}
	if start < 0 {
		return line
	}
	end := len(line)
	if j := strings.LastIndex(line, ")"); j > start {
		end = j
	}
	before, path, after := line[:start], line[start:end], line[end:]
	if home != "" && home != "/" {
		if rel, ok := strings.CutPrefix(path, strings.TrimSuffix(home, "/")+"/"); ok {
			path = "~/" + rel
		}
	}
	room := w - lipgloss.Width(before) - lipgloss.Width(after)
	if lipgloss.Width(path) <= room {
		return before + path + after
	}
	dir, file := path, ""
	if k := strings.LastIndex(path, "/"); k >= 0 {
		dir, file = path[:k], path[k:]
	}
	// The start of the directory, as much as fits before "…/file".
	head := []rune(dir)
	keep := room - 1 - lipgloss.Width(file)
	if keep < 1 {
		return before + "…" + file + after
	}
	n := 0
	for n < len(head) && lipgloss.Width(string(head[:n+1])) <= keep {
		n++
	}
	return before + string(head[:n]) + "…" + file + after
}

// homeDir is the user's home directory, "" when unknown.
func homeDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return home
}

func clip(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return truncate(s, w)
}

// wrap breaks text into lines of at most w cells at spaces.
func wrap(text string, w int) []string {
	if w < 10 {
		w = 10
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case lipgloss.Width(line)+1+lipgloss.Width(word) <= w:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// accessibleEnv reports whether the environment asks for accessible mode.
func accessibleEnv() bool {
	v := os.Getenv("ACCESSIBLE")
	return v != "" && v != "0" && v != "false"
}
