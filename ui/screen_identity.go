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
// it reads whether the organization has IAM Identity Center, and while it
// has not, says what to click and where, and asks again every few seconds
// until it is on (or the user checks now, skips access this time, or, on
// the sandbox, has the wizard do the click). Once it is on after having
// been off, the plan is read again, since it now holds the access part.
type identityGate struct {
	st *state
	// checking: a read is under way; off: the last read found no instance;
	// waited: it was off at least once, so the plan must be read again.
	checking, off, waited, planning bool
	err                             error
	// gen tells the current poll's ticks from those of an earlier one.
	gen     int
	checked time.Time
	h       int
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

// needed reports whether the gate has anything to ask: the design has
// access, it is not skipped, and Identity Center is not known to be on.
func (g *identityGate) needed() bool {
	st := g.st
	return st.design.Access != nil && !st.skipAccess && (st.identity == nil || !st.identity.Enabled) && organizationExists(st)
}

// organizationExists reports whether the target has the organization: the
// organization instance of Identity Center is turned on in one, so for a new
// organization the gate comes after the apply that creates it.
func organizationExists(st *state) bool {
	return st.applied != nil || st.actual != nil && st.actual.Organization != nil
}

// accessPending reports whether the design's access still waits for
// Identity Center once the organization is applied.
func accessPending(st *state) bool {
	return st.design.Access != nil && !st.skipAccess && (st.identity == nil || !st.identity.Enabled)
}

// open reports whether the gate holds the screen (reading, waiting, or
// reading the plan again).
func (g *identityGate) open() bool { return g.needed() || g.planning }

func (g *identityGate) region() string { return g.st.design.Organization.HomeRegion }

func (g *identityGate) check() tea.Cmd {
	g.checking, g.err = true, nil
	g.gen++
	b, ctx, region := g.st.backend, g.st.ctx, g.region()
	return func() tea.Msg {
		ic, err := b.IdentityCenter(ctx, region)
		return identityMsg{ic, err}
	}
}

func (g *identityGate) Init() tea.Cmd {
	if !organizationExists(g.st) && accessPending(g.st) && !g.st.orgFirst {
		// The plan shown holds the access part, which waits for Identity
		// Center: the organization is applied without it first.
		g.st.orgFirst = true
		return g.replan()
	}
	if !g.needed() {
		return nil
	}
	return g.check()
}

// replan reads the plan again, without the access part when skipped.
func (g *identityGate) replan() tea.Cmd {
	g.planning = true
	tree := g.st.tree
	if (g.st.skipAccess || g.st.orgFirst) && tree != nil {
		t := *tree
		t.Access = nil
		tree = &t
	}
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
		g.checking = false
		g.checked = g.st.now()
		if msg.err != nil {
			g.err = msg.err
			return nil
		}
		ic := msg.ic
		g.st.identity = &ic
		if ic.Enabled {
			g.off, g.st.orgFirst = false, false
			// After an apply the plan shown is done: read the access part.
			if g.waited || g.st.applied != nil {
				return tea.Batch(g.replan(), say("IAM Identity Center is on (%s)", ic.Region))
			}
			return nil
		}
		g.off, g.waited = true, true
		gen := g.gen
		return tea.Tick(wizard.IdentityCenterPoll, func(time.Time) tea.Msg { return identityTickMsg{gen} })
	case identityTickMsg:
		if msg.gen == g.gen && g.off && !g.checking && g.needed() {
			return g.check()
		}
		return nil
	case replannedMsg:
		g.planning = false
		if msg.err != nil {
			g.err = msg.err
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
		case g.planning || g.checking:
		case key.Matches(msg, identityCheck):
			return g.check()
		case key.Matches(msg, identitySkip):
			g.st.skipAccess = true
			g.off, g.gen = false, g.gen+1
			return tea.Batch(g.replan(), say("access skipped this time: Identity Center is left alone"))
		case key.Matches(msg, identityEnable) && g.st.target.Sandbox:
			g.checking, g.err = true, nil
			g.gen++
			b, ctx, region := g.st.backend, g.st.ctx, g.region()
			return func() tea.Msg {
				ic, err := b.EnableIdentityCenter(ctx, region)
				return identityMsg{ic, err}
			}
		}
	}
	return nil
}

func (g *identityGate) View(w int) string {
	st := g.st.styles
	switch {
	case g.planning:
		return st.Active.Render("Reading the plan again …")
	case g.checking && !g.off:
		return st.Active.Render("Reading IAM Identity Center in " + g.region() + " …")
	}
	var lines []string
	if g.err != nil {
		lines = append(lines, wrapMark(st.Fail.Render("✗"), "Could not read IAM Identity Center: "+g.err.Error()+" (r tries again, s skips access this time)", w)...)
		lines = append(lines, "")
	}
	if !g.off {
		return strings.Join(lines, "\n")
	}
	groups := 0
	if a := g.st.design.Access; a != nil {
		groups = len(a.Groups)
	}
	status := "Identity Center not on yet: checking again …"
	if !g.checking {
		status = "Identity Center not on yet (checked " + g.checked.Format("15:04:05") + "; r checks)."
	}
	var steps []string
	for i, step := range wizard.IdentityCenterSteps(g.region(), g.st.target.AccountID) {
		steps = append(steps, wrapLinks(fmt.Sprintf("%d.", i+1), step, w)...)
	}
	// What must show: the state and what to click. The rest comes as the
	// window allows: why (which then says the state), then what s and e do.
	lead := wrapMark(st.Warn.Render("!"), wizard.IdentityCenterOffLead(groups), w)
	var more []string
	if g.st.target.Sandbox {
		more = append(more, wrapMark(st.Active.Render("ⓘ"), wizard.IdentityCenterSandboxText+" Press e.", w)...)
	}
	more = append(more, wrapMark(st.Muted.Render("·"), wizard.IdentityCenterSkipText+" Press s.", w)...)
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
	if g.st.target.Sandbox && g.off {
		keys = append(keys, identityEnable)
	}
	return keys
}
