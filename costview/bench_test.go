package costview

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// bigInput is 2,000 accounts over 31 days, 200 workloads in three
// environments and two residencies.
func bigInput() Input {
	tree := &orgmodel.Tree{}
	in := Input{Month: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Start: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC),
		Today: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), ManagementID: "000000000000", Tree: tree, Currency: "USD"}
	envs := []string{"dev", "staging", "prod"}
	for i := range 2000 {
		name := fmt.Sprintf("w%d-%s-%d", i%200, envs[i%3], i)
		tree.Accounts = append(tree.Accounts, orgmodel.Account{Name: name, Kind: orgmodel.WorkloadAccount,
			Workload: fmt.Sprint("w", i%200), Environment: envs[i%3], Residency: []string{"eu", "us"}[i%2]})
		daily := make([]float64, 30)
		for d := range daily {
			daily[d] = float64(i%17 + d)
		}
		in.Accounts = append(in.Accounts, Account{ID: fmt.Sprintf("%012d", i+1), Name: name, Daily: daily})
	}
	return in
}

// BenchmarkComputeGroups: the groups of 2,000 accounts over 30 days (the
// target is under 50 ms).
func BenchmarkComputeGroups(b *testing.B) {
	in := bigInput()
	for b.Loop() {
		Compute(in, ByWorkload)
	}
}

// BenchmarkRenderText: the text of that view, 200 workloads (the target is
// under 5 ms).
func BenchmarkRenderText(b *testing.B) {
	v := Compute(bigInput(), ByWorkload)
	for b.Loop() {
		Text(io.Discard, "Target: bench", v, Fetch{Requests: 14, PricePerRequest: 0.01})
	}
}
