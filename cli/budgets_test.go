package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/sandbox"
)

// TestBudgetsPlanApplyOnTheSandbox applies acme-budgets.yaml to the sandbox:
// plan shows a budget per account, the organization's total and the three
// cost categories after the account steps; a second plan is empty; a change
// of amounts and alerts is an update; a budget the design no longer wants is
// left in place with the command to delete it.
func TestBudgetsPlanApplyOnTheSandbox(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	design := filepath.Join(examples, "acme-budgets.yaml")
	target := []string{"--sandbox-state", filepath.Join(dir, "sandbox.json"), "--sandbox-speed", "100"}

	code, out, errOut := run(t, "validate", "--design", design)
	if code != ExitOK || !strings.Contains(out, "9 member accounts, 8 OUs, 5 guardrail policies, 10 budgets (10900 USD a month in all), 3 cost categories") {
		t.Errorf("validate: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, append([]string{"plan", "--design", design, "-o", "json"}, target...)...)
	var doc struct {
		Steps []struct {
			Kind, Subject string
			Budget        *struct {
				Amount float64
				Notify string
			}
		}
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("plan -o json: exit %d\n%s%s", code, out, errOut)
	}
	kinds := map[string]int{}
	for _, s := range doc.Steps {
		kinds[s.Kind]++
		if s.Subject == "orgwizard-payments-prod-us" && (s.Budget == nil || s.Budget.Amount != 2500 || s.Budget.Notify != "payments-team@acme.example") {
			t.Errorf("the JSON step of %s is %+v", s.Subject, s.Budget)
		}
	}
	if kinds["create-budget"] != 10 || kinds["create-cost-category"] != 3 {
		t.Errorf("plan has %v; want 10 create-budget (9 accounts and the total) and 3 create-cost-category", kinds)
	}

	code, out, errOut = run(t, append([]string{"apply", "--design", design, "--yes"}, target...)...)
	if code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"+ create budget orgwizard-payments-dev: 300 USD a month", "+ create budget orgwizard-organization: 10900 USD a month",
		"+ create cost category orgwizard-workload", "✓ succeeded create cost category orgwizard-residency"} {
		if !strings.Contains(out, want) {
			t.Errorf("apply's output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, append([]string{"plan", "--design", design, "--detailed-exitcode"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "Nothing to do") {
		t.Fatalf("the second plan is not empty: exit %d\n%s", code, out)
	}

	// A design without budgets reads and changes nothing of them.
	var data []byte
	before, err := sandbox.LoadCalls(filepath.Join(dir, "sandbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, append([]string{"plan", "--design", filepath.Join(examples, "acme.yaml"), "--detailed-exitcode"}, target...)...)
	if code != ExitOK {
		t.Fatalf("acme.yaml plans changes on an organization with budgets: exit %d\n%s", code, out)
	}
	after, err := sandbox.LoadCalls(filepath.Join(dir, "sandbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range after[len(before):] {
		if c.Service == "budgets" || c.Service == "ce" {
			t.Errorf("the plan of a design without budgets called %s:%s", c.Service, c.Operation)
		}
	}
	if len(after) == len(before) {
		t.Error("the sandbox recorded no call of the plan; the check above is void")
	}

	data, err = os.ReadFile(design)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), "default: 500 ", "default: 520 ", 1)
	changed = strings.Replace(changed, "alerts: [80, 100]", "alerts: [50, 80, 100]", 1)
	changed = strings.Replace(changed, "  - name: website\n    description: Marketing site and customer portal\n    residencies: [eu]\n", "", 1)
	changed = strings.Replace(changed, "workloads: {website: 1500}", "workloads: {}", 1)
	edited := filepath.Join(t.TempDir(), "acme.yaml")
	if err := os.WriteFile(edited, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, append([]string{"apply", "--design", edited, "--yes"}, target...)...)
	if code != ExitOK {
		t.Fatalf("apply of the changed design: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"~ update budget orgwizard-security-tooling: 520 USD a month\n      its limit is 500 USD; the design says 520 USD (default); alerts missing: actual > 50%",
		"~ update budget orgwizard-payments-prod-eu: 2500 USD a month\n      alerts missing: actual > 50%",
		"~ update cost category orgwizard-workload",
		"budget orgwizard-website-dev is no longer in the design; it is left in place: delete it by hand with aws budgets delete-budget --account-id ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("apply of the changed design lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, append([]string{"plan", "--design", edited, "--detailed-exitcode"}, target...)...)
	if code != ExitOK {
		t.Fatalf("plan after the update is not empty: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "orgwizard-website-prod-eu is no longer in the design; it is left in place") {
		t.Errorf("the budgets left in place are not reported again:\n%s", out)
	}
}

// setFaults writes faults into the sandbox state the CLI then opens.
func setFaults(t *testing.T, state string, f sandbox.Faults) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if err := sb.SetFaults(f); err != nil {
		t.Fatal(err)
	}
}

// TestBudgetsHalfDoneApplyConverges: an apply whose cost categories AWS
// refuses keeps the accounts and budgets it made and says which steps
// failed; audit, refused the budgets, warns instead of failing; the re-run
// creates only what is missing, and then plan is empty.
func TestBudgetsHalfDoneApplyConverges(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "sandbox.json")
	design := filepath.Join(examples, "acme-budgets.yaml")
	target := []string{"--sandbox-state", state, "--sandbox-speed", "1000"}
	if code, out, errOut := run(t, append([]string{"sandbox", "reset"}, target[:2]...)...); code != ExitOK {
		t.Fatalf("reset: exit %d %s%s", code, out, errOut)
	}
	setFaults(t, state, sandbox.Faults{Deny: []sandbox.Denial{{Service: "ce", Operation: "CreateCostCategoryDefinition"}}})
	code, out, errOut := run(t, append([]string{"apply", "--yes", "--design", design}, target...)...)
	if code == ExitOK || !strings.Contains(out+errOut, "ce:CreateCostCategoryDefinition") || !strings.Contains(out, "✓ succeeded create budget orgwizard-organization") {
		t.Fatalf("apply with cost categories refused: exit %d\n%s%s", code, out, errOut)
	}

	setFaults(t, state, sandbox.Faults{Deny: []sandbox.Denial{{Service: "budgets"}}})
	_, doc, _ := runAudit(t, "--design", design, "--sandbox-state", state)
	for _, id := range []string{"budgets", "within-budget"} {
		if st, why := status(doc, id); st != "warn" || !strings.Contains(why, "could not be read") {
			t.Errorf("%s with budgets refused: %s %s", id, st, why)
		}
	}

	setFaults(t, state, sandbox.Faults{})
	code, out, _ = run(t, append([]string{"plan", "--design", design, "-o", "json"}, target...)...)
	var plan struct{ Steps []struct{ Kind string } }
	if code != ExitOK || json.Unmarshal([]byte(out), &plan) != nil {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	if len(plan.Steps) != 3 {
		t.Errorf("the re-run plans %d steps, want the 3 cost categories: %+v", len(plan.Steps), plan.Steps)
	}
	for _, s := range plan.Steps {
		if s.Kind != "create-cost-category" {
			t.Errorf("the re-run plans %s", s.Kind)
		}
	}
	if code, out, errOut := run(t, append([]string{"apply", "--yes", "--design", design}, target...)...); code != ExitOK {
		t.Fatalf("the re-run: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := run(t, append([]string{"plan", "--design", design, "--detailed-exitcode"}, target...)...); code != ExitOK {
		t.Errorf("plan after the re-run: exit %d\n%s", code, out)
	}
}
