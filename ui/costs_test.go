package ui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/wizard"
)

// toDone applies acme on the fake and waits for the Done screen.
func toDone(s *session) {
	s.through()
	s.waitFor("Plan: 39 changes")
	s.keys("a")
	s.waitFor("Ready to make")
	s.keys("enter")
	s.waitFor("checks verified")
}

func acmeOptions(t *testing.T, be *fakeBackend) Options {
	return Options{Design: acmeFrom(t)(), Reached: wizard.Preview, Backend: be, DesignPath: "orgwizard.yaml"}
}

// TestCostsFromDone: c on the Done screen opens the costs, tab groups them
// by environment, r asks Cost Explorer again, and esc goes back to the
// Done screen as it was.
func TestCostsFromDone(t *testing.T) {
	be := &fakeBackend{}
	s := start(t, acmeOptions(t, be))
	toDone(s)
	if !strings.Contains(s.screen(), "c costs") {
		t.Fatalf("the Done screen does not offer the costs:\n%s", s.screen())
	}
	s.keys("c")
	v := s.waitFor("[Workload]")
	for _, want := range []string{"payments", "website", "foundation", "Management acme-management: $0.20, clean", "forecast $", "2 Cost Explorer requests, $0.02; kept 4 hours."} {
		if !strings.Contains(v, want) {
			t.Errorf("the costs screen lacks %q:\n%s", want, v)
		}
	}
	s.keys("tab")
	v = s.waitFor("[Environment]")
	if !strings.Contains(v, "  dev ") || !strings.Contains(v, "prod") {
		t.Errorf("grouped by environment, there is no dev or prod row:\n%s", v)
	}
	if lines := strings.Split(v, "\n"); !strings.HasPrefix(strings.TrimSpace(rowOf(lines, "dev")), "dev") || rowIndex(lines, "dev") > rowIndex(lines, "prod") {
		t.Errorf("the runaway dev is not the first, longest bar:\n%s", v)
	}
	s.keys("r")
	s.waitFor("[Environment]")
	be.mu.Lock()
	calls, refreshes := be.costsCalls, be.refreshes
	be.mu.Unlock()
	if calls != 2 || refreshes != 1 {
		t.Errorf("%d reads, %d refreshed; want 2 and 1", calls, refreshes)
	}
	s.keys("esc")
	s.waitFor("checks verified")
	s.keys("c")
	v = s.waitFor("from the cache")
	if !strings.Contains(v, "0 Cost Explorer requests") {
		t.Errorf("a second view does not say it came from the cache:\n%s", v)
	}
}

func rowIndex(lines []string, name string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, "  "+name+" ") {
			return i
		}
	}
	return len(lines)
}

func rowOf(lines []string, name string) string {
	if i := rowIndex(lines, name); i < len(lines) {
		return lines[i]
	}
	return ""
}

// TestCostsFromThePreflight: an organization that exists offers its costs
// at the first screen after connecting; esc returns there. A new account,
// with no organization, does not offer them.
func TestCostsFromThePreflight(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{org: true}, DesignPath: "orgwizard.yaml"})
	s.waitFor("Where should the organization be built?")
	s.keys("enter")
	v := s.waitFor("Press enter to design")
	if !strings.Contains(v, "c costs") {
		t.Fatalf("the preflight of an existing organization does not offer the costs:\n%s", v)
	}
	s.keys("c")
	v = s.waitFor("[Workload]")
	if !strings.Contains(v, "Preflight · Costs") || !strings.Contains(v, "No budgets yet.") {
		t.Errorf("the costs screen from the preflight:\n%s", v)
	}
	s.keys("esc")
	s.waitFor("Press enter to design")

	fresh := start(t, Options{Backend: &fakeBackend{}, DesignPath: "orgwizard.yaml"})
	fresh.waitFor("Where should the organization be built?")
	fresh.keys("enter")
	v = fresh.waitFor("Press enter to design")
	fresh.keys("c")
	if v2 := fresh.waitFor("Press enter to design"); strings.Contains(v, "c costs") || strings.Contains(v2, "[Workload]") {
		t.Errorf("a new account, without an organization, offers costs:\n%s", v2)
	}
}

// TestCostsBudgetsAndErrors: each budget's use is a bar, one over its
// limit marked; a failed read says why and r tries again.
func TestCostsBudgetsAndErrors(t *testing.T) {
	be := &fakeBackend{org: true, budgets: []costs.BudgetUse{
		{Name: "orgwizard-payments-dev", Limit: 100, Actual: 1450, Currency: "USD"},
		{Name: "orgwizard-website-prod-eu", Limit: 1000, Actual: 120, Currency: "USD"},
	}, costsErr: errors.New("AccessDeniedException: not the payer")}
	s := start(t, Options{Backend: be, DesignPath: "orgwizard.yaml"})
	s.waitFor("Where should")
	s.keys("enter")
	s.waitFor("Press enter to design")
	s.keys("c")
	s.waitFor("Could not read the costs: AccessDeniedException")
	be.mu.Lock()
	be.costsErr = nil
	be.mu.Unlock()
	s.keys("r")
	v := s.waitFor("[Workload]")
	s.tm.Send(tea.WindowSizeMsg{Width: 100, Height: 40})
	v = s.waitFor("orgwizard-website-prod-eu")
	if !strings.Contains(v, "✗ orgwizard-payments-dev") || !strings.Contains(v, "1450% of $100.00") || !strings.Contains(v, "✓ orgwizard-website-prod-eu") {
		t.Errorf("the budgets' use:\n%s", v)
	}
}

// TestCostsFitEverySize: at 60x15, 80x24 and 120x40 every line fits, the
// frame fills the window, and each group's name and amount are whole.
func TestCostsFitEverySize(t *testing.T) {
	for _, size := range [][2]int{{60, 15}, {80, 24}, {120, 40}} {
		s := start(t, acmeOptions(t, &fakeBackend{}))
		toDone(s)
		s.keys("c")
		s.waitFor("[Workload]")
		s.tm.Send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		v := s.waitFor("[Workload]")
		lines := strings.Split(strings.TrimSuffix(v, "\n"), "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > size[0] {
				t.Errorf("%dx%d: a line of %d cells: %q", size[0], size[1], w, l)
			}
		}
		if !strings.Contains(v, "payments") || !strings.Contains(rowOf(lines, "payments"), "$") || !strings.Contains(v, "Management acme-management") {
			t.Errorf("%dx%d: a group's name or amount is cut:\n%s", size[0], size[1], v)
		}
	}
}

// TestGoldenCosts pins the costs screen at three sizes, without colour.
func TestGoldenCosts(t *testing.T) {
	for _, c := range []struct {
		name string
		w, h int
		by   int
	}{{"80x24-workload", 80, 24, 0}, {"120x40-environment", 120, 40, 1}, {"60x15-account", 60, 15, 3}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, acmeOptions(t, &fakeBackend{budgets: []costs.BudgetUse{{Name: "orgwizard-payments-dev", Limit: 100, Actual: 1450, Currency: "USD"}}}))
			toDone(s)
			s.keys("c")
			s.waitFor("[Workload]")
			for range c.by {
				s.keys("tab")
			}
			s.tm.Send(tea.WindowSizeMsg{Width: c.w, Height: c.h})
			golden.RequireEqual(t, s.waitFor("Management"))
		})
	}
}

// TestAccessibleCosts: accessible mode offers the costs where the screen
// does (an organization that exists, at the preflight) and says the same
// facts as lines: each group's amount, the management account apart, the
// forecast, each budget's use and the requests.
func TestAccessibleCosts(t *testing.T) {
	be := &fakeBackend{org: true, budgets: []costs.BudgetUse{{Name: "orgwizard-payments-dev", Limit: 100, Actual: 1450, Currency: "USD"}}}
	var out bytes.Buffer
	opt := Options{Backend: be, DesignPath: "acme.yaml", Design: acmeFrom(t)(), Reached: wizard.Preview}
	_, _ = RunAccessible(context.Background(), opt, &lineReader{[]string{"1", "y"}}, &out)
	text := out.String()
	for _, want := range []string{
		"payments: $2,381.95 month to date, 4 accounts.",
		"Per environment: dev $2,189.95, prod $254.00, staging $66.00, foundation $14.00.",
		"Management account acme-management (111111111111): $0.20 this month, under $10.00: clean.",
		"AWS's forecast for January: $2,397.67.",
		"Problem: Budget orgwizard-payments-dev: $1,450.00 of $100.00, 1450%: over budget.",
		"2 Cost Explorer requests, $0.02 at $0.01 each; kept 4 hours in the cache.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("accessible mode does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b[") {
		t.Errorf("accessible mode prints escape sequences:\n%q", text)
	}
}

// TestCostsShowADirtyManagementAccount: a management account that runs
// workloads is "not clean" on top, and the way out is said in full.
func TestCostsShowADirtyManagementAccount(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{org: true, dirty: true}, DesignPath: "orgwizard.yaml"})
	s.waitFor("Where should")
	s.keys("enter")
	v := s.waitFor("Press enter to choose a way out")
	if !strings.Contains(v, "c costs") {
		t.Fatalf("the dirty preflight does not offer the costs:\n%s", v)
	}
	s.keys("c")
	v = s.waitFor("[Workload]")
	if !strings.Contains(v, "✗ Management acme-management: $18.00, not clean") || !strings.Contains(v, "orgwizard migrate runbook") {
		t.Errorf("the dirty management account:\n%s", v)
	}
}

// TestCostsScrollAtTheSmallestSize: at 60x15 what does not fit is counted
// on the last line, and ↓ reaches the budgets.
func TestCostsScrollAtTheSmallestSize(t *testing.T) {
	s := start(t, Options{Backend: &fakeBackend{org: true}, DesignPath: "orgwizard.yaml"})
	s.waitFor("Where should")
	s.keys("enter")
	s.waitFor("Press enter to design")
	s.keys("c")
	s.waitFor("[Workload]")
	s.tm.Send(tea.WindowSizeMsg{Width: 60, Height: 15})
	s.keys("tab", "tab", "tab")
	v := s.waitFor("[Account]")
	if !strings.Contains(v, "more lines") || strings.Contains(v, "No budgets yet.") {
		t.Fatalf("at 60x15 by account, the rows below are not counted:\n%s", v)
	}
	for range 20 {
		s.keys("down")
	}
	v = s.waitFor("No budgets yet.")
	if strings.Contains(v, "more lines") {
		t.Errorf("scrolled to the end, lines are still said to be below:\n%s", v)
	}
}
