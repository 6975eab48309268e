package sandbox_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"

	"github.com/orgwizard/orgwizard/sandbox"
)

// tfPluginDir is the local mirror of the hashicorp/aws provider (the machine has no registry access).
const tfPluginDir = "/opt/tf-plugins"

// TestTerraformIdentityCenter runs the hashicorp/aws provider's Identity Center resources against the
// sandbox: apply creates them (through the provider's own waits on provisioning and assignments), a plan
// right after finds no difference, a change is made in place, and destroy removes them all.
func TestTerraformIdentityCenter(t *testing.T) {
	if testing.Short() {
		t.Skip("runs terraform")
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		if inCI() {
			t.Fatal("terraform is not on PATH")
		}
		t.Skip("terraform is not on PATH")
	}
	if _, err := os.Stat(tfPluginDir); err != nil {
		if inCI() {
			t.Fatalf("no provider mirror at %s", tfPluginDir)
		}
		t.Skipf("no provider mirror at %s", tfPluginDir)
	}
	w := newICWorld(t, sandbox.Config{Speed: 100})
	dir := t.TempDir()
	main := `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region                      = "eu-central-1"
  access_key                  = "` + w.mgmt.AccessKeyID + `"
  secret_key                  = "` + w.mgmt.SecretAccessKey + `"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ssoadmin      = "` + w.url + `"
    identitystore = "` + w.url + `"
    sts           = "` + w.url + `"
  }
}
data "aws_ssoadmin_instances" "this" {}
locals {
  instance = tolist(data.aws_ssoadmin_instances.this.arns)[0]
  store    = tolist(data.aws_ssoadmin_instances.this.identity_store_ids)[0]
}
resource "aws_identitystore_group" "team" {
  identity_store_id = local.store
  display_name      = "payments-team"
  description       = "Payments"
}
resource "aws_identitystore_user" "ana" {
  identity_store_id = local.store
  user_name         = "ana@acme.example"
  display_name      = "Ana Lima"
  name {
    given_name  = "Ana"
    family_name = "Lima"
  }
  emails {
    value   = "ana@acme.example"
    primary = true
  }
}
resource "aws_identitystore_group_membership" "ana" {
  identity_store_id = local.store
  group_id          = aws_identitystore_group.team.group_id
  member_id         = aws_identitystore_user.ana.user_id
}
resource "aws_ssoadmin_permission_set" "deployer" {
  instance_arn     = local.instance
  name             = "deployer"
  session_duration = "PT4H"
  tags             = { managed-by = "orgwizard" }
}
resource "aws_ssoadmin_managed_policy_attachment" "power" {
  instance_arn       = local.instance
  permission_set_arn = aws_ssoadmin_permission_set.deployer.arn
  managed_policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}
resource "aws_ssoadmin_permission_set_inline_policy" "deny" {
  instance_arn       = local.instance
  permission_set_arn = aws_ssoadmin_permission_set.deployer.arn
  inline_policy      = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "iam:CreateUser", Resource = "*" }] })
}
resource "aws_ssoadmin_account_assignment" "team" {
  instance_arn       = local.instance
  permission_set_arn = aws_ssoadmin_permission_set.deployer.arn
  principal_id       = aws_identitystore_group.team.group_id
  principal_type     = "GROUP"
  target_id          = "` + w.payments.ID + `"
  target_type        = "AWS_ACCOUNT"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := func(args ...string) (string, int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "terraform", args...)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
			"TF_CLI_CONFIG_FILE=" + filepath.Join(dir, "none.tfrc")}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}
	if out, code := tf("init", "-no-color", "-plugin-dir", tfPluginDir); code != 0 {
		t.Fatalf("terraform init: %s", out)
	}
	if out, code := tf("apply", "-no-color", "-auto-approve"); code != 0 || !strings.Contains(out, "7 added") {
		t.Fatalf("terraform apply (exit %d):\n%s", code, out)
	}
	if out, code := tf("plan", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Fatalf("terraform plan after apply wants changes (exit %d):\n%s", code, out)
	}
	// A change in place: Terraform updates the group and the user rather than replacing them.
	changed := strings.NewReplacer(`description       = "Payments"`, `description       = "Payments engineers"`,
		`display_name      = "Ana Lima"`, `display_name      = "Ana M. Lima"`).Replace(main)
	if changed == main {
		t.Fatal("the change did not apply to main.tf")
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := tf("apply", "-no-color", "-auto-approve"); code != 0 || !strings.Contains(out, "0 added, 2 changed, 0 destroyed") {
		t.Fatalf("terraform apply of a change (exit %d):\n%s", code, out)
	}
	if out, code := tf("plan", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Fatalf("terraform plan after the change wants more (exit %d):\n%s", code, out)
	}
	ctx := context.Background()
	sets := must[*ssoadmin.ListPermissionSetsProvisionedToAccountOutput](t, "ListPermissionSetsProvisionedToAccount")(w.admin.ListPermissionSetsProvisionedToAccount(ctx,
		&ssoadmin.ListPermissionSetsProvisionedToAccountInput{InstanceArn: aws.String(w.info.InstanceARN), AccountId: aws.String(w.payments.ID)}))
	if len(sets.PermissionSets) != 1 {
		t.Fatalf("permission sets in payments-dev after apply: %v", sets.PermissionSets)
	}
	if out, code := tf("destroy", "-no-color", "-auto-approve"); code != 0 || !strings.Contains(out, "7 destroyed") {
		t.Fatalf("terraform destroy (exit %d):\n%s", code, out)
	}
	left := must[*ssoadmin.ListPermissionSetsOutput](t, "ListPermissionSets")(w.admin.ListPermissionSets(ctx, &ssoadmin.ListPermissionSetsInput{InstanceArn: aws.String(w.info.InstanceARN)}))
	if len(left.PermissionSets) != 0 {
		t.Fatalf("permission sets after destroy: %v", left.PermissionSets)
	}
}
