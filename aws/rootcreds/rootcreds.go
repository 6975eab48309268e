// Package rootcreds reads which member accounts still have root user
// credentials: a password, access keys, signing certificates or MFA
// devices. With IAM's centralized root access (RootCredentialsManagement),
// the management account opens a root session in each member account
// (sts:AssumeRoot, scoped by AWS's IAMAuditRootUserCredentials task policy)
// and lists the root user's credentials there; this is the one way AWS
// offers to see them from outside the account. audit uses it. It only reads.
package rootcreds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"golang.org/x/sync/errgroup"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// AuditTaskPolicy is the AWS managed task policy that scopes a root session
// to reading the root user's credentials (GetLoginProfile, ListAccessKeys,
// ListSigningCertificates, ListMFADevices and a few more): nothing in the
// session can change anything.
const AuditTaskPolicy = "policy/root-task/IAMAuditRootUserCredentials"

// AuditTaskPolicyARN is AuditTaskPolicy's ARN in a partition.
func AuditTaskPolicyARN(partition string) string {
	return "arn:" + partition + ":iam::aws:" + AuditTaskPolicy
}

// RootAPI opens a root session in a member account. It is the management
// account's only call here; what the session reads is allowed by the task
// policy, not by orgwizard's own policy.
type RootAPI interface {
	AssumeRoot(ctx context.Context, in *sts.AssumeRootInput, optFns ...func(*sts.Options)) (*sts.AssumeRootOutput, error)
}

// SessionAPI is what a root session reads: with no user name, each call
// answers for the root user.
type SessionAPI interface {
	GetLoginProfile(ctx context.Context, in *iam.GetLoginProfileInput, optFns ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error)
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	ListSigningCertificates(ctx context.Context, in *iam.ListSigningCertificatesInput, optFns ...func(*iam.Options)) (*iam.ListSigningCertificatesOutput, error)
	ListMFADevices(ctx context.Context, in *iam.ListMFADevicesInput, optFns ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error)
}

var (
	_ RootAPI    = (*sts.Client)(nil)
	_ SessionAPI = (*iam.Client)(nil)
)

// Account is one member account's root user credentials, or why they could
// not be read (Err).
type Account struct {
	AccountID           string `json:"accountId"`
	Name                string `json:"name"`
	Password            bool   `json:"password,omitempty"`
	AccessKeys          int    `json:"accessKeys,omitempty"`
	SigningCertificates int    `json:"signingCertificates,omitempty"`
	MFADevices          int    `json:"mfaDevices,omitempty"`
	Err                 error  `json:"-"`
}

// Has reports whether the root user has any credential left.
func (a Account) Has() bool {
	return a.Password || a.AccessKeys+a.SigningCertificates+a.MFADevices > 0
}

// Summary says which credentials the root user has: "a password, 2 access
// keys".
func (a Account) Summary() string {
	var parts []string
	if a.Password {
		parts = append(parts, "a password")
	}
	for _, c := range []struct {
		n    int
		what string
	}{{a.AccessKeys, "access key"}, {a.SigningCertificates, "signing certificate"}, {a.MFADevices, "MFA device"}} {
		switch {
		case c.n == 1:
			parts = append(parts, "1 "+c.what)
		case c.n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", c.n, c.what))
		}
	}
	return strings.Join(parts, ", ")
}

// Reader reads root credentials through root sessions.
type Reader struct {
	// STS must answer at a regional endpoint: AWS refuses AssumeRoot at the
	// global one.
	STS RootAPI
	// Partition names the task policy's ARN (aws, aws-cn, aws-us-gov).
	Partition string
	// Session returns the IAM client of a root session's credentials.
	Session func(creds aws.Credentials) SessionAPI
}

// New returns a Reader over cfg, the management account's configuration;
// cfg.Region must be a region (AssumeRoot has no global endpoint).
func New(cfg aws.Config) *Reader {
	return &Reader{
		STS:       sts.NewFromConfig(cfg),
		Partition: orgmodel.Partition(cfg.Region),
		Session: func(creds aws.Credentials) SessionAPI {
			c := cfg.Copy()
			c.Credentials = credentials.StaticCredentialsProvider{Value: creds}
			return iam.NewFromConfig(c)
		},
	}
}

// parallel bounds the root sessions open at once.
const parallel = 4

// Read reads the root credentials of each account, in the order given. An
// account AWS refuses a root session in (AccessDenied: centralized root
// access off, or the account not a member) is returned with its Err; only a
// cancelled context fails the whole read.
func (r *Reader) Read(ctx context.Context, accounts []orgmodel.ActualAccount) ([]Account, error) {
	out := make([]Account, len(accounts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i, a := range accounts {
		out[i] = Account{AccountID: a.ID, Name: a.Name}
		g.Go(func() error {
			err := r.readOne(gctx, &out[i])
			if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
				return err
			}
			out[i].Err = err
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *Reader) readOne(ctx context.Context, a *Account) error {
	sess, err := r.STS.AssumeRoot(ctx, &sts.AssumeRootInput{
		TargetPrincipal: aws.String(a.AccountID),
		TaskPolicyArn:   &ststypes.PolicyDescriptorType{Arn: aws.String(AuditTaskPolicyARN(r.Partition))},
	})
	if err != nil {
		return fmt.Errorf("sts AssumeRoot in %s: %w", a.AccountID, err)
	}
	if sess.Credentials == nil {
		return fmt.Errorf("sts AssumeRoot in %s answered no credentials", a.AccountID)
	}
	c := sess.Credentials
	api := r.Session(aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken: aws.ToString(c.SessionToken), Source: "AssumeRoot"})

	_, err = api.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
	var none *iamtypes.NoSuchEntityException
	switch {
	case err == nil:
		a.Password = true
	case errors.As(err, &none):
	default:
		return fmt.Errorf("iam GetLoginProfile (root of %s): %w", a.AccountID, err)
	}
	keys, err := api.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		return fmt.Errorf("iam ListAccessKeys (root of %s): %w", a.AccountID, err)
	}
	a.AccessKeys = len(keys.AccessKeyMetadata)
	certs, err := api.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
	if err != nil {
		return fmt.Errorf("iam ListSigningCertificates (root of %s): %w", a.AccountID, err)
	}
	a.SigningCertificates = len(certs.Certificates)
	mfa, err := api.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	if err != nil {
		return fmt.Errorf("iam ListMFADevices (root of %s): %w", a.AccountID, err)
	}
	a.MFADevices = len(mfa.MFADevices)
	return nil
}

// WithCredentials returns the accounts that still have a root credential,
// sorted by name.
func WithCredentials(accounts []Account) []Account {
	var out []Account
	for _, a := range accounts {
		if a.Err == nil && a.Has() {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(x, y Account) int { return strings.Compare(x.Name, y.Name) })
	return out
}
