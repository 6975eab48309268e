package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// workloadsScreen lists the workloads; a, enter and d add, edit and remove
// one, and an embedded form edits it.
type workloadsScreen struct {
	formHost
	undoable
	st      *state
	list    cursorList
	editing int // index edited, -1 adds
	draft   orgmodel.Workload
}

func newWorkloadsScreen(st *state) *workloadsScreen { return &workloadsScreen{st: st} }

func (s *workloadsScreen) Init() tea.Cmd { return nil }

func (s *workloadsScreen) edit(i int) tea.Cmd {
	s.editing = i
	s.draft = orgmodel.Workload{}
	if i >= 0 {
		s.draft = s.st.design.Workloads[i]
	}
	return s.openForm(editTitle("workload", i, s.draft.Name), group(wizard.WorkloadForm(s.st.design, i, &s.draft)))
}

// save puts the submitted draft into the design.
func (s *workloadsScreen) save() tea.Cmd {
	d := s.st.design
	s.draft.Name = strings.TrimSpace(s.draft.Name)
	if err := wizard.PutWorkload(d, s.editing, s.draft); err != nil {
		return sayErr(err)
	}
	s.forget()
	if s.editing < 0 {
		s.list.cursor = len(d.Workloads) - 1
	}
	return say("workload %s saved", s.draft.Name)
}

func (s *workloadsScreen) Update(msg tea.Msg) tea.Cmd {
	if s.form != nil {
		return s.updateForm(msg, s.st.keys.Back, s.save)
	}
	d := s.st.design
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	keys := s.st.keys
	switch {
	case s.list.move(keys, k, len(d.Workloads)):
	case key.Matches(k, keys.Add):
		return s.edit(-1)
	case key.Matches(k, keys.Edit) && len(d.Workloads) > 0:
		return s.edit(s.list.cursor)
	case key.Matches(k, keys.Delete) && len(d.Workloads) > 0:
		cmd := s.deleting(d, "workload "+d.Workloads[s.list.cursor].Name)
		d.Workloads = append(d.Workloads[:s.list.cursor:s.list.cursor], d.Workloads[s.list.cursor+1:]...)
		s.list.clamp(len(d.Workloads))
		return cmd
	case key.Matches(k, keys.Undo):
		return s.undo(d)
	case key.Matches(k, keys.Examples):
		s.forget()
		added := 0
		for _, w := range wizard.ExampleWorkloads[:2] {
			if wizard.PutWorkload(d, -1, w) == nil {
				added++
			}
		}
		return say("%d example workloads added; edit them to match your product", added)
	case key.Matches(k, keys.Next):
		if err := wizard.Check(wizard.Workloads, d); err != nil {
			return sayErr(err)
		}
		s.st.goNow(wizard.Environments)
		return nil
	}
	return nil
}

func (s *workloadsScreen) View() string {
	st := s.st.styles
	if s.form != nil {
		return s.formView(st)
	}
	lines := append(st.muted(wizard.Workloads.Info().Lead, s.w), "")
	d := s.st.design
	if len(d.Workloads) == 0 {
		lines = append(lines, wrap("No workload yet. Press a to add one, or s to start from two examples.", s.w)...)
		return strings.Join(lines, "\n")
	}
	var rows []string
	for _, w := range d.Workloads {
		row := fmt.Sprintf("%-24s %s", w.Name, w.Description)
		if w.Owner != "" {
			row += st.Muted.Render("  · " + w.Owner)
		}
		rows = append(rows, row)
	}
	tail := append([]string{""}, st.muted(nouns(len(d.Workloads), "workload")+" × "+nouns(len(d.Environments), "environment")+". Press n when the list is complete.", s.w)...)
	return s.list.between(st, s.h, lines, rows, tail)
}

func (s *workloadsScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.form != nil {
		return editKeys()
	}
	undo := s.undoKeys(k)
	if len(s.st.design.Workloads) == 0 {
		return append([]key.Binding{k.Add, k.Examples}, undo...)
	}
	return append([]key.Binding{k.Move, k.Add, k.Edit, k.Delete}, append(undo, k.Next)...)
}
