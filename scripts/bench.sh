#!/usr/bin/env bash
# Measures the project's speed and memory targets and prints the figures and
# ratios README.md quotes. Benchmarks, never timed unit tests, decide them.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== validate + expand a 2,002-account design (target: < 50 ms, < 50 MB)"
go test ./orgmodel -run '^$' -bench ValidateExpand2000 -benchmem -benchtime 20x | grep Benchmark

echo "== sandbox with 5,000 accounts and 500 OUs (target: median < 1 ms)"
go test ./sandbox -run '^$' -bench . -benchtime 5000x | grep Benchmark

echo "== apply with creation delay L=300ms (target: bound-ratio <= 1) and read of 2,000 accounts (target: ratio <= 1.25)"
go test ./aws/apply -run '^$' -bench 'ApplyPipeline|ReadLarge' -benchtime 1x | grep Benchmark

echo "== apply over HTTP with creations of 2 s (target: bound-ratio <= 1; L=20s: -bench 'ApplyOverHTTP/L=20s' -timeout 30m)"
go test ./aws/apply -run '^$' -bench 'ApplyOverHTTP/L=2s' -benchtime 1x | grep Benchmark

echo "== apply under faults, 5 runs per mix (target: converged-of-5 = 5)"
go test . -run '^$' -bench ApplyUnderFaults -benchtime 1x -timeout 20m | grep Benchmark

echo "== access aws-config for 2,000 accounts (target: < 100 ms)"
go test ./access -run '^$' -bench AWSConfig2000 -benchmem | grep Benchmark
echo "== access aws-config for 2,000 accounts with Identity Center, 4,000 profiles (target: < 100 ms)"
go test ./cli -run '^$' -bench AWSConfigSSO2000 -benchmem | grep Benchmark
go test ./access -run '^$' -bench AWSConfigSSO2000 -benchmem | grep Benchmark

echo "== costs view of 2,000 accounts (target: groups < 50 ms, text < 5 ms) and its Cost Explorer requests (target: the fewest)"
go test ./costview -run '^$' -bench . -benchmem | grep Benchmark
go test ./aws/costs -run '^$' -bench ViewRequests -benchtime 3x | grep Benchmark

echo "== wizard frames (target: preview frame with 1,000 accounts < 5 ms; first frame < 200 ms)"
go test ./ui -run '^$' -bench . -benchmem | grep Benchmark

echo "== audit against moto_server (target: < 20 s)"
go test ./cli -run '^$' -bench AuditAgainstMoto -benchtime 1x | grep Benchmark

echo "== inventory sweep of 17 regions (target: <= 1.3 x the slowest single region)"
go test ./aws/inventory -run '^$' -bench SweepAllRegions -benchtime 10x | grep -E 'Benchmark|bench_test'
go test ./aws/inventory -run '^$' -bench SweepClient -benchmem | grep Benchmark

echo "== orgwizard, Terraform and org-formation building acme and 30 accounts at sandbox speed 2 (a few minutes; a tool not installed is left out)"
go test ./export -run '^$' -bench ToolsApply -benchtime 1x -timeout 30m -v | grep -E 'Benchmark|left out'
