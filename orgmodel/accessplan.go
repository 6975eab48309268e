package orgmodel

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The plan steps of IAM Identity Center. They come after every account and
// policy step: assignments name accounts the same plan may create.
const (
	// StepEnableIdentityCenter is the one click in the console no API can
	// do: the plan has it when the design has access and the organization
	// has no Identity Center instance. apply stops there.
	StepEnableIdentityCenter StepKind = "enable-identity-center"
	StepCreateGroup          StepKind = "create-group"
	StepUpdateGroup          StepKind = "update-group" // its description
	StepCreateUser           StepKind = "create-user"
	StepAddMember            StepKind = "add-member"
	StepCreatePermissionSet  StepKind = "create-permission-set"
	StepUpdatePermissionSet  StepKind = "update-permission-set" // description, session duration
	StepAttachManagedPolicy  StepKind = "attach-managed-policy"
	StepDetachManagedPolicy  StepKind = "detach-managed-policy"
	StepPutInlinePolicy      StepKind = "put-inline-policy"
	StepDeleteInlinePolicy   StepKind = "delete-inline-policy"
	StepProvision            StepKind = "provision-permission-set"
	StepCreateAssignment     StepKind = "create-assignment"
	StepDeleteAssignment     StepKind = "delete-assignment"
	// StepAwaitAssignment is an assignment creation or deletion AWS already
	// has in progress: waited for, not sent again.
	StepAwaitAssignment StepKind = "await-assignment"
)

// AccessStep is what an Identity Center step acts on. Things that exist are
// named by id as well as by name; things the plan creates by name only, and
// the apply engine resolves them as it creates them.
type AccessStep struct {
	Group   string `json:"group,omitempty"`
	GroupID string `json:"groupId,omitempty"`
	// User is the user to create (create-user); UserName names the member
	// (add-member).
	User     *User  `json:"user,omitempty"`
	UserName string `json:"userName,omitempty"`
	UserID   string `json:"userId,omitempty"`
	// PermissionSet is the permission set's name, Spec what the design
	// wants of it (create and update).
	PermissionSet    string         `json:"permissionSet,omitempty"`
	PermissionSetARN string         `json:"permissionSetArn,omitempty"`
	Spec             *PermissionSet `json:"spec,omitempty"`
	// Policy is a managed policy's ARN, or the inline policy document.
	Policy    string `json:"policy,omitempty"`
	Account   string `json:"account,omitempty"` // account name
	AccountID string `json:"accountId,omitempty"`
	// PrincipalType and PrincipalID name who an assignment to delete or
	// await is for (GROUP or USER).
	PrincipalType string `json:"principalType,omitempty"`
	PrincipalID   string `json:"principalId,omitempty"`
	RequestID     string `json:"requestId,omitempty"` // await-assignment
	Deleting      bool   `json:"deleting,omitempty"`  // await-assignment
	// Console is where to click (enable-identity-center).
	Console string `json:"console,omitempty"`
}

// IsAccessStep tells the Identity Center steps from the others.
func IsAccessStep(k StepKind) bool {
	switch k {
	case StepEnableIdentityCenter, StepCreateGroup, StepUpdateGroup, StepCreateUser, StepAddMember, StepCreatePermissionSet,
		StepUpdatePermissionSet, StepAttachManagedPolicy, StepDetachManagedPolicy, StepPutInlinePolicy, StepDeleteInlinePolicy,
		StepProvision, StepCreateAssignment, StepDeleteAssignment, StepAwaitAssignment:
		return true
	}
	return false
}

// accessString is the one-line text of an Identity Center step.
func (s Step) accessString() string {
	a := s.Access
	switch s.Kind {
	case StepEnableIdentityCenter:
		return "enable IAM Identity Center (one click in the console, by you)"
	case StepCreateGroup:
		return fmt.Sprintf("create group %s", s.Subject)
	case StepUpdateGroup:
		return fmt.Sprintf("set the description of group %s", s.Subject)
	case StepCreateUser:
		return fmt.Sprintf("create user %s", s.Subject)
	case StepAddMember:
		return fmt.Sprintf("add %s to group %s", a.UserName, a.Group)
	case StepCreatePermissionSet:
		return fmt.Sprintf("create permission set %s", s.Subject)
	case StepUpdatePermissionSet:
		return fmt.Sprintf("update permission set %s", s.Subject)
	case StepAttachManagedPolicy:
		return fmt.Sprintf("attach %s to permission set %s", a.Policy, s.Subject)
	case StepDetachManagedPolicy:
		return fmt.Sprintf("detach %s from permission set %s", a.Policy, s.Subject)
	case StepPutInlinePolicy:
		return fmt.Sprintf("put the inline policy of permission set %s", s.Subject)
	case StepDeleteInlinePolicy:
		return fmt.Sprintf("delete the inline policy of permission set %s", s.Subject)
	case StepProvision:
		return fmt.Sprintf("provision permission set %s to its accounts", s.Subject)
	case StepCreateAssignment:
		return fmt.Sprintf("assign %s to group %s in %s", a.PermissionSet, a.Group, s.Subject)
	case StepDeleteAssignment:
		return fmt.Sprintf("remove the assignment of %s to %s in %s", a.PermissionSet, principal(a), s.Subject)
	case StepAwaitAssignment:
		verb := "assignment"
		if a.Deleting {
			verb = "removal"
		}
		return fmt.Sprintf("wait for the %s of %s to %s in %s (request %s)", verb, a.PermissionSet, principal(a), s.Subject, a.RequestID)
	}
	return string(s.Kind) + " " + s.Subject
}

func principal(a *AccessStep) string {
	if a.Group != "" {
		return "group " + a.Group
	}
	return strings.ToLower(a.PrincipalType) + " " + a.PrincipalID
}

// AssignmentOperation is an assignment creation or deletion as AWS tells its
// state (DescribeAccountAssignmentCreationStatus, ...DeletionStatus).
type AssignmentOperation struct {
	PendingAssignment
	Status        string `json:"status"` // IN_PROGRESS, SUCCEEDED, FAILED
	FailureReason string `json:"failureReason,omitempty"`
	// Requested is AWS's time of the request (zero when it gave none).
	Requested time.Time `json:"requested,omitzero"`
}

// IdentityCenterConsole is the console page where Identity Center is
// enabled, in region.
func IdentityCenterConsole(region string) string {
	return fmt.Sprintf("https://%s.console.aws.amazon.com/singlesignon/home?region=%s#!/", region, region)
}

// EnableIdentityCenterHowTo says what to click, and where, to enable the
// organization's Identity Center instance in region.
func EnableIdentityCenterHowTo(region string) string {
	return fmt.Sprintf("AWS has no API that enables IAM Identity Center for an organization: signed in to the management account, open %s "+
		"and click Enable (for the organization instance, in %s, the design's home region); it takes a minute", IdentityCenterConsole(region), region)
}

// planAccess adds the steps that make Identity Center match the design's
// access block. It does nothing for a design without one.
func planAccess(desired *Tree, actual *Actual, p *Plan) {
	want := desired.Access
	if want == nil {
		return
	}
	have := actual.Access
	if have == nil {
		have = &ActualAccess{}
	}
	home := desired.HomeRegion
	if home == "" {
		home = "us-east-1"
	}
	if have.InstanceARN == "" {
		p.Steps = append(p.Steps, Step{Kind: StepEnableIdentityCenter, Subject: "IAM Identity Center", Access: &AccessStep{Console: IdentityCenterConsole(home)},
			Why: EnableIdentityCenterHowTo(home) + "; apply does everything else first, stops here, and the next apply goes on with the access steps below"})
	} else if have.Region != "" && have.Region != home {
		p.Warnings = append(p.Warnings, fmt.Sprintf("IAM Identity Center lives in %s, not in the design's home region %s; orgwizard uses it there", have.Region, home))
	}

	// Account ids by name: the accounts the plan adopted, and the
	// management account, which a grant may name.
	accountIDs := maps.Clone(p.Adopted)
	creating := map[string]bool{}
	for _, s := range p.Steps {
		if s.Kind == StepCreateAccount || s.Kind == StepAwaitAccount {
			creating[s.Subject] = true
		}
	}
	if actual.Organization != nil {
		for _, a := range actual.Accounts {
			if a.ID == actual.Organization.ManagementAccountID {
				if _, ok := accountIDs[a.Name]; !ok {
					accountIDs[a.Name] = a.ID
				}
			}
		}
	}

	var dir, sets, policies, provisions, assigns, removals, awaits []Step

	// The directory: groups, users, memberships.
	// Identity Center compares group and permission set names ignoring
	// case (a second Auditors next to auditors is a conflict): so does the
	// plan, or it would create one, remove the other's assignments.
	groups := map[string]ActualGroup{}
	for _, g := range have.Groups {
		groups[strings.ToLower(g.Name)] = g
	}
	users := map[string]ActualUser{}
	userNames := map[string]string{} // id → user name
	for _, u := range have.Users {
		users[strings.ToLower(u.UserName)] = u
		userNames[u.ID] = u.UserName
	}
	var userSteps, memberSteps []Step
	for _, u := range want.Users {
		if _, ok := users[strings.ToLower(u.UserName)]; !ok {
			u := u
			userSteps = append(userSteps, Step{Kind: StepCreateUser, Subject: u.UserName, Access: &AccessStep{User: &u, UserName: u.UserName},
				Why: "a member of the design's groups, not in the Identity Center directory yet"})
		}
	}
	for _, g := range want.Groups {
		got, exists := groups[strings.ToLower(g.Name)]
		switch {
		case !exists:
			dir = append(dir, Step{Kind: StepCreateGroup, Subject: g.Name, Description: g.Description, Access: &AccessStep{Group: g.Name},
				Why: "the design has this group and the Identity Center directory does not"})
		case got.Description != g.Description && g.Description != "":
			dir = append(dir, Step{Kind: StepUpdateGroup, Subject: g.Name, Description: g.Description, Access: &AccessStep{Group: g.Name, GroupID: got.ID},
				Why: fmt.Sprintf("its description is %q; the design says %q", got.Description, g.Description)})
		}
		in := map[string]bool{}
		for _, id := range got.MemberIDs {
			in[strings.ToLower(userNames[id])] = true
		}
		for _, m := range g.Members {
			if in[strings.ToLower(m)] {
				continue
			}
			memberSteps = append(memberSteps, Step{Kind: StepAddMember, Subject: g.Name,
				Access: &AccessStep{Group: g.Name, GroupID: got.ID, UserName: m, UserID: users[strings.ToLower(m)].ID},
				Why:    "the design lists " + m + " as a member"})
		}
		wantMembers := map[string]bool{}
		for _, m := range g.Members {
			wantMembers[strings.ToLower(m)] = true
		}
		for _, id := range got.MemberIDs {
			if name := userNames[id]; !wantMembers[strings.ToLower(name)] && exists {
				if name == "" {
					name = id
				}
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s is a member of group %s in Identity Center but not in the design; left in place: remove it by hand with "+
					"aws identitystore delete-group-membership --identity-store-id %s --membership-id $(aws identitystore get-group-membership-id --identity-store-id %s --group-id %s --member-id UserId=%s --query MembershipId --output text)",
					name, g.Name, have.IdentityStoreID, have.IdentityStoreID, got.ID, id))
			}
		}
	}
	dir = append(append(dir, userSteps...), memberSteps...)

	// Permission sets: created, updated, their policies, provisioned.
	byName := map[string]ActualPermissionSet{}
	byARN := map[string]ActualPermissionSet{}
	for _, ps := range have.PermissionSets {
		byName[strings.ToLower(ps.Name)] = ps
		byARN[ps.ARN] = ps
	}
	wantedSets := map[string]bool{}
	for _, w := range want.PermissionSets {
		w := w
		wantedSets[strings.ToLower(w.Name)] = true
		got, exists := byName[strings.ToLower(w.Name)]
		if !exists {
			sets = append(sets, Step{Kind: StepCreatePermissionSet, Subject: w.Name, Description: w.Description, Access: &AccessStep{PermissionSet: w.Name, Spec: &w},
				Why: fmt.Sprintf("granted by the design (%s, sessions of %s), tagged %s=%s", policyList(w), w.SessionDuration, TagManagedBy, ManagedByValue)})
			for _, arn := range w.ManagedPolicies {
				policies = append(policies, Step{Kind: StepAttachManagedPolicy, Subject: w.Name, Access: &AccessStep{PermissionSet: w.Name, Policy: arn},
					Why: "the design's permission set " + w.Name + " has this AWS managed policy"})
			}
			if w.InlinePolicy != "" {
				policies = append(policies, Step{Kind: StepPutInlinePolicy, Subject: w.Name, Content: w.InlinePolicy, Access: &AccessStep{PermissionSet: w.Name, Policy: w.InlinePolicy},
					Why: "the design gives " + w.Name + " an inline policy"})
			}
			continue
		}
		ref := AccessStep{PermissionSet: w.Name, PermissionSetARN: got.ARN}
		if !got.Managed() {
			p.Warnings = append(p.Warnings, fmt.Sprintf("permission set %s exists and was not made by orgwizard (no tag %s=%s): orgwizard assigns it as it is and never changes its policies or removes its assignments",
				w.Name, TagManagedBy, ManagedByValue))
		} else {
			changed := false
			var diff []string
			// AWS refuses an empty description (it cannot clear one): the
			// design's empty one leaves the permission set's alone, as a
			// group's does.
			switch {
			case w.Description != "" && got.Description != w.Description:
				diff = append(diff, fmt.Sprintf("description %q, the design says %q", got.Description, w.Description))
			case w.Description == "" && got.Description != "":
				p.Warnings = append(p.Warnings, fmt.Sprintf("permission set %s has the description %q and the design none: AWS cannot clear a description, so it is left as it is; "+
					"give it one in the design to change it", w.Name, got.Description))
			}
			if !sameSession(got.SessionDuration, w.SessionDuration) {
				diff = append(diff, fmt.Sprintf("sessions of %s, the design says %s", sessionOf(got.SessionDuration), sessionOf(w.SessionDuration)))
			}
			if len(diff) > 0 {
				r := ref
				r.Spec = &w
				sets = append(sets, Step{Kind: StepUpdatePermissionSet, Subject: w.Name, Description: w.Description, Access: &r, Why: strings.Join(diff, "; ")})
				changed = true
			}
			for _, arn := range w.ManagedPolicies {
				if !slices.Contains(got.ManagedPolicies, arn) {
					r := ref
					r.Policy = arn
					policies = append(policies, Step{Kind: StepAttachManagedPolicy, Subject: w.Name, Access: &r, Why: "the design's permission set " + w.Name + " has this AWS managed policy"})
					changed = true
				}
			}
			for _, arn := range got.ManagedPolicies {
				if !slices.Contains(w.ManagedPolicies, arn) {
					r := ref
					r.Policy = arn
					policies = append(policies, Step{Kind: StepDetachManagedPolicy, Subject: w.Name, Access: &r, Why: "the design's permission set " + w.Name + " no longer has this policy"})
					changed = true
				}
			}
			switch {
			case w.InlinePolicy != "" && !sameJSON(w.InlinePolicy, got.InlinePolicy):
				r := ref
				r.Policy = w.InlinePolicy
				policies = append(policies, Step{Kind: StepPutInlinePolicy, Subject: w.Name, Content: w.InlinePolicy, Access: &r, Why: "its inline policy differs from the design's"})
				changed = true
			case w.InlinePolicy == "" && got.InlinePolicy != "":
				r := ref
				policies = append(policies, Step{Kind: StepDeleteInlinePolicy, Subject: w.Name, Access: &r, Why: "the design gives " + w.Name + " no inline policy"})
				changed = true
			}
			if len(got.ProvisionedTo) > 0 && (changed || len(got.Outdated) > 0) {
				why := "its accounts have an older version of it"
				if changed {
					why = "the changes above reach the accounts it is provisioned to only once it is provisioned again"
				}
				r := ref
				provisions = append(provisions, Step{Kind: StepProvision, Subject: w.Name, Access: &r, Why: why})
			}
		}
	}
	for _, ps := range have.PermissionSets {
		if ps.Managed() && !wantedSets[strings.ToLower(ps.Name)] {
			p.Warnings = append(p.Warnings, fmt.Sprintf("permission set %s (made by orgwizard) is no longer granted by the design; its assignments are removed and it is left in place: delete it by hand with "+
				"aws sso-admin delete-permission-set --region %s --instance-arn %s --permission-set-arn %s", ps.Name, have.Region, have.InstanceARN, ps.ARN))
		}
	}

	// Assignments: what the design grants, what orgwizard's permission sets
	// hold beyond it, and what AWS is still doing.
	type key struct{ account, psARN, ptype, pid string }
	exists := map[key]bool{}
	for _, a := range have.Assignments {
		exists[key{a.AccountID, a.PermissionSetARN, a.PrincipalType, a.PrincipalID}] = true
	}
	pendingCreate := map[key]PendingAssignment{}
	pendingDelete := map[key]PendingAssignment{}
	for _, pa := range have.Pending {
		k := key{pa.AccountID, pa.PermissionSetARN, pa.PrincipalType, pa.PrincipalID}
		if pa.Deleting {
			pendingDelete[k] = pa
		} else {
			pendingCreate[k] = pa
		}
	}
	groupNames := map[string]string{}
	for _, g := range have.Groups {
		groupNames[g.ID] = g.Name
	}
	accountNames := map[string]string{}
	for name, id := range accountIDs {
		accountNames[id] = name
	}
	wanted := map[key]bool{}
	for _, a := range want.Assignments {
		id, known := accountIDs[a.Account]
		if !known && !creating[a.Account] {
			continue // not in the organization: the plan warns of it above
		}
		ps := byName[strings.ToLower(a.PermissionSet)]
		g := groups[strings.ToLower(a.Group)]
		k := key{id, ps.ARN, "GROUP", g.ID}
		step := Step{Subject: a.Account, Access: &AccessStep{Account: a.Account, AccountID: id, Group: a.Group, GroupID: g.ID, PermissionSet: a.PermissionSet,
			PermissionSetARN: ps.ARN, PrincipalType: "GROUP", PrincipalID: g.ID}}
		if known && ps.ARN != "" && g.ID != "" {
			wanted[k] = true
			if pa, ok := pendingCreate[k]; ok {
				step.Kind, step.Access.RequestID = StepAwaitAssignment, pa.RequestID
				step.Why = "AWS is already making this assignment; wait for it instead of asking twice"
				awaits = append(awaits, step)
				continue
			}
			if exists[k] && pendingDelete[k].RequestID == "" {
				continue
			}
		}
		step.Kind = StepCreateAssignment
		step.Why = "the design grants group " + a.Group + " " + a.PermissionSet + " here"
		if creating[a.Account] {
			step.Why += "; the account is created by this plan"
		}
		assigns = append(assigns, step)
	}
	for _, a := range have.Assignments {
		ps := byARN[a.PermissionSetARN]
		k := key{a.AccountID, a.PermissionSetARN, a.PrincipalType, a.PrincipalID}
		if !ps.Managed() || wanted[k] {
			continue
		}
		step := Step{Subject: nameOr(accountNames[a.AccountID], a.AccountID), Access: &AccessStep{Account: accountNames[a.AccountID], AccountID: a.AccountID,
			Group: groupNames[a.PrincipalID], PermissionSet: ps.Name, PermissionSetARN: ps.ARN, PrincipalType: a.PrincipalType, PrincipalID: a.PrincipalID}}
		if pa, ok := pendingDelete[k]; ok {
			step.Kind, step.Access.RequestID, step.Access.Deleting = StepAwaitAssignment, pa.RequestID, true
			step.Why = "AWS is already removing this assignment"
			awaits = append(awaits, step)
			continue
		}
		step.Kind = StepDeleteAssignment
		step.Why = fmt.Sprintf("permission set %s is orgwizard's (tagged %s=%s) and the design no longer grants it to %s here", ps.Name, TagManagedBy, ManagedByValue, principal(step.Access))
		removals = append(removals, step)
	}
	for _, g := range have.Groups {
		if slices.ContainsFunc(want.Groups, func(w Group) bool { return strings.EqualFold(w.Name, g.Name) }) {
			continue
		}
		if slices.ContainsFunc(removals, func(s Step) bool { return s.Access.PrincipalID == g.ID }) {
			p.Warnings = append(p.Warnings, fmt.Sprintf("group %s is no longer in the design: its assignments of orgwizard's permission sets are removed and the group is left in place: delete it by hand with "+
				"aws identitystore delete-group --region %s --identity-store-id %s --group-id %s", g.Name, have.Region, have.IdentityStoreID, g.ID))
		}
	}

	for _, group := range [][]Step{dir, sets, policies, provisions, awaits, assigns, removals} {
		p.Steps = append(p.Steps, group...)
	}
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// sessionOf is a session duration as AWS reads it: PT1H when unset.
func sessionOf(d string) string {
	return cmp.Or(d, DefaultSessionDuration)
}

// sameSession tells whether two session durations are the same length:
// PT90M is PT1H30M (AWS may answer either), and unset is PT1H.
func sameSession(a, b string) bool {
	sa, oka := sessionSeconds(sessionOf(a))
	sb, okb := sessionSeconds(sessionOf(b))
	if !oka || !okb {
		return sessionOf(a) == sessionOf(b)
	}
	return sa == sb
}

func policyList(ps PermissionSet) string {
	var parts []string
	for _, arn := range ps.ManagedPolicies {
		parts = append(parts, arn[strings.LastIndexByte(arn, '/')+1:])
	}
	if ps.InlinePolicy != "" {
		parts = append(parts, "an inline policy")
	}
	if len(parts) == 0 {
		return "no policy"
	}
	return strings.Join(parts, ", ")
}
