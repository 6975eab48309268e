package core

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestPageToken: one codec for every service; a token is refused by another
// listing and past the list's end.
func TestPageToken(t *testing.T) {
	for _, off := range []int{0, 1, 20, 4999} {
		got, err := DecodePageToken("ListAccounts", EncodePageToken("ListAccounts", off), 5000)
		if err != nil || got != off {
			t.Errorf("offset %d came back as %d, %v", off, got, err)
		}
	}
	tok := EncodePageToken("ListAccounts", 20)
	for name, bad := range map[string]func() (int, error){
		"another scope":   func() (int, error) { return DecodePageToken("ListRoots", tok, 5000) },
		"past the end":    func() (int, error) { return DecodePageToken("ListAccounts", tok, 19) },
		"not base64":      func() (int, error) { return DecodePageToken("ListAccounts", "!!", 5000) },
		"negative offset": func() (int, error) { return DecodePageToken("x", EncodePageToken("x", -1), 5000) },
		"empty":           func() (int, error) { return DecodePageToken("x", "", 5000) },
	} {
		if n, err := bad(); err == nil {
			t.Errorf("%s: accepted, offset %d", name, n)
		}
	}
}

// TestFaultRoll: the shares decide the fault in order throttle, conflict,
// server error, and only for the operations named.
func TestFaultRoll(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		f    Faults
		op   string
		want Fault
	}{
		{Faults{}, "CreateAccount", NoFault},
		{Faults{ThrottleShare: 1}, "CreateAccount", ThrottleFault},
		{Faults{ConflictShare: 1}, "CreateAccount", ConflictFault},
		{Faults{ServerErrorShare: 1}, "CreateAccount", ServerErrorFault},
		{Faults{ThrottleShare: 1, Operations: []string{"ListRoots"}}, "CreateAccount", NoFault},
		{Faults{ServerErrorShare: 1, Operations: []string{"ListRoots"}}, "ListRoots", ServerErrorFault},
	}
	for _, c := range cases {
		if got := c.f.Roll(rng, c.op); got != c.want {
			t.Errorf("%+v on %s: got %v, want %v", c.f, c.op, got, c.want)
		}
	}
}

// TestLimiter: a burst, then one call per 1/rate seconds; a negative rate never refuses.
func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(2, 3)
	for i := range 3 {
		if !l.Allow("a", now) {
			t.Fatalf("call %d of the burst refused", i+1)
		}
	}
	if l.Allow("a", now) {
		t.Fatal("a call past the burst was allowed")
	}
	if !l.Allow("b", now) {
		t.Fatal("another key shares the bucket")
	}
	if !l.Allow("a", now.Add(500*time.Millisecond)) {
		t.Fatal("the bucket did not refill at 2 per second")
	}
	off := NewLimiter(-1, 0)
	for range 100 {
		if !off.Allow("a", now) {
			t.Fatal("a negative rate refused a call")
		}
	}
}
