package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// environmentsScreen lists the environments, dev, staging and prod to start,
// and which of them get an account per residency.
type environmentsScreen struct {
	formHost
	undoable
	st      *state
	list    cursorList
	editing int // index edited, -1 adds
	draft   orgmodel.Environment
}

func newEnvironmentsScreen(st *state) *environmentsScreen { return &environmentsScreen{st: st} }

func (s *environmentsScreen) Init() tea.Cmd { return nil }

func (s *environmentsScreen) edit(i int) tea.Cmd {
	s.editing = i
	s.draft = orgmodel.Environment{}
	if i >= 0 {
		s.draft = s.st.design.Environments[i]
	}
	return s.openForm(editTitle("environment", i, s.draft.Name), group(wizard.EnvironmentForm(s.st.design, i, &s.draft)))
}

// save puts the submitted draft into the design.
func (s *environmentsScreen) save() tea.Cmd {
	if err := wizard.PutEnvironment(s.st.design, s.editing, s.draft); err != nil {
		return sayErr(err)
	}
	s.forget()
	return say("environment %s saved", s.draft.Name)
}

func (s *environmentsScreen) Update(msg tea.Msg) tea.Cmd {
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
	case s.list.move(keys, k, len(d.Environments)):
	case key.Matches(k, keys.Toggle) && len(d.Environments) > 0:
		s.forget()
		e := &d.Environments[s.list.cursor]
		e.PerResidency = !e.PerResidency
	case key.Matches(k, keys.Add):
		return s.edit(-1)
	case key.Matches(k, keys.Edit) && len(d.Environments) > 0:
		return s.edit(s.list.cursor)
	case key.Matches(k, keys.Delete) && len(d.Environments) > 0:
		cmd := s.deleting(d, "environment "+d.Environments[s.list.cursor].Name)
		d.Environments = slices.Delete(d.Environments, s.list.cursor, s.list.cursor+1)
		return cmd
	case key.Matches(k, keys.Undo):
		return s.undo(d)
	case key.Matches(k, keys.Next):
		if err := wizard.Check(wizard.Environments, d); err != nil {
			return sayErr(err)
		}
		s.st.goNow(wizard.Residency)
		return nil
	}
	return nil
}

func (s *environmentsScreen) View() string {
	st := s.st.styles
	if s.form != nil {
		return s.formView(st)
	}
	lines := append(st.muted(wizard.Environments.Info().Lead, s.w), "")
	var rows []string
	for _, e := range s.st.design.Environments {
		box := "[ ]"
		if e.PerResidency {
			box = "[x]"
		}
		rows = append(rows, fmt.Sprintf("%s per residency   %-16s %s", box, e.Name, st.Muted.Render(e.Description)))
	}
	tail := append([]string{""}, st.muted(nouns(len(rows), "environment")+". Press n when they are right.", s.w)...)
	return s.list.between(st, s.h, lines, rows, tail)
}

func (s *environmentsScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.form != nil {
		return editKeys()
	}
	keys := []key.Binding{k.Move, key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "per residency")), k.Add, k.Edit, k.Delete}
	if s.canUndo() {
		keys = append(keys, k.Undo)
	}
	return append(keys, k.Next)
}

// residencyScreen lists the residencies, from presets or custom, and which
// workloads serve each.
type residencyScreen struct {
	formHost
	undoable
	st      *state
	list    cursorList
	formOf  string // preset, custom, serve
	presets []string
	// presetField is the preset list: enter with none selected adds the
	// one under the cursor.
	presetField *huh.MultiSelect[string]
	// custom is the custom or edited residency; editing is its index, -1
	// for a new one.
	custom  struct{ name, regions string }
	editing int
	serve   [][]string
}

func newResidencyScreen(st *state) *residencyScreen { return &residencyScreen{st: st} }

func (s *residencyScreen) Init() tea.Cmd { return nil }

func (s *residencyScreen) openPreset() tea.Cmd {
	var opts []huh.Option[string]
	for _, p := range wizard.Presets {
		if _, taken := s.st.design.Residency(p.Name); taken {
			continue
		}
		opts = append(opts, huh.NewOption(fmt.Sprintf("%-5s %-15s %s", p.Name, p.Title, strings.Join(p.Regions, ", ")), p.Name))
	}
	if len(opts) == 0 {
		return say("every preset is in the design already")
	}
	// Several at once: a product that serves the EU and the US needs both.
	s.presets = nil
	s.formOf = "preset"
	s.presetField = huh.NewMultiSelect[string]().Title("Add residencies").
		Description("space selects several; enter adds them, or the one at >.").
		Options(opts...).Value(&s.presets).Height(min(len(opts)+2, max(s.h-6, 4)))
	return s.openForm("", huh.NewGroup(s.presetField))
}

// openCustom adds a residency (i < 0) or edits residency i in place.
func (s *residencyScreen) openCustom(i int) tea.Cmd {
	s.custom.name, s.custom.regions, s.editing = "", "", i
	if i >= 0 {
		r := s.st.design.Residencies[i]
		s.custom.name, s.custom.regions = r.Name, strings.Join(r.Regions, " ")
	}
	s.formOf = "custom"
	return s.openForm(editTitle("residency", i, s.custom.name), group(wizard.ResidencyForm(&s.custom.name, &s.custom.regions)))
}

func (s *residencyScreen) openServe() tea.Cmd {
	d := s.st.design
	if len(d.Residencies) == 0 || len(d.Workloads) == 0 {
		return say("add a residency first (p or c)")
	}
	s.serve = make([][]string, len(d.Workloads))
	var groups []*huh.Group
	for i, w := range d.Workloads {
		s.serve[i] = slices.Clone(w.Residencies)
		groups = append(groups, huh.NewGroup(choices(wizard.ServeChoice(d, i), &s.serve[i]).
			Description("space selects, enter goes on; at least one").Height(len(d.Residencies)+2)))
	}
	s.formOf = "serve"
	return s.openForm("", groups...)
}

// save puts what the submitted form chose into the design.
func (s *residencyScreen) save() tea.Cmd {
	d := s.st.design
	switch s.formOf {
	case "preset":
		s.forget()
		if len(s.presets) == 0 {
			if v, ok := s.presetField.Hovered(); ok {
				s.presets = []string{v}
			}
		}
		var added []string
		for _, name := range s.presets {
			p, _ := wizard.PresetByName(name)
			if err := wizard.AddResidency(d, orgmodel.Residency{Name: p.Name, Regions: slices.Clone(p.Regions)}); err != nil {
				return sayErr(err)
			}
			added = append(added, p.Name)
		}
		if len(added) == 1 {
			return say("residency %s added; press w to choose which workloads serve it", added[0])
		}
		return say("residencies %s added; press w to choose which workloads serve each", strings.Join(added, ", "))
	case "custom":
		if _, err := wizard.SetResidency(d, s.editing, s.custom.name, s.custom.regions); err != nil {
			return sayErr(err)
		}
		s.forget()
		if s.editing >= 0 {
			return say("residency %s saved", s.custom.name)
		}
		return say("residency %s added; press w to choose which workloads serve it", s.custom.name)
	case "serve":
		s.forget()
		for i := range d.Workloads {
			d.Workloads[i].Residencies = s.serve[i]
		}
		return say("saved which workloads serve where")
	}
	return nil
}

func (s *residencyScreen) Update(msg tea.Msg) tea.Cmd {
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
	case s.list.move(keys, k, len(d.Residencies)):
	case key.Matches(k, keys.Preset):
		return s.openPreset()
	case key.Matches(k, keys.Custom):
		return s.openCustom(-1)
	case key.Matches(k, keys.Edit) && len(d.Residencies) > 0:
		return s.openCustom(s.list.cursor)
	case key.Matches(k, keys.Serve):
		return s.openServe()
	case key.Matches(k, keys.Delete) && len(d.Residencies) > 0:
		name := d.Residencies[s.list.cursor].Name
		cmd := s.deleting(d, "residency "+name)
		wizard.RemoveResidency(d, name)
		return cmd
	case key.Matches(k, keys.Undo):
		return s.undo(d)
	case key.Matches(k, keys.Next):
		if err := wizard.Check(wizard.Residency, d); err != nil {
			return sayErr(err)
		}
		s.st.goNow(wizard.Guardrails)
		if changed := wizard.Settle(d); len(changed) > 0 {
			return say("no residency: %s gets one account per workload", strings.Join(changed, ", "))
		}
		return nil
	}
	return nil
}

func (s *residencyScreen) View() string {
	st := s.st.styles
	if s.form != nil {
		return s.formView(st)
	}
	d := s.st.design
	lines := append(st.muted(wizard.Residency.Info().Lead, s.w), "")
	if len(d.Residencies) == 0 {
		lines = append(lines, wrap("No residency. Press p for a preset (EU, US, UK, APAC ...), c for a custom one, or n to go on without.", s.w)...)
		var split []string
		for _, e := range d.Environments {
			if e.PerResidency {
				split = append(split, e.Name)
			}
		}
		if len(split) > 0 {
			lines = append(lines, "")
			for _, l := range wrapMark("!", strings.Join(split, ", ")+" is split per residency: without one it gets a single account per workload.", s.w) {
				lines = append(lines, st.Warn.Render(l))
			}
		}
		return strings.Join(lines, "\n")
	}
	var rows []string
	for _, r := range d.Residencies {
		var serving []string
		for _, w := range d.Workloads {
			if slices.Contains(w.Residencies, r.Name) {
				serving = append(serving, w.Name)
			}
		}
		who := "served by " + strings.Join(serving, ", ")
		if len(serving) == 0 {
			who = "no workload serves it yet"
		}
		rows = append(rows, fmt.Sprintf("%-6s %-30s %s", r.Name, strings.Join(r.Regions, ", "), st.Muted.Render(who)))
	}
	tail := append([]string{""}, st.muted("Press w to choose which workloads serve where, n when done.", s.w)...)
	return s.list.between(st, s.h, lines, rows, tail)
}

func (s *residencyScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.form != nil {
		if s.formOf == "custom" {
			return editKeys()
		}
		// The preset and serve forms are multiple choice.
		return []key.Binding{key.NewBinding(key.WithKeys("space"), key.WithHelp("space/x", "select")), key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
	}
	var undo []key.Binding
	if s.canUndo() {
		undo = []key.Binding{k.Undo}
	}
	if len(s.st.design.Residencies) == 0 {
		return append([]key.Binding{k.Preset, k.Custom}, append(undo, k.Next)...)
	}
	return append([]key.Binding{k.Move, k.Preset, k.Custom, k.Edit, k.Serve, k.Delete}, append(undo, k.Next)...)
}
