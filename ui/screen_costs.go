package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// costsScreen is the organization's spend this month, over the screen it
// was opened from (the preflight or the Done screen), which esc returns to
// as it was. The spend is read once (or from the costs command's cache);
// switching the grouping only computes it again.
type costsScreen struct {
	st      *state
	by      int // index in costview.Dimensions
	loading bool
	err     error
	report  *CostsReport
	view    costview.View
	tree    *orgmodel.Tree
	top     int
	w, h    int
}

type costsLoadedMsg struct {
	r   CostsReport
	err error
}

// openCostsMsg asks the root to open the costs screen.
type openCostsMsg struct{}

func openCosts() tea.Msg { return openCostsMsg{} }

var (
	costsKey     = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "costs"))
	costsBy      = key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "grouping"))
	costsRefresh = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh"))
	costsScroll  = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))
	costsBack    = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
)

func newCostsScreen(st *state) *costsScreen {
	s := &costsScreen{st: st, loading: true, tree: st.tree}
	if s.tree == nil && st.design != nil {
		// From the preflight: the design read in, when it is whole.
		if t, err := st.design.Expand(); err == nil {
			s.tree = t
		}
	}
	return s
}

func (s *costsScreen) load(refresh bool) tea.Cmd {
	s.loading, s.err = true, nil
	b, ctx := s.st.backend, s.st.ctx
	return func() tea.Msg {
		r, err := b.Costs(ctx, refresh)
		return costsLoadedMsg{r, err}
	}
}

func (s *costsScreen) compute() {
	if s.report == nil {
		return
	}
	in := s.report.Input
	in.Tree = s.tree
	s.view = costview.Compute(in, costview.Dimensions[s.by])
}

func (s *costsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case costsLoadedMsg:
		s.loading, s.err = false, msg.err
		if msg.err == nil {
			s.report = &msg.r
			s.compute()
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, costsRefresh) && !s.loading:
			return s.load(true)
		case msg.String() == "tab" && s.report != nil:
			s.by = (s.by + 1) % len(costview.Dimensions)
			s.top = 0
			s.compute()
		case msg.String() == "shift+tab" && s.report != nil:
			s.by = (s.by + len(costview.Dimensions) - 1) % len(costview.Dimensions)
			s.top = 0
			s.compute()
		case key.Matches(msg, s.st.keys.Up):
			s.top = max(s.top-1, 0)
		case key.Matches(msg, s.st.keys.Down):
			s.top++
		case key.Matches(msg, s.st.keys.PageDown):
			s.top += max(s.h-4, 1)
		case key.Matches(msg, s.st.keys.PageUp):
			s.top = max(s.top-max(s.h-4, 1), 0)
		}
	}
	return nil
}

func (s *costsScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *costsScreen) Keys() []key.Binding {
	if s.report == nil {
		return []key.Binding{costsRefresh, costsBack}
	}
	return []key.Binding{costsBy, costsScroll, costsRefresh, costsBack}
}

// costsFacts are what the view says beside its bars, written once: the
// screen draws them (the first two on top, the budgets as bars, the fetch
// at the bottom), accessible mode says them.
type costsFactSet struct {
	top, budgets, fetch []fact
}

func (f costsFactSet) all() []fact {
	return append(append(append([]fact{}, f.top...), f.budgets...), f.fetch...)
}

func costsFacts(v costview.View, r CostsReport) costsFactSet {
	var facts []fact
	if m := v.Management; m != nil {
		name := m.ID
		if m.Name != "" {
			name = m.Name + " (" + m.ID + ")"
		}
		amount := costview.Money(m.MonthToDate, v.Currency)
		limit := costview.Money(costview.CleanManagementThreshold, v.Currency)
		if m.Clean {
			facts = append(facts, fact{factOK, fmt.Sprintf("Management account %s: %s this month, under %s: clean. It runs nothing but the organization.", name, amount, limit), ""})
		} else {
			facts = append(facts, fact{factBad, fmt.Sprintf("Management account %s: %s this month, %s or more: workloads run there, outside every guardrail. Move them to member accounts (orgwizard migrate runbook).", name, amount, limit), ""})
		}
	}
	month, _ := time.Parse("2006-01", v.Month)
	switch {
	case v.Forecast != nil:
		facts = append(facts, fact{factInfo, fmt.Sprintf("Month to date %s; AWS's forecast for %s: %s.", costview.Money(v.MonthToDate, v.Currency), month.Format("January"), costview.Money(*v.Forecast, v.Currency)), ""})
	case v.NoForecast != "":
		facts = append(facts, fact{factInfo, fmt.Sprintf("Month to date %s. %s.", costview.Money(v.MonthToDate, v.Currency), v.NoForecast), ""})
	default:
		facts = append(facts, fact{factInfo, fmt.Sprintf("Month to date %s.", costview.Money(v.MonthToDate, v.Currency)), ""})
	}
	set := costsFactSet{top: facts}
	facts = nil
	switch {
	case r.BudgetsErr != nil:
		facts = append(facts, fact{factWarn, "The budgets could not be read: " + r.BudgetsErr.Error(), ""})
	case len(r.Budgets) == 0:
		facts = append(facts, fact{factInfo, "No budgets yet.", ""})
	default:
		for _, b := range r.Budgets {
			text := fmt.Sprintf("Budget %s: %s of %s, %.0f%%", b.Name, costview.Money(b.Actual, b.Currency), costview.Money(b.Limit, b.Currency), b.Percent())
			if b.Forecast != nil {
				text += fmt.Sprintf("; forecast %s", costview.Money(*b.Forecast, b.Currency))
			}
			switch p := b.Percent(); {
			case p >= 100:
				facts = append(facts, fact{factBad, text + ": over budget.", ""})
			case p >= 80:
				facts = append(facts, fact{factWarn, text + ".", ""})
			default:
				facts = append(facts, fact{factOK, text + ".", ""})
			}
		}
	}
	set.budgets = facts
	set.fetch = []fact{{factInfo, requestsText(r.Fetch), ""}}
	if r.CacheErr != nil {
		set.fetch = append(set.fetch, fact{factWarn, fmt.Sprintf("Could not keep Cost Explorer's answer (%v); the next view asks again.", r.CacheErr), ""})
	}
	return set
}

// requestsText says what the view cost in Cost Explorer requests.
func requestsText(f costview.Fetch) string {
	price := costview.Money(f.PricePerRequest, "USD")
	switch {
	case f.FromCache:
		return fmt.Sprintf("0 Cost Explorer requests: from the cache, fetched %s ago (r asks AWS again, at %s a request).", costsAge(f.Age), price)
	case f.Requests == 1:
		return fmt.Sprintf("1 Cost Explorer request, %s; kept %s in the cache.", price, cacheFor())
	}
	return fmt.Sprintf("%d Cost Explorer requests, %s at %s each; kept %s in the cache.", f.Requests, costview.Money(float64(f.Requests)*f.PricePerRequest, "USD"), price, cacheFor())
}

// requestsLine is requestsText in one line of the screen, where the keys
// say that r refreshes.
func requestsLine(f costview.Fetch) string {
	switch {
	case f.FromCache:
		return fmt.Sprintf("0 Cost Explorer requests: from the cache, fetched %s ago.", costsAge(f.Age))
	case f.Requests == 1:
		return fmt.Sprintf("1 Cost Explorer request, %s; kept %s.", costview.Money(f.PricePerRequest, "USD"), cacheFor())
	}
	return fmt.Sprintf("%d Cost Explorer requests, %s; kept %s.", f.Requests, costview.Money(float64(f.Requests)*f.PricePerRequest, "USD"), cacheFor())
}

func cacheFor() string { return fmt.Sprintf("%d hours", int(costs.CacheTTL.Hours())) }

func costsAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < 2*time.Minute:
		return "1 minute"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func (s *costsScreen) View() string {
	st := s.st.styles
	if s.loading {
		return st.Active.Render("Reading this month's spend from Cost Explorer …")
	}
	if s.err != nil {
		return strings.Join(wrapMark(st.Fail.Render("✗"), "Could not read the costs: "+s.err.Error()+" (r tries again, esc goes back)", s.w), "\n")
	}
	v := s.view
	var tabs []string
	for i, d := range costview.Dimensions {
		name := strings.ToUpper(d[:1]) + d[1:]
		if i == s.by {
			tabs = append(tabs, st.Selected.Render("["+name+"]"))
		} else {
			tabs = append(tabs, st.Muted.Render(" "+name+" "))
		}
	}
	month, _ := time.Parse("2006-01", v.Month)
	through, _ := time.Parse(time.DateOnly, v.Through)
	head := []string{
		strings.Join(tabs, " ") + st.Muted.Render("  by "+v.By),
		st.Bold.Render(s.summary(month, through)),
	}
	foot := []string{clip(st.Muted.Render(requestsLine(s.report.Fetch)), s.w)}
	if m := v.Management; m != nil {
		head = append(head, s.managementLine(*m))
	}

	// The scrolled part: one row per group, then the budgets, then what
	// the view says.
	rows := s.rows()
	rest := len(head) + len(foot)
	room := max(s.h-rest, 1)
	s.top = max(min(s.top, len(rows)-room), 0)
	out := append([]string{}, head...)
	end := min(len(rows), s.top+room)
	more := 0
	if end < len(rows) && room > 1 {
		// The last line says what is below rather than cut it silently.
		end--
		more = len(rows) - end
	}
	for _, r := range rows[s.top:end] {
		out = append(out, r())
	}
	if more > 0 {
		out = append(out, st.Muted.Render(fmt.Sprintf("  ↓ %d more lines", more)))
	}
	for len(out) < s.h-len(foot) {
		out = append(out, "")
	}
	return strings.Join(append(out, foot...), "\n")
}

func (s *costsScreen) summary(month, through time.Time) string {
	v := s.view
	text := fmt.Sprintf("%s, %s to %s: %s", month.Format("January"), month.Format("2 Jan"), through.Format("2 Jan"), costview.Money(v.MonthToDate, v.Currency))
	switch {
	case v.Forecast != nil:
		text += " · forecast " + costview.Money(*v.Forecast, v.Currency)
	case v.NoForecast != "":
		text += " · no forecast yet"
	}
	return clip(text, s.w)
}

func (s *costsScreen) managementLine(m costview.Management) string {
	st := s.st.styles
	mark, word := st.OK.Render("✓"), "clean"
	if !m.Clean {
		mark, word = st.Fail.Render("✗"), "not clean"
	}
	name := m.Name
	if name == "" {
		name = m.ID
	}
	text := fmt.Sprintf("Management %s: %s, %s", name, costview.Money(m.MonthToDate, s.view.Currency), word)
	if spark := costview.Sparkline(m.Last30); 2+utf8.RuneCountInString(text)+2+30 <= s.w {
		text += "  " + spark
	}
	return clip(mark+" "+text, s.w)
}

// rows are the scrolled lines, each drawn only when on screen: a view by
// account has as many rows as accounts.
func (s *costsScreen) rows() []func() string {
	st := s.st.styles
	v := s.view
	var rows []func() string
	nameW, amountW, most := 0, 0, 0.0
	for _, g := range v.Groups {
		nameW = max(nameW, utf8.RuneCountInString(g.Name))
		amountW = max(amountW, utf8.RuneCountInString(costview.Money(g.MonthToDate, v.Currency)))
		most = max(most, g.MonthToDate)
	}
	// Name and amount first; then the sparkline of the last days that fit,
	// up to 30; the bar has what is left, and goes when under 4 cells.
	nameW = min(nameW, max(s.w/3, 8))
	fixed := 2 + nameW + 2 + amountW
	barW, sparkW := 0, 0
	if left := s.w - fixed; left >= 2+8+2+7 {
		sparkW = min(30, left-2-8-2)
		barW = left - 2 - sparkW - 2
		barW = min(barW, 40)
	} else if left >= 6 {
		barW = left - 2
	}
	if len(v.Groups) == 0 {
		rows = append(rows, func() string { return "  No member account has spent anything this month." })
	}
	for _, g := range v.Groups {
		rows = append(rows, func() string {
			name := g.Name
			if utf8.RuneCountInString(name) > nameW {
				name = truncate(name, nameW)
			}
			line := "  " + name + strings.Repeat(" ", nameW-utf8.RuneCountInString(name))
			if barW > 0 {
				line += "  " + st.Active.Render(costview.Bar(g.MonthToDate, most, barW))
			}
			line += "  " + fmt.Sprintf("%*s", amountW, costview.Money(g.MonthToDate, v.Currency))
			if sparkW > 0 {
				line += "  " + st.Muted.Render(costview.Sparkline(g.Last30[30-sparkW:]))
			}
			return line
		})
	}
	if sparkW > 0 && len(v.Groups) > 0 {
		col := 2 + nameW + 2 + amountW + 2
		if barW > 0 {
			col += barW + 2
		}
		legend := strings.Repeat(" ", col) + fmt.Sprintf("last %d days", sparkW)
		rows = append(rows, func() string { return st.Muted.Render(legend) })
	}
	facts := costsFacts(v, *s.report)
	if m := v.Management; m != nil && !m.Clean {
		// Not clean: what to do about it, in full.
		rows = append(rows, func() string { return "" })
		for _, line := range st.facts(s.w, facts.top[0]) {
			rows = append(rows, func() string { return line })
		}
	}
	rows = append(rows, func() string { return "" }, func() string { return st.Bold.Render("Budgets") })
	if len(s.report.Budgets) == 0 || s.report.BudgetsErr != nil {
		for _, line := range st.facts(s.w, facts.budgets...) {
			rows = append(rows, func() string { return line })
		}
	}
	budgetW := 0
	for _, b := range s.report.Budgets {
		budgetW = max(budgetW, utf8.RuneCountInString(b.Name))
	}
	budgetW = min(budgetW, max(s.w/3, 8))
	for i, b := range s.report.Budgets {
		if s.report.BudgetsErr != nil {
			break
		}
		f := facts.budgets[i]
		rows = append(rows, func() string {
			mark := map[factMark]string{factOK: st.OK.Render("✓"), factBad: st.Fail.Render("✗"), factWarn: st.Warn.Render("!")}[f.mark]
			name := b.Name
			if utf8.RuneCountInString(name) > budgetW {
				name = truncate(name, budgetW)
			}
			use := fmt.Sprintf("%3.0f%% of %s", b.Percent(), costview.Money(b.Limit, b.Currency))
			line := mark + " " + name + strings.Repeat(" ", budgetW-utf8.RuneCountInString(name))
			if bw := min(24, s.w-2-budgetW-2-2-len(use)); bw >= 4 {
				line += "  " + st.Active.Render(costview.Bar(min(b.Actual, b.Limit), b.Limit, bw))
			}
			return line + "  " + use
		})
	}
	for _, line := range st.facts(s.w, facts.fetch[1:]...) {
		rows = append(rows, func() string { return line })
	}
	return rows
}
