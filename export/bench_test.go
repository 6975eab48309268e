package export_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/orgwizard/orgwizard/cli"
	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/internal/terraform"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
)

// design30 is acme grown to 30 accounts: the 2 security accounts and 7
// workloads in both residencies (dev, staging, prod-eu, prod-us each).
const design30 = `version: 1
organization:
  name: acme
  email: aws@acme.example
  homeRegion: eu-west-1
environments:
  - name: dev
  - name: staging
  - name: prod
    perResidency: true
residencies:
  - name: eu
    regions: [eu-west-1, eu-central-1]
  - name: us
    regions: [us-east-1, us-west-2]
workloads:
  - {name: payments, residencies: [eu, us]}
  - {name: website, residencies: [eu, us]}
  - {name: search, residencies: [eu, us]}
  - {name: ledger, residencies: [eu, us]}
  - {name: identity, residencies: [eu, us]}
  - {name: mail, residencies: [eu, us]}
  - {name: reports, residencies: [eu, us]}
`

// BenchmarkToolsApply builds the same organization from nothing with each
// tool, side by side on the same sandbox configuration as `sandbox serve
// --speed 2` (an account creation takes 2 s, AWS's throttling on): orgwizard
// apply, `terraform apply` of orgwizard's export, and org-formation update of
// the same organization (its state in moto's S3). It reports seconds per
// tool and the bound AWS's limit of 5 creations at a time sets, ceil(N/5) x
// 2 s. Tools that are not installed are left out, with the reason.
//
//	go test ./export -run '^$' -bench ToolsApply -benchtime 1x
func BenchmarkToolsApply(b *testing.B) {
	const speed = 2
	delay := float64(sandbox.DefaultCreateAccountDelay) / float64(time.Second) / speed
	dir := b.TempDir()
	big := filepath.Join(dir, "design30.yaml")
	if err := os.WriteFile(big, []byte(design30), 0o600); err != nil {
		b.Fatal(err)
	}
	designs := []struct{ name, path string }{{"acme-9", acme}, {"design-30", big}}

	tf, _, tfSkip := terraform.Lookup()
	ofBin := os.Getenv("ORGWIZARD_ORG_FORMATION")
	if ofBin == "" {
		ofBin, _ = exec.LookPath("org-formation")
	}
	motoURL := ""
	if ofBin != "" {
		motoURL = moto.URL(b)
	}

	for _, d := range designs {
		n := accountsOf(b, d.path)
		bound := math.Ceil(float64(n)/5) * delay
		open := func() endpoint {
			return serveSandbox(b, sandbox.Config{Speed: speed, AccountQuota: 40})
		}
		b.Run(d.name, func(b *testing.B) {
			b.ReportMetric(bound, "bound-s")
			for range b.N {
				e := open()
				start := time.Now()
				orgwizard(b, e, cli.ExitOK, "apply", "--yes", "--design", d.path)
				b.ReportMetric(time.Since(start).Seconds(), "orgwizard-s")
				orgwizard(b, e, cli.ExitOK, "plan", "--design", d.path, "--detailed-exitcode")

				if tfSkip != nil {
					b.Logf("terraform left out: %s", tfSkip)
				} else {
					e := open()
					work := b.TempDir()
					orgwizard(b, e, cli.ExitOK, "export", "--design", d.path, "--format", "terraform", "-o", filepath.Join(work, "main.tf"))
					env := terraform.Env(b, e.env)
					tf.Init(b, work, env)
					r := tf.Run(b, work, env, "apply", "-auto-approve", "-input=false", "-no-color")
					if r.Code != 0 {
						b.Fatalf("terraform apply: exit %d\n%s", r.Code, r.Output)
					}
					b.ReportMetric(r.Duration.Seconds(), "terraform-s")
					orgwizard(b, e, cli.ExitOK, "plan", "--design", d.path, "--detailed-exitcode")
				}

				if ofBin == "" {
					b.Logf("org-formation left out: not installed (ORGWIZARD_ORG_FORMATION or npm install -g aws-organization-formation)")
				} else {
					e := open()
					b.ReportMetric(orgFormationUpdate(b, ofBin, e, motoURL, d.path).Seconds(), "org-formation-s")
					// What org-formation built is the design, as orgwizard sees it.
					orgwizard(b, e, cli.ExitOK, "plan", "--design", d.path, "--detailed-exitcode")
				}
			}
		})
	}
}

func accountsOf(t testing.TB, path string) int {
	t.Helper()
	tree := expandFile(t, path)
	return len(tree.Accounts)
}

func expandFile(t testing.TB, path string) *orgmodel.Tree {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// orgFormationUpdate creates the organization (org-formation starts from
// one), runs org-formation init, replaces what follows the management
// account with the design's OUs, accounts and guardrails, and times update.
func orgFormationUpdate(t testing.TB, bin string, e endpoint, motoURL, design string) time.Duration {
	t.Helper()
	createOrganization(t, e)
	dir := t.TempDir()
	env := terraform.Env(t, e.env)
	env = append(env, "AWS_DEFAULT_REGION=us-east-1", "AWS_ENDPOINT_URL_S3="+motoURL, "AWS_ENDPOINT_URL_EVENTBRIDGE="+motoURL)
	run := func(args ...string) time.Duration {
		cmd := exec.Command(bin, append(args, "--no-color")...)
		cmd.Dir, cmd.Env = dir, env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("org-formation %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return time.Since(start)
	}
	run("init", "organization.yml", "--region", "us-east-1")
	path := filepath.Join(dir, "organization.yml")
	initial, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, _, ok := strings.Cut(string(initial), "  OrganizationRoot:")
	if !ok {
		t.Fatalf("org-formation init wrote no OrganizationRoot:\n%s", initial)
	}
	if err := os.WriteFile(path, []byte(head+orgFormationTemplate(expandFile(t, design))), 0o600); err != nil {
		t.Fatal(err)
	}
	return run("update", "organization.yml")
}

// createOrganization makes the organization org-formation starts from
// (its init reads one; CreateOrganization is not part of what it creates).
func createOrganization(t testing.TB, e endpoint) {
	t.Helper()
	c := organizations.New(organizations.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.url),
		Credentials: credentials.NewStaticCredentialsProvider(e.env["AWS_ACCESS_KEY_ID"], e.env["AWS_SECRET_ACCESS_KEY"], "")})
	if _, err := c.CreateOrganization(context.Background(), &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
}

// orgFormationTemplate declares a tree in org-formation's template
// language, from the root down: OUs with their children, accounts and
// policies, as `update` reads it.
func orgFormationTemplate(tree *orgmodel.Tree) string {
	var b strings.Builder
	id := func(kind, name string) string {
		var s strings.Builder
		up := true
		for _, r := range name {
			if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				if up && r >= 'a' && r <= 'z' {
					r -= 'a' - 'A'
				}
				s.WriteRune(r)
				up = false
			} else {
				up = true
			}
		}
		return kind + s.String()
	}
	refs := func(key string, names []string) {
		if len(names) == 0 {
			return
		}
		fmt.Fprintf(&b, "      %s:\n", key)
		for _, n := range names {
			fmt.Fprintf(&b, "        - !Ref %s\n", n)
		}
	}
	policiesOn := func(t orgmodel.Target) []string {
		var out []string
		for _, p := range tree.Policies {
			for _, pt := range p.Targets {
				if pt.Type == t.Type && (t.Type == orgmodel.TargetRoot || pt.Name == t.Name) {
					out = append(out, id("Policy", p.Name))
				}
			}
		}
		return out
	}
	b.WriteString("  OrganizationRoot:\n    Type: OC::ORG::OrganizationRoot\n    Properties:\n      DefaultOrganizationAccessRoleName: OrganizationAccountAccessRole\n")
	refs("ServiceControlPolicies", policiesOn(orgmodel.Target{Type: orgmodel.TargetRoot}))
	for _, o := range tree.OUs {
		fmt.Fprintf(&b, "\n  %s:\n    Type: OC::ORG::OrganizationalUnit\n    Properties:\n      OrganizationalUnitName: %s\n", id("OU", o.Path), o.Name)
		var children, accounts []string
		for _, c := range tree.OUs {
			if c.Parent == o.Path {
				children = append(children, id("OU", c.Path))
			}
		}
		for _, a := range tree.Accounts {
			if a.OU == o.Path {
				accounts = append(accounts, id("Account", a.Name))
			}
		}
		refs("OrganizationalUnits", children)
		refs("Accounts", accounts)
		refs("ServiceControlPolicies", policiesOn(orgmodel.Target{Type: orgmodel.TargetOU, Name: o.Path}))
	}
	for _, a := range tree.Accounts {
		fmt.Fprintf(&b, "\n  %s:\n    Type: OC::ORG::Account\n    Properties:\n      AccountName: %s\n      RootEmail: %s\n", id("Account", a.Name), a.Name, a.Email)
		refs("ServiceControlPolicies", policiesOn(orgmodel.Target{Type: orgmodel.TargetAccount, Name: a.Name}))
		if len(a.Tags) > 0 {
			b.WriteString("      Tags:\n")
			for k, v := range a.Tags {
				fmt.Fprintf(&b, "        %q: %q\n", k, v)
			}
		}
	}
	for _, p := range tree.Policies {
		// JSON is YAML: the document goes in as it is sent to AWS.
		fmt.Fprintf(&b, "\n  %s:\n    Type: OC::ORG::ServiceControlPolicy\n    Properties:\n      PolicyName: %s\n      Description: %q\n      PolicyDocument: %s\n",
			id("Policy", p.Name), p.Name, p.Description, p.Content)
	}
	return b.String()
}
