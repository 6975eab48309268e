package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/sandbox"
)

type sandboxEnableIdentityCenterOptions struct {
	io        IO
	statePath string
	account   string
	region    string
}

// newSandboxEnableIdentityCenterCommand is the sandbox's stand-in for the one click in the console that
// turns on an organization's IAM Identity Center: AWS has no API for it from the management account.
func newSandboxEnableIdentityCenterCommand(streams IO) *cobra.Command {
	o := &sandboxEnableIdentityCenterOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "enable-identity-center",
		Short: "Turn on the organization's IAM Identity Center, as the console's Enable button does",
		Long: `Turn on the organization instance of IAM Identity Center in the sandbox, with its
identity store and access portal, as the one click in the console does at AWS (no
API does it from the management account). The organization must exist and have
all features. Enabling it again changes nothing.`,
		Example: "  orgwizard sandbox enable-identity-center --region eu-central-1",
		Args:    cobra.NoArgs,
		RunE:    func(*cobra.Command, []string) error { return o.run() },
	}
	f := cmd.Flags()
	f.StringVar(&o.statePath, "sandbox-state", "", "state file (default $XDG_STATE_HOME/orgwizard/sandbox.json)")
	f.StringVar(&o.account, "account", "", "the organization's management account (default: that of the sandbox's only organization)")
	f.StringVar(&o.region, "region", "us-east-1", "Identity Center's home region")
	return cmd
}

func (o *sandboxEnableIdentityCenterOptions) run() error {
	path := o.statePath
	if path == "" {
		p, err := sandbox.DefaultStatePath()
		if err != nil {
			return userError("%v", err)
		}
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		return userError("no sandbox state at %s: create the organization first (run the wizard, or 'orgwizard apply' on the sandbox)", path)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: path})
	if err != nil {
		return userError("%v", err)
	}
	defer sb.Close()
	account := o.account
	if account == "" {
		managers := map[string]bool{}
		for _, a := range sb.Accounts() {
			if a.OrganizationManagementID != "" {
				managers[a.OrganizationManagementID] = true
			}
		}
		switch len(managers) {
		case 0:
			return userError("the sandbox at %s has no organization yet: create it first (run the wizard, or 'orgwizard apply' on the sandbox)", path)
		case 1:
			for id := range managers {
				account = id
			}
		default:
			return userError("the sandbox at %s has %d organizations: say which with --account <management account id>", path, len(managers))
		}
	}
	_, existed := sb.IdentityCenter(account)
	info, err := sb.EnableIdentityCenter(account, o.region)
	if err != nil {
		return userError("%v", err)
	}
	what := "enabled"
	if existed {
		what = "was already enabled"
	}
	_, err = fmt.Fprintf(o.io.Out, "IAM Identity Center %s for the organization of management account %s (sandbox %s)\n"+
		"  home region     %s\n  instance        %s\n  identity store  %s\n  access portal   %s\n",
		what, info.OwnerAccountID, path, info.Region, info.InstanceARN, info.IdentityStoreID, info.StartURL)
	return err
}
