package ui

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/migrate"
	"github.com/orgwizard/orgwizard/costview"
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

	// dirty: the account runs workloads; migrateHalfway stops way (a)
	// after its third step until cancelled; migrated is set once way (a)
	// has run, after which the fake acts as the new management account.
	dirty          bool
	migrateHalfway bool
	migrated       bool

	// quota is the accounts quota Service Quotas reports (10 when 0);
	// args the flags that reach the target; awaits makes the plan await
	// that many creations an interrupted apply asked for.
	quota  int
	args   []string
	awaits int

	// org: the account is the management account of an organization that
	// exists. The costs screen's spend is over costsTree (else the plan's
	// tree, else acme's), with budgets; costsErr fails the read.
	org        bool
	costsTree  *orgmodel.Tree
	budgets    []costs.BudgetUse
	costsErr   error
	costsCalls int
	refreshes  int

	// identityOn: the organization has IAM Identity Center; identityReads
	// counts the reads, identityErr fails them; enabled counts the
	// sandbox's clicks; planTrees are the trees planned, in order.
	// orgBare: the organization exists with nothing of the design in it.
	orgBare       bool
	identityOn    bool
	identityReads int
	identityErr   error
	enabled       int
	planTrees     []*orgmodel.Tree
	// accessApplied: an apply carried access steps out, Identity Center on.
	accessApplied bool
}

const fakePortal = "https://d-9067000000.awsapps.com/start"

func (f *fakeBackend) IdentityCenter(_ context.Context, region string) (IdentityCenter, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.identityReads++
	if f.identityErr != nil {
		return IdentityCenter{}, f.identityErr
	}
	if !f.identityOn {
		return IdentityCenter{Region: region}, nil
	}
	return IdentityCenter{Enabled: true, InstanceARN: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-9067000000", Region: region, PortalURL: fakePortal}, nil
}

func (f *fakeBackend) EnableIdentityCenter(ctx context.Context, region string) (IdentityCenter, error) {
	f.mu.Lock()
	f.identityOn = true
	f.enabled++
	f.mu.Unlock()
	return f.IdentityCenter(ctx, region)
}

const (
	fakeAccount    = "111111111111"
	fakeNewAccount = "222222222222"
)

// me is the account the fake acts as.
func (f *fakeBackend) me() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.migrated {
		return fakeNewAccount
	}
	return fakeAccount
}

func (f *fakeBackend) Targets() []TargetChoice {
	return []TargetChoice{
		{Label: "The sandbox: a simulated AWS on this machine (scenario fresh)", Sandbox: true},
		{Label: "Real AWS: profile management", Profile: "management"},
	}
}

func (f *fakeBackend) Connect(context.Context, TargetChoice) (TargetInfo, error) {
	me := f.me()
	return TargetInfo{Describe: "sandbox, account " + me + " (state /tmp/sandbox.json)", AccountID: me, Sandbox: true, Args: f.args}, nil
}

func (f *fakeBackend) Preflight(context.Context) (Preflight, error) {
	f.mu.Lock()
	quota := cmp.Or(f.quota, 10)
	f.mu.Unlock()
	p := Preflight{AccountID: f.me(), Quota: quota, QuotaSource: "Service Quotas"}
	if f.org {
		p.Organization = &orgmodel.ActualOrganization{ID: "o-exampleorg", ManagementAccountID: fakeAccount, FeatureSet: "ALL"}
		p.Accounts = 10
	}
	if f.me() == fakeNewAccount {
		p.Organization = &orgmodel.ActualOrganization{ID: "o-exampleorg", ManagementAccountID: fakeNewAccount, FeatureSet: "ALL"}
		p.Accounts = 2
	}
	return p, nil
}

// Inventory finds the dirty-management scenario's kind of workloads in
// the old account, and nothing in a clean one.
func (f *fakeBackend) Inventory(_ context.Context, progress func(inventory.Progress)) (*inventory.Result, error) {
	me := f.me()
	res := &inventory.Result{Account: me, Regions: []string{"eu-west-1", "us-east-1", "us-west-2"}, Discovery: map[string]string{}}
	for i, r := range res.Regions {
		if progress != nil {
			progress(inventory.Progress{Done: i + 1, Total: len(res.Regions), Region: r, Service: "ec2"})
		}
	}
	if f.dirty && me == fakeAccount {
		res.Items = []inventory.Item{
			{Account: me, Region: "eu-west-1", Service: "ec2", Type: "instance", ID: "i-0shop", Name: "shop-web", Tags: map[string]string{"workload": "payments", "environment": "prod"}},
			{Account: me, Region: "eu-west-1", Service: "rds", Type: "db-instance", ID: "shop-orders", Name: "shop-orders", Tags: map[string]string{"workload": "payments", "environment": "prod"}},
			{Account: me, Region: "us-east-1", Service: "s3", Type: "bucket", ID: "acme-assets", Name: "acme-assets"},
			{Account: me, Region: "global", Service: "iam", Type: "user", ID: "ci-deploy", Name: "ci-deploy"},
		}
	}
	return res, nil
}

func (f *fakeBackend) NewManagementChoices() []TargetChoice {
	return []TargetChoice{{Sandbox: true, Label: "sandbox account " + fakeNewAccount + " (acme)", Profile: fakeNewAccount}}
}

func (f *fakeBackend) PrepareNewManagement(context.Context, TargetChoice) (NewManagement, error) {
	return NewManagement{NewAccount: fakeNewAccount, NewDescribe: "sandbox, account " + fakeNewAccount + " (state /tmp/sandbox.json)",
		OldAccount: fakeAccount, OldName: "acme-legacy", Sandbox: true}, nil
}

func (f *fakeBackend) RunNewManagement(ctx context.Context, on func(migrate.Event)) (TargetInfo, error) {
	done := []string{"created the organization (all features), root r-root", "created OU Transitional (ou-root-trans)", "invited account " + fakeAccount + " (handshake h-example)",
		"account " + fakeAccount + " accepted invitation h-example", "created role OrganizationAccountAccessRole in " + fakeAccount,
		"the new management account can assume OrganizationAccountAccessRole in " + fakeAccount, "moved account " + fakeAccount + " to Transitional"}
	for i, step := range wizard.MigrationSteps {
		if f.migrateHalfway && i == 3 {
			<-ctx.Done()
			return TargetInfo{}, ctx.Err()
		}
		on(migrate.Event{Step: step.ID, Done: done[i]})
	}
	f.mu.Lock()
	f.migrated = true
	f.mu.Unlock()
	return f.Connect(ctx, TargetChoice{Sandbox: true})
}

func (f *fakeBackend) actual() *orgmodel.Actual {
	if !f.converged && !f.applied {
		if f.orgBare {
			return &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-exampleorg", ManagementAccountID: fakeAccount, FeatureSet: "ALL"}, RootID: "r-root", SCPEnabled: true,
				Accounts: []orgmodel.ActualAccount{{ID: fakeAccount, Name: "founder", Email: "founder@acme.example", ParentID: "r-root"}}}
		}
		return &orgmodel.Actual{}
	}
	a := convergedActual(f.tree)
	if f.identityOn {
		a.Access = &orgmodel.ActualAccess{InstanceARN: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-9067000000", Region: f.tree.HomeRegion, PortalURL: fakePortal}
		if f.accessApplied && f.tree.Access != nil {
			convergedAccess(f.tree, a)
		}
	}
	return a
}

// convergedAccess fills a.Access with what tree's access block makes: its
// users, groups, orgwizard's permission sets and the assignments.
func convergedAccess(tree *orgmodel.Tree, a *orgmodel.Actual) {
	ac := a.Access
	userIDs := map[string]string{}
	for i, u := range tree.Access.Users {
		userIDs[u.UserName] = fmt.Sprintf("u-%d", i)
		ac.Users = append(ac.Users, orgmodel.ActualUser{ID: userIDs[u.UserName], UserName: u.UserName, Email: u.Email})
	}
	for _, g := range tree.Access.Groups {
		ag := orgmodel.ActualGroup{ID: "g-" + g.Name, Name: g.Name, Description: g.Description}
		for _, m := range g.Members {
			ag.MemberIDs = append(ag.MemberIDs, userIDs[m])
		}
		ac.Groups = append(ac.Groups, ag)
	}
	for _, ps := range tree.Access.PermissionSets {
		ac.PermissionSets = append(ac.PermissionSets, orgmodel.ActualPermissionSet{ARN: "ps-" + ps.Name, Name: ps.Name, Description: ps.Description,
			SessionDuration: ps.SessionDuration, ManagedPolicies: ps.ManagedPolicies, InlinePolicy: ps.InlinePolicy, Tags: map[string]string{orgmodel.TagManagedBy: orgmodel.ManagedByValue}})
	}
	ids := map[string]string{}
	for _, acc := range a.Accounts {
		ids[acc.Name] = acc.ID
	}
	for _, as := range tree.Access.Assignments {
		ac.Assignments = append(ac.Assignments, orgmodel.ActualAssignment{AccountID: ids[as.Account], PermissionSetARN: "ps-" + as.PermissionSet, PrincipalType: "GROUP", PrincipalID: "g-" + as.Group})
	}
}

func (f *fakeBackend) Plan(_ context.Context, tree *orgmodel.Tree) (*orgmodel.Plan, *orgmodel.Actual, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tree = tree
	f.planTrees = append(f.planTrees, tree)
	a := f.actual()
	p := orgmodel.MakePlan(tree, a)
	for i, n := 0, f.awaits; i < len(p.Steps) && n > 0; i++ {
		if p.Steps[i].Kind == orgmodel.StepCreateAccount {
			p.Steps[i].Kind, p.Steps[i].RequestID = orgmodel.StepAwaitAccount, "car-interrupted"
			n--
		}
	}
	return p, a, nil
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
	for _, s := range plan.Steps {
		if orgmodel.IsAccessStep(s.Kind) && f.identityOn {
			f.accessApplied = true
		}
	}
	f.mu.Unlock()
	return nil
}

func (f *fakeBackend) Verify(context.Context) (wizard.Verified, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	inv := wizard.Inventory{Taken: true, Regions: 3}
	if f.dirty && !f.migrated {
		inv = wizard.Inventory{Taken: true, Found: 4, Summary: "1 ec2 instance, 1 iam user, 1 rds db-instance, 1 s3 bucket", Regions: 3}
	}
	return wizard.Verified{Caller: fakeAccount, Actual: f.actual(), Inventory: inv}, nil
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

// acmeDesign reads examples/acme.yaml, which the repository carries: a
// missing or broken example fails the test. Call it from the test's own
// goroutine (t.Fatal elsewhere panics); goroutines take acmeFrom's result.
func acmeDesign(t testing.TB) *orgmodel.Design {
	t.Helper()
	data, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// acmeFrom returns a function that gives a fresh copy of acme's design on
// any goroutine: the file is read, and checked, once on the test's.
func acmeFrom(t testing.TB) func() *orgmodel.Design {
	t.Helper()
	data, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := orgmodel.Parse(data); err != nil {
		t.Fatal(err)
	}
	return func() *orgmodel.Design {
		d, err := orgmodel.Parse(data)
		if err != nil {
			panic(err) // parsed above: the same bytes parse the same way
		}
		return d
	}
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

// Costs answers a month of spend for the fake's tree (acme's when no plan
// was made): prod above staging above dev, payments-dev running away, the
// management account clean unless dirty. costsCalls counts the reads,
// refreshes those asked to refresh.
func (f *fakeBackend) Costs(_ context.Context, refresh bool) (CostsReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.costsCalls++
	if refresh {
		f.refreshes++
	}
	if f.costsErr != nil {
		return CostsReport{}, f.costsErr
	}
	tree := f.costsTree
	if tree == nil {
		tree = f.tree
	}
	if tree == nil {
		data, err := os.ReadFile("../examples/acme.yaml")
		if err != nil {
			return CostsReport{}, err
		}
		d, err := orgmodel.Parse(data)
		if err != nil {
			return CostsReport{}, err
		}
		if tree, err = d.Expand(); err != nil {
			return CostsReport{}, err
		}
	}
	now := fixedNow()
	today := now.Truncate(24 * time.Hour)
	forecast := 1234.5
	in := costview.Input{Month: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), Start: today.AddDate(0, 0, -29), Today: today,
		ManagementID: fakeAccount, Forecast: &forecast, Current: true, Currency: "USD"}
	mgmt := 0.1
	if f.dirty {
		mgmt = 9
	}
	in.Accounts = append(in.Accounts, costview.Account{ID: fakeAccount, Name: "acme-management", Daily: daily(mgmt, 1)})
	for i, a := range tree.Accounts {
		base := map[string]float64{"prod": 40, "staging": 12, "dev": 4}[a.Environment]
		if base == 0 {
			base = 3
		}
		growth := 1.0
		if a.Name == "payments-dev" {
			growth = 1.2
		}
		in.Accounts = append(in.Accounts, costview.Account{ID: fmt.Sprintf("9%011d", i), Name: a.Name, Daily: daily(base+float64(i%7), growth)})
	}
	r := CostsReport{Input: in, Fetch: costview.Fetch{Requests: 2, PricePerRequest: 0.01}, Budgets: f.budgets}
	if f.costsCalls > 1 && !refresh {
		r.Fetch = costview.Fetch{FromCache: true, Age: 5 * time.Minute, PricePerRequest: 0.01}
	}
	return r, nil
}

// daily is 30 days of spend from base, each day growth times the one before.
func daily(base, growth float64) []float64 {
	out := make([]float64, 30)
	for i := range out {
		out[i] = base
		base *= growth
	}
	return out
}
