package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/orgwizard/orgwizard/access"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// identityCenterReader reads what the organization's IAM Identity Center
// holds; InstanceARN is "" when it is not on.
type identityCenterReader interface {
	Read(ctx context.Context) (*orgmodel.ActualAccess, error)
}

// identityCenterFor builds the reader for a session: homeRegion is where to
// look for the instance first, accounts the ids whose assignments to read.
type identityCenterFor func(s *session, homeRegion string, accounts []string) identityCenterReader

// accessIC is the Identity Center part of `access`: who gets into which
// account with which permission set, from the live assignments.
type accessIC struct {
	Enabled     bool   `json:"enabled"`
	Region      string `json:"region,omitempty"`
	PortalURL   string `json:"portalUrl,omitempty"`
	InstanceARN string `json:"instanceArn,omitempty"`
	// HowToEnable says what to do when it is not on: open EnableURL (the
	// console page with the Enable button), or on the sandbox run
	// EnableCommand.
	HowToEnable   string `json:"howToEnable,omitempty"`
	EnableURL     string `json:"enableUrl,omitempty"`
	EnableCommand string `json:"enableCommand,omitempty"`
	// Error is why it could not be read; break-glass still works then.
	Error  string        `json:"error,omitempty"`
	Groups []accessGroup `json:"groups"`
	// Users are the users with assignments of their own (not through a group).
	Users []accessGroup `json:"users,omitempty"`
	// PendingAssignments are assignment changes AWS has not finished.
	PendingAssignments int `json:"pendingAssignments,omitempty"`
}

// accessGroup is a group (or a user assigned directly), its members, and
// the accounts and permission sets it may use.
type accessGroup struct {
	Name        string             `json:"name"`
	Members     []string           `json:"members,omitempty"`
	Assignments []accessAssignment `json:"assignments"`
}

type accessAssignment struct {
	Account       string `json:"account"`
	AccountID     string `json:"accountId"`
	PermissionSet string `json:"permissionSet"`
}

// accessSignIn is, on an account, one way in through the portal.
type accessSignIn struct {
	Group         string `json:"group,omitempty"`
	User          string `json:"user,omitempty"`
	PermissionSet string `json:"permissionSet"`
}

// setEnableHow says how to turn Identity Center on: one click in the
// console at AWS (no API does it from the management account), a command
// on the sandbox.
func (ic *accessIC) setEnableHow(region, sandboxCmd string) {
	const off = "IAM Identity Center is not on, so nobody signs in through an access portal yet; the break-glass links " +
		"are the only way in. "
	const then = " Then orgwizard apply creates the design's groups, permission sets and assignments."
	if sandboxCmd != "" {
		ic.EnableCommand = sandboxCmd
		ic.HowToEnable = off + "On the sandbox, turn it on with the command below (at AWS, it is the console's Enable button)." + then
		return
	}
	ic.EnableURL = orgmodel.IdentityCenterConsole(region)
	ic.HowToEnable = off + "Turn it on once, signed in to the management account: open the page below and choose Enable " +
		"(AWS has no API that does it from the management account)." + then
}

// addIdentityCenter fills the view's Identity Center part from what the
// instance holds.
func addIdentityCenter(v *accessView, ic *orgmodel.ActualAccess) {
	out := &accessIC{Groups: []accessGroup{}}
	v.IdentityCenter = out
	if ic == nil || ic.InstanceARN == "" {
		return
	}
	out.Enabled, out.Region, out.PortalURL, out.InstanceARN = true, ic.Region, ic.PortalURL, ic.InstanceARN
	out.PendingAssignments = len(ic.Pending)

	accountName := map[string]string{}
	for _, a := range v.Accounts {
		accountName[a.ID] = a.Name
	}
	if m := v.Management; m != nil {
		accountName[m.ID] = m.Name
	}
	userName := map[string]string{}
	for _, u := range ic.Users {
		userName[u.ID] = u.UserName
	}
	psName := map[string]string{}
	for _, p := range ic.PermissionSets {
		psName[p.ARN] = p.Name
	}
	nameOr := func(m map[string]string, id string) string {
		if n, ok := m[id]; ok {
			return n
		}
		return id
	}

	groups := map[string]*accessGroup{}
	for _, g := range ic.Groups {
		ag := &accessGroup{Name: g.Name, Assignments: []accessAssignment{}}
		for _, id := range g.MemberIDs {
			ag.Members = append(ag.Members, nameOr(userName, id))
		}
		sort.Strings(ag.Members)
		groups[g.ID] = ag
	}
	users := map[string]*accessGroup{}
	signIns := map[string][]accessSignIn{}
	for _, a := range ic.Assignments {
		as := accessAssignment{Account: nameOr(accountName, a.AccountID), AccountID: a.AccountID, PermissionSet: nameOr(psName, a.PermissionSetARN)}
		in := accessSignIn{PermissionSet: as.PermissionSet}
		switch a.PrincipalType {
		case "GROUP":
			g, ok := groups[a.PrincipalID]
			if !ok { // a group the directory read did not list
				g = &accessGroup{Name: a.PrincipalID, Assignments: []accessAssignment{}}
				groups[a.PrincipalID] = g
			}
			g.Assignments = append(g.Assignments, as)
			in.Group = g.Name
		default:
			u, ok := users[a.PrincipalID]
			if !ok {
				u = &accessGroup{Name: nameOr(userName, a.PrincipalID), Assignments: []accessAssignment{}}
				users[a.PrincipalID] = u
			}
			u.Assignments = append(u.Assignments, as)
			in.User = u.Name
		}
		signIns[a.AccountID] = append(signIns[a.AccountID], in)
	}
	sortAssignments := func(list []accessAssignment) {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if a.Account != b.Account {
				return a.Account < b.Account
			}
			if a.AccountID != b.AccountID {
				return a.AccountID < b.AccountID
			}
			return a.PermissionSet < b.PermissionSet
		})
	}
	for _, g := range groups {
		sortAssignments(g.Assignments)
		out.Groups = append(out.Groups, *g)
	}
	for _, u := range users {
		sortAssignments(u.Assignments)
		out.Users = append(out.Users, *u)
	}
	byName := func(list []accessGroup) {
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	byName(out.Groups)
	byName(out.Users)

	sortSignIns := func(list []accessSignIn) []accessSignIn {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if a.Group+a.User != b.Group+b.User {
				return a.Group+a.User < b.Group+b.User
			}
			return a.PermissionSet < b.PermissionSet
		})
		return list
	}
	for i := range v.Accounts {
		v.Accounts[i].IdentityCenter = sortSignIns(signIns[v.Accounts[i].ID])
	}
	if m := v.Management; m != nil {
		m.IdentityCenter = sortSignIns(signIns[m.ID])
	}
}

// writeIdentityCenterText is the Identity Center part of `access`'s text.
func writeIdentityCenterText(b *strings.Builder, ic *accessIC) {
	switch {
	case ic == nil:
		return
	case ic.Error != "":
		accessWrap(b, "IAM Identity Center could not be read: ", ic.Error)
		b.WriteString("\n")
		return
	case !ic.Enabled:
		accessWrap(b, "", ic.HowToEnable)
		b.WriteString("  " + ic.EnableURL + ic.EnableCommand + "\n\n")
		return
	}
	fmt.Fprintf(b, "IAM Identity Center (%s): people sign in at %s\n", ic.Region, ic.PortalURL)
	if ic.PendingAssignments > 0 {
		fmt.Fprintf(b, "  %d assignment %s still in progress at AWS; run again to see them.\n",
			ic.PendingAssignments, accessPlural(ic.PendingAssignments, "change is", "changes are"))
	}
	if len(ic.Groups) == 0 && len(ic.Users) == 0 {
		b.WriteString("  No groups yet: orgwizard apply creates the design's access block (groups, members, grants).\n\n")
		return
	}
	write := func(kind string, list []accessGroup) {
		for _, g := range list {
			who := ""
			switch {
			case kind == "user":
				who = "user, assigned directly"
			case len(g.Members) == 0:
				who = "no members"
			default:
				who = strings.Join(g.Members, ", ")
			}
			fmt.Fprintf(b, "  %s (%s)\n", g.Name, who)
			if len(g.Assignments) == 0 {
				b.WriteString("    no account\n")
			}
			nameW := 0
			for _, a := range g.Assignments {
				nameW = max(nameW, len(a.Account))
			}
			for _, a := range g.Assignments {
				fmt.Fprintf(b, "    %-*s  %s  %s\n", nameW, a.Account, a.AccountID, a.PermissionSet)
			}
		}
	}
	write("group", ic.Groups)
	write("user", ic.Users)
	b.WriteString("\n")
}

// ssoRoles are the accounts and permission sets of the live assignments,
// of group (all principals when ""), in the view's account order; an
// account that is not active has none. It fails, saying which groups there
// are, when group is not one of them.
func ssoRoles(v *accessView, ic *orgmodel.ActualAccess, group string) ([]access.SSORole, error) {
	principals := map[string]string{} // id -> "group NAME" / "user NAME"
	groupID := ""
	var groupNames []string
	for _, g := range ic.Groups {
		principals[g.ID] = g.Name
		groupNames = append(groupNames, g.Name)
		if g.Name == group {
			groupID = g.ID
		}
	}
	for _, u := range ic.Users {
		principals[u.ID] = u.UserName
	}
	if group != "" && groupID == "" {
		sort.Strings(groupNames)
		if len(groupNames) == 0 {
			return nil, userError("--group %s: Identity Center has no groups yet; orgwizard apply creates the design's groups", group)
		}
		return nil, userError("--group %s: no such group in Identity Center; its groups are %s", group, strings.Join(groupNames, ", "))
	}
	psName := map[string]string{}
	for _, p := range ic.PermissionSets {
		psName[p.ARN] = p.Name
	}
	type key struct{ account, ps string }
	via := map[key][]string{}
	sets := map[string][]string{} // account id -> permission set names
	for _, a := range ic.Assignments {
		if groupID != "" && (a.PrincipalType != "GROUP" || a.PrincipalID != groupID) {
			continue
		}
		name, ok := psName[a.PermissionSetARN]
		if !ok {
			continue // a permission set the read did not list has no name to sign in with
		}
		who := principals[a.PrincipalID]
		if who == "" {
			who = a.PrincipalID
		}
		if a.PrincipalType != "GROUP" {
			who = "user " + who
		}
		k := key{a.AccountID, name}
		if via[k] == nil {
			sets[a.AccountID] = append(sets[a.AccountID], name)
		}
		via[k] = append(via[k], who)
	}
	accounts := make([]accessAccount, 0, len(v.Accounts)+1)
	if v.Management != nil {
		accounts = append(accounts, *v.Management)
	}
	accounts = append(accounts, v.Accounts...)
	var roles []access.SSORole
	for _, a := range accounts {
		if a.Status != "" && a.Status != "ACTIVE" {
			continue
		}
		names := sets[a.ID]
		sort.Strings(names)
		for _, ps := range names {
			who := via[key{a.ID, ps}]
			sort.Strings(who)
			roles = append(roles, access.SSORole{Account: access.Account{ID: a.ID, Name: a.Name, Region: a.Region}, PermissionSet: ps, Via: who})
		}
	}
	return roles, nil
}

// sessionIdentityCenter reads Identity Center with the session's
// credentials: the management account's, which see the organization's
// instance.
func sessionIdentityCenter(s *session, homeRegion string, accounts []string) identityCenterReader {
	return identitycenter.NewFromConfig(s.target.Config, identitycenter.Options{HomeRegion: homeRegion, Accounts: accounts})
}
