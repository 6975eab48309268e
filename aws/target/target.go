// Package target builds the AWS configuration for the place orgwizard acts
// on: the embedded sandbox (the default) or real AWS through the standard
// credential chain, a named profile or an endpoint URL. There is one client
// setup for all of them, so the sandbox exercises the exact code path AWS does.
package target

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"

	"github.com/orgwizard/orgwizard/sandbox"
)

// Spec says which target to open; it mirrors the global flags of cli.md.
type Spec struct {
	AWS          bool   // --aws: real AWS through the standard credential chain
	Profile      string // --profile: implies AWS
	EndpointURL  string // --endpoint-url: implies AWS
	Region       string // overrides AWS_REGION and the profile's region
	SandboxState string // --sandbox-state
	Scenario     string // --scenario
	Speed        float64
	// RetryMaxAttempts bounds attempts per call (0: DefaultMaxAttempts).
	RetryMaxAttempts int
}

// UsesAWS reports whether the spec names real AWS (or an AWS-compatible endpoint).
func (s Spec) UsesAWS() bool { return s.AWS || s.Profile != "" || s.EndpointURL != "" }

// Target is an opened target: a ready aws.Config and a description every
// screen and output shows.
type Target struct {
	Config    aws.Config
	Sandbox   *sandbox.Sandbox // nil on AWS
	AccountID string           // the caller's account
	// Describe is "sandbox (state FILE)" or "AWS account ID (profile P)".
	Describe string
	close    func() error
}

// Close stops the embedded sandbox, if any.
func (t *Target) Close() error {
	if t.close == nil {
		return nil
	}
	return t.close()
}

// DefaultMaxAttempts is how many times one call is tried before the failure
// reaches the user. Organizations throttles hard and answers
// ConcurrentModificationException while another change is settling; both pass
// with time, so orgwizard is patient.
const DefaultMaxAttempts = 12

// retryCodes are retried on top of the SDK's standard set (throttling, 5xx,
// timeouts): they all mean "try again shortly".
var retryCodes = []string{
	"ConcurrentModificationException",
	"FinalizingOrganizationException",
	"TooManyRequestsException",
	"ServiceException",
}

func retryer(maxAttempts int) func() aws.Retryer {
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = 20 * time.Second
			// The standard retry quota stops retrying after a burst of
			// failures; a long apply under throttling needs every retry.
			o.RateLimiter = ratelimit.None
			o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: toSet(retryCodes)})
		})
	}
}

func toSet(codes []string) map[string]struct{} {
	m := make(map[string]struct{}, len(codes))
	for _, c := range codes {
		m[c] = struct{}{}
	}
	return m
}

// IdentityAPI is the STS operation Open calls to learn whose credentials
// are in use. It is one of the adapters the IAM policy is held to.
type IdentityAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// NewIdentity returns the STS client Open asks, behind IdentityAPI.
func NewIdentity(cfg aws.Config) IdentityAPI { return sts.NewFromConfig(cfg) }

// Open opens the target the spec names.
func Open(ctx context.Context, spec Spec) (*Target, error) {
	if spec.UsesAWS() {
		return openAWS(ctx, spec)
	}
	return openSandbox(ctx, spec)
}

func openSandbox(ctx context.Context, spec Spec) (*Target, error) {
	sb, err := sandbox.Open(sandbox.Config{StatePath: spec.SandboxState, Scenario: spec.Scenario, Speed: spec.Speed})
	if err != nil {
		return nil, fmt.Errorf("opening the sandbox: %w", err)
	}
	t, err := ForSandbox(sb, spec)
	if err != nil {
		sb.Close()
		return nil, err
	}
	stop := t.close
	t.close = func() error { return errors.Join(stop(), sb.Close()) }
	return t, nil
}

// ForSandbox serves an open sandbox on a loopback port and returns a target
// acting as its first account (the scenario's management or standalone
// account), or as the management account of the organization that account
// has joined. Closing the target stops serving; the sandbox stays open.
func ForSandbox(sb *sandbox.Sandbox, spec Spec) (*Target, error) {
	accounts := sb.Accounts()
	if len(accounts) == 0 {
		return nil, errors.New("the sandbox state has no account; run orgwizard sandbox reset")
	}
	// The scenario's first account, unless it has since joined another's
	// organization (the dirty-management way out): then that organization's
	// management account, which is where orgwizard's work now happens.
	me := accounts[0]
	if m := me.OrganizationManagementID; m != "" && m != me.ID {
		return ForSandboxAccount(sb, m, spec)
	}
	return ForSandboxAccount(sb, me.ID, spec)
}

// ForSandboxAccount is ForSandbox acting as another of the sandbox's
// accounts, such as the clean account of the dirty-management scenario that
// becomes the new management account. It serves on a port of its own.
func ForSandboxAccount(sb *sandbox.Sandbox, accountID string, spec Spec) (*Target, error) {
	var me *sandbox.AccountInfo
	for _, a := range sb.Accounts() {
		if a.ID == accountID {
			me = &a
			break
		}
	}
	if me == nil {
		return nil, fmt.Errorf("the sandbox has no account %s", accountID)
	}
	endpoint, stop, err := sb.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	region := spec.Region
	if region == "" {
		region = "us-east-1"
	}
	cfg := aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, ""),
		BaseEndpoint: aws.String(endpoint),
		Retryer:      retryer(spec.RetryMaxAttempts),
		Logger:       SDKLogger(),
	}
	return &Target{
		Config:    cfg,
		Sandbox:   sb,
		AccountID: me.ID,
		Describe:  fmt.Sprintf("sandbox, account %s (state %s)", me.ID, homeTilde(sb.StatePath())),
		close:     stop,
	}, nil
}

func openAWS(ctx context.Context, spec Spec) (*Target, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(retryer(spec.RetryMaxAttempts)),
		// The SDK's default logger writes to stderr, over the wizard's
		// screen; what matters reaches the user as an error instead.
		config.WithLogger(SDKLogger()),
	}
	if spec.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(spec.Profile))
	}
	if spec.Region != "" {
		opts = append(opts, config.WithRegion(spec.Region))
	}
	if spec.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(spec.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		// Organizations is global and answers in us-east-1.
		cfg.Region = "us-east-1"
	}
	id, err := NewIdentity(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil && noCredentials(err) {
		where := "the standard credential chain (environment, shared config, SSO, instance role)"
		if spec.Profile != "" {
			where = "profile " + spec.Profile
		}
		return nil, fmt.Errorf("no AWS credentials found through %s: sign in first (aws sso login --profile NAME) or name a profile with --profile NAME. Details: %w", where, err)
	}
	if err != nil {
		return nil, fmt.Errorf("asking AWS who these credentials are (sts GetCallerIdentity): %w; check AWS_PROFILE, --profile or your SSO login", err)
	}
	account := aws.ToString(id.Account)
	desc := "AWS account " + account
	if spec.Profile != "" {
		desc += " (profile " + spec.Profile + ")"
	}
	if spec.EndpointURL != "" {
		desc += " at " + spec.EndpointURL
	}
	return &Target{Config: cfg, AccountID: account, Describe: desc}, nil
}

// noCredentials reports whether a call failed because no credentials could
// be found, before anything reached AWS. The SDK wraps that failure in
// "get identity: get credentials: ..." without a type of its own.
func noCredentials(err error) bool {
	return strings.Contains(err.Error(), "get credentials:")
}

// DebugLogEnv names the environment variable that sends the AWS SDK's own
// log lines (warnings such as a response checksum that did not match, or the
// instance metadata service falling back to IMDSv1) to a file. Without it
// they go nowhere: no library writes to the terminal behind the wizard.
const DebugLogEnv = "ORGWIZARD_DEBUG_LOG"

var debugLog struct {
	sync.Mutex
	path string
	f    *os.File
}

// SDKLogger is the logger every aws.Config of orgwizard carries: the file
// ORGWIZARD_DEBUG_LOG names, or nowhere.
func SDKLogger() logging.Logger {
	path := os.Getenv(DebugLogEnv)
	if path == "" {
		return logging.Nop{}
	}
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		debugLog.Lock()
		defer debugLog.Unlock()
		if debugLog.f == nil || debugLog.path != path {
			if debugLog.f != nil {
				debugLog.f.Close()
			}
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
			if err != nil {
				return // a debug aid must never break the command
			}
			debugLog.f, debugLog.path = f, path
		}
		fmt.Fprintf(debugLog.f, "%s SDK %s %s\n", time.Now().UTC().Format(time.RFC3339Nano), c, fmt.Sprintf(format, v...))
	})
}

// homeTilde shortens a path under the home directory to ~/..., so that the
// target fits the header of an 80-column screen.
func homeTilde(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return path
	}
	if rel, ok := strings.CutPrefix(path, home+string(os.PathSeparator)); ok {
		return "~" + string(os.PathSeparator) + rel
	}
	return path
}
