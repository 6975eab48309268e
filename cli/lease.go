package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/sandbox"
)

// orgLock is what keeps two applies off one organization: this machine's
// lock per management account, and the lease in the organization itself.
// When the organization does not exist yet, the lease is taken right after
// the apply creates it (Guard).
type orgLock struct {
	s     *session
	opt   apply.LeaseOptions
	local *apply.LocalLock
	lease *apply.Lease
	// ctx ends when the lease is lost; the apply runs in it.
	ctx    context.Context
	cancel context.CancelCauseFunc
	// confirmForce asks before --force-unlock takes over a live lease.
	confirmForce func(apply.LeaseInfo) error
	// stopped is why Guard stopped the apply, if it did.
	stopped error
}

// stateDir is where orgwizard keeps what it knows of this target (the apply
// journal, the local lock, the cost cache): beside the sandbox state, or in
// orgwizard's state directory.
func (s *session) stateDir() (string, error) {
	if s.target.Sandbox != nil {
		return filepath.Dir(s.target.Sandbox.StatePath()), nil
	}
	dir, err := sandbox.StateDir()
	if err != nil {
		return "", userError("%v", err)
	}
	return dir, nil
}

// leaseOptions names this process as the holder. The embedded sandbox is
// read and written by this process alone, so the settle there is short.
func (s *session) leaseOptions(force bool) apply.LeaseOptions {
	opt := apply.LeaseOptions{Holder: currentUser(), PID: os.Getpid(), Force: force}
	opt.Host, _ = os.Hostname()
	opt.Dead = func(l apply.LeaseInfo) bool {
		return l.Host == apply.TagSafe(opt.Host, 64) && l.PID > 0 && l.PID != opt.PID && !processRuns(l.PID)
	}
	if s.target.Sandbox != nil {
		// The embedded sandbox serves this process alone (its state file
		// is locked): no other writer can come between read and write, so
		// a slow disk under load must not abandon the attempt.
		opt.Settle = 300 * time.Millisecond
		opt.MaxGap = time.Minute
	}
	return opt
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// lockOrganization takes the local lock and, when the organization exists,
// its lease. The caller reads the organization and plans only after this,
// so that the plan it carries out is never one made while another apply ran.
func (s *session) lockOrganization(ctx context.Context, force bool, confirmForce func(apply.LeaseInfo) error) (*orgLock, error) {
	dir, err := s.stateDir()
	if err != nil {
		return nil, err
	}
	local, err := apply.LockLocal(dir, s.target.AccountID)
	if err != nil {
		return nil, lockError(err)
	}
	l := &orgLock{s: s, opt: s.leaseOptions(false), local: local, confirmForce: confirmForce}
	l.ctx, l.cancel = context.WithCancelCause(ctx)
	root, err := s.orgs.RootID(ctx)
	switch {
	case orgs.IsNotInUse(err):
		// No organization yet: Guard takes the lease once apply created it.
		l.opt.Force = force
		return l, nil
	case err != nil:
		l.release()
		// The read says best why (not the management account, a missing
		// permission, the network).
		if _, rerr := s.read(ctx); rerr != nil {
			return nil, rerr
		}
		return nil, awsError(err)
	}
	if err := l.take(ctx, root, force); err != nil {
		l.release()
		return nil, err
	}
	return l, nil
}

// take acquires the lease on root, asking before --force-unlock takes over
// a live one.
func (l *orgLock) take(ctx context.Context, root string, force bool) error {
	lease, err := apply.AcquireLease(ctx, l.s.orgs, root, l.opt)
	var held *apply.HeldError
	if errors.As(err, &held) && force && !held.Race {
		if l.confirmForce != nil {
			if err := l.confirmForce(held.Lease); err != nil {
				return err
			}
		}
		opt := l.opt
		opt.Force = true
		lease, err = apply.AcquireLease(ctx, l.s.orgs, root, opt)
	}
	if err != nil {
		return lockError(err)
	}
	l.lease = lease
	context.AfterFunc(lease.Context(), func() { l.cancel(context.Cause(lease.Context())) })
	return nil
}

// Guard wraps the engine's operations so that, when the apply creates the
// organization, the lease is taken on its new root before anything else
// happens; if another apply created it meanwhile and has already changed
// it, this apply's plan is out of date and it stops.
func (l *orgLock) Guard(ops apply.Ops) apply.Ops {
	if l.lease != nil {
		return ops
	}
	return guardedOps{Ops: ops, l: l}
}

type guardedOps struct {
	apply.Ops
	l *orgLock
}

func (g guardedOps) CreateOrganization(ctx context.Context) (string, error) {
	root, err := g.Ops.CreateOrganization(ctx)
	if err != nil {
		return root, err
	}
	if err := g.l.take(ctx, root, g.l.opt.Force); err != nil {
		g.l.stopped = err
		return root, err
	}
	a, err := g.l.s.orgs.Read(ctx)
	if err != nil {
		return root, err
	}
	if len(a.Accounts) > 1 || len(a.OUs) > 0 {
		g.l.stopped = userError("another apply created this organization while this one started, and has changed it since: " +
			"this apply's plan is out of date, so it stopped. Run apply again to see what is left to do")
		return root, g.l.stopped
	}
	return root, nil
}

// err is why the apply stopped for the lock's sake: the lease was held by
// another apply after creating the organization, or lost.
func (l *orgLock) err() error {
	if l.stopped != nil {
		return l.stopped
	}
	if l.lease == nil {
		return nil
	}
	if err := l.lease.Err(); err != nil {
		return lockError(err)
	}
	return nil
}

// release gives the lease back and drops the local lock.
func (l *orgLock) release() {
	if l == nil {
		return
	}
	if l.lease != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		l.lease.Release(ctx)
		cancel()
	}
	if l.cancel != nil {
		l.cancel(context.Canceled)
	}
	l.local.Unlock()
}

// lockError: another apply holds the organization, a user matter (exit 1).
func lockError(err error) error {
	var held *apply.HeldError
	var local *apply.LocalLockError
	var lost *apply.LostError
	if errors.As(err, &held) || errors.As(err, &local) || errors.As(err, &lost) {
		return &ExitError{Code: ExitUser, Err: err}
	}
	return awsError(err)
}

// askForceUnlock asks before taking over a live lease; --yes answers for
// the user.
func askForceUnlock(in io.Reader, out io.Writer, yes bool) func(apply.LeaseInfo) error {
	return func(l apply.LeaseInfo) error {
		fmt.Fprintf(out, "The organization's lease is held by %s since %s, until %s.\n", l,
			l.Since.UTC().Format("2006-01-02 15:04:05 UTC"), l.Expires.UTC().Format("15:04:05 UTC"))
		if yes {
			fmt.Fprintln(out, "--force-unlock --yes: taking it over.")
			return nil
		}
		if !isTerminalReader(in) {
			return userError("--force-unlock takes over another apply's lease and needs confirmation: run it in a terminal, or add --yes")
		}
		fmt.Fprint(out, "Take it over only if that apply is no longer running. Type yes to take it over: ")
		line, _ := bufio.NewReader(in).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			return userError("the lease was left to %s; nothing was changed", l)
		}
		return nil
	}
}
