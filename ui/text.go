package ui

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"
)

// truncate cuts s to w cells, keeping its escape sequences whole.
func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// stripANSI removes escape sequences, for tests and plain output.
func stripANSI(s string) string { return ansi.Strip(s) }

// nouns is "1 account", "2 accounts": a count with its noun.
func nouns(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
