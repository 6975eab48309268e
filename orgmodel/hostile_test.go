package orgmodel

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// allocated is how many bytes f allocates, in all.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const MiB = 1 << 20

// TestHostileInput feeds Parse what a design file should never be. Each must
// be refused with a clear error, and within a bound on memory. (Time is bounded
// by the same means, and is not asserted: wall-clock assertions are flaky.)
func TestHostileInput(t *testing.T) {
	// Billion laughs: nine levels of nine aliases, 9^9 nodes once expanded,
	// where the decoder walks (a workload's residencies) and where it does not.
	bomb := func(under string) string {
		var b strings.Builder
		b.WriteString("x-anchors:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
		for i := 1; i <= 9; i++ {
			fmt.Fprintf(&b, "  l%d: &l%d [", i, i)
			for j := range 9 {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "*l%d", i-1)
			}
			b.WriteString("]\n")
		}
		return b.String() + under
	}
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(1 + rng.UintN(255))
	}
	random[100] = 0
	randomLine := bytes.Count(random[:100], []byte("\n")) + 1

	cases := []struct {
		name     string
		data     []byte
		line     int
		msg      string
		maxAlloc uint64
	}{
		{"alias bomb under an unknown key", []byte(bomb(baseDesign)), 0, "aliases ('*name') expand to more than 100000 YAML nodes", 16 * MiB},
		{"alias bomb in a workload", []byte(bomb(strings.Replace(baseDesign, "residencies: [eu]", "residencies: *l9", 1))), 0, "aliases ('*name') expand to more than 100000 YAML nodes", 16 * MiB},
		{"50 MB of comment", append([]byte(baseDesign), bytes.Repeat([]byte("# padding\n"), 5*1000*1000)...), 0, "is larger than 1 MiB; a design file is at most 1048576 bytes (1 MiB)", 1 * MiB},
		{"50 MB list", append([]byte("workloads:\n"), bytes.Repeat([]byte("  - name: a\n"), 50*MiB/12)...), 0, "is larger than 1 MiB; a design file is at most 1048576 bytes", 1 * MiB},
		// What the CLI passes for any larger file: it reads one byte more than the limit.
		{"one byte over the limit", padded(MaxDesignBytes + 1), 0, "is larger than 1 MiB; a design file is at most 1048576 bytes", 1 * MiB},
		{"binary junk with NUL", random, randomLine, "the design file is not text (a NUL byte at offset 100)", 1 * MiB},
		{"UTF-16", append([]byte{0xff, 0xfe}, []byte("v\x00e\x00r\x00")...), 0, "the design file is saved as UTF-16; save it as UTF-8", 1 * MiB},
		{"a list as a key", []byte("? [a, b]\n: c\n"), 1, "a key must be a plain word, found a list", 1 * MiB},
		{"invalid UTF-8", []byte("version: 1\norganization:\n  name: acme\xff\xfe\n"), 3, "not UTF-8 text (invalid byte at offset 37); save it as UTF-8", 1 * MiB},
		{"Latin-1 text", []byte("version: 1\ntags:\n  team: caf\xe9\n"), 3, "save it as UTF-8", 1 * MiB},
		{"deeply nested flow sequences", []byte("workloads: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"), 0, "nested too deeply", 64 * MiB},
		{"deeply nested flow mappings", []byte("organization: " + strings.Repeat("{a: ", 100000) + "b" + strings.Repeat("}", 100000) + "\n"), 0, "nested too deeply", 64 * MiB},
		{"deeply nested block mappings", []byte(deepMappings(1400)), 2, `unknown key "a"`, 64 * MiB},
		{"two documents", []byte(baseDesign + "---\n" + baseDesign), 23, "more than one YAML document", 1 * MiB},
		{"empty file", nil, 0, "the design file is empty", 1 * MiB},
		{"only a document marker", []byte("---\n# to do\n"), 0, "the design file is empty", 1 * MiB},
		{"only comments", []byte("# nothing yet\n\n"), 0, "the design file is empty", 1 * MiB},
		{"a scalar", []byte("hello\n"), 1, "must be a mapping with version, organization, environments and workloads", 1 * MiB},
		{"a list", []byte("- version: 1\n"), 1, "must be a mapping", 1 * MiB},
		{"unquoted template on the first line", []byte("emailTemplate: {account}@x.example\n"), 1, `write emailTemplate: "{account}@x.example"`, 1 * MiB},
		{"a YAML error away from a flow-mapping template", []byte("organization:\n  emailTemplate: {a: b}\n  name: [\n"), 3, "not valid YAML", 1 * MiB},
		{"tab indentation", []byte("version: 1\norganization:\n\tname: acme\n"), 3, "not valid YAML", 1 * MiB},
		{"a product of a million accounts", []byte(product(1000, 1000)), 1008, "orgwizard manages at most 10000", 64 * MiB},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = Parse(tc.data) })
			if n > tc.maxAlloc {
				t.Errorf("Parse allocated %.1f MiB, want at most %d MiB", float64(n)/MiB, tc.maxAlloc/MiB)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error is %T (%v), want Errors", err, err)
			}
			for _, e := range errs {
				if strings.Contains(e.Message, tc.msg) {
					if e.Line != tc.line {
						t.Errorf("line %d, want %d", e.Line, tc.line)
					}
					return
				}
			}
			t.Errorf("no error says %q; got:\n%v", tc.msg, errs)
		})
	}
}

// deepMappings is a block mapping nested depth levels deep under a known key.
func deepMappings(depth int) string {
	var b strings.Builder
	b.WriteString("organization:\n")
	for i := range depth {
		b.WriteString(strings.Repeat(" ", i+1))
		b.WriteString("a:\n")
	}
	return b.String()
}

// product is a design whose workloads times environments make far more
// accounts than any organization holds, in a file well under the size limit.
func product(workloads, environments int) string {
	var b strings.Builder
	b.WriteString("version: 1\norganization:\n  name: big\n  emailTemplate: a-{account}@big.example\n  homeRegion: eu-west-1\nenvironments:\n")
	for i := range environments {
		fmt.Fprintf(&b, "  - name: e%d\n", i)
	}
	b.WriteString("workloads:\n")
	for i := range workloads {
		fmt.Fprintf(&b, "  - name: w%d\n", i)
	}
	return b.String()
}

// TestManyProblemsAreCapped: a file with a hundred thousand bad items reports
// the first maxErrors of them and how many more there are, in bounded memory.
func TestManyProblemsAreCapped(t *testing.T) {
	var b strings.Builder
	// 2,000 residencies and 20,000 references to residencies that do not
	// exist: without a cap, each message would list 2,000 names and search
	// them for the nearest.
	b.WriteString("version: 1\norganization:\n  name: acme\n  email: aws@acme.example\n  homeRegion: eu-west-1\nenvironments:\n  - name: dev\nresidencies:\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "  - name: r%d\n    regions: [eu-west-1]\n", i)
	}
	b.WriteString("workloads:\n  - name: app\n    residencies: [")
	for i := range 20000 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "x%d", i)
	}
	b.WriteString("]\n")
	data := []byte(b.String())
	if len(data) > MaxDesignBytes {
		t.Fatalf("the test design is %d bytes, over the limit", len(data))
	}
	var err error
	n := allocated(func() { _, err = Parse(data) })
	if n > 64*MiB {
		t.Errorf("Parse allocated %.1f MiB, want at most 64 MiB", float64(n)/MiB)
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse error is %T (%v), want Errors", err, err)
	}
	if len(errs) != maxErrors+1 {
		t.Fatalf("%d errors, want %d and a last line that counts the rest", len(errs), maxErrors+1)
	}
	// 1,999 regions listed twice and 20,000 unknown residencies.
	const total = 1999 + 20000
	last := errs[len(errs)-1]
	if want := fmt.Sprintf("and %d more problems not shown", total-maxErrors); !strings.Contains(last.Message, want) {
		t.Errorf("last error %q does not say %q", last.Message, want)
	}
	for _, e := range errs[:maxErrors] {
		if len(e.Message) > 1000 {
			t.Errorf("%s: message is %d bytes long", e.Path, len(e.Message))
		}
	}
}

// fill is head followed by items until the file is just under MaxDesignBytes.
func fill(head string, item func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; b.Len() < MaxDesignBytes-100; i++ {
		b.WriteString(item(i))
	}
	return []byte(b.String())
}

// TestLargestFilesStayCheap: files just under the size limit, shaped to make
// each part of decoding and validation work hardest, cost a bounded amount of
// memory. Parsing YAML into nodes costs about 120 bytes of allocation per byte
// of a list-heavy file; the bound is a little above that, so anything worse
// than linear (a message per problem listing every name, a nearest-name search
// per problem, expanding workloads times environments) fails it.
func TestLargestFilesStayCheap(t *testing.T) {
	const header = "version: 1\norganization:\n  name: big\n  emailTemplate: a-{account}@big.example\n  homeRegion: eu-west-1\n"
	const oneEach = header + "environments:\n  - name: dev\nworkloads:\n  - name: app\n"
	cases := []struct {
		name string
		data []byte
		msg  string
	}{
		{"a list of one-letter items", fill(oneEach+"residencies:\n  - name: eu\n    regions: [", func(int) string { return "x," }), "not valid YAML"},
		{"60,000 workloads", fill(header+"environments:\n  - name: dev\nworkloads:\n", func(i int) string { return fmt.Sprintf("  - name: w%d\n", i) }), "orgwizard manages at most 10000"},
		{"60,000 environments", fill(header+"workloads:\n  - name: app\nenvironments:\n", func(i int) string { return fmt.Sprintf("  - name: e%d\n", i) }), "orgwizard manages at most 10000"},
		{"100,000 unknown keys", fill(oneEach, func(i int) string { return fmt.Sprintf("k%d: 1\n", i) }), "more problems not shown"},
		{"80,000 bad tags", fill(oneEach+"tags:\n", func(i int) string { return fmt.Sprintf("  k%d#: v\n", i) }), "more problems not shown"},
		{"20,000 adopted accounts", fill(oneEach+"accounts:\n", func(i int) string { return fmt.Sprintf("  - {name: a%d, id: \"%012d\", ou: Nowhere}\n", i, i) }), "orgwizard manages at most 10000"},
		{"9,000 adopted accounts in unknown OUs", []byte(oneEach + "accounts:\n" + repeat(9000, func(i int) string {
			return fmt.Sprintf("  - {name: a%d, id: \"%012d\", ou: Nowhere%d}\n", i, i, i)
		})), "more problems not shown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > MaxDesignBytes {
				t.Fatalf("the test file is %d bytes, over the limit", len(tc.data))
			}
			var err error
			n := allocated(func() { _, err = Parse(tc.data) })
			if n > 160*MiB {
				t.Errorf("Parse allocated %.1f MiB for %d bytes, want at most 160 MiB", float64(n)/MiB, len(tc.data))
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Parse error does not contain %q: %v", tc.msg, err)
			}
		})
	}
}

func repeat(n int, item func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(item(i))
	}
	return b.String()
}

// padded is baseDesign followed by comment lines, n bytes in all.
func padded(n int) []byte {
	b := []byte(baseDesign)
	for len(b) < n {
		b = append(b, "# padding\n"...)
	}
	b = b[:n]
	b[n-1] = '\n'
	return b
}

// A file exactly at the limit is read; the limit is not one byte too strict.
func TestFileAtTheLimitIsRead(t *testing.T) {
	if _, err := Parse(padded(MaxDesignBytes)); err != nil {
		t.Fatalf("a valid design padded to %d bytes: %v", MaxDesignBytes, err)
	}
}
