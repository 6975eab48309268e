package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/wizard"
)

// accessScreen is the step "Who works where": the design's groups, each
// edited in an embedded form (a, enter, d, u), and access turned off or on
// (t). A design that has not been this far gets the proposal.
type accessScreen struct {
	formHost
	undoable
	st      *state
	list    cursorList
	editing int // index edited, -1 adds
	draft   wizard.GroupAnswers
	// proposed says the proposal was put in on entering, for the footer.
	proposed bool
}

// accessToggle turns access off, or on with the proposal.
var accessToggle = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "access off"))

func newAccessScreen(st *state) *accessScreen {
	s := &accessScreen{st: st}
	if st.design.Access == nil && st.reached < wizard.Access {
		s.proposed = wizard.SetAccess(st.design, wizard.ProposeAccess(st.design)) == nil
	}
	return s
}

func (s *accessScreen) Init() tea.Cmd {
	if s.proposed {
		return say("%s proposed from your workloads; edit them, or press t to turn access off", nouns(len(s.st.design.Access.Groups), "group"))
	}
	return nil
}

func (s *accessScreen) groups() int {
	if a := s.st.design.Access; a != nil {
		return len(a.Groups)
	}
	return 0
}

func (s *accessScreen) edit(i int) tea.Cmd {
	s.editing = i
	s.draft = wizard.GroupAnswers{}
	title := editTitle("group", i, "")
	if i >= 0 {
		g := s.st.design.Access.Groups[i]
		s.draft = wizard.GroupOf(g)
		title = editTitle("group", i, g.Name)
	}
	return s.openForm(title, group(wizard.GroupForm(s.st.design, i, &s.draft)))
}

// save puts the submitted group into the design; a refused one opens the
// form again as it was typed, under the message that says what to change.
func (s *accessScreen) save() tea.Cmd {
	g, err := wizard.PutGroup(s.st.design, s.editing, s.draft)
	if err != nil {
		title := s.title
		cmd := s.openForm(title, group(wizard.GroupForm(s.st.design, s.editing, &s.draft)))
		return tea.Batch(cmd, sayErr(err))
	}
	s.forget()
	if s.editing < 0 {
		s.list.cursor = s.groups() - 1
	}
	return say("group %s saved", g.Name)
}

func (s *accessScreen) Update(msg tea.Msg) tea.Cmd {
	if s.form != nil {
		return s.updateForm(msg, s.st.keys.Back, s.save)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	d, keys := s.st.design, s.st.keys
	switch {
	case key.Matches(k, accessToggle):
		s.forget()
		if d.Access != nil {
			return s.undoably(d, "access", func() error { return wizard.SetAccess(d, nil) }, "access off: orgwizard leaves IAM Identity Center alone")
		}
		if err := wizard.SetAccess(d, wizard.ProposeAccess(d)); err != nil {
			return sayErr(err)
		}
		s.list.cursor = 0
		return say("access on: %s proposed", nouns(s.groups(), "group"))
	case s.list.move(keys, k, s.groups()):
	case key.Matches(k, keys.Add):
		return s.edit(-1)
	case key.Matches(k, keys.Edit) && s.groups() > 0:
		return s.edit(s.list.cursor)
	case key.Matches(k, keys.Delete) && s.groups() > 0:
		what := "group " + d.Access.Groups[s.list.cursor].Name
		cmd := s.undoably(d, what, func() error { return wizard.RemoveGroup(d, s.list.cursor) }, what+" deleted")
		s.list.clamp(s.groups())
		return cmd
	case key.Matches(k, keys.Undo):
		return s.undo(d)
	case key.Matches(k, keys.Next):
		if err := wizard.Check(wizard.Access, d); err != nil {
			return sayErr(err)
		}
		s.st.goNow(wizard.Preview)
	}
	return nil
}

func (s *accessScreen) View() string {
	st := s.st.styles
	if s.form != nil {
		return s.formView(st)
	}
	d := s.st.design
	intro := wrap(wizard.Access.Info().Lead, s.w)
	if d.Access == nil {
		lines := []string{st.Muted.Render(strings.Join(intro, "\n")), ""}
		lines = append(lines, wrap(wizard.AccessOffText, s.w)...)
		return strings.Join(append(lines, "", "Press t to turn access on with the proposed groups, or n to go on without it."), "\n")
	}
	// The selected group's grants, under the list; the lead gives way
	// first when the window is short.
	var detail []string
	if n := s.groups(); n > 0 {
		s.list.clamp(n)
		g := d.Access.Groups[s.list.cursor]
		detail = append(detail, st.Bold.Render(g.Name)+st.Muted.Render(" · "+nouns(len(g.Members), "member")))
		if len(g.Grants) == 0 {
			detail = append(detail, st.Warn.Render("  no grant: its people get in nowhere (enter edits it)"))
		}
		for _, gr := range g.Grants {
			detail = append(detail, wrapMark(" ", wizard.FormatGrant(gr), s.w)...)
		}
	}
	var lines []string
	if len(intro)+2+len(detail)+min(s.groups(), 3) <= s.h {
		lines = append(lines, st.Muted.Render(strings.Join(intro, "\n")), "")
	}
	if s.groups() == 0 {
		lines = append(lines, "No group yet. Press a to add one, or t twice for the proposed ones.")
		return strings.Join(lines, "\n")
	}
	nameW := 0
	for _, g := range d.Access.Groups {
		nameW = max(nameW, len(g.Name))
	}
	nameW = min(nameW, max(s.w/2, 12))
	var rows []string
	for _, g := range d.Access.Groups {
		row := padRight(clip(g.Name, nameW), nameW) + "  " + nouns(len(g.Grants), "grant")
		if len(g.Members) > 0 {
			row += st.Muted.Render("  · " + strings.Join(g.Members, ", "))
		}
		rows = append(rows, row)
	}
	s.list.h = max(s.h-len(lines)-len(detail)-1, 1)
	lines = append(lines, s.list.window(st, rows)...)
	lines = append(lines, "")
	return strings.Join(append(lines, detail...), "\n")
}

// padRight pads s with spaces to w cells.
func padRight(s string, w int) string {
	if n := w - len([]rune(s)); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

func (s *accessScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.form != nil {
		return editKeys()
	}
	undo := s.undoKeys(k)
	if s.st.design.Access == nil {
		on := accessToggle
		on.SetHelp("t", "access on")
		return append([]key.Binding{on}, append(undo, k.Next)...)
	}
	if s.groups() == 0 {
		return append([]key.Binding{k.Add, accessToggle}, append(undo, k.Next)...)
	}
	return append([]key.Binding{k.Move, k.Add, k.Edit, k.Delete, accessToggle}, append(undo, k.Next)...)
}
