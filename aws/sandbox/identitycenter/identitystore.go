package identitycenter

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// identitystore (awsJson1_1, target prefix AWSIdentityStore): users, groups and memberships of an
// instance's directory.

const maxStoreResults = 100

var (
	identityStoreIDRe = regexp.MustCompile(`^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$`)
	resourceIDRe      = regexp.MustCompile(`^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$`)
	displayNameRe     = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r  　]+$`)
	userNameRe        = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
)

var storeOps map[string]jsonOp

func init() {
	storeOps = map[string]jsonOp{
		"CreateGroup":                   createGroup,
		"ListGroups":                    listGroups,
		"DescribeGroup":                 describeGroup,
		"DeleteGroup":                   deleteGroup,
		"GetGroupId":                    getGroupID,
		"CreateUser":                    createUser,
		"ListUsers":                     listUsers,
		"DescribeUser":                  describeUser,
		"GetUserId":                     getUserID,
		"DeleteUser":                    deleteUser,
		"CreateGroupMembership":         createMembership,
		"ListGroupMemberships":          listMemberships,
		"DeleteGroupMembership":         deleteMembership,
		"GetGroupMembershipId":          getMembershipID,
		"ListGroupMembershipsForMember": listMembershipsForMember,
		"IsMemberInGroups":              isMemberInGroups,
	}
}

func storeNotFound(resourceType, id, format string, args ...any) error {
	e := notFound(format, args...).(*apiError)
	e.Fields = map[string]string{"ResourceType": resourceType, "ResourceId": id}
	return e
}

func uniqueness(format string, args ...any) error {
	e := conflict(format, args...).(*apiError)
	e.Fields = map[string]string{"Reason": "UNIQUENESS_CONSTRAINT_VIOLATION"}
	return e
}

// store finds the call's IdentityStoreId among the caller's instances.
func (c *call) store() (*Instance, error) {
	id, err := c.required("IdentityStoreId")
	if err != nil {
		return nil, err
	}
	if !identityStoreIDRe.MatchString(id) {
		return nil, validation("1 validation error detected: Value '%s' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: d-[0-9a-f]{10}$|^[0-9a-f]{8}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{4}\\b-[0-9a-f]{12}", id)
	}
	for _, in := range c.st.Instances {
		if in.IdentityStoreID == id {
			if in.Owner != c.env.Caller {
				return nil, accessDenied("User: %s is not authorized to perform: identitystore:%s on resource: arn:aws:identitystore::%s:identitystore/%s", c.env.Principal, c.op, in.Owner, id)
			}
			return in, nil
		}
	}
	return nil, storeNotFound("IDENTITY_STORE", id, "Identity store %s does not exist.", id)
}

func (c *call) resourceID(member string) (string, error) {
	id, err := c.required(member)
	if err != nil {
		return "", err
	}
	if !resourceIDRe.MatchString(id) {
		return "", validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$", id, lowerFirst(member))
	}
	return id, nil
}

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

func groupOut(in *Instance, g *Group) map[string]any {
	out := map[string]any{"GroupId": g.ID, "DisplayName": g.DisplayName, "IdentityStoreId": in.IdentityStoreID}
	if g.Description != "" {
		out["Description"] = g.Description
	}
	return out
}

func userOut(in *Instance, u *User) map[string]any {
	out := map[string]any{"UserId": u.ID, "UserName": u.UserName, "IdentityStoreId": in.IdentityStoreID}
	if u.DisplayName != "" {
		out["DisplayName"] = u.DisplayName
	}
	if u.Name != nil {
		out["Name"] = u.Name
	}
	if len(u.Emails) > 0 {
		out["Emails"] = u.Emails
	}
	return out
}

func membershipOut(in *Instance, m *Membership) map[string]any {
	return map[string]any{"IdentityStoreId": in.IdentityStoreID, "MembershipId": m.ID, "GroupId": m.GroupID,
		"MemberId": map[string]string{"UserId": m.UserID}}
}

// filter reads Filters, of which the identity store accepts one, on the one attribute path it names.
func (c *call) filter(path string) (value string, ok bool, err error) {
	var filters []struct {
		AttributePath  string
		AttributeValue string
	}
	if err := c.decode("Filters", &filters); err != nil {
		return "", false, err
	}
	switch len(filters) {
	case 0:
		return "", false, nil
	case 1:
	default:
		return "", false, validation("1 validation error detected: Value at 'filters' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	if !strings.EqualFold(filters[0].AttributePath, path) {
		return "", false, validation("Filtering on %q is not supported; filter on %s.", filters[0].AttributePath, path)
	}
	return filters[0].AttributeValue, true, nil
}

// uniqueAttribute reads AlternateIdentifier.UniqueAttribute on the one path the call looks up by.
func (c *call) uniqueAttribute(path string) (string, error) {
	var alt struct {
		ExternalId *struct {
			Issuer, Id string
		}
		UniqueAttribute *struct {
			AttributePath  string
			AttributeValue json.RawMessage
		}
	}
	if err := c.decode("AlternateIdentifier", &alt); err != nil {
		return "", err
	}
	if alt.ExternalId != nil {
		return "", validation("The sandbox's identity store has no external identifiers; look up by UniqueAttribute %s.", path)
	}
	if alt.UniqueAttribute == nil {
		return "", validation("1 validation error detected: Value null at 'alternateIdentifier' failed to satisfy constraint: Member must not be null")
	}
	if !strings.EqualFold(alt.UniqueAttribute.AttributePath, path) {
		return "", validation("Unique attribute %q is not supported; use %s.", alt.UniqueAttribute.AttributePath, path)
	}
	var v string
	if json.Unmarshal(alt.UniqueAttribute.AttributeValue, &v) != nil || v == "" {
		return "", validation("The value of unique attribute %s must be a non-empty string.", path)
	}
	return v, nil
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
	g := &Group{ID: newUUID(), DisplayName: name, Description: desc}
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

func createUser(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	userName, err := c.required("UserName")
	if err != nil {
		return nil, false, err
	}
	if utf8.RuneCountInString(userName) > 128 || !userNameRe.MatchString(userName) {
		return nil, false, validation("1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length between 1 and 128 and contain no spaces")
	}
	// Identity Center's own directory refuses a user without a display name, a given and a family name.
	display, err := c.required("DisplayName")
	if err != nil {
		return nil, false, err
	}
	var name Name
	if err := c.decode("Name", &name); err != nil {
		return nil, false, err
	}
	if name.GivenName == "" || name.FamilyName == "" {
		return nil, false, validation("A user of the Identity Center directory needs Name.GivenName and Name.FamilyName.")
	}
	var emails []Email
	if err := c.decode("Emails", &emails); err != nil {
		return nil, false, err
	}
	if len(emails) > 1 {
		return nil, false, validation("1 validation error detected: Value at 'emails' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	for _, u := range in.Users {
		if strings.EqualFold(u.UserName, userName) {
			return nil, false, uniqueness("Duplicate UserName: a user named %s already exists (user %s).", userName, u.ID)
		}
	}
	u := &User{ID: newUUID(), UserName: userName, DisplayName: display, Name: &name, Emails: emails}
	in.Users = append(in.Users, u)
	return map[string]any{"UserId": u.ID, "IdentityStoreId": in.IdentityStoreID}, true, nil
}

func listUsers(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	want, filtered, err := c.filter("UserName")
	if err != nil {
		return nil, false, err
	}
	var users []*User
	for _, u := range in.Users {
		if !filtered || strings.EqualFold(u.UserName, want) {
			users = append(users, u)
		}
	}
	from, to, next, err := c.page(len(users), maxStoreResults)
	if err != nil {
		return nil, false, err
	}
	list := []any{}
	for _, u := range users[from:to] {
		list = append(list, userOut(in, u))
	}
	return withNext(map[string]any{"Users": list}, next), false, nil
}

func (c *call) findUser(in *Instance) (*User, error) {
	id, err := c.resourceID("UserId")
	if err != nil {
		return nil, err
	}
	u := in.user(id)
	if u == nil {
		return nil, storeNotFound("USER", id, "User %s does not exist in identity store %s.", id, in.IdentityStoreID)
	}
	return u, nil
}

func describeUser(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	u, err := c.findUser(in)
	if err != nil {
		return nil, false, err
	}
	return userOut(in, u), false, nil
}

func getUserID(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	name, err := c.uniqueAttribute("userName")
	if err != nil {
		return nil, false, err
	}
	for _, u := range in.Users {
		if strings.EqualFold(u.UserName, name) {
			return map[string]any{"UserId": u.ID, "IdentityStoreId": in.IdentityStoreID}, false, nil
		}
	}
	return nil, false, storeNotFound("USER", name, "No user named %s in identity store %s.", name, in.IdentityStoreID)
}

func deleteUser(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	u, err := c.findUser(in)
	if err != nil {
		return nil, false, err
	}
	in.Users = slices.DeleteFunc(in.Users, func(x *User) bool { return x == u })
	in.Memberships = slices.DeleteFunc(in.Memberships, func(m *Membership) bool { return m.UserID == u.ID })
	return map[string]any{}, true, nil
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
	m := &Membership{ID: newUUID(), GroupID: g.ID, UserID: u.ID}
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

func deleteMembership(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	id, err := c.resourceID("MembershipId")
	if err != nil {
		return nil, false, err
	}
	i := slices.IndexFunc(in.Memberships, func(m *Membership) bool { return m.ID == id })
	if i < 0 {
		return nil, false, storeNotFound("GROUP_MEMBERSHIP", id, "Membership %s does not exist in identity store %s.", id, in.IdentityStoreID)
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
