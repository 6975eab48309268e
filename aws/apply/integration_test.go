package apply_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/internal/testenv"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// env is one target with the clients the tool uses on it.
type env struct {
	t      *testing.T
	target *target.Target
	orgs   *orgs.Client
	quota  orgs.QuotaAPI
	poll   time.Duration
}

func newEnv(t *testing.T, tg *target.Target, poll time.Duration) *env {
	t.Helper()
	t.Cleanup(func() { tg.Close() })
	client := organizations.NewFromConfig(tg.Config, func(o *organizations.Options) {
		o.APIOptions = append(o.APIOptions, orgs.ObserveAttempts)
	})
	return &env{t: t, target: tg, orgs: orgs.New(client, 8), quota: servicequotas.NewFromConfig(tg.Config), poll: poll}
}

// sandboxEnv opens a fresh sandbox of scenario, fast, with cfg's tweaks.
func sandboxEnv(t *testing.T, scenario string, tweak func(*sandbox.Config)) (*env, *sandbox.Sandbox) {
	t.Helper()
	cfg := sandbox.Config{
		StatePath:          filepath.Join(t.TempDir(), "sandbox.json"),
		Scenario:           scenario,
		CreateAccountDelay: 40 * time.Millisecond,
		RatePerSecond:      -1,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	sb, err := sandbox.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, tg, 2*time.Millisecond), sb
}

func motoEnv(t *testing.T) *env {
	t.Helper()
	url := moto.URL(t)
	moto.Env(t, url)
	tg, err := target.Open(context.Background(), target.Spec{EndpointURL: url})
	if err != nil {
		t.Fatal(err)
	}
	return newEnv(t, tg, 5*time.Millisecond)
}

func design(t testing.TB, name string, edit func(*orgmodel.Design)) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../examples", name))
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(d)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func (e *env) read() *orgmodel.Actual {
	e.t.Helper()
	a, err := e.orgs.Read(context.Background())
	if err != nil {
		e.t.Fatalf("reading the organization: %v", err)
	}
	return a
}

func (e *env) apply(tree *orgmodel.Tree, opt apply.Options) (*orgmodel.Plan, error) {
	e.t.Helper()
	actual := e.read()
	plan := orgmodel.MakePlan(tree, actual)
	opt.PollInitial, opt.PollMax = e.poll, 2*e.poll
	if opt.Quota == nil {
		opt.Quota = func(ctx context.Context) (int, string, error) {
			n, src := orgs.AccountQuota(ctx, e.quota, apply.DefaultAccountQuota)
			return n, src, nil
		}
	}
	return plan, apply.New(e.orgs, opt).Apply(context.Background(), plan, actual)
}

// converge applies tree and checks that the organization then matches it.
func (e *env) converge(tree *orgmodel.Tree) *orgmodel.Plan {
	e.t.Helper()
	plan, err := e.apply(tree, apply.Options{})
	if err != nil {
		e.t.Fatalf("apply: %v", err)
	}
	e.assertConverged(tree)
	return plan
}

func (e *env) assertConverged(tree *orgmodel.Tree) {
	e.t.Helper()
	actual := e.read()
	if again := orgmodel.MakePlan(tree, actual); !again.Empty() {
		var steps []string
		for _, s := range again.Steps {
			steps = append(steps, s.String())
		}
		e.t.Fatalf("a second plan has %d steps:\n  %s", len(steps), strings.Join(steps, "\n  "))
	}
	seen := map[string]bool{}
	for _, a := range actual.Accounts {
		email := strings.ToLower(a.Email)
		if seen[email] {
			e.t.Errorf("email %s belongs to two accounts", a.Email)
		}
		seen[email] = true
	}
	for _, c := range actual.Creations {
		if c.State == orgmodel.CreationInProgress {
			e.t.Errorf("creation of %s still in progress", c.AccountName)
		}
	}
}

func TestFreshToAcmeOnSandbox(t *testing.T) {
	e, sb := sandboxEnv(t, "fresh", nil)
	tree := design(t, "acme.yaml", nil)
	plan := e.converge(tree)
	if plan.Count(orgmodel.StepCreateAccount) != 9 {
		t.Errorf("created %d accounts", plan.Count(orgmodel.StepCreateAccount))
	}
	// The accounts are where the design puts them, with their tags.
	got := e.read().Tree()
	byName := map[string]orgmodel.Account{}
	for _, a := range got.Accounts {
		byName[a.Name] = a
	}
	for _, want := range tree.Accounts {
		have, ok := byName[want.Name]
		if !ok || have.OU != want.OU || have.Email != want.Email || have.Tags["workload"] != want.Tags["workload"] {
			t.Errorf("account %s: have %+v", want.Name, have)
		}
	}
	creates := 0
	for _, c := range sb.Calls() {
		if c.Operation == "CreateAccount" && c.Outcome == "ok" {
			creates++
		}
	}
	if creates != 9 {
		t.Errorf("the sandbox recorded %d successful CreateAccount calls, want 9", creates)
	}
}

func TestFreshToAcmeOnMoto(t *testing.T) {
	e := motoEnv(t)
	e.converge(design(t, "acme.yaml", nil))
}

func TestByWorkloadOnMoto(t *testing.T) {
	e := motoEnv(t)
	e.converge(design(t, "acme.yaml", func(d *orgmodel.Design) { d.Layout = orgmodel.ByWorkload }))
}

func TestExistingOrgAdoptsMovesAndLeavesUnmanaged(t *testing.T) {
	e, _ := sandboxEnv(t, "existing-org", nil)
	before := e.read()
	if before.Organization == nil {
		t.Fatal("the existing-org scenario has no organization")
	}
	tree := design(t, "acme.yaml", nil)
	plan := orgmodel.MakePlan(tree, before)
	if len(plan.Adopted) == 0 {
		t.Error("nothing in existing-org was adopted")
	}
	if plan.Count(orgmodel.StepMoveAccount) <= plan.Count(orgmodel.StepCreateAccount) {
		t.Error("no existing account was moved (existing-org has misplaced ones)")
	}
	if len(plan.Unmanaged) == 0 {
		t.Error("existing-org has an unmanaged account, the plan lists none")
	}
	e.converge(tree)
	after := e.read()
	// The unmanaged ones are untouched: same parent, same tags.
	for _, u := range plan.Unmanaged {
		if u.Kind != "account" {
			continue
		}
		var b, a orgmodel.ActualAccount
		for _, x := range before.Accounts {
			if x.ID == u.ID {
				b = x
			}
		}
		for _, x := range after.Accounts {
			if x.ID == u.ID {
				a = x
			}
		}
		if a.ID == "" || a.ParentID != b.ParentID || len(a.Tags) != len(b.Tags) {
			t.Errorf("unmanaged account %s changed: before %+v after %+v", u.Name, b, a)
		}
	}
	// Adopted accounts kept their ids: nothing was created in their place.
	for name, id := range plan.Adopted {
		found := false
		for _, a := range after.Accounts {
			if a.ID == id && a.Name != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("adopted account %s (%s) is gone", name, id)
		}
	}
}

func TestConvergesUnderThrottlingAndServerErrors(t *testing.T) {
	e, sb := sandboxEnv(t, "fresh", func(c *sandbox.Config) {
		c.Faults = &sandbox.Faults{ThrottleShare: 0.10, ServerErrorShare: 0.02, ConflictShare: 0.05}
	})
	retries := 0
	tree := design(t, "acme.yaml", nil)
	_, err := e.apply(tree, apply.Options{OnEvent: func(ev apply.Event) {
		if ev.Kind == apply.Retrying {
			retries++
		}
	}})
	if err != nil {
		t.Fatalf("apply under faults: %v", err)
	}
	e.assertConverged(tree)
	if retries == 0 {
		t.Error("no retry was seen: the faults did not bite, so this test proves nothing")
	}
	// A 500 may come after the work: CreateAccount is then looked up, not
	// sent again, and AWS accepts it once per account.
	accepted := 0
	for _, c := range sb.Calls() {
		if c.Operation == "CreateAccount" && c.Outcome == "ok" {
			accepted++
		}
	}
	if accepted != len(tree.Accounts) {
		t.Errorf("the sandbox accepted %d CreateAccount calls for %d accounts", accepted, len(tree.Accounts))
	}
}

func TestFailedCreationThenRerunCompletes(t *testing.T) {
	e, sb := sandboxEnv(t, "fresh", func(c *sandbox.Config) {
		c.Faults = &sandbox.Faults{FailCreateAccount: []sandbox.CreateAccountFailure{{Match: "website-dev", Reason: "INTERNAL_FAILURE"}}}
	})
	tree := design(t, "acme.yaml", nil)
	_, err := e.apply(tree, apply.Options{})
	var failures apply.Failures
	if !errors.As(err, &failures) {
		t.Fatalf("err = %v, want step failures", err)
	}
	if !strings.Contains(err.Error(), "website-dev") || !strings.Contains(err.Error(), "INTERNAL_FAILURE") || !strings.Contains(err.Error(), "run apply again") {
		t.Errorf("unclear message: %v", err)
	}
	if err := sb.SetFaults(sandbox.Faults{}); err != nil {
		t.Fatal(err)
	}
	plan := e.converge(tree)
	if plan.Count(orgmodel.StepCreateAccount) != 1 {
		t.Errorf("the re-run created %d accounts, want the 1 that failed", plan.Count(orgmodel.StepCreateAccount))
	}
}

func TestSmallQuotaStopsBeforeCreatingAnything(t *testing.T) {
	e, sb := sandboxEnv(t, "small-quota", nil)
	tree := design(t, "acme.yaml", nil)
	_, err := e.apply(tree, apply.Options{})
	var qe *apply.QuotaError
	if !errors.As(err, &qe) {
		t.Fatalf("err = %v, want a quota error", err)
	}
	if qe.Limit != 4 || qe.Needed != 10 {
		t.Errorf("limit %d needed %d", qe.Limit, qe.Needed)
	}
	for _, c := range sb.Calls() {
		switch c.Operation {
		case "CreateOrganization", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy":
			t.Errorf("%s was called before the quota stopped the apply", c.Operation)
		}
	}
}

// TestEmailTakenOutsideTheOrganization: AWS ends a creation FAILED with
// EMAIL_ALREADY_EXISTS. The re-run's plan says so, with the fix; applying
// that fix (another email template) creates the one missing account and
// leaves the others, matched by name, as they are.
func TestEmailTakenOutsideTheOrganization(t *testing.T) {
	e, sb := sandboxEnv(t, "fresh", func(c *sandbox.Config) {
		c.Faults = &sandbox.Faults{FailCreateAccount: []sandbox.CreateAccountFailure{{Match: "aws+payments-dev@acme.example", Reason: "EMAIL_ALREADY_EXISTS"}}}
	})
	tree := design(t, "acme.yaml", nil)
	if _, err := e.apply(tree, apply.Options{}); err == nil || !strings.Contains(err.Error(), "EMAIL_ALREADY_EXISTS") {
		t.Fatalf("err = %v, want the failed creation", err)
	}
	plan := orgmodel.MakePlan(tree, e.read())
	if plan.Count(orgmodel.StepCreateAccount) != 1 || !strings.Contains(plan.Steps[0].Why, "the last creation of payments-dev failed: EMAIL_ALREADY_EXISTS") {
		t.Fatalf("the re-run's plan does not show the failure:%v", plan.Steps)
	}
	if len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0], "emailTemplate") {
		t.Errorf("warnings: %v", plan.Warnings)
	}
	before := e.read()
	fixed := design(t, "acme.yaml", func(d *orgmodel.Design) {
		d.Organization.Email = ""
		d.Organization.EmailTemplate = "cloud-{account}@acme.example"
	})
	e.converge(fixed)
	after := e.read()
	if len(after.Accounts) != len(before.Accounts)+1 {
		t.Errorf("%d accounts after the fix, want %d", len(after.Accounts), len(before.Accounts)+1)
	}
	creates := 0
	for _, c := range sb.Calls() {
		if c.Operation == "CreateAccount" {
			creates++
		}
	}
	if creates != len(tree.Accounts)+1 {
		t.Errorf("%d CreateAccount calls, want %d: one per account and the one that failed", creates, len(tree.Accounts)+1)
	}
}
