package export_test

import (
	"path/filepath"
	"testing"

	"github.com/orgwizard/orgwizard/cli"
	"github.com/orgwizard/orgwizard/internal/terraform"
)

// Terraform takes over the budgets and cost categories orgwizard made: the
// live export of acme-budgets.yaml imports them with the organization, and
// then plans no change at all.
func TestTerraformImportsBudgetsApplyBuilt(t *testing.T) {
	tf := terraform.Find(t)
	design := filepath.Join("..", "examples", "acme-budgets.yaml")
	e := sandboxEndpoint(t)
	orgwizard(t, e, cli.ExitOK, "apply", "--yes", "--design", design)
	dir := t.TempDir()
	orgwizard(t, e, cli.ExitOK, "export", "--live", "--design", design, "--format", "terraform", "-o", filepath.Join(dir, "main.tf"))
	env := terraform.Env(t, e.env)
	tf.Init(t, dir, env)
	expect(t, tf, dir, env, 0, []string{"Resources: 42 imported, 0 added, 0 changed, 0 destroyed."}, "apply", "-auto-approve")
	expect(t, tf, dir, env, 0, nil, "plan", "-detailed-exitcode")
	orgwizard(t, e, cli.ExitOK, "plan", "--design", design, "--detailed-exitcode")
}
