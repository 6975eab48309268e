package export_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/cli"
	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/internal/testenv"
	"github.com/orgwizard/orgwizard/sandbox"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

const acme = "../examples/acme.yaml"

// acmeResources is what acme declares: the organization, 8 OUs, 9 accounts,
// 5 policies and 6 attachments.
const acmeResources = "29"

// endpoint is an AWS the round trips run against: its URL and the variables
// that point an AWS tool at it.
type endpoint struct {
	url string
	env map[string]string
	// sb is the sandbox behind the endpoint (nil for moto), for what only
	// its owner can do, such as the console's click that turns on Identity
	// Center.
	sb *sandbox.Sandbox
}

// sandboxEndpoint serves a fresh sandbox on a loopback port, as `sandbox
// serve` does, with account creation 100 times faster than AWS's 4 s.
func sandboxEndpoint(t *testing.T) endpoint {
	return serveSandbox(t, sandbox.Config{Speed: 100})
}

// serveSandbox serves a fresh sandbox of cfg on a loopback port.
func serveSandbox(t testing.TB, cfg sandbox.Config) endpoint {
	t.Helper()
	cfg.StatePath = filepath.Join(t.TempDir(), "sandbox.json")
	sb, err := sandbox.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sb.Close()
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sb.Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	url := "http://" + ln.Addr().String()
	for _, a := range sb.Accounts() {
		if a.AccessKeyID != "" {
			return endpoint{url: url, env: map[string]string{"AWS_ACCESS_KEY_ID": a.AccessKeyID, "AWS_SECRET_ACCESS_KEY": a.SecretAccessKey,
				"AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1"}, sb: sb}
		}
	}
	t.Fatal("the fresh sandbox has no account with credentials")
	return endpoint{}
}

func motoEndpoint(t *testing.T) endpoint {
	t.Helper()
	url := moto.URL(t)
	return endpoint{url: url, env: map[string]string{"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
		"AWS_ENDPOINT_URL": url, "AWS_REGION": "us-east-1"}}
}

// orgwizard runs the CLI in-process against e and fails the test unless it
// exits with want.
func orgwizard(t testing.TB, e endpoint, want int, args ...string) string {
	t.Helper()
	for k, v := range e.env {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	var out, errOut bytes.Buffer
	code := cli.Main(context.Background(), cli.Build{Version: "test"}, append(args, "--endpoint-url", e.url), strings.NewReader(""), &out, &errOut)
	if code != want {
		t.Fatalf("orgwizard %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, out.String(), errOut.String())
	}
	return out.String()
}

// expect runs terraform and fails the test unless it exits with code and
// prints every one of wants.
func expect(t *testing.T, tf terraform.Tool, dir string, env []string, code int, wants []string, args ...string) {
	t.Helper()
	r := tf.Run(t, dir, env, append(args, "-input=false", "-no-color")...)
	t.Logf("terraform %s: exit %d in %.1f s", args[0], r.Code, r.Duration.Seconds())
	if r.Code != code {
		t.Fatalf("terraform %s: exit %d, want %d\n%s", strings.Join(args, " "), r.Code, code, r.Output)
	}
	for _, w := range wants {
		if !strings.Contains(r.Output, w) {
			t.Fatalf("terraform %s does not say %q:\n%s", strings.Join(args, " "), w, r.Output)
		}
	}
}

var endpoints = []struct {
	name string
	open func(*testing.T) endpoint
}{{"sandbox", sandboxEndpoint}, {"moto", motoEndpoint}}

// Terraform takes a design over in one pass: the export of a design,
// applied to an account without an organization, builds it all in one
// `terraform apply` (the organization before the policies, at most five
// account creations at a time), and orgwizard then finds nothing to do.
func TestTerraformBuildsTheDesignInOnePass(t *testing.T) {
	tf := terraform.Find(t)
	for _, ep := range endpoints {
		t.Run(ep.name, func(t *testing.T) {
			e := ep.open(t)
			dir := t.TempDir()
			orgwizard(t, e, cli.ExitOK, "export", "--design", acme, "--format", "terraform", "-o", filepath.Join(dir, "main.tf"))
			env := terraform.Env(t, e.env)
			tf.Init(t, dir, env)
			expect(t, tf, dir, env, 0, []string{"Apply complete! Resources: " + acmeResources + " added, 0 changed, 0 destroyed."}, "apply", "-auto-approve")
			orgwizard(t, e, cli.ExitOK, "plan", "--design", acme, "--detailed-exitcode")
		})
	}
}

// Terraform takes over what orgwizard built: the live export imports every
// resource, changing nothing, and then plans no change at all.
func TestTerraformImportsWhatApplyBuilt(t *testing.T) {
	tf := terraform.Find(t)
	for _, ep := range endpoints {
		t.Run(ep.name, func(t *testing.T) {
			e := ep.open(t)
			orgwizard(t, e, cli.ExitOK, "apply", "--yes", "--design", acme)
			dir := t.TempDir()
			orgwizard(t, e, cli.ExitOK, "export", "--live", "--design", acme, "--format", "terraform", "-o", filepath.Join(dir, "main.tf"))
			env := terraform.Env(t, e.env)
			tf.Init(t, dir, env)
			// -detailed-exitcode counts imports as changes: the imports are
			// applied first, and the apply says it changed nothing else.
			expect(t, tf, dir, env, 0, []string{"Apply complete! Resources: " + acmeResources + " imported, 0 added, 0 changed, 0 destroyed."}, "apply", "-auto-approve")
			expect(t, tf, dir, env, 0, nil, "plan", "-detailed-exitcode")
			orgwizard(t, e, cli.ExitOK, "plan", "--design", acme, "--detailed-exitcode")
		})
	}
}
