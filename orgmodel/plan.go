package orgmodel

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// StepKind is what a plan step does.
type StepKind string

// The kinds of step, in the order a plan lists them.
const (
	StepCreateOrganization StepKind = "create-organization"
	StepEnablePolicyType   StepKind = "enable-policy-type"
	StepCreateOU           StepKind = "create-ou"
	StepCreateAccount      StepKind = "create-account"
	StepAwaitAccount       StepKind = "await-account" // a creation AWS already has in progress
	StepMoveAccount        StepKind = "move-account"
	StepTagAccount         StepKind = "tag-account"
	StepCreatePolicy       StepKind = "create-policy"
	StepUpdatePolicy       StepKind = "update-policy"
	StepAttachPolicy       StepKind = "attach-policy"
	StepDetachPolicy       StepKind = "detach-policy"
)

// Step is one change. Things that exist are named by id as well as by path or
// name; things the plan creates are named by path or name only, and the apply
// engine resolves them as it creates them.
type Step struct {
	Kind    StepKind `json:"kind"`
	Subject string   `json:"subject"` // the OU path, account name or policy name acted on
	Why     string   `json:"why"`

	OU          string            `json:"ou,omitempty"`        // create-ou: the OU; move-account: where to
	Parent      string            `json:"parent,omitempty"`    // create-ou: the parent OU path ("" is Root)
	From        string            `json:"from,omitempty"`      // move-account: the current parent's path ("" is Root)
	FromID      string            `json:"fromId,omitempty"`    // move-account: the current parent's id
	AccountID   string            `json:"accountId,omitempty"` // existing account
	Email       string            `json:"email,omitempty"`     // create-account
	Tags        map[string]string `json:"tags,omitempty"`      // create-account: all tags; tag-account: those to set
	RequestID   string            `json:"requestId,omitempty"` // await-account
	PolicyID    string            `json:"policyId,omitempty"`  // existing policy
	Content     string            `json:"-"`                   // create-policy, update-policy
	Description string            `json:"-"`
	Target      *Target           `json:"target,omitempty"`          // attach-policy, detach-policy
	TargetID    string            `json:"targetId,omitempty"`        // detach-policy, or attach to what exists
	Budget      *Budget           `json:"budget,omitempty"`          // create-budget, update-budget
	Category    *CostCategory     `json:"costCategory,omitempty"`    // create-cost-category, update-cost-category
	CategoryArn string            `json:"costCategoryArn,omitempty"` // update-cost-category
	Access      *AccessStep       `json:"access,omitempty"`          // the Identity Center steps (accessplan.go)
	Baseline    *BaselineStep     `json:"baseline,omitempty"`        // the baseline's and contacts' steps
}

func (s Step) String() string {
	if s.Access != nil {
		return s.accessString()
	}
	switch s.Kind {
	case StepCreateOU:
		return fmt.Sprintf("create OU %s", s.Subject)
	case StepCreateAccount:
		return fmt.Sprintf("create account %s <%s>", s.Subject, s.Email)
	case StepAwaitAccount:
		return fmt.Sprintf("wait for account %s (request %s)", s.Subject, s.RequestID)
	case StepMoveAccount:
		return fmt.Sprintf("move account %s: %s → %s", s.Subject, rootIfEmpty(s.From), rootIfEmpty(s.OU))
	case StepTagAccount:
		return fmt.Sprintf("tag account %s: %s", s.Subject, formatTags(s.Tags))
	case StepCreatePolicy:
		return fmt.Sprintf("create policy %s", s.Subject)
	case StepUpdatePolicy:
		return fmt.Sprintf("update policy %s", s.Subject)
	case StepAttachPolicy:
		return fmt.Sprintf("attach policy %s to %s", s.Subject, s.Target)
	case StepDetachPolicy:
		return fmt.Sprintf("detach policy %s from %s", s.Subject, s.Target)
	case StepCreateOrganization:
		return "create the organization (all features)"
	case StepEnablePolicyType:
		return "enable service control policies on the root"
	case StepCreateBudget:
		return fmt.Sprintf("create budget %s: %s %s a month", s.Subject, formatAmount(s.Budget.Amount), s.Budget.Currency)
	case StepUpdateBudget:
		return fmt.Sprintf("update budget %s: %s %s a month", s.Subject, formatAmount(s.Budget.Amount), s.Budget.Currency)
	case StepCreateCostCategory:
		return fmt.Sprintf("create cost category %s", s.Subject)
	case StepUpdateCostCategory:
		return fmt.Sprintf("update cost category %s", s.Subject)
	}
	if text, ok := s.baselineString(); ok {
		return text
	}
	return string(s.Kind) + " " + s.Subject
}

func rootIfEmpty(path string) string {
	if path == "" {
		return "Root"
	}
	return path
}

func formatTags(tags map[string]string) string {
	keys := slices.Sorted(maps.Keys(tags))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + tags[k]
	}
	return strings.Join(parts, ", ")
}

// Unmanaged is something in the organization that the design does not name.
// The plan lists it and leaves it alone.
type Unmanaged struct {
	Kind string `json:"kind"` // account or ou
	Name string `json:"name"`
	ID   string `json:"id"`
	Path string `json:"path"` // the OU path, or the account's parent path
}

// Plan is the ordered list of changes that turns an actual organization into
// the desired tree.
type Plan struct {
	Steps     []Step      `json:"steps"`
	Unmanaged []Unmanaged `json:"unmanaged"`
	// Adopted maps desired account names to the ids of the existing
	// accounts they matched.
	Adopted  map[string]string `json:"adopted"`
	Warnings []string          `json:"warnings"`
}

// Empty reports whether the plan has nothing to do.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// Count returns how many steps of kind the plan has.
func (p *Plan) Count(kind StepKind) int {
	n := 0
	for _, s := range p.Steps {
		if s.Kind == kind {
			n++
		}
	}
	return n
}

// MakePlan diffs the desired tree against what exists. Matching follows
// design-v1.md: OUs by path, accounts by email (case-insensitive) then by
// name, policies by name. Nothing is ever deleted, closed or detached, except
// an orgwizard- policy attachment that the design no longer wants.
func MakePlan(desired *Tree, actual *Actual) *Plan {
	if actual == nil {
		actual = &Actual{}
	}
	p := &Plan{Steps: []Step{}, Unmanaged: []Unmanaged{}, Adopted: map[string]string{}, Warnings: []string{}}
	org := actual.Organization
	if org == nil {
		p.Steps = append(p.Steps, Step{Kind: StepCreateOrganization, Subject: desired.Organization,
			Why: "this account belongs to no organization; it becomes the management account"})
		actual = &Actual{}
	} else if org.FeatureSet != "" && org.FeatureSet != "ALL" {
		p.Warnings = append(p.Warnings, "the organization has consolidated billing only; service control policies need all features: enable them in the AWS Organizations console (every member account must approve), then run again")
	}
	if len(desired.Policies) > 0 && !actual.SCPEnabled {
		p.Steps = append(p.Steps, Step{Kind: StepEnablePolicyType, Subject: "SERVICE_CONTROL_POLICY",
			Why: "guardrails are service control policies, which are off until enabled on the root"})
	}

	paths := actual.OUPaths()
	ouByPath := map[string]string{} // path → id
	for id, path := range paths {
		if id != actual.RootID {
			ouByPath[path] = id
		}
	}
	pathOf := func(parentID string) (string, bool) {
		path, ok := paths[parentID]
		return path, ok
	}

	// OUs, parents first (the tree lists them so).
	desiredOUs := map[string]bool{}
	for _, o := range desired.OUs {
		desiredOUs[o.Path] = true
		if _, ok := ouByPath[o.Path]; !ok {
			p.Steps = append(p.Steps, Step{Kind: StepCreateOU, Subject: o.Path, OU: o.Path, Parent: o.Parent,
				Why: "the design has this OU and the organization does not"})
		}
	}

	// Accounts.
	accountSteps, targetIDs := planAccounts(desired, actual, p, ouByPath, pathOf)
	for path, id := range ouByPath {
		targetIDs[Target{Type: TargetOU, Name: path}] = id
	}
	if actual.RootID != "" {
		targetIDs[Target{Type: TargetRoot, Name: "Root"}] = actual.RootID
	}
	p.Steps = append(p.Steps, accountSteps...)

	// Unmanaged OUs.
	for _, o := range actual.OUs {
		if path, ok := paths[o.ID]; ok && !desiredOUs[path] {
			p.Unmanaged = append(p.Unmanaged, Unmanaged{Kind: "ou", Name: o.Name, ID: o.ID, Path: path})
		}
	}
	sort.Slice(p.Unmanaged, func(i, j int) bool {
		if p.Unmanaged[i].Kind != p.Unmanaged[j].Kind {
			return p.Unmanaged[i].Kind < p.Unmanaged[j].Kind
		}
		return p.Unmanaged[i].Path+"/"+p.Unmanaged[i].Name < p.Unmanaged[j].Path+"/"+p.Unmanaged[j].Name
	})

	p.Steps = append(p.Steps, planPolicies(desired, actual, targetIDs)...)
	planBudgets(desired, actual, p)
	planAccess(desired, actual, p)
	planBaseline(desired, actual, p)
	return p
}

func planAccounts(desired *Tree, actual *Actual, p *Plan, ouByPath map[string]string, pathOf func(string) (string, bool)) ([]Step, map[Target]string) {
	var creates, moves, tags []Step
	targetIDs := map[Target]string{}

	byEmail := map[string]int{}
	byName := map[string]int{}
	byID := map[string]int{}
	for i, a := range actual.Accounts {
		byEmail[strings.ToLower(a.Email)] = i
		if _, dup := byName[a.Name]; !dup {
			byName[a.Name] = i
		}
		byID[a.ID] = i
	}
	inFlight := map[string]AccountCreation{}
	failed := map[string]AccountCreation{}
	for _, c := range actual.Creations {
		switch c.State {
		case CreationInProgress, CreationSucceeded:
			if prev, ok := inFlight[c.AccountName]; !ok || prev.State != CreationInProgress {
				inFlight[c.AccountName] = c
			}
		case CreationFailed:
			if prev, ok := failed[c.AccountName]; !ok || !c.Requested.Before(prev.Requested) {
				failed[c.AccountName] = c // the last one tells
			}
		}
	}
	mgmt := ""
	if actual.Organization != nil {
		mgmt = actual.Organization.ManagementAccountID
	}

	matched := map[int]bool{}
	for _, want := range desired.Accounts {
		i, found := -1, false
		switch {
		case want.ID != "":
			i, found = lookup(byID, want.ID)
		case want.Email != "":
			i, found = lookup(byEmail, strings.ToLower(want.Email))
		}
		if !found && want.Kind != AdoptedKind {
			i, found = lookup(byName, want.Name)
		}
		if found && matched[i] {
			found = false // two desired accounts never claim one actual account
		}
		if !found {
			switch {
			case want.Kind == AdoptedKind:
				p.Warnings = append(p.Warnings, fmt.Sprintf("account %s (%s) is not in the organization yet; invite it (or accept its invitation) first, then run again", want.Name, firstNonEmpty(want.ID, want.Email)))
			case inFlight[want.Name].RequestID != "":
				c := inFlight[want.Name]
				creates = append(creates, Step{Kind: StepAwaitAccount, Subject: want.Name, Email: want.Email, RequestID: c.RequestID, AccountID: c.AccountID,
					Why: "AWS is already creating this account (request " + c.RequestID + "); wait for it instead of creating it twice"})
				moves = append(moves, moveStep(want, "", actual.RootID, "a new account starts in Root"))
			default:
				why := "no account has this email or name"
				if f, ok := failed[want.Name]; ok {
					advice, repeats := CreationFailureAdvice(f.FailureReason, want.Name, want.Email)
					why += "; the last creation of " + want.Name + " failed: " + advice
					if repeats {
						p.Warnings = append(p.Warnings, "the last creation of "+want.Name+" failed, and the same request fails again until this is fixed: "+advice)
					}
				}
				creates = append(creates, Step{Kind: StepCreateAccount, Subject: want.Name, Email: want.Email, Tags: maps.Clone(want.Tags), Why: why})
				moves = append(moves, moveStep(want, "", actual.RootID, "a new account starts in Root"))
			}
			continue
		}
		matched[i] = true
		have := actual.Accounts[i]
		p.Adopted[want.Name] = have.ID
		targetIDs[Target{Type: TargetAccount, Name: want.Name}] = have.ID
		if have.ID == mgmt && mgmt != "" {
			p.Warnings = append(p.Warnings, fmt.Sprintf("account %s matches the management account %s; the management account should run nothing, so give %s its own email", want.Name, have.ID, want.Name))
			continue
		}
		if have.Status != "" && have.Status != "ACTIVE" {
			p.Warnings = append(p.Warnings, fmt.Sprintf("account %s (%s) is %s; it is left as it is", want.Name, have.ID, have.Status))
			continue
		}
		if from, ok := pathOf(have.ParentID); !ok || from != want.OU {
			if !ok {
				from = have.ParentID
			}
			s := moveStep(want, from, have.ParentID, fmt.Sprintf("it is in %s; the design puts it in %s", rootIfEmpty(from), want.OU))
			s.AccountID = have.ID
			moves = append(moves, s)
		}
		if diff := tagDiff(want.Tags, have.Tags); len(diff) > 0 {
			tags = append(tags, Step{Kind: StepTagAccount, Subject: want.Name, AccountID: have.ID, Tags: diff,
				Why: "tags missing or different: " + strings.Join(slices.Sorted(maps.Keys(diff)), ", ")})
		}
	}

	for i, a := range actual.Accounts {
		if matched[i] || a.ID == mgmt {
			continue
		}
		path, _ := pathOf(a.ParentID)
		p.Unmanaged = append(p.Unmanaged, Unmanaged{Kind: "account", Name: a.Name, ID: a.ID, Path: path})
	}

	steps := append(creates, moves...)
	return append(steps, tags...), targetIDs
}

func lookup(m map[string]int, key string) (int, bool) {
	i, ok := m[key]
	return i, ok
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func moveStep(want Account, from, fromID, why string) Step {
	return Step{Kind: StepMoveAccount, Subject: want.Name, OU: want.OU, From: from, FromID: fromID, Why: why}
}

// tagDiff returns the desired tags that are missing or different; tags the
// design does not name are left alone.
func tagDiff(want, have map[string]string) map[string]string {
	diff := map[string]string{}
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			diff[k] = v
		}
	}
	return diff
}

func planPolicies(desired *Tree, actual *Actual, targetIDs map[Target]string) []Step {
	var creates, attaches, detaches []Step
	byName := map[string]ActualPolicy{}
	for _, ap := range actual.Policies {
		byName[ap.Name] = ap
	}
	idToTarget := map[string]Target{}
	for t, id := range targetIDs {
		idToTarget[id] = t
	}
	wanted := map[string]bool{}
	for _, want := range desired.Policies {
		wanted[want.Name] = true
		have, exists := byName[want.Name]
		switch {
		case !exists:
			creates = append(creates, Step{Kind: StepCreatePolicy, Subject: want.Name, Content: want.Content, Description: want.Description,
				Why: "the design has this guardrail and the organization does not"})
		case !sameJSON(have.Content, want.Content):
			creates = append(creates, Step{Kind: StepUpdatePolicy, Subject: want.Name, PolicyID: have.ID, Content: want.Content, Description: want.Description,
				Why: "its content differs from what the design generates"})
		}
		attached := map[string]bool{}
		for _, id := range have.Targets {
			attached[id] = true
		}
		wantIDs := map[string]bool{}
		for _, tg := range want.Targets {
			tg := tg
			id := targetIDs[tg]
			if id != "" {
				wantIDs[id] = true
			}
			if id != "" && attached[id] {
				continue
			}
			attaches = append(attaches, Step{Kind: StepAttachPolicy, Subject: want.Name, PolicyID: have.ID, Target: &tg, TargetID: id,
				Why: "the design attaches it to " + tg.String()})
		}
		for _, id := range have.Targets {
			if !wantIDs[id] {
				detaches = append(detaches, detachStep(want.Name, have.ID, id, idToTarget, "the design no longer attaches it there"))
			}
		}
	}
	// orgwizard's own policies that the design no longer wants: detached,
	// never deleted, so that turning a guardrail back on is one attach away.
	for _, ap := range actual.Policies {
		if wanted[ap.Name] || ap.AWSManaged || !strings.HasPrefix(ap.Name, PolicyPrefix) {
			continue
		}
		for _, id := range ap.Targets {
			detaches = append(detaches, detachStep(ap.Name, ap.ID, id, idToTarget, "the design no longer has this guardrail"))
		}
	}
	steps := append(creates, attaches...)
	return append(steps, detaches...)
}

func detachStep(name, policyID, targetID string, idToTarget map[string]Target, why string) Step {
	t, ok := idToTarget[targetID]
	if !ok {
		t = Target{Type: targetTypeOfID(targetID), Name: targetID}
	}
	return Step{Kind: StepDetachPolicy, Subject: name, PolicyID: policyID, Target: &t, TargetID: targetID, Why: why}
}

// targetTypeOfID tells a target's type from the shape of its AWS id.
func targetTypeOfID(id string) TargetType {
	switch {
	case strings.HasPrefix(id, "r-"):
		return TargetRoot
	case strings.HasPrefix(id, "ou-"):
		return TargetOU
	}
	return TargetAccount
}

// sameJSON compares two policy documents by meaning, not by spacing.
func sameJSON(a, b string) bool {
	if a == b {
		return true
	}
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}
