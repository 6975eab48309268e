package orgmodel

import (
	"encoding/json"
	"slices"
	"strings"
)

// AllowedRegions is where the design's guardrails let an account act: the
// regions every region lock that applies to it (attached to Root, to its OU
// or an OU above, or to the account itself) allows, sorted. locked is false
// when no region lock applies (the account may use every region), or the
// account is not in the tree.
func (t *Tree) AllowedRegions(account string) (regions []string, locked bool) {
	if t == nil {
		return nil, false
	}
	i := slices.IndexFunc(t.Accounts, func(a Account) bool { return a.Name == account })
	if i < 0 {
		return nil, false
	}
	a := t.Accounts[i]
	applies := func(tg Target) bool {
		switch tg.Type {
		case TargetRoot:
			return true
		case TargetAccount:
			return tg.Name == a.Name
		case TargetOU:
			return a.OU == tg.Name || strings.HasPrefix(a.OU, tg.Name+"/")
		}
		return false
	}
	for _, p := range t.Policies {
		if !strings.HasPrefix(p.Name, policyRegionLockParts) || !slices.ContainsFunc(p.Targets, applies) {
			continue
		}
		allowed := lockedRegions(p.Content)
		if !locked {
			regions, locked = allowed, true
			continue
		}
		// Two locks: only what both allow.
		regions = slices.DeleteFunc(regions, func(r string) bool { return !slices.Contains(allowed, r) })
	}
	slices.Sort(regions)
	return regions, locked
}

// lockedRegions reads the regions a region lock's document allows: those its
// aws:RequestedRegion condition does not deny.
func lockedRegions(content string) []string {
	var doc policyDocument
	if err := json.Unmarshal([]byte(content), &doc); err != nil {
		return nil
	}
	var out []string
	for _, s := range doc.Statement {
		out = append(out, s.Condition["StringNotEquals"]["aws:RequestedRegion"]...)
	}
	return out
}
