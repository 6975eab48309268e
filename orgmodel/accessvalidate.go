package orgmodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AWS's rules for what the access block names, from the IAM Identity Center
// API reference (CreatePermissionSet, PutInlinePolicyToPermissionSet) and
// its quotas, and the identity store's CreateGroup and CreateUser.
const (
	MaxPermissionSetNameLen = 32
	MaxPermissionSetDescLen = 700
	// MaxInlinePolicyBytes and MaxInlinePolicyNonSpace bound a permission
	// set's inline policy: 32,768 bytes, of which at most 10,240 are not
	// white space (IAM Identity Center quotas).
	MaxInlinePolicyBytes    = 32_768
	MaxInlinePolicyNonSpace = 10_240
	// MaxManagedPolicies is how many AWS managed policies a permission set
	// may have; the role it becomes holds 10 unless the IAM quota "Managed
	// policies attached to an IAM role" is raised in each account.
	MaxManagedPolicies = 20
	MaxGroupNameLen    = 1024
	MaxUserNameLen     = 128
	MinSessionHours    = 1
	MaxSessionHours    = 12
	// MaxAssignments bounds the account assignments a design may make, as
	// MaxAccounts bounds its accounts: far above any real organization's
	// (200 workloads in 2,000 accounts with the wizard's proposal make about
	// 6,000), low enough that a mistaken or hostile file costs little.
	MaxAssignments = 50_000
	// maxGrantWork bounds grants times accounts, the work of working out
	// what every grant selects.
	maxGrantWork = 5_000_000
)

var (
	permissionSetNameRe = regexp.MustCompile(`^[\w+=,.@-]+$`)
	// AWS's pattern for a permission set's description: Latin-1 without
	// the control characters, tab and line breaks allowed.
	permissionSetDescRe = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*$`)
	// The identity store's pattern for a group's display name and description.
	displayNameRe    = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \x{00A0}\x{3000}]+$`)
	managedPolicyRe  = regexp.MustCompile(`^arn:aws:iam::aws:policy/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,128}$`)
	customerPolicyRe = regexp.MustCompile(`^arn:aws[\w-]*:iam::\d{12}:policy/`)
	policyNameRe     = regexp.MustCompile(`^(?:job-function/)?[\w+=,.@-]{1,128}$`)
	sessionRe        = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)
)

// CheckPermissionSetName checks a permission set's name against AWS's rule:
// 1-32 characters of letters, digits and _ + = , . @ -.
func CheckPermissionSetName(s string) error {
	switch {
	case s == "":
		return errors.New("is empty; give a name of letters, digits and _ + = , . @ -, such as deployer")
	case len(s) > MaxPermissionSetNameLen:
		return fmt.Errorf("%q is %d characters; AWS allows at most %d", s, len(s), MaxPermissionSetNameLen)
	case !permissionSetNameRe.MatchString(s):
		if msg, ok := nonASCII(s); ok {
			return fmt.Errorf("%q: %s; a permission set's name is letters, digits and _ + = , . @ -", s, msg)
		}
		return fmt.Errorf("%q has characters AWS does not allow in a permission set's name; use letters, digits and _ + = , . @ - (no spaces)", s)
	}
	return nil
}

// CheckGroupName checks a group's name against the identity store's rule for
// a display name: 1-1024 letters, marks, symbols, digits, punctuation and
// spaces.
func CheckGroupName(s string) error {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		return errors.New("is empty; give the group a name, such as payments-team")
	case n > MaxGroupNameLen:
		return fmt.Errorf("is %d characters; AWS allows at most %d", n, MaxGroupNameLen)
	case !displayNameRe.MatchString(s):
		return fmt.Errorf("%q has a character AWS does not allow in a group's name (a control character); use letters, digits, punctuation and spaces", s)
	}
	return nil
}

// CheckMemberEmail checks a group member's address: the user name of the
// Identity Center user orgwizard creates, at most 128 characters of letters,
// digits, punctuation and symbols, and an email the portal's invitation can
// reach.
func CheckMemberEmail(s string) error {
	switch {
	case s == "":
		return errors.New("is empty; give the person's email, such as ana@example.com")
	case strings.IndexFunc(s, unicode.IsSpace) >= 0 || strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Errorf("%q has white space or control characters; an email address has none", s)
	case strings.Count(s, "@") != 1:
		return fmt.Errorf("%q is not an email address: it needs exactly one '@', as in ana@example.com", s)
	}
	if msg, ok := nonASCII(s); ok {
		return fmt.Errorf("%q: %s; write the address in ASCII", s, msg)
	}
	local, domain, _ := strings.Cut(s, "@")
	switch {
	case local == "":
		return fmt.Errorf("%q has nothing before '@'", s)
	case !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, ".."):
		return fmt.Errorf("%q needs a domain with a dot, such as example.com", s)
	case len(s) > MaxUserNameLen:
		return fmt.Errorf("%q is %d characters; an Identity Center user name (the email) is at most %d", s, len(s), MaxUserNameLen)
	}
	return nil
}

// CheckSessionDuration checks an ISO-8601 duration from PT1H to PT12H.
func CheckSessionDuration(s string) error {
	seconds, ok := sessionSeconds(s)
	if !ok {
		return fmt.Errorf("%q is not an ISO-8601 duration; write hours and minutes as PT4H or PT1H30M, from PT%dH to PT%dH", s, MinSessionHours, MaxSessionHours)
	}
	if seconds < MinSessionHours*3600 || seconds > MaxSessionHours*3600 {
		return fmt.Errorf("%q is outside what AWS allows: from PT%dH to PT%dH", s, MinSessionHours, MaxSessionHours)
	}
	return nil
}

// sessionSeconds is an ISO-8601 duration in seconds (-1 when a part is
// absurdly large); ok is false when s is not such a duration.
func sessionSeconds(s string) (seconds int, ok bool) {
	m := sessionRe.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" || strings.HasSuffix(s, "T") {
		return 0, false
	}
	for i, unit := range []int{86400, 3600, 60, 1} {
		if m[i+1] == "" {
			continue
		}
		v, err := strconv.Atoi(m[i+1])
		if err != nil || v > 1_000_000 {
			return -1, true
		}
		seconds += v * unit
	}
	return seconds, true
}

// CheckManagedPolicyARN checks the ARN of an AWS managed policy.
func CheckManagedPolicyARN(s string) error {
	switch {
	case managedPolicyRe.MatchString(s):
		return nil
	case customerPolicyRe.MatchString(s):
		return fmt.Errorf("%q is a customer managed policy; a permission set attaches those by name in each account, which orgwizard does not do: use an AWS managed policy (arn:aws:iam::aws:policy/...) or an inlinePolicy", s)
	case policyNameRe.MatchString(s):
		return fmt.Errorf("%q is not an ARN; write arn:aws:iam::aws:policy/%s", s, s)
	}
	return fmt.Errorf("%q is not the ARN of an AWS managed policy, such as arn:aws:iam::aws:policy/ReadOnlyAccess", s)
}

// CheckInlinePolicy checks a permission set's inline policy as sent to AWS:
// a JSON object, in the characters AWS accepts, within its size limits.
func CheckInlinePolicy(s string) error {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return fmt.Errorf("is not JSON: %v; write the policy as a YAML mapping, or as a JSON string in single quotes", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return errors.New("is not a policy document: it must be a mapping with Version and Statement")
	}
	i := 0
	for _, r := range s {
		i++
		if r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || r > 0xff) {
			return fmt.Errorf("character %d, %s, is not one AWS accepts in a policy (Latin-1 only); write it as a \\u escape in a JSON string, or leave it out", i, describeRune(r))
		}
	}
	if len(s) > MaxInlinePolicyBytes {
		return fmt.Errorf("is %d bytes as sent; AWS allows %d per permission set: move statements to a managed policy or a second permission set", len(s), MaxInlinePolicyBytes)
	}
	if n := nonSpace(s); n > MaxInlinePolicyNonSpace {
		return fmt.Errorf("has %d characters that are not white space; AWS allows %d per permission set: move statements to a managed policy or a second permission set", n, MaxInlinePolicyNonSpace)
	}
	return nil
}

func nonSpace(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}

// itemPath is the path of the i-th value of a selector: path[i] when the file
// wrote a list, path itself when it wrote one value.
func (d *Design) itemPath(path string, list []string, i int) string {
	if p := index(path, i); len(list) > 1 || d.written(p) {
		return p
	}
	return path
}

// validateAccess checks the access block's own values: names, policies,
// durations, members, and the names grants give that do not need the
// expansion (permission sets, workloads, environments, residencies).
func (d *Design) validateAccess(l *errorList) {
	a := d.Access
	if a == nil {
		return
	}
	presets := make([]string, len(PresetPermissionSets))
	for i, p := range PresetPermissionSets {
		presets[i] = p.Name
	}
	known := slices.Clone(presets)
	seen := map[string]int{}
	for i, ps := range a.PermissionSets {
		p := index("access.permissionSets", i)
		if ps.Name == "" {
			l.add(p+".name", "is required: the permission set's name, 1-%d letters, digits and _ + = , . @ -, such as deployer", MaxPermissionSetNameLen)
		} else if err := CheckPermissionSetName(ps.Name); err != nil {
			l.check(p+".name", err)
		} else if j := slices.IndexFunc(presets, func(s string) bool { return strings.EqualFold(s, ps.Name) }); j >= 0 {
			pre := PresetPermissionSets[j]
			l.add(p+".name", "%q is a preset (%s); grant it without defining it, or give this permission set another name", ps.Name, pre.ManagedPolicies[0])
		} else if first, ok := seen[strings.ToLower(ps.Name)]; ok {
			l.add(p+".name", "%q is already the name of access.permissionSets[%d] (AWS compares names ignoring case); rename one", ps.Name, first)
		} else {
			seen[strings.ToLower(ps.Name)] = i
			known = append(known, ps.Name)
		}
		if ps.Description != "" {
			if n := utf8.RuneCountInString(ps.Description); n > MaxPermissionSetDescLen {
				l.add(p+".description", "is %d characters; AWS allows at most %d", n, MaxPermissionSetDescLen)
			} else if !permissionSetDescRe.MatchString(ps.Description) {
				l.add(p+".description", "has characters AWS does not allow in a permission set's description (it takes Latin-1 text only)")
			}
		}
		if len(ps.ManagedPolicies) == 0 && ps.InlinePolicy == "" {
			// At the key the file wrote empty, if any, so that a policy the
			// decoder could not read is reported once, by the decoder.
			at := p
			switch {
			case d.written(p + ".inlinePolicy"):
				at = p + ".inlinePolicy"
			case d.written(p + ".managedPolicies"):
				at = p + ".managedPolicies"
			}
			l.add(at, "the permission set grants nothing: give it managedPolicies (such as [arn:aws:iam::aws:policy/ReadOnlyAccess]), an inlinePolicy, or both")
		}
		if n := len(ps.ManagedPolicies); n > MaxManagedPolicies {
			l.add(p+".managedPolicies", "lists %d policies; AWS allows %d per permission set, so remove %d", n, MaxManagedPolicies, n-MaxManagedPolicies)
		}
		arns := map[string]bool{}
		for j, arn := range ps.ManagedPolicies {
			ip := d.itemPath(p+".managedPolicies", ps.ManagedPolicies, j)
			if err := CheckManagedPolicyARN(arn); err != nil {
				l.check(ip, err)
			} else if arns[arn] {
				l.add(ip, "%s is listed twice; keep one", arn)
			}
			arns[arn] = true
		}
		if ps.InlinePolicy != "" {
			l.check(p+".inlinePolicy", CheckInlinePolicy(ps.InlinePolicy))
		}
		if ps.SessionDuration != "" {
			l.check(p+".sessionDuration", CheckSessionDuration(ps.SessionDuration))
		}
	}

	valid := map[string]*names{"workload": {}, "environment": {}, "residency": {}}
	for _, w := range d.Workloads {
		valid["workload"].add(w.Name)
	}
	for _, e := range d.Environments {
		valid["environment"].add(e.Name)
	}
	for _, r := range d.Residencies {
		valid["residency"].add(r.Name)
	}
	groups := map[string]int{}
	for i, g := range a.Groups {
		p := index("access.groups", i)
		if g.Name == "" {
			l.add(p+".name", "is required: the group's name, such as payments-team")
		} else if err := CheckGroupName(g.Name); err != nil {
			l.check(p+".name", err)
		} else if first, ok := groups[strings.ToLower(g.Name)]; ok {
			l.add(p+".name", "%q is already the name of access.groups[%d] (the identity store compares group names ignoring case); merge them or rename one", g.Name, first)
		} else {
			groups[strings.ToLower(g.Name)] = i
		}
		if g.Description != "" {
			if n := utf8.RuneCountInString(g.Description); n > MaxGroupNameLen {
				l.add(p+".description", "is %d characters; AWS allows at most %d", n, MaxGroupNameLen)
			} else if !displayNameRe.MatchString(g.Description) {
				l.add(p+".description", "has a character AWS does not allow in a group's description (a control character)")
			}
		}
		members := map[string]bool{}
		for j, m := range g.Members {
			mp := d.itemPath(p+".members", g.Members, j)
			if err := CheckMemberEmail(m); err != nil {
				l.check(mp, err)
			} else if members[strings.ToLower(m)] {
				l.add(mp, "%s is listed twice; keep one", m)
			}
			members[strings.ToLower(m)] = true
		}
		for j, gr := range g.Grants {
			gp := index(p+".grants", j)
			switch {
			case gr.PermissionSet == "":
				l.add(gp+".permissionSet", "is required: a preset (%s) or a permission set of access.permissionSets", strings.Join(presets, ", "))
			case !slices.Contains(known, gr.PermissionSet):
				msg := fmt.Sprintf("%q is neither a preset nor a permission set of access.permissionSets; use one of: %s", gr.PermissionSet, listNames(known))
				if near := nearest(gr.PermissionSet, known); near != "" {
					msg = fmt.Sprintf("%q is neither a preset nor a permission set of access.permissionSets; did you mean %q?", gr.PermissionSet, near)
				}
				l.add(gp+".permissionSet", "%s", msg)
			}
			if len(gr.Accounts) == 0 && len(gr.Workload) == 0 && len(gr.Environment) == 0 && len(gr.Residency) == 0 && len(gr.OU) == 0 && !d.written(gp+unread) {
				l.add(gp, "selects no account; add accounts: all, or say which accounts with workload, environment, residency, ou or accounts")
			}
			for _, sel := range []struct {
				key    string
				values []string
			}{{"workload", gr.Workload}, {"environment", gr.Environment}, {"residency", gr.Residency}} {
				checkSelector(l, d, gp+"."+sel.key, sel.values, *valid[sel.key], sel.key)
			}
		}
	}
}

// names are the valid values of a selector, in the design's order and as a set.
type names struct {
	list []string
	set  map[string]bool
}

func (n *names) add(s string) {
	if n.set == nil {
		n.set = map[string]bool{}
	}
	n.list = append(n.list, s)
	n.set[s] = true
}

// checkSelector checks that the values of a selector are names the design
// has, each once.
func checkSelector(l *errorList, d *Design, path string, values []string, valid names, what string) {
	if len(values) == 0 {
		return
	}
	seen := map[string]bool{}
	for i, v := range values {
		ip := d.itemPath(path, values, i)
		switch {
		case l.full():
			l.omitted++
		case !valid.set[v]:
			msg := fmt.Sprintf("the design has no %s %q", what, v)
			if len(valid.list) == 0 {
				msg += fmt.Sprintf("; it has no %s at all, so remove this selector", pluralOf(what))
			} else if near := nearest(v, valid.list); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			} else {
				msg += "; use one of: " + listNames(valid.list)
			}
			l.add(ip, "%s", msg)
		case seen[v]:
			l.add(ip, "%q is listed twice; keep one", v)
		}
		seen[v] = true
	}
}

func pluralOf(what string) string {
	if what == "residency" {
		return "residencies"
	}
	return what + "s"
}

// accessTooLarge reports, before anything is expanded, a block whose grants
// would take too long to work out over the design's accounts.
func (d *Design) accessTooLarge(l *errorList) bool {
	if d.Access == nil {
		return false
	}
	grants := 0
	for _, g := range d.Access.Groups {
		grants += len(g.Grants)
	}
	accounts := d.accountCount() + 1
	if grants*accounts <= maxGrantWork {
		return false
	}
	l.add("access.groups", "%d grants over %d accounts are more than orgwizard works out (%d grants times accounts); merge grants that give a group the same permission set", grants, accounts, maxGrantWork)
	return true
}

// validateAccessTree checks what grants select against the expanded tree:
// the account names and OU paths they give, and that each selects an account.
func (d *Design) validateAccessTree(l *errorList, t *Tree) {
	if d.Access == nil {
		return
	}
	if n := len(t.Access.Assignments); n > MaxAssignments {
		l.add("access.groups", "the grants make more than %d account assignments; orgwizard manages at most %d: grant fewer groups per account, or grant groups to fewer accounts", MaxAssignments, MaxAssignments)
	}
	var accounts, ous names
	for _, a := range t.Accounts {
		accounts.add(a.Name)
	}
	if mgmt := t.ManagementAccountName(); mgmt != "" {
		accounts.add(mgmt)
	}
	for _, o := range t.OUs {
		ous.add(o.Path)
	}
	selected := t.accountIndex()
	for i, g := range d.Access.Groups {
		for j, gr := range g.Grants {
			gp := index(index("access.groups", i)+".grants", j)
			before := len(l.errs) + l.omitted
			if slices.Contains(gr.Accounts, AllAccounts) && len(gr.Accounts) > 1 {
				l.add(gp+".accounts", "mixes all with account names; all already selects every member account, so write accounts: all, or list the names alone")
			} else if !slices.Contains(gr.Accounts, AllAccounts) {
				checkSelector(l, d, gp+".accounts", gr.Accounts, accounts, "account")
			}
			checkSelector(l, d, gp+".ou", gr.OU, ous, "OU")
			if len(l.errs)+l.omitted != before || l.under(gp) || d.written(gp+unread) {
				continue
			}
			some := false
			selected.each(gr, func(string) bool { some = true; return false })
			if !some {
				l.add(gp, "selects no account: no account of the design is %s; widen or remove the grant", describeGrant(gr))
			}
		}
	}
}

// under reports whether a problem was already found at path or inside it.
func (l *errorList) under(path string) bool {
	return slices.ContainsFunc(l.errs, func(e FieldError) bool {
		return e.Path == path || strings.HasPrefix(e.Path, path+".") || strings.HasPrefix(e.Path, path+"[")
	})
}

// describeGrant says in words which accounts a grant asks for.
func describeGrant(g Grant) string {
	var parts []string
	for _, s := range []struct {
		key    string
		values []string
	}{{"named", g.Accounts}, {"of workload", g.Workload}, {"in environment", g.Environment}, {"in residency", g.Residency}, {"under OU", g.OU}} {
		if len(s.values) > 0 {
			parts = append(parts, s.key+" "+strings.Join(s.values, " or "))
		}
	}
	return strings.Join(parts, ", ")
}

// Warnings are what the design allows but should rarely do, each at its line
// and field path: a grant that gives people the management account. They
// are empty for a design that does not validate.
func (d *Design) Warnings() Errors {
	t, err := d.check()
	if err != nil || d.Access == nil {
		return nil
	}
	var out Errors
	mgmt := t.ManagementAccountName()
	if mgmt == "" {
		return nil
	}
	for i, g := range d.Access.Groups {
		for j, gr := range g.Grants {
			k := slices.Index(gr.Accounts, mgmt)
			if k < 0 {
				continue
			}
			p := d.itemPath(index(index("access.groups", i)+".grants", j)+".accounts", gr.Accounts, k)
			pos := d.position(p)
			out = append(out, FieldError{Path: p, Line: pos.Line, Column: pos.Column, Message: fmt.Sprintf(
				"gives group %s %s in the management account (%s): service control policies never restrict it, so whoever works there escapes every guardrail; keep it to the few who administer the organization", g.Name, gr.PermissionSet, mgmt)})
		}
	}
	return out.sorted()
}

// SetAccess makes a the design's access block (nil: none) when it passes
// the checks Validate makes of the block, as if the file had written it, so
// that an editor (the wizard) checks answers as a file is checked; else d is
// unchanged and the error says what to change.
func (d *Design) SetAccess(a *Access) error {
	if a == nil {
		d.Access = nil
		return nil
	}
	c := *d
	c.Access = a
	// Positions of the old block would point into a file the new block
	// is not in.
	c.pos = maps.Clone(d.pos)
	if c.pos == nil {
		c.pos = map[string]Pos{}
	}
	maps.DeleteFunc(c.pos, func(p string, _ Pos) bool { return p == "access" || strings.HasPrefix(p, "access.") })
	l := &errorList{d: &c}
	c.validateAccess(l)
	if l.empty() && c.accountCount() <= MaxAccounts && !c.accessTooLarge(l) {
		c.validateAccessTree(l, c.expand())
	}
	if err := l.result(); err != nil {
		return err
	}
	*d = c
	return nil
}
