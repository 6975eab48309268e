package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/sandbox"
)

func runSandboxCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), Build{Version: "test"}, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestSandboxResetAndCalls resets a state, makes one call through the
// sandbox, and reads it back with `sandbox calls` in both outputs.
func TestSandboxResetAndCalls(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	code, out, errOut := runSandboxCLI(t, "sandbox", "reset", "--scenario", "existing-org", "--sandbox-state", state)
	if code != ExitOK || !strings.Contains(out, "reset to scenario existing-org") {
		t.Fatalf("reset: exit %d, out %q, err %q", code, out, errOut)
	}
	info, err := os.Stat(state)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", err, info)
	}

	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	if sb.Scenario() != "existing-org" {
		t.Fatalf("scenario %s", sb.Scenario())
	}
	var mgmt sandbox.AccountInfo
	for _, a := range sb.Accounts() {
		if a.Role == "management" {
			mgmt = a
		}
	}
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(mgmt.AccessKeyID, mgmt.SecretAccessKey, "")})
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	code, out, errOut = runSandboxCLI(t, "sandbox", "calls", "--output", "json", "--sandbox-state", state)
	if code != ExitOK {
		t.Fatalf("calls: exit %d, err %q", code, errOut)
	}
	var doc struct {
		Version int `json:"version"`
		Calls   []struct {
			Time, Account, Service, Operation, Outcome string
		} `json:"calls"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("calls json %q: %v", out, err)
	}
	if doc.Version != 1 || len(doc.Calls) != 1 || doc.Calls[0].Operation != "GetCallerIdentity" || doc.Calls[0].Service != "sts" ||
		doc.Calls[0].Account != mgmt.ID || doc.Calls[0].Outcome != "ok" || doc.Calls[0].Time == "" {
		t.Fatalf("calls: %s", out)
	}
	code, out, _ = runSandboxCLI(t, "sandbox", "calls", "--sandbox-state", state)
	if code != ExitOK || !strings.Contains(out, "GetCallerIdentity") || !strings.Contains(out, mgmt.ID) {
		t.Fatalf("calls text: exit %d, %q", code, out)
	}

	// A reset forgets the record.
	if code, _, errOut := runSandboxCLI(t, "sandbox", "reset", "--sandbox-state", state); code != ExitOK {
		t.Fatalf("second reset: %s", errOut)
	}
	code, out, _ = runSandboxCLI(t, "sandbox", "calls", "--output", "json", "--sandbox-state", state)
	if code != ExitOK || !strings.Contains(out, `"calls": []`) {
		t.Fatalf("calls after reset: %q", out)
	}
}

// TestSandboxFlagsRefused: each bad flag is a user error (exit 1) that says what to change.
func TestSandboxFlagsRefused(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sandbox", "serve", "--addr", "0.0.0.0:4566"}, "--allow-non-loopback"},
		{[]string{"sandbox", "serve", "--addr", "4566"}, "HOST:PORT"},
		{[]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--speed", "0"}, "--speed"},
		{[]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--fault-throttle", "2"}, "between 0 and 1"},
		{[]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--deny", "ec2"}, "ACCOUNT:SERVICE:REGION"},
		{[]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--scenario", "nope"}, "known scenarios"},
		{[]string{"sandbox", "reset", "--scenario", "nope"}, "known scenarios"},
		{[]string{"sandbox", "calls", "--output", "yaml"}, "text or json"},
		{[]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--account-quota", "0"}, "--account-quota must be between 1 (the management account alone) and 10000, got 0"},
		{[]string{"sandbox", "serve", "--addr", "127.0.0.1:0", "--account-quota", "10001"}, "--account-quota must be between 1"},
		{[]string{"sandbox", "reset", "--account-quota", "-2"}, "--account-quota must be between 1"},
	} {
		code, _, errOut := runSandboxCLI(t, append(tc.args, "--sandbox-state", state)...)
		if code != ExitUser || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 1 mentioning %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestSandboxServeOptions checks the fault flags' parsing without serving.
func TestSandboxServeOptions(t *testing.T) {
	o := &sandboxServeOptions{faultConflict: 0.25, failCreate: []string{"payments-dev=INVALID_EMAIL", "x@acme.example"}, deny: []string{"123456789012:ec2:eu-west-1", "::us-east-1", ":organizations::CreateAccount"}}
	f, err := o.faults()
	if err != nil {
		t.Fatal(err)
	}
	if f.ConflictShare != 0.25 || len(f.FailCreateAccount) != 2 || f.FailCreateAccount[0].Reason != "INVALID_EMAIL" || f.FailCreateAccount[1].Reason != "" ||
		f.Deny[0] != (sandbox.Denial{Account: "123456789012", Service: "ec2", Region: "eu-west-1"}) || f.Deny[1] != (sandbox.Denial{Region: "us-east-1"}) ||
		f.Deny[2] != (sandbox.Denial{Service: "organizations", Operation: "CreateAccount"}) {
		t.Fatalf("faults %+v", f)
	}
	if f, err := (&sandboxServeOptions{}).faults(); err != nil || f != nil {
		t.Fatalf("no fault flag gave %+v, %v; want nil so the state's faults stay", f, err)
	}
}

// TestSandboxResetAccountQuota: reset --account-quota gives the new state's
// organizations that quota, as Service Quotas then reports it.
func TestSandboxResetAccountQuota(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	code, out, errOut := runSandboxCLI(t, "sandbox", "reset", "--scenario", "existing-org", "--account-quota", "25", "--sandbox-state", state)
	if code != ExitOK || !strings.Contains(out, "reset to scenario existing-org, accounts quota 25") {
		t.Fatalf("reset: exit %d, out %q, err %q", code, out, errOut)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	var mgmt sandbox.AccountInfo
	for _, a := range sb.Accounts() {
		if a.Role == "management" {
			mgmt = a
		}
	}
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	client := servicequotas.New(servicequotas.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(mgmt.AccessKeyID, mgmt.SecretAccessKey, "")})
	q, err := client.GetServiceQuota(context.Background(), &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033")})
	if err != nil || *q.Quota.Value != 25 {
		t.Fatalf("quota after reset --account-quota 25: %v %v", err, q)
	}
}

// TestSmallQuotaPathForward: on small-quota, apply stops before creating
// anything and names the Service Quotas request to make; made against the
// sandbox, the request is approved after its delay and apply then converges.
func TestSmallQuotaPathForward(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "sandbox.json")
	target := []string{"--design", filepath.Join(examples, "acme.yaml"), "--sandbox-state", state, "--scenario", "small-quota", "--sandbox-speed", "50", "--yes"}
	code, out, errOut := run(t, append([]string{"apply"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "--quota-code L-E619E033 --desired-value 10") {
		t.Fatalf("apply on small-quota: exit %d\n%s%s", code, out, errOut)
	}

	sb, err := sandbox.Open(sandbox.Config{StatePath: state, Speed: 50})
	if err != nil {
		t.Fatal(err)
	}
	mgmt := sb.Accounts()[0]
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	client := servicequotas.New(servicequotas.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(mgmt.AccessKeyID, mgmt.SecretAccessKey, "")})
	req, err := client.RequestServiceQuotaIncrease(ctx, &servicequotas.RequestServiceQuotaIncreaseInput{
		ServiceCode: aws.String("organizations"), QuotaCode: aws.String("L-E619E033"), DesiredValue: aws.Float64(10)})
	if err != nil {
		t.Fatal(err)
	}
	status := req.RequestedQuota.Status
	for deadline := time.Now().Add(20 * time.Second); status != sqtypes.RequestStatusApproved && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		out, err := client.GetRequestedServiceQuotaChange(ctx, &servicequotas.GetRequestedServiceQuotaChangeInput{RequestId: req.RequestedQuota.Id})
		if err != nil {
			t.Fatal(err)
		}
		status = out.RequestedQuota.Status
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if status != sqtypes.RequestStatusApproved {
		t.Fatalf("the increase is %s", status)
	}

	code, out, errOut = run(t, append([]string{"apply"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "Done in") {
		t.Fatalf("apply after the increase: exit %d\n%s%s", code, out, errOut)
	}
}

// --scenario builds a new state only: on a state built from another
// scenario it was ignored in silence, and 'orgwizard --scenario
// dirty-management' after a first 'go run .' showed a clean account.
func TestScenarioOnAStateBuiltFromAnotherIsRefused(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if code, out, errOut := run(t, "tree", "--sandbox-state", state); code != ExitOK {
		t.Fatalf("tree: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut := run(t, "audit", "--scenario", "dirty-management", "--sandbox-state", state)
	if code != ExitUser || !strings.Contains(errOut, "was built from scenario fresh; --scenario dirty-management applies to a new state only") ||
		!strings.Contains(errOut, "orgwizard sandbox reset --scenario dirty-management --sandbox-state "+state) {
		t.Errorf("audit --scenario on a fresh state: exit %d\n%s", code, errOut)
	}
	// The state built from the scenario asked for, and the default, go on.
	if code, _, errOut := run(t, "sandbox", "reset", "--scenario", "dirty-management", "--sandbox-state", state); code != ExitOK {
		t.Fatalf("reset: exit %d %s", code, errOut)
	}
	for _, args := range [][]string{{"tree", "--scenario", "dirty-management"}, {"tree"}} {
		if code, _, errOut := run(t, append(args, "--sandbox-state", state)...); code != ExitOK {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
	}
}
