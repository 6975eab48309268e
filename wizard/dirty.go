package wizard

import (
	"errors"
	"fmt"
	"strings"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// Inventory is the management account's inventory reduced to what the flow
// decides on. ui fills it from the sweep (aws/inventory, audit), so that the
// decisions here stay plain data and are tested without AWS.
type Inventory struct {
	// Taken is false until a sweep has finished.
	Taken bool
	// Found is how many resources the sweep found; Summary counts them per
	// service and type ("3 ec2 instance, 4 s3 bucket").
	Found   int
	Summary string
	Regions int
	// NotRead are the listings that did not answer ("ec2 in eu-west-1
	// (access-denied)"); the inventory is complete only without them.
	NotRead []string
	// ByRegion counts the resources found per region, global services
	// left out.
	ByRegion map[string]int
}

// BusiestRegion is the region where most resources run (the first by name
// of those that tie), with its count; "" when none runs in a region.
func (i Inventory) BusiestRegion() (region string, n int) {
	for r, c := range i.ByRegion {
		if c > n || (c == n && r < region) {
			region, n = r, c
		}
	}
	return region, n
}

// ProposeHomeRegion makes the region where most of the account's resources
// run the home region of a design the user has not written yet (fresh), so
// that the organization's tooling and the region lock's home region sit where
// the workloads are. It returns the line that says so, or "".
func ProposeHomeRegion(d *orgmodel.Design, inv Inventory, fresh bool) string {
	region, n := inv.BusiestRegion()
	if !fresh || region == "" || !orgmodel.IsRegion(region) {
		return ""
	}
	d.Organization.HomeRegion = region
	total := 0
	for _, c := range inv.ByRegion {
		total += c
	}
	return fmt.Sprintf("Proposed: %s, where %d of the %s in regions run.", region, n, plural(total, "resource"))
}

// Cleanliness is what an inventory says of the management account.
type Cleanliness int

const (
	// NotSwept: no inventory was taken.
	NotSwept Cleanliness = iota
	// Clean: every listing answered and nothing was found.
	Clean
	// Dirty: something runs in the account.
	Dirty
	// Incomplete: nothing was found, but some listings did not answer, so
	// the account cannot be called clean.
	Incomplete
)

// State says whether the account is clean. Anything found makes it dirty,
// whether or not every listing answered; nothing found counts as clean only
// when every listing answered.
func (i Inventory) State() Cleanliness {
	switch {
	case !i.Taken:
		return NotSwept
	case i.Found > 0:
		return Dirty
	case len(i.NotRead) > 0:
		return Incomplete
	}
	return Clean
}

// Line is the preflight's one-line inventory.
func (i Inventory) Line() string {
	switch i.State() {
	case NotSwept:
		return "not taken."
	case Clean:
		return fmt.Sprintf("nothing runs here (%s swept): the account is clean.", plural(i.Regions, "region"))
	case Incomplete:
		return fmt.Sprintf("nothing found, but the inventory is incomplete: %s not read (%s). The account may not be clean.", plural(len(i.NotRead), "listing"), shortList(i.NotRead, 3))
	}
	line := fmt.Sprintf("%s run here: %s.", plural(i.Found, "resource"), i.Summary)
	if len(i.NotRead) > 0 {
		line += fmt.Sprintf(" Not read: %s.", shortList(i.NotRead, 3))
	}
	return line
}

// Way is what a user chooses when the management account is dirty.
type Way string

const (
	// WayNewManagement is way (a): a new, clean account becomes the
	// management account and the old one joins as a member.
	WayNewManagement Way = "new-management"
	// WayRunbook is way (b): the resources move out to member accounts,
	// following a runbook written once the design names the accounts.
	WayRunbook Way = "runbook"
	// WayContinue builds the organization as it is; the checklist's
	// "management account clean" stays unticked.
	WayContinue Way = "continue"
)

// ContinueTitle and ContinueDescription describe the third choice, beside
// the two ways out.
const (
	ContinueTitle       = "Continue anyway"
	ContinueDescription = "Build the organization with this account as the management account now, and lead the workloads out later (orgwizard migrate). Until then they escape every guardrail, and the checklist's \"management account clean\" stays unticked."
)

// NeedsWayOut reports whether the preflight must offer the ways out before
// designing: only a dirty account that may build the organization.
func NeedsWayOut(inv Inventory) bool { return inv.State() == Dirty }

// AfterWayOut is where the flow goes once a way is chosen: way (a) stays at
// the preflight (the migration runs there, then the new account is
// checked); the others go on designing where the user was.
func AfterWayOut(w Way, resume Step) Step {
	if w == WayNewManagement {
		return Preflight
	}
	return resume
}

// MigrationStep is one step of way (a), in the order it runs.
type MigrationStep struct {
	ID    string // migrate.Event.Step
	Title string
}

// MigrationSteps are way (a)'s steps, shown as pending lines before they run.
var MigrationSteps = []MigrationStep{
	{"create-organization", "Create the organization in the new account"},
	{"transitional-ou", "Create the Transitional OU"},
	{"invite", "Invite the old account"},
	{"accept", "Accept the invitation as the old account"},
	{"access-role", "Create OrganizationAccountAccessRole in the old account"},
	{"verify-role", "Check the new account can assume it"},
	{"move", "Move the old account to Transitional"},
}

// MigrationStepIndex is the position of a step id in MigrationSteps, or -1.
func MigrationStepIndex(id string) int {
	for i, s := range MigrationSteps {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// ErrNotConfirmed is a confirmation that does not match.
var ErrNotConfirmed = errors.New("not confirmed")

// ConfirmMigration checks the answer to way (a)'s confirmation. On the
// sandbox, enter (an empty answer) or "yes" goes ahead; on real AWS the user
// types the id of the account that becomes the management account, so that
// two real accounts never change by a reflex.
func ConfirmMigration(answer string, sandbox bool, newAccount string) error {
	a := strings.TrimSpace(answer)
	if sandbox && (a == "" || strings.EqualFold(a, "yes") || strings.EqualFold(a, "y")) {
		return nil
	}
	if a == newAccount {
		return nil
	}
	if sandbox {
		return fmt.Errorf("%w: press enter or type yes", ErrNotConfirmed)
	}
	return fmt.Errorf("%w: type the new account's id, %s", ErrNotConfirmed, newAccount)
}

// RunbookFile is the name of way (b)'s runbook, written next to the design.
const RunbookFile = "orgwizard-runbook.md"

// RunbookProgressCommand is how a user follows the runbook's progress: the
// audit of the same target against the same design (without them it audits
// the default target and finds no design to compare with).
func RunbookProgressCommand(runbook, designPath string, targetArgs []string) string {
	args := append(append([]string{"audit"}, targetArgs...), DesignArgs(designPath)...)
	return Command(append(args, "--runbook", runbook)...)
}

// RunbookCommand is how a user writes way (b)'s runbook outside the wizard.
func RunbookCommand(designPath string, targetArgs []string) string {
	args := append(append([]string{"migrate", "runbook"}, targetArgs...), DesignArgs(designPath)...)
	return Command(append(args, "--out", RunbookFile)...)
}

func shortList(items []string, n int) string {
	if len(items) > n {
		return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
	}
	return strings.Join(items, ", ")
}
