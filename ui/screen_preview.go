package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// previewScreen shows the tree the design describes (foldable, with counts),
// the plan against the target, and the guardrails' policies.
type previewScreen struct {
	st      *state
	tab     int // 0 tree, 1 plan, 2 policies, 3 access, 4 security
	tree    *treeView
	matrix  matrixView
	rest    int // the rows under the tabs and the summary
	planTop int
	secTop  int // the Security tab's first line shown
	pol     cursorList
	reading int // the policy shown in full, -1 none
	readTop int
	loading bool
	err     error
	w, h    int
}

type planMsg struct {
	plan   *orgmodel.Plan
	actual *orgmodel.Actual
	err    error
}

var tabNames = []string{"Tree", "Plan", "Policies", "Access", "Security"}

func newPreviewScreen(st *state) *previewScreen {
	return &previewScreen{st: st, reading: -1, loading: true}
}

func (s *previewScreen) Init() tea.Cmd {
	tree, err := s.st.design.Expand()
	if err != nil {
		s.err, s.loading = err, false
		return nil
	}
	s.st.tree = tree
	// Skipping access is decided at each confirmation, not kept.
	s.st.skipAccess, s.st.orgFirst = false, false
	// The plan of an earlier visit is for another design: no apply, and no
	// count, until this one is read.
	s.st.plan = nil
	s.tree = newTreeView(tree)
	b, ctx := s.st.backend, s.st.ctx
	return func() tea.Msg {
		p, a, err := b.Plan(ctx, tree)
		return planMsg{p, a, err}
	}
}

func (s *previewScreen) HandlesBack() bool { return s.reading >= 0 }
func (s *previewScreen) Typing() bool      { return false }

func (s *previewScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case planMsg:
		s.loading, s.err = false, msg.err
		s.st.plan, s.st.actual = msg.plan, msg.actual
		return nil
	case quotaReadMsg:
		if msg.err != nil {
			s.loading, s.err = false, msg.err
			return nil
		}
		s.st.pre = msg.pre
		return s.Init()
	case tea.KeyPressMsg:
		keys := s.st.keys
		if s.reading >= 0 {
			switch {
			case key.Matches(msg, keys.Back), key.Matches(msg, keys.Policies):
				s.reading = -1
			case key.Matches(msg, keys.Up):
				s.readTop = max(s.readTop-1, 0)
			case key.Matches(msg, keys.Down):
				s.readTop++
			case key.Matches(msg, keys.PageDown):
				s.readTop += s.h - 4
			case key.Matches(msg, keys.PageUp):
				s.readTop = max(s.readTop-(s.h-4), 0)
			}
			return nil
		}
		switch {
		case key.Matches(msg, keys.Tabs):
			s.tab = (s.tab + 1) % len(tabNames)
			return nil
		case msg.String() == "shift+tab":
			s.tab = (s.tab + len(tabNames) - 1) % len(tabNames)
			return nil
		case key.Matches(msg, keys.Retry) && s.err != nil && s.st.tree != nil:
			s.err, s.loading = nil, true
			return s.Init()
		case key.Matches(msg, keys.Retry) && s.overQuota():
			// The increase may have been granted: read the quota again.
			s.loading = true
			b, ctx := s.st.backend, s.st.ctx
			return func() tea.Msg {
				p, err := b.Preflight(ctx)
				return quotaReadMsg{p, err}
			}
		case key.Matches(msg, keys.Apply) && s.ready() && s.overQuota():
			return say("apply is blocked: over the accounts quota (see above)")
		case key.Matches(msg, keys.Apply) && s.ready():
			if s.st.plan.Empty() {
				return goTo(wizard.Done)
			}
			return goTo(wizard.Confirm)
		case msg.String() == "enter" && s.ready() && s.st.plan.Empty():
			return goTo(wizard.Done)
		case key.Matches(msg, keys.Accounts) && s.ready() && len(wizard.Adoptable(s.st.design, s.st.plan)) > 0:
			// Adopting edits the design: back to the step that holds
			// accounts[], on its list.
			s.st.openAccounts = true
			s.st.goNow(wizard.Guardrails)
			return nil
		}
		if s.tree == nil {
			return nil
		}
		switch s.tab {
		case 0:
			if key.Matches(msg, keys.Policies) {
				s.tree.toggle()
			} else {
				s.tree.list.move(keys, msg, len(s.tree.visible))
			}
		case 1:
			switch {
			case key.Matches(msg, keys.Up):
				s.planTop = max(s.planTop-1, 0)
			case key.Matches(msg, keys.Down):
				s.planTop++
			case key.Matches(msg, keys.PageDown):
				s.planTop += s.h - 4
			case key.Matches(msg, keys.PageUp):
				s.planTop = max(s.planTop-(s.h-4), 0)
			}
		case 2:
			if key.Matches(msg, keys.Policies) && len(s.st.tree.Policies) > 0 {
				s.reading, s.readTop = s.pol.cursor, 0
			} else {
				s.pol.move(keys, msg, len(s.st.tree.Policies))
			}
		case 3:
			s.matrix.move(msg.String(), s.rest-4)
		case 4:
			switch {
			case key.Matches(msg, keys.Up):
				s.secTop = max(s.secTop-1, 0)
			case key.Matches(msg, keys.Down):
				s.secTop++
			}
		}
	}
	return nil
}

func (s *previewScreen) ready() bool { return !s.loading && s.err == nil && s.st.plan != nil }

// overQuota reports whether the plan needs more accounts than the quota:
// apply is blocked then, with the way out on screen.
func (s *previewScreen) overQuota() bool {
	return s.ready() && !s.st.plan.Empty() && quotaFromPlan(s.st.pre, s.st.plan, s.st.actual).over()
}

// quotaReadMsg is the quota read again after an increase was asked for.
type quotaReadMsg struct {
	pre Preflight
	err error
}

func (s *previewScreen) View() string {
	st := s.st.styles
	if s.err != nil && s.st.tree == nil {
		lines := []string{st.Error.Render("The design is not complete yet:")}
		for _, l := range strings.Split(s.err.Error(), "\n") {
			lines = append(lines, wrapMark(st.Fail.Render("✗"), l, s.w)...)
		}
		return strings.Join(append(lines, "", "Press esc to go back and fix it."), "\n")
	}
	if s.reading >= 0 {
		return s.policyView()
	}
	lines := s.head()
	rest := max(s.h-len(lines), 1)
	switch s.tab {
	case 0:
		s.tree.list.h = rest
		lines = append(lines, s.tree.render(st, rest)...)
	case 1:
		pl := s.planLines()
		s.planTop = max(min(s.planTop, len(pl)-rest), 0)
		lines = append(lines, pl[s.planTop:min(len(pl), s.planTop+rest)]...)
	case 2:
		var rows []string
		for _, p := range s.st.tree.Policies {
			var ts []string
			for _, t := range p.Targets {
				ts = append(ts, t.String())
			}
			rows = append(rows, fmt.Sprintf("%-36s %s", p.Name, st.Muted.Render("on "+strings.Join(ts, ", "))))
		}
		if len(rows) == 0 {
			rows = []string{"No guardrail is switched on."}
		}
		s.pol.h = rest
		lines = append(lines, s.pol.window(st, rows)...)
	case 3:
		lines = append(lines, s.matrix.render(st, wizard.MatrixOf(s.st.design, s.st.tree), s.w, rest)...)
	case 4:
		sl := s.securityLines(st)
		s.secTop = max(min(s.secTop, len(sl)-rest), 0)
		lines = append(lines, sl[s.secTop:min(len(sl), s.secTop+rest)]...)
	}
	s.rest = rest
	return strings.Join(lines, "\n")
}

// head is what the preview shows above a tab's content: the tabs, the
// counts and the plan's summary.
func (s *previewScreen) head() []string {
	st := s.st.styles
	var lines []string
	var tabs []string
	for i, name := range tabNames {
		if i == s.tab {
			tabs = append(tabs, st.TabActive.Render(name))
		} else {
			tabs = append(tabs, st.Tab.Render(name))
		}
	}
	// The counts follow the tabs, or go under them when they do not fit;
	// a short window gives the Access tab's matrix the summary's lines, and
	// those of the counts (the other tabs show them).
	summary := s.summary()
	roomy := s.tab != 3 || s.h-1-len(summary) >= 12
	if row := strings.Join(tabs, " "); lipgloss.Width(row)+2+lipgloss.Width(s.counts()) <= s.w {
		lines = append(lines, row+"  "+st.Muted.Render(s.counts()))
	} else {
		lines = append(lines, row)
		if roomy {
			lines = append(lines, st.muted(s.counts(), s.w)...)
		}
	}
	if roomy {
		lines = append(lines, summary...)
	}
	return lines
}

// securityLines are the Security tab: what the baseline creates, and
// where, one fact a line.
func (s *previewScreen) securityLines(st Styles) []string {
	var lines []string
	for _, l := range wizard.SecurityLines(s.st.tree) {
		lines = append(lines, wrapMark(st.Muted.Render("·"), l, s.w)...)
	}
	return lines
}

func (s *previewScreen) counts() string {
	t := s.st.tree
	c := fmt.Sprintf("%d OUs · %d accounts · %d guardrails", len(t.OUs), len(t.Accounts), len(t.Policies))
	if a := s.st.design.Access; a != nil {
		c += fmt.Sprintf(" · %d groups", len(a.Groups))
	}
	return c
}

// summary is the plan in one line and the warnings, quota first.
func (s *previewScreen) summary() []string {
	st := s.st.styles
	switch {
	case s.loading:
		return []string{st.Active.Render("Reading the organization in the target …")}
	case s.err != nil:
		return wrapMark(st.Fail.Render("✗"), "Could not read the target: "+s.err.Error()+" (r retries)", s.w)
	}
	p := s.st.plan
	var out []string
	if p.Empty() {
		out = append(out, st.OK.Render("✓ Nothing to do: the organization already matches the design. Press enter."))
	} else {
		access := ""
		if n := wizard.BaselineSteps(p); n > 0 {
			access = fmt.Sprintf(" %d baseline steps;", n)
		}
		if n := wizard.AccessSteps(p); n > 0 {
			access += fmt.Sprintf(" %d access steps;", n)
		}
		out = append(out, wrap(fmt.Sprintf("Plan: %d changes: create %d OUs, %d accounts; move %d; tag %d; %d guardrail steps;%s %d left alone.",
			len(p.Steps), p.Count(orgmodel.StepCreateOU), p.Count(orgmodel.StepCreateAccount)+p.Count(orgmodel.StepAwaitAccount),
			p.Count(orgmodel.StepMoveAccount), p.Count(orgmodel.StepTagAccount),
			p.Count(orgmodel.StepCreatePolicy)+p.Count(orgmodel.StepUpdatePolicy)+p.Count(orgmodel.StepAttachPolicy)+p.Count(orgmodel.StepDetachPolicy)+p.Count(orgmodel.StepEnablePolicyType),
			access, len(p.Unmanaged)), s.w)...)
	}
	if n := len(wizard.Adoptable(s.st.design, p)); n > 0 {
		are := "are"
		if n == 1 {
			are = "is"
		}
		out = append(out, wrap(fmt.Sprintf("%s in the organization %s not in the design: o adopts one into an OU.", nouns(n, "account"), are), s.w)...)
	}
	if q := quotaFromPlan(s.st.pre, p, s.st.actual); q.known() && !p.Empty() {
		switch {
		case q.over():
			then := "Once it is granted, press r to read the quota again"
			if s.st.target.Sandbox {
				then = sandboxQuotaWayOut(q.Need, s.st.target.Args, wizard.RerunCommand(s.st.path, s.st.target.Args))
			}
			out = append(out, wrapMark(st.Fail.Render("✗"), fmt.Sprintf("%s (%s): apply is blocked, it would stop before creating any account. %s %s; or press esc to remove workloads, environments or residencies.", q.text(), q.Source, quotaWayOut(q.Need), strings.TrimSuffix(then, ".")), s.w)...)
		case q.Need == q.Quota:
			out = append(out, wrapMark(st.Warn.Render("!"), q.text()+": the quota is reached. One more account needs an increase.", s.w)...)
		}
	}
	if n := p.Count(orgmodel.StepAwaitAccount); n > 0 {
		out = append(out, wrapMark(st.Active.Render("↺"), ResumedText(n), s.w)...)
	}
	for _, w := range p.Warnings {
		out = append(out, wrapMark(st.Warn.Render("!"), w, s.w)...)
	}
	return out
}

func (s *previewScreen) planLines() []string {
	st := s.st.styles
	p := s.st.plan
	if p == nil {
		return nil
	}
	var out []string
	// Each step and its reason wrap under the number: ↑/↓ scroll them, and a
	// narrow window cut the reasons.
	indent := func(text, first string, style func(...string) string) {
		for j, l := range wrap(text, max(s.w-5, 10)) {
			if j == 0 {
				out = append(out, style(first+l))
			} else {
				out = append(out, style("     "+l))
			}
		}
	}
	plainText := func(s ...string) string { return strings.Join(s, "") }
	for i, step := range p.Steps {
		indent(step.String(), fmt.Sprintf("%3d. ", i+1), plainText)
		if step.Why != "" {
			indent(step.Why, "     ", st.Muted.Render)
		}
	}
	for _, u := range p.Unmanaged {
		for _, l := range wrapMark(" ", fmt.Sprintf("left alone: %s %s (%s) in %s", u.Kind, u.Name, u.ID, rootIfEmpty(u.Path)), s.w) {
			out = append(out, st.Muted.Render(l))
		}
	}

	if len(out) == 0 {
		out = append(out, "No step: the target already matches.")
	}
	return out
}

func rootIfEmpty(p string) string {
	if p == "" {
		return "Root"
	}
	return p
}

func (s *previewScreen) policyView() string {
	st := s.st.styles
	p := s.st.tree.Policies[s.reading]
	var buf bytes.Buffer
	content := p.Content
	if json.Indent(&buf, []byte(p.Content), "", "  ") == nil {
		content = buf.String()
	}
	body := strings.Split(content, "\n")
	rest := max(s.h-3, 1)
	s.readTop = max(min(s.readTop, len(body)-rest), 0)
	lines := []string{st.Bold.Render(p.Name), st.Muted.Render(firstLine(p.Description)), ""}
	lines = append(lines, body[s.readTop:min(len(body), s.readTop+rest)]...)
	return strings.Join(lines, "\n")
}

func (s *previewScreen) SetSize(w, h int) { s.w, s.h = w, h }

func (s *previewScreen) Keys() []key.Binding {
	k := s.st.keys
	if s.reading >= 0 {
		return []key.Binding{k.Move, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))}
	}
	keys := []key.Binding{k.Tabs}
	switch s.tab {
	case 1:
		keys = append(keys, s.textScroll(len(s.planLines()), s.planTop)...)
	case 4:
		keys = append(keys, s.textScroll(len(s.securityLines(s.st.styles)), s.secTop)...)
	default:
		keys = append(keys, k.Move)
	}
	// With nothing to do, enter finishes on every tab (Update takes it
	// first): the footer offers no fold or read that enter would not do.
	finishes := s.ready() && s.st.plan.Empty()
	switch {
	case finishes && s.tab != 3:
	case s.tab == 0:
		keys = append(keys, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "fold")))
	case s.tab == 2:
		keys = append(keys, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "read")))
	case s.tab == 3:
		if s.st.design.Access != nil {
			keys = append(keys, key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "groups")))
		}
	}
	if s.ready() {
		switch {
		case s.st.plan.Empty():
			keys = append(keys, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "finish")))
		case s.overQuota():
			keys = append(keys, key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read the quota again")))
		default:
			keys = append(keys, key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "apply…")))
		}
		if len(wizard.Adoptable(s.st.design, s.st.plan)) > 0 {
			keys = append(keys, key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "adopt accounts")))
		}
	}
	return keys
}

// textScroll is ↑/↓ on a tab of n lines of text shown from line top: it
// says how many are out of sight, as the window's own scroll key does, and
// is not offered when every line is in sight (it would do nothing).
func (s *previewScreen) textScroll(n, top int) []key.Binding {
	rest := max(s.h-len(s.head()), 1)
	if s.h <= 0 || n <= rest {
		return nil
	}
	top = max(min(top, n-rest), 0)
	var more []string
	if top > 0 {
		more = append(more, fmt.Sprintf("%d above", top))
	}
	if below := n - rest - top; below > 0 {
		more = append(more, fmt.Sprintf("%d below", below))
	}
	return []key.Binding{key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll ("+strings.Join(more, ", ")+")"))}
}

// treeView is the foldable tree of OUs and accounts. Rows are computed when
// a fold changes, not at every frame, so a thousand accounts draw quickly.
type treeView struct {
	tree     *orgmodel.Tree
	folded   map[string]bool
	visible  []treeRow
	list     cursorList
	byOU     map[string][]orgmodel.Account
	children map[string][]orgmodel.OU
	totals   map[string]int
	policyOn map[string]int
	maxNameW int
}

type treeRow struct {
	depth int
	ou    string // the OU path, for an OU row; "" and account set otherwise
	acct  *orgmodel.Account
	root  bool
}

func newTreeView(t *orgmodel.Tree) *treeView {
	v := &treeView{tree: t, folded: map[string]bool{}, byOU: t.AccountsByOU(), children: map[string][]orgmodel.OU{}, totals: map[string]int{}, policyOn: map[string]int{}}
	for _, o := range t.OUs {
		v.children[o.Parent] = append(v.children[o.Parent], o)
	}
	for _, a := range t.Accounts {
		// Each account counts in its OU and every OU above it.
		for p := a.OU; p != ""; {
			v.totals[p]++
			i := strings.LastIndexByte(p, '/')
			if i < 0 {
				break
			}
			p = p[:i]
		}
		v.maxNameW = max(v.maxNameW, len(a.Name))
	}
	for _, p := range t.Policies {
		for _, tg := range p.Targets {
			v.policyOn[tg.String()]++
		}
	}
	v.maxNameW = min(v.maxNameW, 30)
	// Big trees start folded below the first level, so the shape shows first.
	if len(t.Accounts) > 40 {
		for _, o := range t.OUs {
			if o.Depth() >= 2 {
				v.folded[o.Path] = true
			}
		}
	}
	v.rebuild()
	return v
}

func (v *treeView) rebuild() {
	v.visible = v.visible[:0]
	v.visible = append(v.visible, treeRow{root: true})
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, o := range v.children[parent] {
			v.visible = append(v.visible, treeRow{depth: depth, ou: o.Path})
			if v.folded[o.Path] {
				continue
			}
			walk(o.Path, depth+1)
			accs := v.byOU[o.Path]
			for i := range accs {
				v.visible = append(v.visible, treeRow{depth: depth + 1, acct: &accs[i]})
			}
		}
	}
	walk("", 1)
}

func (v *treeView) toggle() {
	if v.list.cursor >= len(v.visible) {
		return
	}
	r := v.visible[v.list.cursor]
	if r.ou == "" {
		return
	}
	v.folded[r.ou] = !v.folded[r.ou]
	v.rebuild()
}

// render draws the h rows in view.
func (v *treeView) render(st Styles, h int) []string {
	v.list.h = h
	v.list.clamp(len(v.visible))
	out := make([]string, 0, h)
	for i := v.list.offset; i < len(v.visible) && len(out) < h; i++ {
		r := v.visible[i]
		var text string
		switch {
		case r.root:
			text = fmt.Sprintf("Root  %s", st.Muted.Render(nouns(len(v.tree.Accounts), "account")+policies(v.policyOn["Root"])))
		case r.ou != "":
			arrow := "▾"
			if v.folded[r.ou] {
				arrow = "▸"
			}
			name := r.ou[strings.LastIndexByte(r.ou, '/')+1:]
			text = strings.Repeat("  ", r.depth) + arrow + " " + st.Bold.Render(name) + "  " + st.Muted.Render(nouns(v.totals[r.ou], "account")+policies(v.policyOn[r.ou]))
		default:
			text = fmt.Sprintf("%s• %-*s %s", strings.Repeat("  ", r.depth), v.maxNameW, r.acct.Name, st.Muted.Render(r.acct.Email))
		}
		if i == v.list.cursor {
			out = append(out, st.Selected.Render("▸")+text)
		} else {
			out = append(out, " "+text)
		}
	}
	return out
}

func policies(n int) string {
	if n == 0 {
		return ""
	}
	if n == 1 {
		return ", 1 guardrail"
	}
	return fmt.Sprintf(", %d guardrails", n)
}
