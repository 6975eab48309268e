package iamusers_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/orgwizard/orgwizard/aws/iamusers"
	"github.com/orgwizard/orgwizard/internal/moto"
	"github.com/orgwizard/orgwizard/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// fake is an account's IAM: users by name, with a password or not and
// their keys' statuses; pages of two users, to cover the paging.
type fake struct {
	mu       sync.Mutex
	users    []string
	password map[string]bool
	keys     map[string]map[string]types.StatusType
	denied   string // an operation refused with AccessDenied
	calls    map[string]int
}

func (f *fake) count(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	if op == f.denied {
		return errors.New("AccessDenied")
	}
	return nil
}

func (f *fake) ListUsers(_ context.Context, in *iam.ListUsersInput, _ ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	if err := f.count("ListUsers"); err != nil {
		return nil, err
	}
	start := 0
	if in.Marker != nil {
		start = slices.Index(f.users, *in.Marker)
	}
	out := &iam.ListUsersOutput{}
	for _, u := range f.users[start:min(start+2, len(f.users))] {
		out.Users = append(out.Users, types.User{UserName: aws.String(u), Arn: aws.String("arn:aws:iam::111111111111:user/" + u)})
	}
	if start+2 < len(f.users) {
		out.IsTruncated, out.Marker = true, aws.String(f.users[start+2])
	}
	return out, nil
}

func (f *fake) GetLoginProfile(_ context.Context, in *iam.GetLoginProfileInput, _ ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error) {
	if err := f.count("GetLoginProfile"); err != nil {
		return nil, err
	}
	if !f.password[*in.UserName] {
		return nil, &types.NoSuchEntityException{Message: aws.String("Login Profile for User " + *in.UserName + " cannot be found.")}
	}
	return &iam.GetLoginProfileOutput{LoginProfile: &types.LoginProfile{UserName: in.UserName}}, nil
}

func (f *fake) ListAccessKeys(_ context.Context, in *iam.ListAccessKeysInput, _ ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	if err := f.count("ListAccessKeys"); err != nil {
		return nil, err
	}
	out := &iam.ListAccessKeysOutput{}
	for id, st := range f.keys[*in.UserName] {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, types.AccessKeyMetadata{AccessKeyId: aws.String(id), Status: st, UserName: in.UserName})
	}
	return out, nil
}

func TestReadTellsPasswordsAndActiveKeys(t *testing.T) {
	f := &fake{
		users:    []string{"zoe", "ci-deploy", "ana", "old-robot", "bob"},
		password: map[string]bool{"ana": true, "zoe": true},
		keys: map[string]map[string]types.StatusType{
			"ci-deploy": {"AKIA2": types.StatusTypeActive, "AKIA1": types.StatusTypeActive},
			"old-robot": {"AKIA3": types.StatusTypeInactive},
			"zoe":       {"AKIA4": types.StatusTypeActive, "AKIA5": types.StatusTypeInactive},
		},
	}
	users, err := iamusers.Read(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	want := []iamusers.User{
		{Name: "ana", ConsolePassword: true},
		{Name: "bob"},
		{Name: "ci-deploy", ActiveAccessKeys: []string{"AKIA1", "AKIA2"}},
		{Name: "old-robot"},
		{Name: "zoe", ConsolePassword: true, ActiveAccessKeys: []string{"AKIA4"}},
	}
	if len(users) != len(want) {
		t.Fatalf("got %+v", users)
	}
	for i, u := range users {
		w := want[i]
		if u.Name != w.Name || u.ConsolePassword != w.ConsolePassword || !slices.Equal(u.ActiveAccessKeys, w.ActiveAccessKeys) ||
			u.ARN != "arn:aws:iam::111111111111:user/"+w.Name || u.SignsIn() != (w.ConsolePassword || len(w.ActiveAccessKeys) > 0) {
			t.Errorf("user %d: got %+v, want %+v", i, u, w)
		}
	}
	if f.calls["ListUsers"] != 3 || f.calls["GetLoginProfile"] != 5 || f.calls["ListAccessKeys"] != 5 {
		t.Errorf("calls %v: want 3 pages of users and one of each read per user", f.calls)
	}
}

// A refused read fails the whole read: a list that skipped a user would
// pass the audit's check on a user never looked at.
func TestReadRefusedIsAnError(t *testing.T) {
	for _, op := range []string{"ListUsers", "GetLoginProfile", "ListAccessKeys"} {
		f := &fake{users: []string{"ana"}, denied: op}
		if users, err := iamusers.Read(context.Background(), f); err == nil || users != nil {
			t.Errorf("%s refused: got %v, %v", op, users, err)
		}
	}
}

// moto 5.2 implements the three calls: what IAM says of a user with a
// password, one with an active and an inactive key, and one with neither
// reads back the same from the second AWS.
func TestReadAgainstMoto(t *testing.T) {
	ctx := context.Background()
	url := moto.URL(t)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOIAMUSERS0000", "secret", "")}
	c := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(url) })
	for _, name := range []string{"ana", "ci-deploy", "nobody"} {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("ana"), Password: aws.String("Correct-Horse-9")}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for range 2 {
		k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci-deploy")})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, aws.ToString(k.AccessKey.AccessKeyId))
	}
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("ci-deploy"), AccessKeyId: aws.String(keys[1]), Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	users, err := iamusers.Read(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]iamusers.User{}
	for _, u := range users {
		byName[u.Name] = u
	}
	if u := byName["ana"]; !u.ConsolePassword || len(u.ActiveAccessKeys) != 0 {
		t.Errorf("ana on moto: %+v", u)
	}
	if u := byName["ci-deploy"]; u.ConsolePassword || !slices.Equal(u.ActiveAccessKeys, keys[:1]) {
		t.Errorf("ci-deploy on moto: %+v, want only %s active", u, keys[0])
	}
	if u, ok := byName["nobody"]; !ok || u.SignsIn() {
		t.Errorf("nobody on moto: %+v (found %v)", u, ok)
	}
}
