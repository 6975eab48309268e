package apply

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// fakeAccess is an Identity Center in memory whose requests end after
// `looks` looks at them. Failures are injected per call.
type fakeAccess struct {
	mu       sync.Mutex
	looks    int
	next     int
	ops      map[string]*fakeAccessOp
	assigned map[orgmodel.ActualAssignment]bool
	calls    map[string]int
	// loseAnswer: CreateAssignment carries the request out and loses the
	// answer this many times; conflicts: AttachManagedPolicy answers
	// ConflictException this many times; fail: requests end FAILED;
	// refuse: calls of that name are refused with that code.
	loseAnswer, conflicts int
	fail                  bool
	refuse                map[string]string
	// noLookup makes FindAssignment find nothing: the engine as it would
	// be without its look-up, to show the tests below can fail.
	noLookup bool
}

type fakeAccessOp struct {
	a        orgmodel.ActualAssignment
	deleting bool
	looked   int
}

func newFakeAccess(looks int) *fakeAccess {
	return &fakeAccess{looks: looks, ops: map[string]*fakeAccessOp{}, assigned: map[orgmodel.ActualAssignment]bool{}, calls: map[string]int{}, refuse: map[string]string{}}
}

func apiError(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

func (f *fakeAccess) call(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[name]++
	if code, ok := f.refuse[name]; ok {
		return apiError(code)
	}
	return nil
}

func (f *fakeAccess) id(prefix string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	return fmt.Sprintf("%s-%04d", prefix, f.next)
}

func (f *fakeAccess) CreateGroup(_ context.Context, name, _ string) (string, error) {
	if err := f.call("CreateGroup"); err != nil {
		return "", err
	}
	return "g-" + name, nil
}
func (f *fakeAccess) UpdateGroupDescription(context.Context, string, string) error {
	return f.call("UpdateGroup")
}
func (f *fakeAccess) CreateUser(_ context.Context, u orgmodel.User) (string, error) {
	if err := f.call("CreateUser"); err != nil {
		return "", err
	}
	return "u-" + u.UserName, nil
}
func (f *fakeAccess) AddMember(context.Context, string, string) error { return f.call("AddMember") }
func (f *fakeAccess) CreatePermissionSet(_ context.Context, ps orgmodel.PermissionSet) (string, error) {
	if err := f.call("CreatePermissionSet"); err != nil {
		return "", err
	}
	return "ps-" + ps.Name, nil
}
func (f *fakeAccess) UpdatePermissionSet(context.Context, string, orgmodel.PermissionSet) error {
	return f.call("UpdatePermissionSet")
}
func (f *fakeAccess) AttachManagedPolicy(context.Context, string, string) error {
	if err := f.call("AttachManagedPolicy"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.conflicts > 0 {
		f.conflicts--
		return apiError("ConflictException")
	}
	return nil
}
func (f *fakeAccess) DetachManagedPolicy(context.Context, string, string) error {
	return f.call("DetachManagedPolicy")
}
func (f *fakeAccess) PutInlinePolicy(context.Context, string, string) error {
	return f.call("PutInlinePolicy")
}
func (f *fakeAccess) DeleteInlinePolicy(context.Context, string) error {
	return f.call("DeleteInlinePolicy")
}

func (f *fakeAccess) start(kind string, a orgmodel.ActualAssignment, deleting bool) orgmodel.AssignmentOperation {
	id := f.id(kind)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops[id] = &fakeAccessOp{a: a, deleting: deleting}
	return orgmodel.AssignmentOperation{PendingAssignment: orgmodel.PendingAssignment{RequestID: id, ActualAssignment: a, Deleting: deleting}, Status: "IN_PROGRESS"}
}

func (f *fakeAccess) status(id string) (orgmodel.AssignmentOperation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["Status"]++
	op, ok := f.ops[id]
	if !ok {
		return orgmodel.AssignmentOperation{}, apiError("ResourceNotFoundException")
	}
	op.looked++
	st := orgmodel.AssignmentOperation{PendingAssignment: orgmodel.PendingAssignment{RequestID: id, ActualAssignment: op.a, Deleting: op.deleting}, Status: "IN_PROGRESS"}
	if op.looked >= f.looks {
		st.Status = "SUCCEEDED"
		if f.fail {
			st.Status, st.FailureReason = "FAILED", "the role could not be made"
		} else if op.deleting {
			delete(f.assigned, op.a)
		} else {
			f.assigned[op.a] = true
		}
	}
	return st, nil
}

func (f *fakeAccess) Provision(_ context.Context, arn string) (orgmodel.AssignmentOperation, error) {
	if err := f.call("Provision"); err != nil {
		return orgmodel.AssignmentOperation{}, err
	}
	return f.start("prov", orgmodel.ActualAssignment{PermissionSetARN: arn}, false), nil
}
func (f *fakeAccess) ProvisioningStatus(_ context.Context, id string) (orgmodel.AssignmentOperation, error) {
	return f.status(id)
}
func (f *fakeAccess) FindProvisioning(context.Context, string) (orgmodel.AssignmentOperation, bool, error) {
	f.call("FindProvisioning")
	return orgmodel.AssignmentOperation{}, false, nil
}
func (f *fakeAccess) CreateAssignment(_ context.Context, a orgmodel.ActualAssignment) (orgmodel.AssignmentOperation, error) {
	if err := f.call("CreateAssignment"); err != nil {
		return orgmodel.AssignmentOperation{}, err
	}
	op := f.start("create", a, false)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.loseAnswer > 0 {
		f.loseAnswer--
		return orgmodel.AssignmentOperation{}, &identitycenter.OutcomeUnknownError{Op: "CreateAccountAssignment", Err: errors.New("connection reset")}
	}
	return op, nil
}
func (f *fakeAccess) DeleteAssignment(_ context.Context, a orgmodel.ActualAssignment) (orgmodel.AssignmentOperation, error) {
	if err := f.call("DeleteAssignment"); err != nil {
		return orgmodel.AssignmentOperation{}, err
	}
	return f.start("delete", a, true), nil
}
func (f *fakeAccess) CreationStatus(_ context.Context, id string) (orgmodel.AssignmentOperation, error) {
	return f.status(id)
}
func (f *fakeAccess) DeletionStatus(_ context.Context, id string) (orgmodel.AssignmentOperation, error) {
	return f.status(id)
}
func (f *fakeAccess) FindAssignment(_ context.Context, a orgmodel.ActualAssignment, deleting bool) (orgmodel.AssignmentOperation, bool, error) {
	f.call("FindAssignment")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noLookup {
		return orgmodel.AssignmentOperation{}, false, nil
	}
	for id, op := range f.ops {
		if op.a == a && op.deleting == deleting {
			return orgmodel.AssignmentOperation{PendingAssignment: orgmodel.PendingAssignment{RequestID: id, ActualAssignment: a, Deleting: deleting}, Status: "IN_PROGRESS"}, true, nil
		}
	}
	return orgmodel.AssignmentOperation{}, false, nil
}

// accessPlan plans a small design with access against an organization
// that exists, with Identity Center on and empty.
func accessPlan() (*orgmodel.Plan, *orgmodel.Actual) {
	tree := &orgmodel.Tree{Organization: "acme", HomeRegion: "eu-west-1", OUs: []orgmodel.OU{},
		Accounts: []orgmodel.Account{{Name: "app-dev", Email: "app-dev@acme.example", OU: "", Kind: orgmodel.WorkloadAccount, Tags: map[string]string{}}},
		Access: &orgmodel.AccessTree{
			PermissionSets: []orgmodel.PermissionSet{{Name: "admin", ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, SessionDuration: "PT1H"}},
			Groups:         []orgmodel.Group{{Name: "app-team", Members: []string{"ana@acme.example"}}},
			Users:          []orgmodel.User{{UserName: "ana@acme.example", Email: "ana@acme.example", DisplayName: "ana", GivenName: "ana", FamilyName: "acme.example"}},
			Assignments:    []orgmodel.Assignment{{Account: "app-dev", Group: "app-team", PermissionSet: "admin"}},
		}}
	actual := &orgmodel.Actual{Organization: &orgmodel.ActualOrganization{ID: "o-1", ManagementAccountID: "000000000000", FeatureSet: "ALL"}, RootID: "r-1",
		Accounts: []orgmodel.ActualAccount{{ID: "000000000000", Name: "acme", ParentID: "r-1"}, {ID: "111111111111", Name: "app-dev", Email: "app-dev@acme.example", ParentID: "r-1", Status: "ACTIVE"}},
		Access:   &orgmodel.ActualAccess{InstanceARN: "arn:aws:sso:::instance/ssoins-1", IdentityStoreID: "d-1", Region: "eu-west-1"}}
	return orgmodel.MakePlan(tree, actual), actual
}

func accessOptions(f *fakeAccess, j *Journal) (Options, *[]Event) {
	opt := fastOptions()
	opt.Access = f
	opt.AccessTime = time.Millisecond
	opt.Journal = j
	var mu sync.Mutex
	events := &[]Event{}
	opt.OnEvent = func(e Event) { mu.Lock(); *events = append(*events, e); mu.Unlock() }
	return opt, events
}

var wantAssignment = orgmodel.ActualAssignment{AccountID: "111111111111", PermissionSetARN: "ps-admin", PrincipalType: "GROUP", PrincipalID: "g-app-team"}

// TestAccessSteps: every step runs once, in dependency order, the
// assignment naming the ids its group and permission set were given, and
// waits for AWS to finish it.
func TestAccessSteps(t *testing.T) {
	plan, actual := accessPlan()
	f := newFakeAccess(2)
	opt, _ := accessOptions(f, nil)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"CreateGroup", "CreateUser", "AddMember", "CreatePermissionSet", "AttachManagedPolicy", "CreateAssignment"} {
		if f.calls[op] != 1 {
			t.Errorf("%s called %d times, want once: %v", op, f.calls[op], f.calls)
		}
	}
	if !f.assigned[wantAssignment] || f.calls["Status"] < 2 {
		t.Errorf("assigned %v after %d looks", f.assigned, f.calls["Status"])
	}
}

// TestAccessLostAnswerIsLookedUp: a CreateAccountAssignment whose answer is
// lost is looked up at AWS, found in progress, and awaited: never sent twice.
func TestAccessLostAnswerIsLookedUp(t *testing.T) {
	plan, actual := accessPlan()
	f := newFakeAccess(1)
	f.loseAnswer = 1
	opt, _ := accessOptions(f, nil)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	if f.calls["CreateAssignment"] != 1 || f.calls["FindAssignment"] != 1 || !f.assigned[wantAssignment] {
		t.Errorf("calls %v, assigned %v", f.calls, f.assigned)
	}
}

// TestAccessWithoutLookupSendsTwice: the same lost answer without the
// look-up sends the request again; the count above can fail.
func TestAccessWithoutLookupSendsTwice(t *testing.T) {
	plan, actual := accessPlan()
	f := newFakeAccess(1)
	f.loseAnswer, f.noLookup = 1, true
	opt, _ := accessOptions(f, nil)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	if f.calls["CreateAssignment"] != 2 {
		t.Errorf("CreateAssignment sent %d times, want 2 without the look-up", f.calls["CreateAssignment"])
	}
}

// TestAccessJournalResumesPolling: a request an earlier (killed) apply
// journalled with its id is polled, not sent again; one journalled without
// an id (its answer never heard) is looked up first; a finished apply
// leaves the journal empty.
func TestAccessJournalResumesPolling(t *testing.T) {
	plan, actual := accessPlan()
	f := newFakeAccess(2)
	earlier := f.start("create", wantAssignment, false)
	j, err := OpenJournal(filepath.Join(t.TempDir(), "journal.json"))
	if err != nil {
		t.Fatal(err)
	}
	key := "assign app-dev/admin/app-team"
	if err := j.PutAccess(key, AccessEntry{RequestID: earlier.RequestID, Requested: time.Now()}); err != nil {
		t.Fatal(err)
	}
	opt, events := accessOptions(f, j)
	// The earlier apply made the group and permission set too.
	actual.Access.Groups = []orgmodel.ActualGroup{{ID: "g-app-team", Name: "app-team"}}
	actual.Access.PermissionSets = []orgmodel.ActualPermissionSet{{ARN: "ps-admin", Name: "admin", SessionDuration: "PT1H",
		ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, Tags: map[string]string{orgmodel.TagManagedBy: orgmodel.ManagedByValue}}}
	plan = orgmodel.MakePlan(&orgmodel.Tree{Organization: "acme", HomeRegion: "eu-west-1", Accounts: []orgmodel.Account{{Name: "app-dev", Email: "app-dev@acme.example", Kind: orgmodel.WorkloadAccount, Tags: map[string]string{}}},
		Access: &orgmodel.AccessTree{PermissionSets: []orgmodel.PermissionSet{{Name: "admin", ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, SessionDuration: "PT1H"}},
			Groups: []orgmodel.Group{{Name: "app-team"}}, Assignments: []orgmodel.Assignment{{Account: "app-dev", Group: "app-team", PermissionSet: "admin"}}}}, actual)
	if plan.Count(orgmodel.StepCreateAssignment) != 1 || len(plan.Steps) != 1 {
		t.Fatalf("plan: %v", plan.Steps)
	}
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	if f.calls["CreateAssignment"] != 0 || !f.assigned[wantAssignment] || j.AccessLen() != 0 {
		t.Errorf("calls %v, assigned %v, journal %d", f.calls, f.assigned, j.AccessLen())
	}
	if !strings.Contains(eventText(*events), "an earlier apply sent this (request "+earlier.RequestID+")") {
		t.Errorf("events:\n%s", eventText(*events))
	}

	// Sent, answer never heard: looked up, found, awaited.
	f2 := newFakeAccess(1)
	f2.start("create", wantAssignment, false)
	if err := j.PutAccess(key, AccessEntry{Requested: time.Now()}); err != nil {
		t.Fatal(err)
	}
	opt, _ = accessOptions(f2, j)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	if f2.calls["CreateAssignment"] != 0 || f2.calls["FindAssignment"] != 1 || !f2.assigned[wantAssignment] {
		t.Errorf("calls %v, assigned %v", f2.calls, f2.assigned)
	}

	// A journalled request AWS does not know: a fresh one.
	f3 := newFakeAccess(1)
	if err := j.PutAccess(key, AccessEntry{RequestID: "gone", Requested: time.Now()}); err != nil {
		t.Fatal(err)
	}
	opt, _ = accessOptions(f3, j)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	if f3.calls["CreateAssignment"] != 1 || !f3.assigned[wantAssignment] {
		t.Errorf("calls %v, assigned %v", f3.calls, f3.assigned)
	}
}

func eventText(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "%s %s: %s\n", e.Kind, e.Step, e.Message)
	}
	return b.String()
}

// TestAccessConflictIsWaitedOut: ConflictException (a permission set still
// settling) is retried after a wait, shown as a retry.
func TestAccessConflictIsWaitedOut(t *testing.T) {
	plan, actual := accessPlan()
	f := newFakeAccess(1)
	f.conflicts = 3
	opt, events := accessOptions(f, nil)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	if f.calls["AttachManagedPolicy"] != 4 || strings.Count(eventText(*events), "ConflictException") != 3 {
		t.Errorf("calls %v, events:\n%s", f.calls, eventText(*events))
	}
}

// TestAccessFailures: a request AWS ends FAILED fails its step with AWS's
// reason; a refused create fails its step and those that need it, with
// what failed, and leaves nothing journalled; the other steps go on.
func TestAccessFailures(t *testing.T) {
	plan, actual := accessPlan()
	f := newFakeAccess(1)
	f.fail = true
	opt, _ := accessOptions(f, nil)
	err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual)
	var failures Failures
	if !errors.As(err, &failures) || len(failures) != 1 || !strings.Contains(err.Error(), "FAILED: the role could not be made") {
		t.Errorf("a FAILED assignment: %v", err)
	}

	f = newFakeAccess(1)
	f.refuse["CreateGroup"] = "AccessDeniedException"
	j, _ := OpenJournal(filepath.Join(t.TempDir(), "journal.json"))
	opt, _ = accessOptions(f, j)
	err = New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual)
	if !errors.As(err, &failures) || len(failures) != 3 || !strings.Contains(err.Error(), "group app-team does not exist (its creation failed above)") {
		t.Errorf("a refused group: %v", err)
	}
	if f.calls["CreateUser"] != 1 || f.calls["CreatePermissionSet"] != 1 || f.calls["CreateAssignment"] != 0 || j.AccessLen() != 0 {
		t.Errorf("calls %v, journal %d", f.calls, j.AccessLen())
	}

	f = newFakeAccess(1)
	f.refuse["CreateAssignment"] = "AccessDeniedException"
	opt, _ = accessOptions(f, j)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err == nil || j.AccessLen() != 0 {
		t.Errorf("a refused assignment: %v, journal %d", err, j.AccessLen())
	}
}

// TestAccessWaitsForIdentityCenter: without an instance the engine does
// the organization's steps, fails the one step only the user can take
// with what to click, and calls nothing of Identity Center.
func TestAccessWaitsForIdentityCenter(t *testing.T) {
	plan, actual := accessPlan()
	actual.Access = &orgmodel.ActualAccess{}
	actual.Accounts = actual.Accounts[:1]
	plan = orgmodel.MakePlan(&orgmodel.Tree{Organization: "acme", HomeRegion: "eu-west-1", Accounts: []orgmodel.Account{{Name: "app-dev", Email: "app-dev@acme.example", Kind: orgmodel.WorkloadAccount, Tags: map[string]string{}}},
		Access: &orgmodel.AccessTree{Groups: []orgmodel.Group{{Name: "app-team"}}}}, actual)
	f := newFakeAccess(1)
	org := newFake(time.Millisecond)
	opt, events := accessOptions(f, nil)
	err := New(org, opt).Apply(context.Background(), plan, actual)
	// The access steps after the click are reported as not done.
	for i, s := range plan.Steps {
		told := func(e Event) bool {
			return e.Index == i && strings.Contains(e.Message, "waits for IAM Identity Center")
		}
		if orgmodel.IsAccessStep(s.Kind) && s.Kind != orgmodel.StepEnableIdentityCenter && !slices.ContainsFunc(*events, told) {
			t.Errorf("step %q is not reported; events:\n%s", s, eventText(*events))
		}
	}
	var needed *IdentityCenterNeededError
	if !errors.As(err, &needed) || !strings.Contains(needed.Error(), "https://eu-west-1.console.aws.amazon.com/singlesignon/home?region=eu-west-1#!/") {
		t.Fatalf("apply: %v", err)
	}
	if len(org.creates) != 1 || len(f.calls) != 0 {
		t.Errorf("accounts created %v, Identity Center calls %v", org.creates, f.calls)
	}
}

// TestAccessWithoutClient: a plan with access steps and no client fails
// them, saying why.
func TestAccessWithoutClient(t *testing.T) {
	plan, actual := accessPlan()
	err := New(newFake(time.Millisecond), fastOptions()).Apply(context.Background(), plan, actual)
	if err == nil || !strings.Contains(err.Error(), "cannot reach IAM Identity Center") {
		t.Errorf("apply: %v", err)
	}
}

// TestAccessIsOutcomeUnknownClassifies: the engine tells a lost answer
// from a refusal by the adapter's error type.
func TestAccessIsOutcomeUnknownClassifies(t *testing.T) {
	if !identitycenter.IsOutcomeUnknown(&identitycenter.OutcomeUnknownError{Op: "x", Err: errors.New("reset")}) || identitycenter.IsOutcomeUnknown(apiError("ConflictException")) {
		t.Error("IsOutcomeUnknown")
	}
	if !identitycenter.IsConflict(fmt.Errorf("wrapped: %w", apiError("ConflictException"))) || identitycenter.IsConflict(apiError("ThrottlingException")) {
		t.Error("IsConflict")
	}
}

// TestAccessNamesIgnoreCase: a step naming a group or permission set in
// another case than the step that created it finds its id, as Identity
// Center itself would.
func TestAccessNamesIgnoreCase(t *testing.T) {
	plan, actual := accessPlan()
	for i, s := range plan.Steps {
		if s.Kind == orgmodel.StepCreateAssignment {
			a := *s.Access
			a.Group, a.PermissionSet = "App-Team", "ADMIN"
			plan.Steps[i].Access = &a
		}
	}
	f := newFakeAccess(1)
	opt, _ := accessOptions(f, nil)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), plan, actual); err != nil {
		t.Fatal(err)
	}
	if !f.assigned[wantAssignment] {
		t.Errorf("assigned %v", f.assigned)
	}
}

// chainPlan changes permission set admin, which exists and is provisioned:
// a policy attached, then provisioned again.
func chainPlan() *orgmodel.Plan {
	ref := orgmodel.AccessStep{PermissionSet: "admin", PermissionSetARN: "ps-admin"}
	attach := ref
	attach.Policy = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	return &orgmodel.Plan{Steps: []orgmodel.Step{
		{Kind: orgmodel.StepAttachManagedPolicy, Subject: "admin", Access: &attach},
		{Kind: orgmodel.StepProvision, Subject: "admin", Access: &ref},
	}}
}

// TestAccessWithoutClientFailsChains: a plan of permission set changes
// alone, without a client, fails every step instead of reporting success.
func TestAccessWithoutClientFailsChains(t *testing.T) {
	_, actual := accessPlan()
	opt := fastOptions()
	var events []Event
	opt.OnEvent = func(e Event) { events = append(events, e) }
	err := New(newFake(time.Millisecond), opt).Apply(context.Background(), chainPlan(), actual)
	var failures Failures
	if !errors.As(err, &failures) || len(failures) != 2 || !strings.Contains(err.Error(), "cannot reach IAM Identity Center") {
		t.Errorf("apply: %v, events:\n%s", err, eventText(events))
	}
}

// TestAccessChainStopsAtFailure: when a change of a permission set fails,
// the changes after it (its provisioning) are not sent, and fail saying
// what they needed.
func TestAccessChainStopsAtFailure(t *testing.T) {
	_, actual := accessPlan()
	f := newFakeAccess(1)
	f.refuse["AttachManagedPolicy"] = "AccessDeniedException"
	opt, _ := accessOptions(f, nil)
	err := New(newFake(time.Millisecond), opt).Apply(context.Background(), chainPlan(), actual)
	var failures Failures
	if !errors.As(err, &failures) || len(failures) != 2 || !strings.Contains(err.Error(), `not done: it needs "attach arn:aws:iam::aws:policy/ReadOnlyAccess to permission set admin", which failed above`) {
		t.Errorf("apply: %v", err)
	}
	if f.calls["Provision"] != 0 {
		t.Errorf("calls %v", f.calls)
	}
}

// TestAccessJournalKeptWithoutAccessSteps: an apply with no access steps
// (access skipped) leaves the journal's Identity Center requests for the
// next access apply to look up; one that carries out access steps clears
// them.
func TestAccessJournalKeptWithoutAccessSteps(t *testing.T) {
	_, actual := accessPlan()
	j, err := OpenJournal(filepath.Join(t.TempDir(), "journal.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := j.PutAccess("assign app-dev/admin/app-team", AccessEntry{Requested: time.Now()}); err != nil {
		t.Fatal(err)
	}
	f := newFakeAccess(1)
	opt, _ := accessOptions(f, j)
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), &orgmodel.Plan{}, actual); err != nil {
		t.Fatal(err)
	}
	if j.AccessLen() != 1 {
		t.Fatalf("after an apply without access steps the journal holds %d requests", j.AccessLen())
	}
	if err := New(newFake(time.Millisecond), opt).Apply(context.Background(), chainPlan(), actual); err != nil {
		t.Fatal(err)
	}
	if j.AccessLen() != 0 {
		t.Errorf("after an access apply the journal holds %d requests", j.AccessLen())
	}
}
