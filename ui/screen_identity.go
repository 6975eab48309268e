package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// identityGate stands before the confirmation when the design has access:
// it runs the wizard's wait for IAM Identity Center (wizard.IdentityWait,
// which accessible mode runs too), carrying out its reads, the sandbox's
// click and the poll's ticks as commands, and showing what to click and
// where while Identity Center is off. Once the wait is over and asks for
// it, the plan is read again, since it now holds the access part (or, when
// skipped, lacks it).
type identityGate struct {
	st   *state
	wait wizard.IdentityWait
	// planning: the plan is being read again.
	planning bool
	// err is the last failure shown: the wait's read or click, or (replan
	// failed) the plan's read.
	err          error
	replanFailed bool
	checked      time.Time
	h            int
}

type (
	identityMsg struct {
		ic  IdentityCenter
		err error
	}
	identityTickMsg struct{ gen int }
	replannedMsg    struct {
		plan   *orgmodel.Plan
		actual *orgmodel.Actual
		err    error
	}
)

var (
	identityCheck  = key.NewBinding(key.WithKeys("r", "enter"), key.WithHelp("r", "check now"))
	identitySkip   = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip access this time"))
	identityEnable = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "enable it (sandbox)"))
)

// gateOf is the wizard's Identity Center gate as st knows it.
func gateOf(st *state) wizard.IdentityGate {
	return wizard.IdentityGate{Access: st.design.Access != nil, Skipped: st.skipAccess,
		On: st.identity != nil && st.identity.Enabled, OrgExists: organizationExists(st)}
}

// needed reports whether the gate has anything to ask: the design has
// access, it is not skipped, Identity Center is not known to be on, and
// the organization exists.
func (g *identityGate) needed() bool { return gateOf(g.st).Next() == wizard.GateAsk }

// organizationExists reports whether the target has the organization: the
// organization instance of Identity Center is turned on in one, so for a new
// organization the gate comes after the apply that creates it.
func organizationExists(st *state) bool {
	return st.applied != nil || st.actual != nil && st.actual.Organization != nil
}

// accessPending reports whether the design's access still waits for
// Identity Center once the organization is applied.
func accessPending(st *state) bool { return gateOf(st).Pending() }

// open reports whether the gate holds the screen (reading, waiting, or
// reading the plan again).
func (g *identityGate) open() bool { return g.needed() || g.planning }

func (g *identityGate) region() string { return g.st.design.Organization.HomeRegion }

// do carries out what the wait asks for next.
func (g *identityGate) do(e wizard.WaitEffect) tea.Cmd {
	g.err, g.replanFailed = g.wait.Err(), false
	b, ctx, region := g.st.backend, g.st.ctx, g.region()
	switch e {
	case wizard.WaitRead:
		return func() tea.Msg {
			ic, err := b.IdentityCenter(ctx, region)
			return identityMsg{ic, err}
		}
	case wizard.WaitEnable:
		return func() tea.Msg {
			ic, err := b.EnableIdentityCenter(ctx, region)
			return identityMsg{ic, err}
		}
	case wizard.WaitChoose:
		if g.wait.Polling() {
			gen := g.wait.Gen()
			return tea.Tick(wizard.IdentityCenterPoll, func(time.Time) tea.Msg { return identityTickMsg{gen} })
		}
	case wizard.WaitOver:
		if g.wait.Skipped() {
			g.st.skipAccess = true
			return tea.Batch(g.replan(), say("access skipped this time: Identity Center is left alone"))
		}
		g.st.orgFirst = false
		if g.wait.Replan() {
			// After an apply the plan shown is done: read the access part.
			return tea.Batch(g.replan(), say("IAM Identity Center is on (%s)", g.st.identity.Region))
		}
	}
	return nil
}

// doOrSay carries out what the wait asks for, or says why it stopped.
func (g *identityGate) doOrSay(e wizard.WaitEffect, err error) tea.Cmd {
	if err != nil {
		return sayErr(err)
	}
	return g.do(e)
}

func (g *identityGate) Init() tea.Cmd {
	if gateOf(g.st).Next() == wizard.GateOrgFirst && !g.st.orgFirst {
		// The plan shown holds the access part, which waits for Identity
		// Center: the organization is applied without it first.
		g.st.orgFirst = true
		g.st.heldAccess = wizard.AccessSteps(g.st.plan)
		return g.replan()
	}
	if !g.needed() {
		return nil
	}
	g.wait = wizard.IdentityWait{Polls: true, Sandbox: g.st.target.Sandbox, Applied: g.st.applied != nil}
	return g.do(g.wait.Start())
}

// replan reads the plan again, without the access part when skipped.
func (g *identityGate) replan() tea.Cmd {
	g.planning = true
	tree := gateOf(g.st).PlanTree(g.st.tree)
	b, ctx := g.st.backend, g.st.ctx
	return func() tea.Msg {
		p, a, err := b.Plan(ctx, tree)
		return replannedMsg{p, a, err}
	}
}

// Update takes the gate's messages and, while it is open, its keys.
func (g *identityGate) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case identityMsg:
		if !g.wait.Busy() {
			return nil
		}
		g.checked = g.st.now()
		if msg.err == nil {
			ic := msg.ic
			g.st.identity = &ic
		}
		return g.do(g.wait.Answer(msg.ic.Enabled, msg.err))
	case identityTickMsg:
		return g.doOrSay(g.wait.Tick(msg.gen))
	case replannedMsg:
		g.planning = false
		if msg.err != nil {
			g.err, g.replanFailed = msg.err, true
			return nil
		}
		g.st.plan, g.st.actual = msg.plan, msg.actual
		if g.st.applied != nil && msg.plan.Empty() {
			// The organization was applied and access needs nothing more.
			return goTo(wizard.Done)
		}
		return nil
	case tea.KeyPressMsg:
		switch {
		case g.planning:
		case key.Matches(msg, identityCheck):
			return g.doOrSay(g.wait.Choose(wizard.CheckAgain))
		case key.Matches(msg, identitySkip):
			return g.doOrSay(g.wait.Choose(wizard.SkipAccess))
		case key.Matches(msg, identityEnable):
			return g.doOrSay(g.wait.Choose(wizard.EnableOnSandbox))
		}
	}
	return nil
}

func (g *identityGate) View(w int) string {
	st := g.st.styles
	switch {
	case g.planning:
		return st.Active.Render("Reading the plan again …")
	case g.wait.Busy() && !g.wait.Off():
		return st.Active.Render("Reading IAM Identity Center in " + g.region() + " …")
	}
	var lines []string
	if g.err != nil {
		failed := "Could not read IAM Identity Center: "
		if g.wait.Enabling() && !g.replanFailed {
			failed = "Could not enable IAM Identity Center: "
		}
		lines = append(lines, wrapMark(st.Fail.Render("✗"), failed+g.err.Error()+" (r tries again, s skips access this time)", w)...)
		lines = append(lines, "")
	}
	if !g.wait.Off() {
		return strings.Join(lines, "\n")
	}
	groups := 0
	if a := g.st.design.Access; a != nil {
		groups = len(a.Groups)
	}
	status := "Identity Center not on yet: checking again …"
	if !g.wait.Busy() {
		status = "Identity Center not on yet (checked " + g.checked.Format("15:04:05") + "; r checks)."
	}
	var steps []string
	for i, step := range wizard.IdentityCenterSteps(g.region(), g.st.target.AccountID, true) {
		steps = append(steps, wrapLinks(fmt.Sprintf("%d.", i+1), step, w)...)
	}
	// What must show: the state and what to click. The rest comes as the
	// window allows: why (which then says the state), then what s and e do.
	lead := wrapMark(st.Warn.Render("!"), wizard.IdentityCenterOffLead(groups), w)
	if a := g.st.applied; a != nil {
		// Back at the confirmation after the organization's apply: say
		// that it is built, and that only access waits.
		lead = wrapMark(st.OK.Render("✓"), wizard.IdentityCenterBuiltLead(groups, a.Changes, shortDuration(a.Elapsed)), w)
	}
	var more []string
	if g.wait.CanEnable() {
		more = append(more, wrapMark(st.Active.Render("ⓘ"), wizard.IdentityCenterSandboxText+" Press e.", w)...)
	}
	more = append(more, wrapMark(st.Muted.Render("·"), wizard.IdentityCenterSkipText(g.st.applied != nil)+" Press s.", w)...)
	if len(lines)+len(lead)+1+len(steps)+2 <= g.h {
		lines = append(append(lines, lead...), "")
		lines = append(lines, steps...)
		lines = append(lines, "", st.Muted.Render(status))
	} else {
		lines = append(lines, st.Warn.Render("! ")+status)
		lines = append(lines, steps...)
	}
	if len(lines)+1+len(more) <= g.h {
		lines = append(append(lines, ""), more...)
	}
	return strings.Join(lines, "\n")
}

func (g *identityGate) Keys() []key.Binding {
	if g.planning {
		return nil
	}
	keys := []key.Binding{identityCheck, identitySkip}
	if g.wait.CanEnable() {
		keys = append(keys, identityEnable)
	}
	return keys
}
