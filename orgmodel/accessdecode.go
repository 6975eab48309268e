package orgmodel

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// access decodes the access block. "access:" left empty is no block, as for
// budgets; "access: {}" is a block that grants nothing.
func (dc *decoder) access(n *yaml.Node, path string) {
	if isNull(n) {
		return
	}
	a := &Access{}
	dc.d.Access = a
	dc.mapping(n, path, []field{
		{"permissionSets", func(n *yaml.Node, path string) {
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				var ps PermissionSetSpec
				dc.mapping(c, p, []field{
					{"name", dc.str(&ps.Name)},
					{"description", dc.str(&ps.Description)},
					{"managedPolicies", dc.selector(&ps.ManagedPolicies)},
					{"inlinePolicy", dc.policy(&ps.InlinePolicy)},
					{"sessionDuration", dc.str(&ps.SessionDuration)},
				})
				a.PermissionSets = append(a.PermissionSets, ps)
			})
		}},
		{"groups", func(n *yaml.Node, path string) {
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				var g GroupSpec
				dc.mapping(c, p, []field{
					{"name", dc.str(&g.Name)},
					{"description", dc.str(&g.Description)},
					{"members", dc.selector(&g.Members)},
					{"grants", func(n *yaml.Node, path string) {
						dc.sequence(n, path, func(c *yaml.Node, p string) {
							var gr Grant
							before := len(dc.errs.errs) + dc.errs.omitted
							defer func() {
								if len(dc.errs.errs)+dc.errs.omitted > before {
									dc.d.pos[p+unread] = dc.pos(c)
								}
							}()
							dc.mapping(c, p, []field{
								{"permissionSet", dc.str(&gr.PermissionSet)},
								{"accounts", dc.selector(&gr.Accounts)},
								{"workload", dc.selector(&gr.Workload)},
								{"environment", dc.selector(&gr.Environment)},
								{"residency", dc.selector(&gr.Residency)},
								{"ou", dc.selector(&gr.OU)},
							})
							g.Grants = append(g.Grants, gr)
						})
					}},
				})
				a.Groups = append(a.Groups, g)
			})
		}},
	})
}

// unread, after an item's path, marks an item the decoder could not read
// whole (an unknown key, a value of the wrong kind): what validation would
// say of the item as a whole (a grant that selects nothing) only repeats it.
const unread = ".?"

// selector decodes a value that is one name or a list of names; nothing
// leaves nil, so that a block written back reads as the same block.
func (dc *decoder) selector(dst *[]string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		*dst = nil
		switch {
		case isNull(n):
		case n.Kind == yaml.ScalarNode:
			*dst = []string{n.Value}
		case n.Kind == yaml.SequenceNode:
			dc.sequence(n, path, func(c *yaml.Node, p string) {
				var s string
				dc.str(&s)(c, p)
				*dst = append(*dst, s)
			})
		default:
			dc.errs.at(dc.pos(n), path, "expected a name or a list of names, such as [dev, staging], found %s", describe(n))
		}
	}
}

// policy decodes an inline policy written as a YAML mapping or as a JSON
// string, into compact JSON. A string that is not JSON is kept as written,
// for validation to say why; a mapping that has no JSON form (a .nan) is
// reported here.
func (dc *decoder) policy(dst *string) func(*yaml.Node, string) {
	return func(n *yaml.Node, path string) {
		switch {
		case isNull(n):
			*dst = ""
		case n.Kind == yaml.ScalarNode:
			*dst = compactJSON(n.Value)
		case n.Kind == yaml.MappingNode:
			var b bytes.Buffer
			if err := dc.nodeJSON(&b, n); err != "" {
				dc.errs.at(dc.pos(n), path, "%s", err)
				return
			}
			*dst = b.String()
		default:
			dc.errs.at(dc.pos(n), path, "expected a policy document: a mapping with Version and Statement, or the policy as a JSON string; found %s", describe(n))
		}
	}
}

// compactJSON is s without the white space between JSON tokens, or s as it
// is when it is not JSON.
func compactJSON(s string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(s)) != nil {
		return s
	}
	return b.String()
}

// nodeJSON writes n as compact JSON, keys in the file's order (json.Marshal
// of a map would sort them, and the policy would not read as written). It
// returns a message for what has no JSON form.
func (dc *decoder) nodeJSON(b *bytes.Buffer, n *yaml.Node) string {
	n = dc.resolve(n)
	if n == nil || !dc.visit() {
		return "the policy is too large to read"
	}
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := dc.resolve(n.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode {
				return "a policy key must be text, such as Effect"
			}
			if k.Tag == "!!merge" {
				return "merge keys ('<<') are not supported in a design file; write the keys out"
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k.Value)
			b.WriteByte(':')
			if msg := dc.nodeJSON(b, n.Content[i+1]); msg != "" {
				return msg
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if msg := dc.nodeJSON(b, c); msg != "" {
				return msg
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			b.WriteString("null")
		case "!!bool":
			var v bool
			if err := n.Decode(&v); err != nil {
				return "a policy value " + strconv.Quote(n.Value) + " is not a boolean JSON knows; write true or false"
			}
			b.WriteString(strconv.FormatBool(v))
		case "!!int", "!!float":
			num := strings.ReplaceAll(n.Value, "_", "")
			if json.Valid([]byte(num)) {
				b.WriteString(num)
				break
			}
			if v, err := strconv.ParseInt(num, 0, 64); err == nil {
				b.WriteString(strconv.FormatInt(v, 10))
				break
			}
			v, err := strconv.ParseFloat(num, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return "a policy value " + n.Value + " is not a number JSON can hold; put it in quotes"
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		default:
			// Strings, and what YAML reads as a date (Version: 2012-10-17)
			// but a policy means as text.
			writeJSONString(b, n.Value)
		}
	default:
		return "the policy holds something JSON cannot"
	}
	return ""
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}
