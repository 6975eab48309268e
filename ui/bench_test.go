package ui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// bigDesign has 143 workloads in five environments, prod and staging split
// over two residencies: 1,001 workload accounts and the two of Security.
func bigDesign() *orgmodel.Design {
	d := wizard.NewDesign()
	d.Organization = orgmodel.Organization{Name: "big", EmailTemplate: "{account}@big.example", HomeRegion: "eu-west-1"}
	d.Environments = []orgmodel.Environment{{Name: "dev"}, {Name: "test"}, {Name: "qa"}, {Name: "staging", PerResidency: true}, {Name: "prod", PerResidency: true}}
	d.Residencies = []orgmodel.Residency{{Name: "eu", Regions: []string{"eu-west-1"}}, {Name: "us", Regions: []string{"us-east-1"}}}
	for i := range 143 {
		d.Workloads = append(d.Workloads, orgmodel.Workload{Name: fmt.Sprintf("service-%03d", i), Residencies: []string{"eu", "us"}})
	}
	return d
}

// previewModel is the wizard on the preview of design, its plan read.
func previewModel(tb testing.TB, d *orgmodel.Design) *Model {
	m := New(context.Background(), Options{Backend: &fakeBackend{}, Design: d, Reached: wizard.Preview, DesignPath: "big.yaml", Now: fixedNow})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	cmd := m.enter(wizard.Preview)
	m.Update(cmd())
	if m.st.plan == nil || len(m.st.tree.Accounts) < 1000 {
		tb.Fatalf("the preview is not ready: %v accounts", len(m.st.tree.Accounts))
	}
	return m
}

// BenchmarkPreviewFrame1000Accounts is one frame of the preview of 1,000
// accounts: a key moves the cursor and the screen is drawn.
func BenchmarkPreviewFrame1000Accounts(b *testing.B) {
	m := previewModel(b, bigDesign())
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	b.ResetTimer()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkPreviewFrame1000AccountsUnfolded is the same with every OU open,
// scrolled to the middle.
func BenchmarkPreviewFrame1000AccountsUnfolded(b *testing.B) {
	m := previewModel(b, bigDesign())
	tv := m.screen.(*previewScreen).tree
	clear(tv.folded)
	tv.rebuild()
	tv.list.cursor = len(tv.visible) / 2
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	b.ResetTimer()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkFirstFrame is what happens before the first frame: the model is
// built, started and drawn.
func BenchmarkFirstFrame(b *testing.B) {
	for b.Loop() {
		m := New(context.Background(), Options{Backend: &fakeBackend{}, DesignPath: "orgwizard.yaml"})
		_ = m.Init()
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_ = m.View()
	}
}

func TestPreviewOf1000AccountsFitsTheScreen(t *testing.T) {
	m := previewModel(t, bigDesign())
	out := plain(m)
	if lines := len(splitLines(out)); lines != 24 {
		t.Fatalf("the frame has %d lines, want 24:\n%s", lines, out)
	}
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
