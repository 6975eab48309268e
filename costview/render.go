package costview

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Fetch says where the view's numbers came from: how many Cost Explorer
// requests it made, or the cache and how old the answer in it is.
type Fetch struct {
	Requests        int           `json:"requests"`
	PricePerRequest float64       `json:"pricePerRequest"`
	FromCache       bool          `json:"fromCache"`
	Age             time.Duration `json:"-"`
}

// Document is the JSON output: the view, the target and the fetch.
type Document struct {
	Version int    `json:"version"`
	Target  string `json:"target"`
	View
	Requests    int     `json:"requests"`
	RequestCost float64 `json:"requestCost"`
	FromCache   bool    `json:"fromCache"`
	CacheAgeSec int64   `json:"cacheAgeSeconds,omitempty"`
}

// JSON writes the view as versioned JSON.
func JSON(w io.Writer, target string, v View, f Fetch) error {
	doc := Document{Version: 1, Target: target, View: v, Requests: f.Requests,
		RequestCost: cents(float64(f.Requests) * f.PricePerRequest), FromCache: f.FromCache}
	if f.FromCache {
		doc.CacheAgeSec = int64(f.Age.Seconds())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// CSV writes one row per group, and the management account's as a row of
// its own, with the same figures as the text and the JSON.
func CSV(w io.Writer, v View) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"by", "group", "month", "month_to_date", "currency", "accounts"})
	for _, g := range v.Groups {
		cw.Write([]string{v.By, g.Name, v.Month, strconv.FormatFloat(g.MonthToDate, 'f', 2, 64), v.Currency, strings.Join(g.Accounts, " ")})
	}
	if m := v.Management; m != nil {
		name := m.Name
		if name == "" {
			name = m.ID
		}
		cw.Write([]string{"management", name, v.Month, strconv.FormatFloat(m.MonthToDate, 'f', 2, 64), v.Currency, m.ID})
	}
	cw.Flush()
	return cw.Error()
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws values as one character each, from ▁ for the least to █
// for the most; values all alike draw ▄ (nothing at all draws ▁).
func Sparkline(values []float64) string {
	if len(values) == 0 {
		return ""
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	var b strings.Builder
	for _, v := range values {
		i := 0
		switch {
		case hi == lo && hi > 0:
			i = 3
		case hi > lo:
			i = min(int((v-lo)/(hi-lo)*float64(len(sparks)-1)+0.5), len(sparks)-1)
		}
		b.WriteRune(sparks[i])
	}
	return b.String()
}

var eighths = []rune(" ▏▎▍▌▋▊▉")

// Bar draws v of most in width cells, to an eighth of a cell.
func Bar(v, most float64, width int) string {
	if most <= 0 || v <= 0 {
		return strings.Repeat(" ", width)
	}
	n := int(math.Round(v / most * float64(width*8)))
	n = max(n, 1)
	var b strings.Builder
	b.WriteString(strings.Repeat("█", n/8))
	cells := n / 8
	if n%8 > 0 {
		b.WriteRune(eighths[n%8])
		cells++
	}
	b.WriteString(strings.Repeat(" ", max(width-cells, 0)))
	return b.String()
}

// barWidth is the bars' width in cells.
const barWidth = 24

// Text writes the view for a terminal: one bar per group, the month to
// date, the 30-day sparkline, then the management account apart, the total
// and AWS's forecast, and what the view cost in requests.
func Text(w io.Writer, target string, v View, f Fetch) error {
	var b strings.Builder
	month, _ := time.Parse("2006-01", v.Month)
	through, _ := time.Parse(time.DateOnly, v.Through)
	fmt.Fprintf(&b, "Cost per %s · %s, %s to %s\n%s\n\n", v.By, month.Format("January 2006"), month.Format("2 Jan"), through.Format("2 Jan"), target)
	nameW := len("Group")
	amounts := make([]string, len(v.Groups))
	amountW := 0
	most := 0.0
	for i, g := range v.Groups {
		nameW = max(nameW, utf8.RuneCountInString(g.Name))
		amounts[i] = Money(g.MonthToDate, v.Currency)
		amountW = max(amountW, len(amounts[i]))
		most = math.Max(most, g.MonthToDate)
	}
	amountW = max(amountW, len("Month to date"))
	if len(v.Groups) == 0 {
		b.WriteString("  No member account has spent anything this month.\n")
	} else {
		fmt.Fprintf(&b, "  %-*s  %-*s  %*s  last 30 days\n", nameW, strings.ToUpper(v.By[:1])+v.By[1:], barWidth, "", amountW, "Month to date")
	}
	for i, g := range v.Groups {
		fmt.Fprintf(&b, "  %-*s  %s  %*s  %s\n", nameW, g.Name, Bar(g.MonthToDate, most, barWidth), amountW, amounts[i], Sparkline(g.Last30))
	}
	if m := v.Management; m != nil {
		name := m.Name
		if name == "" {
			name = "management account"
		}
		fmt.Fprintf(&b, "\n  Management account %s (%s): %s month to date  %s\n", name, m.ID, Money(m.MonthToDate, v.Currency), Sparkline(m.Last30))
		if m.Clean {
			fmt.Fprintf(&b, "    Clean: under %s. A management account that runs nothing but the organization costs next to nothing.\n",
				Money(CleanManagementThreshold, v.Currency))
		} else {
			fmt.Fprintf(&b, "    Not clean: %s or more. Workloads run in the management account, outside every guardrail;\n    move them to member accounts (orgwizard migrate runbook).\n",
				Money(CleanManagementThreshold, v.Currency))
		}
	}
	fmt.Fprintf(&b, "\nMonth to date: %s", Money(v.MonthToDate, v.Currency))
	switch {
	case v.Forecast != nil:
		fmt.Fprintf(&b, " · AWS's forecast for %s: %s", month.Format("January"), Money(*v.Forecast, v.Currency))
	case v.NoForecast != "":
		fmt.Fprintf(&b, " · %s", v.NoForecast)
	}
	b.WriteString("\n")
	switch {
	case f.FromCache:
		fmt.Fprintf(&b, "0 Cost Explorer requests: from the cache, fetched %s ago (--refresh asks AWS again).\n", age(f.Age))
	case f.Requests == 1:
		fmt.Fprintf(&b, "1 Cost Explorer request, %s at %s each.\n", Money(f.PricePerRequest, "USD"), Money(f.PricePerRequest, "USD"))
	default:
		fmt.Fprintf(&b, "%d Cost Explorer requests, %s at %s each.\n", f.Requests, Money(float64(f.Requests)*f.PricePerRequest, "USD"), Money(f.PricePerRequest, "USD"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		n := int(d.Minutes())
		if n == 1 {
			return "1 minute"
		}
		return fmt.Sprintf("%d minutes", n)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
