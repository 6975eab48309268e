package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/orgmodel"
)

type costsOptions struct {
	month       string
	by          string
	output      string
	refresh     bool
	design      string
	designGiven bool
	target      targetFlags
	io          IO
	now         func() time.Time
}

func newCostsCommand(streams IO) *cobra.Command {
	opts := &costsOptions{io: streams, now: time.Now}
	cmd := &cobra.Command{
		Use:   "costs",
		Short: "Show what each workload, environment or residency costs this month",
		Long: `Read the organization's spend from AWS Cost Explorer (from the management
account) and group it by the design's workloads, environments or residencies,
or by account: month to date as a bar, the last 30 days as a sparkline, the
management account's own spend apart, and AWS's forecast for the month.

Cost Explorer charges $0.01 per request: the view makes the fewest the API
allows (one daily request for all accounts, every page of it, and one
forecast), says how many, and keeps the answer for 4 hours in orgwizard's
state directory. --refresh asks AWS again. Accounts the design does not know
are grouped as "other".`,
		Example: "  orgwizard costs --design acme.yaml\n  orgwizard costs --by environment --month 2026-10 -o csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.designGiven = cmd.Flags().Changed("design")
			return opts.run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.month, "month", "", "the month to show, YYYY-MM (default the current month)")
	fl.StringVar(&opts.by, "by", costview.ByWorkload, "group by workload, environment, residency or account")
	fl.StringVarP(&opts.output, "output", "o", "text", "text, json or csv")
	fl.BoolVar(&opts.refresh, "refresh", false, "ask Cost Explorer again instead of using an answer from the last 4 hours")
	addDesignFlag(cmd, &opts.design)
	addTargetFlags(cmd, &opts.target)
	return cmd
}

func (o *costsOptions) check(now time.Time) (time.Time, error) {
	if !slices.Contains(costview.Dimensions, o.by) {
		return time.Time{}, userError("--by %q is not a dimension; use one of: %s", o.by, strings.Join(costview.Dimensions, ", "))
	}
	if o.output != "text" && o.output != "json" && o.output != "csv" {
		return time.Time{}, userError("--output %q is not a format; use text, json or csv", o.output)
	}
	current := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if o.month == "" {
		return current, nil
	}
	m, err := time.Parse("2006-01", o.month)
	if err != nil {
		return time.Time{}, userError("--month %q is not a month; write it YYYY-MM, such as %s", o.month, current.Format("2006-01"))
	}
	if m.After(current) {
		return time.Time{}, userError("--month %s is in the future; Cost Explorer has spend up to today (%s)", o.month, now.Format(time.DateOnly))
	}
	if earliest := current.AddDate(0, -13, 0); m.Before(earliest) {
		return time.Time{}, userError("--month %s is older than Cost Explorer keeps (13 months back, from %s)", o.month, earliest.Format("2006-01"))
	}
	return m, nil
}

func (o *costsOptions) run(ctx context.Context) error {
	now := o.now().UTC()
	month, err := o.check(now)
	if err != nil {
		return err
	}
	var tree *orgmodel.Tree
	if o.designGiven || fileExists(o.design) {
		if tree, err = loadTree(o.design, o.io.ErrOut); err != nil {
			return err
		}
	} else if o.by != costview.ByAccount {
		fmt.Fprintf(o.io.ErrOut, "No design file at %s: every account is %q; pass --design FILE, or --by account.\n", o.design, costview.Other)
	}
	s, err := openSession(ctx, &o.target)
	if err != nil {
		return err
	}
	defer s.Close()

	cachePath, err := costsCachePath(s, month)
	if err != nil {
		return err
	}
	l, err := costs.Load(ctx, costsClient(s), costs.Query{Account: s.target.AccountID, Month: month, Now: now, CachePath: cachePath, Refresh: o.refresh})
	if err != nil {
		return costsError(err, s)
	}
	if l.CacheErr != nil {
		// A cache that cannot be written costs the next view its requests,
		// nothing more: said, not fatal.
		fmt.Fprintf(o.io.ErrOut, "Could not keep Cost Explorer's answer (%v); the next view asks again.\n", l.CacheErr)
	}
	v := costview.Compute(l.Input(s.target.AccountID, tree), o.by)
	switch o.output {
	case "json":
		return costview.JSON(o.io.Out, s.target.Describe, v, l.Fetch)
	case "csv":
		return costview.CSV(o.io.Out, v)
	}
	return costview.Text(o.io.Out, describeTarget(s), v, l.Fetch)
}

// costsError explains a refusal of Cost Explorer: only the payer (the
// management account) sees the organization's bill.
func costsError(err error, s *session) error {
	var api smithy.APIError
	if errors.As(err, &api) && strings.HasPrefix(api.ErrorCode(), "AccessDenied") {
		return userError("%s: Cost Explorer refused: %v\nThe organization's bill is the management account's: use its credentials, with ce:GetCostAndUsage and ce:GetCostForecast (orgwizard iam-policy --for costs)", s.target.Describe, err)
	}
	return awsError(err)
}

// fileExists reports whether path is there (or cannot be told not to be).
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// costsClient is Cost Explorer for the session: it has one endpoint, in
// us-east-1.
func costsClient(s *session) *costexplorer.Client {
	return costexplorer.NewFromConfig(s.target.Config, func(o *costexplorer.Options) { o.Region = "us-east-1" })
}

// costsCachePath is where the answer for this target and month is kept:
// beside the sandbox's state, or in orgwizard's state directory.
func costsCachePath(s *session, month time.Time) (string, error) {
	dir, err := s.stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, costs.CacheName(s.target.AccountID, month)), nil
}
