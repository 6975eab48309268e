package ui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// flat is the screen with its line breaks and indents folded into spaces.
func flat(m *Model) string { return strings.Join(strings.Fields(plain(m)), " ") }

// quotaModel is the wizard on acme's design against a quota of quota,
// through the preflight.
func quotaModel(t *testing.T, be *fakeBackend, reached wizard.Step) *Model {
	t.Helper()
	m := New(context.Background(), Options{Backend: be, Design: acmeDesign(t), Reached: reached, DesignPath: "orgwizard.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.st.target, _ = be.Connect(context.Background(), TargetChoice{Sandbox: true})
	m.enter(wizard.Preflight)
	m.Update(preflightMsg{pre: mustPreflight(t, be)})
	m.Update(sweepDoneMsg{res: nil})
	return m
}

func mustPreflight(t *testing.T, be *fakeBackend) Preflight {
	p, err := be.Preflight(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The preflight counts the design against the quota: it ticked "Accounts
// quota: 4" although the design needs 10.
func TestPreflightCountsTheDesignAgainstTheQuota(t *testing.T) {
	m := quotaModel(t, &fakeBackend{quota: 4}, wizard.Preview)
	screen := flat(m)
	if !strings.Contains(screen, "✗ Your design needs 10 accounts, over your quota of 4 (Service Quotas)") ||
		!strings.Contains(screen, "--desired-value 10") {
		t.Errorf("the preflight does not refuse the design's 10 accounts:\n%s", plain(m))
	}
	if strings.Contains(screen, "✓ Accounts quota") {
		t.Errorf("the preflight ticks the quota:\n%s", plain(m))
	}

	m = quotaModel(t, &fakeBackend{quota: 20}, wizard.Preview)
	if screen := flat(m); !strings.Contains(screen, "✓ Your design needs 10 accounts of your quota of 20") {
		t.Errorf("the preflight does not count the design:\n%s", plain(m))
	}
}

// From the first step that changes the count, the top line says how many
// accounts the design makes against the quota.
func TestDesignStepsShowTheCount(t *testing.T) {
	be := &fakeBackend{quota: 12}
	m := quotaModel(t, be, wizard.Workloads)
	m.Update(m.enter(wizard.Workloads))
	if first := strings.SplitN(plain(m), "\n", 2)[0]; !strings.HasSuffix(first, "10 accounts of your quota of 12") {
		t.Errorf("the title line does not count: %q", first)
	}
	m.st.design.Workloads = append(m.st.design.Workloads, orgmodel.Workload{Name: "search", Residencies: []string{"eu"}})
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if first := strings.SplitN(plain(m), "\n", 2)[0]; !strings.HasSuffix(first, "13 accounts, over your quota of 12") {
		t.Errorf("a new workload does not change the count: %q", first)
	}
}

// Over the quota, Preview blocks apply and says the way out; once the
// increase is granted, r reads the quota again and apply opens.
func TestPreviewBlocksApplyOverQuota(t *testing.T) {
	be := &fakeBackend{quota: 4}
	m := quotaModel(t, be, wizard.Preview)
	m.Update(m.enter(wizard.Preview)())
	screen := flat(m)
	for _, want := range []string{"✗ 10 accounts, over your quota of 4 (Service Quotas): apply is blocked",
		"aws service-quotas request-service-quota-increase --service-code organizations --quota-code L-E619E033 --desired-value 10",
		"r read the quota again"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the preview lacks %q:\n%s", want, plain(m))
		}
	}
	if strings.Contains(screen, "a apply") {
		t.Errorf("apply is offered over the quota:\n%s", plain(m))
	}
	if cmd := keyCmd(m, 'a'); m.Step() != wizard.Preview {
		t.Fatalf("a went to %s over the quota", m.Step())
	} else if cmd != nil {
		m.Update(cmd())
	}
	if !strings.Contains(flat(m), "apply is blocked") {
		t.Errorf("a says nothing:\n%s", plain(m))
	}

	be.mu.Lock()
	be.quota = 10
	be.mu.Unlock()
	m.Update(keyCmd(m, 'r')()) // the quota, read again
	cmd := m.screen.(*previewScreen).Init()
	m.Update(cmd())
	if screen := flat(m); !strings.Contains(screen, "a apply") || strings.Contains(screen, "over your quota") {
		t.Errorf("the granted increase does not open apply:\n%s", plain(m))
	}
}

func keyCmd(m *Model, r rune) tea.Cmd {
	_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	return cmd
}

// The engine's quota error is shown as it is: the screen glued a second
// "ask for an increase" sentence to it.
func TestApplyQuotaErrorIsOneMessage(t *testing.T) {
	h := newApplyHarness(t, 0)
	h.m.Update(applyDoneMsg{err: &apply.QuotaError{Needed: 10, Limit: 4, Source: "Service Quotas"}})
	screen := flat(h.m)
	if n := strings.Count(screen, "Default maximum number of accounts"); n != 1 {
		t.Errorf("the quota error says it %d times:\n%s", n, plain(h.m))
	}
}

// Accessible mode blocks apply the same way, with the way out, and exits as
// a user error.
func TestAccessibleBlocksApplyOverQuota(t *testing.T) {
	answers := []string{"1", "", "", "", "3", "", "", "0", "0", "0", "y"}
	var out bytes.Buffer
	opt := Options{Backend: &fakeBackend{quota: 4}, Design: acmeDesign(t), Reached: wizard.Preview, DesignPath: "acme.yaml"}
	res, err := RunAccessible(context.Background(), opt, &lineReader{answers}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var q *apply.QuotaError
	if !errors.As(res.Err, &q) || q.Needed != 10 || q.Limit != 4 {
		t.Errorf("result %+v, want a quota error", res)
	}
	text := strings.Join(strings.Fields(out.String()), " ")
	if !strings.Contains(text, "Apply is blocked: the design needs 10 accounts, over your quota of 4") || strings.Contains(text, "succeeded:") {
		t.Errorf("accessible mode does not block apply:\n%s", out.String())
	}
}
