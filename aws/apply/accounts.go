package apply

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations/types"

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
// or by asking for a new one, journalled before and after.
func (e *Engine) createAccount(ctx context.Context, i int, s orgmodel.Step, held bool) (string, error) {
	if !held {
		if err := e.acquire(ctx); err != nil {
			return "", err
		}
	}
	defer e.release()

	requestID := s.RequestID
	if requestID == "" {
		if entry, ok := e.opt.Journal.Lookup(s.Email); ok && entry.RequestID != "" {
			requestID = entry.RequestID
		}
	}
	if requestID != "" {
		id, err := e.await(ctx, i, s, requestID)
		if !errors.Is(err, errUnknownRequest) {
			return id, err
		}
		// AWS no longer knows the journalled request (a reset sandbox, or
		// an old journal): only a fresh request can create the account.
	}

	if err := e.opt.Journal.Put(JournalEntry{Name: s.Subject, Email: s.Email, Requested: e.opt.Now()}); err != nil {
		return "", fmt.Errorf("writing the apply journal before CreateAccount: %w", err)
	}
	st, err := e.startCreation(ctx, i, s)
	if err != nil {
		// AWS refused the request: nothing is in flight.
		if rmErr := e.opt.Journal.Remove(s.Email); rmErr != nil {
			return "", errors.Join(err, rmErr)
		}
		return "", err
	}
	if err := e.opt.Journal.Put(JournalEntry{Name: s.Subject, Email: s.Email, RequestID: st.RequestID, Requested: e.opt.Now()}); err != nil {
		return "", fmt.Errorf("writing the apply journal after CreateAccount (request %s is in flight): %w", st.RequestID, err)
	}
	return e.poll(ctx, i, s, st)
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

var errUnknownRequest = errors.New("AWS does not know this account creation request")

// await polls a creation request that was in flight before this apply began.
// The caller holds a creation slot.
func (e *Engine) await(ctx context.Context, i int, s orgmodel.Step, requestID string) (string, error) {
	st, err := e.ops.CreationStatus(ctx, requestID)
	var notFound *types.CreateAccountStatusNotFoundException
	if errors.As(err, &notFound) {
		if rmErr := e.opt.Journal.Remove(s.Email); rmErr != nil {
			return "", rmErr
		}
		return "", errUnknownRequest
	}
	if err != nil {
		return "", err
	}
	return e.poll(ctx, i, s, st)
}

// poll waits for a creation to end, looking with a growing interval.
func (e *Engine) poll(ctx context.Context, i int, s orgmodel.Step, st orgmodel.AccountCreation) (string, error) {
	delay := e.opt.PollInitial
	announced := false
	for {
		switch st.State {
		case orgmodel.CreationSucceeded:
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
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", ctx.Err()
		case <-t.C:
		}
		delay = min(delay*5/4, e.opt.PollMax)
		if err := e.polls.Wait(ctx); err != nil {
			return "", err
		}
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
	return fmt.Sprintf("AWS could not create account %s <%s>: %s", e.Name, e.Email, failureAdvice(e.Reason, e.Email))
}

// failureAdvice explains AWS's CreateAccount failure reasons.
func failureAdvice(reason, email string) string {
	switch reason {
	case "EMAIL_ALREADY_EXISTS":
		return "EMAIL_ALREADY_EXISTS: another AWS account already uses " + email + "; change organization.email or emailTemplate in the design (or rename the account), then run apply again"
	case "ACCOUNT_LIMIT_EXCEEDED":
		return "ACCOUNT_LIMIT_EXCEEDED: the organization reached its accounts quota; ask for an increase in Service Quotas (AWS Organizations, \"Default maximum number of accounts\"), then run apply again"
	case "INVALID_EMAIL":
		return "INVALID_EMAIL: AWS refused the address; check organization.email or emailTemplate"
	case "INVALID_ADDRESS", "INVALID_IDENTITY_FOR_BUSINESS_VALIDATION", "PENDING_BUSINESS_VALIDATION", "MISSING_BUSINESS_VALIDATION", "MISSING_PAYMENT_INSTRUMENT", "INVALID_PAYMENT_INSTRUMENT":
		return reason + ": the management account's billing details need attention in the AWS console; then run apply again"
	case "CONCURRENT_ACCOUNT_MODIFICATION", "INTERNAL_FAILURE", "":
		if reason == "" {
			reason = "no reason given"
		}
		return reason + ": a passing failure at AWS; run apply again"
	}
	return reason + "; run apply again, and if it fails the same way, see AWS's CreateAccountStatus documentation for this reason"
}
