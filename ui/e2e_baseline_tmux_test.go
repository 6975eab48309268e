package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// TestBaselineInTmux goes through the step Security baseline in the real
// binary (tmux, 80x24): acme's design, written before the baseline existed,
// has been to the preview, so the step keeps the baseline off and says so;
// t turns it on with the defaults, space turns Security Hub on, enter sets
// the security contact (a phone AWS would refuse is said in words); the
// preview's Security tab says what is created where, and the saved design
// holds the blocks with the file's comments kept.
func TestBaselineInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}
	term := startTmux(t, "orgwizard-baseline-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--scenario", "fresh"))

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Plan: ", 20*time.Second)
	term.send("Escape")
	term.waitFor("Who works where", 5*time.Second)
	term.send("Escape")
	off := term.waitFor("Security baseline", 5*time.Second)
	if !strings.Contains(off, "The baseline is off") || !strings.Contains(off, "[ ] Organization trail · default on") {
		t.Errorf("a design that has been past the step is not shown without a baseline:\n%s", off)
	}
	term.send("t")
	term.waitFor("baseline on with the defaults", 5*time.Second)
	term.send("Down", "Down", "Down", "Space")
	if hub := term.waitFor("security hub on", 5*time.Second); !strings.Contains(strings.Join(strings.Fields(hub), " "), "Security Hub charges per security check and per finding ingested") {
		t.Errorf("Security Hub's cost is not said:\n%s", hub)
	}
	term.send("Down", "Down", "Down", "Enter")
	term.waitFor("Security contact: name", 5*time.Second)
	term.typeText("Ana Lopez")
	term.send("Enter")
	term.typeText("sec@acme.example")
	term.send("Enter")
	term.typeText("call me")
	term.send("Enter")
	term.waitFor("characters AWS refuses", 5*time.Second)
	term.send("C-u")
	term.typeText("+1 555 0100")
	term.send("Enter")
	term.typeText("CISO")
	term.send("Enter")
	term.waitFor("Security contact: Ana Lopez, CISO", 5*time.Second)
	term.send("n")
	term.waitFor("Who works where", 5*time.Second)
	term.send("n")
	term.waitFor("Plan: ", 20*time.Second)
	term.send("Tab", "Tab", "Tab", "Tab")
	sec := strings.Join(strings.Fields(term.waitFor("Log bucket in", 5*time.Second)), " ")
	for _, want := range []string{"Log bucket in log-archive (eu-west-1)", "Organization trail orgwizard-organization-trail in the management account", "GuardDuty run from security-tooling (delegated admin)"} {
		if !strings.Contains(sec, want) {
			t.Errorf("the Security tab lacks %q:\n%s", want, term.screen())
		}
	}
	term.send("Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down")
	if sec := strings.Join(strings.Fields(term.waitFor("Alternate contacts", 5*time.Second)), " "); !strings.Contains(sec, "Alternate contacts (security) on 10 accounts") || !strings.Contains(sec, "Security Hub run from security-tooling") {
		t.Errorf("the Security tab does not scroll to Security Hub and the contacts:\n%s", term.screen())
	}
	term.send("C-c")
	term.waitFor("EXIT=", 10*time.Second)

	raw, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(raw)
	if err != nil {
		t.Fatalf("the saved design is not valid: %v\n%s", err, raw)
	}
	want := orgmodel.DefaultBaseline()
	want.SecurityHub = true
	if d.Baseline == nil || *d.Baseline != *want || d.Contacts == nil || d.Contacts.Security == nil || *d.Contacts.Security != (orgmodel.Contact{Name: "Ana Lopez", Email: "sec@acme.example", Phone: "+1 555 0100", Title: "CISO"}) {
		t.Fatalf("saved baseline %+v, contacts %+v\n%s", d.Baseline, d.Contacts, raw)
	}
	if !strings.Contains(string(raw), "# A startup with two bounded contexts") || !strings.Contains(string(raw), "# one production account per residency") {
		t.Errorf("the design's comments are lost:\n%s", raw)
	}
}

// TestBaselineAppliedInTmux applies the security baseline through the
// wizard in the real binary (tmux, 80x24) on the embedded sandbox, and
// looks at it as a user does: acme's design has reached the guardrails, so
// the step proposes the defaults; each row says what it protects, what it
// costs and its default; Security Hub is turned on and the security contact
// set; the preview's Security tab and the confirmation say what is created
// where; the live progress names the account and region of the steps that
// cross into log-archive and security-tooling; the Done screen's How to get
// in says what centralized root access means for the account emails. A
// second run of the wizard on the same sandbox has nothing to do.
func TestBaselineAppliedInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bookmark := "# orgwizard wizard: reached guardrails (run orgwizard to go on; the line is only a bookmark)\n"
	if err := os.WriteFile(design, append([]byte(bookmark), acme...), 0o644); err != nil {
		t.Fatal(err)
	}
	command := "XDG_STATE_HOME=" + dir + " " + strings.Join([]string{bin, "--sandbox-state", state, "--design", design, "--sandbox-speed", "40", "--scenario", "fresh"}, " ")
	term := startTmux(t, "orgwizard-baseline-apply-"+filepath.Base(dir), command)
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }

	term.waitFor("Where should the organization be built?", 20*time.Second)
	term.send("Enter")
	term.waitFor("Press enter to design", 20*time.Second)
	term.send("Enter")
	term.waitFor("Deny leaving the organization", 10*time.Second)
	term.send("n")

	// The step: the proposal, the lead, and under the list the selected
	// row's protection and cost; each item's row says its default.
	step := term.waitFor("baseline proposed (Security Hub off)", 5*time.Second)
	if !strings.Contains(flat(step), wizard.BaselineLead) {
		t.Errorf("the step's lead is not on the screen:\n%s", step)
	}
	for _, it := range wizard.BaselineItems {
		if !strings.Contains(step, it.Label+" · default "+it.Default()) {
			t.Errorf("the row of %s does not say its default:\n%s", it.Label, step)
		}
	}
	detail := func(protects, costs string) string { return flat("Protects: " + protects + " Costs: " + costs) }
	rows := []string{detail(wizard.BaselineItems[0].Protects, wizard.BaselineItems[0].Costs), detail(wizard.RetentionItem.Protects, wizard.RetentionItem.Costs)}
	for _, it := range wizard.BaselineItems[1:] {
		rows = append(rows, detail(it.Protects, it.Costs))
	}
	for i, want := range rows {
		if i > 0 {
			term.send("Down")
		}
		term.waitUntil(fmt.Sprintf("row %d's %q", i, want), func(screen string) bool { return strings.Contains(flat(screen), want) }, 10*time.Second)
	}
	// Security Hub is the fourth row; the cursor is on the last item.
	term.send("Up", "Up", "Space")
	term.waitFor("security hub on", 5*time.Second)
	term.send("Down", "Down", "Down", "Enter")
	term.waitFor("Security contact: name", 5*time.Second)
	term.typeText("Ana Lopez")
	term.send("Enter")
	term.typeText("sec@acme.example")
	term.send("Enter")
	term.typeText("+1 555 0100")
	term.send("Enter")
	term.typeText("CISO")
	term.send("Enter")
	term.waitFor("Security contact: Ana Lopez, CISO", 5*time.Second)
	term.send("n")
	// Access is another test's (TestEndToEndInTmux): off here.
	term.waitFor("groups proposed", 5*time.Second)
	term.send("t")
	term.waitFor("access off", 5*time.Second)
	term.send("n")

	// The preview counts the baseline's steps, and its Security tab says
	// what is created where.
	if plan := flat(term.waitFor("Plan: ", 20*time.Second)); !strings.Contains(plan, " baseline steps;") {
		t.Errorf("the plan line does not count the baseline:\n%s", term.screen())
	}
	term.send("Tab", "Tab", "Tab", "Tab")
	security := flat(term.waitFor("Log bucket in", 5*time.Second))
	for range 12 {
		term.send("Down")
	}
	security += " " + flat(term.waitFor("Trusted access in AWS Organizations", 5*time.Second))
	for _, want := range []string{
		"Log bucket in log-archive (eu-west-1)",
		"Organization trail orgwizard-organization-trail in the management account (eu-west-1)",
		"GuardDuty run from security-tooling (delegated admin) in eu-central-1, eu-west-1, us-east-1, us-west-2",
		"Security Hub run from security-tooling (delegated admin) in eu-central-1, eu-west-1, us-east-1, us-west-2",
		"Centralized root access: member accounts have no root password",
		"Alternate contacts (security) on 10 accounts, the management account included.",
	} {
		if !strings.Contains(security, want) {
			t.Errorf("the Security tab lacks %q:\n%s", want, security)
		}
	}
	term.send("a")
	confirm := flat(term.waitFor("Ready to make", 10*time.Second))
	if want := "steps of the security baseline: trusted access, the log bucket in log-archive, the organization trail, GuardDuty from security-tooling in 4 regions, Security Hub from security-tooling in 4 regions, Access Analyzer, centralized root access, alternate contacts on 10 accounts."; !strings.Contains(confirm, want) {
		t.Errorf("the confirmation lacks %q:\n%s", want, term.screen())
	}

	// The live progress, watched frame by frame until the Done screen.
	term.send("Enter")
	var frames []string
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		screen := term.screen()
		frames = append(frames, screen)
		if strings.Contains(screen, "checks verified") {
			break
		}
	}
	done := frames[len(frames)-1]
	if !strings.Contains(done, "checks verified") {
		t.Fatalf("the apply never reached the Done screen:\n%s", done)
	}
	// The checklist ticks the baseline from what was read back.
	if !strings.Contains(done, "Your organization is in place: 19 of 19 checks verified.") {
		t.Errorf("the Done screen does not verify the baseline's six checks:\n%s", done)
	}
	// A step under way that crosses into another account says which
	// account and region, in the 80 columns.
	crossed := map[string]bool{}
	for _, f := range frames {
		for _, l := range strings.Split(f, "\n") {
			if !strings.HasPrefix(l, "→ ") && !strings.HasPrefix(l, "… ") {
				continue
			}
			for _, where := range []string{"in log-archive", "in security-tooling"} {
				if i := strings.Index(l, " · "+where); i > 0 {
					for _, r := range []string{"eu-west-1", "eu-central-1", "us-east-1", "us-west-2"} {
						if strings.Contains(l[i:], r) {
							crossed[where] = true
						}
					}
				}
			}
		}
	}
	for _, where := range []string{"in log-archive", "in security-tooling"} {
		if !crossed[where] {
			t.Errorf("no frame of the live progress said %q and a region beside a step under way (%d frames)", where, len(frames))
		}
	}
	t.Logf("%d frames of live progress; crossed into %v", len(frames), crossed)

	// The Done screen keeps the apply's log: every cross-account step, with
	// its account and region, is there, whole (a long one wraps). A window
	// tall enough shows the whole page at once.
	term.tmux("resize-window", "-t", term.session, "-x", "80", "-y", "400")
	all := flat(term.waitFor("Apply log", 5*time.Second))
	if strings.Contains(all, "<log-archive id>") {
		t.Errorf("the Done screen's log names the log bucket with the plan's placeholders:\n%s", term.screen())
	}
	term.tmux("resize-window", "-t", term.session, "-x", "80", "-y", "24")
	term.waitFor("ctrl+c quit", 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	for _, want := range []string{
		"✓ Organization trail · orgwizard-organization-trail logging every account into the bucket in log-archive (eu-west-1), kept at least 365 days",
		"✓ Threat detection (GuardDuty) · run from security-tooling for each member where its region lock allows, in eu-central-1, eu-west-1, us-east-1, us-west-2",
		"✓ Security Hub · run from security-tooling",
		"✓ Centralized root access · member accounts the organization creates have no root password",
		"✓ Alternate contacts · security set on 10 accounts",
		"✓ create log bucket",
		"✓ create organization trail orgwizard-organization-trail (eu-west-1)",
		"✓ start logging on trail orgwizard-organization-trail",
		"✓ make security-tooling the delegated administrator of GuardDuty in eu-west-1",
		"✓ make security-tooling the delegated administrator of Security Hub in us-west-2",
		"✓ GuardDuty in eu-central-1",
		"✓ GuardDuty in eu-west-1",
		"✓ GuardDuty in us-east-1",
		"✓ GuardDuty in us-west-2",
		"✓ set the security contact of payments-dev",
		"✓ set the security contact of the management account",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the Done screen's log lacks %q:\n%s", want, term.screen())
		}
	}
	term.send("g")
	getIn := flat(term.waitFor("How to get in", 5*time.Second))
	for range 10 {
		before := term.screen()
		term.send("PageDown")
		// The last page does not move: the screen stays as it was.
		screen := term.changed(before, 2*time.Second)
		if screen == before {
			break
		}
		getIn += " " + flat(screen)
	}
	if !strings.Contains(getIn, "Centralized root access is on: member accounts the organization creates have no root password, and their account emails can no longer recover one. Keep the mailboxes") {
		t.Errorf("How to get in does not say what centralized root access means for the account emails:\n%s", getIn)
	}
	term.send("q")
	term.waitFor("EXIT=0", 10*time.Second)

	// The same wizard again, on the same sandbox: nothing to do.
	again := startTmux(t, "orgwizard-baseline-again-"+filepath.Base(dir), command)
	again.waitFor("Where should the organization be built?", 20*time.Second)
	again.send("Enter")
	again.waitFor("Press enter to design", 20*time.Second)
	again.send("Enter")
	again.waitFor("Nothing to do: the organization already matches the design.", 20*time.Second)
	again.send("C-c")
	again.waitFor("EXIT=", 10*time.Second)
	if out, err := exec.Command(bin, "plan", "--detailed-exitcode", "--design", design, "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Errorf("plan after the wizard: %v (want exit 0, nothing to do)\n%s", err, out)
	}
}
