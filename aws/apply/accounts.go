package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// account creates (or awaits) the account of step i while holding one of the
// MaxInFlight creation slots, then moves it to its OU with the slot already
// given back, so that the next creation starts the moment AWS finishes one.
//
// held says the caller already holds a slot for this step (an await).
func (e *Engine) account(ctx context.Context, i int, moveOf map[string]int, held bool) {
	s := e.plan.Steps[i]
	var accountID string
	ok := e.run(ctx, i, func(ctx context.Context) error {
		id, err := e.createAccount(ctx, i, s, held)
		accountID = id
		return err
	})
	mi, hasMove := moveOf[s.Subject]
	if !hasMove {
		return
	}
	if !ok {
		if ctx.Err() == nil {
			e.fail(ctx, mi, fmt.Errorf("account %s was not created", s.Subject))
		}
		return
	}
	e.mu.Lock()
	e.ids.accounts[s.Subject] = accountID
	from := e.ids.root
	e.mu.Unlock()
	move := e.plan.Steps[mi]
	e.run(ctx, mi, func(ctx context.Context) error {
		to, err := e.ouID(move.OU)
		if err != nil {
			return err
		}
		return e.ops.MoveAccount(ctx, accountID, from, to)
	})
}

// createAccount returns the id of the account of step s once AWS has created
// it: by awaiting a request already in flight (from the plan or the journal),
// by finding at AWS a request whose answer was never heard, or by asking for
// a new one, journalled before and after.
func (e *Engine) createAccount(ctx context.Context, i int, s orgmodel.Step, held bool) (string, error) {
	if !held {
		if err := e.acquire(ctx); err != nil {
			return "", err
		}
	}
	defer e.release()

	requestID := s.RequestID
	entry, journalled := e.opt.Journal.Lookup(s.Email)
	if requestID == "" && journalled && entry.RequestID != "" {
		requestID = entry.RequestID
	}
	switch {
	case requestID != "":
		id, err := e.await(ctx, i, s, requestID, s.RequestID == "")
		if !errors.Is(err, errNothingInFlight) {
			return id, err
		}
		// AWS no longer knows the journalled request (a reset sandbox, or
		// an old journal), or it ended FAILED before this run: only a fresh
		// request can create the account.
	case journalled:
		// Sent, and the answer never heard (a crash, a lost answer): the
		// outcome is unknown until AWS's records say otherwise.
		e.emit(Waiting, i, "an earlier CreateAccount went unanswered; looking for it at AWS before sending it again")
		st, found, err := e.ops.FindCreation(e.stepContext(ctx, i), s.Subject, s.Email, entry.Requested)
		if err != nil {
			return "", fmt.Errorf("looking up the creation sent at %s: %w", entry.Requested.Format(time.RFC3339), err)
		}
		switch {
		case found && st.State == orgmodel.CreationFailed:
			// That request made no account, and the plan, which saw the
			// failure, asks for the account again.
			e.emit(Waiting, i, "the earlier request ended FAILED ("+st.FailureReason+"); sending a new one")
		case found:
			return e.adopt(ctx, i, s, st, entry.Requested)
		}
	}

	for attempt := 1; ; attempt++ {
		sent := e.opt.Now()
		if err := e.opt.Journal.Put(JournalEntry{Name: s.Subject, Email: s.Email, Requested: sent}); err != nil {
			return "", fmt.Errorf("writing the apply journal before CreateAccount: %w", err)
		}
		st, err := e.startCreation(ctx, i, s)
		if err == nil {
			if err := e.opt.Journal.Put(JournalEntry{Name: s.Subject, Email: s.Email, RequestID: st.RequestID, Requested: sent}); err != nil {
				return "", fmt.Errorf("writing the apply journal after CreateAccount (request %s is in flight): %w", st.RequestID, err)
			}
			return e.poll(ctx, i, s, st, sent)
		}
		if ctx.Err() != nil {
			// Interrupted while the request may be at AWS: the journal
			// keeps it as sent, and the re-run looks it up.
			return "", err
		}
		if !orgs.IsOutcomeUnknown(err) {
			// AWS refused the request: nothing is in flight.
			if rmErr := e.opt.Journal.Remove(s.Email); rmErr != nil {
				return "", errors.Join(err, rmErr)
			}
			return "", err
		}
		if attempt == maxUnanswered {
			return "", fmt.Errorf("%w; %d requests went unanswered, so apply stops here: run it again, it looks the creation up at AWS before sending anything", err, attempt)
		}
		// CreateAccount has no idempotency token: before anything is sent
		// again, AWS's own records say whether the lost request arrived.
		e.emit(Retrying, i, "CreateAccount went unanswered; looking for it at AWS before sending it again")
		found, ok, ferr := e.ops.FindCreation(e.stepContext(ctx, i), s.Subject, s.Email, sent)
		if ferr != nil {
			return "", errors.Join(err, fmt.Errorf("looking it up: %w", ferr))
		}
		if ok {
			return e.adopt(ctx, i, s, found, sent)
		}
	}
}

// maxUnanswered bounds the CreateAccount requests sent for one account
// whose answers are lost, each after a look at AWS found no trace of the last.
const maxUnanswered = 3

// adopt takes over a creation found at AWS (FindCreation) as this step's.
func (e *Engine) adopt(ctx context.Context, i int, s orgmodel.Step, st orgmodel.AccountCreation, sent time.Time) (string, error) {
	what := "the account exists"
	if st.RequestID != "" {
		what = "AWS has the request (" + st.RequestID + ", " + st.State + ")"
		if err := e.opt.Journal.Put(JournalEntry{Name: s.Subject, Email: s.Email, RequestID: st.RequestID, Requested: sent}); err != nil {
			return "", fmt.Errorf("writing the apply journal (request %s is in flight): %w", st.RequestID, err)
		}
	}
	e.emit(Waiting, i, "found the creation sent earlier: "+what+"; nothing is sent again")
	return e.poll(ctx, i, s, st, sent)
}

// maxCreationWaits bounds how often a CreateAccount refused for the
// creations in progress is tried again.
const maxCreationWaits = 20

// startCreation sends CreateAccount. When AWS answers that too many creations
// are in progress (someone else's, or ones finishing), it waits and tries
// again rather than failing the step.
func (e *Engine) startCreation(ctx context.Context, i int, s orgmodel.Step) (orgmodel.AccountCreation, error) {
	delay := e.opt.PollInitial
	for attempt := 1; ; attempt++ {
		st, err := e.ops.StartAccountCreation(e.stepContext(ctx, i), s.Subject, s.Email, s.Tags)
		var cv *types.ConstraintViolationException
		if err == nil || !errors.As(err, &cv) || cv.Reason != types.ConstraintViolationExceptionReasonAccountCreationRateLimitExceeded || attempt == maxCreationWaits {
			return st, err
		}
		e.emit(Retrying, i, "AWS has as many account creations in progress as it allows; waiting for one to finish")
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return st, ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, max(e.opt.PollMax, 4*e.opt.PollInitial))
	}
}

// errNothingInFlight: a journalled request that AWS does not know, or that
// ended FAILED before this run; the journal entry is gone.
var errNothingInFlight = errors.New("the journalled account creation request is not in flight")

// await polls a creation request that was in flight before this apply began.
// The caller holds a creation slot. A request from the journal (rather than
// the plan) that AWS ended FAILED belongs to a run that died before it saw
// the failure; the plan has shown it, and asks for the account again.
func (e *Engine) await(ctx context.Context, i int, s orgmodel.Step, requestID string, fromJournal bool) (string, error) {
	st, err := e.ops.CreationStatus(ctx, requestID)
	var notFound *types.CreateAccountStatusNotFoundException
	if errors.As(err, &notFound) || (err == nil && fromJournal && st.State == orgmodel.CreationFailed) {
		if err == nil {
			e.emit(Waiting, i, "the earlier request "+requestID+" ended FAILED ("+st.FailureReason+"); sending a new one")
		}
		if rmErr := e.opt.Journal.Remove(s.Email); rmErr != nil {
			return "", rmErr
		}
		return "", errNothingInFlight
	}
	if err != nil {
		return "", err
	}
	return e.poll(ctx, i, s, st, e.opt.Now())
}

// poll waits for a creation to end. It looks near the moment the creation
// is expected to end (see pacer), within the shared budget of looks.
// sent is when this machine sent the request, for when AWS gives no time.
func (e *Engine) poll(ctx context.Context, i int, s orgmodel.Step, st orgmodel.AccountCreation, sent time.Time) (string, error) {
	start := sent
	if !st.Requested.IsZero() {
		start = st.Requested
	}
	scout := false
	defer func() {
		if scout {
			e.pace.leaveScout()
		}
	}()
	announced := false
	looks := 0
	for {
		switch st.State {
		case orgmodel.CreationSucceeded:
			e.pace.learn(st)
			if err := e.opt.Journal.Remove(s.Email); err != nil {
				return st.AccountID, err
			}
			return st.AccountID, nil
		case orgmodel.CreationFailed:
			if err := e.opt.Journal.Remove(s.Email); err != nil {
				return "", err
			}
			return "", &CreationFailedError{Name: s.Subject, Email: s.Email, Reason: st.FailureReason}
		}
		if !announced {
			e.emit(Waiting, i, "AWS is creating the account (request "+st.RequestID+")")
			announced = true
		}
		// Wait for the next look; a creation seen to end elsewhere may
		// move it, so the wait is recomputed when the pacer learns.
	wait:
		for {
			wait, changed := e.pace.next(e.opt, e.opt.Now(), start, looks, &scout)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return "", ctx.Err()
			case <-changed:
				t.Stop()
			case <-t.C:
				break wait
			}
		}
		if err := e.polls.Wait(ctx); err != nil {
			return "", err
		}
		looks++
		next, err := e.ops.CreationStatus(e.stepContext(ctx, i), st.RequestID)
		if err != nil {
			return "", err
		}
		st = next
	}
}

// acquire takes one of the MaxInFlight creation slots, waiting for one.
func (e *Engine) acquire(ctx context.Context) error {
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	e.mu.Lock()
	e.inFlight++
	e.mu.Unlock()
	return nil
}

func (e *Engine) release() {
	e.mu.Lock()
	e.inFlight--
	e.mu.Unlock()
	<-e.slots
}

// CreationFailedError is an account creation AWS ended as FAILED, with
// what to do about it.
type CreationFailedError struct {
	Name, Email, Reason string
}

func (e *CreationFailedError) Error() string {
	return fmt.Sprintf("AWS could not create account %s <%s>: %s", e.Name, e.Email, failureAdvice(e.Reason, e.Name, e.Email))
}

// failureAdvice explains AWS's CreateAccount failure reasons.
func failureAdvice(reason, name, email string) string {
	advice, _ := orgmodel.CreationFailureAdvice(reason, name, email)
	return advice
}
