package inventory_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/inventory"
)

// manyUsers is IAM with the sandbox's users and n more, two pages of them:
// user gen-I has I%3 access keys, and each ListAccessKeys takes a while.
// It counts the lookups in flight; deny names a user whose keys it refuses.
type manyUsers struct {
	inventory.IAMAPI
	n    int
	deny string

	mu             sync.Mutex
	inFlight, most int
	lookups, pages int
}

func (m *manyUsers) ListUsers(ctx context.Context, in *iam.ListUsersInput, opts ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	m.mu.Lock()
	m.pages++
	m.mu.Unlock()
	first := 0
	if in.Marker != nil {
		first, _ = strconv.Atoi(*in.Marker)
	}
	out := &iam.ListUsersOutput{}
	if first == 0 {
		real, err := m.IAMAPI.ListUsers(ctx, in, opts...)
		if err != nil {
			return nil, err
		}
		out.Users = real.Users
	}
	last := min(first+100, m.n)
	for i := first; i < last; i++ {
		name := fmt.Sprintf("gen-%03d", i)
		out.Users = append(out.Users, iamtypes.User{UserName: aws.String(name), UserId: aws.String("AIDA" + name),
			Arn: aws.String("arn:aws:iam::123456789012:user/" + name)})
	}
	if last < m.n {
		out.IsTruncated, out.Marker = true, aws.String(strconv.Itoa(last))
	}
	return out, nil
}

func (m *manyUsers) ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, opts ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	name := aws.ToString(in.UserName)
	i, err := strconv.Atoi(strings.TrimPrefix(name, "gen-"))
	if err != nil {
		return m.IAMAPI.ListAccessKeys(ctx, in, opts...)
	}
	m.mu.Lock()
	m.lookups++
	m.inFlight++
	m.most = max(m.most, m.inFlight)
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.inFlight--
		m.mu.Unlock()
	}()
	select {
	case <-time.After(2 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if name == m.deny {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "not allowed to list the keys of " + name}
	}
	out := &iam.ListAccessKeysOutput{}
	for k := range i % 3 {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamtypes.AccessKeyMetadata{AccessKeyId: aws.String(fmt.Sprintf("AKIA%s%d", name, k))})
	}
	return out, nil
}

// An account's users' keys are asked for a few users at a time, not one
// user after another, and every user with keys is found, on every page.
func TestUsersKeysAreAskedForAFewAtATime(t *testing.T) {
	clients, _, account := serveDirty(t, nil, func(next http.Handler) http.Handler { return next })
	fake := &manyUsers{IAMAPI: clients.IAM, n: 130}
	clients.IAM = fake
	res, err := inventory.New(clients, inventory.Options{Regions: []string{"us-east-1"}}).Sweep(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Complete() {
		t.Fatalf("problems: %v", res.Problems)
	}
	got := map[string]string{}
	for _, it := range res.Items {
		if it.Service == "iam" {
			got[it.Name] = it.Detail
		}
	}
	for i := range fake.n {
		name := fmt.Sprintf("gen-%03d", i)
		want := map[int]string{0: "", 1: "1 access key", 2: "2 access keys"}[i%3]
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
	if _, ok := got["ci-deployer"]; !ok {
		t.Errorf("the sandbox's own user ci-deployer is missing: %v", res.Items)
	}
	if fake.pages != 2 || fake.lookups != fake.n {
		t.Errorf("%d pages of users and %d key lookups, want 2 and %d", fake.pages, fake.lookups, fake.n)
	}
	if fake.most < 2 || fake.most > 8 {
		t.Errorf("at most %d key lookups were in flight at once, want 2 to 8", fake.most)
	}
}

// A user whose keys cannot be read makes IAM a problem that names the user,
// not the "context canceled" of the lookups it stopped.
func TestAUsersKeysThatCannotBeReadAreTheProblem(t *testing.T) {
	clients, _, account := serveDirty(t, nil, func(next http.Handler) http.Handler { return next })
	clients.IAM = &manyUsers{IAMAPI: clients.IAM, n: 130, deny: "gen-050"}
	res, err := inventory.New(clients, inventory.Options{Regions: []string{"us-east-1"}}).Sweep(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 {
		t.Fatalf("problems: %v, want one, for IAM", res.Problems)
	}
	p := res.Problems[0]
	if p.Service != "iam" || p.Kind != inventory.KindAccessDenied || !strings.Contains(p.Message(), "gen-050") {
		t.Errorf("problem %s %s %s: %s, want iam's access denied for gen-050", p.Region, p.Service, p.Kind, p.Message())
	}
}
