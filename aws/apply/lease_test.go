package apply

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTags is an in-memory root's tags; onTag runs after each write.
type fakeTags struct {
	mu    sync.Mutex
	tags  map[string]string
	onTag func()
	reads int
}

func (f *fakeTags) ResourceTags(_ context.Context, _ string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	out := map[string]string{}
	for k, v := range f.tags {
		out[k] = v
	}
	return out, nil
}

func (f *fakeTags) TagResource(_ context.Context, _ string, tags map[string]string) error {
	f.mu.Lock()
	for k, v := range tags {
		f.tags[k] = v
	}
	hook := f.onTag
	f.mu.Unlock()
	if hook != nil {
		hook()
	}
	return nil
}

func (f *fakeTags) UntagResource(_ context.Context, _ string, keys []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range keys {
		delete(f.tags, k)
	}
	return nil
}

func (f *fakeTags) lease() (LeaseInfo, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return parseLease(f.tags[LeaseTagKey])
}

func leaseOpt(holder string) LeaseOptions {
	return LeaseOptions{Holder: holder, Host: "host-" + holder, PID: 42, Settle: 20 * time.Millisecond, TTL: time.Minute}
}

func TestLeaseTakenAndReleased(t *testing.T) {
	ctx := context.Background()
	api := &fakeTags{tags: map[string]string{"team": "platform"}}
	l, err := AcquireLease(ctx, api, "r-abcd", leaseOpt("alice"))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := api.lease()
	if !ok || got.Token != l.Info().Token || got.Holder != "alice" || got.Host != "host-alice" || got.PID != 42 {
		t.Fatalf("the root's lease is %+v, want alice's %+v", got, l.Info())
	}
	if v := api.tags[LeaseTagKey]; len(v) > 256 {
		t.Errorf("the lease tag is %d characters; AWS allows 256", len(v))
	}
	// A second apply is refused, told who holds it since when.
	_, err = AcquireLease(ctx, api, "r-abcd", leaseOpt("bob"))
	var held *HeldError
	if !errors.As(err, &held) || held.Lease.Holder != "alice" {
		t.Fatalf("bob got %v, want HeldError naming alice", err)
	}
	for _, want := range []string{"alice on host-alice (pid 42)", "since", "--force-unlock"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message lacks %q: %v", want, err)
		}
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := api.lease(); ok || api.tags["team"] != "platform" {
		t.Fatalf("after release the root's tags are %v, want the lease gone and the rest kept", api.tags)
	}
}

func TestLeaseExpiredOrForcedIsTakenOver(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	stale := LeaseInfo{Token: "0123456789abcdef", Holder: "ci", Host: "runner", PID: 7, Since: now.Add(-time.Hour), Expires: now.Add(-time.Minute)}
	api := &fakeTags{tags: map[string]string{LeaseTagKey: stale.encode()}}
	l, err := AcquireLease(ctx, api, "r-abcd", leaseOpt("alice"))
	if err != nil {
		t.Fatalf("an expired lease was not taken over: %v", err)
	}
	l.Release(ctx)

	live := stale
	live.Expires = now.Add(time.Hour)
	api.tags[LeaseTagKey] = live.encode()
	if _, err := AcquireLease(ctx, api, "r-abcd", leaseOpt("alice")); err == nil {
		t.Fatal("a live lease was taken over without --force-unlock")
	}
	opt := leaseOpt("alice")
	opt.Force = true
	l, err = AcquireLease(ctx, api, "r-abcd", opt)
	if err != nil {
		t.Fatalf("--force-unlock: %v", err)
	}
	if got, _ := api.lease(); got.Holder != "alice" {
		t.Fatalf("after --force-unlock the lease is %+v", got)
	}
	l.Release(ctx)
}

// Two applies that both found the root free: the later write wins, and the
// earlier writer sees it at its verify.
func TestLeaseVerifySeesTheLaterWriter(t *testing.T) {
	ctx := context.Background()
	api := &fakeTags{tags: map[string]string{}}
	bob := LeaseInfo{Token: "b0b0b0b0b0b0b0b0", Holder: "bob", Host: "laptop", Since: time.Now(), Expires: time.Now().Add(time.Minute)}
	api.onTag = func() {
		api.mu.Lock()
		api.tags[LeaseTagKey] = bob.encode() // bob's write lands right after alice's
		api.onTag = nil
		api.mu.Unlock()
	}
	_, err := AcquireLease(ctx, api, "r-abcd", leaseOpt("alice"))
	var held *HeldError
	if !errors.As(err, &held) || !held.Race || held.Lease.Holder != "bob" {
		t.Fatalf("alice got %v, want a HeldError for the race, naming bob", err)
	}
	if got, _ := api.lease(); got.Holder != "bob" {
		t.Fatalf("the loser touched the winner's lease: %+v", got)
	}
}

// A slow read-to-write gap could hide a concurrent writer: the attempt is
// abandoned and its tag removed.
func TestLeaseSlowWriteIsAbandoned(t *testing.T) {
	ctx := context.Background()
	api := &fakeTags{tags: map[string]string{}}
	opt := leaseOpt("alice")
	clock := time.Now()
	opt.Now = func() time.Time { clock = clock.Add(opt.Settle); return clock } // every look at the clock: one settle later
	if _, err := AcquireLease(ctx, api, "r-abcd", opt); err == nil || !strings.Contains(err.Error(), "too slow") {
		t.Fatalf("got %v, want the attempt abandoned", err)
	}
	if _, ok := api.lease(); ok {
		t.Fatal("the abandoned attempt left its lease")
	}
}

// The holder renews; when --force-unlock elsewhere took the lease, the
// renewal sees another token, the lease's context ends with LostError and
// Release leaves the new holder's lease alone.
func TestLeaseRenewsAndNoticesATakeover(t *testing.T) {
	ctx := context.Background()
	api := &fakeTags{tags: map[string]string{}}
	opt := leaseOpt("alice")
	opt.TTL = 90 * time.Millisecond // renewed every 30 ms
	l, err := AcquireLease(ctx, api, "r-abcd", opt)
	if err != nil {
		t.Fatal(err)
	}
	first := l.Info().Expires
	deadline := time.Now().Add(5 * time.Second)
	for !l.Info().Expires.After(first) {
		if time.Now().After(deadline) {
			t.Fatal("the lease was never renewed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	bob := LeaseInfo{Token: "b0b0b0b0b0b0b0b0", Holder: "bob", Since: time.Now(), Expires: time.Now().Add(time.Hour)}
	api.TagResource(ctx, "r-abcd", map[string]string{LeaseTagKey: bob.encode()})
	select {
	case <-l.Context().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the takeover went unnoticed")
	}
	var lost *LostError
	if !errors.As(context.Cause(l.Context()), &lost) || lost.By.Holder != "bob" || !errors.As(l.Err(), &lost) {
		t.Fatalf("cause %v, Err %v; want LostError naming bob", context.Cause(l.Context()), l.Err())
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := api.lease(); got.Holder != "bob" {
		t.Fatalf("release removed the new holder's lease: %+v", got)
	}
}

func TestLeaseTagValueIsSafe(t *testing.T) {
	l := LeaseInfo{Token: "0123456789abcdef", Holder: strings.Repeat("ü user name ", 20), Host: strings.Repeat("host,name;", 20), PID: 123456,
		Since: time.Now(), Expires: time.Now().Add(time.Minute)}
	v := l.encode()
	if len(v) > 256 {
		t.Errorf("%d characters, AWS allows 256", len(v))
	}
	for _, r := range v {
		if !(r == ' ' || r == '=' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.:/+-@", r)) {
			t.Fatalf("%q is not allowed in a tag value: %s", r, v)
		}
	}
	back, ok := parseLease(v)
	if !ok || back.Token != l.Token || back.PID != l.PID || !back.Expires.Equal(l.Expires.Truncate(time.Second)) {
		t.Errorf("round trip: %+v from %s", back, v)
	}
}

// A holder known to be gone (a crashed apply of this machine) leaves a lease
// that the next apply takes over at once.
func TestLeaseOfADeadHolderIsTakenOver(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	crashed := LeaseInfo{Token: "0123456789abcdef", Holder: "alice", Host: "laptop", PID: 99, Since: now, Expires: now.Add(time.Hour)}
	api := &fakeTags{tags: map[string]string{LeaseTagKey: crashed.encode()}}
	opt := leaseOpt("alice")
	opt.Dead = func(l LeaseInfo) bool { return l.Host == "laptop" && l.PID == 99 }
	l, err := AcquireLease(ctx, api, "r-abcd", opt)
	if err != nil {
		t.Fatalf("the lease of a dead holder was not taken over: %v", err)
	}
	l.Release(ctx)
	api.tags[LeaseTagKey] = crashed.encode()
	opt.Dead = func(LeaseInfo) bool { return false }
	if _, err := AcquireLease(ctx, api, "r-abcd", opt); err == nil {
		t.Fatal("the lease of a live holder was taken over")
	}
}

// The README promises these figures: a 2 s wait before the verify, an
// attempt abandoned past 1 s between read and write, a 2-minute lease.
func TestLeaseDefaults(t *testing.T) {
	if DefaultLeaseSettle != 2*time.Second || DefaultLeaseTTL != 2*time.Minute {
		t.Errorf("settle %s, TTL %s: update the README with the figures", DefaultLeaseSettle, DefaultLeaseTTL)
	}
}
