package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/sandbox"
)

type sandboxApproveDeviceOptions struct {
	io          IO
	code        string
	user        string
	endpointURL string
	statePath   string
}

// newSandboxApproveDeviceCommand is the sandbox's stand-in for the sign-in page `aws sso login` opens:
// it approves the device code the login printed, for one user of the identity store, so the waiting
// login gets its token.
func newSandboxApproveDeviceCommand(streams IO) *cobra.Command {
	o := &sandboxApproveDeviceOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "approve-device CODE",
		Short: "Approve an 'aws sso login' waiting on the sandbox, as the user's sign-in in the browser does",
		Long: `Approve the device authorization of an 'aws sso login' (or any SSO OIDC device
flow) against the sandbox: AWS would have the user sign in on its verification
page; the sandbox has none, and this command is that sign-in. CODE is the code the
login prints (such as ABCD-1234). The login then goes on by itself.

--user names the identity store user who signs in; it may be left out when the
store has one user. The approval goes to the running 'sandbox serve' at
--endpoint-url, or at AWS_ENDPOINT_URL_SSO_OIDC or AWS_ENDPOINT_URL as exported
from serve's printed lines; without either (or with --sandbox-state) it is
written to the state file, which no serve may hold then.`,
		Example: `  aws sso login --profile payments-dev-admin     # prints a code, then waits
  orgwizard sandbox approve-device ABCD-1234 --user ana@acme.example`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
				return userError("approve-device needs the code 'aws sso login' printed, such as: orgwizard sandbox approve-device ABCD-1234")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.code = strings.TrimSpace(args[0])
			return o.run(cmd.Context(), cmd.Flags().Changed("sandbox-state"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.user, "user", "", "the identity store user who signs in (default: the store's only user)")
	f.StringVar(&o.endpointURL, "endpoint-url", "", "address of the running 'orgwizard sandbox serve' (default $AWS_ENDPOINT_URL_SSO_OIDC, then $AWS_ENDPOINT_URL)")
	f.StringVar(&o.statePath, "sandbox-state", "", "state file, when no serve runs (default $XDG_STATE_HOME/orgwizard/sandbox.json)")
	return cmd
}

func (o *sandboxApproveDeviceOptions) run(ctx context.Context, stateGiven bool) error {
	endpoint := o.endpointURL
	if endpoint == "" && !stateGiven {
		endpoint = cmp.Or(os.Getenv("AWS_ENDPOINT_URL_SSO_OIDC"), os.Getenv("AWS_ENDPOINT_URL"))
	}
	var user, where string
	var err error
	if endpoint != "" {
		user, err = o.overHTTP(ctx, endpoint)
		where = "the sandbox at " + endpoint
	} else {
		user, where, err = o.inState()
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.io.Out, "Approved code %s for %s (%s): the waiting login goes on by itself.\n", strings.ToUpper(o.code), user, where)
	return err
}

// overHTTP asks the running serve to approve the code.
func (o *sandboxApproveDeviceOptions) overHTTP(ctx context.Context, endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", userError("--endpoint-url %q is not an http(s) address: give the one 'orgwizard sandbox serve' printed, such as http://127.0.0.1:4566", endpoint)
	}
	body, _ := json.Marshal(map[string]string{"userCode": o.code, "userName": o.user})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(endpoint, "/")+sandbox.ApproveDevicePath, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", userError("no sandbox answers at %s (%v): start 'orgwizard sandbox serve', or give its address with --endpoint-url", endpoint, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	var out struct {
		UserName    string `json:"userName"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(data, &out) != nil || (resp.StatusCode == http.StatusOK && out.UserName == "") {
		return "", userError("%s answered %s, not as 'orgwizard sandbox serve' does: is it the sandbox?", endpoint, resp.Status)
	}
	if resp.StatusCode != http.StatusOK {
		return "", userError("%s%s", out.Description, o.userHint(out.Description))
	}
	return out.UserName, nil
}

// inState approves the code in the state file, when no serve holds it.
func (o *sandboxApproveDeviceOptions) inState() (string, string, error) {
	path := o.statePath
	if path == "" {
		p, err := sandbox.DefaultStatePath()
		if err != nil {
			return "", "", userError("%v", err)
		}
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		return "", "", userError("no sandbox state at %s: run 'orgwizard sandbox serve', then 'aws sso login', and approve its code here with --endpoint-url", path)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: path})
	var inUse *sandbox.StateInUseError
	if errors.As(err, &inUse) {
		return "", "", userError("the sandbox state %s is held by another process, most likely 'orgwizard sandbox serve': approve through it with --endpoint-url (its address, as in the AWS_ENDPOINT_URL it printed)", path)
	}
	if err != nil {
		return "", "", userError("%v", err)
	}
	defer sb.Close()
	user, err := sb.ApproveDeviceUser(o.code, o.user)
	if err != nil {
		return "", "", userError("%v%s", err, o.userHint(err.Error()))
	}
	return user, "sandbox " + path, nil
}

// userHint points a refusal that asks for a user at the flag that names one.
func (o *sandboxApproveDeviceOptions) userHint(msg string) string {
	if o.user == "" && strings.Contains(msg, "name the one who signs in") {
		return ": give it with --user"
	}
	return ""
}
