package orgmodel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxDesignBytes bounds the size of a design file. The largest sensible design
// (hundreds of workloads) is a few tens of kilobytes; anything bigger is a
// mistake, and refusing it keeps memory bounded.
const MaxDesignBytes = 1 << 20

// maxAliasNodes bounds how many YAML nodes aliases ('*name') may add to a
// design, once each is replaced by what it refers to. It is what defeats an
// alias bomb ("billion laughs"): the parser keeps aliases as references, and
// Decode measures what they stand for before walking anything. A plain file
// costs its own size, which MaxDesignBytes bounds.
const maxAliasNodes = 100_000

// Parse decodes a design file strictly and validates it. On any problem it
// returns Errors with every problem found, each at its field path and line.
func Parse(data []byte) (*Design, error) {
	d, decErrs := Decode(data)
	if d == nil {
		return nil, decErrs
	}
	valErr := d.Validate()
	if decErrs == nil && valErr == nil {
		return d, nil
	}
	var dec Errors
	omitted := 0
	if decErrs != nil {
		dec, omitted = split(decErrs.(Errors))
	}
	all := slices.Clone(dec)
	if valErr != nil {
		// A field that could not be decoded is reported once, by the decoder,
		// not again as "missing" by validation. Only the decoder's errors
		// cover: two problems validation finds are both worth reporting.
		val, n := split(valErr.(Errors))
		omitted += n
		for _, e := range val {
			if !coveredBy(e.Path, dec, d.pos) {
				all = append(all, e)
			}
		}
	}
	return nil, capped(all, omitted)
}

// split separates the note that counts omitted problems from the problems.
func split(errs Errors) (Errors, int) {
	if n := len(errs); n > 0 && errs[n-1].omitted > 0 {
		return errs[:n-1], errs[n-1].omitted
	}
	return errs, 0
}

// coveredBy reports whether the problem at path is already told by one of
// the decoder's errs; written holds the paths the file sets.
func coveredBy(path string, errs Errors, written map[string]Pos) bool {
	under := func(prefix string) bool {
		return prefix != "" && (path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"["))
	}
	for _, e := range errs {
		if under(e.Path) {
			return true
		}
		// An unknown key that is a typo of a known one (or a known key at the
		// wrong level) covers the field it was meant to be: "workload" is
		// reported once, not also as "workloads is missing". Unless the file
		// sets that field too: then its own problems are its own.
		if _, set := written[e.covers]; !set && under(e.covers) {
			return true
		}
	}
	return false
}

// Decode reads a design file into a Design with defaults applied, without the
// semantic checks of Validate. The returned design is nil only when the file
// cannot be read as YAML at all; otherwise it holds everything that decoded,
// and the error lists what did not.
func Decode(data []byte) (*Design, error) {
	if err := checkText(data); err != nil {
		return nil, Errors{*err}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Errors{{Message: emptyFile}}
		}
		fe := yamlError(err, data)
		if e, ok := unquotedTemplate(data); ok && (fe.Line == 0 || fe.Line == e.Line) {
			return nil, Errors{e}
		}
		return nil, Errors{fe}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{Line: extra.Line, Message: "the file holds more than one YAML document ('---'); a design file is one document"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, Errors{yamlError(err, data)}
	}

	// The whole document is measured, not only the keys the decoder reads,
	// so that a bomb is named for what it is wherever it sits.
	limit := writtenSize(&doc) + maxAliasNodes
	if expandedSize(&doc, limit, map[*yaml.Node]int{}) > limit {
		return nil, Errors{{Message: fmt.Sprintf("the design file's aliases ('*name') expand to more than %d YAML nodes; write it out plainly, without anchors and aliases", maxAliasNodes)}}
	}
	d := NewDesign()
	d.Version = 0
	d.pos = map[string]Pos{}
	dc := &decoder{d: d, errs: &errorList{}, budget: limit}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if isNull(root) {
		// "---" alone, or only comments and a document marker.
		return nil, Errors{{Message: emptyFile}}
	}
	dc.design(root)
	if root.Kind != yaml.MappingNode {
		// Nothing of a design could be read; what validation would add
		// ("version is required" ...) is only noise.
		return nil, dc.errs.result()
	}
	if dc.exhausted {
		// Cannot happen: the walk visits at most the expanded size.
		return nil, Errors{{Message: fmt.Sprintf("the design file expands to more than %d YAML nodes; write it out plainly, without anchors and aliases", limit)}}
	}
	return d, dc.errs.result()
}

func checkText(data []byte) *FieldError {
	if len(data) > MaxDesignBytes {
		// Callers may read only MaxDesignBytes+1 bytes of a larger file, so
		// the message does not claim a size.
		return &FieldError{Message: fmt.Sprintf("the design file is larger than 1 MiB; a design file is at most %d bytes (1 MiB): is this the right file?", MaxDesignBytes)}
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		// What Windows editors call "Unicode"; it is full of NUL bytes.
		return &FieldError{Message: "the design file is saved as UTF-16; save it as UTF-8"}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &FieldError{Line: bytes.Count(data[:i], []byte("\n")) + 1, Message: fmt.Sprintf("the design file is not text (a NUL byte at offset %d); is this the right file?", i)}
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return &FieldError{Line: bytes.Count(data[:off], []byte("\n")) + 1, Message: fmt.Sprintf("the design file is not UTF-8 text (invalid byte at offset %d); save it as UTF-8", off)}
	}
	return nil
}

// templateLineRe matches an emailTemplate whose value starts with '{', which
// YAML reads as the start of a mapping and then fails on, with a message that
// does not say why.
var templateLineRe = regexp.MustCompile(`^(\s*)emailTemplate:\s*(\{[^#]*?)\s*(#.*)?$`)

func unquotedTemplate(data []byte) (FieldError, bool) {
	for i, line := range strings.Split(string(data), "\n") {
		if m := templateLineRe.FindStringSubmatch(strings.TrimRight(line, "\r")); m != nil {
			return FieldError{
				Path:    "organization.emailTemplate",
				Line:    i + 1,
				Column:  len(m[1]) + 1,
				Message: fmt.Sprintf("a value that starts with '{' must be quoted in YAML; write emailTemplate: %q", m[2]),
			}, true
		}
	}
	return FieldError{}, false
}

const emptyFile = "the design file is empty; a design needs at least:\n" +
	"    version: 1\n    organization:\n      name: acme\n      email: aws@acme.example\n      homeRegion: eu-west-1\n" +
	"    environments:\n      - name: prod\n    workloads:\n      - name: app"

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

var yamlDepthRe = regexp.MustCompile(`exceeded max depth of (\d+)`)

// yamlHints add to the parser's messages what a person who does not know YAML
// would change, keyed by a part of the parser's message.
var yamlHints = []struct{ parser, hint string }{
	{"mapping values are not allowed", "a value holds ': '; put the value in quotes, such as description: \"Payments: API\""},
	{"cannot start any token", "a value starts with a character YAML reserves ('@' or '`'); put the value in quotes"},
	{"did not find expected key", "the indentation is off: the keys of one mapping must line up"},
	{"could not find expected ':'", "each line of a mapping is key: value; add the ':', or check the indentation"},
	{"found unexpected end of stream", "a quote or a bracket is not closed"},
	{"did not find expected ',' or ']'", "a list in [brackets] is not closed with ']'"},
	{"did not find expected ',' or '}'", "a mapping in {braces} is not closed with '}'; a value starting with '{' must be quoted"},
	{"did not find expected '-' indicator", "the items of a list each start with '- ', lined up under each other"},
	{"unknown anchor", "an alias ('*name') refers to no anchor ('&name'); write the value out"},
}

func yamlError(err error, data []byte) FieldError {
	msg := err.Error()
	if m := yamlDepthRe.FindStringSubmatch(msg); m != nil {
		// The parser gives no line.
		return FieldError{Message: fmt.Sprintf("the file is nested too deeply (more than %s levels of lists or mappings); a design file needs a dozen at most, with an inline policy: is this the right file?", m[1])}
	}
	fe := FieldError{Message: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		fe.Line, _ = strconv.Atoi(m[1])
		fe.Message = "not valid YAML: " + m[2]
	}
	if line := lineOf(data, fe.Line); strings.HasPrefix(strings.TrimLeft(line, " "), "\t") {
		fe.Message += "; indent with spaces, not tabs"
		return fe
	}
	for _, h := range yamlHints {
		if strings.Contains(msg, h.parser) {
			fe.Message += "; " + h.hint
			break
		}
	}
	return fe
}

// lineOf is line n (from 1) of data, or "" when there is none.
func lineOf(data []byte, n int) string {
	if n < 1 {
		return ""
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return string(line)
}

// decoder walks the YAML node tree by hand. Doing it by hand, rather than
// with struct tags, is what gives every error a line and a path, reports
// unknown keys with the nearest known key, and keeps going after the first
// problem.
type decoder struct {
	d         *Design
	errs      *errorList
	budget    int
	exhausted bool
}

type field struct {
	key    string
	decode func(n *yaml.Node, path string)
}

func (dc *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// writtenSize is how many nodes n holds as written, aliases not followed.
func writtenSize(n *yaml.Node) int {
	size := 1
	for _, c := range n.Content {
		size += writtenSize(c)
	}
	return size
}

// expandedSize is how many nodes n stands for once every alias is replaced by
// what it refers to, saturating just above limit. Sizes are remembered per
// node, so a chain of aliases (the "billion laughs") costs its written size,
// not its expanded one.
func expandedSize(n *yaml.Node, limit int, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		return min(1+expandedSize(n.Alias, limit, memo), limit+1)
	}
	if size, ok := memo[n]; ok {
		return size
	}
	// Should a node contain itself (the parser refuses that), it counts as
	// too big rather than recursing forever.
	memo[n] = limit + 1
	size := 1
	for _, c := range n.Content {
		size += expandedSize(c, limit, memo)
		if size > limit {
			size = limit + 1
			break
		}
	}
	memo[n] = size
	return size
}

// visit charges one node against the budget.
func (dc *decoder) visit() bool {
	dc.budget--
	if dc.budget < 0 {
		dc.exhausted = true
		return false
	}
	return true
}

func (dc *decoder) pos(n *yaml.Node) Pos { return Pos{Line: n.Line, Column: n.Column} }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "a boolean (" + n.Value + ")"
		case "!!int", "!!float":
			return "a number (" + n.Value + ")"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// mapping decodes a mapping node whose keys are known in advance.
func (dc *decoder) mapping(n *yaml.Node, path string, fields []field) {
	n = dc.resolve(n)
	if n == nil || !dc.visit() || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		msg := fmt.Sprintf("expected a mapping of keys (%s), found %s", knownKeys(fields), describe(n))
		if n.Kind == yaml.ScalarNode && strings.HasSuffix(path, "]") && findField(fields, "name") != nil {
			// "- dev" in a list of environments: the item needs its name key.
			msg += fmt.Sprintf("; write the item as - name: %s", n.Value)
		}
		dc.errs.at(dc.pos(n), path, "%s", msg)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := dc.resolve(n.Content[i]), n.Content[i+1]
		if k == nil || !dc.visit() {
			return
		}
		if k.Kind != yaml.ScalarNode {
			dc.errs.at(dc.pos(k), path, "a key must be a plain word, found %s; write key: value", describe(k))
			continue
		}
		if k.Tag == "!!merge" {
			dc.errs.at(dc.pos(k), path, "merge keys ('<<') are not supported in a design file; write the keys out")
			continue
		}
		key := k.Value
		kpath := join(path, key)
		if seen[key] {
			dc.errs.at(dc.pos(k), kpath, "is set twice in the same mapping; keep one")
			continue
		}
		seen[key] = true
		f := findField(fields, key)
		if f == nil && dc.errs.full() {
			// Only counted: finding the nearest key costs time.
			dc.errs.omitted++
			continue
		}
		if f == nil {
			msg, covers := unknownKey(key, path, fields)
			p := dc.pos(k)
			dc.errs.push(FieldError{Path: kpath, Line: p.Line, Column: p.Column, Message: msg, covers: covers})
			continue
		}
		vr := dc.resolve(v)
		dc.d.pos[kpath] = dc.pos(vr)
		f.decode(vr, kpath)
	}
}

func findField(fields []field, key string) *field {
	for i := range fields {
		if fields[i].key == key {
			return &fields[i]
		}
	}
	return nil
}

func knownKeys(fields []field) string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	return strings.Join(keys, ", ")
}

// unknownKey says what is wrong with key under path, and which field the user
// most likely meant, so that validation does not report that field missing.
func unknownKey(key, path string, fields []field) (msg, covers string) {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	if near := nearest(key, keys); near != "" {
		return fmt.Sprintf("unknown key %q; did you mean %q?", key, near), join(path, near)
	}
	if where, ok := keyHome[key]; ok && where != path {
		if where == "" {
			return fmt.Sprintf("unknown key %q here; %q belongs at the top level of the file, with no indentation", key, key), key
		}
		if !strings.HasSuffix(where, "[]") {
			covers = join(where, key)
		}
		return fmt.Sprintf("unknown key %q here; %q belongs under %s; move it there", key, key, where), covers
	}
	where := "at the top level"
	if path != "" {
		where = "under " + path
	}
	return fmt.Sprintf("unknown key %q; the keys %s are: %s", key, where, strings.Join(keys, ", ")), ""
}

// keyHome maps a key that is valid somewhere to where it belongs, to help
// when a key is written at the wrong indentation.
var keyHome = map[string]string{
	"name": "organization", "email": "organization", "emailTemplate": "organization", "homeRegion": "organization",
	"perResidency": "environments[]", "regions": "residencies[]", "owner": "workloads[]",
	"security": "foundation", "infrastructure": "foundation", "sandbox": "foundation", "suspended": "foundation", "transitional": "foundation",
	"denyLeaveOrganization": "guardrails", "regionLock": "guardrails", "denyRootUser": "guardrails",
	"version": "", "organization": "", "environments": "", "residencies": "", "workloads": "", "layout": "",
	"foundation": "", "guardrails": "", "tags": "", "accounts": "", "budgets": "",
	"currency": "budgets", "default": "budgets", "alerts": "budgets", "notify": "budgets",
	"access": "", "permissionSets": "access", "groups": "access",
	"managedPolicies": "access.permissionSets[]", "inlinePolicy": "access.permissionSets[]", "sessionDuration": "access.permissionSets[]",
	"members": "access.groups[]", "grants": "access.groups[]",
	"permissionSet": "access.groups[].grants[]", "workload": "access.groups[].grants[]", "environment": "access.groups[].grants[]",
	"residency": "access.groups[].grants[]",
	"baseline":  "", "contacts": "", "organizationTrail": "baseline", "logRetentionDays": "baseline",
	"threatDetection": "baseline", "securityHub": "baseline", "accessAnalyzer": "baseline", "centralRootAccess": "baseline",
	"billing": "contacts", "operations": "contacts",
}

// sequence calls item for every element of a list node.
func (dc *decoder) sequence(n *yaml.Node, path string, item func(n *yaml.Node, path string)) {
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		if n.Kind == yaml.ScalarNode {
			dc.errs.at(dc.pos(n), path, "expected a list, found %s; write it as a list: [%s]", describe(n), n.Value)
		} else {
			dc.errs.at(dc.pos(n), path, "expected a list, found %s", describe(n))
		}
		return
	}
	for i, c := range n.Content {
		c = dc.resolve(c)
		if c == nil || !dc.visit() {
			return
		}
		p := index(path, i)
		dc.d.pos[p] = dc.pos(c)
		item(c, p)
	}
}

func (dc *decoder) str(dst *string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		switch {
		case isNull(n):
			*dst = ""
		case n.Kind == yaml.ScalarNode:
			*dst = n.Value
		default:
			// A '{' or '[' at the start of a value makes YAML read a mapping or
			// a list; quoting is usually what was meant.
			dc.errs.at(dc.pos(n), path, "expected text, found %s; write a single value, in quotes if it starts with '{' or '['", describe(n))
		}
	}
}

func (dc *decoder) boolean(dst *bool) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
			var b bool
			if err := n.Decode(&b); err == nil {
				*dst = b
				return
			}
		}
		dc.errs.at(dc.pos(n), path, "expected true or false, found %s", describe(n))
	}
}

func (dc *decoder) strings(dst *[]string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		*dst = []string{}
		dc.sequence(n, path, func(c *yaml.Node, p string) {
			var s string
			dc.str(&s)(c, p)
			*dst = append(*dst, s)
		})
	}
}

func (dc *decoder) design(n *yaml.Node) {
	d := dc.d
	if n.Kind != yaml.MappingNode {
		dc.errs.at(dc.pos(n), "", "the design file must be a mapping with version, organization, environments and workloads; found %s", describe(n))
		return
	}
	dc.mapping(n, "", []field{
		{"version", func(n *yaml.Node, path string) {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
				if v, err := strconv.Atoi(n.Value); err == nil {
					d.Version = v
					return
				}
			}
			if _, err := strconv.Atoi(n.Value); err == nil && n.Kind == yaml.ScalarNode && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				dc.errs.at(dc.pos(n), path, "is text (%q), not a number; write it without quotes: version: 1 (the supported version)", n.Value)
				return
			}
			dc.errs.at(dc.pos(n), path, "found %s; the supported version is 1, written version: 1", describe(n))
		}},
		{"organization", func(n *yaml.Node, path string) {
			o := &d.Organization
			dc.mapping(n, path, []field{
				{"name", dc.str(&o.Name)},
				{"email", dc.str(&o.Email)},
				{"emailTemplate", dc.str(&o.EmailTemplate)},
				{"homeRegion", dc.str(&o.HomeRegion)},
			})
		}},
		{"environments", func(n *yaml.Node, path string) {
			d.Environments = []Environment{}
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				var e Environment
				dc.mapping(c, p, []field{
					{"name", dc.str(&e.Name)},
					{"perResidency", dc.boolean(&e.PerResidency)},
					{"description", dc.str(&e.Description)},
				})
				d.Environments = append(d.Environments, e)
			})
		}},
		{"residencies", func(n *yaml.Node, path string) {
			d.Residencies = []Residency{}
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				var r Residency
				dc.mapping(c, p, []field{
					{"name", dc.str(&r.Name)},
					{"regions", dc.strings(&r.Regions)},
				})
				d.Residencies = append(d.Residencies, r)
			})
		}},
		{"workloads", func(n *yaml.Node, path string) {
			d.Workloads = []Workload{}
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				var w Workload
				dc.mapping(c, p, []field{
					{"name", dc.str(&w.Name)},
					{"description", dc.str(&w.Description)},
					{"owner", dc.str(&w.Owner)},
					{"residencies", dc.strings(&w.Residencies)},
				})
				d.Workloads = append(d.Workloads, w)
			})
		}},
		{"layout", func(n *yaml.Node, path string) {
			var s string
			dc.str(&s)(n, path)
			if s != "" {
				// "layout:" left empty keeps the default.
				d.Layout = Layout(s)
			}
		}},
		{"foundation", func(n *yaml.Node, path string) {
			f := &d.Foundation
			dc.mapping(n, path, []field{
				{"security", dc.boolean(&f.Security)},
				{"infrastructure", dc.boolean(&f.Infrastructure)},
				{"sandbox", dc.boolean(&f.Sandbox)},
				{"suspended", dc.boolean(&f.Suspended)},
				{"transitional", dc.boolean(&f.Transitional)},
			})
		}},
		{"guardrails", func(n *yaml.Node, path string) {
			g := &d.Guardrails
			dc.mapping(n, path, []field{
				{"denyLeaveOrganization", dc.boolean(&g.DenyLeaveOrganization)},
				{"regionLock", dc.boolean(&g.RegionLock)},
				{"denyRootUser", dc.boolean(&g.DenyRootUser)},
			})
		}},
		{"tags", func(n *yaml.Node, path string) { dc.tags(n, path) }},
		{"accounts", func(n *yaml.Node, path string) {
			d.Accounts = []AdoptedAccount{}
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				var a AdoptedAccount
				dc.mapping(c, p, []field{
					{"name", dc.str(&a.Name)},
					{"email", dc.str(&a.Email)},
					{"id", dc.str(&a.ID)},
					{"ou", dc.str(&a.OU)},
				})
				d.Accounts = append(d.Accounts, a)
			})
		}},
		{"budgets", dc.budgets},
		{"access", dc.access},
		{"baseline", dc.baseline},
		{"contacts", dc.contacts},
	})
}

// tags decodes the free-form tag map, keeping the file's order.
func (dc *decoder) tags(n *yaml.Node, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		dc.errs.at(dc.pos(n), path, "expected a mapping of tag keys to values, found %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := dc.resolve(n.Content[i]), dc.resolve(n.Content[i+1])
		if k == nil || v == nil || !dc.visit() {
			return
		}
		kpath := join(path, k.Value)
		dc.d.pos[kpath] = dc.pos(k)
		if k.Kind != yaml.ScalarNode || isNull(k) {
			dc.errs.at(dc.pos(k), path, "a tag key must be text, found %s", describe(k))
			continue
		}
		if seen[k.Value] {
			dc.errs.at(dc.pos(k), kpath, "is set twice; keep one")
			continue
		}
		seen[k.Value] = true
		var val string
		if v.Kind != yaml.ScalarNode {
			dc.errs.at(dc.pos(v), kpath, "a tag value must be text, found %s", describe(v))
			continue
		}
		if !isNull(v) {
			val = v.Value
		}
		dc.d.Tags = append(dc.d.Tags, Tag{Key: k.Value, Value: val})
	}
}
