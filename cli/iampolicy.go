package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/aws/iampolicy"
)

func newIAMPolicyCommand(streams IO) *cobra.Command {
	purpose := iampolicy.ForAll
	cmd := &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the least-privilege IAM policy the AWS target needs, as JSON",
		Long: `Print the IAM policy that lets orgwizard do everything it does on an AWS target,
and nothing more. Attach it to the role or user in the management account that
runs orgwizard. Nothing is sent to AWS. It holds:

  - Organizations: reading the organization; creating it, its OUs, accounts and
    guardrails, moving and tagging accounts; apply's lease (a tag on the root);
    nothing that deletes or closes.
  - Service Quotas: reading the accounts quota before creating accounts.
  - STS: GetCallerIdentity, to show which account the credentials are;
    AssumeRole of OrganizationAccountAccessRole only (migrate, the baseline);
    AssumeRoot for audit, held to AWS's IAMAuditRootUserCredentials task policy.
  - The inventory (audit, migrate runbook): read-only listings of EC2, S3, RDS,
    Lambda, DynamoDB, ECS, EKS, CloudFront, Route 53, IAM users and keys, the
    tagging API and Resource Explorer.
  - migrate new-management: the invitation and its acceptance, and
    OrganizationAccountAccessRole in the old account (IAM GetRole, CreateRole,
    AttachRolePolicy of AdministratorAccess only, and sts:AssumeRole of it).
  - The security baseline (a design's baseline or contacts): trusted access,
    Access Analyzer's delegated administrator, the organization trail,
    GuardDuty's and Security Hub's administrators and the management
    account's detector, IAM's centralized root access, alternate contacts.
    What orgwizard does in log-archive and security-tooling it does as
    OrganizationAccountAccessRole, so the policy holds none of it.
  - What AWS does as orgwizard while serving those calls, each from AWS's
    pages: GuardDuty reads the organization (DescribeOrganizationalUnit,
    DescribeAccount, ListAccounts); CloudTrail reads service-linked roles;
    iam:CreateServiceLinkedRole for the roles of Organizations, GuardDuty and
    CloudTrail only.
  - costs: Cost Explorer's GetCostAndUsage and GetCostForecast (and STS, as every part).
  - Budgets and cost categories (a design's budgets block: plan, apply, audit):
    budgets:ViewBudget and ModifyBudget, Cost Explorer's List, Describe,
    Create and UpdateCostCategoryDefinition; nothing that deletes.
  - IAM Identity Center (a design's access block): sso and identitystore.

Each part fits one customer managed policy (6,144 characters).

--for narrows it to one command's part: apply (plan, apply, tree, export
--live), audit, migrate or costs; all (the default) is what the wizard needs.`,
		Example: "  orgwizard iam-policy > orgwizard-policy.json\n" +
			"  orgwizard iam-policy --for audit > orgwizard-audit-policy.json\n" +
			"  aws iam create-policy --policy-name orgwizard --policy-document file://orgwizard-policy.json",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if !slices.Contains(iampolicy.Purposes, purpose) {
				return userError("--for %q: use one of %s", purpose, strings.Join(iampolicy.Purposes, ", "))
			}
			b, err := iampolicy.JSONFor(purpose)
			if err != nil {
				return err
			}
			_, err = streams.Out.Write(b)
			return err
		},
	}
	cmd.Flags().StringVar(&purpose, "for", iampolicy.ForAll, "the command the policy is for: "+strings.Join(iampolicy.Purposes, ", "))
	return cmd
}
