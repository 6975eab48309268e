package cli

import (
	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/aws/iampolicy"
)

func newIAMPolicyCommand(streams IO) *cobra.Command {
	return &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the least-privilege IAM policy the AWS target needs, as JSON",
		Long: `Print the IAM policy that lets orgwizard do everything it does on an AWS target,
and nothing more: the Organizations, Service Quotas and STS actions its code can
call, and iam:CreateServiceLinkedRole for Organizations' own role only, which AWS
needs when the organization is created. Attach it to the role or user in the
management account that runs orgwizard. Nothing is sent to AWS.`,
		Example: "  orgwizard iam-policy > orgwizard-policy.json\n" +
			"  aws iam create-policy --policy-name orgwizard --policy-document file://orgwizard-policy.json",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			b, err := iampolicy.JSON()
			if err != nil {
				return err
			}
			_, err = streams.Out.Write(b)
			return err
		},
	}
}
