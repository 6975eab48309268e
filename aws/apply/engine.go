// Package apply carries a plan out against AWS: steps in dependency order,
// account creations five at a time (AWS's limit), the next one starting the
// moment one finishes, the accounts quota checked before anything is created,
// and typed progress events for the line printer and the wizard.
package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// Ops is what the engine asks of AWS, one change at a time; *orgs.Client
// implements it.
type Ops interface {
	CreateOrganization(ctx context.Context) (rootID string, err error)
	EnableSCPs(ctx context.Context, rootID string) error
	CreateOU(ctx context.Context, parentID, name string) (string, error)
	StartAccountCreation(ctx context.Context, name, email string, tags map[string]string) (orgmodel.AccountCreation, error)
	CreationStatus(ctx context.Context, requestID string) (orgmodel.AccountCreation, error)
	// FindCreation looks up at AWS a creation whose request went unanswered.
	FindCreation(ctx context.Context, name, email string, since time.Time) (orgmodel.AccountCreation, bool, error)
	MoveAccount(ctx context.Context, accountID, fromID, toID string) error
	TagAccount(ctx context.Context, accountID string, tags map[string]string) error
	CreatePolicy(ctx context.Context, name, description, content string) (string, error)
	UpdatePolicy(ctx context.Context, policyID, description, content string) error
	AttachPolicy(ctx context.Context, policyID, targetID string) error
	DetachPolicy(ctx context.Context, policyID, targetID string) error
}

var _ Ops = (*orgs.Client)(nil)

// BillingOps is what the engine asks of AWS Budgets and Cost Explorer for
// the budget and cost category steps; *budgets.Client implements it.
type BillingOps interface {
	// CreateBudget creates the budget, filtered to linkedAccount ("" for
	// the whole bill), adopting one of that name that exists already.
	CreateBudget(ctx context.Context, b orgmodel.Budget, linkedAccount string) error
	UpdateBudget(ctx context.Context, b orgmodel.Budget, linkedAccount string) error
	// CreateCostCategory takes each value's account ids and returns the ARN.
	CreateCostCategory(ctx context.Context, name string, values map[string][]string) (string, error)
	UpdateCostCategory(ctx context.Context, arn string, values map[string][]string) error
}

// MaxCreationsInFlight is AWS's limit on account creations in progress at
// once in one organization.
const MaxCreationsInFlight = 5

// Options tune the engine; the zero value of each field means its default.
type Options struct {
	// MaxInFlight bounds account creations in progress (MaxCreationsInFlight).
	MaxInFlight int
	// Parallel bounds the other calls in flight (8).
	Parallel int
	// PollInitial is the wait before the first look at a creation while
	// no creation time is known (1 s); PollMax bounds every wait between
	// two looks (15 s: AWS takes minutes).
	PollInitial, PollMax time.Duration
	// CreationTime is how long a creation is expected to take, where it
	// is known (the sandbox's delay over its speed); 0: learnt from the
	// first creations that end. Either way the engine learns from the
	// creations it sees end and looks near each one's expected end.
	CreationTime time.Duration
	// PollRate bounds the looks at creations in progress, all together, in
	// calls per second (0: unbounded), with a burst of one look per
	// creation in flight. Five creations polled on their own would trip
	// Organizations' throttling; the looks share one budget.
	PollRate float64
	// Billing carries out the budget and cost category steps; a plan that
	// has some fails them when it is nil.
	Billing BillingOps
	// Access carries out the Identity Center steps; a plan that has some
	// fails them when it is nil.
	Access AccessOps
	// AccessTime is how long an Identity Center request (an assignment, a
	// provisioning) is expected to take, where it is known (the sandbox's
	// delay over its speed); 0: learnt from the first that end.
	AccessTime time.Duration
	// Baseline carries out the security baseline's steps; a plan that has
	// some fails them when it is nil.
	Baseline BaselineOps
	// Journal records creations in flight; an in-memory one when nil.
	Journal *Journal
	// Quota returns the accounts quota of the organization and where the
	// number comes from. Nil skips the check.
	Quota func(ctx context.Context) (limit int, source string, err error)
	// OnEvent hears every event, from one goroutine at a time.
	OnEvent func(Event)
	// Now is the clock (time.Now).
	Now func() time.Time
}

// EventKind is what happened to a step.
type EventKind string

const (
	Started   EventKind = "started"
	Waiting   EventKind = "waiting"
	Retrying  EventKind = "retrying"
	Succeeded EventKind = "succeeded"
	Failed    EventKind = "failed"
)

// Event is one change in the progress of an apply.
type Event struct {
	Time     time.Time
	Kind     EventKind
	Index    int // the step's index in the plan
	Step     orgmodel.Step
	Message  string
	Done     int // steps finished, failed included
	Total    int
	InFlight int // account creations in progress at AWS
	// Bucket is the log bucket's real name on the events of the steps
	// that name it (the bucket's and the trail's), once this apply knows
	// it: a plan made before log-archive and the organization had ids
	// names it with a placeholder, and the bucket's first step makes the
	// name from them.
	Bucket string
}

// StepError is a step that failed, with what the user can do about it.
type StepError struct {
	Step orgmodel.Step
	Err  error
}

func (e *StepError) Error() string { return e.Step.String() + ": " + e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// Failures is every step that failed in one apply.
type Failures []*StepError

// Unwrap gives errors.As and errors.Is each step's error.
func (f Failures) Unwrap() []error {
	out := make([]error, len(f))
	for i, e := range f {
		out[i] = e
	}
	return out
}

func (f Failures) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of the plan's steps failed:", len(f))
	for _, e := range f {
		b.WriteString("\n  - ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// QuotaError: the design needs more accounts than the organization may have.
type QuotaError struct {
	Needed, Limit int
	Source        string
}

func (e *QuotaError) Error() string {
	// One fact, then the way out, on a line of its own.
	return fmt.Sprintf("the design needs %d accounts, over your quota of %d (%s): %d missing, the management account counted. Nothing was created.\n"+
		"Ask AWS for at least %d: aws service-quotas request-service-quota-increase --service-code organizations --quota-code L-E619E033 --desired-value %d "+
		"(or in the console: Service Quotas, AWS Organizations, \"Default maximum number of accounts\"), then run apply again; "+
		"or remove workloads, environments or residencies from the design",
		e.Needed, e.Limit, e.Source, e.Needed-e.Limit, e.Needed, e.Needed)
}

// DefaultAccountQuota is AWS's default for a new organization, the
// management account included.
const DefaultAccountQuota = 10

// Engine applies one plan.
type Engine struct {
	ops  Ops
	opt  Options
	plan *orgmodel.Plan

	slots chan struct{} // one per account creation in progress
	polls *rate.Limiter
	pace  *pacer
	// The Identity Center requests' own pacing and budget of looks.
	accessPace  *pacer
	accessPolls *rate.Limiter

	mu       sync.Mutex // guards what follows and serialises OnEvent
	done     int
	inFlight int
	failures Failures
	ids      ids
	access   accessIDs
	// accessRan: this run carried out access steps (applyAccess got past
	// its checks), so a clean result may clear the access journal.
	accessRan bool
	// succeeded holds the steps done, which the baseline's later steps
	// wait for; base, the ids its steps learn as they go.
	succeeded map[int]bool
	base      baselineIDs
}

// ids maps what the plan names by path or name to AWS ids, as they become known.
type ids struct {
	root     string
	ous      map[string]string // path → id
	accounts map[string]string // name → id
	policies map[string]string // name → id
}

// New returns an engine over ops.
func New(ops Ops, opt Options) *Engine {
	if opt.MaxInFlight <= 0 || opt.MaxInFlight > MaxCreationsInFlight {
		opt.MaxInFlight = MaxCreationsInFlight
	}
	if opt.Parallel <= 0 {
		opt.Parallel = 8
	}
	if opt.PollInitial <= 0 {
		opt.PollInitial = time.Second
	}
	if opt.PollMax < opt.PollInitial {
		opt.PollMax = max(15*time.Second, opt.PollInitial)
	}
	if opt.Journal == nil {
		opt.Journal = &Journal{data: journalData{Version: 1, Entries: map[string]JournalEntry{}}}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	polls := rate.NewLimiter(rate.Inf, 1)
	if opt.PollRate > 0 {
		// A burst of one look per creation in flight: creations started
		// together end together, and each is looked at right away.
		polls = rate.NewLimiter(rate.Limit(opt.PollRate), opt.MaxInFlight)
	}
	accessPolls := rate.NewLimiter(rate.Inf, 1)
	if opt.PollRate > 0 {
		accessPolls = rate.NewLimiter(rate.Limit(opt.PollRate), 4*opt.Parallel)
	}
	return &Engine{ops: ops, opt: opt, slots: make(chan struct{}, opt.MaxInFlight), polls: polls, pace: newPacer(opt.CreationTime),
		accessPace: newPacer(opt.AccessTime), accessPolls: accessPolls}
}

// Apply carries plan out against the organization actual describes (the one
// the plan was made from). It returns nil when every step succeeded,
// *QuotaError when the quota forbids the plan (nothing done), Failures when
// some steps failed (the others done), or the context's error when
// interrupted; in every case a re-run of plan and apply completes the work.
func (e *Engine) Apply(ctx context.Context, plan *orgmodel.Plan, actual *orgmodel.Actual) error {
	e.plan = plan
	e.initIDs(plan, actual)
	if err := checkKinds(plan); err != nil {
		return err
	}
	e.initAccessIDs(actual)
	if err := e.checkQuota(ctx, plan, actual); err != nil {
		return err
	}

	// The organization and the policy type come first: everything needs them.
	for i, s := range plan.Steps {
		switch s.Kind {
		case orgmodel.StepCreateOrganization:
			if !e.run(ctx, i, func(ctx context.Context) error {
				root, err := e.ops.CreateOrganization(ctx)
				e.mu.Lock()
				e.ids.root = root
				e.ids.ous[""] = root
				e.mu.Unlock()
				return err
			}) {
				return e.result(ctx)
			}
		case orgmodel.StepEnablePolicyType:
			if !e.run(ctx, i, func(ctx context.Context) error { return e.ops.EnableSCPs(ctx, e.ids.root) }) {
				return e.result(ctx)
			}
		}
	}

	// OUs, one depth level at a time: siblings in parallel.
	levels := map[int][]int{}
	maxDepth := 0
	for i, s := range plan.Steps {
		if s.Kind == orgmodel.StepCreateOU {
			d := strings.Count(s.OU, "/")
			levels[d] = append(levels[d], i)
			maxDepth = max(maxDepth, d)
		}
	}
	for d := 0; d <= maxDepth; d++ {
		e.parallel(ctx, levels[d], e.opt.Parallel, func(i int) {
			s := plan.Steps[i]
			e.run(ctx, i, func(ctx context.Context) error {
				parent, err := e.ouID(s.Parent)
				if err != nil {
					return err
				}
				id, err := e.ops.CreateOU(ctx, parent, lastName(s.OU))
				if err == nil {
					e.mu.Lock()
					e.ids.ous[s.OU] = id
					e.mu.Unlock()
				}
				return err
			})
		})
	}

	// Accounts and policies: creations in a pipeline of MaxInFlight, each
	// followed by its move; moves, tags and policy changes alongside.
	moveOf := map[string]int{} // account name → index of its move step
	var creations, others []int
	for i, s := range plan.Steps {
		switch s.Kind {
		case orgmodel.StepMoveAccount:
			if s.AccountID == "" {
				moveOf[s.Subject] = i
			} else {
				others = append(others, i)
			}
		case orgmodel.StepCreateAccount, orgmodel.StepAwaitAccount:
			creations = append(creations, i)
		case orgmodel.StepTagAccount, orgmodel.StepCreatePolicy, orgmodel.StepUpdatePolicy:
			others = append(others, i)
		}
	}
	// Creations AWS already has in progress hold their slots before any new
	// creation may take one: AWS counts them against the same limit.
	var awaits, creates []int
	for _, i := range creations {
		if plan.Steps[i].Kind == orgmodel.StepAwaitAccount {
			awaits = append(awaits, i)
		} else {
			creates = append(creates, i)
		}
	}
	var wg sync.WaitGroup
	for _, i := range awaits {
		if err := e.acquire(ctx); err != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.account(ctx, i, moveOf, true)
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		// Every creation waits for a slot inside; the bound here only
		// keeps goroutines few.
		e.parallel(ctx, creates, 4*e.opt.MaxInFlight, func(i int) {
			e.account(ctx, i, moveOf, false)
		})
	}()
	go func() {
		defer wg.Done()
		e.parallel(ctx, others, e.opt.Parallel, func(i int) { e.other(ctx, i) })
	}()
	wg.Wait()

	// Attachments last: they may target accounts created above.
	var attachments []int
	for i, s := range plan.Steps {
		if s.Kind == orgmodel.StepAttachPolicy || s.Kind == orgmodel.StepDetachPolicy {
			attachments = append(attachments, i)
		}
	}
	e.parallel(ctx, attachments, e.opt.Parallel, func(i int) {
		s := plan.Steps[i]
		e.run(ctx, i, func(ctx context.Context) error {
			policyID, err := e.policyID(s)
			if err != nil {
				return err
			}
			targetID, err := e.targetID(s)
			if err != nil {
				return err
			}
			if s.Kind == orgmodel.StepDetachPolicy {
				return e.ops.DetachPolicy(ctx, policyID, targetID)
			}
			return e.ops.AttachPolicy(ctx, policyID, targetID)
		})
	})

	// Budgets and cost categories name accounts by id: they come once
	// every account exists.
	var billing []int
	for i, s := range plan.Steps {
		switch s.Kind {
		case orgmodel.StepCreateBudget, orgmodel.StepUpdateBudget, orgmodel.StepCreateCostCategory, orgmodel.StepUpdateCostCategory:
			billing = append(billing, i)
		}
	}
	e.parallel(ctx, billing, e.opt.Parallel, func(i int) { e.run(ctx, i, func(ctx context.Context) error { return e.billing(ctx, plan.Steps[i]) }) })

	// Identity Center and the security baseline act in and on accounts:
	// they come once every account exists (access.go, baseline.go).
	e.applyAccess(ctx, plan)
	e.applyBaseline(ctx, plan, actual)
	err := e.result(ctx)
	if err == nil && e.accessRan {
		// Every access step went through: what the journal still holds
		// of Identity Center is from runs whose work this one found
		// done. A run without access steps (access skipped) knows
		// nothing of them and leaves them for the next access apply to
		// look up.
		err = e.opt.Journal.ClearAccess()
	}
	return err
}

// billing carries out a budget or cost category step.
func (e *Engine) billing(ctx context.Context, s orgmodel.Step) error {
	if e.opt.Billing == nil {
		return errors.New("this apply cannot reach AWS Budgets and Cost Explorer")
	}
	switch s.Kind {
	case orgmodel.StepCreateBudget, orgmodel.StepUpdateBudget:
		if s.Budget == nil {
			return errors.New("the step has no budget")
		}
		linked := s.AccountID
		if s.Budget.Account != "" && linked == "" {
			var err error
			if linked, err = e.accountID(s.Budget.Account); err != nil {
				return err
			}
		}
		if s.Kind == orgmodel.StepCreateBudget {
			return e.opt.Billing.CreateBudget(ctx, *s.Budget, linked)
		}
		return e.opt.Billing.UpdateBudget(ctx, *s.Budget, linked)
	default:
		if s.Category == nil {
			return errors.New("the step has no cost category")
		}
		values := map[string][]string{}
		for v, names := range s.Category.Values {
			for _, name := range names {
				id, err := e.accountID(name)
				if err != nil {
					return err
				}
				values[v] = append(values[v], id)
			}
		}
		if s.Kind == orgmodel.StepUpdateCostCategory {
			return e.opt.Billing.UpdateCostCategory(ctx, s.CategoryArn, values)
		}
		_, err := e.opt.Billing.CreateCostCategory(ctx, s.Subject, values)
		return err
	}
}

func (e *Engine) accountID(name string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.ids.accounts[name]
	if !ok {
		return "", fmt.Errorf("account %s does not exist (its creation failed above, or it is not in the organization)", name)
	}
	return id, nil
}

func (e *Engine) result(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.failures) > 0 {
		return e.failures
	}
	return nil
}

func (e *Engine) initIDs(plan *orgmodel.Plan, actual *orgmodel.Actual) {
	e.ids = ids{ous: map[string]string{}, accounts: map[string]string{}, policies: map[string]string{}}
	if actual == nil {
		return
	}
	e.ids.root = actual.RootID
	for id, path := range actual.OUPaths() {
		e.ids.ous[path] = id
	}
	for name, id := range plan.Adopted {
		e.ids.accounts[name] = id
	}
	for _, p := range actual.Policies {
		e.ids.policies[p.Name] = p.ID
	}
}

func (e *Engine) checkQuota(ctx context.Context, plan *orgmodel.Plan, actual *orgmodel.Actual) error {
	creating := plan.Count(orgmodel.StepCreateAccount) + plan.Count(orgmodel.StepAwaitAccount)
	if creating == 0 || e.opt.Quota == nil {
		return nil
	}
	existing := 1 // the management account, in an organization still to create
	if actual != nil && actual.Organization != nil {
		existing = len(actual.Accounts)
	}
	limit, source, err := e.opt.Quota(ctx)
	if err != nil {
		return fmt.Errorf("reading the accounts quota: %w", err)
	}
	if needed := existing + creating; needed > limit {
		return &QuotaError{Needed: needed, Limit: limit, Source: source}
	}
	return nil
}

// run carries out step i with events around it, and reports whether it succeeded.
func (e *Engine) run(ctx context.Context, i int, fn func(context.Context) error) bool {
	if ctx.Err() != nil {
		return false
	}
	e.emit(Started, i, "")
	err := fn(e.stepContext(ctx, i))
	if err != nil {
		e.fail(ctx, i, err)
		return false
	}
	e.finish(i, "")
	return true
}

// stepContext lets the SDK report each failed attempt of the step's calls as
// a retry, as it happens.
func (e *Engine) stepContext(ctx context.Context, i int) context.Context {
	return orgs.WithAttemptHook(ctx, func(op string, err error) {
		if ctx.Err() != nil {
			return
		}
		code := orgs.Code(err)
		if code == "" {
			code = "error"
		}
		e.emit(Retrying, i, op+": "+code)
	})
}

func (e *Engine) fail(ctx context.Context, i int, err error) {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return // interrupted, not failed: a re-run picks it up
	}
	e.mu.Lock()
	e.failures = append(e.failures, &StepError{Step: e.plan.Steps[i], Err: err})
	e.done++
	e.mu.Unlock()
	e.emit(Failed, i, err.Error())
}

func (e *Engine) finish(i int, msg string) {
	e.mu.Lock()
	e.done++
	if e.succeeded == nil {
		e.succeeded = map[int]bool{}
	}
	e.succeeded[i] = true
	e.mu.Unlock()
	e.emit(Succeeded, i, msg)
}

func (e *Engine) emit(kind EventKind, i int, msg string) {
	if e.opt.OnEvent == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	ev := Event{
		Time: e.opt.Now(), Kind: kind, Index: i, Step: e.plan.Steps[i], Message: msg,
		Done: e.done, Total: len(e.plan.Steps), InFlight: e.inFlight,
	}
	if namesBucket(ev.Step) {
		ev.Bucket = e.base.bucket
	}
	e.opt.OnEvent(ev)
}

// parallel runs fn for every index, at most n at once, and waits. It stops
// starting new work once ctx is done.
func (e *Engine) parallel(ctx context.Context, items []int, n int, fn func(int)) {
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, i := range items {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

func (e *Engine) ouID(path string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if path == "" {
		if e.ids.root == "" {
			return "", errors.New("the organization's root is not known (was the organization created?)")
		}
		return e.ids.root, nil
	}
	id, ok := e.ids.ous[path]
	if !ok {
		return "", fmt.Errorf("OU %s does not exist (its creation failed above)", path)
	}
	return id, nil
}

func (e *Engine) policyID(s orgmodel.Step) (string, error) {
	if s.PolicyID != "" {
		return s.PolicyID, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.ids.policies[s.Subject]
	if !ok {
		return "", fmt.Errorf("policy %s does not exist (its creation failed above)", s.Subject)
	}
	return id, nil
}

func (e *Engine) targetID(s orgmodel.Step) (string, error) {
	if s.TargetID != "" {
		return s.TargetID, nil
	}
	if s.Target == nil {
		return "", errors.New("the step names no target")
	}
	switch s.Target.Type {
	case orgmodel.TargetRoot:
		return e.ouID("")
	case orgmodel.TargetOU:
		return e.ouID(s.Target.Name)
	default:
		e.mu.Lock()
		defer e.mu.Unlock()
		id, ok := e.ids.accounts[s.Target.Name]
		if !ok {
			return "", fmt.Errorf("account %s does not exist (its creation failed above)", s.Target.Name)
		}
		return id, nil
	}
}

// other runs a move of an existing account, a tag step, or a policy change.
func (e *Engine) other(ctx context.Context, i int) {
	s := e.plan.Steps[i]
	e.run(ctx, i, func(ctx context.Context) error {
		switch s.Kind {
		case orgmodel.StepMoveAccount:
			to, err := e.ouID(s.OU)
			if err != nil {
				return err
			}
			return e.ops.MoveAccount(ctx, s.AccountID, s.FromID, to)
		case orgmodel.StepTagAccount:
			return e.ops.TagAccount(ctx, s.AccountID, s.Tags)
		case orgmodel.StepCreatePolicy:
			id, err := e.ops.CreatePolicy(ctx, s.Subject, s.Description, s.Content)
			if err == nil {
				e.mu.Lock()
				e.ids.policies[s.Subject] = id
				e.mu.Unlock()
			}
			return err
		case orgmodel.StepUpdatePolicy:
			return e.ops.UpdatePolicy(ctx, s.PolicyID, s.Description, s.Content)
		}
		return fmt.Errorf("unexpected step kind %s", s.Kind)
	})
}

func lastName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}
