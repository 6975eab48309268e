package orgmodel

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// formatAccess writes the access block as Format writes the rest: grants one
// a line in flow style, as a person writes them, a selector of one value as
// that value, and an inline policy as its JSON in single quotes (it is sent
// to AWS exactly so).
func formatAccess(w func(indent int, format string, args ...any), a *Access) {
	if a == nil {
		return
	}
	if len(a.PermissionSets) == 0 && len(a.Groups) == 0 {
		w(0, "access: {}   # orgwizard manages Identity Center and grants nothing")
		return
	}
	w(0, "access:")
	if len(a.PermissionSets) > 0 {
		w(1, "permissionSets:   # presets need no definition: admin, power-user, read-only, billing, security-audit")
		for _, ps := range a.PermissionSets {
			w(2, "- name: %s", scalar(ps.Name))
			if ps.Description != "" {
				w(3, "description: %s", text(ps.Description))
			}
			if len(ps.ManagedPolicies) > 0 {
				w(3, "managedPolicies: %s", flowList(ps.ManagedPolicies))
			}
			if ps.InlinePolicy != "" {
				w(3, "inlinePolicy: %s", policyText(ps.InlinePolicy))
			}
			if ps.SessionDuration != "" {
				w(3, "sessionDuration: %s", scalar(ps.SessionDuration))
			}
		}
	}
	if len(a.Groups) > 0 {
		w(1, "groups:")
		for _, g := range a.Groups {
			w(2, "- name: %s", text(g.Name))
			if g.Description != "" {
				w(3, "description: %s", text(g.Description))
			}
			if len(g.Members) > 0 {
				w(3, "members: %s", flowList(g.Members))
			}
			if len(g.Grants) > 0 {
				w(3, "grants:")
				for _, gr := range g.Grants {
					w(4, "- %s", formatGrant(gr))
				}
			}
		}
	}
}

func formatGrant(g Grant) string {
	parts := []string{"permissionSet: " + flowScalar(g.PermissionSet)}
	for _, s := range []struct {
		key    string
		values []string
	}{{"accounts", g.Accounts}, {"workload", g.Workload}, {"environment", g.Environment}, {"residency", g.Residency}, {"ou", g.OU}} {
		switch len(s.values) {
		case 0:
		case 1:
			parts = append(parts, s.key+": "+flowScalar(s.values[0]))
		default:
			parts = append(parts, s.key+": "+flowList(s.values))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// flowPlain is what YAML reads back as the same string without quotes
// inside [ ] and { }: scalar's rule, and ':' inside (an ARN), never last.
var flowPlain = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._@+/:=-]*$`)

func flowScalar(s string) string {
	if flowPlain.MatchString(s) && !strings.HasSuffix(s, ":") && !strings.Contains(s, "://") && !yamlWords[strings.ToLower(s)] {
		return s
	}
	return quoted(s)
}

func flowList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = flowScalar(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// policyText writes a policy in single quotes, where nothing but the quote
// itself is special. A policy with a character YAML does not take raw (the
// C1 controls, U+0080 to U+009F, which AWS accepts in a policy) or would
// fold (a line break, in a policy that is not JSON) is double-quoted with
// escapes, which Go and YAML write alike.
func policyText(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) >= 0 {
		return strconv.QuoteToASCII(s)
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
