package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/sandbox"
)

// withSandbox opens the sandbox state at path (creating it from scenario),
// with faults when not nil, runs fn as its first account, and closes it, so
// that the commands run next find the state as fn left it.
func withSandbox(t *testing.T, path, scenario string, faults *sandbox.Faults, fn func(*sandbox.Sandbox, *orgs.Client)) {
	t.Helper()
	sb, err := sandbox.Open(sandbox.Config{StatePath: path, Scenario: scenario, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if fn == nil {
		return
	}
	tg, err := target.ForSandbox(sb, target.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	fn(sb, orgs.New(organizations.NewFromConfig(tg.Config), 4))
}

// A lease left by an apply on another machine refuses apply, saying who
// and since when; --force-unlock takes it over, after asking, or with --yes.
func TestApplyRefusedByALeaseAndForceUnlock(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "sandbox.json")
	design := filepath.Join(examples, "acme.yaml")
	target := []string{"--design", design, "--sandbox-state", state, "--sandbox-speed", "50"}
	ctx := context.Background()
	withSandbox(t, state, "existing-org", nil, func(_ *sandbox.Sandbox, c *orgs.Client) {
		root, err := c.RootID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = apply.AcquireLease(ctx, c, root, apply.LeaseOptions{Holder: "ci-runner", Host: "build-7", PID: 4242, TTL: time.Hour, Settle: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		// Never released: that apply "crashed" with its lease live.
	})

	code, out, errOut := run(t, append([]string{"apply", "--yes"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "ci-runner on build-7 (pid 4242)") || !strings.Contains(errOut, "--force-unlock") ||
		strings.Contains(out, "Applying") {
		t.Fatalf("apply against another's lease: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = run(t, append([]string{"apply", "--force-unlock"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "--force-unlock takes over another apply's lease and needs confirmation") {
		t.Fatalf("--force-unlock without a terminal or --yes: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = run(t, append([]string{"apply", "--yes", "--force-unlock"}, target...)...)
	if code != ExitOK || !strings.Contains(out, "held by ci-runner on build-7 (pid 4242)") || !strings.Contains(out, "Done in") {
		t.Fatalf("apply --force-unlock --yes: exit %d\n%s%s", code, out, errOut)
	}
	// Released at the end: the root has no lease left.
	withSandbox(t, state, "", nil, func(_ *sandbox.Sandbox, c *orgs.Client) {
		root, _ := c.RootID(ctx)
		tags, err := c.ResourceTags(ctx, root)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := tags[apply.LeaseTagKey]; ok {
			t.Errorf("the lease is still on the root after apply: %s", v)
		}
	})
}

// A permission the credentials lack is named, with the way to the policy,
// and exits 1 (a user matter), not 3.
func TestAccessDeniedNamesTheAction(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	state := filepath.Join(dir, "sandbox.json")
	design := filepath.Join(examples, "acme.yaml")
	target := []string{"--design", design, "--sandbox-state", state, "--sandbox-speed", "50"}

	withSandbox(t, state, "fresh", &sandbox.Faults{Deny: []sandbox.Denial{{Service: "organizations", Operation: "CreateAccount"}}}, nil)
	code, out, errOut := run(t, append([]string{"apply", "--yes"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "AWS denied organizations:CreateAccount") || !strings.Contains(errOut, "orgwizard iam-policy") ||
		strings.Contains(errOut, "not the organization's management account") {
		t.Fatalf("apply with CreateAccount denied: exit %d\n%s%s", code, out, errOut)
	}

	// DescribeOrganization is allowed to every account of an organization:
	// denied, it is a permission, not a member account.
	withSandbox(t, state, "", &sandbox.Faults{Deny: []sandbox.Denial{{Service: "organizations", Operation: "DescribeOrganization"}}}, nil)
	code, out, errOut = run(t, append([]string{"plan"}, target...)...)
	if code != ExitUser || !strings.Contains(errOut, "AWS denied organizations:DescribeOrganization") || strings.Contains(errOut, "management account") {
		t.Fatalf("plan with DescribeOrganization denied: exit %d\n%s%s", code, out, errOut)
	}
}

// Through an endpoint, as on AWS: STS denied exits 1 naming
// sts:GetCallerIdentity; a member account's credentials are told so.
func TestAccessDeniedThroughAnEndpoint(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	sb, err := sandbox.Open(sandbox.Config{StatePath: filepath.Join(dir, "sandbox.json"), Scenario: "existing-org", RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	endpoint, stop, err := sb.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var mgmt, member sandbox.AccountInfo
	for _, a := range sb.Accounts() {
		switch {
		case a.Role == "management":
			mgmt = a
		case a.Role == "member" && member.ID == "":
			member = a
		}
	}
	if mgmt.ID == "" || member.ID == "" {
		t.Fatalf("existing-org has no management and member accounts: %+v", sb.Accounts())
	}
	as := func(a sandbox.AccountInfo) {
		t.Setenv("AWS_ACCESS_KEY_ID", a.AccessKeyID)
		t.Setenv("AWS_SECRET_ACCESS_KEY", a.SecretAccessKey)
		t.Setenv("AWS_REGION", "us-east-1")
		t.Setenv("AWS_CONFIG_FILE", os.DevNull)
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	}
	design := filepath.Join(examples, "acme.yaml")

	as(member)
	code, out, errOut := run(t, "plan", "--design", design, "--endpoint-url", endpoint)
	if code != ExitUser || !strings.Contains(errOut, "not the organization's management account") || !strings.Contains(errOut, mgmt.ID) {
		t.Fatalf("plan as a member account: exit %d\n%s%s", code, out, errOut)
	}

	as(mgmt)
	if err := sb.SetFaults(sandbox.Faults{Deny: []sandbox.Denial{{Service: "sts", Operation: "GetCallerIdentity"}}}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "tree", "--endpoint-url", endpoint)
	if code != ExitUser || !strings.Contains(errOut, "AWS denied sts:GetCallerIdentity") || !strings.Contains(errOut, "iam-policy") {
		t.Fatalf("tree with sts denied: exit %d\n%s%s", code, out, errOut)
	}
}
