package export

import (
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/orgmodel"
)

var (
	mermaidID        = `[A-Za-z][A-Za-z0-9_]*`
	mermaidNodeLine  = regexp.MustCompile(`^  (` + mermaidID + `)\["([^"]*)"\]$`)
	mermaidEdgeLine  = regexp.MustCompile(`^  (` + mermaidID + `) --> (` + mermaidID + `)$`)
	mermaidClassDef  = regexp.MustCompile(`^  classDef [a-z]+ [a-z-]+:#[0-9a-f]{6}(,[a-z-]+:#[0-9a-f]{6})*$`)
	mermaidClassLine = regexp.MustCompile(`^  class (` + mermaidID + `(?:,` + mermaidID + `)*) ([a-z]+)$`)
	mermaidEntity    = regexp.MustCompile(`#[a-z0-9]+;`)
)

// checkMermaid is a syntax check of the flowchart subset the export writes:
// a header, quoted node labels whose only markup is <br/> and entity codes,
// edges between declared nodes, classes of declared nodes. It returns the
// nodes' labels by id.
func checkMermaid(t *testing.T, src string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "%% ") || lines[1] != "flowchart TD" {
		t.Fatalf("header %q", lines[:2])
	}
	labels := map[string]string{}
	classes := map[string]bool{}
	edges := 0
	for i, l := range lines[2:] {
		n := i + 3
		if m := mermaidNodeLine.FindStringSubmatch(l); m != nil {
			if _, dup := labels[m[1]]; dup {
				t.Errorf("line %d: %s declared twice", n, m[1])
			}
			if m[1] == "end" {
				t.Errorf("line %d: end is a Mermaid keyword", n)
			}
			rest := mermaidEntity.ReplaceAllString(strings.ReplaceAll(m[2], "<br/>", ""), "")
			if strings.ContainsAny(rest, `"<>#&`) {
				t.Errorf("line %d: unescaped markup in the label %q", n, m[2])
			}
			labels[m[1]] = m[2]
			continue
		}
		if m := mermaidEdgeLine.FindStringSubmatch(l); m != nil {
			for _, id := range m[1:] {
				if _, ok := labels[id]; !ok {
					t.Errorf("line %d: the edge names %s, which is not declared before it", n, id)
				}
			}
			edges++
			continue
		}
		if m := mermaidClassDef.FindStringSubmatch(l); m != nil {
			classes[strings.Fields(l)[1]] = true
			continue
		}
		if m := mermaidClassLine.FindStringSubmatch(l); m != nil {
			if !classes[m[2]] {
				t.Errorf("line %d: class %s is not defined", n, m[2])
			}
			for _, id := range strings.Split(m[1], ",") {
				if _, ok := labels[id]; !ok {
					t.Errorf("line %d: class on %s, which is not declared", n, id)
				}
			}
			continue
		}
		t.Errorf("line %d is not flowchart syntax: %q", n, l)
	}
	if edges != len(labels)-1 {
		t.Errorf("%d edges for %d nodes: the tree is not connected", edges, len(labels))
	}
	return labels
}

func TestMermaid(t *testing.T) {
	tree := acmeTree(t, nil)
	labels := checkMermaid(t, string(render(t, Mermaid, Input{Tree: tree, Source: "design"})))
	if len(labels) != 1+len(tree.OUs)+len(tree.Accounts) {
		t.Errorf("%d nodes", len(labels))
	}
	if !strings.Contains(labels["root"], "SCP: deny-leave-organization, deny-root-user") {
		t.Errorf("root label %q", labels["root"])
	}
	if labels["ou_workloads_prod_eu"] != "eu/<br/>SCP: region-lock-eu" {
		t.Errorf("eu label %q", labels["ou_workloads_prod_eu"])
	}
	live := checkMermaid(t, string(render(t, Mermaid, Input{Tree: tree, Existing: Match(tree, appliedActual(tree)), Source: "live"})))
	if !strings.HasSuffix(live["account_log_archive"], "<br/>100000000001") {
		t.Errorf("live account label %q has no id", live["account_log_archive"])
	}
}

func hostileTree() *orgmodel.Tree {
	name := `a"b <i>c</i> #1 & end`
	return &orgmodel.Tree{
		Organization: "x",
		OUs:          []orgmodel.OU{{Path: name, Name: name}, {Path: "end", Name: "end"}, {Path: "end/end", Name: "end", Parent: "end"}},
		Accounts:     []orgmodel.Account{{Name: "end", Email: `q"\uote@x.example`, OU: name}, {Name: `back\slash`, OU: "end/end"}},
		Policies:     []orgmodel.Policy{{Name: `p"1\`, Content: "{}", Targets: []orgmodel.Target{{Type: orgmodel.TargetOU, Name: name}}}},
	}
}

func TestMermaidEscapes(t *testing.T) {
	labels := checkMermaid(t, string(render(t, Mermaid, Input{Tree: hostileTree(), Source: "x\n%% injected"})))
	if len(labels) != 6 {
		t.Errorf("%d nodes: %v", len(labels), labels)
	}
}

// dotToken splits DOT into identifiers, quoted strings and punctuation.
var dotToken = regexp.MustCompile(`\s*(?:(//[^\n]*)|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*|-?[0-9.]+)|(->|[{}\[\];,=]))`)

// checkDOT parses the DOT subset the export writes (graph, node, edge and
// attribute statements) with a small recursive-descent parser, and checks
// that edges join declared nodes. It returns the labels by node id.
func checkDOT(t *testing.T, src string) map[string]string {
	t.Helper()
	var toks []string
	for rest := src; strings.TrimSpace(rest) != ""; {
		loc := dotToken.FindStringSubmatchIndex(rest)
		if loc == nil || loc[0] != 0 {
			t.Fatalf("DOT does not tokenize at %q", rest[:min(len(rest), 40)])
		}
		if loc[2] < 0 { // not a comment
			toks = append(toks, strings.TrimSpace(rest[loc[0]:loc[1]]))
		}
		rest = rest[loc[1]:]
	}
	i := 0
	next := func() string {
		if i >= len(toks) {
			t.Fatalf("DOT ends early")
		}
		i++
		return toks[i-1]
	}
	expect := func(want string) {
		if got := next(); got != want {
			t.Fatalf("DOT: %q where %q belongs (token %d)", got, want, i)
		}
	}
	isID := func(s string) bool {
		return s != "" && !strings.ContainsAny(s[:1], "{}[];,=-") || strings.HasPrefix(s, "-") && len(s) > 1 && s != "->"
	}
	unquote := func(s string) string {
		if strings.HasPrefix(s, `"`) {
			return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(s[1 : len(s)-1])
		}
		return s
	}
	attrs := func() map[string]string {
		m := map[string]string{}
		expect("[")
		for toks[i] != "]" {
			k := next()
			expect("=")
			v := next()
			if !isID(k) || !isID(v) {
				t.Fatalf("DOT: bad attribute %s=%s", k, v)
			}
			m[k] = unquote(v)
			if toks[i] == "," || toks[i] == ";" {
				i++
			}
		}
		expect("]")
		return m
	}
	expect("digraph")
	if isID(toks[i]) {
		i++
	}
	expect("{")
	labels := map[string]string{}
	edges := 0
	for toks[i] != "}" {
		first := next()
		switch {
		case first == "node" || first == "edge" || first == "graph":
			attrs()
		case isID(first) && toks[i] == "=":
			i++
			next()
		case isID(first) && toks[i] == "->":
			i++
			to := next()
			for _, id := range []string{unquote(first), unquote(to)} {
				if _, ok := labels[id]; !ok {
					t.Errorf("the edge names %s, which is not declared before it", id)
				}
			}
			edges++
		case isID(first):
			id := unquote(first)
			if _, dup := labels[id]; dup {
				t.Errorf("%s declared twice", id)
			}
			labels[id] = attrs()["label"]
		default:
			t.Fatalf("DOT: unexpected %q", first)
		}
		expect(";")
	}
	expect("}")
	if i != len(toks) {
		t.Errorf("DOT has %d tokens after the graph", len(toks)-i)
	}
	if edges != len(labels)-1 {
		t.Errorf("%d edges for %d nodes", edges, len(labels))
	}
	return labels
}

func TestDOT(t *testing.T) {
	tree := acmeTree(t, nil)
	src := string(render(t, DOT, Input{Tree: tree, Source: "design"}))
	labels := checkDOT(t, src)
	if len(labels) != 1+len(tree.OUs)+len(tree.Accounts) {
		t.Errorf("%d nodes", len(labels))
	}
	if labels["ou_workloads_prod_us"] != `us/\nSCP: region-lock-us` {
		t.Errorf("us label %q", labels["ou_workloads_prod_us"])
	}
	// Graphviz itself, where it is installed, has the last word.
	if dot, err := exec.LookPath("dot"); err == nil {
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = strings.NewReader(src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("dot: %v\n%s", err, out)
		}
	}
}

func TestDOTEscapes(t *testing.T) {
	labels := checkDOT(t, string(render(t, DOT, Input{Tree: hostileTree(), Source: "x\ninjected"})))
	want := fmt.Sprintf(`%s/\nSCP: %s`, `a"b <i>c</i> #1 & end`, `p"1\`)
	found := false
	for _, l := range labels {
		found = found || l == want
	}
	if !found {
		t.Errorf("no label reads back as %q: %v", want, labels)
	}
}
