package export_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgwizard/orgwizard/cli"
	"github.com/orgwizard/orgwizard/internal/terraform"
)

// secureMoto is acme-secure.yaml with what moto serves of the baseline:
// the log bucket with its settings and policy in log-archive, trusted
// access, and the contacts of every account.
const secureMoto = "testdata/secure-moto.yaml"

// Terraform builds the baseline in one pass, as far as moto serves it: the
// organization, its accounts, the log bucket in log-archive through the
// provider alias that assumes OrganizationAccountAccessRole there (its
// account created in the same apply), its versioning, public access
// block, encryption, lifecycle and policy, trusted access and thirty
// alternate contacts; a plan after it shows no change.
//
// The trail block is dropped before the apply: the provider starts a trail
// by its ARN, and moto's StartLogging finds trails by name only (a
// KeyError there). GuardDuty's organization configuration, Access Analyzer
// and IAM's organization features are off in the design: moto has none.
func TestTerraformBuildsTheBaselineOnMoto(t *testing.T) {
	tf := terraform.Find(t)
	e := motoEndpoint(t)
	dir := t.TempDir()
	main := filepath.Join(dir, "main.tf")
	orgwizard(t, e, cli.ExitOK, "export", "--design", secureMoto, "--format", "terraform", "-o", main)
	data, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, `resource "aws_cloudtrail" "organization" {`)
	end := strings.Index(text[start:], "\n}\n")
	if start < 0 || end < 0 {
		t.Fatalf("the export declares no trail:\n%s", text)
	}
	text = text[:start] + text[start+end+3:]
	if err := os.WriteFile(main, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := terraform.Env(t, e.env)
	tf.Init(t, dir, env)
	// The organization, 8 OUs, 9 accounts, 5 policies, 6 attachments (29),
	// the bucket and its 5 settings (6), and 3 contacts on 10 accounts (30).
	expect(t, tf, dir, env, 0, []string{"Apply complete! Resources: 65 added, 0 changed, 0 destroyed."}, "apply", "-auto-approve")
	expect(t, tf, dir, env, 0, nil, "plan", "-detailed-exitcode")
}
