package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	orgsvc "github.com/orgwizard/orgwizard/sandbox/organizations"
)

// bigOrg writes a state with an organization of n accounts and m OUs (a
// tree two levels deep, accounts spread over the OUs), each account with
// its SUCCEEDED creation, and opens it behind a loopback HTTP server.
func bigOrg(tb testing.TB, n, m int) (*organizations.Client, *Sandbox, []string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "sandbox.json")
	if err := SeedOrganization(path, n, m); err != nil {
		tb.Fatal(err)
	}
	sb, err := Open(Config{StatePath: path, RatePerSecond: -1})
	if err != nil {
		tb.Fatal(err)
	}
	mgmt := sb.st.Accounts[0]
	var statusIDs []string
	for _, cs := range sb.st.Organizations[0].CreateStatuses {
		statusIDs = append(statusIDs, cs.ID)
	}
	srv := httptest.NewServer(sb.Handler())
	tb.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	client := organizations.NewFromConfig(aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(mgmt.AccessKeyID, mgmt.SecretAccessKey, ""),
		Retryer:     ConnRetryer},
		func(o *organizations.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	return client, sb, statusIDs
}

// reportLatency reports the median and 99th percentile of the per-request times.
func reportLatency(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2])/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(d[len(d)*99/100])/float64(time.Millisecond), "p99-ms")
}

// BenchmarkListAccountsPage asks for random pages of ListAccounts in an
// organization of 5,000 accounts and 500 OUs, over loopback HTTP through the SDK.
func BenchmarkListAccountsPage(b *testing.B) {
	c, _, _ := bigOrg(b, 5000, 500)
	ctx := context.Background()
	tokens := []*string{nil}
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	total := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		total += len(page.Accounts)
		if page.NextToken != nil {
			tokens = append(tokens, page.NextToken)
		}
	}
	if total != 5001 {
		b.Fatalf("listed %d accounts, want 5001", total)
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		out, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: tokens[(i*37)%len(tokens)]})
		times = append(times, time.Since(start))
		if err != nil || len(out.Accounts) == 0 {
			b.Fatalf("request %d (b.N %d): %v", i, b.N, err)
		}
	}
	reportLatency(b, times)
}

// BenchmarkDescribeCreateAccountStatus looks up creations among 5,000.
func BenchmarkDescribeCreateAccountStatus(b *testing.B) {
	c, _, ids := bigOrg(b, 5000, 500)
	ctx := context.Background()
	times := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		out, err := c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: &ids[(i*7919)%len(ids)]})
		times = append(times, time.Since(start))
		if err != nil || out.CreateAccountStatus.AccountId == nil {
			b.Fatal(err)
		}
	}
	reportLatency(b, times)
}

// TestBigOrgReadsDoNotWrite: with the benchmark's state, reads leave the
// state file alone (only changes write it).
func TestBigOrgReadsDoNotWrite(t *testing.T) {
	c, sb, ids := bigOrg(t, 500, 50)
	ctx := context.Background()
	before, err := fileModTime(sb.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	for _, id := range ids[:20] {
		if _, err := c.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: &id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{}); err != nil {
		t.Fatal(err)
	}
	after, err := fileModTime(sb.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	if !after.Equal(before) {
		t.Fatal("a read rewrote the state file")
	}
	root, err := c.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: root.Roots[0].Id, Name: aws.String("new")}); err != nil {
		t.Fatal(err)
	}
	if changed, _ := fileModTime(sb.StatePath()); changed.Equal(before) {
		t.Fatal("a change did not write the state file")
	}
}

func fileModTime(path string) (time.Time, error) {
	info, err := os.Stat(path)
	if err != nil {
		return time.Time{}, err
	}
	return info.ModTime(), nil
}

// TestOrganizationSizeLimits: the OU and policy counts AWS allows per
// organization, checked on a state built at the limit.
func TestOrganizationSizeLimits(t *testing.T) {
	ctx := context.Background()
	c, sb, _ := bigOrg(t, 1, orgsvc.MaxOUs)
	root, err := c.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: root.Roots[0].Id, Name: aws.String("one-too-many")})
	var cv *orgtypes.ConstraintViolationException
	if !errors.As(err, &cv) || cv.Reason != orgtypes.ConstraintViolationExceptionReasonOuNumberLimitExceeded {
		t.Fatalf("OU %d: %v", orgsvc.MaxOUs+1, err)
	}

	sb.mu.Lock()
	o := sb.st.Organizations[0]
	for i := len(o.Policies); i < orgsvc.MaxPoliciesPerType; i++ {
		p := &orgsvc.Policy{ID: orgsvc.NewPolicyID(), Name: fmt.Sprint("p", i), Type: orgsvc.SCPType, Content: `{"Statement":[]}`}
		o.Policies = append(o.Policies, p)
	}
	sb.wire() // index the policies added behind Organizations' back
	sb.mu.Unlock()
	_, err = c.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("one-too-many"), Description: aws.String(""),
		Content: aws.String(`{"Version":"2012-10-17","Statement":[]}`), Type: orgtypes.PolicyTypeServiceControlPolicy})
	if !errors.As(err, &cv) || cv.Reason != orgtypes.ConstraintViolationExceptionReasonPolicyNumberLimitExceeded {
		t.Fatalf("policy %d: %v", orgsvc.MaxPoliciesPerType+1, err)
	}
}
