package ui

import "github.com/charmbracelet/x/ansi"

// truncate cuts s to w cells, keeping its escape sequences whole.
func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// stripANSI removes escape sequences, for tests and plain output.
func stripANSI(s string) string { return ansi.Strip(s) }
