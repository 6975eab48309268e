// Package costview is the cost view: each account's spend per day, grouped
// by the design's workloads, environments or residencies (or by account),
// month to date beside a sparkline of the last 30 days, the management
// account shown apart. Pure: the spend comes in, text, JSON and CSV come
// out, so all three carry the same numbers.
package costview

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

// The dimensions a view groups by.
const (
	ByWorkload    = "workload"
	ByEnvironment = "environment"
	ByResidency   = "residency"
	ByAccount     = "account"
)

// Dimensions lists what --by takes.
var Dimensions = []string{ByWorkload, ByEnvironment, ByResidency, ByAccount}

// Group names for accounts without a value of their own.
const (
	Other       = "other"      // an account the design does not know
	Foundation  = "foundation" // a foundation account: no workload, no environment
	NoResidency = "none"       // a workload account whose environment is not per residency
)

// CleanManagementThreshold is the month-to-date spend, in the bill's
// currency, under which the management account is called clean: an account
// that runs nothing but the organization costs cents.
const CleanManagementThreshold = 10.0

// Account is one account's spend per day from Input.Start.
type Account struct {
	ID    string
	Name  string
	Daily []float64
}

// Input is what the view is computed from.
type Input struct {
	Month        time.Time // the first day of the month shown
	Start        time.Time // the first day of Accounts[i].Daily
	Today        time.Time // the last day the view counts: today, or the month's last day
	Accounts     []Account
	ManagementID string
	Tree         *orgmodel.Tree // the design's accounts; nil without a design
	// Forecast is AWS's forecast from Today to the month's end; nil for a
	// month that is over, or when AWS has none yet.
	Forecast *float64
	// Current says the month is the current one, whose forecast a view
	// shows (or says AWS has none yet).
	Current  bool
	Currency string
}

// Group is one row of the view.
type Group struct {
	Name        string    `json:"name"`
	MonthToDate float64   `json:"monthToDate"`
	Last30      []float64 `json:"last30Days"`
	Accounts    []string  `json:"accounts"`
}

// Management is the management account's own spend.
type Management struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	MonthToDate float64   `json:"monthToDate"`
	Last30      []float64 `json:"last30Days"`
	Clean       bool      `json:"clean"`
}

// View is the computed view. Amounts are rounded to the cent, so the text,
// the JSON and the CSV show the same figures.
type View struct {
	Month       string   `json:"month"`
	By          string   `json:"by"`
	Currency    string   `json:"currency"`
	From        string   `json:"from"`
	Through     string   `json:"through"`
	MonthToDate float64  `json:"monthToDate"`
	Forecast    *float64 `json:"forecast,omitempty"`
	// NoForecast says why a current month has no forecast.
	NoForecast string      `json:"noForecast,omitempty"`
	Groups     []Group     `json:"groups"`
	Management *Management `json:"management,omitempty"`
	Last30From string      `json:"last30DaysFrom"`
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

// Compute groups the spend by the dimension by.
func Compute(in Input, by string) View {
	day := func(t time.Time) int { return int(t.Sub(in.Start).Hours() / 24) }
	monthEnd := in.Month.AddDate(0, 1, -1)
	through := in.Today
	if through.After(monthEnd) {
		through = monthEnd
	}
	mtdFrom, mtdTo := day(in.Month), day(through)
	lastFrom, lastTo := day(in.Today)-29, day(in.Today)
	sum := func(d []float64, from, to int) float64 {
		s := 0.0
		for i := max(from, 0); i <= to && i < len(d); i++ {
			s += d[i]
		}
		return s
	}
	window := func(d []float64) []float64 {
		out := make([]float64, 30)
		for i := range out {
			if j := lastFrom + i; j >= 0 && j < len(d) && j <= lastTo {
				out[i] = d[j]
			}
		}
		return out
	}
	byID := map[string]*orgmodel.Account{}
	byName := map[string]*orgmodel.Account{}
	if in.Tree != nil {
		for i := range in.Tree.Accounts {
			a := &in.Tree.Accounts[i]
			if a.ID != "" {
				byID[a.ID] = a
			}
			byName[a.Name] = a
		}
	}
	v := View{Month: in.Month.Format("2006-01"), By: by, Currency: in.Currency, From: in.Month.Format(time.DateOnly),
		Through: through.Format(time.DateOnly), Groups: []Group{}, Last30From: in.Today.AddDate(0, 0, -29).Format(time.DateOnly)}
	groups := map[string]*Group{}
	total, beforeToday := 0.0, 0.0
	for _, a := range in.Accounts {
		mtd := sum(a.Daily, mtdFrom, mtdTo)
		total += mtd
		beforeToday += sum(a.Daily, mtdFrom, min(mtdTo, day(in.Today)-1))
		if a.ID == in.ManagementID {
			v.Management = &Management{ID: a.ID, Name: a.Name, MonthToDate: cents(mtd), Last30: window(a.Daily)}
			continue
		}
		name := groupOf(by, a, byID, byName)
		g := groups[name]
		if g == nil {
			g = &Group{Name: name, Last30: make([]float64, 30)}
			groups[name] = g
		}
		g.MonthToDate += mtd
		for i, x := range window(a.Daily) {
			g.Last30[i] += x
		}
		label := a.Name
		if label == "" {
			label = a.ID
		}
		g.Accounts = append(g.Accounts, label)
	}
	if v.Management == nil && in.ManagementID != "" {
		v.Management = &Management{ID: in.ManagementID, Last30: make([]float64, 30)}
	}
	if v.Management != nil {
		v.Management.Clean = v.Management.MonthToDate < CleanManagementThreshold
		for i := range v.Management.Last30 {
			v.Management.Last30[i] = cents(v.Management.Last30[i])
		}
	}
	for _, g := range groups {
		g.MonthToDate = cents(g.MonthToDate)
		for i := range g.Last30 {
			g.Last30[i] = cents(g.Last30[i])
		}
		slices.Sort(g.Accounts)
		v.Groups = append(v.Groups, *g)
	}
	slices.SortFunc(v.Groups, func(a, b Group) int {
		if a.MonthToDate != b.MonthToDate {
			if a.MonthToDate > b.MonthToDate {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	v.MonthToDate = cents(total)
	switch {
	case in.Forecast != nil:
		f := cents(beforeToday + *in.Forecast)
		v.Forecast = &f
	case in.Current:
		v.NoForecast = "AWS has no forecast yet: Cost Explorer forecasts once it has enough history"
	}
	return v
}

// groupOf is the group an account falls in: the design's value for it,
// Foundation for a foundation account, Other for an account the design
// does not know.
func groupOf(by string, a Account, byID, byName map[string]*orgmodel.Account) string {
	if by == ByAccount {
		if a.Name != "" {
			return a.Name
		}
		return a.ID
	}
	d := byID[a.ID]
	if d == nil {
		d = byName[a.Name]
	}
	if d == nil {
		return Other
	}
	var value string
	switch by {
	case ByWorkload:
		value = d.Workload
	case ByEnvironment:
		value = d.Environment
	case ByResidency:
		value = d.Residency
	}
	switch {
	case value != "":
		return value
	case d.Kind == orgmodel.FoundationAccount:
		return Foundation
	case by == ByResidency && d.Kind == orgmodel.WorkloadAccount:
		return NoResidency
	}
	return Other
}

// Money formats an amount as the view shows it: "$1,234.56" for USD.
func Money(v float64, currency string) string {
	s := fmt.Sprintf("%.2f", math.Abs(v))
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	sign := ""
	if v < 0 {
		sign = "-"
	}
	if currency == "USD" || currency == "" {
		return sign + "$" + b.String() + "." + frac
	}
	return sign + b.String() + "." + frac + " " + currency
}
