package ui

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/wizard"
)

// fakeBackend answers like a fresh sandbox account. With converged set the
// organization already matches the design; with stopHalfway the apply stops
// in the middle until it is cancelled.
type fakeBackend struct {
	mu          sync.Mutex
	converged   bool
	stopHalfway bool
	tree        *orgmodel.Tree
	applied     bool
}

const fakeAccount = "111111111111"

func (f *fakeBackend) Targets() []TargetChoice {
	return []TargetChoice{
		{Label: "The sandbox: a simulated AWS on this machine (scenario fresh)", Sandbox: true},
		{Label: "Real AWS: profile management", Profile: "management"},
	}
}

func (f *fakeBackend) Connect(context.Context, TargetChoice) (TargetInfo, error) {
	return TargetInfo{Describe: "sandbox, account " + fakeAccount + " (state /tmp/sandbox.json)", AccountID: fakeAccount, Sandbox: true}, nil
}

func (f *fakeBackend) Preflight(context.Context) (Preflight, error) {
	return Preflight{AccountID: fakeAccount, Quota: 10, QuotaSource: "Service Quotas", Resources: 0, Inventory: "no tagged resources in us-east-1: the account is clean."}, nil
}

func (f *fakeBackend) actual() *orgmodel.Actual {
	if !f.converged && !f.applied {
		return &orgmodel.Actual{}
	}
	return convergedActual(f.tree)
}

func (f *fakeBackend) Plan(_ context.Context, tree *orgmodel.Tree) (*orgmodel.Plan, *orgmodel.Actual, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tree = tree
	a := f.actual()
	return orgmodel.MakePlan(tree, a), a, nil
}

func (f *fakeBackend) Apply(ctx context.Context, plan *orgmodel.Plan, _ *orgmodel.Actual, on func(apply.Event)) error {
	n := len(plan.Steps)
	stop := n
	if f.stopHalfway {
		// Stop with the third account creation under way.
		for i, s := range plan.Steps {
			if s.Kind == orgmodel.StepCreateAccount {
				stop = i + 2
				break
			}
		}
	}
	inFlight := 0
	for i, s := range plan.Steps[:stop] {
		on(apply.Event{Kind: apply.Started, Index: i, Step: s, Done: i, Total: n})
		if s.Kind == orgmodel.StepCreateAccount && i == stop-1 && f.stopHalfway {
			on(apply.Event{Kind: apply.Retrying, Index: i, Step: s, Message: "TooManyRequestsException, again in 1s", Done: i, Total: n})
		}
		on(apply.Event{Kind: apply.Succeeded, Index: i, Step: s, Done: i + 1, Total: n, InFlight: inFlight})
	}
	if f.stopHalfway {
		for i := stop; i < min(stop+3, n); i++ {
			inFlight++
			on(apply.Event{Kind: apply.Waiting, Index: i, Step: plan.Steps[i], Message: "AWS is creating the account", Done: stop, Total: n, InFlight: inFlight})
		}
		<-ctx.Done()
		return ctx.Err()
	}
	f.mu.Lock()
	f.applied = true
	f.mu.Unlock()
	return nil
}

func (f *fakeBackend) Verify(context.Context) (wizard.Verified, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return wizard.Verified{Caller: fakeAccount, Actual: f.actual(), Resources: 0}, nil
}

// convergedActual is an organization exactly as tree describes it.
func convergedActual(tree *orgmodel.Tree) *orgmodel.Actual {
	a := &orgmodel.Actual{
		Organization: &orgmodel.ActualOrganization{ID: "o-exampleorg", ManagementAccountID: fakeAccount, FeatureSet: "ALL"},
		RootID:       "r-root", SCPEnabled: true,
	}
	ids := map[string]string{"": "r-root"}
	for i, o := range tree.OUs {
		id := "ou-root-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		ids[o.Path] = id
		a.OUs = append(a.OUs, orgmodel.ActualOU{ID: id, ParentID: ids[o.Parent], Name: o.Name})
	}
	a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: fakeAccount, Name: "founder", Email: "founder@acme.example", ParentID: "r-root"})
	names := map[orgmodel.Target]string{{Type: orgmodel.TargetRoot, Name: "Root"}: "r-root"}
	for path, id := range ids {
		names[orgmodel.Target{Type: orgmodel.TargetOU, Name: path}] = id
	}
	for i, acc := range tree.Accounts {
		id := "2000000000" + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
		a.Accounts = append(a.Accounts, orgmodel.ActualAccount{ID: id, Name: acc.Name, Email: acc.Email, ParentID: ids[acc.OU], Tags: acc.Tags})
		names[orgmodel.Target{Type: orgmodel.TargetAccount, Name: acc.Name}] = id
	}
	for i, p := range tree.Policies {
		ap := orgmodel.ActualPolicy{ID: "p-" + string(rune('a'+i)), Name: p.Name, Content: p.Content}
		for _, t := range p.Targets {
			ap.Targets = append(ap.Targets, names[t])
		}
		a.Policies = append(a.Policies, ap)
	}
	return a
}

func acmeDesign(t testing.TB) *orgmodel.Design {
	t.Helper()
	data, err := os.ReadFile("../../shared/examples/acme.yaml")
	if err != nil {
		t.Skip("examples not found:", err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// plain is the screen as text, one line per row, trailing spaces trimmed.
func plain(m *Model) string {
	m.quitting = false
	lines := strings.Split(stripANSI(m.render()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}
