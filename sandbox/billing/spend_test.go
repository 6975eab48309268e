package billing

import (
	"fmt"
	"testing"
	"time"
)

// TestSpendIsAPureFunction: the same scenario, account and day give the
// same figure, always; another scenario (the seed) gives another.
func TestSpendIsAPureFunction(t *testing.T) {
	a := Account{ID: "111122223333", Name: "payments-prod-eu", OUPath: "Workloads/prod/eu"}
	day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	first := Daily("fresh", a, day)
	for range 3 {
		if got := Daily("fresh", a, day.Add(7*time.Hour)); got != first {
			t.Fatalf("Daily gave %v then %v for the same day", first, got)
		}
	}
	if Daily("existing-org", a, day) == first {
		t.Errorf("another scenario gives the same figure %v", first)
	}
	// Each day has its own noise: a week of days has seven figures.
	seen := map[float64]bool{}
	for d := range 7 {
		seen[Daily("fresh", a, day.AddDate(0, 0, d))] = true
	}
	if len(seen) < 6 {
		t.Errorf("a week of %s costs %d distinct figures; each day has its own noise", a.Name, len(seen))
	}
}

// TestProductionAboveStagingAboveDev holds for any accounts on any day:
// every production account costs more than any staging account, which costs
// more than any dev account; foundation accounts cost less, and a clean
// management account next to nothing, a dirty one a lot.
func TestProductionAboveStagingAboveDev(t *testing.T) {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for d := range 60 {
		on := day.AddDate(0, 0, d)
		lowest := map[string]float64{}
		highest := map[string]float64{}
		for i := range 40 {
			for _, a := range []Account{
				{ID: fmt.Sprint("prod", i), Name: fmt.Sprintf("w%d-prod-eu", i), OUPath: "Workloads/prod/eu"},
				{ID: fmt.Sprint("stg", i), Name: fmt.Sprintf("w%d-staging", i), OUPath: "Workloads/staging"},
				{ID: fmt.Sprint("dev", i), Name: fmt.Sprintf("w%d-dev", i)},
				{ID: fmt.Sprint("log", i), Name: "log-archive", OUPath: "Security"},
			} {
				env := Environment(a)
				v := Daily("fresh", a, on)
				if l, ok := lowest[env]; !ok || v < l {
					lowest[env] = v
				}
				highest[env] = max(highest[env], v)
			}
		}
		if !(lowest[EnvProd] > highest[EnvStaging] && lowest[EnvStaging] > highest[EnvDev] && lowest[EnvDev] > highest[EnvFoundation]) {
			t.Fatalf("%s: prod %v..%v, staging %v..%v, dev %v..%v, foundation %v..%v", on.Format(time.DateOnly),
				lowest[EnvProd], highest[EnvProd], lowest[EnvStaging], highest[EnvStaging], lowest[EnvDev], highest[EnvDev],
				lowest[EnvFoundation], highest[EnvFoundation])
		}
		clean := Daily("fresh", Account{ID: "m", Name: "acme", Management: true}, on)
		dirty := Daily("fresh", Account{ID: "m", Name: "acme-legacy", Management: true, Workloads: true}, on)
		if clean > 0.1 || dirty < 40 {
			t.Fatalf("management account: clean %v a day, dirty %v", clean, dirty)
		}
	}
}

func TestEnvironmentFromOUOrName(t *testing.T) {
	for _, tc := range []struct {
		a    Account
		want string
	}{
		{Account{Name: "payments-prod-us", OUPath: "Workloads/prod/us"}, EnvProd},
		{Account{Name: "odd-name", OUPath: "Workloads/staging"}, EnvStaging},
		{Account{Name: "payments-dev"}, EnvDev},
		{Account{Name: "security-tooling", OUPath: "Security"}, EnvFoundation},
		{Account{Name: "legacy-app", OUPath: "Workloads"}, EnvOther},
	} {
		if got := Environment(tc.a); got != tc.want {
			t.Errorf("Environment(%+v) = %s, want %s", tc.a, got, tc.want)
		}
	}
}

// TestDailyFiguresAreTheREADMEs: over 8 weeks, each kind of account costs
// on average within a quarter of the figure the README's table gives.
func TestDailyFiguresAreTheREADMEs(t *testing.T) {
	start := time.Date(2026, 9, 7, 0, 0, 0, 0, time.UTC) // a Monday
	for _, tc := range []struct {
		a    Account
		want float64
	}{
		{Account{Name: "p-prod", OUPath: "Workloads/prod"}, 40},
		{Account{Name: "p-staging"}, 12 * (5 + 2*0.6) / 7},
		{Account{Name: "p-dev"}, 5 * (5 + 2*0.6) / 7},
		{Account{Name: "log-archive", OUPath: "Security"}, 1.5},
		{Account{Name: "legacy-app"}, 8},
		{Account{Name: "acme", Management: true}, 0.04},
		{Account{Name: "acme-legacy", Workloads: true}, 55},
	} {
		sum, n := 0.0, 0
		for i := range 40 {
			a := tc.a
			a.ID = fmt.Sprint(a.Name, i)
			for d := range 56 {
				sum += Daily("fresh", a, start.AddDate(0, 0, d))
				n++
			}
		}
		if mean := sum / float64(n); mean < tc.want*0.75 || mean > tc.want*1.25 {
			t.Errorf("%s: %.2f a day on average, the README says about %.2f", tc.a.Name, mean, tc.want)
		}
	}
}

// TestRunawayClimbsToItsCap: 40% a day from RunawaySince, at most $300.
func TestRunawayClimbsToItsCap(t *testing.T) {
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a := Account{ID: "1", Name: "payments-dev", RunawaySince: since}
	prev := Daily("fresh", a, since.AddDate(0, 0, -1))
	for d := range 10 {
		v := Daily("fresh", a, since.AddDate(0, 0, d))
		if v <= prev {
			t.Fatalf("day %d: %.2f after %.2f", d, v, prev)
		}
		prev = v
	}
	if v := Daily("fresh", a, since.AddDate(0, 0, 40)); v > 300*1.1 || v < 300*0.9 {
		t.Errorf("after 40 days %.2f a day; the cap is $300", v)
	}
}
