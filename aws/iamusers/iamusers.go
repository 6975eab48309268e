// Package iamusers reads the IAM users of one account and how each can sign
// in: a console password (a login profile) or active access keys. audit uses
// it on the management account, where people should not sign in as IAM
// users at all but through IAM Identity Center. It only reads.
package iamusers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"
)

// API is the part of IAM this package calls.
type API interface {
	ListUsers(ctx context.Context, in *iam.ListUsersInput, optFns ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	GetLoginProfile(ctx context.Context, in *iam.GetLoginProfileInput, optFns ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error)
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
}

var _ API = (*iam.Client)(nil)

// User is an IAM user and the ways it signs in.
type User struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// ConsolePassword: the user has a login profile, so a person can sign
	// in to the console with it.
	ConsolePassword bool `json:"consolePassword"`
	// ActiveAccessKeys are the ids of its access keys whose status is
	// Active; inactive keys sign nothing.
	ActiveAccessKeys []string `json:"activeAccessKeys,omitempty"`
}

// SignsIn reports whether the user can sign in at all.
func (u User) SignsIn() bool { return u.ConsolePassword || len(u.ActiveAccessKeys) > 0 }

// parallel bounds the per-user reads in flight: IAM's request rate is an
// account's whole control plane, shared with whatever else runs there.
const parallel = 4

// Read lists every IAM user of the account the API's credentials act in,
// sorted by name, with its console password and active access keys. Any
// refusal is returned whole: a partial list would pass users it never read.
func Read(ctx context.Context, api API) ([]User, error) {
	var users []User
	p := iam.NewListUsersPaginator(api, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam ListUsers: %w", err)
		}
		for _, u := range page.Users {
			users = append(users, User{Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn)})
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallel)
	for i := range users {
		u := &users[i]
		g.Go(func() error {
			var err error
			if u.ConsolePassword, err = hasPassword(gctx, api, u.Name); err != nil {
				return err
			}
			u.ActiveAccessKeys, err = activeKeys(gctx, api, u.Name)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(users, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	return users, nil
}

// hasPassword: GetLoginProfile answers NoSuchEntity for a user without a
// console password.
func hasPassword(ctx context.Context, api API, user string) (bool, error) {
	_, err := api.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(user)})
	var none *types.NoSuchEntityException
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &none):
		return false, nil
	default:
		return false, fmt.Errorf("iam GetLoginProfile %s: %w", user, err)
	}
}

func activeKeys(ctx context.Context, api API, user string) ([]string, error) {
	var ids []string
	p := iam.NewListAccessKeysPaginator(api, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam ListAccessKeys %s: %w", user, err)
		}
		for _, k := range page.AccessKeyMetadata {
			if k.Status == types.StatusTypeActive {
				ids = append(ids, aws.ToString(k.AccessKeyId))
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}
