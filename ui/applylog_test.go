package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The live apply screen's log wraps a long line as the Done screen does,
// rather than cutting the account and region off its end, and stays within
// the window with the newest line shown.
func TestLiveLogWrapsLongLines(t *testing.T) {
	step := "make security-tooling the delegated administrator of Security Hub in us-west-2"
	for _, w := range []int{60, 80} {
		h := newApplyHarness(t, 0)
		h.m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		s := h.screen()
		for i := range 12 {
			s.log = append(s.log, fmt.Sprintf("%5.1fs ✓ create OU Unit%d", float64(i)/10, i))
		}
		s.log = append(s.log, fmt.Sprintf("%5.1fs ✓ %s", 2.3, step))
		screen := plain(h.m)
		if !strings.Contains(strings.Join(strings.Fields(screen), " "), step) {
			t.Errorf("%d columns: the log cuts its newest line:\n%s", w, screen)
		}
		if strings.Contains(screen, "Unit0\n") {
			t.Errorf("%d columns: the log shows its oldest line, not only the newest:\n%s", w, screen)
		}
		lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
		if len(lines) > 24 {
			t.Errorf("%d columns: %d lines in a window of 24:\n%s", w, len(lines), screen)
		}
		for _, l := range lines {
			if lipgloss.Width(l) > w {
				t.Errorf("%d columns: a line of %d cells: %q", w, lipgloss.Width(l), l)
			}
		}
		// The screen's own height, whatever the log holds.
		if got := strings.Count(s.View(), "\n") + 1; got > s.h {
			t.Errorf("%d columns: the apply screen draws %d lines in %d", w, got, s.h)
		}
	}

	// logTail: whole entries, newest last, within h lines; the newest alone
	// shows its first lines when it needs more than h.
	long := fmt.Sprintf("%5.1fs ✓ %s", 2.3, step)
	if got := logTail([]string{"  0.1s ✓ a", "  0.2s ✓ b", long}, 3, 60); len(got) != 3 || got[0] != "  0.2s ✓ b" || !strings.HasPrefix(got[1], "  2.3s ✓ make") {
		t.Errorf("logTail = %q", got)
	}
	if got := logTail([]string{"  0.1s ✓ a", long}, 1, 60); len(got) != 1 || !strings.HasPrefix(got[0], "  2.3s ✓ make") {
		t.Errorf("logTail of one line = %q", got)
	}
}
