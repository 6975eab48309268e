package costs

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/orgwizard/orgwizard/costview"
	"github.com/orgwizard/orgwizard/internal/atomicfile"
	"github.com/orgwizard/orgwizard/orgmodel"
)

// CacheTTL is how long an answer of Cost Explorer is reused: AWS refreshes
// its cost data a few times a day and charges each request.
const CacheTTL = 4 * time.Hour

// CacheName is the name of the file that keeps the answer for account and
// month, in orgwizard's state directory (or beside the sandbox's state).
func CacheName(account string, month time.Time) string {
	return "costs-" + account + "-" + month.Format("2006-01") + ".json"
}

// Cached is one Cost Explorer answer, kept in a file.
type Cached struct {
	Version   int       `json:"version"`
	Account   string    `json:"account"`
	Month     string    `json:"month"`
	Today     string    `json:"today"`
	FetchedAt time.Time `json:"fetchedAt"`
	Daily     *Daily    `json:"daily"`
	Forecast  *float64  `json:"forecast,omitempty"`
	Requests  int       `json:"requests"`
}

// Query is what one view asks for: the month of the management account
// Account, the answer kept at CachePath ("" keeps none), Refresh to ask
// Cost Explorer even when the kept answer is fresh.
type Query struct {
	Account   string
	Month     time.Time // the first day of the month
	Now       time.Time
	CachePath string
	Refresh   bool
}

// Loaded is the spend of one view and where it came from.
type Loaded struct {
	Cached
	MonthStart time.Time
	Last       time.Time // the last day counted: today, or the month's last day
	Current    bool
	Fetch      costview.Fetch
	// CacheErr is set when the answer could not be kept: the next view
	// asks again, nothing more.
	CacheErr error
}

// Load reads the view's spend from the cache when it is there and fresh,
// else from Cost Explorer in the fewest requests (DailyByAccount, and
// Forecast for the current month), and keeps the answer. Both the costs
// command and the wizard's costs screen load through it.
func Load(ctx context.Context, api API, q Query) (*Loaded, error) {
	now := q.Now.UTC()
	month := q.Month
	today := now.Truncate(24 * time.Hour)
	l := &Loaded{MonthStart: month, Last: today, Fetch: costview.Fetch{PricePerRequest: PricePerRequest}}
	l.Current = month.Equal(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC))
	if !l.Current {
		l.Last = month.AddDate(0, 1, -1)
	}
	if c := readCache(q, today, now); c != nil {
		l.Cached = *c
		l.Fetch.FromCache, l.Fetch.Age = true, now.Sub(c.FetchedAt)
		return l, nil
	}
	client := New(api)
	start := l.Last.AddDate(0, 0, -29)
	if month.Before(start) {
		start = month
	}
	daily, err := client.DailyByAccount(ctx, start, l.Last.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	l.Cached = Cached{Version: 1, Account: q.Account, Month: month.Format("2006-01"), Today: today.Format(time.DateOnly), FetchedAt: now, Daily: daily}
	if l.Current {
		f, ok, err := client.Forecast(ctx, today, month.AddDate(0, 1, 0))
		if err != nil {
			return nil, err
		}
		if ok {
			l.Forecast = &f
		}
	}
	l.Requests = client.Requests()
	l.Fetch.Requests = l.Requests
	if q.CachePath != "" {
		l.CacheErr = writeCache(q.CachePath, &l.Cached)
	}
	return l, nil
}

// Input is the view's input: the spend, the management account apart,
// grouped by tree (nil without a design).
func (l *Loaded) Input(management string, tree *orgmodel.Tree) costview.Input {
	in := costview.Input{Month: l.MonthStart, Start: l.Daily.Start, Today: l.Last, ManagementID: management, Tree: tree,
		Forecast: l.Forecast, Currency: l.Daily.Currency, Current: l.Current}
	for id, d := range l.Daily.Accounts {
		in.Accounts = append(in.Accounts, costview.Account{ID: id, Name: l.Daily.Names[id], Daily: d})
	}
	return in
}

// readCache returns the kept answer when it is for this account and month,
// from today, younger than CacheTTL, and no refresh was asked for.
func readCache(q Query, today, now time.Time) *Cached {
	if q.Refresh || q.CachePath == "" {
		return nil
	}
	data, err := os.ReadFile(q.CachePath)
	if err != nil {
		return nil
	}
	var c Cached
	if json.Unmarshal(data, &c) != nil || c.Version != 1 || c.Daily == nil || c.Account != q.Account ||
		c.Month != q.Month.Format("2006-01") || c.Today != today.Format(time.DateOnly) {
		return nil
	}
	if age := now.Sub(c.FetchedAt); age < 0 || age > CacheTTL {
		return nil
	}
	return &c
}

func writeCache(path string, c *Cached) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600) // it makes the folder too

}
