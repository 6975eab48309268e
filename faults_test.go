package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/sandbox"
)

// BenchmarkApplyUnderFaults runs `orgwizard apply` on the embedded sandbox
// (account creations of 4 s, as users get it) five times per fault mix, each
// on a fresh state whose sandbox answers a share of the calls with
// throttling, HTTP 500 or ConcurrentModificationException. Every apply must
// converge in one run, with exactly one accepted CreateAccount per account
// in the sandbox's call record (checkConverged); it reports the fastest and
// slowest apply.
//
//	go test . -run '^$' -bench ApplyUnderFaults -benchtime 1x
func BenchmarkApplyUnderFaults(b *testing.B) {
	bin := buildBinary(b)
	design := "examples/acme.yaml"
	for _, tc := range []struct {
		name   string
		faults sandbox.Faults
	}{
		{"throttle10-5xx2-conflict5", sandbox.Faults{ThrottleShare: 0.10, ServerErrorShare: 0.02, ConflictShare: 0.05}},
		{"throttle30", sandbox.Faults{ThrottleShare: 0.30}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				const applies = 5
				var fastest, slowest time.Duration
				converged := 0
				for i := range applies {
					dir := b.TempDir()
					state := filepath.Join(dir, "sandbox.json")
					setFaults(b, state, &tc.faults)
					cmd := exec.Command(bin, "apply", "--yes", "--design", design, "--sandbox-state", state)
					cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+dir)
					start := time.Now()
					out, err := cmd.CombinedOutput()
					took := time.Since(start)
					if err != nil {
						b.Errorf("apply %d of %d did not converge in one run: %v\n%s", i+1, applies, err, out)
						continue
					}
					if checkConverged(b, i, state, design, 0) != 0 {
						b.Errorf("apply %d: a creation failed", i+1)
						continue
					}
					converged++
					if fastest == 0 || took < fastest {
						fastest = took
					}
					slowest = max(slowest, took)
				}
				b.ReportMetric(float64(converged), "converged-of-5")
				b.ReportMetric(fastest.Seconds(), "s-fastest")
				b.ReportMetric(slowest.Seconds(), "s-slowest")
				b.Log(fmt.Sprintf("%s: %d of %d applies converged, %.1f-%.1f s", tc.name, converged, applies, fastest.Seconds(), slowest.Seconds()))
			}
		})
	}
}
