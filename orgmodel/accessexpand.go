package orgmodel

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultSessionDuration is how long a portal session lasts when a
// permission set says nothing: AWS's default.
const DefaultSessionDuration = "PT1H"

// ManagementAccountName is the name by which a design's grants select the
// management account: the organization's name (the sandbox names the
// management account so, and a design has no other name for it). A member
// account of the same name (an adopted one) is what the name selects then.
func (t *Tree) ManagementAccountName() string {
	for _, a := range t.Accounts {
		if a.Name == t.Organization {
			return ""
		}
	}
	return t.Organization
}

// Preset returns the preset permission set called name.
func Preset(name string) (PermissionSet, bool) {
	for _, p := range PresetPermissionSets {
		if p.Name == name {
			p.ManagedPolicies = slices.Clone(p.ManagedPolicies)
			return p, true
		}
	}
	return PermissionSet{}, false
}

// expandAccess adds to t what the access block expands into.
func (d *Design) expandAccess(t *Tree) {
	a := d.Access
	if a == nil {
		return
	}
	at := &AccessTree{PermissionSets: []PermissionSet{}, Groups: []Group{}, Users: []User{}, Assignments: []Assignment{}}
	t.Access = at

	custom := map[string]bool{}
	for _, ps := range a.PermissionSets {
		if custom[ps.Name] {
			continue // a duplicate, which validation reports
		}
		custom[ps.Name] = true
		managed := slices.Clone(ps.ManagedPolicies)
		slices.Sort(managed)
		managed = slices.Compact(managed)
		at.PermissionSets = append(at.PermissionSets, PermissionSet{
			Name: ps.Name, Description: ps.Description, ManagedPolicies: managed, InlinePolicy: ps.InlinePolicy,
			SessionDuration: cmp.Or(ps.SessionDuration, DefaultSessionDuration),
		})
	}
	presets := map[string]bool{}
	for _, g := range a.Groups {
		for _, gr := range g.Grants {
			if custom[gr.PermissionSet] || presets[gr.PermissionSet] {
				continue
			}
			if p, ok := Preset(gr.PermissionSet); ok {
				presets[p.Name] = true
				p.SessionDuration = DefaultSessionDuration
				at.PermissionSets = append(at.PermissionSets, p)
			}
		}
	}
	slices.SortFunc(at.PermissionSets, func(x, y PermissionSet) int { return strings.Compare(x.Name, y.Name) })

	// One user per address, compared as the identity store compares user
	// names (ignoring case); the first spelling is the user name.
	users := map[string]string{}
	assigned := map[Assignment]bool{}
	index := t.accountIndex()
	seenGroup := map[string]bool{}
	for _, g := range a.Groups {
		if seenGroup[strings.ToLower(g.Name)] {
			continue // a duplicate, which validation reports
		}
		seenGroup[strings.ToLower(g.Name)] = true
		group := Group{Name: g.Name, Description: g.Description}
		inGroup := map[string]bool{}
		for _, m := range g.Members {
			key := strings.ToLower(m)
			if _, ok := users[key]; !ok {
				users[key] = m
				at.Users = append(at.Users, NewUser(m))
			}
			if !inGroup[key] {
				inGroup[key] = true
				group.Members = append(group.Members, users[key])
			}
		}
		slices.Sort(group.Members)
		at.Groups = append(at.Groups, group)

		for _, gr := range g.Grants {
			index.each(gr, func(acc string) bool {
				as := Assignment{Account: acc, Group: g.Name, PermissionSet: gr.PermissionSet}
				if !assigned[as] {
					assigned[as] = true
					at.Assignments = append(at.Assignments, as)
				}
				// Past the bound validation refuses, the rest is not worth
				// the memory.
				return len(at.Assignments) <= MaxAssignments
			})
		}
	}
	slices.SortFunc(at.Groups, func(x, y Group) int { return strings.Compare(x.Name, y.Name) })
	slices.SortFunc(at.Users, func(x, y User) int { return strings.Compare(x.UserName, y.UserName) })
	slices.SortFunc(at.Assignments, func(x, y Assignment) int {
		return cmp.Or(strings.Compare(x.Account, y.Account), strings.Compare(x.Group, y.Group), strings.Compare(x.PermissionSet, y.PermissionSet))
	})
}

// SelectAccounts returns the names of the accounts of t that g selects, in
// the tree's order: the member accounts that match every selector g sets,
// and the management account when g names it.
func (t *Tree) SelectAccounts(g Grant) []string {
	var out []string
	t.accountIndex().each(g, func(name string) bool {
		out = append(out, name)
		return true
	})
	return out
}

// accountIndex finds the accounts a grant selects without going through
// every account for each grant: by name, by workload, else all of them.
type accountIndex struct {
	t          *Tree
	mgmt       string
	byName     map[string]int
	byWorkload map[string][]int
}

func (t *Tree) accountIndex() *accountIndex {
	x := &accountIndex{t: t, mgmt: t.ManagementAccountName(), byName: map[string]int{}, byWorkload: map[string][]int{}}
	for i, a := range t.Accounts {
		if _, ok := x.byName[a.Name]; !ok {
			x.byName[a.Name] = i
		}
		if a.Workload != "" {
			x.byWorkload[a.Workload] = append(x.byWorkload[a.Workload], i)
		}
	}
	return x
}

// each calls yield with the name of every account g selects, in the tree's
// order, until yield returns false.
func (x *accountIndex) each(g Grant, yield func(name string) bool) {
	all, named := false, false
	for _, n := range g.Accounts {
		if n == AllAccounts {
			all = true
		} else {
			named = true
		}
	}
	others := len(g.Workload) > 0 || len(g.Environment) > 0 || len(g.Residency) > 0 || len(g.OU) > 0
	if !all && !named && !others {
		return // selects nothing: validation says so
	}
	var candidates []int // nil: every account
	switch {
	case named && !all:
		candidates = []int{}
		for _, n := range g.Accounts {
			if i, ok := x.byName[n]; ok {
				candidates = append(candidates, i)
			}
		}
	case len(g.Workload) > 0:
		candidates = []int{}
		for _, w := range g.Workload {
			candidates = append(candidates, x.byWorkload[w]...)
		}
	}
	if candidates != nil {
		slices.Sort(candidates)
		candidates = slices.Compact(candidates)
	}
	match := func(a Account) bool {
		return matches(g.Workload, a.Workload) && matches(g.Environment, a.Environment) && matches(g.Residency, a.Residency) &&
			(len(g.OU) == 0 || slices.ContainsFunc(g.OU, func(ou string) bool { return a.OU == ou || strings.HasPrefix(a.OU, ou+"/") }))
	}
	if candidates == nil {
		for _, a := range x.t.Accounts {
			if match(a) && !yield(a.Name) {
				return
			}
		}
	} else {
		for _, i := range candidates {
			if a := x.t.Accounts[i]; match(a) && !yield(a.Name) {
				return
			}
		}
	}
	if x.mgmt != "" && named && !all && !others && slices.Contains(g.Accounts, x.mgmt) {
		yield(x.mgmt)
	}
}

// matches reports whether value is one of want, or want is empty (the
// selector is not set). An account without a value (a foundation account has
// no workload) matches no set selector.
func matches(want []string, value string) bool {
	return len(want) == 0 || (value != "" && slices.Contains(want, value))
}

// NewUser is the Identity Center user of the address email: its user name
// and email are the address, its names come from the address's local part
// (ana.garcia@acme.example is Ana Garcia). AWS requires a given and a family
// name; an address of one word (ana@acme.example) takes its family name from
// the domain (Ana, of Acme).
func NewUser(email string) User {
	local, domain, _ := strings.Cut(email, "@")
	if before, _, ok := strings.Cut(local, "+"); ok && before != "" {
		local = before // ana+aws@ is ana
	}
	words := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	if len(words) == 0 {
		words = []string{local}
	}
	for i, w := range words {
		words[i] = capitalize(w)
	}
	given, family := words[0], strings.Join(words[1:], " ")
	if family == "" {
		label, _, _ := strings.Cut(domain, ".")
		family = cmp.Or(capitalize(label), given)
	}
	display := strings.Join(words, " ")
	return User{UserName: email, Email: email, DisplayName: display, GivenName: given, FamilyName: family}
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
