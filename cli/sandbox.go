package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/sandbox"
)

func newSandboxCommand(streams IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run, reset or inspect the simulated AWS",
		Long: `The sandbox is a simulated AWS that speaks AWS's own wire protocols
(Organizations, STS, Service Quotas, IAM Identity Center and the inventory
services), so the AWS CLI, SDKs and Terraform can run against it. Its state is
one JSON file.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newSandboxServeCommand(streams), newSandboxResetCommand(streams), newSandboxCallsCommand(streams),
		newSandboxEnableIdentityCenterCommand(streams), newSandboxApproveDeviceCommand(streams))
	return cmd
}

// sandboxServeOptions are the flags of `sandbox serve`.
type sandboxServeOptions struct {
	io               IO
	addr             string
	scenario         string
	scenarioSet      bool // --scenario given explicitly
	statePath        string
	speed            float64
	region           string
	allowNonLoopback bool
	rate             float64
	faultThrottle    float64
	faultConflict    float64
	faultServerError float64
	failCreate       []string
	deny             []string
	accountQuota     int
}

func newSandboxServeCommand(streams IO) *cobra.Command {
	o := &sandboxServeOptions{io: streams}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox on the AWS wire protocol for other clients",
		Long: `Serve the sandbox over HTTP until interrupted. It prints, for every account of the
scenario, the environment that makes the AWS CLI or an SDK act as that account.
The sandbox has no authentication worth the name, so it binds 127.0.0.1 unless
--allow-non-loopback is given.`,
		Example: `  orgwizard sandbox serve --scenario fresh --speed 10
  # in another shell, paste one printed export line, then:
  aws organizations create-organization --feature-set ALL`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.scenarioSet = cmd.Flags().Changed("scenario")
			if err := checkAccountQuota(o.accountQuota, cmd.Flags().Changed("account-quota")); err != nil {
				return err
			}
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:4566", "address to listen on (port 0 picks a free one)")
	f.StringVar(&o.scenario, "scenario", "fresh", "world to start from when the state file does not exist yet: "+strings.Join(sandbox.Scenarios, ", "))
	f.StringVar(&o.statePath, "sandbox-state", "", "state file (default $XDG_STATE_HOME/orgwizard/sandbox.json)")
	f.Float64Var(&o.speed, "speed", 1, "divide every simulated delay by this factor (100: CreateAccount 100 times faster)")
	f.StringVar(&o.region, "region", "us-east-1", "AWS_REGION printed in the exports")
	f.BoolVar(&o.allowNonLoopback, "allow-non-loopback", false, "allow --addr to be reachable from other machines (the sandbox has no real authentication)")
	f.Float64Var(&o.rate, "rate", 0, fmt.Sprintf("requests per second per account and operation before TooManyRequestsException (default %d, negative: no limit)", sandbox.DefaultRatePerSecond))
	f.Float64Var(&o.faultThrottle, "fault-throttle", 0, "share of calls (0-1) answered with throttling")
	f.Float64Var(&o.faultConflict, "fault-conflict", 0, "share of Organizations calls (0-1) answered with ConcurrentModificationException")
	f.Float64Var(&o.faultServerError, "fault-500", 0, "share of calls (0-1) answered with an HTTP 500")
	f.StringArrayVar(&o.failCreate, "fail-create-account", nil, "NAME-OR-EMAIL[=REASON]: make that CreateAccount end FAILED (repeatable)")
	f.StringArrayVar(&o.deny, "deny", nil, "ACCOUNT:SERVICE:REGION[:OPERATION]: answer AccessDenied there, as a missing permission does; an empty part matches anything (repeatable)")
	f.IntVar(&o.accountQuota, "account-quota", 0, "set the accounts quota, management account included, of every organization and of those still to be created (kept in the state)")
	return cmd
}

// checkAccountQuota refuses an --account-quota that no organization could have.
func checkAccountQuota(n int, given bool) error {
	if given && (n < 1 || n > sandbox.MaxAccountQuota) {
		return userError("--account-quota must be between 1 (the management account alone) and %d, got %d", sandbox.MaxAccountQuota, n)
	}
	return nil
}

// faults builds the fault flags into sandbox.Faults; nil when no fault flag
// was given, so the faults kept in the state stay in force.
func (o *sandboxServeOptions) faults() (*sandbox.Faults, error) {
	for name, v := range map[string]float64{"--fault-throttle": o.faultThrottle, "--fault-conflict": o.faultConflict, "--fault-500": o.faultServerError} {
		if v < 0 || v > 1 {
			return nil, userError("%s must be between 0 and 1, got %g", name, v)
		}
	}
	if o.faultThrottle+o.faultConflict+o.faultServerError == 0 && len(o.failCreate) == 0 && len(o.deny) == 0 {
		return nil, nil
	}
	f := &sandbox.Faults{ThrottleShare: o.faultThrottle, ConflictShare: o.faultConflict, ServerErrorShare: o.faultServerError}
	for _, spec := range o.failCreate {
		match, reason, _ := strings.Cut(spec, "=")
		if match == "" {
			return nil, userError("--fail-create-account %q: give an account name or email, optionally =REASON", spec)
		}
		f.FailCreateAccount = append(f.FailCreateAccount, sandbox.CreateAccountFailure{Match: match, Reason: reason})
	}
	for _, spec := range o.deny {
		parts := strings.Split(spec, ":")
		if len(parts) != 3 && len(parts) != 4 {
			return nil, userError("--deny %q: write ACCOUNT:SERVICE:REGION[:OPERATION], for example :ec2:eu-west-1 or :organizations::CreateAccount", spec)
		}
		d := sandbox.Denial{Account: parts[0], Service: parts[1], Region: parts[2]}
		if len(parts) == 4 {
			d.Operation = parts[3]
		}
		f.Deny = append(f.Deny, d)
	}
	return f, nil
}

// checkAddr refuses an address other machines can reach unless the user said so.
func checkAddr(addr string, allow bool) (loopback bool, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, userError("--addr %q: %v (write HOST:PORT, for example 127.0.0.1:4566)", addr, err)
	}
	loopback = host == "localhost"
	if ip := net.ParseIP(host); ip != nil {
		loopback = ip.IsLoopback()
	}
	if !loopback && !allow {
		return false, userError("--addr %s is reachable from other machines and the sandbox has no real authentication; use 127.0.0.1, or add --allow-non-loopback if you mean it", addr)
	}
	return loopback, nil
}

func (o *sandboxServeOptions) run(ctx context.Context) error {
	loopback, err := checkAddr(o.addr, o.allowNonLoopback)
	if err != nil {
		return err
	}
	if o.speed <= 0 {
		return userError("--speed must be positive, got %g", o.speed)
	}
	faults, err := o.faults()
	if err != nil {
		return err
	}
	cfg := sandbox.Config{StatePath: o.statePath, Scenario: o.scenario, Speed: o.speed, RatePerSecond: o.rate, Faults: faults}
	sb, err := sandbox.Open(cfg)
	if err != nil {
		return userError("%v", err)
	}
	if o.accountQuota > 0 {
		// On an existing state too: a workshop sets its starting point.
		if err := sb.SetAccountQuota(o.accountQuota); err != nil {
			sb.Close()
			return userError("%v", err)
		}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		sb.Close()
		return userError("cannot listen on %s: %v", o.addr, err)
	}
	if !loopback {
		fmt.Fprintf(o.io.ErrOut, "WARNING: the sandbox listens on %s, reachable from other machines. It has no real authentication: anyone who can reach it can read and change the simulated organization.\n", ln.Addr())
	}
	endpoint := "http://" + ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		endpoint = fmt.Sprintf("http://127.0.0.1:%d", tcp.Port)
	}
	if o.scenarioSet && sb.Scenario() != o.scenario {
		fmt.Fprintf(o.io.ErrOut, "note: the state already exists and was built from scenario %s; --scenario applies to a new state only ('orgwizard sandbox reset --scenario %s' starts over)\n", sb.Scenario(), o.scenario)
	}
	fmt.Fprintf(o.io.ErrOut, "sandbox serving on %s, state %s; stop with Ctrl-C\n", endpoint, sb.StatePath())
	for _, a := range sb.Accounts() {
		if a.AccessKeyID == "" {
			continue
		}
		org := "no organization"
		if a.OrganizationID != "" {
			org = a.OrganizationID
		}
		fmt.Fprintf(o.io.Out, "# %s %s <%s> %s, %s\n", a.ID, a.Name, a.Email, a.Role, org)
		fmt.Fprintf(o.io.Out, "export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_ENDPOINT_URL=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s\n",
			a.AccessKeyID, a.SecretAccessKey, endpoint, o.region, o.region)
	}

	// Serve returns as soon as the requests in flight are answered: a
	// connection left open, idle or never used, no longer holds the exit.
	err = sb.Serve(ctx, ln)
	if ctx.Err() != nil {
		fmt.Fprintln(o.io.ErrOut, "sandbox stopped; every acknowledged change is in", sb.StatePath())
	}
	closeErr := sb.Close()
	if err != nil {
		return &ExitError{Code: ExitAWS, Err: fmt.Errorf("sandbox server: %w", err)}
	}
	return closeErr
}

type sandboxResetOptions struct {
	io           IO
	scenario     string
	statePath    string
	accountQuota int
}

func newSandboxResetCommand(streams IO) *cobra.Command {
	o := &sandboxResetOptions{io: streams}
	cmd := &cobra.Command{
		Use:     "reset",
		Short:   "Start the sandbox state over from a scenario",
		Example: "  orgwizard sandbox reset --scenario existing-org\n  orgwizard sandbox reset --scenario fresh --account-quota 25",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkAccountQuota(o.accountQuota, cmd.Flags().Changed("account-quota")); err != nil {
				return err
			}
			return o.run()
		},
	}
	cmd.Flags().StringVar(&o.scenario, "scenario", "fresh", "world to start from: "+strings.Join(sandbox.Scenarios, ", "))
	cmd.Flags().IntVar(&o.accountQuota, "account-quota", 0, "the accounts quota, management account included, instead of the scenario's")
	cmd.Flags().StringVar(&o.statePath, "sandbox-state", "", "state file (default $XDG_STATE_HOME/orgwizard/sandbox.json)")
	return cmd
}

func (o *sandboxResetOptions) run() error {
	path := o.statePath
	if path == "" {
		p, err := sandbox.DefaultStatePath()
		if err != nil {
			return userError("%v", err)
		}
		path = p
	}
	if err := sandbox.Reset(sandbox.Config{StatePath: path, Scenario: o.scenario, AccountQuota: o.accountQuota}); err != nil {
		return userError("%v", err)
	}
	quota := ""
	if o.accountQuota > 0 {
		quota = fmt.Sprintf(", accounts quota %d", o.accountQuota)
	}
	_, err := fmt.Fprintf(o.io.Out, "sandbox state %s reset to scenario %s%s\n", path, o.scenario, quota)
	return err
}

type sandboxCallsOptions struct {
	io        IO
	statePath string
	output    string
}

func newSandboxCallsCommand(streams IO) *cobra.Command {
	o := &sandboxCallsOptions{io: streams}
	cmd := &cobra.Command{
		Use:     "calls",
		Short:   "List the recorded AWS calls: time, caller account, service, operation, outcome",
		Example: "  orgwizard sandbox calls --output json | jq '.calls[] | select(.outcome != \"ok\")'",
		Args:    cobra.NoArgs,
		RunE:    func(*cobra.Command, []string) error { return o.run() },
	}
	cmd.Flags().StringVar(&o.statePath, "sandbox-state", "", "state file (default $XDG_STATE_HOME/orgwizard/sandbox.json)")
	cmd.Flags().StringVar(&o.output, "output", "text", "text or json")
	return cmd
}

// callJSON is one call in `sandbox calls --output json`, a shape scripts rely on (cli.md).
type callJSON struct {
	Time      string `json:"time"`
	Account   string `json:"account"`
	Service   string `json:"service"`
	Region    string `json:"region,omitempty"`
	Operation string `json:"operation"`
	Outcome   string `json:"outcome"`
}

func (o *sandboxCallsOptions) run() error {
	if o.output != "text" && o.output != "json" {
		return userError("--output %q: use text or json", o.output)
	}
	calls, err := sandbox.LoadCalls(o.statePath)
	if err != nil {
		return userError("cannot read the sandbox call record: %v", err)
	}
	if o.output == "json" {
		doc := struct {
			Version int        `json:"version"`
			Calls   []callJSON `json:"calls"`
		}{Version: 1, Calls: []callJSON{}}
		for _, c := range calls {
			doc.Calls = append(doc.Calls, callJSON{Time: c.Time.UTC().Format(time.RFC3339Nano), Account: c.Account,
				Service: c.Service, Region: c.Region, Operation: c.Operation, Outcome: c.Outcome})
		}
		enc := json.NewEncoder(o.io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	for _, c := range calls {
		acct := c.Account
		if acct == "" {
			acct = "-"
		}
		if _, err := fmt.Fprintf(o.io.Out, "%s  %-12s  %-14s  %-36s  %s\n", c.Time.UTC().Format("2006-01-02T15:04:05.000Z"),
			acct, c.Service, c.Operation, c.Outcome); err != nil {
			return err
		}
	}
	return nil
}
