// Package costs reads what each account of an organization costs from AWS
// Cost Explorer, in as few requests as the API allows (it charges per
// request): one DAILY GetCostAndUsage grouped by LINKED_ACCOUNT, every page
// of it, and one GetCostForecast.
package costs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
)

// PricePerRequest is what AWS charges for one Cost Explorer API request, in
// USD (aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing: "Each
// request will incur a cost of $0.01").
const PricePerRequest = 0.01

// API is the part of Cost Explorer orgwizard calls.
type API interface {
	GetCostAndUsage(ctx context.Context, in *costexplorer.GetCostAndUsageInput, optFns ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error)
	GetCostForecast(ctx context.Context, in *costexplorer.GetCostForecastInput, optFns ...func(*costexplorer.Options)) (*costexplorer.GetCostForecastOutput, error)
}

var _ API = (*costexplorer.Client)(nil)

// Client reads spend through Cost Explorer and counts its requests.
type Client struct {
	api      API
	requests int
}

// New returns a Client over api.
func New(api API) *Client { return &Client{api: api} }

// Requests is how many Cost Explorer requests the client has made.
func (c *Client) Requests() int { return c.requests }

// Daily is each account's spend per day over [Start, End).
type Daily struct {
	Start    time.Time            `json:"start"`
	End      time.Time            `json:"end"`
	Currency string               `json:"currency"`
	Accounts map[string][]float64 `json:"accounts"` // account id -> spend per day from Start
	Names    map[string]string    `json:"names"`    // account id -> name, as Cost Explorer knows it
}

// Days is the number of days the spend covers.
func (d *Daily) Days() int { return int(d.End.Sub(d.Start).Hours() / 24) }

// DailyByAccount reads each account's spend per day over [start, end),
// dates in UTC: one GetCostAndUsage, all its pages.
func (c *Client) DailyByAccount(ctx context.Context, start, end time.Time) (*Daily, error) {
	d := &Daily{Start: start, End: end, Currency: "USD", Accounts: map[string][]float64{}, Names: map[string]string{}}
	n := d.Days()
	in := &costexplorer.GetCostAndUsageInput{
		TimePeriod:  &types.DateInterval{Start: aws.String(start.Format(time.DateOnly)), End: aws.String(end.Format(time.DateOnly))},
		Granularity: types.GranularityDaily,
		Metrics:     []string{"UnblendedCost"},
		GroupBy:     []types.GroupDefinition{{Type: types.GroupDefinitionTypeDimension, Key: aws.String("LINKED_ACCOUNT")}},
	}
	for {
		out, err := c.api.GetCostAndUsage(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("reading the spend per account from Cost Explorer: %w", err)
		}
		c.requests++
		for _, v := range out.DimensionValueAttributes {
			if name := v.Attributes["description"]; name != "" {
				d.Names[aws.ToString(v.Value)] = name
			}
		}
		for _, r := range out.ResultsByTime {
			day, err := time.Parse(time.DateOnly, aws.ToString(r.TimePeriod.Start))
			if err != nil {
				return nil, fmt.Errorf("cost explorer answered a period starting %q: %w", aws.ToString(r.TimePeriod.Start), err)
			}
			i := int(day.Sub(start).Hours() / 24)
			if i < 0 || i >= n {
				continue
			}
			for _, g := range r.Groups {
				if len(g.Keys) == 0 {
					continue
				}
				m := g.Metrics["UnblendedCost"]
				v, err := strconv.ParseFloat(aws.ToString(m.Amount), 64)
				if err != nil {
					return nil, fmt.Errorf("cost explorer answered the amount %q: %w", aws.ToString(m.Amount), err)
				}
				if u := aws.ToString(m.Unit); u != "" {
					d.Currency = u
				}
				id := g.Keys[0]
				if d.Accounts[id] == nil {
					d.Accounts[id] = make([]float64, n)
				}
				// A period whose groups go on over the next page comes again.
				d.Accounts[id][i] += v
			}
		}
		if aws.ToString(out.NextPageToken) == "" {
			return d, nil
		}
		in.NextPageToken = out.NextPageToken
	}
}

// Forecast is AWS's forecast of the spend over [start, end), start today.
// ok is false when Cost Explorer has no forecast to give (a new
// organization: it answers DataUnavailableException until it has enough
// history); that request is counted too.
func (c *Client) Forecast(ctx context.Context, start, end time.Time) (v float64, ok bool, err error) {
	out, err := c.api.GetCostForecast(ctx, &costexplorer.GetCostForecastInput{
		TimePeriod:  &types.DateInterval{Start: aws.String(start.Format(time.DateOnly)), End: aws.String(end.Format(time.DateOnly))},
		Granularity: types.GranularityMonthly,
		Metric:      types.MetricUnblendedCost,
	})
	var unavailable *types.DataUnavailableException
	switch {
	case errors.As(err, &unavailable):
		c.requests++
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("reading the forecast from Cost Explorer: %w", err)
	}
	c.requests++
	if out.Total == nil {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(aws.ToString(out.Total.Amount), 64)
	if err != nil {
		return 0, false, fmt.Errorf("cost explorer answered the forecast %q: %w", aws.ToString(out.Total.Amount), err)
	}
	return v, true, nil
}

// AccountSpend is one account's spend over [start, end), dates in UTC: one
// MONTHLY GetCostAndUsage filtered to the account (a period within one
// month is one result).
func (c *Client) AccountSpend(ctx context.Context, accountID string, start, end time.Time) (float64, string, error) {
	out, err := c.api.GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{
		TimePeriod:  &types.DateInterval{Start: aws.String(start.Format(time.DateOnly)), End: aws.String(end.Format(time.DateOnly))},
		Granularity: types.GranularityMonthly,
		Metrics:     []string{"UnblendedCost"},
		Filter:      &types.Expression{Dimensions: &types.DimensionValues{Key: types.DimensionLinkedAccount, Values: []string{accountID}}},
	})
	if err != nil {
		return 0, "", fmt.Errorf("reading the spend of account %s from Cost Explorer: %w", accountID, err)
	}
	c.requests++
	total, currency := 0.0, "USD"
	for _, r := range out.ResultsByTime {
		m, ok := r.Total["UnblendedCost"]
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(aws.ToString(m.Amount), 64)
		if err != nil {
			return 0, "", fmt.Errorf("cost explorer answered the amount %q: %w", aws.ToString(m.Amount), err)
		}
		total += v
		if u := aws.ToString(m.Unit); u != "" {
			currency = u
		}
	}
	return total, currency, nil
}
