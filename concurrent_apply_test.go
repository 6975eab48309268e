package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/internal/moto"
)

// serveSandbox starts `orgwizard sandbox serve` on a free loopback port and
// returns its endpoint and the environment that acts as its first account.
func serveSandbox(t *testing.T, bin, state string, args ...string) (endpoint string, env []string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--sandbox-state", state}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "sandbox serving on "); ok {
				ready <- strings.TrimSuffix(strings.Fields(rest)[0], ",")
			}
		}
	}()
	first := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "export "); ok && !sent {
				first <- strings.Fields(rest)
				sent = true
			}
		}
	}()
	select {
	case endpoint = <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("sandbox serve did not start")
	}
	select {
	case env = <-first:
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox serve printed no exports")
	}
	return endpoint, env
}

// applyResult is one finished apply process.
type applyResult struct {
	code int
	out  string
}

// applyTogether starts one apply per environment at the same moment and
// waits for all of them.
func applyTogether(t *testing.T, bin string, args []string, envs [][]string) []applyResult {
	t.Helper()
	res := make([]applyResult, len(envs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, env := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			<-start
			err := cmd.Run()
			res[i] = applyResult{code: cmd.ProcessState.ExitCode(), out: out.String()}
			if err != nil && cmd.ProcessState == nil {
				t.Errorf("apply %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return res
}

// machineEnv is the environment of one machine: its own state directory
// (so its own local lock and journal), the given AWS credentials.
func machineEnv(t *testing.T, creds []string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(),
		"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "AWS_EC2_METADATA_DISABLED=true"}
	return append(env, creds...)
}

// checkOneProceeded: exactly one apply succeeded and every other said who
// holds the organization and exited 1.
func checkOneProceeded(t *testing.T, res []applyResult) applyResult {
	t.Helper()
	ok := 0
	var winner applyResult
	for i, r := range res {
		switch {
		case r.code == 0:
			ok++
			winner = r
		case r.code == 1 && (strings.Contains(r.out, "another orgwizard apply") ||
			// Both created the organization; this one took the lease only
			// after the other had changed the organization and let it go.
			strings.Contains(r.out, "another apply created this organization")):
			t.Logf("apply %d refused: %s", i, r.out[strings.LastIndex(r.out, "orgwizard: "):])
		default:
			t.Errorf("apply %d: exit %d, neither done nor refused for the other:\n%s", i, r.code, r.out)
		}
	}
	if ok != 1 {
		for i, r := range res {
			t.Logf("apply %d: exit %d\n%s", i, r.code, r.out)
		}
		t.Fatalf("%d applies proceeded, want exactly 1", ok)
	}
	return winner
}

// TestTwoAppliesAtOnce runs two applies of one design at the same moment
// against one `sandbox serve`, as two machines would (each its own state
// directory, so only the organization's lease can keep them apart): on a
// fresh account and on an organization that already exists. Exactly one
// proceeds; the sandbox's call record shows exactly one CreateAccount per
// account.
func TestTwoAppliesAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary")
	}
	bin := buildBinary(t)
	for _, scenario := range []string{"fresh", "existing-org"} {
		t.Run(scenario, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "sandbox.json")
			endpoint, creds := serveSandbox(t, bin, state, "--speed", "20", "--scenario", scenario)
			args := []string{"apply", "--yes", "--design", "examples/acme.yaml", "--endpoint-url", endpoint}
			res := applyTogether(t, bin, args, [][]string{machineEnv(t, creds), machineEnv(t, creds)})
			winner := checkOneProceeded(t, res)

			out, err := exec.Command(bin, "sandbox", "calls", "--sandbox-state", state, "--output", "json").Output()
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Calls []struct{ Operation, Outcome string }
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			creates := 0
			for _, c := range doc.Calls {
				if c.Operation == "CreateAccount" {
					creates++
				}
			}
			// One per account the winner's plan creates (acme.yaml: 9 on fresh).
			want := strings.Count(winner.out, "+ create account ")
			if creates != want || scenario == "fresh" && want != 9 {
				t.Errorf("the call record holds %d CreateAccount calls, want one per account the plan creates: %d", creates, want)
			}
			// The lease is gone: a third apply runs, with nothing left to do.
			res = applyTogether(t, bin, args, [][]string{machineEnv(t, creds)})
			if res[0].code != 0 || strings.Contains(res[0].out, "Applying") {
				t.Errorf("apply after the race: exit %d\n%s", res[0].code, res[0].out)
			}
		})
	}
}

// TestTwoAppliesAtOnceOnOneMachine: the same machine's second apply is
// refused by the local lock before any AWS call.
func TestTwoAppliesAtOnceOnOneMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary")
	}
	bin := buildBinary(t)
	state := filepath.Join(t.TempDir(), "sandbox.json")
	endpoint, creds := serveSandbox(t, bin, state, "--speed", "20", "--scenario", "fresh")
	env := machineEnv(t, creds)
	res := applyTogether(t, bin, []string{"apply", "--yes", "--design", "examples/acme.yaml", "--endpoint-url", endpoint}, [][]string{env, env})
	checkOneProceeded(t, res)
	for _, r := range res {
		// One state directory: the local lock, not the lease, must refuse.
		if r.code == 1 && !strings.Contains(r.out, "on this machine") {
			t.Errorf("the refused apply was not refused by this machine's lock:\n%s", r.out)
		}
	}
}

// TestTwoAppliesAtOnceOnMoto races two applies against moto, which tags
// the root as AWS does; moto lets two accounts share an email, so a
// duplicate creation would show as a tenth account.
func TestTwoAppliesAtOnceOnMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary")
	}
	url := moto.URL(t)
	bin := buildBinary(t)
	creds := []string{"AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_REGION=us-east-1"}
	args := []string{"apply", "--yes", "--design", "examples/acme.yaml", "--endpoint-url", url}
	res := applyTogether(t, bin, args, [][]string{machineEnv(t, creds), machineEnv(t, creds)})
	checkOneProceeded(t, res)
	cmd := exec.Command(bin, "tree", "-o", "json", "--endpoint-url", url)
	cmd.Env = machineEnv(t, creds)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tree: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), `"email"`); n != 10 && strings.Count(string(out), `"Email"`) != 10 {
		t.Errorf("moto holds %d accounts, want the management account and 9:\n%s", n, out)
	}
}
