package identitycenter

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

func (c *call) findGroup(in *Instance, member string) (*Group, error) {
	id, err := c.resourceID(member)
	if err != nil {
		return nil, err
	}
	g := in.group(id)
	if g == nil {
		return nil, storeNotFound("GROUP", id, "Group %s does not exist in identity store %s.", id, in.IdentityStoreID)
	}
	return g, nil
}

func groupOut(in *Instance, g *Group) map[string]any {
	out := map[string]any{"GroupId": g.ID, "DisplayName": g.DisplayName, "IdentityStoreId": in.IdentityStoreID}
	if g.Description != "" {
		out["Description"] = g.Description
	}
	return out
}

func createGroup(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	name, err := c.required("DisplayName")
	if err != nil {
		return nil, false, err
	}
	if utf8.RuneCountInString(name) > 1024 || !displayNameRe.MatchString(name) {
		return nil, false, validation("1 validation error detected: Value at 'displayName' failed to satisfy constraint: Member must have length between 1 and 1024 and contain only letters, marks, symbols, numbers, punctuation and spaces")
	}
	desc, err := c.str("Description")
	if err != nil {
		return nil, false, err
	}
	if utf8.RuneCountInString(desc) > 1024 {
		return nil, false, validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1024")
	}
	for _, g := range in.Groups {
		if strings.EqualFold(g.DisplayName, name) {
			return nil, false, uniqueness("Duplicate GroupDisplayName: a group named %s already exists (group %s).", name, g.ID)
		}
	}
	g := &Group{ID: core.NewUUID(), DisplayName: name, Description: desc}
	in.Groups = append(in.Groups, g)
	return map[string]any{"GroupId": g.ID, "IdentityStoreId": in.IdentityStoreID}, true, nil
}

func listGroups(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	want, filtered, err := c.filter("DisplayName")
	if err != nil {
		return nil, false, err
	}
	var groups []*Group
	for _, g := range in.Groups {
		if !filtered || strings.EqualFold(g.DisplayName, want) {
			groups = append(groups, g)
		}
	}
	from, to, next, err := c.page(len(groups), maxStoreResults)
	if err != nil {
		return nil, false, err
	}
	list := []any{}
	for _, g := range groups[from:to] {
		list = append(list, groupOut(in, g))
	}
	return withNext(map[string]any{"Groups": list}, next), false, nil
}

func describeGroup(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	g, err := c.findGroup(in, "GroupId")
	if err != nil {
		return nil, false, err
	}
	return groupOut(in, g), false, nil
}

func deleteGroup(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	g, err := c.findGroup(in, "GroupId")
	if err != nil {
		return nil, false, err
	}
	in.Groups = slices.DeleteFunc(in.Groups, func(x *Group) bool { return x == g })
	in.Memberships = slices.DeleteFunc(in.Memberships, func(m *Membership) bool { return m.GroupID == g.ID })
	return map[string]any{}, true, nil
}

func getGroupID(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	name, err := c.uniqueAttribute("displayName")
	if err != nil {
		return nil, false, err
	}
	for _, g := range in.Groups {
		if strings.EqualFold(g.DisplayName, name) {
			return map[string]any{"GroupId": g.ID, "IdentityStoreId": in.IdentityStoreID}, false, nil
		}
	}
	return nil, false, storeNotFound("GROUP", name, "No group named %s in identity store %s.", name, in.IdentityStoreID)
}

// updateGroup changes a group's display name (still one group per name) or description.
func updateGroup(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	g, err := c.findGroup(in, "GroupId")
	if err != nil {
		return nil, false, err
	}
	ops, err := c.operations()
	if err != nil {
		return nil, false, err
	}
	next := *g
	for _, op := range ops {
		v, err := op.stringValue()
		if err != nil {
			return nil, false, err
		}
		switch strings.ToLower(op.AttributePath) {
		case "displayname":
			if v == "" || utf8.RuneCountInString(v) > 1024 || !displayNameRe.MatchString(v) {
				return nil, false, validation("A group's display name must be 1 to 1024 letters, marks, symbols, numbers, punctuation or spaces.")
			}
			next.DisplayName = v
		case "description":
			if utf8.RuneCountInString(v) > 1024 {
				return nil, false, validation("A group's description may have at most 1024 characters.")
			}
			next.Description = v
		default:
			return nil, false, validation("The sandbox updates a group's displayName and description, not %q.", op.AttributePath)
		}
	}
	for _, other := range in.Groups {
		if other != g && strings.EqualFold(other.DisplayName, next.DisplayName) {
			return nil, false, uniqueness("Duplicate GroupDisplayName: a group named %s already exists (group %s).", next.DisplayName, other.ID)
		}
	}
	*g = next
	return map[string]any{}, true, nil
}
