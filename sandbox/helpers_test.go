package sandbox_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/sandbox"
)

// world is a sandbox behind an httptest server, with SDK clients per account.
type world struct {
	t        *testing.T
	sb       *sandbox.Sandbox
	url      string
	accounts []sandbox.AccountInfo
}

func newWorld(t *testing.T, cfg sandbox.Config) *world {
	t.Helper()
	if cfg.StatePath == "" {
		cfg.StatePath = filepath.Join(t.TempDir(), "sandbox.json")
	}
	if cfg.Speed == 0 {
		cfg.Speed = 200 // CreateAccount takes 20 ms
	}
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond = -1 // tests that want throttling turn it on
	}
	sb, err := sandbox.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	return &world{t: t, sb: sb, url: srv.URL, accounts: sb.Accounts()}
}

// account finds a scenario account by name.
func (w *world) account(name string) sandbox.AccountInfo {
	w.t.Helper()
	for _, a := range w.sb.Accounts() {
		if a.Name == name {
			return a
		}
	}
	w.t.Fatalf("no account named %q", name)
	return sandbox.AccountInfo{}
}

func (w *world) cfg(key, secret, token string) aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, token),
		// Errors must reach the test as the sandbox sent them, not after retries.
		Retryer: sandbox.ConnRetryer,
	}
}

func (w *world) org(a sandbox.AccountInfo) *organizations.Client {
	return organizations.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *organizations.Options) {
		o.BaseEndpoint = aws.String(w.url)
	})
}

func (w *world) sts(key, secret, token string) *sts.Client {
	return sts.NewFromConfig(w.cfg(key, secret, token), func(o *sts.Options) { o.BaseEndpoint = aws.String(w.url) })
}

func (w *world) quotas(a sandbox.AccountInfo) *servicequotas.Client {
	return servicequotas.NewFromConfig(w.cfg(a.AccessKeyID, a.SecretAccessKey, ""), func(o *servicequotas.Options) {
		o.BaseEndpoint = aws.String(w.url)
	})
}

// waitCreated polls DescribeCreateAccountStatus until the creation ends and
// returns every state it saw, in order, without repeats.
func waitCreated(t *testing.T, c *organizations.Client, id string) ([]orgtypes.CreateAccountState, *orgtypes.CreateAccountStatus) {
	t.Helper()
	ctx := context.Background()
	var seen []orgtypes.CreateAccountState
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: &id})
		var throttled *orgtypes.TooManyRequestsException
		if errors.As(err, &throttled) {
			// Back off as a real poller does when the sandbox's rate limit is on.
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatalf("DescribeCreateAccountStatus: %v", err)
		}
		st := out.CreateAccountStatus.State
		if len(seen) == 0 || seen[len(seen)-1] != st {
			seen = append(seen, st)
		}
		if st != orgtypes.CreateAccountStateInProgress {
			return seen, out.CreateAccountStatus
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("creation %s still IN_PROGRESS after 20s", id)
	return nil, nil
}

// createAccount creates a member and waits until it SUCCEEDED.
func createAccount(t *testing.T, c *organizations.Client, name, email string) string {
	t.Helper()
	out, err := c.CreateAccount(context.Background(), &organizations.CreateAccountInput{AccountName: &name, Email: &email})
	if err != nil {
		t.Fatalf("CreateAccount %s: %v", name, err)
	}
	_, st := waitCreated(t, c, *out.CreateAccountStatus.Id)
	if st.State != orgtypes.CreateAccountStateSucceeded {
		t.Fatalf("CreateAccount %s ended %s (%s)", name, st.State, st.FailureReason)
	}
	return *st.AccountId
}

// wantErr checks that err is the SDK's typed error T, and returns it.
func wantErr[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if err == nil {
		t.Fatalf("call succeeded, want %T", target)
	}
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T), want %T", err, err, target)
	}
	return target
}

// wantCode checks the AWS error code of err, for services whose SDK has no typed error for it.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v, want AWS error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %s (%v), want %s", ae.ErrorCode(), err, code)
	}
}

func mustRoot(t *testing.T, c *organizations.Client) string {
	t.Helper()
	out, err := c.ListRoots(context.Background(), &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Roots[0].Id
}
