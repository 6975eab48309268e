package identitycenter

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

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
	u := &User{ID: core.NewUUID(), UserName: userName, DisplayName: display, Name: &name, Emails: emails}
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

// updateUser changes a user's display name, name or email; the user name, which people sign in with, is
// changed the same way and stays unique.
func updateUser(c *call) (any, bool, error) {
	in, err := c.store()
	if err != nil {
		return nil, false, err
	}
	u, err := c.findUser(in)
	if err != nil {
		return nil, false, err
	}
	ops, err := c.operations()
	if err != nil {
		return nil, false, err
	}
	next := *u
	name := Name{}
	if u.Name != nil {
		name = *u.Name
	}
	for _, op := range ops {
		path := strings.ToLower(op.AttributePath)
		if path == "emails" {
			var emails []Email
			if len(op.AttributeValue) > 0 && string(op.AttributeValue) != "null" {
				if err := json.Unmarshal(op.AttributeValue, &emails); err != nil {
					return nil, false, validation("The value of emails must be a list of {Value, Type, Primary}.")
				}
			}
			if len(emails) > 1 {
				return nil, false, validation("A user has at most one email address.")
			}
			next.Emails = emails
			continue
		}
		v, err := op.stringValue()
		if err != nil {
			return nil, false, err
		}
		switch path {
		case "username":
			if v == "" || utf8.RuneCountInString(v) > 128 || !userNameRe.MatchString(v) {
				return nil, false, validation("A user name must be 1 to 128 characters without spaces.")
			}
			next.UserName = v
		case "displayname":
			if v == "" {
				return nil, false, validation("A user of the Identity Center directory needs a display name.")
			}
			next.DisplayName = v
		case "name.givenname":
			name.GivenName = v
		case "name.familyname":
			name.FamilyName = v
		case "name.formatted":
			name.Formatted = v
		default:
			return nil, false, validation("The sandbox updates a user's userName, displayName, name.givenName, name.familyName, name.formatted and emails, not %q.", op.AttributePath)
		}
	}
	if name.GivenName == "" || name.FamilyName == "" {
		return nil, false, validation("A user of the Identity Center directory needs Name.GivenName and Name.FamilyName.")
	}
	for _, other := range in.Users {
		if other != u && strings.EqualFold(other.UserName, next.UserName) {
			return nil, false, uniqueness("Duplicate UserName: a user named %s already exists (user %s).", next.UserName, other.ID)
		}
	}
	next.Name = &name
	*u = next
	return map[string]any{}, true, nil
}
