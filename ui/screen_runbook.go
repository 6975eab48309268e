package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// runbookPicker is way (b) on the done screen: the user chooses, resource by
// resource, the member account of the design it moves to (the tags' guess
// first), and the wizard writes the runbook next to the design. It comes
// after the apply because the destinations are the design's accounts.
type runbookPicker struct {
	st      *state
	in      migrate.RunbookInput
	entries []migrate.RunbookEntry
	to      []string // the chosen destination per entry, "" undecided
	dests   []string // the design's accounts, then "" (undecided)
	list    cursorList
	writing bool
	err     error
	w, h    int
}

type runbookWrittenMsg struct {
	path string
	err  error
}

var (
	pickKeys  = key.NewBinding(key.WithKeys("left", "right", "space"), key.WithHelp("←/→", "destination"))
	writeKey  = key.NewBinding(key.WithKeys("w", "enter"), key.WithHelp("w", "write the runbook"))
	runbookOn = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "move resources out (runbook)"))
)

func newRunbookPicker(st *state) *runbookPicker {
	p := &runbookPicker{st: st}
	p.in = migrate.RunbookInput{Account: st.inventory.Account, Target: st.target.Describe, Inventory: st.inventory, Design: st.tree,
		ResidencyOf: residencyOf(st.design)}
	p.entries = migrate.Entries(p.in)
	for _, a := range st.tree.Accounts {
		if a.Kind != orgmodel.AdoptedKind {
			p.dests = append(p.dests, a.Name)
		}
	}
	p.dests = append(p.dests, "")
	p.to = make([]string, len(p.entries))
	for i, e := range p.entries {
		p.to[i] = e.To
	}
	return p
}

// residencyOf maps a region to the design's residency, for the tags' guess.
func residencyOf(d *orgmodel.Design) func(string) string {
	return func(region string) string {
		for _, r := range d.Residencies {
			if slices.Contains(r.Regions, region) {
				return r.Name
			}
		}
		return ""
	}
}

func (p *runbookPicker) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case runbookWrittenMsg:
		p.writing, p.err = false, msg.err
		return nil
	case tea.KeyPressMsg:
		if p.list.move(p.st.keys, msg, len(p.entries)) {
			return nil
		}
		switch {
		case key.Matches(msg, pickKeys) && len(p.entries) > 0:
			step := 1
			if msg.String() == "left" {
				step = -1
			}
			i := p.list.cursor
			at := max(slices.Index(p.dests, p.to[i]), 0)
			p.to[i] = p.dests[(at+step+len(p.dests))%len(p.dests)]
		case key.Matches(msg, writeKey) && !p.writing:
			return p.write()
		}
	}
	return nil
}

// write renders the runbook and writes it atomically next to the design.
func (p *runbookPicker) write() tea.Cmd {
	p.writing = true
	in := p.in
	in.Assign = migrate.Assignment{}
	for i, e := range p.entries {
		if p.to[i] != "" {
			in.Assign[e.Item.Key()] = p.to[i]
		}
	}
	md := migrate.Runbook(in)
	path := filepath.Join(filepath.Dir(p.st.path), wizard.RunbookFile)
	save := p.st.save
	return func() tea.Msg {
		var err error
		if save != nil {
			err = save(path, []byte(md))
		}
		return runbookWrittenMsg{path: path, err: err}
	}
}

func (p *runbookPicker) view() string {
	st := p.st.styles
	undecided := 0
	for _, t := range p.to {
		if t == "" {
			undecided++
		}
	}
	lines := wrapMark(st.Active.Render("▸"), fmt.Sprintf("Way (b): where does each of the %d resources of account %s go? The tags' guess is marked; %d undecided.", len(p.entries), p.in.Account, undecided), p.w)
	if p.err != nil {
		lines = append(lines, wrapMark(st.Fail.Render("✗"), "could not write the runbook: "+p.err.Error(), p.w)...)
	}
	lines = append(lines, "")
	rows := make([]string, len(p.entries))
	outside := 0
	for i, e := range p.entries {
		to := p.to[i]
		switch {
		case to == "":
			to = "(to choose)"
		case e.Suggested && to == e.To:
			to += " (tags)"
		}
		if p.warning(i) != "" {
			// The mark comes first, so that a narrow terminal never cuts it.
			to = "⚠ " + to
			outside++
		}
		rows[i] = fmt.Sprintf("%-24s %-14s → %s", clip(e.Item.Type+" "+e.Item.Name, 24), e.Item.Region, to)
	}
	if outside > 0 {
		lines = append(lines[:len(lines)-1], wrapMark(st.Warn.Render("⚠"), fmt.Sprintf("%d going to an account whose region lock does not allow their region.", outside), p.w)...)
		lines = append(lines, "")
	}
	detail := 2
	if len(p.entries) > 0 && p.warning(p.list.cursor) != "" {
		detail += len(wrap(p.warning(p.list.cursor), p.w-2))
	}
	p.list.h = max(p.h-len(lines)-detail, 1)
	lines = append(lines, p.list.window(st, rows)...)
	if len(p.entries) > 0 {
		e := p.entries[p.list.cursor]
		lines = append(lines, "", st.Muted.Render(clip("how: "+e.Way.Summary, p.w)))
		if w := p.warning(p.list.cursor); w != "" {
			lines = append(lines, wrapMark(st.Warn.Render("⚠"), w, p.w)...)
		}
	}
	return strings.Join(lines, "\n")
}

// warning is why entry i's chosen destination cannot take it as it is (its
// region is outside the account's region lock), or "".
func (p *runbookPicker) warning(i int) string {
	return migrate.RegionWarning(p.entries[i].Item, p.to[i], p.st.tree)
}

func (p *runbookPicker) keys() []key.Binding {
	return []key.Binding{p.st.keys.Move, pickKeys, writeKey, back("back")}
}
