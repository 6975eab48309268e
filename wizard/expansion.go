package wizard

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Expansion keeps the expansion of a design and expands it again only when
// the design has changed. The wizard counts the design's accounts on every
// key and every frame; expanding a design of a thousand accounts takes
// milliseconds, reading whether it changed takes a fraction of that.
//
// The screens change the design in place, anywhere, so the design's content
// is the key, not a version someone must remember to bump: its JSON form
// (every field the expansion reads) and its address (a design read from a
// file is a new one, with its own line positions for the errors).
//
// The trees it returns are shared between calls: read them, never change
// them. The zero value is ready to use.
type Expansion struct {
	design *orgmodel.Design
	key    []byte
	tree   *orgmodel.Tree
	err    error
	// settled is Settled's answer for the same key, once asked.
	settled     *orgmodel.Tree
	settledErr  error
	settledDone bool
	// expansions counts the expansions made, for the tests.
	expansions int
}

// Of is d.Expand(), from the cache while d is unchanged.
func (x *Expansion) Of(d *orgmodel.Design) (*orgmodel.Tree, error) {
	if d == nil {
		return nil, nil
	}
	x.refresh(d)
	return x.tree, x.err
}

// Settled is the expansion of d, or, when d does not expand, of d as
// leaving the residency step settles it (Settle): before that step an
// environment split by residency has none to split by, and going on without
// one gives one account per workload. The error is d's own when settling
// changes nothing.
func (x *Expansion) Settled(d *orgmodel.Design) (*orgmodel.Tree, error) {
	if d == nil {
		return nil, nil
	}
	x.refresh(d)
	if x.err == nil {
		return x.tree, nil
	}
	if !x.settledDone {
		x.settledDone = true
		x.settled, x.settledErr = nil, x.err
		s := *d
		s.Environments = slices.Clone(d.Environments)
		if Settle(&s) != nil {
			x.expansions++
			x.settled, x.settledErr = s.Expand()
		}
	}
	return x.settled, x.settledErr
}

// Expansions is how many times the design was expanded, not read from the
// cache.
func (x *Expansion) Expansions() int { return x.expansions }

// refresh expands d again when it is another design or its content changed.
func (x *Expansion) refresh(d *orgmodel.Design) {
	key, err := json.Marshal(d)
	if err == nil && d == x.design && bytes.Equal(key, x.key) {
		return
	}
	x.design, x.key = d, key
	if err != nil {
		// Never the case for a design's plain fields; expand every time
		// rather than keep a tree that may be stale.
		x.design, x.key = nil, nil
	}
	x.expansions++
	x.tree, x.err = d.Expand()
	x.settled, x.settledErr, x.settledDone = nil, nil, false
}
