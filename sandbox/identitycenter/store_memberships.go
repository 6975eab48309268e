package identitycenter

import (
	"slices"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// memberUser reads the MemberId union, whose one member is UserId.
func (c *call) memberUser(in *Instance) (*User, error) {
	var m struct{ UserId string }
	if err := c.decode("MemberId", &m); err != nil {
		return nil, err
	}
	if m.UserId == "" {
		return nil, validation("1 validation error detected: Value null at 'memberId.userId' failed to satisfy constraint: Member must not be null")
	}
	if !resourceIDRe.MatchString(m.UserId) {
		return nil, validation("1 validation error detected: Value '%s' at 'memberId.userId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$", m.UserId)
	}
	u := in.user(m.UserId)
	if u == nil {
		return nil, storeNotFound("USER", m.UserId, "User %s does not exist in identity store %s.", m.UserId, in.IdentityStoreID)
	}
	return u, nil
}

func membershipOut(in *Instance, m *Membership) map[string]any {
	return map[string]any{"IdentityStoreId": in.IdentityStoreID, "MembershipId": m.ID, "GroupId": m.GroupID,
		"MemberId": map[string]string{"UserId": m.UserID}}
}

func (in *Instance) membership(groupID, userID string) *Membership {
	for _, m := range in.Memberships {
		if m.GroupID == groupID && m.UserID == userID {
			return m
		}
	}
	return nil
}

func createMembership(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	g, err := c.findGroup(in, "GroupId")
	if err != nil {
		return nil, false, err
	}
	u, err := c.memberUser(in)
	if err != nil {
		return nil, false, err
	}
	if m := in.membership(g.ID, u.ID); m != nil {
		return nil, false, uniqueness("User %s is already a member of group %s (membership %s).", u.UserName, g.DisplayName, m.ID)
	}
	m := &Membership{ID: core.NewUUID(), GroupID: g.ID, UserID: u.ID}
	in.Memberships = append(in.Memberships, m)
	return map[string]any{"MembershipId": m.ID, "IdentityStoreId": in.IdentityStoreID}, true, nil
}

func listMemberships(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	g, err := c.findGroup(in, "GroupId")
	if err != nil {
		return nil, false, err
	}
	return membershipPage(c, in, func(m *Membership) bool { return m.GroupID == g.ID })
}

func membershipPage(c *call, in *Instance, keep func(*Membership) bool) (any, bool, error) {
	var found []*Membership
	for _, m := range in.Memberships {
		if keep(m) {
			found = append(found, m)
		}
	}
	from, to, next, err := c.page(len(found), maxStoreResults)
	if err != nil {
		return nil, false, err
	}
	list := []any{}
	for _, m := range found[from:to] {
		list = append(list, membershipOut(in, m))
	}
	return withNext(map[string]any{"GroupMemberships": list}, next), false, nil
}

// findMembership finds the call's MembershipId.
func (c *call) findMembership(in *Instance) (int, error) {
	id, err := c.resourceID("MembershipId")
	if err != nil {
		return 0, err
	}
	i := slices.IndexFunc(in.Memberships, func(m *Membership) bool { return m.ID == id })
	if i < 0 {
		return 0, storeNotFound("GROUP_MEMBERSHIP", id, "Membership %s does not exist in identity store %s.", id, in.IdentityStoreID)
	}
	return i, nil
}

func describeMembership(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	i, err := c.findMembership(in)
	if err != nil {
		return nil, false, err
	}
	return membershipOut(in, in.Memberships[i]), false, nil
}

func deleteMembership(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	i, err := c.findMembership(in)
	if err != nil {
		return nil, false, err
	}
	in.Memberships = slices.Delete(in.Memberships, i, i+1)
	return map[string]any{}, true, nil
}

func getMembershipID(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	g, err := c.findGroup(in, "GroupId")
	if err != nil {
		return nil, false, err
	}
	u, err := c.memberUser(in)
	if err != nil {
		return nil, false, err
	}
	m := in.membership(g.ID, u.ID)
	if m == nil {
		return nil, false, storeNotFound("GROUP_MEMBERSHIP", u.ID, "User %s is not a member of group %s.", u.UserName, g.DisplayName)
	}
	return map[string]any{"MembershipId": m.ID, "IdentityStoreId": in.IdentityStoreID}, false, nil
}

func listMembershipsForMember(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	u, err := c.memberUser(in)
	if err != nil {
		return nil, false, err
	}
	return membershipPage(c, in, func(m *Membership) bool { return m.UserID == u.ID })
}

func isMemberInGroups(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	u, err := c.memberUser(in)
	if err != nil {
		return nil, false, err
	}
	var ids []string
	if err := c.decode("GroupIds", &ids); err != nil {
		return nil, false, err
	}
	if len(ids) < 1 || len(ids) > 100 {
		return nil, false, validation("1 validation error detected: Value at 'groupIds' failed to satisfy constraint: Member must have length between 1 and 100")
	}
	results := []any{}
	for _, id := range ids {
		if !resourceIDRe.MatchString(id) {
			return nil, false, validation("1 validation error detected: Value '%s' at 'groupIds' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$", id)
		}
		results = append(results, map[string]any{"GroupId": id, "MemberId": map[string]string{"UserId": u.ID},
			"MembershipExists": in.membership(id, u.ID) != nil})
	}
	return map[string]any{"Results": results}, false, nil
}
