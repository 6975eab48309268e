// Package sandbox is orgwizard's simulated AWS: a single HTTP handler that
// speaks AWS's own wire protocols, so the tool's real aws-sdk-go-v2 adapter,
// the AWS CLI or Terraform can run against it exactly as against AWS.
//
// The whole world is one JSON state file written atomically after every
// acknowledged change; in-memory indexes answer reads without touching it.
// This package keeps that file and its lock, the scenarios, the public API
// (Open, Start, Handler, Accounts, Calls, SetFaults, EnableIdentityCenter...)
// and the wiring of the services. It is laid out as moto and LocalStack are:
//
//   - core: what every service shares: the protocols' error shapes, SigV4,
//     ids, the page-token codec, faults and the rate limit, the call record,
//     and the accounts and sessions (core.Directory) with the caller a request
//     authenticated as (core.Caller: its account, its session, Principal()).
//   - one package per service: organizations, sts, iam, servicequotas,
//     identitycenter, billing (Cost Explorer and Budgets), inventory (the
//     read-only services the migration sweeps). A service holds its
//     resources, validation and errors, and never imports another service.
//
// Adding a service (S3, CloudTrail, GuardDuty, Security Hub, Access Analyzer,
// the Account service...):
//
//  1. Write sandbox/<service>: its part of the state as exported JSON types,
//     a Service over a pointer to that part, Known(op) for the call record,
//     and Serve(c *core.Caller, op string, body []byte, now time.Time)
//     returning the answer's body, whether the state changed, and a
//     *core.Error. Answer errors as core.Errf or &core.Error{...}; page lists
//     with core.EncodePageToken/DecodePageToken; make ids with core's.
//  2. What it needs of other services comes through an interface it
//     declares or core's: core.Organizations answers which organization an
//     account is in and whether the caller manages it (OrgOf(...).Manages),
//     its members and OU paths; core.Directory finds accounts and mints
//     sessions (the way STS AssumeRole into a member account hands out
//     credentials that then act as that account everywhere).
//  3. Add its field to the state (state.go) and build it in wire
//     (wiring.go) from the state and those interfaces.
//  4. Route it: a signed awsJson or awsQuery service is one entry in
//     services (wiring.go), found by its SigV4 signing name, with its
//     X-Amz-Target prefix and whether injected faults apply; its refusals
//     (bad signature, denial, throttling) then come in its protocol's shape
//     through core.WriteProtocolError (add its name to core.WireCode when its
//     protocol is query, XML or REST). A REST service found by host or path
//     gets a branch in serveHTTP (router.go), as Identity Center's portal
//     and the inventory services have.
//  5. Operations that complete later (CreateAccount, quota increases)
//     expose Settle(now) and their next due time; settle and armTimer in
//     sandbox.go call them, so they complete on time with or without requests.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/account"
	"github.com/orgwizard/orgwizard/sandbox/core"
	"github.com/orgwizard/orgwizard/sandbox/iam"
	"github.com/orgwizard/orgwizard/sandbox/inventory"
	"github.com/orgwizard/orgwizard/sandbox/organizations"
	"github.com/orgwizard/orgwizard/sandbox/s3"
	"github.com/orgwizard/orgwizard/sandbox/servicequotas"
	"github.com/orgwizard/orgwizard/sandbox/sts"
)

// Scenarios are the worlds a new sandbox can start from (sandbox.md).
var Scenarios = []string{"fresh", "dirty-management", "existing-org", "small-quota"}

// DefaultCreateAccountDelay is how long a CreateAccount stays IN_PROGRESS at
// speed 1: long enough for a client to see IN_PROGRESS, short for a workshop.
const DefaultCreateAccountDelay = 4 * time.Second

// DefaultQuotaIncreaseDelay is how long a Service Quotas increase takes to
// be APPROVED at speed 1.
const DefaultQuotaIncreaseDelay = servicequotas.DefaultQuotaIncreaseDelay

// MaxAccountQuota is the largest accounts quota the sandbox grants or can be set to.
const MaxAccountQuota = servicequotas.MaxAccountQuota

// Default request-rate limit per caller account and operation. AWS does not
// publish Organizations' rates; these sit in the range clients meet in practice
// and leave room for a polling loop.
const (
	DefaultRatePerSecond = 20
	DefaultBurst         = 40
)

// Config says where the sandbox keeps its state and how it behaves.
type Config struct {
	// StatePath is the JSON state file; DefaultStatePath() when empty.
	StatePath string
	// Scenario builds the world when the state file does not exist yet
	// (and on Reset). Empty means "fresh".
	Scenario string
	// Speed divides every simulated delay: 100 makes CreateAccount 100 times faster.
	// 0 means 1.
	Speed float64
	// CreateAccountDelay is the IN_PROGRESS time at speed 1; 0 means DefaultCreateAccountDelay.
	CreateAccountDelay time.Duration
	// QuotaIncreaseDelay is how long a Service Quotas increase takes to be
	// approved at speed 1; 0 means DefaultQuotaIncreaseDelay.
	QuotaIncreaseDelay time.Duration
	// RatePerSecond and Burst are the token bucket per caller account and
	// operation. 0 means the defaults; a negative rate turns throttling off.
	RatePerSecond float64
	Burst         int
	// AccountQuota, when above 0, is the accounts quota of a new state's
	// organizations instead of the scenario's (benchmarks of large designs,
	// workshops; `sandbox reset --account-quota`).
	AccountQuota int
	// Faults, when not nil, replace the faults recorded in the state (and are saved).
	Faults *Faults
	// Now is the clock; tests may set it. Nil means time.Now.
	Now func() time.Time
}

// Faults make the sandbox misbehave on purpose, for tests and workshops
// (package core defines them; these names are the sandbox's public API).
type (
	Faults               = core.Faults
	CreateAccountFailure = core.CreateAccountFailure
	Denial               = core.Denial
	// Call is one recorded request.
	Call = core.Call
)

// AccountInfo is one simulated account and the credentials that act as it.
type AccountInfo struct {
	ID              string
	Name            string
	Email           string
	AccessKeyID     string
	SecretAccessKey string
	// Role says what the account is in its scenario: "management",
	// "standalone", "member", "new-management" (dirty-management's clean one)...
	Role string
	// OrganizationID is empty for a standalone account.
	OrganizationID string
	// OrganizationManagementID is the management account of the account's
	// organization (the account itself when it manages it).
	OrganizationManagementID string
}

// Sandbox is a running simulated AWS. It is safe for concurrent use.
type Sandbox struct {
	mu    sync.Mutex
	cfg   Config
	store store
	st    *state
	// The services over st (wire builds them again whenever st is replaced).
	dir       *core.Directory
	orgs      *organizations.Service
	quotas    *servicequotas.Service
	sts       *sts.Service
	iam       *iam.Service
	s3        *s3.Service
	account   *account.Service
	resources map[string][]inventory.Resource // account id -> its resources
	services  map[string]*service             // signing name -> the service
	limiter   *core.Limiter
	calls     []Call
	callLog   *os.File
	lock      *os.File
	rng       *rand.Rand
	timer     *time.Timer
	closed    bool
}

// Open loads the state file, or creates it from cfg.Scenario when it does not
// exist yet.
func Open(cfg Config) (*Sandbox, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	lock, err := lockState(cfg.StatePath)
	if err != nil {
		return nil, err
	}
	s, err := open(cfg)
	if err != nil {
		lock.Close()
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func open(cfg Config) (*Sandbox, error) {
	s := &Sandbox{cfg: cfg, store: store{path: cfg.StatePath}, limiter: core.NewLimiter(cfg.RatePerSecond, cfg.Burst),
		rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed))}
	exists, err := fileExists(cfg.StatePath)
	if err != nil {
		return nil, err
	}
	if exists {
		st, err := s.store.load()
		if err != nil {
			return nil, err
		}
		s.st = st
	} else {
		st, err := newScenario(cfg.Scenario, cfg.now())
		if err != nil {
			return nil, err
		}
		st.setAccountQuota(cfg.AccountQuota)
		s.st = st
	}
	if cfg.Faults != nil {
		s.st.Faults = *cfg.Faults
	}
	s.wire()
	// Creations that came due while no server ran complete now, and are saved
	// at once: the accounts they make get fresh keys that must not change.
	completed := s.settle()
	if !exists || cfg.Faults != nil || completed {
		if err := s.store.save(s.st); err != nil {
			return nil, fmt.Errorf("write sandbox state: %w", err)
		}
	}
	s.calls, _ = core.ReadCallLog(callLogPath(cfg.StatePath))
	f, err := os.OpenFile(callLogPath(cfg.StatePath), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open sandbox call record: %w", err)
	}
	s.callLog = f
	s.armTimer()
	return s, nil
}

func (c Config) withDefaults() (Config, error) {
	if c.StatePath == "" {
		p, err := DefaultStatePath()
		if err != nil {
			return c, err
		}
		c.StatePath = p
	}
	if c.Scenario == "" {
		c.Scenario = "fresh"
	}
	if !slices.Contains(Scenarios, c.Scenario) {
		return c, fmt.Errorf("unknown sandbox scenario %q; known scenarios: %s", c.Scenario, strings.Join(Scenarios, ", "))
	}
	if c.Speed < 0 {
		return c, fmt.Errorf("sandbox speed must be positive, got %g", c.Speed)
	}
	if c.Speed == 0 {
		c.Speed = 1
	}
	if c.CreateAccountDelay == 0 {
		c.CreateAccountDelay = DefaultCreateAccountDelay
	}
	if c.QuotaIncreaseDelay == 0 {
		c.QuotaIncreaseDelay = DefaultQuotaIncreaseDelay
	}
	if c.AccountQuota < 0 || c.AccountQuota > MaxAccountQuota {
		return c, fmt.Errorf("the accounts quota must be between 1 and %d, got %d", MaxAccountQuota, c.AccountQuota)
	}
	if c.RatePerSecond == 0 {
		c.RatePerSecond = DefaultRatePerSecond
	}
	if c.Burst == 0 {
		c.Burst = DefaultBurst
	}
	return c, nil
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Reset starts the state over from cfg.Scenario and forgets the call record.
func Reset(cfg Config) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	lock, err := lockState(cfg.StatePath)
	if err != nil {
		return err
	}
	defer lock.Close()
	st, err := newScenario(cfg.Scenario, cfg.now())
	if err != nil {
		return err
	}
	if cfg.Faults != nil {
		st.Faults = *cfg.Faults
	}
	st.setAccountQuota(cfg.AccountQuota)
	if err := (store{path: cfg.StatePath}).save(st); err != nil {
		return fmt.Errorf("write sandbox state: %w", err)
	}
	if err := os.Remove(callLogPath(cfg.StatePath)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Close stops the completion timer and closes the call record. The state is
// already on disk: every change was saved before it was acknowledged.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	return errors.Join(s.callLog.Close(), s.lock.Close())
}

// Scenario is the scenario the state was built from.
func (s *Sandbox) Scenario() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Scenario
}

// StatePath is the file the sandbox keeps its state in.
func (s *Sandbox) StatePath() string { return s.cfg.StatePath }

// Start serves the sandbox on a free loopback port, for in-process use.
func (s *Sandbox) Start() (endpoint string, stop func() error, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := s.serve(ln)
	stop = func() error { return errors.Join(srv.stop(), s.Close()) }
	return "http://" + ln.Addr().String(), stop, nil
}

// Serve serves the sandbox on ln until ctx ends, then stops at once: the
// requests in flight finish and are answered, and every connection, idle or
// opened and never used, is closed without waiting. It does not close the
// sandbox itself.
func (s *Sandbox) Serve(ctx context.Context, ln net.Listener) error {
	srv := s.serve(ln)
	select {
	case err := <-srv.served:
		return err
	case <-ctx.Done():
		return srv.stop()
	}
}

// server is one HTTP server over the sandbox, behind a gate.
type server struct {
	g      *gate
	http   *http.Server
	served chan error
}

func (s *Sandbox) serve(ln net.Listener) *server {
	g := &gate{}
	srv := &server{g: g, http: &http.Server{Handler: g.wrap(s.Handler()), ReadHeaderTimeout: 10 * time.Second}, served: make(chan error, 1)}
	go func() { srv.served <- srv.http.Serve(ln) }()
	return srv
}

// stop drains the requests in flight and closes every connection.
func (srv *server) stop() error {
	srv.g.drain(drainTimeout)
	// Close, not Shutdown: Shutdown waits up to 5 s for a connection the
	// client opened but never used, so every command would end 5 s after
	// its work. No request is in flight any more, so nothing is cut.
	err := srv.http.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// drainTimeout bounds the wait for requests in flight when a server stops.
// The handlers never wait on anything but the state file, so it is reached
// only when a client stops reading its answer.
const drainTimeout = 5 * time.Second

// gate lets a server stop the moment its work is done: drain waits for the
// requests in flight (each change is saved and answered whole), and refuses
// any that come later, so that closing every connection at once loses nothing.
type gate struct {
	mu      sync.RWMutex
	closing atomic.Bool
}

func (g *gate) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.RLock()
		defer g.mu.RUnlock()
		if g.closing.Load() {
			w.Header().Set("Connection", "close")
			http.Error(w, "the sandbox is stopping", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// drain refuses new requests and waits, at most timeout, for those in flight.
func (g *gate) drain(timeout time.Duration) {
	g.closing.Store(true)
	done := make(chan struct{})
	go func() {
		g.mu.Lock()
		close(done)
		g.mu.Unlock()
	}()
	select {
	case <-done:
	case <-time.After(timeout):
	}
}

// Accounts lists every simulated account with the credentials that act as it.
func (s *Sandbox) Accounts() []AccountInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleAndSave()
	managers := map[string]string{} // organization id → its management account
	for _, o := range s.st.Organizations {
		managers[o.ID] = o.ManagementID
	}
	out := make([]AccountInfo, 0, len(s.st.Accounts))
	for _, a := range s.st.Accounts {
		out = append(out, AccountInfo{ID: a.ID, Name: a.Name, Email: a.Email, AccessKeyID: a.AccessKeyID,
			SecretAccessKey: a.SecretAccessKey, Role: a.Role, OrganizationID: a.OrgID,
			OrganizationManagementID: managers[a.OrgID]})
	}
	return out
}

// Calls returns the call record, oldest first.
func (s *Sandbox) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// SetAccountQuota sets the accounts quota of every organization, and of those
// still to be created, and saves it: a workshop's starting point, as if AWS
// had granted it. It must be at least 1, the management account.
func (s *Sandbox) SetAccountQuota(n int) error {
	if n < 1 || n > MaxAccountQuota {
		return fmt.Errorf("the accounts quota must be between 1 and %d, got %d", MaxAccountQuota, n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.st.setAccountQuota(n) {
		// Open has just written this very state: a quota already in place
		// (`sandbox serve --account-quota` on the same state again) is not
		// written a second time.
		return nil
	}
	return s.store.save(s.st)
}

// setAccountQuota sets the accounts quota everywhere when n is above 0, and
// reports whether anything changed.
func (st *state) setAccountQuota(n int) bool {
	if n <= 0 {
		return false
	}
	changed := st.AccountQuota != n
	for _, o := range st.Organizations {
		changed = changed || o.AccountQuota != n
	}
	for _, a := range st.Accounts {
		changed = changed || a.AccountQuota != 0
	}
	st.AccountQuota = n
	organizations.SetAccountQuota(st.Organizations, st.Accounts, n)
	return changed
}

// SetFaults replaces the faults and saves them.
func (s *Sandbox) SetFaults(f Faults) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Faults = f
	return s.store.save(s.st)
}

// SetSpeed changes the speed factor for creations requested from now on.
func (s *Sandbox) SetSpeed(speed float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if speed > 0 {
		s.cfg.Speed = speed
	}
}

// SetRateLimit changes the per-operation token bucket; a negative rate turns throttling off.
func (s *Sandbox) SetRateLimit(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.RatePerSecond = perSecond
	s.cfg.Burst = burst
	s.limiter = core.NewLimiter(perSecond, burst)
}

// LoadCalls reads the call record kept next to a state file, for `sandbox
// calls` while or after a server runs.
func LoadCalls(statePath string) ([]Call, error) {
	if statePath == "" {
		p, err := DefaultStatePath()
		if err != nil {
			return nil, err
		}
		statePath = p
	}
	calls, err := core.ReadCallLog(callLogPath(statePath))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return calls, err
}

// callLogPath is the call record's file: a log, appended once per request, is
// kept apart from the state so that reads never rewrite the state file.
func callLogPath(statePath string) string {
	return strings.TrimSuffix(statePath, ".json") + ".calls.jsonl"
}

func (s *Sandbox) record(c Call) {
	c = c.Recorded(served)
	s.calls = append(s.calls, c)
	if s.callLog != nil && !s.closed {
		line, _ := json.Marshal(c)
		s.callLog.Write(append(line, '\n'))
	}
}

// settle moves every service on to now: creations and quota requests whose
// time has come complete. It reports whether anything changed, so the
// caller saves before answering.
func (s *Sandbox) settle() bool {
	now := s.cfg.now()
	changed := s.quotas.Settle(now)
	return s.orgs.Settle(now) || changed
}

func (s *Sandbox) settleAndSave() {
	if s.settle() {
		if err := s.store.save(s.st); err != nil {
			s.reloadAfterFailedSave()
		}
	}
}

// armTimer completes in-flight creations on time even when no request comes,
// so a client that only watches the state file sees them finish too.
func (s *Sandbox) armTimer() {
	next := s.quotas.NextChange()
	if t := s.orgs.NextCompletion(); !t.IsZero() && (next.IsZero() || t.Before(next)) {
		next = t
	}
	if next.IsZero() || s.closed {
		return
	}
	d := time.Until(next)
	if s.cfg.Now != nil {
		// A test clock does not move with the wall clock; requests settle it.
		return
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(max(d, 0)+time.Millisecond, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed {
			return
		}
		s.settleAndSave()
		s.armTimer()
	})
}

// reloadAfterFailedSave puts the memory back to what the file holds, so the
// sandbox never shows a change it could not make durable.
func (s *Sandbox) reloadAfterFailedSave() {
	st, err := s.store.load()
	if err != nil {
		return
	}
	s.st = st
	s.wire()
}
