package sandbox_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/sandbox"
)

// inCI reports whether a missing tool must fail the test instead of skipping it.
func inCI() bool { return os.Getenv("CI") == "true" }

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildLog  []byte
)

// orgwizardBinary builds the real orgwizard command once per test run.
func orgwizardBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "orgwizard-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "orgwizard")
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = root
		buildLog, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build orgwizard: %v\n%s", buildErr, buildLog)
	}
	return binPath
}

// server is a running `orgwizard sandbox serve` process.
type server struct {
	cmd      *exec.Cmd
	endpoint string
	exports  []map[string]string // one per printed account, in order
	stderr   *strings.Builder
	mu       *sync.Mutex
	done     chan struct{}
}

func startServe(t *testing.T, state string, args ...string) *server {
	t.Helper()
	bin := orgwizardBinary(t)
	cmd := exec.Command(bin, append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--sandbox-state", state}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderrPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &strings.Builder{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderrPipe)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.stderr.WriteString(line + "\n")
			s.mu.Unlock()
			if rest, ok := strings.CutPrefix(line, "sandbox serving on "); ok {
				ready <- strings.TrimSuffix(strings.Fields(rest)[0], ",")
			}
		}
	}()
	exports := make(chan map[string]string, 100)
	go func() {
		defer close(exports)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "export "); ok {
				env := map[string]string{}
				for _, kv := range strings.Fields(rest) {
					k, v, _ := strings.Cut(kv, "=")
					env[k] = v
				}
				exports <- env
			}
		}
	}()
	go func() {
		cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() { s.kill(syscall.SIGKILL) })
	select {
	case s.endpoint = <-ready:
	case <-s.done:
		t.Fatalf("sandbox serve exited early:\n%s", s.errText())
	case <-time.After(30 * time.Second):
		t.Fatalf("sandbox serve did not start:\n%s", s.errText())
	}
	// The exports are printed before the server reports it is serving; wait for stdout to settle.
	deadline := time.After(5 * time.Second)
	for {
		select {
		case env, ok := <-exports:
			if !ok {
				return s
			}
			s.exports = append(s.exports, env)
			continue
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
		}
		break
	}
	if len(s.exports) == 0 {
		t.Fatalf("sandbox serve printed no exports:\n%s", s.errText())
	}
	return s
}

func (s *server) errText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

func (s *server) kill(sig syscall.Signal) {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(sig)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// aws runs the AWS CLI as the account of env, isolated from any real AWS configuration.
func awsCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("aws", args...)
	home := t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + filepath.Join(home, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"), "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), fmt.Errorf("aws %s: %v: %s", strings.Join(args, " "), err, ee.Stderr)
	}
	return string(out), err
}

func awsJSON(t *testing.T, env map[string]string, v any, args ...string) {
	t.Helper()
	out, err := awsCLI(t, env, append(args, "--output", "json")...)
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(out), v); err != nil {
			t.Fatalf("aws %s answered %q: %v", strings.Join(args, " "), out, err)
		}
	}
}

// TestAWSCLI is the "Done when" check: the AWS CLI builds an organization
// through `orgwizard sandbox serve`, seeing IN_PROGRESS then SUCCEEDED.
func TestAWSCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		if inCI() {
			t.Fatal("the AWS CLI is not on PATH")
		}
		t.Skip("the AWS CLI is not on PATH")
	}
	state := filepath.Join(t.TempDir(), "sandbox.json")
	// Speed 1: CreateAccount takes 4 s, several AWS CLI start-ups even on a
	// busy machine, so the first poll sees IN_PROGRESS.
	srv := startServe(t, state, "--scenario", "fresh", "--speed", "1")
	env := srv.exports[0]
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_REGION"} {
		if env[k] == "" {
			t.Fatalf("exports lack %s: %v", k, env)
		}
	}
	if env["AWS_ENDPOINT_URL"] != srv.endpoint {
		t.Fatalf("exports point at %s, server at %s", env["AWS_ENDPOINT_URL"], srv.endpoint)
	}

	var org struct{ Organization struct{ Id string } }
	awsJSON(t, env, &org, "organizations", "create-organization", "--feature-set", "ALL")
	var roots struct{ Roots []struct{ Id string } }
	awsJSON(t, env, &roots, "organizations", "list-roots")
	root := roots.Roots[0].Id

	var created struct{ CreateAccountStatus struct{ Id, State string } }
	awsJSON(t, env, &created, "organizations", "create-account", "--email", "aws+payments-dev@acme.example", "--account-name", "payments-dev")
	// The answer to create-account, then every distinct state the polls saw.
	states := []string{created.CreateAccountStatus.State}
	createdAt := time.Now()
	polls := 0
	// firstPollLate: the first poll's AWS CLI came back after the creation
	// may have ended (4 s at speed 1), so it may have asked too late to
	// see IN_PROGRESS: on a machine that busy, SUCCEEDED first is right.
	firstPollLate := false
	var acct string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		var st struct {
			CreateAccountStatus struct{ State, AccountId string }
		}
		awsJSON(t, env, &st, "organizations", "describe-create-account-status", "--create-account-request-id", created.CreateAccountStatus.Id)
		polls++
		if polls == 1 {
			firstPollLate = time.Since(createdAt) >= 4*time.Second
		}
		if polls == 1 || states[len(states)-1] != st.CreateAccountStatus.State {
			states = append(states, st.CreateAccountStatus.State)
		}
		if st.CreateAccountStatus.State != "IN_PROGRESS" {
			acct = st.CreateAccountStatus.AccountId
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := strings.Join(states, ",")
	// A late first poll may see SUCCEEDED: the answer's IN_PROGRESS, then it.
	seen := got == "IN_PROGRESS,IN_PROGRESS,SUCCEEDED" || (firstPollLate && got == "IN_PROGRESS,SUCCEEDED")
	if !seen || len(acct) != 12 {
		t.Fatalf("create-account went %v (account %q)", states, acct)
	}

	var accounts struct{ Accounts []struct{ Id, Name string } }
	awsJSON(t, env, &accounts, "organizations", "list-accounts")
	if len(accounts.Accounts) != 2 {
		t.Fatalf("list-accounts: %+v", accounts)
	}
	var ou struct{ OrganizationalUnit struct{ Id string } }
	awsJSON(t, env, &ou, "organizations", "create-organizational-unit", "--parent-id", root, "--name", "Workloads")
	awsJSON(t, env, nil, "organizations", "move-account", "--account-id", acct, "--source-parent-id", root, "--destination-parent-id", ou.OrganizationalUnit.Id)
	awsJSON(t, env, nil, "organizations", "enable-policy-type", "--root-id", root, "--policy-type", "SERVICE_CONTROL_POLICY")
	var pol struct {
		Policy struct{ PolicySummary struct{ Id string } }
	}
	awsJSON(t, env, &pol, "organizations", "create-policy", "--name", "orgwizard-deny-leave-organization", "--type", "SERVICE_CONTROL_POLICY",
		"--description", "deny leaving", "--content", scp)
	awsJSON(t, env, nil, "organizations", "attach-policy", "--policy-id", pol.Policy.PolicySummary.Id, "--target-id", ou.OrganizationalUnit.Id)
	awsJSON(t, env, nil, "organizations", "tag-resource", "--resource-id", acct, "--tags", "Key=managed-by,Value=orgwizard")

	var children struct{ Accounts []struct{ Id string } }
	awsJSON(t, env, &children, "organizations", "list-accounts-for-parent", "--parent-id", ou.OrganizationalUnit.Id)
	var tags struct{ Tags []struct{ Key, Value string } }
	awsJSON(t, env, &tags, "organizations", "list-tags-for-resource", "--resource-id", acct)
	var pols struct{ Policies []struct{ Name string } }
	awsJSON(t, env, &pols, "organizations", "list-policies-for-target", "--target-id", ou.OrganizationalUnit.Id, "--filter", "SERVICE_CONTROL_POLICY")
	if len(children.Accounts) != 1 || children.Accounts[0].Id != acct || len(tags.Tags) != 1 || tags.Tags[0].Value != "orgwizard" || len(pols.Policies) != 2 {
		t.Fatalf("after the build: children %+v, tags %+v, policies %+v", children, tags, pols)
	}

	// The CLI sees AWS's error codes too.
	_, err := awsCLI(t, env, "organizations", "create-organizational-unit", "--parent-id", root, "--name", "Workloads")
	if err == nil || !strings.Contains(err.Error(), "DuplicateOrganizationalUnitException") {
		t.Fatalf("duplicate OU through the CLI: %v", err)
	}

	// And `sandbox calls` lists what ran.
	out, err := exec.Command(orgwizardBinary(t), "sandbox", "calls", "--output", "json", "--sandbox-state", state).Output()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version int
		Calls   []struct{ Time, Account, Service, Operation, Outcome string }
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]string{}
	for _, c := range doc.Calls {
		ops[c.Operation] = c.Outcome
		if c.Account == "" || c.Service != "organizations" || c.Time == "" {
			t.Fatalf("call without account: %+v", c)
		}
	}
	if doc.Version != 1 || ops["CreateOrganization"] != "ok" || ops["AttachPolicy"] != "ok" || ops["CreateOrganizationalUnit"] != "DuplicateOrganizationalUnitException" {
		t.Fatalf("sandbox calls: %s", out)
	}
}

// TestKillNine acknowledges changes through a served sandbox, kills it with
// SIGKILL, restarts it on the same state, and finds every change there; a
// creation in flight at the kill completes after the restart.
func TestKillNine(t *testing.T) {
	ctx := context.Background()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	srv := startServe(t, state, "--scenario", "fresh", "--speed", "4")
	env := srv.exports[0]
	acct := sandbox.AccountInfo{AccessKeyID: env["AWS_ACCESS_KEY_ID"], SecretAccessKey: env["AWS_SECRET_ACCESS_KEY"]}
	w := &world{t: t, url: srv.endpoint}
	c := w.org(acct)

	if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	root := mustRoot(t, c)
	ou, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: &root, Name: aws.String("Security")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &organizations.TagResourceInput{ResourceId: ou.OrganizationalUnit.Id, Tags: []orgtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("deny-leave"), Description: aws.String(""), Content: aws.String(scp), Type: orgtypes.PolicyTypeServiceControlPolicy})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("log-archive"), Email: aws.String("aws+log-archive@acme.example")})
	if err != nil {
		t.Fatal(err)
	}
	srv.kill(syscall.SIGKILL)

	info, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", info.Mode().Perm())
	}

	srv2 := startServe(t, state, "--scenario", "small-quota")
	if srv2.exports[0]["AWS_ACCESS_KEY_ID"] != env["AWS_ACCESS_KEY_ID"] {
		t.Fatalf("the restart changed the account's keys: the state was not reused")
	}
	w2 := &world{t: t, url: srv2.endpoint}
	c2 := w2.org(acct)
	if got := mustRoot(t, c2); got != root {
		t.Fatalf("root %s after restart, was %s", got, root)
	}
	tags, err := c2.ListTagsForResource(ctx, &organizations.ListTagsForResourceInput{ResourceId: ou.OrganizationalUnit.Id})
	if err != nil || len(tags.Tags) != 1 {
		t.Fatalf("OU tags after restart: %v %+v", err, tags)
	}
	if _, err := c2.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: pol.Policy.PolicySummary.Id}); err != nil {
		t.Fatalf("policy after restart: %v", err)
	}
	_, st := waitCreated(t, c2, *ca.CreateAccountStatus.Id)
	if st.State != orgtypes.CreateAccountStateSucceeded {
		t.Fatalf("in-flight creation after restart ended %+v", st)
	}
	if _, err := c2.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: st.AccountId}); err != nil {
		t.Fatalf("created account after restart: %v", err)
	}
	srv2.kill(syscall.SIGTERM)
	if !strings.Contains(srv2.errText(), "sandbox stopped") {
		t.Fatalf("SIGTERM did not stop the server cleanly:\n%s", srv2.errText())
	}
}

// TestServeRefusesNonLoopback: another address needs the explicit flag, and
// then comes with a warning.
func TestServeRefusesNonLoopback(t *testing.T) {
	bin := orgwizardBinary(t)
	state := filepath.Join(t.TempDir(), "sandbox.json")
	cmd := exec.Command(bin, "sandbox", "serve", "--addr", "0.0.0.0:0", "--sandbox-state", state)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "--allow-non-loopback") {
		t.Fatalf("serve on 0.0.0.0 without the flag: %v\n%s", err, out)
	}
	srv := startServe(t, state, "--addr", "0.0.0.0:0", "--allow-non-loopback")
	if !strings.Contains(srv.errText(), "WARNING") || !strings.Contains(srv.errText(), "no real authentication") {
		t.Fatalf("no warning:\n%s", srv.errText())
	}
}

// TestAWSCLIQuotaIncrease: on small-quota, the AWS CLI raises the accounts
// quota through `sandbox serve` with the very command apply suggests, sees it
// go PENDING to APPROVED, and Service Quotas then reports the new value;
// `serve --account-quota` sets it on an existing state.
func TestAWSCLIQuotaIncrease(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		if inCI() {
			t.Fatal("the AWS CLI is not on PATH")
		}
		t.Skip("the AWS CLI is not on PATH")
	}
	state := filepath.Join(t.TempDir(), "sandbox.json")
	// Speed 10: approved 2 s after the request, the case opened at 0.5 s.
	srv := startServe(t, state, "--scenario", "small-quota", "--speed", "10")
	env := srv.exports[0]
	awsJSON(t, env, nil, "organizations", "create-organization", "--feature-set", "ALL")
	quota := func() float64 {
		var q struct{ Quota struct{ Value float64 } }
		awsJSON(t, env, &q, "service-quotas", "get-service-quota", "--service-code", "organizations", "--quota-code", "L-E619E033")
		return q.Quota.Value
	}
	if v := quota(); v != 4 {
		t.Fatalf("small-quota's quota %v, want 4", v)
	}
	_, err := awsCLI(t, env, "service-quotas", "request-service-quota-increase", "--service-code", "organizations", "--quota-code", "L-E619E033", "--desired-value", "3")
	if err == nil || !strings.Contains(err.Error(), "IllegalArgumentException") {
		t.Fatalf("a value under the quota: %v", err)
	}
	var req struct{ RequestedQuota struct{ Id, Status string } }
	awsJSON(t, env, &req, "service-quotas", "request-service-quota-increase", "--service-code", "organizations", "--quota-code", "L-E619E033", "--desired-value", "9")
	states := []string{req.RequestedQuota.Status}
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && states[len(states)-1] != "APPROVED"; {
		var st struct {
			RequestedQuota struct{ Status, CaseId string }
		}
		awsJSON(t, env, &st, "service-quotas", "get-requested-service-quota-change", "--request-id", req.RequestedQuota.Id)
		if st.RequestedQuota.Status != states[len(states)-1] {
			states = append(states, st.RequestedQuota.Status)
		}
		if st.RequestedQuota.Status != "PENDING" && st.RequestedQuota.CaseId == "" {
			t.Fatalf("%s without a case id", st.RequestedQuota.Status)
		}
	}
	// The polls may miss CASE_OPENED on a slow machine, never reorder the states.
	if got := strings.Join(states, " "); got != "PENDING CASE_OPENED APPROVED" && got != "PENDING APPROVED" {
		t.Fatalf("states %s", got)
	}
	if v := quota(); v != 9 {
		t.Fatalf("quota %v after the approval, want 9", v)
	}
	var hist struct{ RequestedQuotas []struct{ Id, Status string } }
	awsJSON(t, env, &hist, "service-quotas", "list-requested-service-quota-change-history", "--service-code", "organizations")
	if len(hist.RequestedQuotas) != 1 || hist.RequestedQuotas[0].Status != "APPROVED" {
		t.Fatalf("history %+v", hist)
	}

	// A workshop's starting point on the state that exists.
	srv.kill(syscall.SIGTERM)
	srv = startServe(t, state, "--account-quota", "30")
	env = srv.exports[0]
	if v := quota(); v != 30 {
		t.Fatalf("quota %v after serve --account-quota 30", v)
	}
}
