package sandbox_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgwizard/orgwizard/sandbox"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestCompletionFromTimestamps: a creation completes when its time comes,
// whether or not the sandbox ran in between, because completion is computed
// from the timestamps in the state.
func TestCompletionFromTimestamps(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	state := filepath.Join(t.TempDir(), "sandbox.json")
	cfg := sandbox.Config{StatePath: state, Now: clk.Now, RatePerSecond: -1}
	w := newWorld(t, cfg)
	c := w.org(w.account("acme"))
	if _, err := c.CreateOrganization(ctx, &organizations.CreateOrganizationInput{}); err != nil {
		t.Fatal(err)
	}
	out, err := c.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("a"), Email: aws.String("a@acme.example")})
	if err != nil {
		t.Fatal(err)
	}
	id := out.CreateAccountStatus.Id
	clk.advance(sandbox.DefaultCreateAccountDelay / 200 / 2)
	st, err := c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: id})
	if err != nil || st.CreateAccountStatus.State != orgtypes.CreateAccountStateInProgress {
		t.Fatalf("half-way: %v %+v", err, st)
	}

	// Stop the sandbox while the creation is in flight, let its time pass, open it again.
	if err := w.sb.Close(); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Hour)
	w2 := newWorld(t, cfg)
	c2 := w2.org(w2.account("acme"))
	st, err = c2.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: id})
	if err != nil || st.CreateAccountStatus.State != orgtypes.CreateAccountStateSucceeded {
		t.Fatalf("after the restart: %v %+v", err, st)
	}
	want := clk.Now().Add(-time.Hour).Add(sandbox.DefaultCreateAccountDelay / 200 / 2)
	if got := *st.CreateAccountStatus.CompletedTimestamp; !got.Equal(want.Truncate(time.Millisecond)) {
		t.Fatalf("completed at %v, want the time it was due, %v", got, want)
	}

	// Temporary credentials expire on the same clock.
	mgmt := w2.account("acme")
	ar, err := w2.sts(mgmt.AccessKeyID, mgmt.SecretAccessKey, "").AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + *st.CreateAccountStatus.AccountId + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("s1"),
		DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	cr := ar.Credentials
	if _, err := w2.sts(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = w2.sts(*cr.AccessKeyId, *cr.SecretAccessKey, "wrong-token").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	clk.advance(16 * time.Minute)
	_, err = w2.sts(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "ExpiredToken")
}

// TestStateLocked: a second sandbox on the same state file is refused while
// the first runs, and allowed once it has closed.
func TestStateLocked(t *testing.T) {
	state := filepath.Join(t.TempDir(), "sandbox.json")
	first, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.Open(sandbox.Config{StatePath: state}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Open: %v, want the state refused as in use", err)
	}
	if err := sandbox.Reset(sandbox.Config{StatePath: state}); err == nil {
		t.Fatal("Reset under a running sandbox succeeded")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second, err := sandbox.Open(sandbox.Config{StatePath: state})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	second.Close()
}
