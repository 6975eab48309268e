package apply

import (
	"sync"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// pacer decides when to look at a creation in progress. AWS says how long
// each finished creation took (its requested and completed times); the
// pacer keeps their mean and has every creation looked at right after its
// expected end, then at short steps. Until one creation has ended (and when
// Options.CreationTime does not say), one creation, the scout, is looked at
// often enough to see its end within 15% of its duration, and the others
// wait for what it learns: five creations polled that closely would spend
// the budget of looks on nothing.
type pacer struct {
	mu       sync.Mutex
	estimate time.Duration // the expected duration of a creation; 0 unknown
	seen     int           // creations the estimate is the mean of
	scout    bool
	changed  chan struct{} // closed and replaced when the estimate or the scout changes
}

func newPacer(estimate time.Duration) *pacer {
	return &pacer{estimate: max(estimate, 0), changed: make(chan struct{})}
}

// notify wakes every waiting creation to recompute its wait. Callers hold mu.
func (p *pacer) notify() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// learn takes the duration of a creation that ended.
func (p *pacer) learn(c orgmodel.AccountCreation) {
	if c.Requested.IsZero() || c.Completed.IsZero() || !c.Completed.After(c.Requested) {
		return
	}
	d := c.Completed.Sub(c.Requested)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen++
	if p.seen == 1 {
		p.estimate = d
	} else {
		p.estimate += (d - p.estimate) / time.Duration(p.seen)
	}
	p.notify()
}

func (p *pacer) leaveScout() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.scout = false
	p.notify()
}

// minLookStep is the shortest wait between two looks at one creation.
const minLookStep = time.Millisecond

// next returns how long to wait before the next look at a creation that
// started at start and has been looked at looks times, and a channel closed
// when that wait should be recomputed. scout is the caller's scout role,
// taken or given up here.
func (p *pacer) next(opt Options, now, start time.Time, looks int, scout *bool) (time.Duration, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := max(now.Sub(start), 0)
	if p.estimate > 0 {
		if *scout {
			*scout, p.scout = false, false
		}
		// A little after the expected end: a look just before it is wasted.
		due := start.Add(p.estimate + p.estimate/50)
		if now.Before(due) {
			return min(due.Sub(now), opt.PollMax), p.changed
		}
		late := now.Sub(due)
		return clamp(max(p.estimate/20, late/4), minLookStep, opt.PollMax), p.changed
	}
	if p.scout && !*scout {
		// The scout learns for everyone; this one waits for it (or for
		// PollMax, should the scout be slow).
		return opt.PollMax, p.changed
	}
	*scout, p.scout = true, true
	if looks == 0 {
		return clamp(opt.PollInitial-elapsed, minLookStep, opt.PollMax), p.changed
	}
	return clamp(elapsed*15/100, max(opt.PollInitial/4, minLookStep), opt.PollMax), p.changed
}

func clamp(d, lo, hi time.Duration) time.Duration {
	return max(lo, min(d, hi))
}
