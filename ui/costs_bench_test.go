package ui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// costsModel is the wizard with the costs screen open on 2,000 accounts'
// 30 days of spend, grouped by (index in costview.Dimensions) by.
func costsModel(tb testing.TB, by int) *Model {
	d := bigDesign()
	d.Workloads = nil
	for i := range 286 { // 286 workloads × 7 = 2,002 accounts, and Security's two
		d.Workloads = append(d.Workloads, orgmodel.Workload{Name: fmt.Sprintf("service-%03d", i), Residencies: []string{"eu", "us"}})
	}
	tree, err := d.Expand()
	if err != nil {
		tb.Fatal(err)
	}
	m := New(context.Background(), Options{Backend: &fakeBackend{org: true, costsTree: tree}, Design: d, Reached: wizard.Preview, DesignPath: "big.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	_, cmd := m.Update(openCostsMsg{})
	m.Update(cmd())
	for range by {
		m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	if m.costs == nil || m.costs.report == nil || len(m.costs.report.Input.Accounts) < 2000 {
		tb.Fatal("the costs screen did not open on 2,000 accounts")
	}
	return m
}

// BenchmarkCostsFrame2000Accounts is one frame of the costs screen of
// 2,000 accounts over 30 days, grouped by workload (286 rows) and by
// account (2,000 rows): a key scrolls and the screen is drawn.
func BenchmarkCostsFrame2000Accounts(b *testing.B) {
	for _, c := range []struct {
		name string
		by   int
	}{{"workload", 0}, {"account", 3}} {
		b.Run(c.name, func(b *testing.B) {
			m := costsModel(b, c.by)
			down := tea.KeyPressMsg{Code: tea.KeyDown}
			b.ResetTimer()
			for b.Loop() {
				m.Update(down)
				_ = m.View()
			}
		})
	}
}

// BenchmarkCostsRegroup2000Accounts is tab on that screen: the groups
// computed again by the next dimension, and the frame drawn.
func BenchmarkCostsRegroup2000Accounts(b *testing.B) {
	m := costsModel(b, 0)
	tab := tea.KeyPressMsg{Code: tea.KeyTab}
	b.ResetTimer()
	for b.Loop() {
		m.Update(tab)
		_ = m.View()
	}
}

func TestCostsOf2000AccountsFitTheScreen(t *testing.T) {
	m := costsModel(t, 3)
	out := plain(m)
	if lines := len(splitLines(out)); lines != 40 {
		t.Fatalf("the frame has %d lines, want 40:\n%s", lines, out)
	}
}
