package costs_test

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/aws/smithy-go"

	"github.com/orgwizard/orgwizard/aws/costs"
	"github.com/orgwizard/orgwizard/sandbox"
	"github.com/orgwizard/orgwizard/sandbox/billing"
)

// seeded is a sandbox whose management account manages n member accounts,
// and a Cost Explorer client acting as that account.
func seeded(t testing.TB, n int) *costexplorer.Client {
	t.Helper()
	state := filepath.Join(t.TempDir(), "sandbox.json")
	if err := sandbox.SeedOrganization(state, n, 10); err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.Open(sandbox.Config{StatePath: state, RatePerSecond: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
	})
	me := sb.Accounts()[0]
	return costexplorer.NewFromConfig(aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(me.AccessKeyID, me.SecretAccessKey, "")},
		func(o *costexplorer.Options) { o.BaseEndpoint = aws.String(srv.URL) })
}

// fewest is the fewest Cost Explorer requests a view of accounts over days
// can make: every page of one daily request grouped by linked account, and
// one forecast.
func fewest(accounts, days int) int {
	return (accounts*days+billing.PageSize-1)/billing.PageSize + 1
}

// TestDailyByAccountReadsEveryPage: 400 accounts over 30 days are three
// pages, a day cut across two of them; the days add up to what one
// ungrouped MONTHLY request answers, and the view made the fewest requests.
func TestDailyByAccountReadsEveryPage(t *testing.T) {
	api := seeded(t, 399)
	c := costs.New(api)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	start, end := today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	ctx := context.Background()
	d, err := c.DailyByAccount(ctx, start, end)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Forecast(ctx, today, today.AddDate(0, 0, 3)); err != nil || !ok {
		t.Fatal(err)
	}
	if len(d.Accounts) != 400 || len(d.Names) != 400 {
		t.Fatalf("%d accounts, %d names", len(d.Accounts), len(d.Names))
	}
	if got, want := c.Requests(), fewest(400, 30); got != want {
		t.Errorf("%d Cost Explorer requests; the fewest are %d", got, want)
	}
	sum := 0.0
	for _, days := range d.Accounts {
		if len(days) != 30 {
			t.Fatalf("%d days", len(days))
		}
		for _, v := range days {
			sum += v
		}
	}
	out, err := api.GetCostAndUsage(ctx, &costexplorer.GetCostAndUsageInput{Granularity: types.GranularityMonthly, Metrics: []string{"UnblendedCost"},
		TimePeriod: &types.DateInterval{Start: aws.String(start.Format(time.DateOnly)), End: aws.String(end.Format(time.DateOnly))}})
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, r := range out.ResultsByTime {
		v := 0.0
		if _, err := fmt.Sscan(aws.ToString(r.Total["UnblendedCost"].Amount), &v); err != nil {
			t.Fatal(err)
		}
		total += v
	}
	if math.Abs(total-sum) > 0.01 {
		t.Errorf("the pages add up to %.2f, the monthly total is %.2f", sum, total)
	}
}

// BenchmarkViewRequests reads the view of 2,000 accounts over 30 days from
// the sandbox and reports its Cost Explorer requests beside the fewest the
// API allows (13 pages of billing.PageSize entries and a forecast).
func BenchmarkViewRequests(b *testing.B) {
	api := seeded(b, 1999)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	requests := 0
	for b.Loop() {
		c := costs.New(api)
		if _, err := c.DailyByAccount(context.Background(), today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.Forecast(context.Background(), today, today.AddDate(0, 0, 3)); err != nil {
			b.Fatal(err)
		}
		requests = c.Requests()
	}
	if requests != fewest(2000, 30) {
		b.Fatalf("%d requests; the fewest are %d", requests, fewest(2000, 30))
	}
	b.ReportMetric(float64(requests), "requests/view")
	b.ReportMetric(float64(fewest(2000, 30)), "fewest/view")
}

// fakeForecast answers GetCostForecast with err.
type fakeForecast struct {
	costs.API
	err error
}

func (f fakeForecast) GetCostForecast(context.Context, *costexplorer.GetCostForecastInput, ...func(*costexplorer.Options)) (*costexplorer.GetCostForecastOutput, error) {
	return nil, f.err
}

// TestForecastOfANewOrganization: Cost Explorer answers
// DataUnavailableException until it has history enough to forecast; that is
// no forecast, not a failure, and the request counts. Other errors fail.
func TestForecastOfANewOrganization(t *testing.T) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	c := costs.New(fakeForecast{err: &smithy.OperationError{ServiceID: "Cost Explorer", OperationName: "GetCostForecast",
		Err: &types.DataUnavailableException{Message: aws.String("Insufficient amount of historical data to generate forecast.")}}})
	if _, ok, err := c.Forecast(context.Background(), today, today.AddDate(0, 0, 3)); err != nil || ok || c.Requests() != 1 {
		t.Errorf("DataUnavailableException: ok %v, err %v, %d requests; want no forecast, no error, 1 request", ok, err, c.Requests())
	}
	c = costs.New(fakeForecast{err: &types.LimitExceededException{Message: aws.String("slow down")}})
	if _, _, err := c.Forecast(context.Background(), today, today.AddDate(0, 0, 3)); err == nil {
		t.Error("LimitExceededException: no error")
	}
}

// TestAccountSpendIsTheAccountsDays: one account's spend over a period, in
// one request, is the sum of its days as the grouped daily request gives them.
func TestAccountSpendIsTheAccountsDays(t *testing.T) {
	api := seeded(t, 5)
	c := costs.New(api)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	start := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	end := today.AddDate(0, 0, 1)
	daily, err := c.DailyByAccount(context.Background(), start, end)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for id, days := range daily.Accounts {
		want := 0.0
		for _, v := range days {
			want += v
		}
		before := c.Requests()
		got, currency, err := c.AccountSpend(context.Background(), id, start, end)
		if err != nil {
			t.Fatal(err)
		}
		if c.Requests() != before+1 {
			t.Errorf("AccountSpend made %d requests, want 1", c.Requests()-before)
		}
		if math.Abs(got-want) > 0.01*float64(len(days)) || currency != "USD" || want == 0 {
			t.Errorf("account %s spent %v %s, its days add up to %v", id, got, currency, want)
		}
		checked++
	}
	if checked != 6 {
		t.Errorf("checked %d accounts, want 6 (5 members and the management account)", checked)
	}
}
