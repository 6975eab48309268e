package wizard

import (
	"errors"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func TestIdentityGate(t *testing.T) {
	tree := &orgmodel.Tree{Organization: "acme", Access: &orgmodel.AccessTree{}}
	for _, c := range []struct {
		gate       IdentityGate
		next       GateAction
		withAccess bool
	}{
		{IdentityGate{}, GateGoOn, true},
		{IdentityGate{Access: true}, GateOrgFirst, false},
		{IdentityGate{Access: true, OrgExists: true}, GateAsk, true},
		{IdentityGate{Access: true, OrgExists: true, On: true}, GateGoOn, true},
		{IdentityGate{Access: true, On: true}, GateGoOn, true},
		{IdentityGate{Access: true, Skipped: true}, GateGoOn, false},
		{IdentityGate{Access: true, Skipped: true, OrgExists: true}, GateGoOn, false},
	} {
		if got := c.gate.Next(); got != c.next {
			t.Errorf("%+v: Next = %v, want %v", c.gate, got, c.next)
		}
		planned := c.gate.PlanTree(tree)
		if (planned.Access != nil) != c.withAccess || planned.Organization != "acme" {
			t.Errorf("%+v: PlanTree has access %v, want %v", c.gate, planned.Access != nil, c.withAccess)
		}
	}
	if tree.Access == nil {
		t.Error("PlanTree changed the tree it was given")
	}
}

// TestIdentityWaitPolls: the full screen's wait: a read; off, so a choice
// and a tick; a stale tick does nothing; the current one reads; on, after
// being off, the plan is read again.
func TestIdentityWaitPolls(t *testing.T) {
	w := IdentityWait{Polls: true}
	if e := w.Start(); e != WaitRead || !w.Busy() {
		t.Fatalf("Start: %v, busy %v; want a read", e, w.Busy())
	}
	if e, err := w.Choose(CheckAgain); e != WaitNothing || err != nil {
		t.Errorf("a key while reading: %v, %v; want nothing", e, err)
	}
	if e := w.Answer(false, nil); e != WaitChoose || !w.Off() || !w.Polling() || w.CanEnable() {
		t.Fatalf("off: %v, off %v, polling %v, can enable %v; want a choice, polling, no click off the sandbox", e, w.Off(), w.Polling(), w.CanEnable())
	}
	stale := w.Gen()
	if e, _ := w.Choose(EnableOnSandbox); e != WaitNothing {
		t.Errorf("the click off the sandbox: %v, want nothing", e)
	}
	if e, _ := w.Choose(CheckAgain); e != WaitRead {
		t.Fatalf("check again: %v", e)
	}
	if e, _ := w.Tick(stale); e != WaitNothing {
		t.Errorf("a tick while reading: %v, want nothing", e)
	}
	w.Answer(false, nil)
	if e, _ := w.Tick(stale); e != WaitNothing {
		t.Errorf("the tick of an earlier poll: %v, want nothing", e)
	}
	if e, _ := w.Tick(w.Gen()); e != WaitRead {
		t.Fatalf("the poll's tick: %v, want a read", e)
	}
	if e := w.Answer(true, nil); e != WaitOver || !w.Over() || w.Skipped() || !w.Replan() || w.Polling() {
		t.Errorf("on: %v, over %v, skipped %v, replan %v, polling %v", e, w.Over(), w.Skipped(), w.Replan(), w.Polling())
	}
	if e := w.Answer(true, nil); e != WaitNothing {
		t.Errorf("an answer not asked for: %v", e)
	}

	// On at once: the plan read before holds access; after an apply it is
	// done, and must be read again.
	for _, applied := range []bool{false, true} {
		w := IdentityWait{Polls: true, Applied: applied}
		w.Start()
		if e := w.Answer(true, nil); e != WaitOver || w.Replan() != applied {
			t.Errorf("on at once, applied %v: %v, replan %v", applied, e, w.Replan())
		}
	}
}

// TestIdentityWaitChoices: a failed read, the sandbox's click, skipping.
func TestIdentityWaitChoices(t *testing.T) {
	w := IdentityWait{Polls: true, Sandbox: true}
	w.Start()
	denied := errors.New("AccessDeniedException")
	if e := w.Answer(false, denied); e != WaitChoose || w.Err() != denied || w.Off() || w.Polling() || !w.CanEnable() {
		t.Fatalf("a failed read: %v, err %v, off %v, polling %v, can enable %v; want a choice without a poll", e, w.Err(), w.Off(), w.Polling(), w.CanEnable())
	}
	if e, _ := w.Choose(EnableOnSandbox); e != WaitEnable || w.Err() != nil || !w.Enabling() {
		t.Fatalf("the click: %v, err %v", e, w.Err())
	}
	if e := w.Answer(false, denied); e != WaitChoose || !w.Enabling() || w.Err() != denied {
		t.Errorf("a failed click: %v, enabling %v, err %v", e, w.Enabling(), w.Err())
	}
	gen := w.Gen()
	if e, _ := w.Choose(SkipAccess); e != WaitOver || !w.Skipped() || !w.Replan() || w.CanEnable() {
		t.Errorf("skip: %v, skipped %v, replan %v", e, w.Skipped(), w.Replan())
	}
	if e, _ := w.Tick(gen); e != WaitNothing {
		t.Errorf("a tick after skipping: %v", e)
	}
	if e, _ := w.Choose(CheckAgain); e != WaitNothing {
		t.Errorf("a key once over: %v", e)
	}
	// Start again begins afresh.
	if e := w.Start(); e != WaitRead || w.Over() || w.Err() != nil || !w.Sandbox {
		t.Errorf("Start again: %v, over %v, err %v, sandbox %v", e, w.Over(), w.Err(), w.Sandbox)
	}
}

// TestIdentityWaitRun: the loop of a front end that asks one question at a
// time: it asks while off, carries out the click, and ends when on; a
// choice not on offer is asked again; an input that answers "check again"
// for ever stops at MaxChecks.
func TestIdentityWaitRun(t *testing.T) {
	on, reads, clicks, asked := false, 0, 0, 0
	io := IdentityWaitIO{
		Read:   func() (bool, error) { reads++; return on, nil },
		Enable: func() (bool, error) { clicks++; on = true; return on, nil },
	}
	answers := []WaitChoice{CheckAgain, EnableOnSandbox, EnableOnSandbox}
	io.Ask = func(w *IdentityWait) (WaitChoice, error) {
		if !w.Off() {
			t.Errorf("asked while not off")
		}
		asked++
		return answers[asked-1], nil
	}
	w := IdentityWait{Sandbox: true, MaxChecks: 50}
	if err := w.Run(io); err != nil || !w.Over() || w.Skipped() || !w.Replan() || reads != 2 || clicks != 1 || asked != 2 {
		t.Errorf("Run: %v, over %v, skipped %v, replan %v, %d reads, %d clicks, %d questions", err, w.Over(), w.Skipped(), w.Replan(), reads, clicks, asked)
	}

	// Off the sandbox the click is not on offer: asked again, then skipped.
	on, reads, clicks, asked = false, 0, 0, 0
	answers = []WaitChoice{EnableOnSandbox, SkipAccess}
	w = IdentityWait{MaxChecks: 50}
	if err := w.Run(io); err != nil || !w.Skipped() || !w.Replan() || clicks != 0 || asked != 2 || reads != 1 {
		t.Errorf("Run off the sandbox: %v, skipped %v, %d clicks, %d questions, %d reads", err, w.Skipped(), clicks, asked, reads)
	}

	on, reads = false, 0
	io.Ask = func(*IdentityWait) (WaitChoice, error) { return CheckAgain, nil }
	w = IdentityWait{MaxChecks: 5}
	err := w.Run(io)
	if err == nil || !strings.Contains(err.Error(), "still off after 5 checks") || reads != 5 {
		t.Errorf("an input that ended: %v after %d reads; want to stop after 5", err, reads)
	}

	stop := errors.New("interrupted")
	io.Ask = func(*IdentityWait) (WaitChoice, error) { return CheckAgain, stop }
	if err := (&IdentityWait{}).Run(io); !errors.Is(err, stop) {
		t.Errorf("an interrupted question: %v", err)
	}
}
