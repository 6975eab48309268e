package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/orgmodel"
)

type treeOptions struct {
	output string
	target targetFlags
	io     IO
}

func newTreeCommand(streams IO) *cobra.Command {
	opts := &treeOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "tree",
		Short: "Show the organization as it exists in the target",
		Long: `Read the organization in the target and draw it: OUs, every account with its
email and id, and the customer-managed service control policies where they are
attached. --output json prints the same versioned shape as preview, with ids.`,
		Example: "  orgwizard tree\n  orgwizard tree --profile management --output json",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return opts.run(cmd.Context()) },
	}
	addOutputFlag(cmd, &opts.output)
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func (o *treeOptions) run(ctx context.Context) error {
	if err := checkOutput(o.output); err != nil {
		return err
	}
	s, err := openSession(ctx, &o.target)
	if err != nil {
		return err
	}
	defer s.Close()
	actual, err := s.read(ctx)
	if err != nil {
		return err
	}
	if actual.Organization == nil {
		if o.output == "json" {
			return writeTreeJSON(o.io.Out, actual.Tree(), s.target.Describe)
		}
		_, err := o.io.Out.Write([]byte(describeTarget(s) + "\n\nThis account belongs to no organization yet: orgwizard apply creates one, with this account as its management account.\n"))
		return err
	}
	t := actual.Tree()
	if o.output == "json" {
		return writeTreeJSON(o.io.Out, t, s.target.Describe)
	}
	quota, source := orgs.AccountQuota(ctx, s.quota, apply.DefaultAccountQuota)
	return writeTreeText(o.io.Out, t, s.target.Describe, liveSummary(t, quota, source)+accessSummary(actual.Access))
}

// accessSummary is tree's line about Identity Center, when the target's was
// read: what the instance holds, or that there is none.
func accessSummary(a *orgmodel.ActualAccess) string {
	switch {
	case a == nil:
		return ""
	case a.InstanceARN == "":
		return "\naccess: no IAM Identity Center instance; it is turned on in the IAM Identity Center console"
	}
	where := ""
	if a.Region != "" {
		where = " in " + a.Region
	}
	return fmt.Sprintf("\naccess: IAM Identity Center%s: %d groups, %d users, %d permission sets, %d account assignments",
		where, len(a.Groups), len(a.Users), len(a.PermissionSets), len(a.Assignments))
}
