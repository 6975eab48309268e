package ui

import (
	"image/color"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// Styles is every style the wizard draws with, built once from whether the
// terminal's background is dark. Colours vanish under NO_COLOR because the
// program downsamples to the terminal's profile; the marks (✓ ✗ ▸) carry the
// meaning on their own.
type Styles struct {
	Title, Step, Target, Rule lipgloss.Style
	Body, Muted, Bold, Error  lipgloss.Style
	OK, Fail, Warn, Active    lipgloss.Style
	Selected, Key, Pane       lipgloss.Style
	Tab, TabActive            lipgloss.Style
	Accent                    color.Color
}

// NewStyles builds the styles for a dark or light background.
func NewStyles(dark bool) Styles {
	ld := lipgloss.LightDark(dark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#9F8CFF"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8C8C8C"))
	green := ld(lipgloss.Color("#16803C"), lipgloss.Color("#4ADE80"))
	red := ld(lipgloss.Color("#B91C1C"), lipgloss.Color("#F87171"))
	yellow := ld(lipgloss.Color("#A16207"), lipgloss.Color("#FACC15"))
	return Styles{
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Step:      lipgloss.NewStyle().Bold(true),
		Target:    lipgloss.NewStyle().Foreground(muted),
		Rule:      lipgloss.NewStyle().Foreground(muted),
		Body:      lipgloss.NewStyle(),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		Bold:      lipgloss.NewStyle().Bold(true),
		Error:     lipgloss.NewStyle().Foreground(red),
		OK:        lipgloss.NewStyle().Foreground(green),
		Fail:      lipgloss.NewStyle().Foreground(red),
		Warn:      lipgloss.NewStyle().Foreground(yellow),
		Active:    lipgloss.NewStyle().Foreground(accent),
		Selected:  lipgloss.NewStyle().Bold(true).Foreground(accent),
		Key:       lipgloss.NewStyle().Bold(true),
		Pane:      lipgloss.NewStyle().Border(lipgloss.NormalBorder(), true, false, false, false).BorderForeground(muted),
		Tab:       lipgloss.NewStyle().Foreground(muted).Padding(0, 1),
		TabActive: lipgloss.NewStyle().Bold(true).Foreground(accent).Padding(0, 1).Underline(true),
		Accent:    accent,
	}
}

// formTheme is huh's Charm theme with the chosen button of a yes/no question
// in brackets, [Yes] or [No]: huh marks it only by its background colour,
// which NO_COLOR takes away. The brackets take the place of one cell of
// padding on each side, so the buttons do not move when the choice changes.
func formTheme() huh.Theme {
	return huh.ThemeFunc(func(dark bool) *huh.Styles {
		t := huh.ThemeCharm(dark)
		mark := func(s lipgloss.Style) lipgloss.Style {
			return s.Padding(0, 1).Transform(func(v string) string { return "[" + v + "]" })
		}
		t.Focused.FocusedButton = mark(t.Focused.FocusedButton)
		t.Blurred.FocusedButton = mark(t.Blurred.FocusedButton)
		return t
	})
}
