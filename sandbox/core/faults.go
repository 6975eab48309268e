package core

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// Faults make the sandbox misbehave on purpose, for tests and workshops. They
// live in the state file, so a workshop's faults survive a restart.
type Faults struct {
	// Shares (0 to 1) of Organizations, STS and Service Quotas calls answered
	// with throttling, ConcurrentModificationException, or an HTTP 500; the
	// throttling and 500 shares apply to sso-admin and identitystore too.
	ThrottleShare    float64 `json:"throttleShare,omitempty"`
	ConflictShare    float64 `json:"conflictShare,omitempty"`
	ServerErrorShare float64 `json:"serverErrorShare,omitempty"`
	// Operations limits the shares to these operation names; empty means all.
	Operations []string `json:"operations,omitempty"`
	// FailCreateAccount makes CreateAccount end FAILED for chosen names or emails.
	FailCreateAccount []CreateAccountFailure `json:"failCreateAccount,omitempty"`
	// Deny answers AccessDenied for chosen (account, service, region); an empty
	// field matches anything.
	Deny []Denial `json:"deny,omitempty"`
}

// CreateAccountFailure fails the creation of the account whose name or email
// equals Match (case-insensitive) with Reason (INTERNAL_FAILURE when empty).
type CreateAccountFailure struct {
	Match  string `json:"match"`
	Reason string `json:"reason,omitempty"`
}

// Denial refuses calls from Account to Service in Region, or only its
// Operation when set, as a missing IAM permission does.
type Denial struct {
	Account   string `json:"account,omitempty"`
	Service   string `json:"service,omitempty"`
	Region    string `json:"region,omitempty"`
	Operation string `json:"operation,omitempty"`
}

// Denied is the AccessDenied a denial answers the caller's op with; nil when none applies.
func (f *Faults) Denied(c *Caller, op string) *Error {
	for _, d := range f.Deny {
		if (d.Account == "" || d.Account == c.Account.ID) && (d.Service == "" || d.Service == c.Service) &&
			(d.Region == "" || d.Region == c.Region) && (d.Operation == "" || d.Operation == op) {
			if d.Operation != "" {
				// AWS's wording for an action no policy allows.
				action := c.Service + ":" + op
				return &Error{Status: http.StatusForbidden, Code: "AccessDenied",
					Message: "User: arn:aws:iam::" + c.Account.ID + ":user/sandbox is not authorized to perform: " + action +
						" because no identity-based policy allows the " + action + " action (sandbox fault injection)"}
			}
			return &Error{Status: http.StatusForbidden, Code: "AccessDenied",
				Message: "User: arn:aws:iam::" + c.Account.ID + ":root is not authorized to perform this operation in " + c.Region + " (sandbox fault injection)"}
		}
	}
	return nil
}

// Fault is what the injected shares make of one call.
type Fault int

const (
	NoFault Fault = iota
	ThrottleFault
	ConflictFault
	ServerErrorFault
)

// Roll draws the fault, if any, for op. Every service rolls the same way and
// answers the fault in its own exceptions; one without a conflict exception
// (all but Organizations) says what a ConflictFault becomes.
func (f *Faults) Roll(rng *rand.Rand, op string) Fault {
	if len(f.Operations) > 0 && !slices.Contains(f.Operations, op) {
		return NoFault
	}
	if f.ThrottleShare == 0 && f.ConflictShare == 0 && f.ServerErrorShare == 0 {
		return NoFault
	}
	roll := rng.Float64()
	switch {
	case roll < f.ThrottleShare:
		return ThrottleFault
	case roll < f.ThrottleShare+f.ConflictShare:
		return ConflictFault
	case roll < f.ThrottleShare+f.ConflictShare+f.ServerErrorShare:
		return ServerErrorFault
	}
	return NoFault
}

// Limiter is the request-rate limit: a token bucket per key (caller account,
// service and operation).
type Limiter struct {
	// PerSecond is the refill rate; a negative rate turns the limit off.
	PerSecond float64
	Burst     int
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter is a limiter with full buckets.
func NewLimiter(perSecond float64, burst int) *Limiter {
	return &Limiter{PerSecond: perSecond, Burst: burst, buckets: map[string]*bucket{}}
}

// Allow takes a token from key's bucket; false when it is empty.
func (l *Limiter) Allow(key string, now time.Time) bool {
	if l.PerSecond < 0 {
		return true
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(l.Burst), last: now}
		l.buckets[key] = b
	}
	b.tokens = min(float64(l.Burst), b.tokens+now.Sub(b.last).Seconds()*l.PerSecond)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
