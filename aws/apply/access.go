package apply

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// AccessOps is what the engine asks of IAM Identity Center for the access
// steps; *identitycenter.Client implements it. The asynchronous requests
// (provisioning, assignments) return at once; the engine polls them.
type AccessOps interface {
	CreateGroup(ctx context.Context, name, description string) (string, error)
	UpdateGroupDescription(ctx context.Context, groupID, description string) error
	CreateUser(ctx context.Context, u orgmodel.User) (string, error)
	AddMember(ctx context.Context, groupID, userID string) error
	CreatePermissionSet(ctx context.Context, ps orgmodel.PermissionSet) (string, error)
	UpdatePermissionSet(ctx context.Context, arn string, ps orgmodel.PermissionSet) error
	AttachManagedPolicy(ctx context.Context, arn, policy string) error
	DetachManagedPolicy(ctx context.Context, arn, policy string) error
	PutInlinePolicy(ctx context.Context, arn, document string) error
	DeleteInlinePolicy(ctx context.Context, arn string) error
	Provision(ctx context.Context, arn string) (orgmodel.AssignmentOperation, error)
	ProvisioningStatus(ctx context.Context, requestID string) (orgmodel.AssignmentOperation, error)
	FindProvisioning(ctx context.Context, arn string) (orgmodel.AssignmentOperation, bool, error)
	CreateAssignment(ctx context.Context, a orgmodel.ActualAssignment) (orgmodel.AssignmentOperation, error)
	DeleteAssignment(ctx context.Context, a orgmodel.ActualAssignment) (orgmodel.AssignmentOperation, error)
	CreationStatus(ctx context.Context, requestID string) (orgmodel.AssignmentOperation, error)
	DeletionStatus(ctx context.Context, requestID string) (orgmodel.AssignmentOperation, error)
	FindAssignment(ctx context.Context, a orgmodel.ActualAssignment, deleting bool) (orgmodel.AssignmentOperation, bool, error)
}

var _ AccessOps = (*identitycenter.Client)(nil)

// IdentityCenterNeededError: the design has access and the organization has
// no Identity Center instance, which only a click in the console makes.
// Everything else of the plan was carried out.
type IdentityCenterNeededError struct {
	HowTo string
}

func (e *IdentityCenterNeededError) Error() string { return e.HowTo }

// maxConflictWaits bounds how often a call refused for a conflicting
// operation in progress is tried again.
const maxConflictWaits = 40

// accessIDs are the Identity Center ids by name, as they become known.
type accessIDs struct {
	// Keyed by lower-case name: Identity Center compares names ignoring
	// case, and so does the plan.
	groups map[string]string // lower-case name → id
	users  map[string]string // lower-case user name → id
	sets   map[string]string // lower-case name → ARN
}

func (e *Engine) initAccessIDs(actual *orgmodel.Actual) {
	e.access = accessIDs{groups: map[string]string{}, users: map[string]string{}, sets: map[string]string{}}
	if actual == nil || actual.Access == nil {
		return
	}
	for _, g := range actual.Access.Groups {
		e.access.groups[strings.ToLower(g.Name)] = g.ID
	}
	for _, u := range actual.Access.Users {
		e.access.users[strings.ToLower(u.UserName)] = u.ID
	}
	for _, p := range actual.Access.PermissionSets {
		e.access.sets[strings.ToLower(p.Name)] = p.ARN
	}
}

func (e *Engine) lookup(m map[string]string, key, what string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := m[key]
	if !ok || id == "" {
		return "", fmt.Errorf("%s does not exist (its creation failed above)", what)
	}
	return id, nil
}

func (e *Engine) remember(m map[string]string, key, id string) {
	e.mu.Lock()
	m[key] = id
	e.mu.Unlock()
}

// applyAccess carries out the Identity Center steps once every account
// exists: the directory and the permission sets, then memberships and each
// permission set's changes in order, provisioned, then the assignments.
func (e *Engine) applyAccess(ctx context.Context, plan *orgmodel.Plan) {
	var first, second, third []int
	chains := map[string][]int{} // permission set → its changes, in plan order
	var chainOrder []string
	for i, s := range plan.Steps {
		switch s.Kind {
		case orgmodel.StepEnableIdentityCenter:
			e.run(ctx, i, func(context.Context) error {
				region := ""
				if s.Access != nil {
					if u, err := url.Parse(s.Access.Console); err == nil {
						region = u.Query().Get("region")
					}
				}
				return &IdentityCenterNeededError{HowTo: orgmodel.EnableIdentityCenterHowTo(region)}
			})
			// The access steps wait for it: each is told as not done (not
			// failed: the next apply carries them out).
			for j := i + 1; j < len(plan.Steps); j++ {
				if orgmodel.IsAccessStep(plan.Steps[j].Kind) {
					e.emit(Waiting, j, "not done: it waits for IAM Identity Center, which is not enabled yet (see above)")
				}
			}
			return
		case orgmodel.StepCreateGroup, orgmodel.StepUpdateGroup, orgmodel.StepCreateUser, orgmodel.StepCreatePermissionSet:
			first = append(first, i)
		case orgmodel.StepAddMember:
			second = append(second, i)
		case orgmodel.StepUpdatePermissionSet, orgmodel.StepAttachManagedPolicy, orgmodel.StepDetachManagedPolicy,
			orgmodel.StepPutInlinePolicy, orgmodel.StepDeleteInlinePolicy, orgmodel.StepProvision:
			if _, ok := chains[s.Subject]; !ok {
				chainOrder = append(chainOrder, s.Subject)
			}
			chains[s.Subject] = append(chains[s.Subject], i)
		case orgmodel.StepCreateAssignment, orgmodel.StepDeleteAssignment, orgmodel.StepAwaitAssignment:
			third = append(third, i)
		}
	}
	if len(first)+len(second)+len(third)+len(chains) == 0 {
		return
	}
	if e.opt.Access == nil {
		all := append(append(first, second...), third...)
		for _, name := range chainOrder {
			all = append(all, chains[name]...)
		}
		for _, i := range all {
			e.fail(ctx, i, errors.New("this apply cannot reach IAM Identity Center"))
		}
		return
	}
	e.accessRan = true
	e.parallel(ctx, first, e.opt.Parallel, func(i int) { e.run(ctx, i, func(ctx context.Context) error { return e.accessStep(ctx, i) }) })
	// Memberships, and each permission set's changes one after another:
	// AWS refuses a change to a permission set while another is settling.
	work := append([]int{}, second...)
	for n := range chainOrder {
		work = append(work, -1-n)
	}
	e.parallel(ctx, work, e.opt.Parallel, func(w int) {
		if w >= 0 {
			e.run(ctx, w, func(ctx context.Context) error { return e.accessStep(ctx, w) })
			return
		}
		// A failed change stops the chain: provisioning a half-changed
		// permission set would push it to every account.
		chain := chains[chainOrder[-1-w]]
		for n, i := range chain {
			if e.run(ctx, i, func(ctx context.Context) error { return e.accessStep(ctx, i) }) {
				continue
			}
			if ctx.Err() == nil {
				for _, j := range chain[n+1:] {
					e.fail(ctx, j, fmt.Errorf("not done: it needs %q, which failed above", plan.Steps[i].String()))
				}
			}
			return
		}
	})
	// Assignments: sent together (each then waits for AWS), within the
	// request rate the SDK clients keep.
	e.parallel(ctx, third, 4*e.opt.Parallel, func(i int) { e.run(ctx, i, func(ctx context.Context) error { return e.accessStep(ctx, i) }) })
}

// accessStep carries out one Identity Center step.
func (e *Engine) accessStep(ctx context.Context, i int) error {
	s := e.plan.Steps[i]
	a := s.Access
	ops := e.opt.Access
	if a == nil {
		return errors.New("the step has no access details")
	}
	switch s.Kind {
	case orgmodel.StepCreateGroup:
		id, err := ops.CreateGroup(ctx, a.Group, s.Description)
		if err == nil {
			e.remember(e.access.groups, strings.ToLower(a.Group), id)
		}
		return err
	case orgmodel.StepUpdateGroup:
		return ops.UpdateGroupDescription(ctx, a.GroupID, s.Description)
	case orgmodel.StepCreateUser:
		if a.User == nil {
			return errors.New("the step has no user")
		}
		id, err := ops.CreateUser(ctx, *a.User)
		if err == nil {
			e.remember(e.access.users, strings.ToLower(a.User.UserName), id)
		}
		return err
	case orgmodel.StepAddMember:
		group, err := e.groupID(a)
		if err != nil {
			return err
		}
		user := a.UserID
		if user == "" {
			if user, err = e.lookup(e.access.users, strings.ToLower(a.UserName), "user "+a.UserName); err != nil {
				return err
			}
		}
		return ops.AddMember(ctx, group, user)
	case orgmodel.StepCreatePermissionSet:
		if a.Spec == nil {
			return errors.New("the step has no permission set")
		}
		arn, err := ops.CreatePermissionSet(ctx, *a.Spec)
		if err == nil {
			e.remember(e.access.sets, strings.ToLower(a.PermissionSet), arn)
		}
		return err
	}

	arn, err := e.setARN(a)
	if err != nil {
		return err
	}
	switch s.Kind {
	case orgmodel.StepUpdatePermissionSet:
		if a.Spec == nil {
			return errors.New("the step has no permission set")
		}
		return e.whileConflict(ctx, i, func() error { return ops.UpdatePermissionSet(ctx, arn, *a.Spec) })
	case orgmodel.StepAttachManagedPolicy:
		return e.whileConflict(ctx, i, func() error { return ops.AttachManagedPolicy(ctx, arn, a.Policy) })
	case orgmodel.StepDetachManagedPolicy:
		return e.whileConflict(ctx, i, func() error { return ops.DetachManagedPolicy(ctx, arn, a.Policy) })
	case orgmodel.StepPutInlinePolicy:
		return e.whileConflict(ctx, i, func() error { return ops.PutInlinePolicy(ctx, arn, a.Policy) })
	case orgmodel.StepDeleteInlinePolicy:
		return e.whileConflict(ctx, i, func() error { return ops.DeleteInlinePolicy(ctx, arn) })
	case orgmodel.StepProvision:
		return e.async(ctx, i, "provision "+a.PermissionSet, asyncOp{
			send:   func(ctx context.Context) (orgmodel.AssignmentOperation, error) { return ops.Provision(ctx, arn) },
			status: ops.ProvisioningStatus,
			find: func(ctx context.Context) (orgmodel.AssignmentOperation, bool, error) {
				return ops.FindProvisioning(ctx, arn)
			},
			what: "provisioning permission set " + a.PermissionSet,
		})
	}

	// Assignments.
	account := a.AccountID
	if account == "" {
		if account, err = e.accountID(a.Account); err != nil {
			return err
		}
	}
	target := orgmodel.ActualAssignment{AccountID: account, PermissionSetARN: arn, PrincipalType: a.PrincipalType, PrincipalID: a.PrincipalID}
	if target.PrincipalType == "" {
		target.PrincipalType = "GROUP"
	}
	if target.PrincipalID == "" {
		if target.PrincipalID, err = e.groupID(a); err != nil {
			return err
		}
	}
	switch s.Kind {
	case orgmodel.StepAwaitAssignment:
		status := ops.CreationStatus
		if a.Deleting {
			status = ops.DeletionStatus
		}
		st, err := status(ctx, a.RequestID)
		if err != nil {
			return err
		}
		return e.awaitOp(ctx, i, st, e.opt.Now(), status, "AWS is already on it (request "+a.RequestID+")")
	case orgmodel.StepCreateAssignment:
		return e.async(ctx, i, fmt.Sprintf("assign %s/%s/%s", s.Subject, a.PermissionSet, a.Group), asyncOp{
			send: func(ctx context.Context) (orgmodel.AssignmentOperation, error) {
				return ops.CreateAssignment(ctx, target)
			},
			status: ops.CreationStatus,
			find: func(ctx context.Context) (orgmodel.AssignmentOperation, bool, error) {
				return ops.FindAssignment(ctx, target, false)
			},
			what: "the assignment",
		})
	case orgmodel.StepDeleteAssignment:
		return e.async(ctx, i, fmt.Sprintf("remove %s/%s/%s/%s", account, arn, target.PrincipalType, target.PrincipalID), asyncOp{
			send: func(ctx context.Context) (orgmodel.AssignmentOperation, error) {
				return ops.DeleteAssignment(ctx, target)
			},
			status: ops.DeletionStatus,
			find: func(ctx context.Context) (orgmodel.AssignmentOperation, bool, error) {
				return ops.FindAssignment(ctx, target, true)
			},
			what: "the removal",
		})
	}
	return fmt.Errorf("unexpected step kind %s", s.Kind)
}

func (e *Engine) groupID(a *orgmodel.AccessStep) (string, error) {
	if a.GroupID != "" {
		return a.GroupID, nil
	}
	return e.lookup(e.access.groups, strings.ToLower(a.Group), "group "+a.Group)
}

func (e *Engine) setARN(a *orgmodel.AccessStep) (string, error) {
	if a.PermissionSetARN != "" {
		return a.PermissionSetARN, nil
	}
	return e.lookup(e.access.sets, strings.ToLower(a.PermissionSet), "permission set "+a.PermissionSet)
}

// whileConflict calls fn until AWS stops refusing it for a conflicting
// operation in progress (a provisioning, an assignment of the same
// permission set): those pass in seconds.
func (e *Engine) whileConflict(ctx context.Context, i int, fn func() error) error {
	delay := max(e.opt.PollInitial, e.opt.AccessTime/8, time.Millisecond)
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !identitycenter.IsConflict(err) || attempt == maxConflictWaits {
			return err
		}
		e.emit(Retrying, i, "AWS is still settling another change of this permission set (ConflictException); waiting")
		if err := sleep(ctx, delay); err != nil {
			return err
		}
		delay = min(delay*2, e.accessPollMax())
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// asyncOp is one asynchronous request: how to send it, to look at it, and
// to find it at AWS when its answer was lost.
type asyncOp struct {
	send   func(context.Context) (orgmodel.AssignmentOperation, error)
	status func(context.Context, string) (orgmodel.AssignmentOperation, error)
	find   func(context.Context) (orgmodel.AssignmentOperation, bool, error)
	what   string
}

// async sends an asynchronous request once and waits for it, journalled
// under key before it is sent and with its request id after: a re-run
// polls a journalled request instead of sending it again, and looks up at
// AWS one whose answer was never heard.
func (e *Engine) async(ctx context.Context, i int, key string, op asyncOp) error {
	j := e.opt.Journal
	if entry, ok := j.LookupAccess(key); ok {
		if entry.RequestID != "" {
			st, err := op.status(ctx, entry.RequestID)
			switch {
			case err == nil && st.Status != orgmodel.CreationFailed:
				e.emit(Waiting, i, "an earlier apply sent this (request "+entry.RequestID+"); waiting for it instead of sending it again")
				return e.finishAsync(ctx, i, key, st, entry.Requested, op)
			case err != nil && !identitycenter.IsNotFound(err):
				return err
			}
			// AWS no longer knows it, or it failed: a fresh request.
		} else {
			e.emit(Waiting, i, "an earlier apply sent this and never heard back; looking for it at AWS before sending it again")
			st, found, err := op.find(ctx)
			if err != nil {
				return err
			}
			if found {
				return e.finishAsync(ctx, i, key, st, entry.Requested, op)
			}
		}
		if err := j.RemoveAccess(key); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		sent := e.opt.Now()
		if err := j.PutAccess(key, AccessEntry{Requested: sent}); err != nil {
			return fmt.Errorf("writing the apply journal before sending %s: %w", op.what, err)
		}
		var st orgmodel.AssignmentOperation
		err := e.whileConflict(ctx, i, func() error {
			var err error
			st, err = op.send(ctx)
			return err
		})
		if err == nil {
			return e.finishAsync(ctx, i, key, st, sent, op)
		}
		if ctx.Err() != nil {
			return err // the journal keeps it as sent; a re-run looks
		}
		if !identitycenter.IsOutcomeUnknown(err) {
			return errors.Join(err, j.RemoveAccess(key)) // refused: nothing in flight
		}
		if attempt == maxUnanswered {
			return fmt.Errorf("%w; %d requests went unanswered, so apply stops here: run it again, it looks the request up at AWS before sending anything", err, attempt)
		}
		e.emit(Retrying, i, "the request went unanswered; looking for it at AWS before sending it again")
		found, ok, ferr := op.find(ctx)
		if ferr != nil {
			return errors.Join(err, fmt.Errorf("looking it up: %w", ferr))
		}
		if ok {
			return e.finishAsync(ctx, i, key, found, sent, op)
		}
	}
}

func (e *Engine) finishAsync(ctx context.Context, i int, key string, st orgmodel.AssignmentOperation, sent time.Time, op asyncOp) error {
	if st.RequestID != "" {
		if err := e.opt.Journal.PutAccess(key, AccessEntry{RequestID: st.RequestID, Requested: sent}); err != nil {
			return fmt.Errorf("writing the apply journal (request %s is in flight): %w", st.RequestID, err)
		}
	}
	if err := e.awaitOp(ctx, i, st, sent, op.status, "AWS is carrying it out (request "+st.RequestID+")"); err != nil {
		if ctx.Err() == nil {
			err = errors.Join(err, e.opt.Journal.RemoveAccess(key))
		}
		return err
	}
	return e.opt.Journal.RemoveAccess(key)
}

// awaitOp polls an asynchronous request until it ends, looking near the
// moment such requests are seen to end (the access pacer), within the
// shared budget of looks.
func (e *Engine) awaitOp(ctx context.Context, i int, st orgmodel.AssignmentOperation, sent time.Time, status func(context.Context, string) (orgmodel.AssignmentOperation, error), msg string) error {
	start := sent
	if !st.Requested.IsZero() {
		start = st.Requested
	}
	opt := e.opt
	opt.PollMax = e.accessPollMax()
	scout := false
	defer func() {
		if scout {
			e.accessPace.leaveScout()
		}
	}()
	announced := false
	for looks := 0; ; looks++ {
		switch st.Status {
		case "SUCCEEDED", "":
			if looks > 0 {
				e.accessPace.learn(orgmodel.AccountCreation{Requested: start, Completed: e.opt.Now()})
			}
			return nil
		case orgmodel.CreationFailed:
			return fmt.Errorf("AWS ended the request %s FAILED: %s", st.RequestID, st.FailureReason)
		}
		if !announced {
			e.emit(Waiting, i, msg)
			announced = true
		}
	wait:
		for {
			d, changed := e.accessPace.next(opt, e.opt.Now(), start, looks, &scout)
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-changed:
				t.Stop()
			case <-t.C:
				break wait
			}
		}
		if err := e.accessPolls.Wait(ctx); err != nil {
			return err
		}
		next, err := status(e.stepContext(ctx, i), st.RequestID)
		if err != nil {
			return err
		}
		st = next
	}
}

// accessPollMax bounds a wait between two looks at an Identity Center
// request: never below the time one is expected to take.
func (e *Engine) accessPollMax() time.Duration {
	return max(e.opt.PollMax, e.opt.AccessTime+e.opt.AccessTime/10)
}
