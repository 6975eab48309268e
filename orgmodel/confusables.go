package orgmodel

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// confusable is a character that looks like a Latin letter, digit or dash
// but is not one: pasted from a document, or typed on another keyboard
// layout, it makes a name that reads right and that AWS or a policy then
// matches as a different name.
type confusable struct {
	name  string // its Unicode name
	latin rune   // the ASCII character it is mistaken for
}

// confusables lists the common lookalikes: the Cyrillic and Greek letters
// drawn like Latin ones, and the dashes that word processors substitute for
// '-'. Unicode's confusables.txt has thousands; these are the ones a keyboard
// or a paste gives in practice. Fullwidth forms are computed in describeRune.
var confusables = map[rune]confusable{
	// Cyrillic, small.
	'а': {"CYRILLIC SMALL LETTER A", 'a'},
	'е': {"CYRILLIC SMALL LETTER IE", 'e'},
	'к': {"CYRILLIC SMALL LETTER KA", 'k'},
	'о': {"CYRILLIC SMALL LETTER O", 'o'},
	'р': {"CYRILLIC SMALL LETTER ER", 'p'},
	'с': {"CYRILLIC SMALL LETTER ES", 'c'},
	'у': {"CYRILLIC SMALL LETTER U", 'y'},
	'х': {"CYRILLIC SMALL LETTER HA", 'x'},
	'ѕ': {"CYRILLIC SMALL LETTER DZE", 's'},
	'і': {"CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I", 'i'},
	'ј': {"CYRILLIC SMALL LETTER JE", 'j'},
	'һ': {"CYRILLIC SMALL LETTER SHHA", 'h'},
	'ԁ': {"CYRILLIC SMALL LETTER KOMI DE", 'd'},
	'ԛ': {"CYRILLIC SMALL LETTER QA", 'q'},
	'ԝ': {"CYRILLIC SMALL LETTER WE", 'w'},
	// Cyrillic, capital.
	'А': {"CYRILLIC CAPITAL LETTER A", 'A'},
	'В': {"CYRILLIC CAPITAL LETTER VE", 'B'},
	'Е': {"CYRILLIC CAPITAL LETTER IE", 'E'},
	'К': {"CYRILLIC CAPITAL LETTER KA", 'K'},
	'М': {"CYRILLIC CAPITAL LETTER EM", 'M'},
	'Н': {"CYRILLIC CAPITAL LETTER EN", 'H'},
	'О': {"CYRILLIC CAPITAL LETTER O", 'O'},
	'Р': {"CYRILLIC CAPITAL LETTER ER", 'P'},
	'С': {"CYRILLIC CAPITAL LETTER ES", 'C'},
	'Т': {"CYRILLIC CAPITAL LETTER TE", 'T'},
	'Х': {"CYRILLIC CAPITAL LETTER HA", 'X'},
	'Ѕ': {"CYRILLIC CAPITAL LETTER DZE", 'S'},
	'І': {"CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I", 'I'},
	'Ј': {"CYRILLIC CAPITAL LETTER JE", 'J'},
	// Greek.
	'α': {"GREEK SMALL LETTER ALPHA", 'a'},
	'ι': {"GREEK SMALL LETTER IOTA", 'i'},
	'κ': {"GREEK SMALL LETTER KAPPA", 'k'},
	'ν': {"GREEK SMALL LETTER NU", 'v'},
	'ο': {"GREEK SMALL LETTER OMICRON", 'o'},
	'ρ': {"GREEK SMALL LETTER RHO", 'p'},
	'υ': {"GREEK SMALL LETTER UPSILON", 'u'},
	'Α': {"GREEK CAPITAL LETTER ALPHA", 'A'},
	'Β': {"GREEK CAPITAL LETTER BETA", 'B'},
	'Ε': {"GREEK CAPITAL LETTER EPSILON", 'E'},
	'Ζ': {"GREEK CAPITAL LETTER ZETA", 'Z'},
	'Η': {"GREEK CAPITAL LETTER ETA", 'H'},
	'Ι': {"GREEK CAPITAL LETTER IOTA", 'I'},
	'Κ': {"GREEK CAPITAL LETTER KAPPA", 'K'},
	'Μ': {"GREEK CAPITAL LETTER MU", 'M'},
	'Ν': {"GREEK CAPITAL LETTER NU", 'N'},
	'Ο': {"GREEK CAPITAL LETTER OMICRON", 'O'},
	'Ρ': {"GREEK CAPITAL LETTER RHO", 'P'},
	'Τ': {"GREEK CAPITAL LETTER TAU", 'T'},
	'Υ': {"GREEK CAPITAL LETTER UPSILON", 'Y'},
	'Χ': {"GREEK CAPITAL LETTER CHI", 'X'},
	// Latin letters that are not ASCII but look it.
	'ı': {"LATIN SMALL LETTER DOTLESS I", 'i'},
	'ɡ': {"LATIN SMALL LETTER SCRIPT G", 'g'},
	// Dashes a word processor or a chat puts in for '-'.
	'\u2010': {"HYPHEN", '-'},
	'\u2011': {"NON-BREAKING HYPHEN", '-'},
	'\u2012': {"FIGURE DASH", '-'},
	'\u2013': {"EN DASH", '-'},
	'\u2014': {"EM DASH", '-'},
	'\u2212': {"MINUS SIGN", '-'},
	'\u00ad': {"SOFT HYPHEN", '-'},
}

// latinFor is the ASCII character r is mistaken for, or 0.
func latinFor(r rune) rune {
	if c, ok := confusables[r]; ok {
		return c.latin
	}
	if r >= 0xFF01 && r <= 0xFF5E { // fullwidth forms of ASCII '!' to '~'
		return r - 0xFF01 + '!'
	}
	return 0
}

// describeRune names a character for a message: the character itself, its
// code point and, where known, its Unicode name, or else its script.
func describeRune(r rune) string {
	shown := "'" + string(r) + "'"
	if !unicode.IsPrint(r) || r == utf8.RuneError {
		shown = "an invisible character"
	}
	desc := fmt.Sprintf("%s U+%04X", shown, r)
	switch c, ok := confusables[r]; {
	case ok:
		return desc + " " + c.name
	case r >= 0xFF01 && r <= 0xFF5E:
		return desc + " FULLWIDTH " + fmt.Sprintf("%q", rune(r-0xFF01+'!'))
	}
	for _, script := range []string{"Cyrillic", "Greek", "Latin", "Armenian", "Cherokee", "Han", "Hiragana", "Katakana", "Arabic", "Hebrew"} {
		if unicode.Is(unicode.Scripts[script], r) {
			return desc + " (a " + script + " letter)"
		}
	}
	return desc
}

// nonASCII explains the first character of s that is not ASCII: where it
// is, what it is, and what to type instead. ok is false when s is ASCII.
func nonASCII(s string) (msg string, ok bool) {
	i := 0
	for _, r := range s {
		i++
		if r < utf8.RuneSelf {
			continue
		}
		msg = fmt.Sprintf("character %d, %s, is not ASCII", i, describeRune(r))
		if l := latinFor(r); l != 0 {
			kind := "a Latin"
			if l < 'A' || l > 'z' || (l > 'Z' && l < 'a') {
				kind = "an ASCII"
			}
			msg += fmt.Sprintf("; type %s '%c'", kind, l)
		}
		if rest := countNonASCII(s) - 1; rest > 0 {
			msg += fmt.Sprintf(" (%d more characters after it are not ASCII either)", rest)
		}
		return msg, true
	}
	return "", false
}

func countNonASCII(s string) int {
	n := 0
	for _, r := range s {
		if r >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

// asciiLookalike replaces every confusable in s with the ASCII character it
// is mistaken for.
func asciiLookalike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if l := latinFor(r); l != 0 {
			r = l
		}
		out = append(out, r)
	}
	return string(out)
}
