package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// baselineScreen is the step "Security baseline": the baseline's items
// switched on and off (space), the log retention and the alternate
// contacts edited in an embedded form (enter), a contact removed (d, u),
// and the baseline turned off or on with the proposal (t). Under the list,
// the selected item's protection, cost and default. A design that has not
// been this far, and has the Security OU, gets the proposal.
type baselineScreen struct {
	formHost
	undoable
	st   *state
	list cursorList
	// draft is the retention or contact being edited; editing its row.
	retention string
	contact   wizard.ContactAnswers
	editing   int
	proposed  bool
}

// baselineToggle turns the baseline off, or on with the proposal.
var baselineToggle = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "baseline off"))

// The rows of the step: the items with the retention after the trail,
// then the contacts.
const rowRetention = 1

var (
	rowContacts  = len(wizard.BaselineItems) + 1
	baselineRows = rowContacts + len(wizard.ContactKinds)
)

// itemAt is the index in wizard.BaselineItems of row r; -1 for the
// retention and the contacts.
func itemAt(r int) int {
	switch {
	case r == 0:
		return 0
	case r > rowRetention && r < rowContacts:
		return r - 1
	}
	return -1
}

func newBaselineScreen(st *state) *baselineScreen {
	s := &baselineScreen{st: st}
	if st.design.Baseline == nil && st.reached < wizard.Baseline && wizard.BaselineBlocked(st.design) == nil {
		s.proposed = wizard.SetBaseline(st.design, wizard.ProposeBaseline()) == nil
	}
	return s
}

func (s *baselineScreen) Init() tea.Cmd {
	if s.proposed {
		return say("baseline proposed (Security Hub off) · t turns it off")
	}
	return nil
}

func (s *baselineScreen) edit(r int) tea.Cmd {
	d := s.st.design
	s.editing = r
	if r == rowRetention {
		s.retention = ""
		if d.Baseline != nil {
			s.retention = strconv.Itoa(d.Baseline.LogRetentionDays)
		}
		return s.openForm("Log retention", group([]wizard.Field{wizard.Ask(wizard.RetentionQuestion, &s.retention)}))
	}
	k := wizard.ContactKinds[r-rowContacts]
	s.contact = wizard.ContactOf(d, k.Key)
	return s.openForm(k.Label, group(wizard.ContactForm(k, &s.contact)))
}

// save puts the submitted answers into the design; refused ones open the
// form again as typed, under the message that says what to change.
func (s *baselineScreen) save() tea.Cmd {
	d := s.st.design
	if s.editing == rowRetention {
		if err := wizard.SetRetention(d, s.retention); err != nil {
			return tea.Batch(s.openForm(s.title, group([]wizard.Field{wizard.Ask(wizard.RetentionQuestion, &s.retention)})), sayErr(err))
		}
		s.forget()
		return say("a log lasts about %d days: %d current, then %d as an old version", 2*d.Baseline.LogRetentionDays, d.Baseline.LogRetentionDays, d.Baseline.LogRetentionDays)
	}
	k := wizard.ContactKinds[s.editing-rowContacts]
	if err := wizard.PutContact(d, k.Key, s.contact); err != nil {
		return tea.Batch(s.openForm(s.title, group(wizard.ContactForm(k, &s.contact))), sayErr(err))
	}
	s.forget()
	return say("%s saved", strings.ToLower(k.Label))
}

func (s *baselineScreen) Update(msg tea.Msg) tea.Cmd {
	if s.form != nil {
		return s.updateForm(msg, s.st.keys.Back, s.save)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	d, keys := s.st.design, s.st.keys
	r := s.list.cursor
	switch {
	case key.Matches(k, baselineToggle):
		s.forget()
		if d.Baseline != nil {
			// As access off: t again proposes the defaults, u brings back
			// the baseline as it was edited.
			return s.undoably(d, "baseline", func() error { return wizard.SetBaseline(d, nil) }, "baseline off: nothing turned on, what exists left alone")
		}
		if err := wizard.BaselineBlocked(d); err != nil {
			return sayErr(err)
		}
		if err := wizard.SetBaseline(d, wizard.ProposeBaseline()); err != nil {
			return sayErr(err)
		}
		return say("baseline on with the defaults (Security Hub off)")
	case s.list.move(keys, k, baselineRows):
	case (key.Matches(k, keys.Toggle) || key.Matches(k, keys.Enter)) && itemAt(r) >= 0:
		s.forget()
		it := wizard.BaselineItems[itemAt(r)]
		on, err := wizard.ToggleItem(d, itemAt(r))
		if err != nil {
			return sayErr(err)
		}
		return say("%s %s", strings.ToLower(it.Label), wizard.OnOff(on))
	case key.Matches(k, keys.Edit) && r == rowRetention:
		if d.Baseline == nil || !d.Baseline.OrganizationTrail {
			return say("the log retention is the trail's: turn the organization trail on first")
		}
		return s.edit(r)
	case key.Matches(k, keys.Edit) && r >= rowContacts:
		return s.edit(r)
	case key.Matches(k, keys.Delete) && r >= rowContacts:
		kind := wizard.ContactKinds[r-rowContacts]
		if wizard.ContactOf(d, kind.Key).Email == "" {
			return nil
		}
		what := strings.ToLower(kind.Label)
		return s.undoably(d, what, func() error { return wizard.RemoveContact(d, kind.Key) }, what+" deleted")
	case key.Matches(k, keys.Undo):
		return s.undo(d)
	case key.Matches(k, keys.Next):
		if err := wizard.Check(wizard.Baseline, d); err != nil {
			return sayErr(err)
		}
		s.st.goNow(wizard.Access)
	}
	return nil
}

// rows are the list's rows: each item's switch and default, the
// retention, the contacts.
func (s *baselineScreen) rows() []string {
	st := s.st.styles
	d := s.st.design
	check := func(on bool) string {
		if on {
			return "[x] "
		}
		return "[ ] "
	}
	var rows []string
	for i, it := range wizard.BaselineItems {
		on := d.Baseline != nil && *it.Value(d.Baseline)
		rows = append(rows, check(on)+it.Label+st.Muted.Render(" · default "+it.Default()))
		if i == 0 {
			days := st.Muted.Render("(trail off)")
			if d.Baseline != nil && d.Baseline.OrganizationTrail {
				days = strconv.Itoa(d.Baseline.LogRetentionDays) + " days"
			}
			rows = append(rows, "    "+wizard.RetentionItem.Label+": "+days+st.Muted.Render(" · default "+strconv.Itoa(orgmodel.DefaultLogRetentionDays)))
		}
	}
	for _, k := range wizard.ContactKinds {
		rows = append(rows, k.Label+": "+wizard.ContactLine(d, k.Key))
	}
	for i := range rows {
		rows[i] = clip(rows[i], max(s.w-2, 10))
	}
	return rows
}

// detail is what the selected row protects and what it costs, a
// paragraph each.
func (s *baselineScreen) detail() []string { return s.detailOf(s.list.cursor) }

// detailOf is row r's detail.
func (s *baselineScreen) detailOf(r int) []string {
	var protects, costs string
	switch {
	case itemAt(r) >= 0:
		it := wizard.BaselineItems[itemAt(r)]
		protects, costs = it.Protects, it.Costs
	case r == rowRetention:
		protects, costs = wizard.RetentionItem.Protects, wizard.RetentionItem.Costs
	default:
		protects, costs = wizard.ContactsItem.Protects, wizard.ContactsItem.Costs
	}
	return append(wrap("Protects: "+protects, s.w), wrap("Costs: "+costs, s.w)...)
}

// detailH is the longest detail of any row: the layout is made for it, so
// that moving the cursor never moves the lead or the list.
func (s *baselineScreen) detailH() int {
	h := 0
	for r := range baselineRows {
		h = max(h, len(s.detailOf(r)))
	}
	return h
}

func (s *baselineScreen) View() string {
	st := s.st.styles
	if s.form != nil {
		return s.formView(st)
	}
	d := s.st.design
	s.list.clamp(baselineRows)
	var state []string
	switch {
	case d.Baseline == nil && wizard.BaselineBlocked(d) != nil:
		state = wrapMark(st.Warn.Render("!"), "The baseline cannot be turned on: "+wizard.BaselineBlocked(d).Error(), s.w)
	case d.Baseline == nil:
		state = wrap(wizard.BaselineOffText+" Press t to turn it on with the defaults.", s.w)
	}
	detail, detailH := s.detail(), s.detailH()
	if len(state) > 0 && d.Baseline == nil && len(state)+3+detailH > s.h {
		// A short window says it in brief; space on an item says it all.
		if wizard.BaselineBlocked(d) != nil {
			state = wrapMark(st.Warn.Render("!"), wizard.BaselineBlockedShort, s.w)
		} else {
			state = wrap(wizard.BaselineOffShort, s.w)
		}
	}
	intro := wrap(wizard.Baseline.Info().Lead, s.w)
	var lines []string
	// The lead gives way first when the window is short, then the blank
	// line above the detail, then the list's rows (at least three shown),
	// then the detail's last lines. Each is decided for the longest
	// detail, whichever row is selected.
	if len(intro)+1+len(state)+detailH+1+baselineRows <= s.h {
		lines = append(lines, st.Muted.Render(strings.Join(intro, "\n")), "")
	}
	lines = append(lines, state...)
	gap := 1
	if len(lines)+baselineRows+1+detailH > s.h {
		gap = 0
	}
	s.list.h = max(min(baselineRows, s.h-len(lines)-gap-detailH), 3)
	s.list.clamp(baselineRows)
	lines = append(lines, s.list.window(st, s.rows())...)
	if gap > 0 {
		lines = append(lines, "")
	}
	lines = append(lines, detail...)
	if len(lines) > s.h && s.h > 0 {
		lines = lines[:s.h]
		lines[s.h-1] = clip(lines[s.h-1]+" …", s.w)
	}
	return strings.Join(lines, "\n")
}

func (s *baselineScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.form != nil {
		return editKeys()
	}
	undo := s.undoKeys(k)
	toggle := baselineToggle
	if s.st.design.Baseline == nil {
		toggle.SetHelp("t", "baseline on")
	}
	r := s.list.cursor
	var row []key.Binding
	switch {
	case itemAt(r) >= 0:
		row = []key.Binding{k.Toggle}
	case r == rowRetention:
		row = []key.Binding{k.Edit}
	default:
		row = []key.Binding{k.Edit, k.Delete}
	}
	return append(append([]key.Binding{k.Move}, row...), append([]key.Binding{toggle}, append(undo, k.Next)...)...)
}
