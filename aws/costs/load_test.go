package costs_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/aws/costs"
)

// TestLoadKeepsTheAnswerFourHours: the first view asks Cost Explorer and
// keeps the answer; a view within CacheTTL, of the same account, month and
// day, makes no request; an older answer, one of another day or another
// account, or a refresh asks again.
func TestLoadKeepsTheAnswerFourHours(t *testing.T) {
	api := seeded(t, 3)
	path := filepath.Join(t.TempDir(), "costs.json")
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	q := costs.Query{Account: "111122223333", Month: month, Now: now, CachePath: path}
	first, err := costs.Load(context.Background(), api, q)
	if err != nil {
		t.Fatal(err)
	}
	if first.Fetch.FromCache || first.Fetch.Requests != fewest(4, first.Daily.Days()) || first.CacheErr != nil {
		t.Fatalf("the first view: from cache %v, %d requests (want %d), cache error %v", first.Fetch.FromCache, first.Fetch.Requests, fewest(4, first.Daily.Days()), first.CacheErr)
	}
	again, err := costs.Load(context.Background(), api, q)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Fetch.FromCache || again.Fetch.Requests != 0 || len(again.Daily.Accounts) != len(first.Daily.Accounts) {
		t.Fatalf("the second view: from cache %v, %d requests, %d accounts", again.Fetch.FromCache, again.Fetch.Requests, len(again.Daily.Accounts))
	}
	kept := func(edit func(c *costs.Cached)) {
		raw, _ := json.Marshal(first.Cached)
		var c costs.Cached
		_ = json.Unmarshal(raw, &c)
		edit(&c)
		raw, _ = json.Marshal(c)
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		edit    func(c *costs.Cached)
		refresh bool
		want    bool
	}{
		{"3 hours old", func(c *costs.Cached) { c.FetchedAt = now.Add(-3 * time.Hour) }, false, true},
		{"5 hours old", func(c *costs.Cached) { c.FetchedAt = now.Add(-5 * time.Hour) }, false, false},
		{"yesterday's", func(c *costs.Cached) { c.Today = now.AddDate(0, 0, -1).Format(time.DateOnly) }, false, false},
		{"another account's", func(c *costs.Cached) { c.Account = "444455556666" }, false, false},
		{"refreshed", func(*costs.Cached) {}, true, false},
	} {
		kept(tc.edit)
		q := q
		q.Refresh = tc.refresh
		l, err := costs.Load(context.Background(), api, q)
		if err != nil {
			t.Fatal(err)
		}
		if l.Fetch.FromCache != tc.want {
			t.Errorf("%s: from the cache %v, want %v", tc.name, l.Fetch.FromCache, tc.want)
		}
	}
}
