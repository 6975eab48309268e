package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/sandbox"
)

// This file runs AWS's own tools (the AWS CLI, Terraform with the
// hashicorp/aws provider, org-formation) against the sandbox and against moto,
// records what each operation answered through a proxy in front of each, and
// lists every operation the two answer differently. Each difference must be
// in clientDifferences with the reason; one that no longer happens fails the
// test, so that the list stays true.

// clientDifference is an operation a client calls that the sandbox and moto
// answer differently on purpose. Outcomes are "ok", an error code, "HTTP
// <status>" for an answer that is no AWS error, or "-" when not called.
type clientDifference struct {
	client, operation string // operation is "service:Operation"
	sandbox, moto     string
	why               string
}

var clientDifferences = []clientDifference{
	{"aws-cli", "organizations:CreateOrganizationalUnit", "DuplicateOrganizationalUnitException,ok", "ok",
		"AWS refuses two OUs of one name under one parent; moto accepts the duplicate"},
	{"aws-cli", "organizations:DescribeCreateAccountStatus", "CreateAccountStatusNotFoundException,ok", "AccountNotFoundException,ok",
		"AWS documents CreateAccountStatusNotFoundException for an unknown request id; moto answers AccountNotFoundException"},
	{"aws-cli", "support:DescribeSeverityLevels", "SubscriptionRequiredException", "HTTP 500",
		"AWS answers SubscriptionRequiredException on Basic Support; moto does not implement the operation"},
	{"org-formation", "support:DescribeSeverityLevels", "SubscriptionRequiredException", "HTTP 500",
		"AWS answers SubscriptionRequiredException on Basic Support, which org-formation takes in its stride; " +
			"moto does not implement the operation and answers an HTML page, on which org-formation stops (\"unable to list accounts\")"},
}

// clientStops lists the clients that cannot finish against moto, and why:
// the operations they would have called after are not compared.
var clientStops = map[string]string{
	"org-formation": "moto does not implement support:DescribeSeverityLevels",
}

// recorder is a reverse proxy in front of an endpoint that records, for
// each operation, the outcomes it answered.
type recorder struct {
	mu       sync.Mutex
	outcomes map[string]map[string]bool // "service:Operation" → outcomes
	url      string
}

func newRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{outcomes: map[string]map[string]bool{}}
	// The proxy keeps the Host header the client signed (SigV4 signs it).
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		op, _ := resp.Request.Context().Value(opKey{}).(string)
		rec.add(op, answerOutcome(resp, body))
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		ctx := r.Context()
		r = r.WithContext(contextWithOp(ctx, requestOperation(r, body)))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rec.url = srv.URL
	return rec
}

type opKey struct{}

func contextWithOp(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, opKey{}, op)
}

func (rec *recorder) add(op, outcome string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.outcomes[op] == nil {
		rec.outcomes[op] = map[string]bool{}
	}
	rec.outcomes[op][outcome] = true
}

// outcome returns an operation's outcomes, sorted and joined, or "-".
func (rec *recorder) outcome(op string) string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	set := rec.outcomes[op]
	if len(set) == 0 {
		return "-"
	}
	var out []string
	for o := range set {
		out = append(out, o)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func (rec *recorder) operations() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for op := range rec.outcomes {
		out = append(out, op)
	}
	return out
}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request`)

// requestOperation names a request "service:Operation" the way the wire
// protocols do: the SigV4 scope's service, and the X-Amz-Target or the
// query protocol's Action.
func requestOperation(r *http.Request, body []byte) string {
	service := "?"
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		service = m[1]
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return service + ":" + t[strings.LastIndexByte(t, '.')+1:]
	}
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
		return service + ":" + form.Get("Action")
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return service + ":" + a
	}
	return service + ":" + r.Method + " " + r.URL.Path
}

var xmlCode = regexp.MustCompile(`<Code>([^<]+)</Code>`)

// answerOutcome is "ok" or the AWS error code an answer carries, as the
// SDKs read it; "HTTP <status>" when it carries none.
func answerOutcome(resp *http.Response, body []byte) string {
	if resp.StatusCode < 300 {
		return "ok"
	}
	if t := resp.Header.Get("X-Amzn-Errortype"); t != "" {
		return strings.SplitN(t, ":", 2)[0]
	}
	var js struct {
		Type string `json:"__type"`
		Code string `json:"code"`
	}
	if json.Unmarshal(body, &js) == nil && (js.Type != "" || js.Code != "") {
		code := firstNonEmpty(js.Type, js.Code)
		return code[strings.LastIndexByte(code, '#')+1:]
	}
	if m := xmlCode.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return fmt.Sprintf("HTTP %d", resp.StatusCode)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// awsEnv is the environment of a client acting against url: only these
// credentials, no configuration of the user's, no retries (an error must
// reach the record as the endpoint sent it, once).
func awsEnv(t *testing.T, url, key, secret string, extra ...string) []string {
	t.Helper()
	return append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + os.TempDir(),
		"AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_ENDPOINT_URL=" + url, "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=",
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
	}, extra...)
}

// clientRun is one client's run against one endpoint.
type clientRun struct {
	client string
	rec    *recorder
	err    error // why the client stopped, if it did
}

// awsCLIClient runs a sequence of AWS CLI commands, the calls a person
// setting up an organization by hand makes, some of them refused by AWS.
func awsCLIClient(t *testing.T, env []string) error {
	t.Helper()
	cli := func(args ...string) (string, error) {
		cmd := exec.Command("aws", append(args, "--output", "text")...)
		cmd.Env = env
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if err != nil {
			return "", fmt.Errorf("aws %s: %v: %s", strings.Join(args, " "), err, errOut.String())
		}
		return strings.TrimSpace(out.String()), nil
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := cli(args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Terraform's run covers the calls that succeed on both (policies,
	// attachments, listings); these are AWS's refusals and IAM's reads.
	cli("organizations", "describe-organization") // refused: no organization yet
	must("organizations", "create-organization", "--feature-set", "ALL")
	root := must("organizations", "list-roots", "--query", "Roots[0].Id")
	must("organizations", "create-organizational-unit", "--parent-id", root, "--name", "Security")
	cli("organizations", "create-organizational-unit", "--parent-id", root, "--name", "Security") // a duplicate
	creation := must("organizations", "create-account", "--email", "aws+cli@acme.example", "--account-name", "cli",
		"--query", "CreateAccountStatus.Id")
	must("organizations", "describe-create-account-status", "--create-account-request-id", creation)
	cli("organizations", "describe-create-account-status", "--create-account-request-id", "car-0123456789abcdef0123456789abcdef")
	must("iam", "list-account-aliases")
	cli("iam", "get-account-password-policy")
	must("iam", "get-account-summary")
	must("iam", "list-roles")
	cli("support", "describe-severity-levels")
	return nil
}

// tfConfig is a small organization in Terraform: every resource type the
// export declares, one of each.
const tfConfig = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_organizations_organization" "this" {
  feature_set          = "ALL"
  enabled_policy_types = ["SERVICE_CONTROL_POLICY"]
}

resource "aws_organizations_organizational_unit" "security" {
  name      = "Security"
  parent_id = aws_organizations_organization.this.roots[0].id
  tags      = { "managed-by" = "orgwizard" }
}

resource "aws_organizations_policy" "deny_leave" {
  name       = "deny-leave"
  content    = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "organizations:LeaveOrganization", Resource = "*" }] })
  tags       = { "managed-by" = "orgwizard" }
  depends_on = [aws_organizations_organization.this]
}

resource "aws_organizations_policy_attachment" "deny_leave_security" {
  policy_id = aws_organizations_policy.deny_leave.id
  target_id = aws_organizations_organizational_unit.security.id
}

resource "aws_organizations_account" "log_archive" {
  name              = "log-archive"
  email             = "aws+log-archive@acme.example"
  parent_id         = aws_organizations_organizational_unit.security.id
  close_on_deletion = false
  tags              = { "managed-by" = "orgwizard" }
  lifecycle {
    ignore_changes = [role_name, iam_user_access_to_billing]
  }
}
`

func terraformClient(tf terraform.Tool) func(t *testing.T, env []string) error {
	return func(t *testing.T, env []string) error {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tfConfig), 0o600); err != nil {
			t.Fatal(err)
		}
		tf.Init(t, dir, env)
		if r := tf.Run(t, dir, env, "apply", "-auto-approve", "-input=false", "-no-color"); r.Code != 0 {
			return fmt.Errorf("terraform apply: exit %d\n%s", r.Code, r.Output)
		}
		return nil
	}
}

// orgFormationAdditions, after what org-formation init writes (it ends in
// the root's properties), add an OU, an account and a guardrail on the
// root: update creates them.
const orgFormationAdditions = `
      ServiceControlPolicies: !Ref DenyLeaveSCP

  SecurityOU:
    Type: OC::ORG::OrganizationalUnit
    Properties:
      OrganizationalUnitName: Security
      Accounts:
        - !Ref LogArchiveAccount

  LogArchiveAccount:
    Type: OC::ORG::Account
    Properties:
      AccountName: log-archive
      RootEmail: aws+log-archive@acme.example
      Tags:
        managed-by: org-formation

  DenyLeaveSCP:
    Type: OC::ORG::ServiceControlPolicy
    Properties:
      PolicyName: deny-leave-organization
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Deny
            Action: organizations:LeaveOrganization
            Resource: '*'
`

// orgFormationClient runs org-formation init (it needs an organization,
// made through the AWS CLI's call) and update with an OU, an account and a
// guardrail added.
func orgFormationClient(bin string) func(t *testing.T, env []string) error {
	return func(t *testing.T, env []string) error {
		t.Helper()
		dir := t.TempDir()
		run := func(args ...string) error {
			cmd := exec.Command(bin, append(args, "--no-color")...)
			cmd.Dir, cmd.Env = dir, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("org-formation %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return nil
		}
		create := exec.Command("aws", "organizations", "create-organization", "--feature-set", "ALL")
		create.Env = env
		if out, err := create.CombinedOutput(); err != nil {
			t.Fatalf("create-organization: %v\n%s", err, out)
		}
		if err := run("init", "organization.yml", "--region", "us-east-1"); err != nil {
			return err
		}
		path := filepath.Join(dir, "organization.yml")
		tpl, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.TrimRight(string(tpl), "\n") + orgFormationAdditions
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return run("update", "organization.yml")
	}
}

// orgFormationBin finds org-formation: ORGWIZARD_ORG_FORMATION (the path
// .ci/run installs it to), or on the PATH.
func orgFormationBin() (string, error) {
	if bin := os.Getenv("ORGWIZARD_ORG_FORMATION"); bin != "" {
		return bin, nil
	}
	return exec.LookPath("org-formation")
}

// TestClientsConformance runs each client against the sandbox and moto,
// behind recording proxies, and compares what each operation answered.
func TestClientsConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs the AWS CLI, Terraform and org-formation, tens of seconds")
	}
	type client struct {
		name    string
		run     func(t *testing.T, env []string) error
		skip    string
		creates string // the account the client creates
	}
	var clients []client
	if _, err := exec.LookPath("aws"); err != nil {
		clients = append(clients, client{name: "aws-cli", skip: "the AWS CLI is not on the PATH"})
	} else {
		clients = append(clients, client{name: "aws-cli", run: awsCLIClient, creates: "cli"})
	}
	if _, expected, why := terraform.Lookup(); why != nil && !expected {
		clients = append(clients, client{name: "terraform", skip: why.Error()})
	} else {
		clients = append(clients, client{name: "terraform", run: terraformClient(terraform.Find(t)), creates: "log-archive"})
	}
	if bin, err := orgFormationBin(); err != nil {
		clients = append(clients, client{name: "org-formation", skip: "org-formation is not installed (npm install -g aws-organization-formation, or ORGWIZARD_ORG_FORMATION)"})
	} else if _, err := exec.LookPath("aws"); err != nil {
		clients = append(clients, client{name: "org-formation", skip: "the AWS CLI, which makes the organization org-formation starts from, is not on the PATH"})
	} else {
		clients = append(clients, client{name: "org-formation", run: orgFormationClient(bin), creates: "log-archive"})
	}

	motoURL := moto.URL(t) // held by this test alone; skips without moto
	known := map[string]clientDifference{}
	for _, d := range clientDifferences {
		known[d.client+" "+d.operation] = d
	}
	var table []string
	for _, c := range clients {
		if c.skip != "" {
			t.Logf("%s: not run: %s", c.name, c.skip)
			for k, d := range known {
				if d.client == c.name {
					delete(known, k)
				}
			}
			continue
		}
		// S3 and EventBridge, where org-formation keeps its state, are
		// moto's in both runs (the sandbox does not serve them), and are
		// not compared.
		if err := resetMoto(motoURL); err != nil {
			t.Fatal(err)
		}
		w := newWorld(t, sandbox.Config{Scenario: "fresh"})
		mgmt := w.account("acme")
		sbRec := newRecorder(t, w.url)
		start := time.Now()
		sbErr := c.run(t, awsEnv(t, sbRec.url, mgmt.AccessKeyID, mgmt.SecretAccessKey,
			"AWS_ENDPOINT_URL_S3="+motoURL, "AWS_ENDPOINT_URL_EVENTBRIDGE="+motoURL))
		t.Logf("%s against the sandbox: %.1f s", c.name, time.Since(start).Seconds())
		if sbErr != nil {
			t.Errorf("%s fails against the sandbox: %v", c.name, sbErr)
			continue
		}
		if !slices.ContainsFunc(w.sb.Accounts(), func(a sandbox.AccountInfo) bool { return a.Name == c.creates }) {
			t.Errorf("%s ran against the sandbox, but there is no account %s", c.name, c.creates)
		}
		if err := resetMoto(motoURL); err != nil {
			t.Fatal(err)
		}
		motoRec := newRecorder(t, motoURL)
		start = time.Now()
		motoErr := c.run(t, awsEnv(t, motoRec.url, "AKIAMOTOCLIENTS00000", "secret",
			"AWS_ENDPOINT_URL_S3="+motoURL, "AWS_ENDPOINT_URL_EVENTBRIDGE="+motoURL))
		t.Logf("%s against moto: %.1f s", c.name, time.Since(start).Seconds())
		stops, mayStop := clientStops[c.name]
		switch {
		case motoErr != nil && !mayStop:
			t.Errorf("%s fails against moto: %v", c.name, motoErr)
		case motoErr == nil && mayStop:
			t.Errorf("%s now runs against moto; remove it from clientStops (%s)", c.name, stops)
		}

		ops := append(sbRec.operations(), motoRec.operations()...)
		slices.Sort(ops)
		for _, op := range slices.Compact(ops) {
			got, want := sbRec.outcome(op), motoRec.outcome(op)
			key := c.name + " " + op
			d, listed := known[key]
			delete(known, key)
			if got == want {
				table = append(table, fmt.Sprintf("  %-14s %-48s %s", c.name, op, got))
				if listed {
					t.Errorf("%s: both answer %s, but it is listed as a deliberate difference (%s); remove it", key, got, d.why)
				}
				continue
			}
			table = append(table, fmt.Sprintf("* %-14s %-48s sandbox %s, moto %s", c.name, op, got, want))
			switch {
			case want == "-" && mayStop && !listed:
				// Not reached on moto: the client stopped before.
			case !listed:
				t.Errorf("%s: sandbox %s, moto %s; fix the sandbox or list the difference with its reason", key, got, want)
			case got != d.sandbox || want != d.moto:
				t.Errorf("%s: sandbox %s, moto %s; the list says sandbox %s, moto %s", key, got, want, d.sandbox, d.moto)
			}
		}
	}
	t.Logf("operations the clients called (* where the sandbox and moto answer differently):\n%s", strings.Join(table, "\n"))
	for k, d := range known {
		t.Errorf("deliberate difference %q (%s) was not seen: the client no longer calls it, or both now agree", k, d.why)
	}
}

func resetMoto(url string) error {
	resp, err := http.Post(url+"/moto-api/reset", "application/json", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto reset answered %s", resp.Status)
	}
	return nil
}
