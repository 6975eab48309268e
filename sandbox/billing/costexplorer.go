package billing

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orgwizard/orgwizard/sandbox/core"
)

// PageSize is how many (period, group) entries one GetCostAndUsage page
// holds. AWS does not publish its page size; it pages grouped answers over
// many days the same way, repeating a period whose groups go on over the
// next page.
const PageSize = 5000

// historyMonths is how far back Cost Explorer answers: the last 13 months
// and the current one (AWS's default retention without multi-year data).
const historyMonths = 13

// costMetrics are the cost metrics GetCostAndUsage takes; the sandbox's
// spend has no discounts, credits or reservations, so all are the same.
var costMetrics = []string{"AmortizedCost", "BlendedCost", "NetAmortizedCost", "NetUnblendedCost", "UnblendedCost"}

type dateInterval struct {
	Start string `json:"Start"`
	End   string `json:"End"`
}

type metricValue struct {
	Amount string `json:"Amount"`
	Unit   string `json:"Unit"`
}

type groupDefinition struct {
	Type string `json:"Type,omitempty"`
	Key  string `json:"Key,omitempty"`
}

type group struct {
	Keys    []string               `json:"Keys"`
	Metrics map[string]metricValue `json:"Metrics"`
}

type resultByTime struct {
	TimePeriod dateInterval           `json:"TimePeriod"`
	Total      map[string]metricValue `json:"Total"`
	Groups     []group                `json:"Groups"`
	Estimated  bool                   `json:"Estimated"`
}

type dimensionValuesWithAttributes struct {
	Value      string            `json:"Value"`
	Attributes map[string]string `json:"Attributes"`
}

func amount(v float64) metricValue {
	return metricValue{Amount: strconv.FormatFloat(math.Round(v*1e10)/1e10, 'f', -1, 64), Unit: "USD"}
}

func parseDate(field, s string) (time.Time, *Error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, validation("%s %q is not a date of the form YYYY-MM-DD", field, s)
	}
	return t, nil
}

// period is one answered time period, its end excluded.
type period struct {
	start, end time.Time
}

// checkPeriod validates a TimePeriod as Cost Explorer does for past data.
func checkPeriod(tp *dateInterval, now time.Time) (time.Time, time.Time, *Error) {
	if tp == nil || tp.Start == "" || tp.End == "" {
		return time.Time{}, time.Time{}, validation("TimePeriod with Start and End is required")
	}
	start, err := parseDate("TimePeriod.Start", tp.Start)
	if err != nil {
		return start, start, err
	}
	end, err := parseDate("TimePeriod.End", tp.End)
	if err != nil {
		return start, end, err
	}
	if !start.Before(end) {
		return start, end, validation("Start date (and hour) should be before end date (and hour)")
	}
	today := now.Truncate(24 * time.Hour)
	if start.After(today) {
		return start, end, errf("DataUnavailableException", "Data is not available. Please try to adjust the time period. If requesting future costs, use GetCostForecast.")
	}
	earliest := time.Date(now.Year(), now.Month()-historyMonths, 1, 0, 0, 0, 0, time.UTC)
	if start.Before(earliest) {
		return start, end, validation("start date is too early. You can view data from %s onwards, the last %d months and the current one", earliest.Format(time.DateOnly), historyMonths)
	}
	return start, end, nil
}

type getCostAndUsageInput struct {
	TimePeriod    *dateInterval     `json:"TimePeriod"`
	Granularity   string            `json:"Granularity"`
	Metrics       []string          `json:"Metrics"`
	Filter        *Expression       `json:"Filter"`
	GroupBy       []groupDefinition `json:"GroupBy"`
	NextPageToken string            `json:"NextPageToken"`
}

func getCostAndUsage(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in getCostAndUsageInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	start, end, err := checkPeriod(in.TimePeriod, now)
	if err != nil {
		return nil, false, err
	}
	switch in.Granularity {
	case "DAILY", "MONTHLY":
	case "HOURLY":
		return nil, false, validation("Hourly granularity is only available once hourly data is enabled in Cost Explorer's preferences")
	case "":
		return nil, false, validation("Granularity is required: DAILY, MONTHLY or HOURLY")
	default:
		return nil, false, validation("Granularity %q is not one of DAILY, MONTHLY, HOURLY", in.Granularity)
	}
	if len(in.Metrics) == 0 {
		return nil, false, validation("Metrics is required: at least one of %s", strings.Join(costMetrics, ", "))
	}
	for _, m := range in.Metrics {
		if !slices.Contains(costMetrics, m) {
			return nil, false, validation("Metric %q is not one the sandbox serves: %s", m, strings.Join(costMetrics, ", "))
		}
	}
	if len(in.GroupBy) > 2 {
		return nil, false, validation("GroupBy takes at most two group definitions")
	}
	for _, g := range in.GroupBy {
		switch {
		case g.Type == "DIMENSION" && g.Key == "LINKED_ACCOUNT":
		case g.Type == "DIMENSION":
			return nil, false, validation("the sandbox's spend groups by the dimension LINKED_ACCOUNT only, not %q", g.Key)
		case g.Type == "COST_CATEGORY":
			if st.categoryByName(g.Key) == nil {
				return nil, false, validation("Cost category %q does not exist", g.Key)
			}
		case g.Type == "TAG":
		default:
			return nil, false, validation("GroupBy Type %q is not one of DIMENSION, TAG, COST_CATEGORY", g.Type)
		}
	}
	if in.Filter != nil {
		if err := in.Filter.check("Filter"); err != nil {
			return nil, false, err
		}
	}
	offset := 0
	if in.NextPageToken != "" {
		n, err := core.DecodePageToken("offset", in.NextPageToken, math.MaxInt)
		if err != nil || n == 0 {
			return nil, false, validation("Invalid NextPageToken")
		}
		offset = n
	}

	categories := st.categorizer(p)
	var accounts []Account
	var envs []string
	for _, a := range p.Accounts {
		if in.Filter == nil || in.Filter.match(a, func(name string) string { return categories(name, a) }) {
			accounts = append(accounts, a)
			envs = append(envs, Environment(a))
		}
	}
	tomorrow := now.Truncate(24*time.Hour).AddDate(0, 0, 1)
	if end.After(tomorrow) {
		end = tomorrow
	}
	var periods []period
	for s := start; s.Before(end); {
		e := s.AddDate(0, 0, 1)
		if in.Granularity == "MONTHLY" {
			e = time.Date(s.Year(), s.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
		if e.After(end) {
			e = end
		}
		periods = append(periods, period{s, e})
		s = e
	}

	out := struct {
		ResultsByTime            []resultByTime                  `json:"ResultsByTime"`
		GroupDefinitions         []groupDefinition               `json:"GroupDefinitions,omitempty"`
		DimensionValueAttributes []dimensionValuesWithAttributes `json:"DimensionValueAttributes"`
		NextPageToken            string                          `json:"NextPageToken,omitempty"`
	}{GroupDefinitions: in.GroupBy, DimensionValueAttributes: []dimensionValuesWithAttributes{}}
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	metrics := func(v float64) map[string]metricValue {
		m := map[string]metricValue{}
		for _, name := range in.Metrics {
			m[name] = amount(v)
		}
		return m
	}
	// Every (period, group) is an entry, a period without groups one empty
	// entry; a page is the next PageSize entries.
	type entry struct {
		per    int
		keys   []string // nil for an ungrouped period or a period without groups
		amount float64
	}
	var entries []entry
	for i, per := range periods {
		if len(in.GroupBy) == 0 {
			total := 0.0
			for j, a := range accounts {
				total += spendIn(p.Scenario, a, envs[j], per)
			}
			entries = append(entries, entry{per: i, amount: total})
			continue
		}
		first := len(entries)
		at := map[string]int{}
		for j, a := range accounts {
			v := spendIn(p.Scenario, a, envs[j], per)
			if v == 0 {
				continue
			}
			id, k := groupKeys(in.GroupBy, a, categories)
			if n, ok := at[id]; ok {
				entries[n].amount += v
				continue
			}
			at[id] = len(entries)
			entries = append(entries, entry{per: i, keys: k, amount: v})
		}
		if len(entries) == first {
			entries = append(entries, entry{per: i})
			continue
		}
		group := entries[first:]
		slices.SortFunc(group, func(x, y entry) int { return slices.Compare(x.keys, y.keys) })
	}
	if offset > len(entries) {
		return nil, false, validation("Invalid NextPageToken")
	}
	page := entries[offset:min(offset+PageSize, len(entries))]
	if offset+len(page) < len(entries) {
		out.NextPageToken = core.EncodePageToken("offset", offset+len(page))
	}
	seen := map[string]bool{}
	for i, e := range page {
		if i == 0 || page[i-1].per != e.per {
			per := periods[e.per]
			r := resultByTime{TimePeriod: dateInterval{per.start.Format(time.DateOnly), per.end.Format(time.DateOnly)},
				Total: map[string]metricValue{}, Groups: []group{}, Estimated: per.end.After(month)}
			if len(in.GroupBy) == 0 {
				r.Total = metrics(e.amount)
			}
			out.ResultsByTime = append(out.ResultsByTime, r)
		}
		if e.keys != nil {
			r := &out.ResultsByTime[len(out.ResultsByTime)-1]
			r.Groups = append(r.Groups, group{Keys: e.keys, Metrics: metrics(e.amount)})
			for j, def := range in.GroupBy {
				if def.Type == "DIMENSION" {
					seen[e.keys[j]] = true
				}
			}
		}
	}
	for _, a := range p.Accounts {
		if seen[a.ID] {
			out.DimensionValueAttributes = append(out.DimensionValueAttributes,
				dimensionValuesWithAttributes{Value: a.ID, Attributes: map[string]string{"description": a.Name}})
		}
	}
	return out, false, nil
}

// groupKeys are an account's group keys: its id for LINKED_ACCOUNT,
// "name$value" for a cost category or a tag (the spend carries no tags).
func groupKeys(defs []groupDefinition, a Account, categories func(string, Account) string) (string, []string) {
	k := make([]string, 0, len(defs))
	for _, g := range defs {
		switch g.Type {
		case "DIMENSION":
			k = append(k, a.ID)
		case "COST_CATEGORY":
			k = append(k, g.Key+"$"+categories(g.Key, a))
		default:
			k = append(k, g.Key+"$")
		}
	}
	return strings.Join(k, "\x00"), k
}

// spendIn is an account's spend over a period.
func spendIn(seed string, a Account, env string, per period) float64 {
	total := 0.0
	for d := per.start; d.Before(per.end); d = d.AddDate(0, 0, 1) {
		total += daily(seed, a, env, d)
	}
	return total
}

type getCostForecastInput struct {
	TimePeriod              *dateInterval `json:"TimePeriod"`
	Metric                  string        `json:"Metric"`
	Granularity             string        `json:"Granularity"`
	Filter                  *Expression   `json:"Filter"`
	PredictionIntervalLevel *int          `json:"PredictionIntervalLevel"`
}

var forecastMetrics = []string{"AMORTIZED_COST", "BLENDED_COST", "NET_AMORTIZED_COST", "NET_UNBLENDED_COST", "UNBLENDED_COST"}

func getCostForecast(p *Payer, st *State, body []byte, now time.Time) (any, bool, *Error) {
	var in getCostForecastInput
	if err := decode(body, &in); err != nil {
		return nil, false, err
	}
	if in.TimePeriod == nil || in.TimePeriod.Start == "" || in.TimePeriod.End == "" {
		return nil, false, validation("TimePeriod with Start and End is required")
	}
	start, err := parseDate("TimePeriod.Start", in.TimePeriod.Start)
	if err != nil {
		return nil, false, err
	}
	end, err := parseDate("TimePeriod.End", in.TimePeriod.End)
	if err != nil {
		return nil, false, err
	}
	today := now.Truncate(24 * time.Hour)
	switch {
	case !start.Before(end):
		return nil, false, validation("Start date (and hour) should be before end date (and hour)")
	case start.Before(today):
		return nil, false, validation("Start date must be equal or greater than current date %s", today.Format(time.DateOnly))
	}
	switch in.Granularity {
	case "DAILY":
		if end.After(today.AddDate(0, 3, 0)) {
			return nil, false, validation("A DAILY forecast reaches at most 3 months ahead, to %s", today.AddDate(0, 3, 0).Format(time.DateOnly))
		}
	case "MONTHLY":
		if end.After(today.AddDate(0, 12, 0)) {
			return nil, false, validation("A MONTHLY forecast reaches at most 12 months ahead, to %s", today.AddDate(0, 12, 0).Format(time.DateOnly))
		}
	case "":
		return nil, false, validation("Granularity is required: DAILY or MONTHLY")
	default:
		return nil, false, validation("Granularity %q is not one of DAILY, MONTHLY", in.Granularity)
	}
	if !slices.Contains(forecastMetrics, in.Metric) {
		return nil, false, validation("Metric %q is not one of %s", in.Metric, strings.Join(forecastMetrics, ", "))
	}
	level := 80
	if in.PredictionIntervalLevel != nil {
		level = *in.PredictionIntervalLevel
		if level < 51 || level > 99 {
			return nil, false, validation("PredictionIntervalLevel must be between 51 and 99")
		}
	}
	if in.Filter != nil {
		if err := in.Filter.check("Filter"); err != nil {
			return nil, false, err
		}
	}
	categories := st.categorizer(p)
	var accounts []Account
	for _, a := range p.Accounts {
		if in.Filter == nil || in.Filter.match(a, func(name string) string { return categories(name, a) }) {
			accounts = append(accounts, a)
		}
	}
	// The interval widens with the level asked: 10% either side at 80.
	spread := 0.1 * float64(level) / 80
	type forecastResult struct {
		TimePeriod                   dateInterval `json:"TimePeriod"`
		MeanValue                    string       `json:"MeanValue"`
		PredictionIntervalLowerBound string       `json:"PredictionIntervalLowerBound"`
		PredictionIntervalUpperBound string       `json:"PredictionIntervalUpperBound"`
	}
	out := struct {
		Total                 metricValue      `json:"Total"`
		ForecastResultsByTime []forecastResult `json:"ForecastResultsByTime"`
	}{ForecastResultsByTime: []forecastResult{}}
	total := 0.0
	for s := start; s.Before(end); {
		e := s.AddDate(0, 0, 1)
		if in.Granularity == "MONTHLY" {
			e = time.Date(s.Year(), s.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		}
		if e.After(end) {
			e = end
		}
		mean := 0.0
		for _, a := range accounts {
			for d := s; d.Before(e); d = d.AddDate(0, 0, 1) {
				mean += dailyMean(p.Scenario, a, d)
			}
		}
		total += mean
		out.ForecastResultsByTime = append(out.ForecastResultsByTime, forecastResult{
			TimePeriod: dateInterval{s.Format(time.DateOnly), e.Format(time.DateOnly)}, MeanValue: amount(mean).Amount,
			PredictionIntervalLowerBound: amount(mean * (1 - spread)).Amount, PredictionIntervalUpperBound: amount(mean * (1 + spread)).Amount})
		s = e
	}
	out.Total = amount(total)
	return out, false, nil
}
