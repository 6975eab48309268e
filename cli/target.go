package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	awsbudgets "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/orgwizard/orgwizard/aws/apply"
	"github.com/orgwizard/orgwizard/aws/baseline"
	"github.com/orgwizard/orgwizard/aws/budgets"
	"github.com/orgwizard/orgwizard/aws/identitycenter"
	"github.com/orgwizard/orgwizard/aws/inventory"
	"github.com/orgwizard/orgwizard/aws/orgs"
	"github.com/orgwizard/orgwizard/aws/target"
	"github.com/orgwizard/orgwizard/orgmodel"
	"github.com/orgwizard/orgwizard/sandbox"
	"github.com/orgwizard/orgwizard/wizard"
)

// targetFlags are the flags that choose where a command acts (cli.md).
type targetFlags struct {
	spec target.Spec
}

func addTargetFlags(cmd *cobra.Command, f *targetFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&f.spec.AWS, "aws", false, "act on real AWS through the standard credential chain (env, shared config, SSO)")
	fl.StringVar(&f.spec.Profile, "profile", "", "act on real AWS with this named profile (implies --aws)")
	fl.StringVar(&f.spec.EndpointURL, "endpoint-url", "", "send every AWS call to this URL, such as a sandbox serve or moto (implies --aws)")
	fl.StringVar(&f.spec.SandboxState, "sandbox-state", "", "the sandbox state file (default $XDG_STATE_HOME/orgwizard/sandbox.json)")
	fl.StringVar(&f.spec.Scenario, "scenario", "fresh", "the sandbox world to start from when the state file does not exist yet: fresh, dirty-management, existing-org, small-quota")
	fl.Float64Var(&f.spec.Speed, "sandbox-speed", 1, "make the sandbox's simulated delays (account creation takes seconds) this many times shorter")
}

func (f *targetFlags) check() error {
	if f.spec.UsesAWS() && (f.spec.SandboxState != "" || f.spec.Scenario != "fresh") {
		return userError("--sandbox-state and --scenario are for the sandbox; they do not go with --aws, --profile or --endpoint-url")
	}
	if !f.spec.UsesAWS() && !validScenario(f.spec.Scenario) {
		return userError("--scenario %q is not a scenario; use one of: %s", f.spec.Scenario, joinScenarios())
	}
	if f.spec.Speed <= 0 {
		return userError("--sandbox-speed must be above 0")
	}
	return nil
}

func validScenario(s string) bool {
	for _, sc := range sandbox.Scenarios {
		if sc == s {
			return true
		}
	}
	return false
}

func joinScenarios() string {
	out := ""
	for i, s := range sandbox.Scenarios {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// session is an opened target with the clients the commands use.
type session struct {
	target *target.Target
	orgs   *orgs.Client
	quota  orgs.QuotaAPI
	spec   target.Spec
	// access is the Identity Center client readFor made, for apply.
	access *identitycenter.Client
	// bl is the baseline's client, made once: what Read learns (the
	// accounts' names, for the errors about them) serves apply too.
	bl *baseline.Client
}

func openSession(ctx context.Context, f *targetFlags) (*session, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	t, err := target.Open(ctx, f.spec)
	if err != nil {
		return nil, awsError(err)
	}
	// --scenario builds a new state only: on a state built from another
	// one it would be ignored, and the user would see another world than
	// the one asked for. (fresh is also the default, so it is let pass.)
	if sb := t.Sandbox; sb != nil && f.spec.Scenario != "fresh" && sb.Scenario() != f.spec.Scenario {
		built := sb.Scenario()
		t.Close()
		reset := []string{"sandbox", "reset", "--scenario", f.spec.Scenario}
		if f.spec.SandboxState != "" {
			reset = append(reset, "--sandbox-state", f.spec.SandboxState)
		}
		return nil, userError("the sandbox state was built from scenario %s; --scenario %s applies to a new state only. Leave it out to go on with that state, or start over: %s",
			built, f.spec.Scenario, wizard.Command(reset...))
	}
	client := organizations.NewFromConfig(t.Config, func(o *organizations.Options) {
		o.APIOptions = append(o.APIOptions, orgs.ObserveAttempts, orgs.RateLimited(requestRate(t)))
	})
	return &session{
		target: t,
		orgs:   orgs.New(client, 8).WithCaller(t.AccountID),
		quota:  servicequotas.NewFromConfig(t.Config),
		spec:   f.spec,
	}, nil
}

// AWSRequestRate is the Organizations request rate orgwizard keeps to on
// AWS. AWS does not publish Organizations' throttling rates; ten calls a
// second stays clear of them while reading 2,000 accounts in minutes.
const AWSRequestRate = 10

// requestRate is the shared budget of Organizations calls per second: the
// sandbox's own rate limit there, a conservative one on AWS.
func requestRate(t *target.Target) *rate.Limiter {
	r := AWSRequestRate
	if t.Sandbox != nil {
		r = sandbox.DefaultRatePerSecond
	}
	return rate.NewLimiter(rate.Limit(r), r)
}

func (s *session) Close() error { return s.target.Close() }

// read reads the organization, mapping failures to cli.md's exit codes.
func (s *session) read(ctx context.Context) (*orgmodel.Actual, error) {
	a, err := s.orgs.Read(ctx)
	if err != nil {
		if errors.Is(err, orgs.ErrNotManagementAccount) {
			return nil, userError("%s: %v; use the management account's credentials (or, for the sandbox, --scenario)", s.target.Describe, err)
		}
		return nil, awsError(err)
	}
	return a, nil
}

// readFor reads the organization and, when the tree has budgets, the
// management account's budgets and cost categories: what plan compares.
func (s *session) readFor(ctx context.Context, tree *orgmodel.Tree) (*orgmodel.Actual, error) {
	a, err := s.read(ctx)
	if err != nil || a.Organization == nil {
		return a, err
	}
	if tree.Access != nil {
		s.access = s.identityCenter(tree, a)
		access, err := s.access.Read(ctx)
		if err != nil {
			return nil, awsError(err)
		}
		a.Access = access
	}
	if err := s.readBaseline(ctx, tree, a); err != nil {
		return nil, err
	}
	if len(tree.Budgets) == 0 {
		return a, nil
	}
	billing, err := s.billing().Read(ctx)
	if err != nil {
		return nil, awsError(err)
	}
	a.Billing = billing
	return a, nil
}

// billing is the client of the target account's budgets and cost categories.
func (s *session) billing() *budgets.Client {
	return budgets.New(awsbudgets.NewFromConfig(s.target.Config, func(o *awsbudgets.Options) {
		// AWS Budgets and Cost Explorer have one endpoint each, in us-east-1.
		o.Region = "us-east-1"
	}), costsClient(s), s.target.AccountID)
}

// identityCenter is the client of the organization's Identity Center, reading
// the assignments of the accounts the design names (and the management
// account). Its calls keep to the same request rate as Organizations'.
func (s *session) identityCenter(tree *orgmodel.Tree, a *orgmodel.Actual) *identitycenter.Client {
	names := map[string]bool{}
	for _, acc := range tree.Accounts {
		names[acc.Name] = true
	}
	ids := []string{}
	for _, acc := range a.Accounts {
		if names[acc.Name] || acc.ID == a.Organization.ManagementAccountID {
			ids = append(ids, acc.ID)
		}
	}
	return s.identityCenterIn(tree.HomeRegion, ids)
}

// identityCenterIn is the adapter of the organization's Identity Center
// for the accounts of ids, looking first in region home (the target's
// region when ""), its calls through the target's request-rate limiter.
func (s *session) identityCenterIn(home string, ids []string) *identitycenter.Client {
	limiter := requestRate(s.target)
	if home == "" {
		home = s.target.Config.Region
	}
	return identitycenter.New(
		ssoadmin.NewFromConfig(s.target.Config, func(o *ssoadmin.Options) {
			o.APIOptions = append(o.APIOptions, orgs.ObserveAttempts, orgs.RateLimited(limiter))
		}),
		identitystore.NewFromConfig(s.target.Config, func(o *identitystore.Options) {
			o.APIOptions = append(o.APIOptions, orgs.ObserveAttempts, orgs.RateLimited(limiter))
		}),
		identitycenter.Options{HomeRegion: home, Accounts: ids, Regions: ec2.NewFromConfig(s.target.Config)})
}

// awsError is a failure at AWS after the SDK's retries (exit 3), unless
// failure finds it is the user's to fix (exit 1).
func awsError(err error) error {
	var ee *ExitError
	if errors.As(err, &ee) || errors.Is(err, context.Canceled) {
		return err
	}
	if perr := permissionError(err); perr != nil {
		return perr
	}
	return failure(err)
}

// sweep takes the inventory of the target's account, telling progress each
// listing. The clients are closed at the end: idle connections left open keep
// a closing sandbox waiting for seconds.
func (s *session) sweep(ctx context.Context, progress func(inventory.Progress)) (*inventory.Result, error) {
	clients := inventory.NewClients(s.target.Config)
	defer clients.Close()
	return inventory.New(clients, inventory.Options{Progress: progress, HomeRegion: s.target.Config.Region}).Sweep(ctx, s.target.AccountID)
}

// openJournal opens the journal where apply records the account creations
// in flight for this target: beside the sandbox state, or in orgwizard's
// state directory. Never in a temporary directory: it is what keeps a re-run
// from creating an account twice.
func (s *session) openJournal() (*apply.Journal, error) {
	dir, err := s.stateDir()
	if err != nil {
		return nil, err
	}
	return apply.OpenJournal(filepath.Join(dir, "journal-"+s.target.AccountID+".json"))
}

// engineOptions tunes polling to the target: the sandbox creates an account
// in its delay divided by its speed; AWS takes minutes.
func (s *session) engineOptions() apply.Options {
	opt := apply.Options{
		Billing:  s.billing(),
		Baseline: s.baseline(),
		Quota: func(ctx context.Context) (int, string, error) {
			n, src := orgs.AccountQuota(ctx, s.quota, apply.DefaultAccountQuota)
			return n, src, nil
		},
	}
	if s.access != nil {
		opt.Access = s.access
	}
	if s.target.Sandbox != nil {
		delay := time.Duration(float64(sandbox.DefaultCreateAccountDelay) / s.spec.Speed)
		opt.CreationTime = delay
		opt.PollInitial = max(delay/40, time.Millisecond)
		opt.PollMax = max(delay/4, time.Millisecond)
		// Half the sandbox's request rate, leaving the rest to the other steps.
		opt.PollRate = sandbox.DefaultRatePerSecond / 2
		opt.AccessTime = time.Duration(float64(sandbox.DefaultIdentityCenterDelay) / s.spec.Speed)
	} else {
		opt.PollRate = 2
	}
	return opt
}

// targetArgs are the flags that reach the target spec names, for the
// commands orgwizard suggests: the sandbox's state file and speed as given,
// or the profile, endpoint or --aws.
func targetArgs(spec target.Spec) []string {
	var args []string
	switch {
	case spec.EndpointURL != "":
		args = append(args, "--endpoint-url", spec.EndpointURL)
		if spec.Profile != "" {
			args = append(args, "--profile", spec.Profile)
		}
	case spec.Profile != "":
		args = append(args, "--profile", spec.Profile)
	case spec.AWS:
		args = append(args, "--aws")
	default:
		if spec.SandboxState != "" {
			args = append(args, "--sandbox-state", spec.SandboxState)
		}
		if spec.Speed != 0 && spec.Speed != 1 {
			args = append(args, "--sandbox-speed", strconv.FormatFloat(spec.Speed, 'g', -1, 64))
		}
	}
	return args
}

func describeTarget(s *session) string {
	return fmt.Sprintf("Target: %s", s.target.Describe)
}
