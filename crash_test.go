package main

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/sandbox"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// buildBinary builds orgwizard once for the end-to-end tests.
func buildBinary(t *testing.T) string {
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
// moments (the embedded sandbox dies with it, as harsh as it gets), then
// runs it again to the end: the organization must equal the design, every
// email must belong to exactly one account, and nothing may be left in
// progress. ORGWIZARD_CRASH_ROUNDS sets the number of rounds (30).
func TestApplySurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: builds and runs the binary many times")
	}
	rounds := 30
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
	kills := 0
	for round := range rounds {
		dir := t.TempDir()
		state := filepath.Join(dir, "sandbox.json")
		args := []string{"apply", "--yes", "--design", design, "--sandbox-state", state, "--sandbox-speed", "20"}
		env := append(os.Environ(), "XDG_STATE_HOME="+dir)
		// One or two kills at random moments, then a run to the end.
		for range 1 + rng.IntN(2) {
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rng.IntN(1200)) * time.Millisecond)
			if cmd.Process.Signal(syscall.SIGKILL) == nil {
				kills++
			}
			cmd.Wait()
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("round %d: the re-run failed: %v\n%s", round, err, out)
		}
		checkConverged(t, round, state, design)
	}
	t.Logf("%d rounds, %d kills", rounds, kills)
}

func checkConverged(t *testing.T, round int, state, designPath string) {
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
	for _, c := range actual.Creations {
		if c.State == orgmodel.CreationInProgress {
			t.Errorf("round %d: creation of %s still in progress", round, c.AccountName)
		}
	}
}
