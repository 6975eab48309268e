package access

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
)

// Block is what orgwizard owns in an AWS config file: the profiles of one
// organization, between a begin and an end marker that name it. Everything
// outside the markers is the user's and is never changed; one file can hold
// the blocks of several organizations.
type Block struct {
	OrganizationID string
	// Rerun is the command that writes this block again, for its header.
	Rerun    string
	Sections []Section
}

func (b Block) begin() string { return "# >>> orgwizard organization " + b.OrganizationID + " >>>" }
func (b Block) end() string   { return "# <<< orgwizard organization " + b.OrganizationID + " <<<" }

// Render is the block alone, with lines ending in nl ("\n" or "\r\n"). It has
// no timestamp, so that writing the same organization twice gives the same
// bytes.
func (b Block) Render(nl string) []byte {
	var w bytes.Buffer
	w.Grow(64 * (len(b.Sections)*5 + 8))
	line := func(parts ...string) {
		for _, p := range parts {
			w.WriteString(p)
		}
		w.WriteString(nl)
	}
	line(b.begin())
	line("# Written by orgwizard; everything up to the end marker is replaced when it runs again.")
	line("# Keep your own settings outside the markers. To update: ", b.Rerun)
	for _, s := range b.Sections {
		line()
		if s.Comment != "" {
			line("# ", s.Comment)
		}
		line("[", s.Header, "]")
		for _, kv := range s.Settings {
			line(kv.Key, " = ", kv.Value)
		}
	}
	line(b.end())
	return w.Bytes()
}

// Merge returns existing with b in place of the organization's block written
// before, or added at the end when there is none. Every byte outside that
// block is kept. It refuses, changing nothing, when the file's markers are
// broken or when a profile of b already exists outside the block: two
// sections of one name make the AWS CLI refuse the whole file.
func Merge(existing []byte, b Block) ([]byte, error) {
	lines := splitLines(existing)
	start, stop := -1, -1 // our block: lines[start..stop]
	var outside []int     // indexes of the lines outside our block
	open := -1            // the begin marker of the block being read
	openOrg := ""
	for i, l := range lines {
		text := strings.TrimRight(string(l), "\r\n")
		if org, ok := marker(text, "# >>> orgwizard organization ", " >>>"); ok {
			if open >= 0 {
				return nil, fmt.Errorf("line %d: orgwizard's block for %s begins before the one from line %d ends; restore its end marker %q or delete that block", i+1, org, open+1, Block{OrganizationID: openOrg}.end())
			}
			open, openOrg = i, org
			if org == b.OrganizationID {
				if start >= 0 {
					return nil, fmt.Errorf("line %d: a second orgwizard block for %s (the first is on line %d); delete one", i+1, org, start+1)
				}
				start = i
			}
			continue
		}
		if org, ok := marker(text, "# <<< orgwizard organization ", " <<<"); ok {
			if open < 0 || org != openOrg {
				return nil, fmt.Errorf("line %d: an end marker for %s with no begin marker before it; delete the line or restore %q", i+1, org, Block{OrganizationID: org}.begin())
			}
			if org == b.OrganizationID {
				stop = i
			}
			open = -1
			continue
		}
		if open < 0 || openOrg != b.OrganizationID {
			outside = append(outside, i)
		}
	}
	if open >= 0 {
		return nil, fmt.Errorf("line %d: orgwizard's block for %s has no end marker; add %q where it ends, or delete the block", open+1, openOrg, Block{OrganizationID: openOrg}.end())
	}

	ours := map[string]bool{}
	for _, s := range b.Sections {
		ours[s.Header] = true
	}
	var clashes []string
	for _, i := range outside {
		if h, ok := sectionHeader(string(lines[i])); ok && ours[h] {
			clashes = append(clashes, fmt.Sprintf("line %d [%s]", i+1, h))
		}
	}
	if len(clashes) > 0 {
		return nil, fmt.Errorf("the file already has %s outside orgwizard's block; rename or delete %s, then run again",
			strings.Join(clashes, ", "), plural(len(clashes), "that section", "those sections"))
	}

	// The block keeps the line endings it was written with; a new block takes
	// the file's first one.
	nl := "\n"
	endsCRLF := func(l []byte) bool { return bytes.HasSuffix(l, []byte("\r\n")) }
	switch {
	case start >= 0:
		if endsCRLF(lines[start]) {
			nl = "\r\n"
		}
	case len(lines) > 0 && endsCRLF(lines[0]):
		nl = "\r\n"
	}
	block := b.Render(nl)
	out := make([]byte, 0, len(existing)+len(block)+2)
	if start < 0 {
		out = append(out, existing...)
		if len(existing) > 0 {
			if !bytes.HasSuffix(existing, []byte("\n")) {
				out = append(out, nl...)
			}
			out = append(out, nl...)
		}
		return append(out, block...), nil
	}
	for _, l := range lines[:start] {
		out = append(out, l...)
	}
	out = append(out, block...)
	for _, l := range lines[stop+1:] {
		out = append(out, l...)
	}
	// A file whose end marker was its last line, without a newline, keeps
	// ending without one.
	if stop == len(lines)-1 && !bytes.HasSuffix(lines[stop], []byte("\n")) {
		out = bytes.TrimSuffix(out, []byte(nl))
	}
	return out, nil
}

// marker reads a begin or end marker line and returns its organization id.
func marker(line, prefix, suffix string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), prefix)
	if !ok {
		return "", false
	}
	org, ok := strings.CutSuffix(rest, suffix)
	if !ok || org == "" || strings.ContainsAny(org, " \t") {
		return "", false
	}
	return org, true
}

// sectionHeader reads "[ profile  name ]" as the AWS CLI does (its words,
// split on whitespace) and returns it as "profile name"; "[default]" is the
// profile "default" too.
func sectionHeader(line string) (string, bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "[") {
		return "", false
	}
	end := strings.IndexByte(t, ']')
	if end < 0 {
		return "", false
	}
	words := strings.Fields(t[1:end])
	switch {
	case len(words) == 1 && words[0] == "default":
		return "profile default", true
	case len(words) == 2:
		return words[0] + " " + words[1], true
	}
	return "", false
}

// splitLines splits data after each '\n', keeping the line endings, so that
// joining the lines gives data back byte for byte.
func splitLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	n := bytes.Count(data, []byte("\n")) + 1
	lines := make([][]byte, 0, n)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			lines = append(lines, data)
			break
		}
		lines = append(lines, data[:i+1])
		data = data[i+1:]
	}
	return slices.Clip(lines)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
