package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// baselineKillPoint is where a round of TestApplyWithBaselineSurvivesSIGKILL
// kills apply: once the sandbox has carried out the n-th call of op (any
// operation when op is ""), the answer to that call and to every call in
// flight is withheld, calls that arrive from then on never reach the
// sandbox, and apply gets SIGKILL. notYet, when set, is an operation the
// kill must come before (it needs the answer apply never got): that it was
// not called shows the kill landed where it says.
type baselineKillPoint struct {
	what   string
	op     string
	n      int
	notYet string
}

// baselineKillRounds are the rounds' kill points: each round kills the
// first run at its first point and the re-run at its second, then runs to
// the end. In each pair the second point comes later in the baseline's
// order than the first, so the re-run still has it to do.
var baselineKillRounds = [][2]baselineKillPoint{
	// Trusted access and the log bucket run in the same wave (the bucket
	// needs no trusted access), so a kill in trusted access may come after
	// CreateBucket: its re-run is killed at CreateTrail, which needs both.
	{{"trusted access, half of it", "EnableAWSServiceAccess", 2, ""},
		{"between CreateTrail and StartLogging", "CreateTrail", 1, "StartLogging"}},
	{{"between CreateBucket and its policy", "CreateBucket", 1, "PutBucketPolicy"},
		{"between the bucket policy and CreateTrail", "PutBucketPolicy", 1, "CreateTrail"}},
	{{"between Access Analyzer's delegated admin and the analyzers", "RegisterDelegatedAdministrator", 1, "CreateAnalyzer"},
		{"between two organization analyzers", "CreateAnalyzer", 2, ""}},
	{{"GuardDuty's delegated admin, second region", "EnableOrganizationAdminAccount", 2, ""},
		{"GuardDuty's detectors, third one", "CreateDetector", 3, ""}},
	{{"centralized root access, first feature", "EnableOrganizationsRootCredentialsManagement", 1, ""},
		{"GuardDuty's enrolment of the members", "CreateMembers", 1, ""}},
	// The second kill of this round falls at a random call of the re-run
	// (set by the test), while it reads the organization or early in the
	// apply.
	{{"the alternate contacts, half of them", "PutAlternateContact", 16, ""},
		{"at a random call of the re-run", "", 0, ""}},
}

// TestApplyWithBaselineSurvivesSIGKILL is TestApplySurvivesSIGKILL for the
// security baseline (examples/acme-secure.yaml): the organization of
// acme.yaml is built once, then each round starts from a copy of it, kills
// `orgwizard apply` with SIGKILL at a point inside the baseline's steps,
// kills the re-run at a later point (baselineKillRounds), then runs it to
// the end. At a kill point the answer of the call that point names is
// lost, every other request in flight is cut, and requests sent after it
// never arrive. The sandbox runs in this test, so it outlives the kills as
// AWS would. The last run must succeed, a plan must then have nothing to
// do, and the sandbox's call record must hold exactly one accepted
// CreateBucket, CreateTrail and RegisterDelegatedAdministrator, one
// CreateAnalyzer per analyzer and one GuardDuty EnableOrganizationAdminAccount
// per region, and at most one detector per account and region: a resend
// after a lost answer would show there.
//
// Cost: one build, one apply of acme.yaml, then per round three applies of
// the binary, each reading the organization at AWS's pace (10 calls a
// second, about 3 s), and an in-process plan: 6 rounds of about 12 s.
func TestApplyWithBaselineSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary many times")
	}
	bin := buildBinary(t)
	data, err := os.ReadFile("examples/acme-secure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Baseline.Regions) == 0 || len(tree.Baseline.Analyzers) == 0 || tree.Baseline.Trail == nil {
		t.Fatalf("acme-secure.yaml no longer has the full baseline: %+v", tree.Baseline)
	}

	// The organization, without the baseline, once.
	template := filepath.Join(t.TempDir(), "sandbox.json")
	cmd := exec.Command(bin, "apply", "--yes", "--design", "examples/acme.yaml", "--sandbox-state", template, "--sandbox-speed", "50")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the organization of acme.yaml: %v\n%s", err, out)
	}
	organization, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 17))
	kills := 0
	for round, points := range baselineKillRounds {
		if points[1].op == "" {
			// The re-run reads with about 50 calls before it applies.
			points[1].n = 1 + rng.IntN(60)
		}
		state := filepath.Join(t.TempDir(), "sandbox.json")
		if err := os.WriteFile(state, organization, 0o600); err != nil {
			t.Fatal(err)
		}
		kills += baselineRound(t, round, bin, state, points[:], tree)
	}
	t.Logf("%d rounds, %d kills at their point", len(baselineKillRounds), kills)
	if want := 2 * len(baselineKillRounds); kills < want {
		t.Errorf("only %d of %d kills landed: runs ended before their kill point, so those rounds prove little", kills, want)
	}
}

// baselineRound plays one round on the organization in state and returns
// how many kills landed at their point.
func baselineRound(t *testing.T, round int, bin, state string, points []baselineKillPoint, tree *orgmodel.Tree) int {
	t.Helper()
	// Unthrottled: the rounds are about kills, and a client out of its
	// embedded sandbox does not pace its calls to the sandbox's limits.
	sb, err := sandbox.Open(sandbox.Config{StatePath: state, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	mgmt := sb.Accounts()[0]
	env := machineEnv(t, []string{"AWS_ACCESS_KEY_ID=" + mgmt.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + mgmt.SecretAccessKey, "AWS_REGION=us-east-1"})
	design := "examples/acme-secure.yaml"

	kills := 0
	var said []string
	for _, kp := range points {
		name := fmt.Sprintf("round %d, %s", round, kp.what)
		if kp.op != "" {
			name += " (" + kp.op + ")"
		}
		// A run through a switch that cuts it at the kill point.
		ks := newKillSwitch(sb, kp.op, kp.n)
		srv := httptest.NewServer(ks)
		cmd := exec.Command(bin, "apply", "--yes", "--design", design, "--endpoint-url", srv.URL)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		killed := false
		select {
		case <-ks.fired:
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			killed = ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
		case err := <-done:
			t.Errorf("%s: apply ended (%v) before its kill point:\n%s", name, err, out.String())
		case <-time.After(2 * time.Minute):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			t.Fatalf("%s: apply neither reached its kill point nor ended in 2 minutes:\n%s", name, out.String())
		}
		close(ks.release)
		srv.Close()
		said = append(said, name+":\n"+out.String())
		if !killed {
			continue
		}
		kills++
		if kp.notYet != "" && accepted(sb.Calls()[ks.from:])[kp.notYet] > 0 {
			t.Errorf("%s: %s was called before the kill: the kill point is not where it says", name, kp.notYet)
		}
	}

	// The last run on the same sandbox, then the plan (read as plan reads,
	// in this process: orgwizard's own plan against an endpoint keeps to
	// AWS's Organizations rate and would cost 3 s more a round).
	plain := httptest.NewServer(sb.Handler())
	defer plain.Close()
	cmd := exec.Command(bin, "apply", "--yes", "--design", design, "--endpoint-url", plain.URL)
	cmd.Env = env
	if last, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("round %d: the last run failed: %v\n%s\nthe killed runs said:\n%s", round, err, last, strings.Join(said, "\n"))
	}
	if steps := baselinePlan(t, sb, tree); len(steps) > 0 {
		t.Errorf("round %d: not converged: the plan after the last run:\n  %s", round, strings.Join(steps, "\n  "))
	}

	// Nothing created twice.
	regions, analyzers := len(tree.Baseline.Regions), len(tree.Baseline.Analyzers)
	got := accepted(sb.Calls())
	for _, c := range []struct {
		op       string
		min, max int
	}{
		{"CreateBucket", 1, 1},
		{"CreateTrail", 1, 1},
		{"CreateAnalyzer", analyzers, analyzers},
		{"RegisterDelegatedAdministrator", 1, 1},
		{"EnableOrganizationAdminAccount", regions, regions},
		// security-tooling's detector, and the management account's,
		// in each region.
		{"CreateDetector", regions, 2 * regions},
	} {
		if n := got[c.op]; n < c.min || n > c.max {
			t.Errorf("round %d: the sandbox accepted %d %s calls, want %d to %d: something was created twice (or never)", round, n, c.op, c.min, c.max)
		}
	}
	return kills
}

// baselinePlan is what a plan of tree would still do on the sandbox: the
// organization and the baseline read as orgwizard plan reads them.
func baselinePlan(t *testing.T, sb *sandbox.Sandbox, tree *orgmodel.Tree) []string {
	t.Helper()
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	ctx := context.Background()
	actual, err := orgs.New(organizations.NewFromConfig(tg.Config), 8).Read(ctx)
	if err != nil {
		t.Fatalf("reading the organization: %v", err)
	}
	mgmt := baseline.NewManagement(tg.Config)
	actual.Baseline, err = baseline.New(mgmt, baseline.AssumeInto(tg.Config, mgmt.STS), tg.AccountID).Read(ctx, tree, actual)
	if err != nil {
		t.Fatalf("reading the baseline: %v", err)
	}
	var steps []string
	for _, s := range orgmodel.MakePlan(tree, actual).Steps {
		steps = append(steps, s.String())
	}
	return steps
}

// accepted counts the calls the sandbox accepted, by operation.
func accepted(calls []sandbox.Call) map[string]int {
	n := map[string]int{}
	for _, c := range calls {
		if c.Outcome == "ok" {
			n[c.Operation]++
		}
	}
	return n
}

// killSwitch serves the sandbox until it has carried out the n-th call of
// op (of any operation when op is ""); from then on it answers nothing:
// that call's answer, those of calls in flight, and calls that arrive
// later (which never reach the sandbox) wait for release and are dropped.
type killSwitch struct {
	sb      *sandbox.Sandbox
	from    int // the call record's length when the switch was made
	op      string
	n       int
	fired   chan struct{}
	release chan struct{}

	mu     sync.Mutex
	seen   int // calls of the record looked at
	count  int
	isDone bool
}

func newKillSwitch(sb *sandbox.Sandbox, op string, n int) *killSwitch {
	from := len(sb.Calls())
	return &killSwitch{sb: sb, op: op, n: n, fired: make(chan struct{}), release: make(chan struct{}), from: from, seen: from}
}

func (k *killSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if k.done() {
		<-k.release
		return
	}
	rec := httptest.NewRecorder()
	k.sb.Handler().ServeHTTP(rec, r)
	if k.check() {
		<-k.release
		return
	}
	for key, v := range rec.Header() {
		w.Header()[key] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

func (k *killSwitch) done() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.isDone
}

// check looks at the calls recorded since it last looked, fires at the
// kill point, and reports whether it has fired.
func (k *killSwitch) check() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.isDone {
		return true
	}
	calls := k.sb.Calls()
	for _, c := range calls[k.seen:] {
		if (k.op == "" || (c.Operation == k.op && c.Outcome == "ok")) && !k.isDone {
			k.count++
			if k.count >= k.n {
				k.isDone = true
				close(k.fired)
			}
		}
	}
	k.seen = len(calls)
	return k.isDone
}
