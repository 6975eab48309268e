package wizard

import (
	"fmt"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// IdentityGate is what the wizard knows, before an apply, of the design's
// access and of IAM Identity Center: the one place that decides what comes
// next (apply the organization first, ask for Identity Center, or go on)
// and which tree to plan. The full screen and accessible mode both present
// it.
type IdentityGate struct {
	// Access: the design has an access block; Skipped: the user chose to
	// apply without it this time.
	Access, Skipped bool
	// On: Identity Center was last read on; OrgExists: the target has the
	// organization (read so, or applied in this run). The organization's
	// Identity Center is turned on in an organization, so a new one is
	// applied first, without its access part.
	On, OrgExists bool
}

// GateAction is what the gate asks for next.
type GateAction int

const (
	// GateGoOn: nothing to ask; plan and apply PlanTree.
	GateGoOn GateAction = iota
	// GateOrgFirst: the organization does not exist yet: apply PlanTree
	// (the tree without its access part), then ask for Identity Center.
	GateOrgFirst
	// GateAsk: read whether Identity Center is on; while it is off, say
	// what to click (IdentityCenterSteps), check again, or skip access.
	GateAsk
)

// Pending reports whether the design's access waits for Identity Center.
func (g IdentityGate) Pending() bool { return g.Access && !g.Skipped && !g.On }

// Next is what the gate asks for now.
func (g IdentityGate) Next() GateAction {
	switch {
	case !g.Pending():
		return GateGoOn
	case !g.OrgExists:
		return GateOrgFirst
	}
	return GateAsk
}

// PlanTree is the tree to plan now: t without its access part while access
// is skipped, or while the organization it waits for does not exist yet;
// else t.
func (g IdentityGate) PlanTree(t *orgmodel.Tree) *orgmodel.Tree {
	if t == nil || t.Access == nil || !g.Skipped && g.Next() != GateOrgFirst {
		return t
	}
	c := *t
	c.Access = nil
	return &c
}

// IdentityWait is the wait for IAM Identity Center once the gate asks
// (GateAsk), the loop both front ends run: read whether it is on; while it
// is off, or could not be read, say so and what to click, then check
// again, have the sandbox do the click, or skip access this time, as the
// user chooses. The full screen also checks again by itself every
// IdentityCenterPoll. The front ends carry out the Effect each call asks
// for (a read, the click, a question or a tick) and hand back its answer;
// Run does so itself for a front end that asks one question at a time.
type IdentityWait struct {
	// Polls: the front end checks again by itself, IdentityCenterPoll after
	// each read that found Identity Center off (the full screen).
	Polls bool
	// Sandbox: the target is the sandbox, which can do the click.
	Sandbox bool
	// MaxChecks, when above 0, bounds the checks (reads and clicks, the
	// first read included): an input that has ended answers every question
	// with its default, "check again", and must not loop for ever
	// (accessible mode).
	MaxChecks int
	// Applied: the organization was applied in this run, so the plan shown
	// is done and must be read again once Identity Center is on.
	Applied bool

	// busy: a read or the click is under way; off: the last answer was
	// "off"; waited: an answer was not "on" (the plan must be read again
	// once it is); on, skipped: the wait is over.
	busy, off, waited, on, skipped bool
	err                            error
	enabling                       bool // err is the click's, not a read's
	checks                         int
	gen                            int
}

// WaitEffect is what the wait asks its front end to do next.
type WaitEffect int

const (
	// WaitNothing: nothing to do (a key while busy, a tick of an earlier
	// poll).
	WaitNothing WaitEffect = iota
	// WaitRead: read whether Identity Center is on, and hand the answer
	// to Answer.
	WaitRead
	// WaitEnable: have the sandbox do the click, and hand its answer (on
	// or not) to Answer.
	WaitEnable
	// WaitChoose: Identity Center is off (Off) or could not be read (Err):
	// say so and what to click, and hand the user's choice to Choose; when
	// Polling, also call Tick(Gen()) IdentityCenterPoll later.
	WaitChoose
	// WaitOver: Identity Center is on, or access is skipped (Skipped); when
	// Replan, the plan must be read again (without access when skipped).
	WaitOver
)

// WaitChoice is what the user chose while Identity Center is off.
type WaitChoice int

const (
	// CheckAgain reads Identity Center again.
	CheckAgain WaitChoice = iota
	// EnableOnSandbox has the sandbox do the console's click.
	EnableOnSandbox
	// SkipAccess applies without the access part this time.
	SkipAccess
)

// Start begins the wait with a read.
func (w *IdentityWait) Start() WaitEffect {
	*w = IdentityWait{Polls: w.Polls, Sandbox: w.Sandbox, MaxChecks: w.MaxChecks, Applied: w.Applied, gen: w.gen + 1, busy: true, checks: 1}
	return WaitRead
}

// Answer takes the answer of the read or the click asked for: on or not,
// or the error that kept it from answering.
func (w *IdentityWait) Answer(on bool, err error) WaitEffect {
	if !w.busy {
		return WaitNothing
	}
	w.busy = false
	switch {
	case err != nil:
		// off stays what the last answer said: the steps stay on show.
		w.err, w.waited = err, true
		return WaitChoose
	case on:
		w.on, w.off = true, false
		return WaitOver
	}
	w.off, w.waited = true, true
	return WaitChoose
}

// Choose takes the user's choice while the wait asks; err says that
// MaxChecks checks did not find Identity Center on.
func (w *IdentityWait) Choose(c WaitChoice) (WaitEffect, error) {
	if w.busy || w.Over() {
		return WaitNothing, nil
	}
	switch c {
	case SkipAccess:
		w.skipped, w.off = true, false
		w.gen++ // a tick of the poll finds nothing to do
		return WaitOver, nil
	case EnableOnSandbox:
		if !w.CanEnable() {
			return WaitNothing, nil
		}
	}
	if w.MaxChecks > 0 && w.checks >= w.MaxChecks {
		return WaitNothing, fmt.Errorf("IAM Identity Center is still off after %d checks: turn it on (or skip access) and run the wizard again", w.checks)
	}
	w.checks++
	w.busy, w.err, w.enabling = true, nil, c == EnableOnSandbox
	w.gen++
	if w.enabling {
		return WaitEnable, nil
	}
	return WaitRead, nil
}

// Tick is the poll's tick gen (Gen when it was set): a read when it is
// still due, nothing when the user has checked, clicked or skipped since.
func (w *IdentityWait) Tick(gen int) (WaitEffect, error) {
	if !w.Polls || gen != w.gen || !w.off || w.busy || w.Over() {
		return WaitNothing, nil
	}
	return w.Choose(CheckAgain)
}

// Polling reports, while the wait asks, that the front end also checks
// again by itself: Tick(Gen()) IdentityCenterPoll later.
func (w *IdentityWait) Polling() bool { return w.Polls && w.off && !w.busy && !w.Over() }

// Gen tells the current poll's tick from those of an earlier one.
func (w *IdentityWait) Gen() int { return w.gen }

// Busy reports that a read or the click is under way.
func (w *IdentityWait) Busy() bool { return w.busy }

// Off reports that the last answer was "Identity Center is off".
func (w *IdentityWait) Off() bool { return w.off }

// Err is why the last read, or the click (Enabling), did not answer.
func (w *IdentityWait) Err() error { return w.err }

// Enabling reports that Err is the sandbox click's.
func (w *IdentityWait) Enabling() bool { return w.enabling }

// CanEnable reports whether the user may have the sandbox do the click.
func (w *IdentityWait) CanEnable() bool { return w.Sandbox && !w.Over() && (w.off || w.err != nil) }

// Over reports that Identity Center is on or access skipped.
func (w *IdentityWait) Over() bool { return w.on || w.skipped }

// Skipped reports that the user skipped access this time.
func (w *IdentityWait) Skipped() bool { return w.skipped }

// Replan reports, once the wait is over, that the plan must be read again:
// access was skipped, or Identity Center was not on at first (the plan was
// read without it), or the organization was applied in this run.
func (w *IdentityWait) Replan() bool { return w.skipped || w.on && (w.waited || w.Applied) }

// IdentityWaitIO is what a front end that asks one question at a time does
// for Run.
type IdentityWaitIO struct {
	// Read reads whether Identity Center is on; Enable has the sandbox do
	// the click and answers whether it is on then.
	Read, Enable func() (on bool, err error)
	// Ask says why the wait waits (w.Off, w.Err) and what to click, and
	// returns the user's choice.
	Ask func(w *IdentityWait) (WaitChoice, error)
}

// Run runs the wait to its end with io: it returns when Identity Center is
// on or access is skipped (then w.Skipped and w.Replan say what follows),
// or with the error of io.Ask or of MaxChecks.
func (w *IdentityWait) Run(io IdentityWaitIO) error {
	effect := w.Start()
	for {
		var err error
		switch effect {
		case WaitRead:
			effect = w.Answer(io.Read())
		case WaitEnable:
			effect = w.Answer(io.Enable())
		case WaitChoose:
			var c WaitChoice
			if c, err = io.Ask(w); err == nil {
				if effect, err = w.Choose(c); effect == WaitNothing {
					effect = WaitChoose // a choice not on offer: ask again
				}
			}
		case WaitOver:
			return nil
		}
		if err != nil {
			return err
		}
	}
}
