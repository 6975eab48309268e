package apply

import (
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// TestPacer: one scout learns while nothing is known, the others wait for
// it; once a creation has ended, each is looked at just after its expected
// end, then at short steps.
func TestPacer(t *testing.T) {
	opt := Options{PollInitial: time.Second, PollMax: 15 * time.Second}
	p := newPacer(0)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	var scoutA, scoutB bool
	if wait, _ := p.next(opt, t0, t0, 0, &scoutA); wait != time.Second || !scoutA {
		t.Errorf("first creation: wait %s, scout %v; want 1s as the scout", wait, scoutA)
	}
	waitB, changed := p.next(opt, t0, t0, 0, &scoutB)
	if waitB != opt.PollMax || scoutB {
		t.Errorf("second creation: wait %s, scout %v; want PollMax, not a scout", waitB, scoutB)
	}
	// The scout looks again within 15% of the time elapsed.
	if wait, _ := p.next(opt, t0.Add(10*time.Second), t0, 3, &scoutA); wait != 1500*time.Millisecond {
		t.Errorf("scout after 10 s: wait %s, want 1.5s", wait)
	}

	p.learn(orgmodel.AccountCreation{Requested: t0, Completed: t0.Add(20 * time.Second)})
	select {
	case <-changed:
	default:
		t.Fatal("the waiting creations were not woken when the pacer learnt")
	}
	// Started 5 s ago: due at 20 s plus 2%.
	start := t0.Add(-5 * time.Second)
	if wait, _ := p.next(opt, t0, start, 0, &scoutB); wait != opt.PollMax {
		t.Errorf("15.4 s before its end: wait %s, want PollMax", wait)
	}
	if wait, _ := p.next(opt, t0.Add(10*time.Second), start, 1, &scoutB); wait != 5400*time.Millisecond {
		t.Errorf("5.4 s before its end: wait %s, want 5.4s", wait)
	}
	if wait, _ := p.next(opt, t0.Add(16*time.Second), start, 2, &scoutA); wait != time.Second || scoutA {
		t.Errorf("just past its end: wait %s (scout %v), want a twentieth of 20 s and no scout", wait, scoutA)
	}
	// A second creation of 30 s moves the estimate to the mean, 25 s.
	p.learn(orgmodel.AccountCreation{Requested: t0, Completed: t0.Add(30 * time.Second)})
	if p.estimate != 25*time.Second {
		t.Errorf("estimate %s, want 25s", p.estimate)
	}
}
