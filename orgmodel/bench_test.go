package orgmodel

import (
	"fmt"
	"strings"
	"testing"
)

// largeDesign writes a design of 200 workloads, 4 environments (two of them
// per residency) and 5 residencies, each workload serving 4 of them:
// 200 x (2 + 2x4) = 2,000 workload accounts, plus the 2 foundation accounts.
func largeDesign() []byte {
	var b strings.Builder
	b.WriteString("version: 1\norganization:\n  name: large\n  emailTemplate: aws-{account}@large.example\n  homeRegion: eu-west-1\n")
	b.WriteString("environments:\n  - name: dev\n  - name: staging\n  - name: prod\n    perResidency: true\n  - name: dr\n    perResidency: true\n")
	b.WriteString("residencies:\n")
	regions := [][]string{{"eu-west-1", "eu-central-1"}, {"us-east-1", "us-west-2"}, {"eu-west-2"}, {"ap-southeast-1", "ap-southeast-2"}, {"ca-central-1"}}
	names := []string{"eu", "us", "uk", "apac", "ca"}
	for i, n := range names {
		fmt.Fprintf(&b, "  - name: %s\n    regions: [%s]\n", n, strings.Join(regions[i], ", "))
	}
	b.WriteString("workloads:\n")
	for i := range 200 {
		skip := i % 5
		var res []string
		for j, n := range names {
			if j != skip {
				res = append(res, n)
			}
		}
		fmt.Fprintf(&b, "  - name: service-%03d\n    description: bounded context %d\n    owner: team-%d@large.example\n    residencies: [%s]\n", i, i, i, strings.Join(res, ", "))
	}
	return []byte(b.String())
}

func TestLargeDesignExpands(t *testing.T) {
	d, err := Parse(largeDesign())
	if err != nil {
		t.Fatal(err)
	}
	tree := expand(t, d)
	if got := len(tree.Accounts); got != 2002 {
		t.Fatalf("%d accounts, want 2,002", got)
	}
}

// BenchmarkValidateExpand2000 measures the target: validating and
// expanding a design of 2,000 accounts in under 50 ms and 50 MB.
func BenchmarkValidateExpand2000(b *testing.B) {
	data := largeDesign()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		d, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Expand(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan2000 measures the plan of a 2,000-account design against an
// organization that already has all of it.
func BenchmarkPlan2000(b *testing.B) {
	d, err := Parse(largeDesign())
	if err != nil {
		b.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		b.Fatal(err)
	}
	actual := converged(tree)
	b.ReportAllocs()
	for b.Loop() {
		if p := MakePlan(tree, actual); !p.Empty() {
			b.Fatal("converged organization has steps")
		}
	}
}
