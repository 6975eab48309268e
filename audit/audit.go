// Package audit is orgwizard's checklist of a multi-account setup: given the
// organization as it exists, the design (when there is one) and the
// management account's inventory, it says check by check what passes, what
// fails, why, and what to do about it. It is pure: the reads happen in the
// caller, so the checklist is tested, and shown by the wizard, without AWS.
package audit

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Status of a check, as cli.md spells it.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	Warn Status = "warn"
)

// Check is one line of the checklist.
type Check struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	Why    string `json:"why"`
	Fix    string `json:"fix"`
}

// Check ids, stable for scripts.
const (
	CheckManagement      = "management-account"
	CheckAllFeatures     = "all-features"
	CheckAccounts        = "member-accounts"
	CheckPlacement       = "accounts-placed"
	CheckGuardrails      = "guardrails"
	CheckManagementClean = "management-clean"
	CheckBudgets         = "budgets"
	CheckOverBudget      = "within-budget"
	CheckManagementSpend = "management-spend"
)

// Input is what the checklist is computed from.
type Input struct {
	// Account is the account whose credentials the audit runs with.
	Account string
	// Actual is the organization as read; nil when the account is a member
	// of an organization (NotManagement) or the read was not possible.
	Actual *orgmodel.Actual
	// NotManagement: the account belongs to an organization it does not manage.
	NotManagement bool
	// Design is the expanded design; nil when there is no design file.
	Design *orgmodel.Tree
	// DesignFile names the design in messages.
	DesignFile string
	// Inventory is the audited account's inventory.
	Inventory *inventory.Result
	// Billing is what the budget checks are computed from; nil leaves
	// them out (the caller did not read budgets and spend).
	Billing *Billing
	// IdentityCenter is what the access checks (Identity Center on, every
	// workload account reachable by a group) are computed from; nil leaves
	// them out (the caller did not read it).
	IdentityCenter *IdentityCenter
	// IAMUsers are the audited account's IAM users, for the check that
	// nobody signs in as one; nil leaves it out.
	IAMUsers *IAMUsers
	// Runbook lists the resources (Item.Key) a way-(b) runbook moves out,
	// when the audit is given one: the clean check then counts how many
	// are gone.
	Runbook []string
	// Baseline is what the security baseline checks (the trail, the log
	// bucket, GuardDuty, root credentials, contacts) are computed from;
	// nil leaves them out (the caller did not read it).
	Baseline *SecurityBaseline
}

// Run computes the checklist.
func Run(in Input) []Check {
	checks := []Check{management(in), allFeatures(in)}
	checks = append(checks, designChecks(in)...)
	checks = append(checks, clean(in))
	checks = append(checks, accessChecks(in)...)
	checks = append(checks, budgetChecks(in)...)
	return append(checks, baselineChecks(in)...)
}

// Failed reports whether any check failed.
func Failed(checks []Check) bool {
	return slices.ContainsFunc(checks, func(c Check) bool { return c.Status == Fail })
}

// Dirty reports whether an inventory found anything running: any item at
// all, since the management account should hold nothing but the
// organization itself.
func Dirty(inv *inventory.Result) bool { return inv != nil && len(inv.Items) > 0 }

// DirtySummary counts what an inventory found, per service and type, in one
// line for a screen: "3 ec2 instance, 4 s3 bucket".
func DirtySummary(inv *inventory.Result) string {
	if inv == nil {
		return ""
	}
	return summary(inv.Items)
}

func management(in Input) Check {
	c := Check{ID: CheckManagement, Title: "A management account governs an organization"}
	switch {
	case in.NotManagement:
		c.Status, c.Why = Fail, fmt.Sprintf("account %s is a member of an organization it does not manage", in.Account)
		c.Fix = "Run the audit with the management account's credentials (--profile NAME); orgwizard tree shows which account that is."
	case in.Actual == nil || in.Actual.Organization == nil:
		c.Status, c.Why = Fail, fmt.Sprintf("account %s belongs to no organization, so there is no management account yet", in.Account)
		c.Fix = "Run orgwizard apply to create the organization with this account as its management account; if the account runs workloads, see " + CheckManagementClean + " first."
	default:
		c.Status = Pass
		c.Why = fmt.Sprintf("account %s is the management account of %s", in.Account, in.Actual.Organization.ID)
	}
	return c
}

func allFeatures(in Input) Check {
	c := Check{ID: CheckAllFeatures, Title: "The organization has all features enabled"}
	switch {
	case in.Actual == nil || in.Actual.Organization == nil:
		c.Status, c.Why = Fail, "there is no organization to read"
		c.Fix = "orgwizard apply creates the organization with all features."
	case in.Actual.Organization.FeatureSet != "ALL":
		c.Status = Fail
		c.Why = fmt.Sprintf("the organization has only %s: service control policies cannot apply", in.Actual.Organization.FeatureSet)
		c.Fix = "Enable all features (aws organizations enable-all-features) and have every member account approve the request; see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html"
	default:
		c.Status, c.Why = Pass, "feature set ALL: service control policies can apply"
	}
	return c
}

// designChecks compare the organization with the design through the plan:
// what apply would still create, move or attach is what is missing.
func designChecks(in Input) []Check {
	accounts := Check{ID: CheckAccounts, Title: "Member accounts exist per workload, environment and production region, as designed"}
	placed := Check{ID: CheckPlacement, Title: "Every designed account sits in its OU"}
	guard := Check{ID: CheckGuardrails, Title: "Guardrails (service control policies) are attached as designed"}
	all := []*Check{&accounts, &placed, &guard}
	if in.Design == nil {
		for _, c := range all {
			c.Status, c.Why = Warn, "no design file to compare with"
			c.Fix = "Write a design (run orgwizard for the wizard) and pass it with --design FILE."
		}
		return []Check{accounts, placed, guard}
	}
	actual := in.Actual
	if actual == nil {
		actual = &orgmodel.Actual{}
	}
	plan := orgmodel.MakePlan(in.Design, actual)
	by := map[orgmodel.StepKind][]string{}
	for _, s := range plan.Steps {
		if s.Kind == orgmodel.StepMoveAccount && s.AccountID == "" {
			continue // an account still to create is placed as it is created
		}
		by[s.Kind] = append(by[s.Kind], s.Subject)
	}
	apply := fmt.Sprintf("Run orgwizard apply --design %s (orgwizard plan shows each change first).", in.DesignFile)

	designed := 0
	for _, a := range in.Design.Accounts {
		if a.Kind != orgmodel.AdoptedKind {
			designed++
		}
	}
	missing := append(slices.Clone(by[orgmodel.StepCreateAccount]), by[orgmodel.StepAwaitAccount]...)
	if len(missing) > 0 {
		accounts.Status = Fail
		accounts.Why = fmt.Sprintf("%d of the %d designed accounts do not exist yet: %s", len(missing), designed, list(missing))
		accounts.Fix = apply
	} else {
		accounts.Status, accounts.Why = Pass, fmt.Sprintf("all %d designed accounts exist", designed)
	}

	moves := by[orgmodel.StepMoveAccount]
	ous := by[orgmodel.StepCreateOU]
	switch {
	case len(moves)+len(ous) > 0:
		placed.Status = Fail
		var parts []string
		if len(ous) > 0 {
			parts = append(parts, fmt.Sprintf("%d OUs are missing (%s)", len(ous), list(ous)))
		}
		if len(moves) > 0 {
			parts = append(parts, fmt.Sprintf("%d accounts are outside their OU (%s)", len(moves), list(moves)))
		}
		placed.Why, placed.Fix = strings.Join(parts, "; "), apply
	case len(missing) > 0:
		placed.Status, placed.Why = Pass, "every existing designed account is in its OU (missing ones are placed when created)"
	default:
		placed.Status, placed.Why = Pass, "every designed account is in its OU"
	}

	var guardWhy []string
	if len(by[orgmodel.StepCreateOrganization])+len(by[orgmodel.StepEnablePolicyType]) > 0 {
		guardWhy = append(guardWhy, "service control policies are not enabled")
	}
	creating := uniq(by[orgmodel.StepCreatePolicy])
	for _, k := range []struct {
		kind orgmodel.StepKind
		what string
	}{{orgmodel.StepCreatePolicy, "missing"}, {orgmodel.StepUpdatePolicy, "differing from the design"}, {orgmodel.StepAttachPolicy, "not attached where designed"}} {
		names := uniq(by[k.kind])
		if k.kind != orgmodel.StepCreatePolicy {
			// A missing policy is said to be missing, not also unattached.
			names = slices.DeleteFunc(names, func(n string) bool { _, found := slices.BinarySearch(creating, n); return found })
		}
		if len(names) > 0 {
			guardWhy = append(guardWhy, fmt.Sprintf("%s %s", list(names), k.what))
		}
	}
	if len(guardWhy) > 0 {
		guard.Status, guard.Why, guard.Fix = Fail, strings.Join(guardWhy, "; "), apply
	} else {
		guard.Status, guard.Why = Pass, fmt.Sprintf("all %d guardrails are attached as designed", len(in.Design.Policies))
	}
	return []Check{accounts, placed, guard}
}

func clean(in Input) Check {
	c := Check{ID: CheckManagementClean, Title: "The management account runs no workloads"}
	inv := in.Inventory
	if inv == nil {
		c.Status, c.Why = Warn, "the inventory was not taken"
		c.Fix = "Run orgwizard audit without skipping the inventory."
		return c
	}
	switch {
	case Dirty(inv):
		c.Status = Fail
		c.Why = fmt.Sprintf("%s: %s. Service control policies never restrict the management account, so whatever runs there escapes every guardrail", plural(len(inv.Items), "resource"), summary(inv.Items))
		c.Fix = "Either open a new, clean management account and invite this one as a member (orgwizard migrate new-management), or move the resources to member accounts (orgwizard migrate runbook writes the steps; re-run the audit to see the progress)."
	case !inv.Complete():
		c.Status = Warn
		c.Why = fmt.Sprintf("nothing found, but %s did not answer: %s", plural(len(inv.Problems), "listing"), problemSummary(inv.Problems))
		c.Fix = "Allow the read-only calls orgwizard iam-policy lists in every enabled region, then run the audit again."
	default:
		c.Status = Pass
		c.Why = fmt.Sprintf("nothing found in %s", plural(len(inv.Regions), "region"))
	}
	if len(in.Runbook) > 0 {
		moved, remaining := RunbookProgress(in.Runbook, inv)
		c.Why += fmt.Sprintf(". Runbook: %d of %d resources moved out", len(moved), len(in.Runbook))
		if len(remaining) > 0 {
			c.Why += fmt.Sprintf(", %d to go", len(remaining))
		}
		if extra := len(inv.Items) - len(remaining); extra > 0 {
			c.Why += fmt.Sprintf("; %s not in the runbook (write it again)", plural(extra, "resource"))
		}
	}
	if n := tagOnly(inv); c.Status != Warn && n > 0 {
		c.Why += fmt.Sprintf(" (beyond the sweep, only tagged resources are visible in %d of %d regions: Resource Explorer has no index there)", n, len(inv.Discovery))
	}
	return c
}

// RunbookProgress compares a runbook's resources with a fresh inventory:
// moved are those no longer found, remaining those still there.
func RunbookProgress(keys []string, inv *inventory.Result) (moved, remaining []string) {
	present := map[string]bool{}
	if inv != nil {
		for _, it := range inv.Items {
			present[it.Key()] = true
		}
	}
	for _, k := range keys {
		if present[k] {
			remaining = append(remaining, k)
		} else {
			moved = append(moved, k)
		}
	}
	return moved, remaining
}

// tagOnly counts the regions read with the tagging API only.
func tagOnly(inv *inventory.Result) int {
	n := 0
	for _, d := range inv.Discovery {
		if d == inventory.DiscoveryTaggedOnly {
			n++
		}
	}
	return n
}

// summary counts items per service and type: "3 ec2 instance, 4 s3 bucket".
func summary(items []inventory.Item) string {
	counts := map[string]int{}
	for _, it := range items {
		counts[it.Service+" "+it.Type]++
	}
	keys := slices.Sorted(maps.Keys(counts))
	parts := make([]string, len(keys))
	for i, k := range keys {
		if counts[k] > 1 {
			parts[i] = fmt.Sprintf("%d %s", counts[k], pluralKind(k))
		} else {
			parts[i] = "1 " + k
		}
	}
	return strings.Join(parts, ", ")
}

// pluralKind is "ec2 instances" for "ec2 instance": "4 ec2 instance" read
// as a typo. Kinds end in an English noun (or one Resource Explorer names).
func pluralKind(kind string) string {
	switch {
	case strings.HasSuffix(kind, "s"), strings.HasSuffix(kind, "x"), strings.HasSuffix(kind, "ch"), strings.HasSuffix(kind, "sh"):
		return kind + "es"
	case strings.HasSuffix(kind, "y") && len(kind) > 1 && !strings.ContainsRune("aeiou", rune(kind[len(kind)-2])):
		return kind[:len(kind)-1] + "ies"
	}
	return kind + "s"
}

func problemSummary(ps []inventory.Problem) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, fmt.Sprintf("%s in %s (%s)", p.Service, p.Region, p.Kind))
	}
	sort.Strings(parts)
	return list(parts)
}

// list joins names, eliding after eight so a line stays readable.
func list(names []string) string {
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	return strings.Join(names, ", ")
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
