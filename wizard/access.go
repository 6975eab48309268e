package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// This file is the access step ("Who works where"): the groups orgwizard
// proposes from the design, the questions that edit a group, and the matrix
// of accounts by groups the preview shows.

// Group names of the proposal that are not a workload's team.
const (
	PlatformAdmins = "platform-admins"
	Auditors       = "auditors"
)

// Permission sets the proposal grants (presets: no definition needed).
const (
	AdminSet    = "admin"
	ReadOnlySet = "read-only"
)

// ProductionEnvironments are the environments the proposal treats as
// production, where a workload's team may only read: those named prod or
// production, or else the last environment, since a design lists its
// environments in the order a release goes through them.
func ProductionEnvironments(d *orgmodel.Design) []string {
	var prod []string
	for _, e := range d.Environments {
		if e.Name == "prod" || e.Name == "production" {
			prod = append(prod, e.Name)
		}
	}
	if len(prod) == 0 && len(d.Environments) > 0 {
		prod = []string{d.Environments[len(d.Environments)-1].Name}
	}
	return prod
}

// ProposeAccess is the access block the wizard proposes for d: one group per
// workload, <workload>-team, with its owner as member when set, admin in the
// non-production environments and read-only in production; platform-admins
// with admin in every member account; auditors with read-only in every
// member account.
func ProposeAccess(d *orgmodel.Design) *orgmodel.Access {
	prod := ProductionEnvironments(d)
	var nonProd []string
	for _, e := range d.Environments {
		if !slices.Contains(prod, e.Name) {
			nonProd = append(nonProd, e.Name)
		}
	}
	a := &orgmodel.Access{}
	for _, w := range d.Workloads {
		g := orgmodel.GroupSpec{Name: w.Name + "-team", Description: "The people who build " + w.Name}
		if w.Owner != "" {
			g.Members = []string{w.Owner}
		}
		if len(nonProd) > 0 {
			g.Grants = append(g.Grants, orgmodel.Grant{PermissionSet: AdminSet, Workload: []string{w.Name}, Environment: slices.Clone(nonProd)})
		}
		if len(prod) > 0 {
			g.Grants = append(g.Grants, orgmodel.Grant{PermissionSet: ReadOnlySet, Workload: []string{w.Name}, Environment: slices.Clone(prod)})
		}
		a.Groups = append(a.Groups, g)
	}
	a.Groups = append(a.Groups,
		orgmodel.GroupSpec{Name: PlatformAdmins, Description: "Run the organization's platform", Grants: []orgmodel.Grant{{PermissionSet: AdminSet, Accounts: []string{orgmodel.AllAccounts}}}},
		orgmodel.GroupSpec{Name: Auditors, Description: "Read everything, change nothing", Grants: []orgmodel.Grant{{PermissionSet: ReadOnlySet, Accounts: []string{orgmodel.AllAccounts}}}},
	)
	return a
}

// AccessLead is what the access step says before its list.
const AccessLead = "People sign in once, at the AWS access portal of IAM Identity Center, and get into the accounts their groups are granted, each with a permission set. Proposed: each workload's team is admin outside production and reads production; platform-admins is admin everywhere; auditors read everything."

// AccessOffText is what the step says when the design has no access block.
const AccessOffText = "Access is off: orgwizard leaves IAM Identity Center alone, and the way in is the management account's OrganizationAccountAccessRole."

// GroupAnswers are a group's answers as typed: its members and grants as
// lists in one line each (ParseGrants reads the grants).
type GroupAnswers struct {
	Name, Members, Grants string
	// Description is kept as it was: the step does not ask it.
	Description string
}

// GroupOf are the answers g holds.
func GroupOf(g orgmodel.GroupSpec) GroupAnswers {
	return GroupAnswers{Name: g.Name, Members: strings.Join(g.Members, ", "), Grants: FormatGrants(g.Grants), Description: g.Description}
}

// grantKeys are the selectors a grant line takes, in the order written.
var grantKeys = []string{"workload", "environment", "residency", "ou", "accounts"}

// FormatGrants writes grants as the step shows and asks them: "admin on
// workload=payments environment=dev,staging; read-only on all".
func FormatGrants(gs []orgmodel.Grant) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = FormatGrant(g)
	}
	return strings.Join(parts, "; ")
}

// FormatGrant is one grant as FormatGrants writes it.
func FormatGrant(g orgmodel.Grant) string {
	if len(g.Accounts) == 1 && g.Accounts[0] == orgmodel.AllAccounts && len(g.Workload)+len(g.Environment)+len(g.Residency)+len(g.OU) == 0 {
		return g.PermissionSet + " on all"
	}
	s := g.PermissionSet + " on"
	for _, k := range grantKeys {
		if v := selector(&g, k); len(*v) > 0 {
			s += " " + k + "=" + strings.Join(*v, ",")
		}
	}
	return s
}

// selector is the grant's list for key k.
func selector(g *orgmodel.Grant, k string) *[]string {
	switch k {
	case "workload":
		return &g.Workload
	case "environment":
		return &g.Environment
	case "residency":
		return &g.Residency
	case "ou":
		return &g.OU
	default:
		return &g.Accounts
	}
}

// grantKey reads a selector's key, with the short and plural forms people
// type.
func grantKey(k string) (string, bool) {
	switch strings.ToLower(k) {
	case "workload", "workloads":
		return "workload", true
	case "environment", "environments", "env":
		return "environment", true
	case "residency", "residencies":
		return "residency", true
	case "ou", "ous":
		return "ou", true
	case "account", "accounts":
		return "accounts", true
	}
	return "", false
}

// GrantsExample is a grants answer, shown in the empty field.
const GrantsExample = "admin on workload=payments environment=dev,staging; read-only on all"

// ParseGrants reads a grants answer: grants separated by ';', each a
// permission set, "on", then "all" or selectors key=value[,value...] with
// key one of workload, environment, residency, ou, accounts. An empty answer
// is no grant.
func ParseGrants(s string) ([]orgmodel.Grant, error) {
	var out []orgmodel.Grant
	for i, part := range strings.Split(s, ";") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		g := orgmodel.Grant{PermissionSet: words[0]}
		words = words[1:]
		if len(words) > 0 && strings.EqualFold(words[0], "on") {
			words = words[1:]
		}
		if len(words) == 0 {
			return nil, fmt.Errorf("grant %d (%s) selects no account; add \"on all\" or selectors such as on workload=payments", i+1, strings.TrimSpace(part))
		}
		var last *[]string
		for _, w := range words {
			k, v, ok := strings.Cut(w, "=")
			switch {
			case !ok && strings.EqualFold(w, orgmodel.AllAccounts):
				g.Accounts = append(g.Accounts, orgmodel.AllAccounts)
				last = nil
			case !ok && last != nil:
				// "environment=dev, staging": the list goes on after a space.
				*last = append(*last, splitValues(w)...)
			case !ok:
				return nil, fmt.Errorf("grant %d: %q is not a selector; write key=value, such as workload=payments (keys: %s)", i+1, w, strings.Join(grantKeys, ", "))
			default:
				key, known := grantKey(k)
				if !known {
					return nil, fmt.Errorf("grant %d: %q is not a selector key; use one of %s", i+1, k, strings.Join(grantKeys, ", "))
				}
				last = selector(&g, key)
				*last = append(*last, splitValues(v)...)
			}
		}
		out = append(out, g)
	}
	return out, nil
}

func splitValues(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' })
}

// PermissionSetNames are the permission sets d may grant: the presets, then
// the design's own.
func PermissionSetNames(d *orgmodel.Design) []string {
	var names []string
	for _, p := range orgmodel.PresetPermissionSets {
		names = append(names, p.Name)
	}
	if d.Access != nil {
		for _, p := range d.Access.PermissionSets {
			names = append(names, p.Name)
		}
	}
	return names
}

// Selects reports whether grant g selects account a: every selector the
// grant sets must match; accounts=all matches every member account.
func Selects(g orgmodel.Grant, a orgmodel.Account) bool {
	if len(g.Accounts) > 0 && !slices.Contains(g.Accounts, orgmodel.AllAccounts) && !slices.Contains(g.Accounts, a.Name) {
		return false
	}
	match := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	if !match(g.Workload, a.Workload) || !match(g.Environment, a.Environment) || !match(g.Residency, a.Residency) {
		return false
	}
	if len(g.OU) > 0 && !slices.ContainsFunc(g.OU, func(p string) bool { return a.OU == p || strings.HasPrefix(a.OU, p+"/") }) {
		return false
	}
	return true
}

// checkGrants refuses grants that name a permission set, workload,
// environment, residency, OU or account d does not have, or that select no
// account of tree.
func checkGrants(d *orgmodel.Design, tree *orgmodel.Tree, gs []orgmodel.Grant) error {
	sets := PermissionSetNames(d)
	known := map[string][]string{"ou": OUPaths(d)}
	for _, w := range d.Workloads {
		known["workload"] = append(known["workload"], w.Name)
	}
	for _, e := range d.Environments {
		known["environment"] = append(known["environment"], e.Name)
	}
	for _, r := range d.Residencies {
		known["residency"] = append(known["residency"], r.Name)
	}
	if tree != nil {
		for _, a := range tree.Accounts {
			known["accounts"] = append(known["accounts"], a.Name)
		}
	}
	known["accounts"] = append(known["accounts"], orgmodel.AllAccounts)
	for i, g := range gs {
		if !slices.Contains(sets, g.PermissionSet) {
			return fmt.Errorf("grant %d: there is no permission set %q; use one of %s", i+1, g.PermissionSet, strings.Join(sets, ", "))
		}
		for _, k := range grantKeys {
			if k == "accounts" && tree == nil {
				continue
			}
			for _, v := range *selector(&g, k) {
				if !slices.Contains(known[k], v) {
					return fmt.Errorf("grant %d: the design has no %s %q; use one of %s", i+1, strings.TrimSuffix(k, "s"), v, strings.Join(known[k], ", "))
				}
			}
		}
		if tree != nil && !slices.ContainsFunc(tree.Accounts, func(a orgmodel.Account) bool { return Selects(g, a) }) {
			return fmt.Errorf("grant %d (%s) selects no account of the design; widen it, or remove it", i+1, FormatGrant(g))
		}
	}
	return nil
}

// GroupQuestions ask group i of d (i < 0: a new one).
func GroupQuestions(d *orgmodel.Design, i int) (name, members, grants Question) {
	var names []string
	if d.Access != nil {
		for _, g := range d.Access.Groups {
			names = append(names, g.Name)
		}
	}
	name = Question{Title: "Group name", Help: "A team of people, such as payments-team.", Example: "payments-team",
		Check: uniqueName("group", orgmodel.CheckGroupName, names, i)}
	members = Question{Title: "Members' emails (optional), separated by commas", Example: "ana@acme.example, bo@acme.example", Optional: true,
		Help: "orgwizard creates each as a user of the Identity Center directory, user name = email.",
		Check: func(v string) error {
			_, err := parseMembers(v)
			return err
		}}
	tree, _ := d.Expand()
	grants = Question{Title: "Grants: permission set on accounts; separate grants with ;", Example: GrantsExample,
		Help: "Permission sets: " + strings.Join(PermissionSetNames(d), ", ") + ". Select by workload=, environment=, residency=, ou=, accounts= (lists with commas), or all.",
		Check: func(v string) error {
			gs, err := ParseGrants(v)
			if err != nil {
				return err
			}
			return checkGrants(d, tree, gs)
		}}
	return
}

// GroupForm asks group i of d (i < 0: a new one) into g.
func GroupForm(d *orgmodel.Design, i int, g *GroupAnswers) []Field {
	name, members, grants := GroupQuestions(d, i)
	return []Field{Ask(name, &g.Name), Ask(members, &g.Members), Ask(grants, &g.Grants)}
}

// parseMembers reads the members answer: emails separated by commas or
// spaces, each given once.
func parseMembers(v string) ([]string, error) {
	var out []string
	for _, m := range SplitList(v) {
		if err := orgmodel.CheckMemberEmail(m); err != nil {
			return nil, fmt.Errorf("member %w", err)
		}
		if slices.Contains(out, m) {
			return nil, fmt.Errorf("member %s is given twice; keep one", m)
		}
		out = append(out, m)
	}
	return out, nil
}

// PutGroup puts the group answered at index i of d's access block, or adds
// it when i < 0 (turning access on when it was off). The answers are
// checked as the form checks them; refused, d is unchanged.
func PutGroup(d *orgmodel.Design, i int, ans GroupAnswers) (orgmodel.GroupSpec, error) {
	name, members, grants := GroupQuestions(d, i)
	g := orgmodel.GroupSpec{Name: strings.TrimSpace(ans.Name), Description: ans.Description}
	for _, c := range []struct {
		q Question
		v string
	}{{name, g.Name}, {members, ans.Members}, {grants, ans.Grants}} {
		if err := c.q.Valid(c.v); err != nil {
			return g, err
		}
	}
	g.Members, _ = parseMembers(ans.Members)
	g.Grants, _ = ParseGrants(ans.Grants)
	a := &orgmodel.Access{}
	if d.Access != nil {
		c := *d.Access
		c.Groups = slices.Clone(d.Access.Groups)
		a = &c
	}
	if i < 0 || i >= len(a.Groups) {
		a.Groups = append(a.Groups, g)
	} else {
		a.Groups[i] = g
	}
	return g, SetAccess(d, a)
}

// RemoveGroup removes group i of d's access block; the block stays, with
// no group, until access is turned off.
func RemoveGroup(d *orgmodel.Design, i int) error {
	if d.Access == nil || i < 0 || i >= len(d.Access.Groups) {
		return nil
	}
	c := *d.Access
	c.Groups = slices.Delete(slices.Clone(c.Groups), i, i+1)
	return SetAccess(d, &c)
}

// SetAccess makes a the design's access block (nil: access off), checked
// as validate checks the file's (orgmodel's SetAccess): refused, d is
// unchanged and the error says what to change.
func SetAccess(d *orgmodel.Design, a *orgmodel.Access) error {
	return d.SetAccess(a)
}

// checkAccess is the access step's check: every group's answers pass the
// form's checks, and the design validates.
func checkAccess(d *orgmodel.Design) error {
	if d.Access == nil {
		return nil
	}
	if len(d.Access.Groups) == 0 {
		return errors.New("access is on with no group: add one (press a), or turn access off (press t)")
	}
	for i, g := range d.Access.Groups {
		name, members, grants := GroupQuestions(d, i)
		ans := GroupOf(g)
		for _, c := range []struct {
			q Question
			v string
		}{{name, ans.Name}, {members, ans.Members}, {grants, ans.Grants}} {
			if err := c.q.Valid(c.v); err != nil {
				return fmt.Errorf("group %s: %w", g.Name, err)
			}
		}
		if len(g.Grants) == 0 {
			return fmt.Errorf("group %s has no grant, so its people get in nowhere: give it one (press enter), or delete it (press d)", g.Name)
		}
	}
	return d.Validate()
}

// AccessSummary says the access block in one line.
func AccessSummary(d *orgmodel.Design) string {
	if d.Access == nil {
		return "Access: off."
	}
	members := 0
	for _, g := range d.Access.Groups {
		members += len(g.Members)
	}
	return fmt.Sprintf("Access: %s, %s.", plural(len(d.Access.Groups), "group"), plural(members, "member"))
}

// AccessMatrix is who may get into which account: one row per account of the
// tree, one column per group, each cell the permission sets (sorted) the
// group has there.
type AccessMatrix struct {
	Accounts []string
	Groups   []string
	// Cells[i][j] are the permission sets of group j in account i.
	Cells [][][]string
	// Sets are the permission sets the matrix uses, in the order they first
	// appear in the design's grants.
	Sets []string
}

// MatrixOf is d's access as a matrix over tree's accounts; nil when access is
// off. The assignments come from tree's expansion of the access block when it
// has one, else from the design's grants directly.
func MatrixOf(d *orgmodel.Design, tree *orgmodel.Tree) *AccessMatrix {
	if d.Access == nil || tree == nil {
		return nil
	}
	m := &AccessMatrix{}
	col := map[string]int{}
	for _, g := range d.Access.Groups {
		col[g.Name] = len(m.Groups)
		m.Groups = append(m.Groups, g.Name)
		for _, gr := range g.Grants {
			if !slices.Contains(m.Sets, gr.PermissionSet) {
				m.Sets = append(m.Sets, gr.PermissionSet)
			}
		}
	}
	row := map[string]int{}
	for _, a := range tree.Accounts {
		row[a.Name] = len(m.Accounts)
		m.Accounts = append(m.Accounts, a.Name)
		m.Cells = append(m.Cells, make([][]string, len(m.Groups)))
	}
	add := func(account, group, set string) {
		i, ok := row[account]
		j, ok2 := col[group]
		if !ok || !ok2 || slices.Contains(m.Cells[i][j], set) {
			return
		}
		m.Cells[i][j] = append(m.Cells[i][j], set)
		slices.Sort(m.Cells[i][j])
	}
	if tree.Access != nil {
		for _, as := range tree.Access.Assignments {
			add(as.Account, as.Group, as.PermissionSet)
		}
		return m
	}
	for _, g := range d.Access.Groups {
		for _, gr := range g.Grants {
			for _, a := range tree.Accounts {
				if Selects(gr, a) {
					add(a.Name, g.Name, gr.PermissionSet)
				}
			}
		}
	}
	return m
}

// Reachable counts the accounts at least one group may get into.
func (m *AccessMatrix) Reachable() int {
	n := 0
	for _, row := range m.Cells {
		if slices.ContainsFunc(row, func(c []string) bool { return len(c) > 0 }) {
			n++
		}
	}
	return n
}

// Row says account i's access in words: "payments-team admin, auditors
// read-only", or "no group".
func (m *AccessMatrix) Row(i int) string {
	var parts []string
	for j, c := range m.Cells[i] {
		if len(c) > 0 {
			parts = append(parts, m.Groups[j]+" "+strings.Join(c, "+"))
		}
	}
	if len(parts) == 0 {
		return "no group"
	}
	return strings.Join(parts, ", ")
}
