package orgmodel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxDesignBytes bounds the size of a design file. The largest sensible design
// (hundreds of workloads) is a few tens of kilobytes; anything bigger is a
// mistake, and refusing it keeps memory bounded.
const MaxDesignBytes = 1 << 20

// maxNodes bounds how many YAML nodes decoding visits, aliases expanded. It is
// what defeats an alias bomb ("billion laughs"): the parser keeps aliases as
// references, and the walk below stops once this many have been visited.
const maxNodes = 200_000

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
	var all Errors
	if decErrs != nil {
		all = append(all, decErrs.(Errors)...)
	}
	if valErr != nil {
		// A field that could not be decoded is reported once, by the decoder,
		// not again as "missing" by validation.
		for _, e := range valErr.(Errors) {
			if !coveredBy(e.Path, all) {
				all = append(all, e)
			}
		}
	}
	return nil, all.sorted()
}

func coveredBy(path string, errs Errors) bool {
	for _, e := range errs {
		if e.Path == "" {
			continue
		}
		if path == e.Path || strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") {
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
			return nil, Errors{{Message: "the design file is empty; start from an example such as ../shared/examples/solo.yaml"}}
		}
		return nil, Errors{yamlError(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{Line: extra.Line, Message: "the file holds more than one YAML document ('---'); a design file is one document"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, Errors{yamlError(err)}
	}

	d := NewDesign()
	d.Version = 0
	d.pos = map[string]Pos{}
	dc := &decoder{d: d, errs: &errorList{}, budget: maxNodes}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	dc.design(root)
	if dc.exhausted {
		return nil, Errors{{Message: fmt.Sprintf("the design file expands to more than %d YAML nodes (too many aliases?); write it out plainly", maxNodes)}}
	}
	return d, dc.errs.result()
}

func checkText(data []byte) *FieldError {
	if len(data) > MaxDesignBytes {
		return &FieldError{Message: fmt.Sprintf("the design file is %d bytes; a design file is at most %d bytes (1 MiB); is this the right file?", len(data), MaxDesignBytes)}
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

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(err error) FieldError {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return FieldError{Line: line, Message: "not valid YAML: " + m[2]}
	}
	return FieldError{Message: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
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
		dc.errs.at(dc.pos(n), path, "expected a mapping of keys (%s), found %s", knownKeys(fields), describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := dc.resolve(n.Content[i]), n.Content[i+1]
		if k == nil || !dc.visit() {
			return
		}
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
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
		if f == nil {
			dc.errs.at(dc.pos(k), kpath, "%s", unknownKey(key, path, fields))
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

func unknownKey(key, path string, fields []field) string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	if near := nearest(key, keys); near != "" {
		return fmt.Sprintf("unknown key %q; did you mean %q?", key, near)
	}
	if where, ok := keyHome[key]; ok && where != path {
		if where == "" {
			return fmt.Sprintf("unknown key %q here; %q belongs at the top level of the file", key, key)
		}
		return fmt.Sprintf("unknown key %q here; %q belongs under %s", key, key, where)
	}
	where := "at the top level"
	if path != "" {
		where = "under " + path
	}
	return fmt.Sprintf("unknown key %q; the keys %s are: %s", key, where, strings.Join(keys, ", "))
}

// keyHome maps a key that is valid somewhere to where it belongs, to help
// when a key is written at the wrong indentation.
var keyHome = map[string]string{
	"name": "organization", "email": "organization", "emailTemplate": "organization", "homeRegion": "organization",
	"perResidency": "environments[]", "regions": "residencies[]", "owner": "workloads[]",
	"security": "foundation", "infrastructure": "foundation", "sandbox": "foundation", "suspended": "foundation", "transitional": "foundation",
	"denyLeaveOrganization": "guardrails", "regionLock": "guardrails", "denyRootUser": "guardrails",
	"version": "", "organization": "", "environments": "", "residencies": "", "workloads": "", "layout": "",
	"foundation": "", "guardrails": "", "tags": "", "accounts": "",
}

// sequence calls item for every element of a list node.
func (dc *decoder) sequence(n *yaml.Node, path string, item func(n *yaml.Node, path string)) {
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		dc.errs.at(dc.pos(n), path, "expected a list, found %s", describe(n))
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
			dc.errs.at(dc.pos(n), path, "expected text, found %s", describe(n))
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
			d.Version = -1
			dc.errs.at(dc.pos(n), path, "expected a version number, found %s; the supported version is 1", describe(n))
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
			d.Layout = Layout(s)
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
