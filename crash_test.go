package main

import (
	"bufio"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// buildBinary builds orgwizard once for the end-to-end tests.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "orgwizard")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// TestApplySurvivesSIGKILL kills `orgwizard apply` with SIGKILL at random
// moments (the embedded sandbox dies with it, as harsh as it gets), kills
// the re-run again early, while it starts and reads the organization (when
// creations of the first run may be ending), then runs it to the end. The
// organization must equal the design; AWS's creations must be one SUCCEEDED
// per account, FAILED only where every fourth round's fault fails website-dev
// (a second request for an email would fail too, EMAIL_ALREADY_EXISTS); and
// the sandbox's own call record must hold one accepted CreateAccount per
// account and per failed creation, never more (and at most one fewer per
// kill: the sandbox writes a call's line just after saving its effect).
// ORGWIZARD_CRASH_ROUNDS sets the number of rounds (24).
//
// That these counts can fail is shown at the engine's level, where the same
// kill and lost answer are played without the look-up or the journal that
// prevent a second request (aws/apply: TestLostCreateAccountAnswerIsLookedUp,
// TestJournalEntryWithoutRequestID, TestWithoutTheJournalARequestIsSentTwice).
func TestApplySurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary many times")
	}
	rounds := 24
	if s := os.Getenv("ORGWIZARD_CRASH_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ORGWIZARD_CRASH_ROUNDS=%q is not a positive number", s)
		}
		rounds = n
	}
	bin := buildBinary(t)
	design := "examples/acme.yaml"
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	var kills, inFlightKills, earlyKills, failedCreations int
	for round := range rounds {
		dir := t.TempDir()
		state := filepath.Join(dir, "sandbox.json")
		failing := round%4 == 3
		if failing {
			setFaults(t, state, &sandbox.Faults{FailCreateAccount: []sandbox.CreateAccountFailure{{Match: "website-dev", Reason: "INTERNAL_FAILURE"}}})
		}
		args := []string{"apply", "--yes", "--design", design, "--sandbox-state", state, "--sandbox-speed", "20"}
		env := append(os.Environ(), "XDG_STATE_HOME="+dir)
		// The first run dies at a random moment; the re-run dies early.
		roundKills := 0
		for i, after := range []time.Duration{
			time.Duration(rng.IntN(1200)) * time.Millisecond,
			time.Duration(20+rng.IntN(180)) * time.Millisecond,
		} {
			killed, applying := runAndKill(t, bin, args, env, after)
			if !killed {
				continue
			}
			kills++
			roundKills++
			if !applying {
				earlyKills++
			}
			if i == 0 && journalled(t, dir) > 0 {
				inFlightKills++
			}
		}
		if failing {
			setFaults(t, state, &sandbox.Faults{})
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil && failing && strings.Contains(string(out), "website-dev <aws+website-dev@acme.example>: INTERNAL_FAILURE") {
			// The run awaited a creation of website-dev that a killed run
			// sent while the fault was on: AWS ended it FAILED, and apply
			// says so. The next run creates it.
			cmd = exec.Command(bin, args...)
			cmd.Env = env
			out, err = cmd.CombinedOutput()
		}
		if err != nil {
			t.Fatalf("round %d: the re-run failed: %v\n%s", round, err, out)
		}
		failedCreations += checkConverged(t, round, state, design, roundKills)
	}
	t.Logf("%d rounds: %d kills, %d with creations in flight, %d before the apply began (start-up, read, plan); %d creations ended FAILED",
		rounds, kills, inFlightKills, earlyKills, failedCreations)
	if kills < rounds {
		t.Errorf("only %d kills landed in %d rounds: the runs ended before the kills, so the test proves little", kills, rounds)
	}
	if rounds >= 8 && (inFlightKills == 0 || earlyKills == 0) {
		t.Errorf("no kill landed with creations in flight (%d) or before the apply began (%d)", inFlightKills, earlyKills)
	}
}

// runAndKill starts apply, sends SIGKILL after `after`, and reports whether
// the kill ended it (rather than the run ending first) and whether it had
// begun applying.
func runAndKill(t *testing.T, bin string, args, env []string, after time.Duration) (killed, applying bool) {
	t.Helper()
	var out strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(after)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	killed = ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
	return killed, strings.Contains(out.String(), "Applying")
}

// setFaults sets the faults of the sandbox state at path, creating it.
func setFaults(t testing.TB, path string, f *sandbox.Faults) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: path, Scenario: "fresh", Faults: f})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
}

// journalled counts the entries of the apply journals in dir.
func journalled(t *testing.T, dir string) int {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "journal-*.json"))
	n := 0
	for _, p := range paths {
		j, err := apply.OpenJournal(p)
		if err != nil {
			t.Fatal(err)
		}
		n += j.Len()
	}
	return n
}

func checkConverged(t testing.TB, round int, state, designPath string, kills int) (failedCreations int) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	defer sb.Close()
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	actual, err := orgs.New(organizations.NewFromConfig(tg.Config), 8).Read(context.Background())
	if err != nil {
		t.Fatalf("round %d: reading: %v", round, err)
	}
	data, err := os.ReadFile(designPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tree, _ := d.Expand()
	if p := orgmodel.MakePlan(tree, actual); !p.Empty() {
		var steps []string
		for _, s := range p.Steps {
			steps = append(steps, s.String())
		}
		t.Fatalf("round %d: not converged:\n  %s", round, strings.Join(steps, "\n  "))
	}
	emails := map[string]int{}
	for _, a := range actual.Accounts {
		emails[strings.ToLower(a.Email)]++
	}
	for _, a := range tree.Accounts {
		if n := emails[strings.ToLower(a.Email)]; n != 1 {
			t.Errorf("round %d: %s belongs to %d accounts", round, a.Email, n)
		}
	}
	if len(actual.Accounts) != len(tree.Accounts)+1 {
		t.Errorf("round %d: %d accounts, want %d members and the management account", round, len(actual.Accounts), len(tree.Accounts))
	}
	// Every creation AWS knows of, in every state: one SUCCEEDED per
	// account, and nothing in progress.
	succeeded, failed := map[string]int{}, 0
	p := organizations.NewListCreateAccountStatusPaginator(organizations.NewFromConfig(tg.Config), &organizations.ListCreateAccountStatusInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, c := range page.CreateAccountStatuses {
			switch c.State {
			case types.CreateAccountStateSucceeded:
				succeeded[aws.ToString(c.AccountName)]++
			case types.CreateAccountStateFailed:
				// Only the fault fails a creation; any other failure is a
				// second request for an email (EMAIL_ALREADY_EXISTS).
				if aws.ToString(c.AccountName) != "website-dev" || c.FailureReason != "INTERNAL_FAILURE" {
					t.Errorf("round %d: a creation of %s failed with %s: a second request", round, aws.ToString(c.AccountName), c.FailureReason)
				}
				failed++
			default:
				t.Errorf("round %d: creation of %s still %s", round, aws.ToString(c.AccountName), c.State)
			}
		}
	}
	for _, a := range tree.Accounts {
		if succeeded[a.Name] != 1 {
			t.Errorf("round %d: %d creations of %s succeeded, want 1", round, succeeded[a.Name], a.Name)
		}
	}
	// The sandbox's call record, kept on disk across the kills: one
	// accepted CreateAccount per account and per failed creation, never
	// more. The sandbox writes a call's line just after it saves the call's
	// effect, so a kill between the two hides that one line: each kill of
	// the round may hide at most one.
	calls, err := sandbox.LoadCalls(state)
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, c := range calls {
		if c.Operation == "CreateAccount" && c.Outcome == "ok" {
			accepted++
		}
	}
	if want := len(tree.Accounts) + failed; accepted > want || accepted < want-kills {
		t.Errorf("round %d: the sandbox accepted %d CreateAccount calls for %d accounts and %d failed creations (%d kills)", round, accepted, len(tree.Accounts), failed, kills)
	}
	return failed
}

// TestApplyWithAccessSurvivesSIGKILL is TestApplySurvivesSIGKILL for the
// Identity Center part: once the organization exists and Identity Center
// is enabled, apply of examples/acme-access.yaml is killed at a random
// moment (groups, users, permission sets, policies, assignments in flight),
// killed again early, then run to the end. Identity Center must then match
// the design, and each name must have been created once: every assignment
// by exactly one creation request (AWS keeps them all, in any state, in
// the sandbox's state file, where no kill hides one; an assignment that
// exists is accepted again, so a resend shows there), and no group, user
// or permission set twice (names are unique, so a second creation is
// refused with ConflictException, which the call record keeps, and
// apply adopts the one there). The record's accepted creations stay within
// the design's counts; each kill may hide one line (see checkConverged).
// ORGWIZARD_CRASH_ROUNDS sets the number of rounds (6).
//
// That the journal and the look-ups are what keep the counts, the engine's
// tests show (aws/apply: TestAccessLostAnswerIsLookedUp,
// TestAccessJournalResumesPolling, TestAccessWithoutLookupSendsTwice).
func TestApplyWithAccessSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary many times")
	}
	rounds := 6
	if s := os.Getenv("ORGWIZARD_CRASH_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("ORGWIZARD_CRASH_ROUNDS=%q is not a positive number", s)
		}
		rounds = n
	}
	bin := buildBinary(t)
	design := "examples/acme-access.yaml"
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	var kills, inFlightKills int
	for round := range rounds {
		dir := t.TempDir()
		state := filepath.Join(dir, "sandbox.json")
		args := []string{"apply", "--yes", "--design", design, "--sandbox-state", state, "--sandbox-speed", "20"}
		env := append(os.Environ(), "XDG_STATE_HOME="+dir)
		// The organization first: apply stops at the click it cannot make.
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "IAM Identity Center, which is not enabled") {
			t.Fatalf("round %d: apply before Identity Center: %v\n%s", round, err, out)
		}
		enableIdentityCenter(t, state)
		before := recordedCalls(t, state)
		// The first run dies at a random moment of its applying (the
		// read before it takes a varying time); the re-run dies early.
		roundKills := 0
		if killedApplying(t, bin, args, env, time.Duration(rng.IntN(2500))*time.Millisecond) {
			kills++
			roundKills++
			if accessJournalled(t, dir) > 0 {
				inFlightKills++
			}
		}
		if killed, _ := runAndKill(t, bin, args, env, time.Duration(20+rng.IntN(180))*time.Millisecond); killed {
			kills++
			roundKills++
		}
		cmd = exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("round %d: the re-run failed: %v\n%s", round, err, out)
		}
		checkAccessConverged(t, round, state, design, before, roundKills)
	}
	t.Logf("%d rounds: %d kills, %d with Identity Center requests in flight", rounds, kills, inFlightKills)
	if kills < rounds {
		t.Errorf("only %d kills landed in %d rounds: the runs ended before the kills, so the test proves little", kills, rounds)
	}
	if rounds >= 4 && inFlightKills == 0 {
		t.Errorf("no kill landed with Identity Center requests in flight")
	}
}

// killedApplying starts apply, sends SIGKILL `after` it prints that it is
// applying, and reports whether the kill ended it.
func killedApplying(t *testing.T, bin string, args, env []string, after time.Duration) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Applying") {
			time.Sleep(after)
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	go io.Copy(io.Discard, out)
	cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

func enableIdentityCenter(t testing.TB, state string) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if _, err := sb.EnableIdentityCenter(sb.Accounts()[0].ID, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
}

// outcome is an operation and what the sandbox answered it ("ok" or the
// error code).
type outcome struct{ op, answer string }

// recordedCalls counts the sandbox's recorded calls by operation and outcome.
func recordedCalls(t testing.TB, state string) map[outcome]int {
	t.Helper()
	calls, err := sandbox.LoadCalls(state)
	if err != nil {
		t.Fatal(err)
	}
	n := map[outcome]int{}
	for _, c := range calls {
		n[outcome{c.Operation, c.Outcome}]++
	}
	return n
}

// assignmentCreations counts the creation requests of every assignment the
// instance has a request for, in any state, by account, group and
// permission set name (ids the names do not cover stay ids).
func assignmentCreations(ctx context.Context, admin *ssoadmin.Client, access *orgmodel.ActualAccess, accounts []orgmodel.ActualAccount) (map[orgmodel.Assignment]int, error) {
	names := map[string]string{}
	for _, a := range accounts {
		names[a.ID] = a.Name
	}
	for _, g := range access.Groups {
		names[g.ID] = g.Name
	}
	for _, ps := range access.PermissionSets {
		names[ps.ARN] = ps.Name
	}
	name := func(id *string) string {
		if n, ok := names[aws.ToString(id)]; ok {
			return n
		}
		return aws.ToString(id)
	}
	in := func(o *ssoadmin.Options) { o.Region = access.Region }
	n := map[orgmodel.Assignment]int{}
	p := ssoadmin.NewListAccountAssignmentCreationStatusPaginator(admin, &ssoadmin.ListAccountAssignmentCreationStatusInput{InstanceArn: aws.String(access.InstanceARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, m := range page.AccountAssignmentsCreationStatus {
			d, err := admin.DescribeAccountAssignmentCreationStatus(ctx, &ssoadmin.DescribeAccountAssignmentCreationStatusInput{InstanceArn: aws.String(access.InstanceARN),
				AccountAssignmentCreationRequestId: m.RequestId}, in)
			if err != nil {
				return nil, err
			}
			s := d.AccountAssignmentCreationStatus
			n[orgmodel.Assignment{Account: name(s.TargetId), Group: name(s.PrincipalId), PermissionSet: name(s.PermissionSetArn)}]++
		}
	}
	return n, nil
}

// accessJournalled counts the Identity Center requests of the journals in dir.
func accessJournalled(t *testing.T, dir string) int {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "journal-*.json"))
	n := 0
	for _, p := range paths {
		j, err := apply.OpenJournal(p)
		if err != nil {
			t.Fatal(err)
		}
		n += j.AccessLen()
	}
	return n
}

func checkAccessConverged(t testing.TB, round int, state, designPath string, before map[outcome]int, kills int) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	actual, err := orgs.New(organizations.NewFromConfig(tg.Config), 8).Read(context.Background())
	if err != nil {
		t.Fatalf("round %d: reading: %v", round, err)
	}
	access, err := identitycenter.NewFromConfig(tg.Config, identitycenter.Options{HomeRegion: "eu-west-1"}).Read(context.Background())
	if err != nil {
		t.Fatalf("round %d: reading Identity Center: %v", round, err)
	}
	actual.Access = access
	created, err := assignmentCreations(context.Background(), ssoadmin.NewFromConfig(tg.Config), access, actual.Accounts)
	if err != nil {
		t.Fatalf("round %d: reading the assignment requests: %v", round, err)
	}
	tg.Close()
	sb.Close()
	data, err := os.ReadFile(designPath)
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
	if p := orgmodel.MakePlan(tree, actual); !p.Empty() {
		var steps []string
		for _, s := range p.Steps {
			steps = append(steps, s.String())
		}
		t.Fatalf("round %d: not converged:\n  %s", round, strings.Join(steps, "\n  "))
	}
	// Per name: each assignment of the design created once, and nothing else.
	for _, a := range tree.Access.Assignments {
		if created[a] != 1 {
			t.Errorf("round %d: assignment %+v was created %d times, want once", round, a, created[a])
		}
		delete(created, a)
	}
	for a, n := range created {
		t.Errorf("round %d: %d creations of assignment %+v, which the design does not have", round, n, a)
	}
	after := recordedCalls(t, state)
	for op, want := range map[string]int{
		"CreateGroup": len(tree.Access.Groups), "CreateUser": len(tree.Access.Users),
		"CreatePermissionSet": len(tree.Access.PermissionSets), "CreateAccountAssignment": len(tree.Access.Assignments),
	} {
		// A second creation of a name is refused: any refusal is a resend.
		// (An assignment is also refused while its permission set is being
		// provisioned: its requests are counted above.)
		if conflict := (outcome{op, "ConflictException"}); op != "CreateAccountAssignment" && after[conflict] > before[conflict] {
			t.Errorf("round %d: %d %s calls refused with ConflictException: a name was created twice", round, after[conflict]-before[conflict], op)
		}
		ok := outcome{op, "ok"}
		if got := after[ok] - before[ok]; got > want || got < want-kills {
			t.Errorf("round %d: the sandbox accepted %d %s calls for %d in the design (%d kills)", round, got, op, want, kills)
		}
	}
}
