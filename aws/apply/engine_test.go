package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// fakeOps is an organization in memory whose account creations take
// `delay`. It records the most creations ever in progress at once.
type fakeOps struct {
	delay time.Duration

	mu          sync.Mutex
	nextID      int
	requests    map[string]*fakeRequest
	creates     []string // account names, in the order CreateAccount was called
	inProgress  int
	maxProgress int
	calls       []string
	failNames   map[string]string // name → failure reason
	// loseAnswers: name → CreateAccount answers to lose after carrying the
	// request out; dropRequests: name → requests lost before AWS saw them.
	loseAnswers, dropRequests map[string]int
	// noLookup makes FindCreation find nothing: the engine as it would be
	// without its look-up, to show that the tests below can fail.
	noLookup bool
}

type fakeRequest struct {
	name, email string
	sent, done  time.Time
	accountID   string
	reason      string
	ended       bool
}

func newFake(delay time.Duration) *fakeOps {
	return &fakeOps{delay: delay, requests: map[string]*fakeRequest{}, failNames: map[string]string{},
		loseAnswers: map[string]int{}, dropRequests: map[string]int{}}
}

func (f *fakeOps) record(call string) {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.mu.Unlock()
}

func (f *fakeOps) id(prefix string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	return fmt.Sprintf("%s%04d", prefix, f.nextID)
}

func (f *fakeOps) CreateOrganization(context.Context) (string, error) {
	f.record("CreateOrganization")
	return "r-fake", nil
}
func (f *fakeOps) EnableSCPs(context.Context, string) error { f.record("EnablePolicyType"); return nil }
func (f *fakeOps) CreateOU(_ context.Context, parent, name string) (string, error) {
	f.record("CreateOU " + name)
	return f.id("ou-"), nil
}

func (f *fakeOps) StartAccountCreation(_ context.Context, name, email string, _ map[string]string) (orgmodel.AccountCreation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dropRequests[name] > 0 {
		f.dropRequests[name]--
		return orgmodel.AccountCreation{}, &orgs.OutcomeUnknownError{Op: "CreateAccount " + name, Err: io.ErrUnexpectedEOF}
	}
	f.calls = append(f.calls, "CreateAccount "+name)
	f.creates = append(f.creates, name)
	f.nextID++
	id := fmt.Sprintf("car-%d", f.nextID)
	f.requests[id] = &fakeRequest{name: name, email: email, sent: time.Now(), done: time.Now().Add(f.delay), accountID: fmt.Sprintf("%012d", f.nextID), reason: f.failNames[name]}
	f.inProgress++
	f.maxProgress = max(f.maxProgress, f.inProgress)
	if f.loseAnswers[name] > 0 {
		f.loseAnswers[name]--
		return orgmodel.AccountCreation{}, &orgs.OutcomeUnknownError{Op: "CreateAccount " + name, Err: io.ErrUnexpectedEOF}
	}
	return orgmodel.AccountCreation{RequestID: id, AccountName: name, State: orgmodel.CreationInProgress}, nil
}

// FindCreation finds the latest request for name sent since `since`.
func (f *fakeOps) FindCreation(ctx context.Context, name, _ string, since time.Time) (orgmodel.AccountCreation, bool, error) {
	f.record("FindCreation " + name)
	if f.noLookup {
		return orgmodel.AccountCreation{}, false, nil
	}
	f.mu.Lock()
	var latest string
	for id, r := range f.requests {
		if r.name == name && !r.sent.Before(since) && (latest == "" || r.sent.After(f.requests[latest].sent)) {
			latest = id
		}
	}
	f.mu.Unlock()
	if latest == "" {
		return orgmodel.AccountCreation{}, false, nil
	}
	st, err := f.CreationStatus(ctx, latest)
	return st, err == nil, err
}

func (f *fakeOps) CreationStatus(_ context.Context, requestID string) (orgmodel.AccountCreation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.requests[requestID]
	if !ok {
		return orgmodel.AccountCreation{}, &types.CreateAccountStatusNotFoundException{Message: aws.String("no such request")}
	}
	st := orgmodel.AccountCreation{RequestID: requestID, AccountName: r.name, State: orgmodel.CreationInProgress}
	if time.Now().After(r.done) {
		if !r.ended {
			r.ended = true
			f.inProgress--
		}
		st.State = orgmodel.CreationSucceeded
		st.AccountID = r.accountID
		if r.reason != "" {
			st.State, st.AccountID, st.FailureReason = orgmodel.CreationFailed, "", r.reason
		}
	}
	return st, nil
}

func (f *fakeOps) MoveAccount(_ context.Context, id, from, to string) error {
	f.record("MoveAccount " + id)
	return nil
}
func (f *fakeOps) TagAccount(context.Context, string, map[string]string) error {
	f.record("TagResource")
	return nil
}
func (f *fakeOps) CreatePolicy(_ context.Context, name, _, _ string) (string, error) {
	f.record("CreatePolicy " + name)
	return f.id("p-"), nil
}
func (f *fakeOps) UpdatePolicy(context.Context, string, string, string) error {
	f.record("UpdatePolicy")
	return nil
}
func (f *fakeOps) AttachPolicy(_ context.Context, p, t string) error {
	f.record("AttachPolicy " + p + " " + t)
	return nil
}
func (f *fakeOps) DetachPolicy(context.Context, string, string) error {
	f.record("DetachPolicy")
	return nil
}

func (f *fakeOps) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func acmeTree(t *testing.T) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func fastOptions() Options {
	return Options{PollInitial: time.Millisecond, PollMax: 2 * time.Millisecond}
}

func TestApplyCreatesFiveAtATime(t *testing.T) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(30 * time.Millisecond)
	var events []Event
	opt := fastOptions()
	opt.OnEvent = func(e Event) { events = append(events, e) }
	if err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatal(err)
	}
	if f.maxProgress != MaxCreationsInFlight {
		t.Errorf("at most %d creations in progress, want exactly %d", f.maxProgress, MaxCreationsInFlight)
	}
	if len(f.creates) != 9 {
		t.Errorf("%d CreateAccount calls, want 9", len(f.creates))
	}
	if n := f.count("MoveAccount"); n != 9 {
		t.Errorf("%d moves, want 9", n)
	}
	if n := f.count("AttachPolicy"); n != 6 {
		t.Errorf("%d attachments, want 6", n)
	}
	done := map[int]bool{}
	for _, e := range events {
		if e.Kind == Succeeded {
			done[e.Index] = true
		}
		if e.Kind == Failed {
			t.Errorf("failed: %s: %s", e.Step, e.Message)
		}
		if e.InFlight > MaxCreationsInFlight {
			t.Errorf("event reports %d in flight", e.InFlight)
		}
	}
	if len(done) != len(plan.Steps) {
		t.Errorf("%d steps succeeded, want %d", len(done), len(plan.Steps))
	}
}

func TestApplyQuotaStopsBeforeAnything(t *testing.T) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(time.Millisecond)
	opt := fastOptions()
	opt.Quota = func(context.Context) (int, string, error) { return 4, "test", nil }
	err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{})
	var qe *QuotaError
	if !errors.As(err, &qe) {
		t.Fatalf("err = %v, want a QuotaError", err)
	}
	if qe.Needed != 10 || qe.Limit != 4 {
		t.Errorf("needed %d limit %d", qe.Needed, qe.Limit)
	}
	if !strings.Contains(err.Error(), "6 missing") || !strings.Contains(err.Error(), "L-E619E033") {
		t.Errorf("message lacks the count or how to ask: %v", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("calls made before the quota check stopped: %v", f.calls)
	}
}

func TestApplyFailedCreation(t *testing.T) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(time.Millisecond)
	f.failNames["website-dev"] = "EMAIL_ALREADY_EXISTS"
	err := New(f, fastOptions()).Apply(context.Background(), plan, &orgmodel.Actual{})
	var failures Failures
	if !errors.As(err, &failures) {
		t.Fatalf("err = %v", err)
	}
	var cf *CreationFailedError
	if !errors.As(failures[0], &cf) || cf.Name != "website-dev" {
		t.Fatalf("first failure %v", failures[0])
	}
	if !strings.Contains(err.Error(), "change organization.email") {
		t.Errorf("no advice: %v", err)
	}
	// The other accounts were created all the same.
	if len(f.creates) != 9 || f.count("MoveAccount") != 8 {
		t.Errorf("creates %d, moves %d", len(f.creates), f.count("MoveAccount"))
	}
}

// TestJournalledRequestIsAwaited: a request in the journal from a crashed
// run is polled, never sent again.
func TestJournalledRequestIsAwaited(t *testing.T) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(time.Millisecond)
	// A crashed run sent CreateAccount for log-archive and heard back.
	f.requests["car-crashed"] = &fakeRequest{name: "log-archive", email: "aws+log-archive@acme.example", done: time.Now(), accountID: "555555555555"}
	f.inProgress = 1
	path := filepath.Join(t.TempDir(), "journal.json")
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Put(JournalEntry{Name: "log-archive", Email: "AWS+log-archive@acme.example", RequestID: "car-crashed"}); err != nil {
		t.Fatal(err)
	}
	j, err = OpenJournal(path) // as a new process would
	if err != nil {
		t.Fatal(err)
	}
	opt := fastOptions()
	opt.Journal = j
	if err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range f.creates {
		if name == "log-archive" {
			t.Fatal("log-archive was created again despite its journalled request")
		}
	}
	if !strings.Contains(strings.Join(f.calls, "\n"), "MoveAccount 555555555555") {
		t.Error("the awaited account was not moved to its OU")
	}
	if j.Len() != 0 {
		t.Errorf("journal keeps %d entries after success", j.Len())
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", info.Mode().Perm())
	}
}

// TestUnknownJournalledRequestIsCreated: AWS does not know the request (the
// sandbox was reset): the account is created.
func TestUnknownJournalledRequestIsCreated(t *testing.T) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(time.Millisecond)
	j, _ := OpenJournal(filepath.Join(t.TempDir(), "j.json"))
	j.Put(JournalEntry{Name: "log-archive", Email: "aws+log-archive@acme.example", RequestID: "car-gone"})
	opt := fastOptions()
	opt.Journal = j
	if err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatal(err)
	}
	if len(f.creates) != 9 {
		t.Errorf("%d creations, want 9", len(f.creates))
	}
}

func TestApplyInterruptedReturnsContextError(t *testing.T) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	opt := fastOptions()
	opt.OnEvent = func(e Event) {
		if e.Kind == Waiting {
			cancel()
		}
	}
	j, _ := OpenJournal(filepath.Join(t.TempDir(), "j.json"))
	opt.Journal = j
	err := New(f, opt).Apply(ctx, plan, &orgmodel.Actual{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if j.Len() == 0 {
		t.Error("creations in flight are not in the journal after an interruption")
	}
}

// creates counts the CreateAccount calls AWS carried out, by account name.
func (f *fakeOps) createsByName() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := map[string]int{}
	for _, name := range f.creates {
		n[name]++
	}
	return n
}

// duplicates lists the accounts AWS was asked to create more than once.
func duplicates(f *fakeOps) []string {
	var dup []string
	for name, n := range f.createsByName() {
		if n > 1 {
			dup = append(dup, fmt.Sprintf("%s x%d", name, n))
		}
	}
	return dup
}

// TestLostCreateAccountAnswerIsLookedUp: AWS carried CreateAccount out and
// the answer was lost. The engine looks the creation up instead of sending
// it again; without the look-up the same run asks for accounts twice, which
// shows that the count below can fail.
func TestLostCreateAccountAnswerIsLookedUp(t *testing.T) {
	for _, lookup := range []bool{true, false} {
		t.Run(fmt.Sprintf("lookup=%v", lookup), func(t *testing.T) {
			tree := acmeTree(t)
			plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
			f := newFake(5 * time.Millisecond)
			f.noLookup = !lookup
			f.loseAnswers["payments-dev"] = 1
			f.loseAnswers["log-archive"] = 2  // the look-up's answer lost too: found on the next
			f.dropRequests["website-dev"] = 1 // never reached AWS: sent again after the look-up
			j, _ := OpenJournal(filepath.Join(t.TempDir(), "j.json"))
			opt := fastOptions()
			opt.Journal = j
			err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{})
			dup := duplicates(f)
			if !lookup {
				if len(dup) == 0 {
					t.Fatal("without the look-up no account was asked for twice: the test cannot tell")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(dup) > 0 || len(f.creates) != 9 {
				t.Errorf("CreateAccount carried out %d times for 9 accounts; twice for %v", len(f.creates), dup)
			}
			if n := f.count("FindCreation website-dev"); n != 1 {
				t.Errorf("website-dev was looked up %d times, want once before it was sent again", n)
			}
			if n := f.count("MoveAccount"); n != 9 {
				t.Errorf("%d moves, want 9", n)
			}
			if j.Len() != 0 {
				t.Errorf("the journal keeps %d entries", j.Len())
			}
		})
	}
}

// TestJournalEntryWithoutRequestID: a crashed run wrote its journal entry,
// sent CreateAccount, and died before the answer. The re-run finds the
// request at AWS instead of sending a second one.
func TestJournalEntryWithoutRequestID(t *testing.T) {
	for _, lookup := range []bool{true, false} {
		t.Run(fmt.Sprintf("lookup=%v", lookup), func(t *testing.T) {
			tree := acmeTree(t)
			plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
			f := newFake(5 * time.Millisecond)
			f.noLookup = !lookup
			sent := time.Now()
			f.requests["car-crashed"] = &fakeRequest{name: "log-archive", email: "aws+log-archive@acme.example", sent: sent, done: sent.Add(20 * time.Millisecond), accountID: "555555555555"}
			f.creates = append(f.creates, "log-archive") // the crashed run's request
			f.inProgress = 1
			j, _ := OpenJournal(filepath.Join(t.TempDir(), "j.json"))
			if err := j.Put(JournalEntry{Name: "log-archive", Email: "aws+log-archive@acme.example", Requested: sent}); err != nil {
				t.Fatal(err)
			}
			opt := fastOptions()
			opt.Journal = j
			err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{})
			dup := duplicates(f)
			if !lookup {
				if len(dup) == 0 {
					t.Fatal("without the look-up log-archive was not asked for twice: the test cannot tell")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(dup) > 0 {
				t.Errorf("asked twice for %v", dup)
			}
			if !strings.Contains(strings.Join(f.calls, "\n"), "MoveAccount 555555555555") {
				t.Error("the account of the crashed run's request was not moved to its OU")
			}
		})
	}
}

// TestWithoutTheJournalARequestIsSentTwice is the control of
// TestJournalledRequestIsAwaited: the same crashed request, with the
// journal lost and the plan made before AWS listed it, is sent again. The
// duplicate counts used by the tests above (and by the crash test) see it.
func TestWithoutTheJournalARequestIsSentTwice(t *testing.T) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(time.Millisecond)
	f.requests["car-crashed"] = &fakeRequest{name: "log-archive", email: "aws+log-archive@acme.example", done: time.Now(), accountID: "555555555555"}
	f.creates = append(f.creates, "log-archive")
	if err := New(f, fastOptions()).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatal(err)
	}
	if dup := duplicates(f); len(dup) != 1 || dup[0] != "log-archive x2" {
		t.Errorf("duplicates %v, want log-archive twice", dup)
	}
}

// TestJournalledFailureIsSentAgain: the crashed run's request, found at AWS
// or journalled with its id, ended FAILED: it made no account, so the re-run
// asks again, once.
func TestJournalledFailureIsSentAgain(t *testing.T) {
	for _, withID := range []bool{false, true} {
		t.Run(fmt.Sprintf("request id journalled=%v", withID), func(t *testing.T) { journalledFailure(t, withID) })
	}
}

func journalledFailure(t *testing.T, withID bool) {
	tree := acmeTree(t)
	plan := orgmodel.MakePlan(tree, &orgmodel.Actual{})
	f := newFake(time.Millisecond)
	sent := time.Now()
	f.requests["car-crashed"] = &fakeRequest{name: "log-archive", email: "aws+log-archive@acme.example", sent: sent, done: sent, reason: "INTERNAL_FAILURE"}
	f.creates = append(f.creates, "log-archive")
	j, _ := OpenJournal(filepath.Join(t.TempDir(), "j.json"))
	entry := JournalEntry{Name: "log-archive", Email: "aws+log-archive@acme.example", Requested: sent}
	if withID {
		entry.RequestID = "car-crashed"
	}
	if err := j.Put(entry); err != nil {
		t.Fatal(err)
	}
	opt := fastOptions()
	opt.Journal = j
	if err := New(f, opt).Apply(context.Background(), plan, &orgmodel.Actual{}); err != nil {
		t.Fatalf("the failed request was taken for this run's: %v", err)
	}
	if n := f.createsByName()["log-archive"]; n != 2 {
		t.Errorf("log-archive asked for %d times, want the failed request and one more", n)
	}
}
