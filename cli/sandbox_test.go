package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/aws/sandbox"
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
