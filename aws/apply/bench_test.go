package apply_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"golang.org/x/time/rate"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/sandbox"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// fiftyAccounts is a design of exactly 50 member accounts: 25 workloads in
// two environments, no foundation accounts.
func fiftyAccounts(b *testing.B) *orgmodel.Tree {
	d := orgmodel.NewDesign()
	d.Organization = orgmodel.Organization{Name: "fifty", Email: "aws@fifty.example", HomeRegion: "eu-west-1"}
	d.Environments = []orgmodel.Environment{{Name: "dev"}, {Name: "prod"}}
	for i := range 25 {
		d.Workloads = append(d.Workloads, orgmodel.Workload{Name: fmt.Sprintf("service-%02d", i)})
	}
	d.Foundation.Security = false
	tree, err := d.Expand()
	if err != nil {
		b.Fatal(err)
	}
	return tree
}

// timedApply applies tree to a fresh sandbox whose creations take delay,
// with at most inFlight creations at once, and returns how long it took.
func timedApply(b *testing.B, tree *orgmodel.Tree, delay time.Duration, inFlight int) time.Duration {
	b.Helper()
	sb, err := sandbox.Open(sandbox.Config{
		StatePath:          filepath.Join(b.TempDir(), "sandbox.json"),
		CreateAccountDelay: delay,
		RatePerSecond:      -1,
		AccountQuota:       len(tree.Accounts) + 1,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		b.Fatal(err)
	}
	defer tg.Close()
	client := orgs.New(organizations.NewFromConfig(tg.Config), 8)
	ctx := context.Background()
	start := time.Now()
	actual, err := client.Read(ctx)
	if err != nil {
		b.Fatal(err)
	}
	plan := orgmodel.MakePlan(tree, actual)
	poll := max(delay/50, time.Millisecond)
	err = apply.New(client, apply.Options{MaxInFlight: inFlight, PollInitial: poll, PollMax: 2 * poll}).Apply(ctx, plan, actual)
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkApplyPipeline measures the target: with a creation delay
// L, an apply finishes within 1.15 x ceil(N/5) x L plus the other steps' own
// latency (measured as the same apply with instant creations), and compares
// it with a sequential baseline, one creation at a time, as CloudFormation's
// DependsOn chains and org-formation do.
//
//	go test ./aws/apply -run '^$' -bench ApplyPipeline -benchtime 1x
func BenchmarkApplyPipeline(b *testing.B) {
	const L = 300 * time.Millisecond
	for _, tc := range []struct {
		name string
		tree func(*testing.B) *orgmodel.Tree
	}{
		{"acme", func(b *testing.B) *orgmodel.Tree { return design(b, "acme.yaml", nil) }},
		{"fifty", fiftyAccounts},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tree := tc.tree(b)
			n := len(tree.Accounts)
			for b.Loop() {
				other := timedApply(b, tree, time.Millisecond, apply.MaxCreationsInFlight)
				pipelined := timedApply(b, tree, L, apply.MaxCreationsInFlight)
				sequential := timedApply(b, tree, L, 1)
				bound := time.Duration(1.15*math.Ceil(float64(n)/5)*float64(L)) + other
				b.ReportMetric(pipelined.Seconds(), "s-pipelined")
				b.ReportMetric(sequential.Seconds(), "s-sequential")
				b.ReportMetric(bound.Seconds(), "s-bound")
				b.ReportMetric(float64(pipelined)/float64(bound), "bound-ratio")
				b.ReportMetric(float64(sequential)/float64(pipelined), "x-faster")
			}
		})
	}
}

// BenchmarkReadLargeOrganization measures the target: reading an
// organization of 2,000 accounts and 200 OUs under a request rate R takes at
// most 1.25 x the fewest calls needed / R. The client keeps to R, the
// sandbox enforces it per operation.
//
//	go test ./aws/apply -run '^$' -bench ReadLarge -benchtime 1x
func BenchmarkReadLargeOrganization(b *testing.B) {
	const (
		accounts = 2000
		ous      = 200
		R        = 500 // calls per second
	)
	// The fewest calls: DescribeOrganization, ListRoots, ListPolicies and
	// ListCreateAccountStatus once each; OUs under the root (50, three
	// pages of 20) and under each first-level OU (3: one page) and each
	// second-level one (none: one page); accounts under every parent (ten
	// per OU, the management account in the root: one page each); tags of
	// every account, the management account included.
	fewest := 4 + (3 + 50 + 150) + (1 + ous) + (accounts + 1)
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "sandbox.json")
		if err := sandbox.SeedOrganization(path, accounts, ous); err != nil {
			b.Fatal(err)
		}
		sb, err := sandbox.Open(sandbox.Config{StatePath: path, RatePerSecond: R, Burst: R / 10})
		if err != nil {
			b.Fatal(err)
		}
		tg, err := target.ForSandbox(sb, target.Spec{})
		if err != nil {
			b.Fatal(err)
		}
		limiter := rate.NewLimiter(R, 1)
		client := orgs.New(organizations.NewFromConfig(tg.Config, func(o *organizations.Options) {
			o.APIOptions = append(o.APIOptions, orgs.RateLimited(limiter))
		}), 16)
		before := len(sb.Calls())
		start := time.Now()
		actual, err := client.Read(context.Background())
		elapsed := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if len(actual.Accounts) != accounts+1 || len(actual.OUs) != ous {
			b.Fatalf("read %d accounts and %d OUs", len(actual.Accounts), len(actual.OUs))
		}
		calls := len(sb.Calls()) - before
		ideal := time.Duration(float64(fewest) / R * float64(time.Second))
		b.ReportMetric(elapsed.Seconds(), "s-read")
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(float64(fewest), "fewest-calls")
		b.ReportMetric(float64(elapsed)/float64(ideal), "ratio")
		tg.Close()
		sb.Close()
	}
}
