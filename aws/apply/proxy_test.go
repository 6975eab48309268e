package apply_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// faultProxy is a loopback HTTP proxy in front of an AWS endpoint (the
// sandbox served on loopback, or moto) that loses the answers of chosen
// operations after forwarding their requests, as a dropped connection does,
// or holds chosen requests or answers back. It counts the requests it
// forwards, by operation.
type faultProxy struct {
	upstream string
	srv      *httptest.Server

	mu          sync.Mutex
	lose        map[string]int           // operation → answers to lose
	delayBefore map[string]time.Duration // operation → wait before forwarding
	delayAfter  map[string]time.Duration // operation → wait before answering
	forwarded   map[string]int
	lost        map[string]int
}

func newFaultProxy(t *testing.T, upstream string) *faultProxy {
	t.Helper()
	p := &faultProxy{upstream: strings.TrimRight(upstream, "/"), lose: map[string]int{},
		delayBefore: map[string]time.Duration{}, delayAfter: map[string]time.Duration{},
		forwarded: map[string]int{}, lost: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

// operation names a request by its X-Amz-Target (the JSON protocols), or
// its Action parameter (the query protocols).
func operation(r *http.Request, body []byte) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndexByte(t, '.')+1:]
	}
	for _, kv := range strings.Split(string(body), "&") {
		if v, ok := strings.CutPrefix(kv, "Action="); ok {
			return v
		}
	}
	return ""
}

func (p *faultProxy) set(fn func(p *faultProxy)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fn(p)
}

func (p *faultProxy) count(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.forwarded[op]
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	op := operation(r, body)
	p.mu.Lock()
	before, after := p.delayBefore[op], p.delayAfter[op]
	p.mu.Unlock()
	time.Sleep(before)

	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host // the signature covers the host the client signed
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	p.mu.Lock()
	p.forwarded[op]++
	lose := p.lose[op] > 0
	if lose {
		p.lose[op]--
		p.lost[op]++
	}
	p.mu.Unlock()
	time.Sleep(after)
	if lose {
		// The request was carried out; the client never hears of it.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// through returns an env whose clients reach the target through the proxy.
func (e *env) through(p *faultProxy) *env {
	cfg := e.target.Config.Copy()
	cfg.BaseEndpoint = aws.String(p.srv.URL)
	client := organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		o.APIOptions = append(o.APIOptions, orgs.ObserveAttempts)
	})
	return &env{t: e.t, target: e.target, orgs: orgs.New(client, 8), quota: servicequotas.NewFromConfig(cfg), poll: e.poll}
}

// lostAnswers loses the first answer of every non-idempotent create and of a
// few other changes, and CreateAccount's several times.
func lostAnswers(p *faultProxy) {
	p.set(func(p *faultProxy) {
		p.lose["CreateOrganization"] = 1
		p.lose["EnablePolicyType"] = 1
		p.lose["CreateOrganizationalUnit"] = 2
		p.lose["CreateAccount"] = 3
		p.lose["CreatePolicy"] = 2
		p.lose["MoveAccount"] = 1
		p.lose["AttachPolicy"] = 1
	})
}

// TestLostAnswersNeverCreateTwice: AWS carries a change out and its answer
// is lost on the way back. CreateAccount is never sent again before AWS's
// records have been consulted, so each account is asked for exactly once
// (counted by the sandbox's own call record and by the proxy); the other
// creates are protected by their names and converge.
func TestLostAnswersNeverCreateTwice(t *testing.T) {
	e, sb := sandboxEnv(t, "fresh", nil)
	p := newFaultProxy(t, aws.ToString(e.target.Config.BaseEndpoint))
	lostAnswers(p)
	pe := e.through(p)
	tree := design(t, "acme.yaml", nil)
	var lookups int
	_, err := pe.apply(tree, apply.Options{OnEvent: func(ev apply.Event) {
		if strings.Contains(ev.Message, "looking for it at AWS") {
			lookups++
		}
	}})
	if err != nil {
		t.Fatalf("apply with lost answers: %v", err)
	}
	e.assertConverged(tree)
	if p.lost["CreateAccount"] != 3 {
		t.Fatalf("%d CreateAccount answers were lost, want 3: the test did not bite", p.lost["CreateAccount"])
	}
	if lookups != 3 {
		t.Errorf("%d look-ups after a lost answer, want 3", lookups)
	}
	creates := 0
	for _, c := range sb.Calls() {
		if c.Operation == "CreateAccount" {
			creates++
		}
	}
	if creates != len(tree.Accounts) || p.count("CreateAccount") != len(tree.Accounts) {
		t.Errorf("the sandbox recorded %d CreateAccount calls (the proxy forwarded %d) for %d accounts",
			creates, p.count("CreateAccount"), len(tree.Accounts))
	}
}

// TestLostAnswersOnMoto is the same against moto, which completes a
// CreateAccount at once.
func TestLostAnswersOnMoto(t *testing.T) {
	e := motoEnv(t)
	p := newFaultProxy(t, aws.ToString(e.target.Config.BaseEndpoint))
	lostAnswers(p)
	tree := design(t, "acme.yaml", nil)
	if _, err := e.through(p).apply(tree, apply.Options{}); err != nil {
		t.Fatalf("apply with lost answers: %v", err)
	}
	e.assertConverged(tree)
	if n := p.count("CreateAccount"); n != len(tree.Accounts) {
		t.Errorf("CreateAccount sent %d times for %d accounts", n, len(tree.Accounts))
	}
}

// TestCreationEndingDuringTheReadIsSeen: an apply is stopped with account
// creations in flight and its journal is lost (another machine, a deleted
// state directory); the re-run's read is slowed so that the creations end
// while it reads. The plan must wait for them, not create them again.
func TestCreationEndingDuringTheReadIsSeen(t *testing.T) {
	const delay = 400 * time.Millisecond
	for _, tc := range []struct {
		name  string
		slows func(p *faultProxy)
	}{
		// The creations' listing reaches AWS after they ended.
		{"status listing late", func(p *faultProxy) { p.delayBefore["ListCreateAccountStatus"] = 2 * delay }},
		// The accounts are listed while the creations run, and the
		// answers arrive after they ended.
		{"account listing late", func(p *faultProxy) { p.delayAfter["ListAccountsForParent"] = 2 * delay }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, sb := sandboxEnv(t, "fresh", func(c *sandbox.Config) { c.CreateAccountDelay = delay })
			tree := design(t, "acme.yaml", nil)
			ctx, cancel := context.WithCancel(context.Background())
			actual := e.read()
			plan := orgmodel.MakePlan(tree, actual)
			inFlight := map[string]bool{}
			opt := apply.Options{PollInitial: e.poll, PollMax: 2 * e.poll, OnEvent: func(ev apply.Event) {
				if ev.Kind == apply.Waiting {
					if inFlight[ev.Step.Subject] = true; len(inFlight) == apply.MaxCreationsInFlight {
						cancel() // the apply dies with five creations in flight
					}
				}
			}}
			if err := apply.New(e.orgs, opt).Apply(ctx, plan, actual); err == nil {
				t.Fatal("the first apply was not stopped")
			}

			p := newFaultProxy(t, aws.ToString(e.target.Config.BaseEndpoint))
			p.set(tc.slows)
			again := e.through(p).read()
			replan := orgmodel.MakePlan(tree, again)
			for _, s := range replan.Steps {
				if s.Kind == orgmodel.StepCreateAccount && inFlight[s.Subject] {
					t.Errorf("the re-run plans %s (%s) while AWS has the first run's request", s, s.Why)
				}
			}
			// A fresh journal: only AWS's records protect the re-run.
			e.converge(tree)
			creates := 0
			for _, c := range sb.Calls() {
				if c.Operation == "CreateAccount" {
					creates++
				}
			}
			if creates != len(tree.Accounts) {
				t.Errorf("%d CreateAccount calls for %d accounts", creates, len(tree.Accounts))
			}
		})
	}
}

// TestFindCreation: the look-up after an unanswered CreateAccount finds the
// request among AWS's creations of every state sent since the given time,
// and, when AWS lists none that recent, the account in the root by email,
// then by name; it finds nothing for an account AWS never heard of.
func TestFindCreation(t *testing.T) {
	e, _ := sandboxEnv(t, "fresh", func(c *sandbox.Config) { c.AccountQuota = 20 })
	tree := design(t, "acme.yaml", nil)
	e.converge(tree)
	ctx := context.Background()
	sent := time.Now()
	// Created now, so still in the root: the only place a lost creation can be.
	st, err := e.orgs.StartAccountCreation(ctx, "extra", "aws+extra@acme.example", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, found, err := e.orgs.FindCreation(ctx, "extra", "aws+extra@acme.example", sent)
	if err != nil || !found || got.RequestID != st.RequestID {
		t.Fatalf("by request: %+v %v %v, want request %s", got, found, err, st.RequestID)
	}
	done := st
	for done.State == orgmodel.CreationInProgress {
		time.Sleep(10 * time.Millisecond)
		if done, err = e.orgs.CreationStatus(ctx, st.RequestID); err != nil {
			t.Fatal(err)
		}
	}
	later := time.Now().Add(time.Hour) // AWS lists no creation this recent
	for _, tc := range []struct{ name, email string }{
		{"extra", "AWS+Extra@acme.example"}, // by email, in any case
		{"extra", "someone-else@acme.example"},
	} {
		got, found, err := e.orgs.FindCreation(ctx, tc.name, tc.email, later)
		if err != nil || !found || got.AccountID != done.AccountID || got.State != orgmodel.CreationSucceeded {
			t.Errorf("%s <%s>: %+v %v %v, want account %s", tc.name, tc.email, got, found, err, done.AccountID)
		}
	}
	if got, found, err := e.orgs.FindCreation(ctx, "never-sent", "aws+never-sent@acme.example", sent); err != nil || found {
		t.Errorf("never sent: %+v %v %v", got, found, err)
	}
}
