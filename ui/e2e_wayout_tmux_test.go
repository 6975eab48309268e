package ui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEndToEndWayOutInTmux starts the wizard in a real terminal on the
// dirty-management scenario with acme.yaml, takes way out (a) (the clean
// account becomes the management account, the old one joins as a member),
// converges acme.yaml in the new organization, and checks the sandbox state:
// the old account is a member in Transitional and acme's accounts exist.
func TestEndToEndWayOutInTmux(t *testing.T) {
	dir, bin := tmuxBinary(t)
	state, design := filepath.Join(dir, "sandbox.json"), filepath.Join(dir, "acme.yaml")
	if out, err := exec.Command(bin, "sandbox", "reset", "--scenario", "dirty-management", "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Fatalf("sandbox reset: %v\n%s", err, out)
	}
	acme, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(design, acme, 0o644); err != nil {
		t.Fatal(err)
	}

	term := startTmux(t, "orgwizard-wayout-"+filepath.Base(dir),
		wizardCommand(dir, bin, state, design, "--sandbox-speed", "40"))
	waitFor, send := term.waitFor, term.send

	waitFor("Where should the organization be built?", 20*time.Second)
	send("Enter")
	dirty := waitFor("Press enter to choose a way out", 20*time.Second)
	if !strings.Contains(dirty, "✗ Inventory:") || !strings.Contains(dirty, "ec2 instance") {
		t.Errorf("the preflight does not show the dirty inventory:\n%s", dirty)
	}
	send("Enter")
	waitFor("Which way out?", 5*time.Second)
	send("Enter") // (a), the first choice
	waitFor("Press enter (or type yes)", 10*time.Second)
	send("Enter")
	migrated := waitFor("is the management account now", 20*time.Second)
	for _, step := range []string{"Create the organization", "Invite the old account", "Accept the invitation", "Move the old account to Transitional"} {
		if !strings.Contains(migrated, "✓ "+step) {
			t.Errorf("way (a) did not report %q:\n%s", step, migrated)
		}
	}
	send("Enter")
	clean := waitFor("Press enter to design", 20*time.Second)
	if !strings.Contains(clean, "the account is clean") {
		t.Errorf("the new management account is not shown clean:\n%s", clean)
	}
	send("Enter")
	// The new management account, the old one and acme's 9 to create: 11.
	// Every step counts alike; the design steps counted the old account,
	// adopted by its id, as one more to create.
	const count = "11 accounts of your quota of 12"
	if preview := waitFor("Plan: ", 20*time.Second); !strings.Contains(preview, count) {
		t.Errorf("the preview does not say %q:\n%s", count, preview)
	}
	send("Escape")
	waitFor("Who works where", 10*time.Second)
	send("Escape")
	waitFor("Security baseline", 10*time.Second)
	send("Escape")
	// Its longer title leaves room for the short form only.
	if guardrails := waitFor("Guardrails and foundation", 10*time.Second); !strings.Contains(guardrails, "11/12 accounts") {
		t.Errorf("the guardrails step does not say 11/12 accounts, as the preview does:\n%s", guardrails)
	}
	send("n")
	waitFor("Security baseline", 10*time.Second)
	send("n")
	waitFor("Who works where", 10*time.Second)
	send("n")
	waitFor("Plan: ", 20*time.Second)
	send("a")
	waitFor("Ready to make", 5*time.Second)
	send("Enter")
	done := waitFor("checks verified", 60*time.Second)
	if !strings.Contains(done, "Your organization is in place") {
		t.Errorf("the done screen is not converged:\n%s", done)
	}
	send("q")
	waitFor("EXIT=0", 10*time.Second)

	saved, err := os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"transitional: true", "name: acme-legacy", "ou: Transitional"} {
		if !strings.Contains(string(saved), want) {
			t.Errorf("the design does not record the old account (%q):\n%s", want, saved)
		}
	}
	// The design was edited, not re-encoded: every line of acme.yaml, its
	// comments among them, is still there.
	for _, line := range strings.Split(strings.TrimSpace(string(acme)), "\n") {
		if !strings.Contains(string(saved), line+"\n") {
			t.Errorf("the saved design lost the line %q:\n%s", line, saved)
		}
	}

	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Accounts []struct {
			ID, Name, Email, Role string
			Org                   string `json:"organizationId"`
			Parent                string `json:"parentId"`
		} `json:"accounts"`
		Organizations []struct {
			ID   string `json:"id"`
			Mgmt string `json:"managementAccountId"`
			OUs  []struct {
				ID, Name string
			} `json:"organizationalUnits"`
		} `json:"organizations"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Organizations) != 1 {
		t.Fatalf("want one organization, got %d", len(st.Organizations))
	}
	org := st.Organizations[0]
	transitional := ""
	for _, ou := range org.OUs {
		if ou.Name == "Transitional" {
			transitional = ou.ID
		}
	}
	var emails []string
	for _, a := range st.Accounts {
		switch a.Role {
		case "new-management":
			if org.Mgmt != a.ID {
				t.Errorf("the management account is %s, want the clean account %s", org.Mgmt, a.ID)
			}
		case "standalone-with-workloads":
			if a.Org != org.ID || transitional == "" || a.Parent != transitional {
				t.Errorf("the old account %s is not a member in Transitional (%s): org %s, parent %s", a.ID, transitional, a.Org, a.Parent)
			}
		}
		if a.Org == org.ID {
			emails = append(emails, a.Email)
		}
	}
	for _, name := range []string{"log-archive", "security-tooling", "payments-dev", "website-dev", "payments-staging", "website-staging", "payments-prod-eu", "website-prod-eu", "payments-prod-us"} {
		if !slices.Contains(emails, "aws+"+name+"@acme.example") {
			t.Errorf("the sandbox has no account %s; it has %v", name, emails)
		}
	}
	if out, err := exec.Command(bin, "plan", "--detailed-exitcode", "--design", design, "--sandbox-state", state).CombinedOutput(); err != nil {
		t.Errorf("plan after the wizard: %v (want exit 0, nothing to do)\n%s", err, out)
	}
}
