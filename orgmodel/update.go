package orgmodel

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Update rewrites the design file src so that it reads back as d, changing
// only what differs: a changed value is replaced where it stands, a new key
// is added at the end of its section, new list items after the last one, a
// new section at the end of the file. Everything else (comments, blank
// lines, key order, quoting, indentation) stays byte for byte. A list whose
// existing items changed is rewritten as Format writes it, with the comments
// inside that list only. The way-out commands and the wizard record their
// changes with it, so that a design a person wrote keeps its comments.
//
// kept is false when src could not be edited in place (it does not parse,
// is not a block mapping, or the edit would not read back as d): out is then
// Format(d), and the caller says that the file was rewritten.
func Update(src []byte, d *Design) (out []byte, kept bool) {
	full := Format(d)
	// A design with problems (an unknown key, a value of the wrong type) is
	// still edited: what Decode read of it is compared, and what it could
	// not read stays in the file for validate to point at.
	old, _ := Decode(src)
	if old == nil {
		return full, false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 ||
		doc.Content[0].Kind != yaml.MappingNode || doc.Content[0].Style&yaml.FlowStyle != 0 {
		return full, false
	}
	u := &updater{src: src, lines: splitLines(src), root: doc.Content[0], format: sections(full), was: sections(Format(old))}
	for _, s := range topSections {
		if s.equal(old, d) {
			continue
		}
		var oldFields, newFields []keyValue
		if s.fields != nil {
			oldFields, newFields = s.fields(old), s.fields(d)
		}
		u.section(s, oldFields, newFields)
	}
	if u.failed {
		return full, false
	}
	out = u.apply()
	back, _ := Decode(out)
	if back == nil || !sameDesign(back, d) {
		return full, false
	}
	return out, true
}

// section is one top-level key of the design, in Format's order.
type section struct {
	key string
	// fields gives a mapping section's fields as Format writes their
	// values, "" for an absent one; nil for the other kinds.
	fields func(*Design) []keyValue
	// list is true for the sections whose value is a list (or, for tags,
	// a mapping of user keys) that grows by appending.
	list  bool
	equal func(a, b *Design) bool
}

type keyValue struct{ key, value string }

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func sameDesign(a, b *Design) bool { return jsonEqual(a, b) }

func boolText(b bool) string { return strconv.FormatBool(b) }

func optional(s string) string {
	if s == "" {
		return ""
	}
	return scalar(s)
}

var topSections = []section{
	{key: "version", fields: func(d *Design) []keyValue { return []keyValue{{"", strconv.Itoa(max(d.Version, 1))}} },
		equal: func(a, b *Design) bool { return max(a.Version, 1) == max(b.Version, 1) }},
	{key: "organization", fields: func(d *Design) []keyValue {
		o := d.Organization
		return []keyValue{{"name", optional(o.Name)}, {"email", optional(o.Email)}, {"emailTemplate", optional(o.EmailTemplate)}, {"homeRegion", optional(o.HomeRegion)}}
	}, equal: func(a, b *Design) bool { return a.Organization == b.Organization }},
	{key: "environments", list: true, equal: func(a, b *Design) bool { return jsonEqual(a.Environments, b.Environments) }},
	{key: "residencies", list: true, equal: func(a, b *Design) bool { return jsonEqual(a.Residencies, b.Residencies) }},
	{key: "workloads", list: true, equal: func(a, b *Design) bool { return jsonEqual(a.Workloads, b.Workloads) }},
	{key: "layout", fields: func(d *Design) []keyValue {
		l := d.Layout
		if l == "" {
			l = ByEnvironment
		}
		return []keyValue{{"", scalar(string(l))}}
	}, equal: func(a, b *Design) bool {
		return a.Layout == b.Layout || (a.Layout == "" && b.Layout == ByEnvironment) || (a.Layout == ByEnvironment && b.Layout == "")
	}},
	{key: "foundation", fields: func(d *Design) []keyValue {
		f := d.Foundation
		return []keyValue{{"security", boolText(f.Security)}, {"infrastructure", boolText(f.Infrastructure)}, {"sandbox", boolText(f.Sandbox)},
			{"suspended", boolText(f.Suspended)}, {"transitional", boolText(f.Transitional)}}
	}, equal: func(a, b *Design) bool { return a.Foundation == b.Foundation }},
	{key: "guardrails", fields: func(d *Design) []keyValue {
		g := d.Guardrails
		return []keyValue{{"denyLeaveOrganization", boolText(g.DenyLeaveOrganization)}, {"regionLock", boolText(g.RegionLock)}, {"denyRootUser", boolText(g.DenyRootUser)}}
	}, equal: func(a, b *Design) bool { return a.Guardrails == b.Guardrails }},
	{key: "tags", list: true, equal: func(a, b *Design) bool { return jsonEqual(a.Tags, b.Tags) }},
	{key: "accounts", list: true, equal: func(a, b *Design) bool { return jsonEqual(a.Accounts, b.Accounts) }},
	// Changed, these are rewritten as Format writes them, comments inside
	// them included; the rest of the file is kept.
	{key: "budgets", equal: func(a, b *Design) bool { return jsonEqual(a.Budgets, b.Budgets) }},
	{key: "access", equal: func(a, b *Design) bool { return jsonEqual(a.Access, b.Access) }},
	{key: "baseline", fields: baselineFields, equal: func(a, b *Design) bool { return jsonEqual(a.Baseline, b.Baseline) }},
	// contacts is rewritten whole when it changes: its values are mappings.
	{key: "contacts", equal: func(a, b *Design) bool { return jsonEqual(a.Contacts, b.Contacts) }},
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
	seq        int // the order edits at one offset keep
}

type updater struct {
	src    []byte
	lines  []int // byte offset of each line's start; one more for the end
	root   *yaml.Node
	format map[string][]string // Format's lines of each section
	was    map[string][]string // the same for the design src holds
	edits  []edit
	failed bool
}

func splitLines(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return append(starts, len(src))
}

// sections cuts Format's output into its top-level sections.
func sections(full []byte) map[string][]string {
	out := map[string][]string{}
	key := ""
	for _, line := range strings.SplitAfter(string(full), "\n") {
		if line == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '#' {
			key, _, _ = strings.Cut(line, ":")
		}
		out[key] = append(out[key], line)
	}
	return out
}

// lineStart is the byte offset of a 1-based line.
func (u *updater) lineStart(line int) int {
	if line-1 < len(u.lines) {
		return u.lines[line-1]
	}
	return len(u.src)
}

func (u *updater) lineText(line int) string {
	return string(u.src[u.lineStart(line):u.lineStart(line+1)])
}

// offset is the byte offset of a node's 1-based line and column (yaml
// counts columns in characters).
func (u *updater) offset(n *yaml.Node) int {
	start := u.lineStart(n.Line)
	line := u.src[start:u.lineStart(n.Line+1)]
	i := 0
	for col := 1; col < n.Column && i < len(line); col++ {
		_, size := utf8.DecodeRune(line[i:])
		i += size
	}
	return start + i
}

// pair finds a key of a mapping node: its key and value nodes, and the
// index of the next pair's key (or -1).
func pair(m *yaml.Node, key string) (k, v *yaml.Node, next int) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			next = -1
			if i+2 < len(m.Content) {
				next = i + 2
			}
			return m.Content[i], m.Content[i+1], next
		}
	}
	return nil, nil, -1
}

// lastLine is the last line of a top-level section: the line before the next
// top-level key, less the blank lines and column-0 comments that lead into
// that key.
func (u *updater) lastLine(keyLine, next int) int {
	end := len(u.lines) - 1 // the number of lines
	if next >= 0 {
		end = u.root.Content[next].Line - 1
	}
	for end > keyLine {
		t := u.lineText(end)
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			end--
			continue
		}
		break
	}
	return end
}

// tokenEnd is where the scalar that starts at off ends: a quoted scalar at
// its closing quote, a plain one before " #" or the end of the line.
func (u *updater) tokenEnd(off int) int {
	eol := bytes.IndexByte(u.src[off:], '\n')
	if eol < 0 {
		eol = len(u.src) - off
	}
	line := u.src[off : off+eol]
	if len(line) > 0 && (line[0] == '"' || line[0] == '\'') {
		q := line[0]
		for i := 1; i < len(line); i++ {
			switch {
			case q == '"' && line[i] == '\\':
				i++
			case line[i] == q && q == '\'' && i+1 < len(line) && line[i+1] == '\'':
				i++
			case line[i] == q:
				return off + i + 1
			}
		}
		return -1
	}
	if i := bytes.Index(line, []byte(" #")); i >= 0 {
		line = line[:i]
	}
	return off + len(bytes.TrimRight(line, " \t\r"))
}

func (u *updater) replaceScalar(v *yaml.Node, text string) {
	if v.Kind != yaml.ScalarNode || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		u.failed = true
		return
	}
	start := u.offset(v)
	end := u.tokenEnd(start)
	if end < start {
		u.failed = true
		return
	}
	u.edits = append(u.edits, edit{start, end, text, 0})
}

// insertAfter inserts lines after a 1-based line.
func (u *updater) insertAfter(line int, text string) {
	at := u.lineStart(line + 1)
	if at == len(u.src) && len(u.src) > 0 && u.src[len(u.src)-1] != '\n' {
		text = "\n" + text
	}
	u.edits = append(u.edits, edit{at, at, text, 0})
}

// reindent moves Format's lines (indented by two spaces a level) to start
// at indent columns instead of two.
func reindent(lines []string, indent int) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.Repeat(" ", indent))
		b.WriteString(strings.TrimPrefix(l, "  "))
	}
	return b.String()
}

func (u *updater) section(s section, oldFields, newFields []keyValue) {
	k, v, next := pair(u.root, s.key)
	lines := u.format[s.key]
	if k == nil {
		// A section the file does not have: where Format would put it,
		// after the last section before it in Format's order that the
		// file has, else at the end.
		if len(lines) > 0 {
			if s.fields != nil && len(oldFields) > 1 {
				lines = changedLines(s.key, oldFields, newFields)
			}
			u.insertAfter(u.sectionBefore(s.key), strings.Join(lines, ""))
		}
		return
	}
	end := u.lastLine(k.Line, next)
	switch {
	case len(lines) == 0:
		// Gone from the design (no tags, no accounts): drop the section.
		u.edits = append(u.edits, edit{u.lineStart(k.Line), u.lineStart(end + 1), "", 0})
	case s.fields != nil && len(newFields) == 1 && newFields[0].key == "":
		u.replaceScalar(v, newFields[0].value) // version, layout
	case s.fields != nil && v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(oldFields) == len(newFields):
		u.mapping(s.key, v, end, oldFields, newFields)
	case s.list && u.appendOnly(s.key, v, end, lines):
	default:
		// Rewrite the section's value as Format does, from its key line
		// on: comments inside it are lost, the rest of the file is not.
		u.edits = append(u.edits, edit{u.lineStart(k.Line), u.lineStart(end + 1), strings.Join(lines, ""), 0})
	}
}

// sectionBefore is the last line of the section that precedes key in
// Format's order among those the file has, or the file's last line.
func (u *updater) sectionBefore(key string) int {
	at := slices.IndexFunc(topSections, func(s section) bool { return s.key == key })
	for i := at - 1; i >= 0; i-- {
		if k, _, next := pair(u.root, topSections[i].key); k != nil {
			return u.lastLine(k.Line, next)
		}
	}
	return len(u.lines) - 1
}

// changedLines is a new mapping section with the fields that differ from
// the defaults only.
func changedLines(key string, oldFields, newFields []keyValue) []string {
	out := []string{key + ":\n"}
	for i, f := range newFields {
		if f.value != oldFields[i].value && f.value != "" {
			out = append(out, "  "+f.key+": "+f.value+"\n")
		}
	}
	return out
}

// formatLine is Format's line for a field of a mapping section, without
// its indentation.
func formatLine(lines []string, key string) string {
	for _, l := range lines {
		if strings.HasPrefix(l, "  "+key+":") {
			return strings.TrimPrefix(l, "  ")
		}
	}
	return ""
}

func (u *updater) mapping(section string, m *yaml.Node, end int, oldFields, newFields []keyValue) {
	indent := m.Column - 1
	for i, f := range newFields {
		if f.value == oldFields[i].value {
			continue
		}
		k, v, _ := pair(m, f.key)
		line := ""
		if k != nil {
			line = strings.TrimLeft(u.lineText(k.Line), " ")
		}
		switch {
		case k != nil && f.value == "":
			u.edits = append(u.edits, edit{u.lineStart(k.Line), u.lineStart(k.Line + 1), "", 0})
		case k != nil && line != "" && line == formatLine(u.was[section], f.key) && formatLine(u.format[section], f.key) != "":
			// The line as Format wrote it, comment included (such as
			// "accounts get aws+<account-name>@..."): Format's new line,
			// so that its comment stays true.
			u.edits = append(u.edits, edit{u.lineStart(k.Line), u.lineStart(k.Line + 1),
				strings.Repeat(" ", indent) + formatLine(u.format[section], f.key), 0})
		case k != nil:
			u.replaceScalar(v, f.value)
		case f.value != "":
			u.insertAfter(end, strings.Repeat(" ", indent)+f.key+": "+f.value+"\n")
		}
	}
}

// appendOnly adds the items Format has beyond those the file has, when the
// file's items are unchanged; it reports whether that was the case.
func (u *updater) appendOnly(key string, v *yaml.Node, end int, lines []string) bool {
	if v.Style&yaml.FlowStyle != 0 || (v.Kind != yaml.SequenceNode && v.Kind != yaml.MappingNode) || len(v.Content) == 0 {
		return false
	}
	// Format's items: a sequence item starts at "  - ", a tag at "  key:".
	var items [][]string
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "  - ") || (v.Kind == yaml.MappingNode && !strings.HasPrefix(l, "    ")) {
			items = append(items, nil)
		}
		if len(items) > 0 {
			items[len(items)-1] = append(items[len(items)-1], l)
		}
	}
	have := len(v.Content)
	if v.Kind == yaml.MappingNode {
		have /= 2
	}
	if have >= len(items) {
		return false
	}
	// The file's items must read as Format's first items.
	var mine, theirs bytes.Buffer
	mine.WriteString(key + ":\n")
	for _, it := range items[:have] {
		mine.WriteString(strings.Join(it, ""))
	}
	theirs.Write(u.src[u.lineStart(u.root.Content[slices.Index(u.root.Content, v)-1].Line):u.lineStart(end+1)])
	var a, b any
	if yaml.Unmarshal(mine.Bytes(), &a) != nil || yaml.Unmarshal(theirs.Bytes(), &b) != nil || !jsonEqual(a, b) {
		return false
	}
	first := v.Content[0]
	indent := first.Column - 1 // a tag's key
	if v.Kind == yaml.SequenceNode {
		indent = first.Column - 3 // the dash, two columns before the item's first key
	}
	if indent < 0 {
		return false
	}
	var add []string
	for _, it := range items[have:] {
		add = append(add, it...)
	}
	u.insertAfter(end, reindent(add, indent))
	return true
}

func (u *updater) apply() []byte {
	for i := range u.edits {
		u.edits[i].seq = i
	}
	// From the end, so that offsets stay valid; at one offset, the later
	// insertion first, so that insertions keep their order.
	slices.SortFunc(u.edits, func(a, b edit) int {
		if a.start != b.start {
			return b.start - a.start
		}
		return b.seq - a.seq
	})
	out := slices.Clone(u.src)
	for _, e := range u.edits {
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	return out
}
