package rootcreds

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// root is one member account's root user, as a fake IAM answers for it.
type root struct {
	password                bool
	keys, certs, mfa        int
	refuse                  bool // AssumeRoot is denied
	listErr                 error
	sawPolicy, sawPrincipal string
}

type fakeSTS struct {
	mu    sync.Mutex
	roots map[string]*root
}

func (f *fakeSTS) AssumeRoot(_ context.Context, in *sts.AssumeRootInput, _ ...func(*sts.Options)) (*sts.AssumeRootOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.roots[aws.ToString(in.TargetPrincipal)]
	if r == nil || r.refuse {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform sts:AssumeRoot"}
	}
	r.sawPolicy, r.sawPrincipal = aws.ToString(in.TaskPolicyArn.Arn), aws.ToString(in.TargetPrincipal)
	id := aws.ToString(in.TargetPrincipal)
	return &sts.AssumeRootOutput{Credentials: &ststypes.Credentials{AccessKeyId: aws.String("ASIA" + id), SecretAccessKey: aws.String("s"), SessionToken: aws.String("t")}}, nil
}

// fakeSession answers for the root user of the account whose session it is.
type fakeSession struct{ r *root }

func (f fakeSession) GetLoginProfile(context.Context, *iam.GetLoginProfileInput, ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error) {
	if !f.r.password {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The user with name root cannot be found.")}
	}
	return &iam.GetLoginProfileOutput{LoginProfile: &iamtypes.LoginProfile{}}, nil
}

func (f fakeSession) ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	if f.r.listErr != nil {
		return nil, f.r.listErr
	}
	return &iam.ListAccessKeysOutput{AccessKeyMetadata: make([]iamtypes.AccessKeyMetadata, f.r.keys)}, nil
}

func (f fakeSession) ListSigningCertificates(context.Context, *iam.ListSigningCertificatesInput, ...func(*iam.Options)) (*iam.ListSigningCertificatesOutput, error) {
	return &iam.ListSigningCertificatesOutput{Certificates: make([]iamtypes.SigningCertificate, f.r.certs)}, nil
}

func (f fakeSession) ListMFADevices(context.Context, *iam.ListMFADevicesInput, ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error) {
	return &iam.ListMFADevicesOutput{MFADevices: make([]iamtypes.MFADevice, f.r.mfa)}, nil
}

func reader(roots map[string]*root) *Reader {
	f := &fakeSTS{roots: roots}
	return &Reader{STS: f, Partition: "aws", Session: func(c aws.Credentials) SessionAPI {
		return fakeSession{roots[strings.TrimPrefix(c.AccessKeyID, "ASIA")]}
	}}
}

func TestReadListsEachRootUsersCredentials(t *testing.T) {
	roots := map[string]*root{
		"100000000001": {},
		"100000000002": {password: true, keys: 2},
		"100000000003": {certs: 1, mfa: 1},
		"100000000004": {refuse: true},
	}
	accounts := []orgmodel.ActualAccount{{ID: "100000000002", Name: "old-app"}, {ID: "100000000001", Name: "app-dev"},
		{ID: "100000000003", Name: "legacy"}, {ID: "100000000004", Name: "invited"}}
	got, err := reader(roots).Read(context.Background(), accounts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Name != "old-app" || got[1].Name != "app-dev" {
		t.Fatalf("accounts out of order: %+v", got)
	}
	if !got[0].Password || got[0].AccessKeys != 2 || got[0].Summary() != "a password, 2 access keys" {
		t.Errorf("old-app: %+v (%s)", got[0], got[0].Summary())
	}
	if got[1].Has() || got[1].Err != nil {
		t.Errorf("app-dev has nothing: %+v", got[1])
	}
	if got[2].Summary() != "1 signing certificate, 1 MFA device" {
		t.Errorf("legacy: %s", got[2].Summary())
	}
	if got[3].Err == nil || !strings.Contains(got[3].Err.Error(), "AssumeRoot in 100000000004") {
		t.Errorf("a refused root session is the account's error: %v", got[3].Err)
	}
	if p := roots["100000000001"].sawPolicy; p != "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials" {
		t.Errorf("the session is scoped by %q, not the audit task policy", p)
	}
	with := WithCredentials(got)
	if len(with) != 2 || with[0].Name != "legacy" || with[1].Name != "old-app" {
		t.Errorf("WithCredentials: %+v", with)
	}
}

func TestReadStopsOnlyWhenCancelled(t *testing.T) {
	roots := map[string]*root{"100000000001": {listErr: context.Canceled}, "100000000002": {listErr: errors.New("throttled")}}
	_, err := reader(roots).Read(context.Background(), []orgmodel.ActualAccount{{ID: "100000000001"}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled read: %v", err)
	}
	got, err := reader(roots).Read(context.Background(), []orgmodel.ActualAccount{{ID: "100000000002", Name: "a"}})
	if err != nil || got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "ListAccessKeys (root of 100000000002): throttled") {
		t.Fatalf("another failure is the account's: %v, %+v", err, got)
	}
}

func TestAuditTaskPolicyARNPerPartition(t *testing.T) {
	if got := AuditTaskPolicyARN("aws-cn"); got != "arn:aws-cn:iam::aws:policy/root-task/IAMAuditRootUserCredentials" {
		t.Fatal(got)
	}
}
