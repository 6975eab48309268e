package apply

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The organization lease keeps two applies from changing one organization at
// once, from two terminals, two machines or CI and a laptop, the way
// Terraform locks its state: the lock lives where the work happens, in the
// organization itself, as one tag on its root.
//
// AWS Organizations has no conditional write, so the lease is taken with
// check-then-verify: read the root's tags; when no live lease of another
// holder is there, write ours with a fresh random token; wait the settle time
// (DefaultLeaseSettle);
// read again and go on only if the token there is ours. Two applies that
// both found the root free both write, and the later write wins: the
// earlier writer sees the other token at its verify and gives up.
//
// The residual race: both go on only when the later writer's own read came
// before the earlier write and its write landed more than LeaseSettle after
// it (the earlier writer's verify then saw its own token). That needs one
// apply's read-to-write gap to exceed the settle time, so the gap is
// measured and an attempt whose gap exceeds half of it (MaxGap) is abandoned
// (its tag removed) with an error: the remaining window is a request delayed in
// flight, after it was measured as sent, by more than the settle time, or
// AWS showing a tag later than that. The holder also checks the tag each
// time it renews: if another token is there, it stops starting work, so
// an overlap ends at the next renewal at the latest.
//
// Expiry is written by the holder's clock and read by the others': a clock
// that is off shifts when a stale lease counts as expired; apply
// --force-unlock takes a lease over at once, after asking.

// LeaseTagKey is the tag on the organization's root that holds the lease.
const LeaseTagKey = "orgwizard:apply-lease"

// Lease timing defaults, for AWS.
const (
	// DefaultLeaseTTL is how long a lease lasts without renewal: a crashed
	// apply blocks the next one at most this long (or until --force-unlock).
	DefaultLeaseTTL = 2 * time.Minute
	// DefaultLeaseSettle is the wait between writing the lease and reading
	// it back: well above a call's latency, so that a concurrent writer's
	// tag is visible by then.
	DefaultLeaseSettle = 2 * time.Second
)

// LeaseAPI is the tag access the lease needs; *orgs.Client implements it.
type LeaseAPI interface {
	ResourceTags(ctx context.Context, id string) (map[string]string, error)
	TagResource(ctx context.Context, id string, tags map[string]string) error
	UntagResource(ctx context.Context, id string, keys []string) error
}

// LeaseInfo is what a lease says about its holder.
type LeaseInfo struct {
	Token   string
	Holder  string // user
	Host    string
	PID     int
	Since   time.Time
	Expires time.Time
}

// String describes the holder for a message.
func (l LeaseInfo) String() string {
	who := l.Holder
	if l.Host != "" {
		who += " on " + l.Host
	}
	if l.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", l.PID)
	}
	return who
}

// encode writes the lease as one tag value: space-separated key=value pairs,
// in the characters Organizations allows in a tag value, at most 256.
func (l LeaseInfo) encode() string {
	v := fmt.Sprintf("token=%s holder=%s host=%s pid=%d since=%s expires=%s",
		l.Token, TagSafe(l.Holder, 48), TagSafe(l.Host, 64), l.PID,
		l.Since.UTC().Format(time.RFC3339), l.Expires.UTC().Format(time.RFC3339))
	return v
}

// parseLease reads a lease tag value; ok is false when it is not one.
func parseLease(v string) (LeaseInfo, bool) {
	var l LeaseInfo
	for _, f := range strings.Fields(v) {
		k, val, _ := strings.Cut(f, "=")
		switch k {
		case "token":
			l.Token = val
		case "holder":
			l.Holder = val
		case "host":
			l.Host = val
		case "pid":
			l.PID, _ = strconv.Atoi(val)
		case "since":
			l.Since, _ = time.Parse(time.RFC3339, val)
		case "expires":
			l.Expires, _ = time.Parse(time.RFC3339, val)
		}
	}
	return l, l.Token != "" && !l.Expires.IsZero()
}

// TagSafe keeps the characters AWS allows in tag values and cuts to n.
func TagSafe(s string, n int) string {
	out := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_.:/+-@", r):
			return r
		}
		return '_'
	}, s)
	if out == "" {
		out = "unknown"
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// LeaseOptions say who takes the lease and how.
type LeaseOptions struct {
	Holder, Host string
	PID          int
	// TTL and Settle default to DefaultLeaseTTL and DefaultLeaseSettle.
	TTL, Settle time.Duration
	// MaxGap bounds the time from reading the lease to having written ours
	// (Settle/2 when 0); an attempt that takes longer is abandoned.
	MaxGap time.Duration
	// Force takes over a live lease of another holder (apply --force-unlock).
	Force bool
	// Dead, when set, reports whether a lease's holder is known to be gone
	// (a process of this host that no longer runs): its lease is taken over
	// as an expired one is, so that a crashed apply does not block the next
	// one on the same machine.
	Dead func(LeaseInfo) bool
	// Now is the clock (time.Now).
	Now func() time.Time
}

// HeldError: another apply holds the organization.
type HeldError struct {
	Lease LeaseInfo
	// Race is set when the other apply took the lease between our write
	// and our verify.
	Race bool
	now  time.Time
}

func (e *HeldError) Error() string {
	l := e.Lease
	var b strings.Builder
	switch {
	case e.Race && l.Token == "":
		b.WriteString("the organization's lease was removed while this apply took it: another orgwizard apply is taking it at the same moment")
	case e.Race:
		fmt.Fprintf(&b, "another orgwizard apply took the organization's lease at the same moment: %s", l)
	default:
		fmt.Fprintf(&b, "another orgwizard apply is changing this organization: %s, since %s (%s ago)",
			l, l.Since.UTC().Format("2006-01-02 15:04:05 UTC"), e.now.Sub(l.Since).Round(time.Second))
	}
	b.WriteString(". Nothing was changed. Wait for it to finish and run apply again")
	if !l.Expires.IsZero() {
		fmt.Fprintf(&b, "; if it was stopped for good, its lease expires at %s, or take it over now with orgwizard apply --force-unlock",
			l.Expires.UTC().Format("15:04:05 UTC"))
	}
	return b.String()
}

// LostError: the lease was taken over while apply ran.
type LostError struct{ By LeaseInfo }

func (e *LostError) Error() string {
	if e.By.Token == "" {
		return "this apply lost the organization's lease (it could not be renewed before it expired); it stopped starting work. Run apply again"
	}
	return fmt.Sprintf("this apply's lease on the organization was taken over by %s (apply --force-unlock); it stopped starting work. "+
		"Run apply again once that apply is done", e.By)
}

// Lease is a held organization lease, renewed in the background until
// Release.
type Lease struct {
	api    LeaseAPI
	root   string
	opt    LeaseOptions
	info   LeaseInfo
	ctx    context.Context
	cancel context.CancelCauseFunc
	stop   chan struct{}
	done   chan struct{}

	mu   sync.Mutex
	lost error
}

// AcquireLease takes the lease on the organization whose root is rootID. It
// returns *HeldError when another apply holds it (or took it at the same
// moment). The lease's Context is canceled if the lease is lost.
func AcquireLease(ctx context.Context, api LeaseAPI, rootID string, opt LeaseOptions) (*Lease, error) {
	if opt.TTL <= 0 {
		opt.TTL = DefaultLeaseTTL
	}
	if opt.Settle <= 0 {
		opt.Settle = DefaultLeaseSettle
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxGap <= 0 {
		opt.MaxGap = opt.Settle / 2
	}
	start := opt.Now()
	tags, err := api.ResourceTags(ctx, rootID)
	if err != nil {
		return nil, fmt.Errorf("reading the organization's lease: %w", err)
	}
	if cur, ok := parseLease(tags[LeaseTagKey]); ok && cur.Expires.After(opt.Now()) && !opt.Force && (opt.Dead == nil || !opt.Dead(cur)) {
		return nil, &HeldError{Lease: cur, now: opt.Now()}
	}
	var tok [8]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, err
	}
	now := opt.Now()
	mine := LeaseInfo{Token: hex.EncodeToString(tok[:]), Holder: opt.Holder, Host: opt.Host, PID: opt.PID,
		Since: now, Expires: now.Add(opt.TTL)}
	if err := api.TagResource(ctx, rootID, map[string]string{LeaseTagKey: mine.encode()}); err != nil {
		return nil, fmt.Errorf("writing the organization's lease: %w", err)
	}
	l := &Lease{api: api, root: rootID, opt: opt, info: mine}
	if gap := opt.Now().Sub(start); gap > opt.MaxGap {
		l.removeIfMine(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("taking the organization's lease took %s between reading and writing it, too slow to be sure no other apply "+
			"took it meanwhile; nothing was changed, run apply again", gap.Round(time.Millisecond))
	}
	select {
	case <-time.After(opt.Settle):
	case <-ctx.Done():
		l.removeIfMine(context.WithoutCancel(ctx))
		return nil, ctx.Err()
	}
	tags, err = api.ResourceTags(ctx, rootID)
	if err != nil {
		l.removeIfMine(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("reading the organization's lease back: %w", err)
	}
	if cur, _ := parseLease(tags[LeaseTagKey]); cur.Token != mine.Token {
		// The other writer came last: the lease is theirs.
		return nil, &HeldError{Lease: cur, Race: true, now: opt.Now()}
	}
	l.ctx, l.cancel = context.WithCancelCause(context.WithoutCancel(ctx))
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go l.renew()
	return l, nil
}

// Info is the lease as last written.
func (l *Lease) Info() LeaseInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.info
}

// Context ends when the lease is lost (context.Cause is then the
// *LostError) or released.
func (l *Lease) Context() context.Context { return l.ctx }

// Err is the *LostError when the lease was lost, else nil.
func (l *Lease) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// renew pushes the expiry out every third of the TTL, first checking that
// the lease is still this apply's.
func (l *Lease) renew() {
	defer close(l.done)
	tick := time.NewTicker(l.opt.TTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(l.ctx, l.opt.TTL/3)
		err := l.renewOnce(ctx)
		cancel()
		var lost *LostError
		if errors.As(err, &lost) {
			l.mu.Lock()
			l.lost = err
			l.mu.Unlock()
			l.cancel(err)
			return
		}
	}
}

func (l *Lease) renewOnce(ctx context.Context) error {
	now := l.opt.Now()
	tags, err := l.api.ResourceTags(ctx, l.root)
	if err != nil {
		if now.After(l.info.Expires) {
			return &LostError{}
		}
		return err // try again at the next tick
	}
	cur, ok := parseLease(tags[LeaseTagKey])
	if ok && cur.Token != l.info.Token {
		return &LostError{By: cur}
	}
	next := l.Info()
	next.Expires = now.Add(l.opt.TTL)
	if err := l.api.TagResource(ctx, l.root, map[string]string{LeaseTagKey: next.encode()}); err != nil {
		if now.After(l.info.Expires) {
			return &LostError{}
		}
		return err
	}
	l.mu.Lock()
	l.info = next
	l.mu.Unlock()
	return nil
}

// Release stops renewing and removes the lease if it is still this apply's.
func (l *Lease) Release(ctx context.Context) error {
	close(l.stop)
	<-l.done
	l.cancel(context.Canceled)
	if l.Err() != nil {
		return nil // another holder's now: leave it
	}
	return l.removeIfMine(ctx)
}

func (l *Lease) removeIfMine(ctx context.Context) error {
	tags, err := l.api.ResourceTags(ctx, l.root)
	if err != nil {
		return fmt.Errorf("reading the organization's lease to release it: %w", err)
	}
	if cur, _ := parseLease(tags[LeaseTagKey]); cur.Token != l.info.Token {
		return nil
	}
	if err := l.api.UntagResource(ctx, l.root, []string{LeaseTagKey}); err != nil {
		return fmt.Errorf("releasing the organization's lease (it expires on its own at %s): %w", l.info.Expires.UTC().Format("15:04:05 UTC"), err)
	}
	return nil
}
