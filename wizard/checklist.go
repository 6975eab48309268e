package wizard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Status is the outcome of one check.
type Status string

const (
	Pass    Status = "pass"
	Fail    Status = "fail"
	Unknown Status = "unknown" // not verifiable from what was read
)

// Check is one line of the checklist the done screen shows.
type CheckItem struct {
	Title  string
	Status Status
	Detail string
}

// Verified is what was read back from the target after applying.
type Verified struct {
	Caller string           // the account the wizard acts as
	Actual *orgmodel.Actual // the organization as it exists
	// Inventory is the management account's inventory, swept after the
	// apply: the "management account clean" tick comes from it alone.
	Inventory Inventory
	// Runbook is the command that follows way (b)'s runbook when one was
	// written (RunbookProgressCommand), so that the checklist says it.
	Runbook string
}

// Checklist ticks the seed checklist from what was verified, never from what
// was planned: an account counts only when AWS lists it in its OU with its tags.
func Checklist(tree *orgmodel.Tree, v Verified) []CheckItem {
	var out []CheckItem
	a := v.Actual
	org := a != nil && a.Organization != nil

	mgmt := CheckItem{Title: "Management account", Status: Fail, Detail: "there is no organization"}
	if org {
		if a.Organization.ManagementAccountID == v.Caller {
			mgmt = CheckItem{Title: "Management account", Status: Pass, Detail: "you are signed in to the management account " + v.Caller}
		} else {
			mgmt.Detail = fmt.Sprintf("%s is not the management account (%s)", v.Caller, a.Organization.ManagementAccountID)
		}
	}
	out = append(out, mgmt)

	orgItem := CheckItem{Title: "Organization with all features and guardrails", Status: Fail, Detail: "there is no organization"}
	if org {
		switch {
		case a.Organization.FeatureSet != "ALL":
			orgItem.Detail = "the organization has consolidated billing only; guardrails need all features"
		case !a.SCPEnabled && len(tree.Policies) > 0:
			orgItem.Detail = "service control policies are not enabled"
		default:
			orgItem.Status, orgItem.Detail = Pass, fmt.Sprintf("organization %s, %d guardrails in place", a.Organization.ID, countPolicies(tree, a))
		}
	}
	out = append(out, orgItem)

	have := map[string]orgmodel.Account{}
	if org {
		for _, acc := range a.Tree().Accounts {
			have[strings.ToLower(acc.Email)] = acc
			have["name:"+acc.Name] = acc
		}
	}
	inPlace := func(want orgmodel.Account) bool {
		got, ok := have[strings.ToLower(want.Email)]
		if !ok {
			got, ok = have["name:"+want.Name]
		}
		if !ok || got.OU != want.OU {
			return false
		}
		for k, v := range want.Tags {
			if got.Tags[k] != v {
				return false
			}
		}
		return true
	}
	group := func(title string, keyOf func(orgmodel.Account) string) {
		var keys []string
		missing := map[string][]string{}
		total := map[string]int{}
		for _, acc := range tree.Accounts {
			k := keyOf(acc)
			if k == "" {
				continue
			}
			if total[k] == 0 {
				keys = append(keys, k)
			}
			total[k]++
			if !inPlace(acc) {
				missing[k] = append(missing[k], acc.Name)
			}
		}
		for _, k := range keys {
			item := CheckItem{Title: fmt.Sprintf(title, k), Status: Pass, Detail: plural(total[k], "account") + " in place"}
			if m := missing[k]; len(m) > 0 {
				item.Status, item.Detail = Fail, "not in place: "+strings.Join(m, ", ")
			}
			out = append(out, item)
		}
	}
	group("Accounts for workload %s", func(a orgmodel.Account) string { return a.Workload })
	group("Accounts for environment %s", func(a orgmodel.Account) string { return a.Environment })
	group("Accounts for residency %s", func(a orgmodel.Account) string { return a.Residency })
	for _, p := range tree.Policies {
		if !strings.HasPrefix(p.Name, "orgwizard-region-lock") {
			continue
		}
		item := CheckItem{Title: "Region lock " + strings.TrimPrefix(p.Name, "orgwizard-region-lock-"), Status: Fail, Detail: "not attached everywhere"}
		if policyInPlace(p, a) {
			item.Status, item.Detail = Pass, "attached to "+joinTargets(p.Targets)
		}
		out = append(out, item)
	}

	out = append(out, baselineChecks(tree, a)...)
	out = append(out, cleanItem(v))
	return out
}

// cleanItem ticks "management account clean" from the inventory, never
// from what the user chose: continuing with a dirty account leaves it unticked.
func cleanItem(v Verified) CheckItem {
	c := CheckItem{Title: "Management account clean", Status: Unknown, Detail: "the inventory was not taken"}
	inv := v.Inventory
	switch inv.State() {
	case Clean:
		c.Status, c.Detail = Pass, fmt.Sprintf("nothing runs in the management account (%s swept)", plural(inv.Regions, "region"))
	case Incomplete:
		c.Detail = "nothing found, but the inventory is incomplete: " + plural(len(inv.NotRead), "listing") + " not read (" + shortList(inv.NotRead, 3) + ")"
	case Dirty:
		c.Status = Fail
		c.Detail = fmt.Sprintf("%s run in the management account (%s)", plural(inv.Found, "resource"), inv.Summary)
		if v.Runbook != "" {
			c.Detail += "; follow the runbook and its progress: " + v.Runbook
		} else {
			c.Detail += "; lead them out: orgwizard migrate new-management, or orgwizard migrate runbook"
		}
	}
	return c
}

func countPolicies(tree *orgmodel.Tree, a *orgmodel.Actual) int {
	n := 0
	for _, p := range tree.Policies {
		if policyInPlace(p, a) {
			n++
		}
	}
	return n
}

// policyInPlace reports whether the policy exists with all its targets.
func policyInPlace(want orgmodel.Policy, a *orgmodel.Actual) bool {
	if a == nil || a.Organization == nil {
		return false
	}
	for _, p := range a.Tree().Policies {
		if p.Name != want.Name {
			continue
		}
		for _, t := range want.Targets {
			if !slices.ContainsFunc(p.Targets, func(g orgmodel.Target) bool { return g.String() == t.String() }) {
				return false
			}
		}
		return true
	}
	return false
}

func joinTargets(ts []orgmodel.Target) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

// Passed counts the checks that passed.
func Passed(items []CheckItem) int {
	n := 0
	for _, c := range items {
		if c.Status == Pass {
			n++
		}
	}
	return n
}

// NextSteps are what a user does after the organization exists;
// targetArgs are the flags that reach the target the wizard acts on, so that
// every command it suggests acts on the same one.
func NextSteps(sandbox bool, designPath string, targetArgs []string) []string {
	plan := Command(append(append([]string{"plan"}, DesignArgs(designPath)...), targetArgs...)...)
	if sandbox {
		return []string{
			"This was the sandbox: nothing real was created. Look around with: " + Command(append([]string{"tree"}, targetArgs...)...),
			"When ready, run the wizard on real AWS: orgwizard --profile <your-profile> --design " + shellQuote(designPath),
			"Commit " + designPath + " to git: it describes your organization.",
		}
	}
	return []string{
		"See the organization with: " + Command(append([]string{"tree"}, targetArgs...)...),
		"Commit " + designPath + " to git; run " + plan + " after every change to it.",
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
