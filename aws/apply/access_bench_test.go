package apply_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"golang.org/x/time/rate"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// fewestCalls is the least number of Identity Center calls a plan's access
// steps can take: one per change, and for each asynchronous request (a
// provisioning, an assignment made, removed or awaited) the one look AWS's
// IN_PROGRESS answer makes necessary at the least.
func fewestCalls(p *orgmodel.Plan) int {
	n := 0
	for _, s := range p.Steps {
		switch s.Kind {
		case orgmodel.StepProvision, orgmodel.StepCreateAssignment, orgmodel.StepDeleteAssignment:
			n += 2
		case orgmodel.StepAwaitAssignment:
			n++
		case orgmodel.StepEnableIdentityCenter:
		default:
			if orgmodel.IsAccessStep(s.Kind) {
				n++
			}
		}
	}
	return n
}

// accessRoundTrips builds acme on a fresh sandbox at its request rate (and
// speed 50), enables Identity Center, then applies the access the wizard
// proposes (about 30 assignments) as the cli does: the Identity Center
// clients sharing the sandbox's request rate, the engine pacing its looks.
// It returns the Identity Center calls the apply made, the fewest the plan
// allows, and how long the apply took.
func accessRoundTrips(tb testing.TB) (used, fewest int, took time.Duration) {
	tb.Helper()
	const speed = 50
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(tb.TempDir(), "sandbox.json"), Speed: speed})
	if err != nil {
		tb.Fatal(err)
	}
	defer sb.Close()
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		tb.Fatal(err)
	}
	defer tg.Close()
	ctx := context.Background()
	org := orgs.New(organizations.NewFromConfig(tg.Config), 8)
	tree := design(tb, "acme.yaml", nil)
	actual, err := org.Read(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if err := apply.New(org, apply.Options{PollInitial: time.Millisecond, PollMax: 20 * time.Millisecond}).Apply(ctx, orgmodel.MakePlan(tree, actual), actual); err != nil {
		tb.Fatal(err)
	}
	if _, err := sb.EnableIdentityCenter(tg.AccountID, tree.HomeRegion); err != nil {
		tb.Fatal(err)
	}
	tree.Access = acmeAccess(tree)

	limiter := rate.NewLimiter(sandbox.DefaultRatePerSecond, sandbox.DefaultRatePerSecond)
	ic := identitycenter.New(
		ssoadmin.NewFromConfig(tg.Config, func(o *ssoadmin.Options) { o.APIOptions = append(o.APIOptions, orgs.RateLimited(limiter)) }),
		identitystore.NewFromConfig(tg.Config, func(o *identitystore.Options) { o.APIOptions = append(o.APIOptions, orgs.RateLimited(limiter)) }),
		identitycenter.Options{HomeRegion: tree.HomeRegion})
	if actual, err = org.Read(ctx); err != nil {
		tb.Fatal(err)
	}
	if actual.Access, err = ic.Read(ctx); err != nil {
		tb.Fatal(err)
	}
	plan := orgmodel.MakePlan(tree, actual)
	before := len(sb.Calls())
	start := time.Now()
	err = apply.New(org, apply.Options{Access: ic, AccessTime: time.Duration(float64(sandbox.DefaultIdentityCenterDelay) / speed),
		PollRate: sandbox.DefaultRatePerSecond / 2}).Apply(ctx, plan, actual)
	took = time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range sb.Calls()[before:] {
		if c.Service == "sso" || c.Service == "identitystore" {
			used++
		}
	}
	if n := plan.Count(orgmodel.StepCreateAssignment); n < 25 {
		tb.Fatalf("the plan has %d assignments, want about 30", n)
	}
	return used, fewestCalls(plan), took
}

// TestAccessApplyRoundTrips holds the apply of acme's access to 1.2 times
// the fewest round trips at the sandbox's request rate.
func TestAccessApplyRoundTrips(t *testing.T) {
	used, fewest, took := accessRoundTrips(t)
	t.Logf("access apply: %d Identity Center calls, fewest possible %d (%.2fx), in %s", used, fewest, float64(used)/float64(fewest), took.Round(time.Millisecond))
	if float64(used) > 1.2*float64(fewest) {
		t.Errorf("%d calls, over 1.2 times the fewest (%d)", used, fewest)
	}
}

// BenchmarkAccessApply reports the same figures: calls per apply, the
// fewest possible and their ratio.
func BenchmarkAccessApply(b *testing.B) {
	var used, fewest int
	for b.Loop() {
		u, f, _ := accessRoundTrips(b)
		used, fewest = u, f
		if float64(u) > 1.2*float64(f) {
			b.Fatalf("%d calls, over 1.2 times the fewest (%d)", u, f)
		}
	}
	b.ReportMetric(float64(used), "calls/apply")
	b.ReportMetric(float64(fewest), "fewest/apply")
	b.ReportMetric(float64(used)/float64(fewest), "ratio")
}
