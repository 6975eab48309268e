package costview

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orgwizard/orgwizard/orgmodel"
)

func acmeTree(t testing.TB) *orgmodel.Tree {
	t.Helper()
	data, err := os.ReadFile("../examples/acme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := orgmodel.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := d.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// acmeInput: acme.yaml's accounts, the management account, and one the
// design does not know, each costing its index+1 dollars a day for 35 days
// to 2026-11-20.
func acmeInput(t testing.TB) Input {
	tree := acmeTree(t)
	start := time.Date(2026, 10, 17, 0, 0, 0, 0, time.UTC)
	in := Input{Month: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Start: start, Today: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		ManagementID: "000000000000", Tree: tree, Currency: "USD"}
	names := []string{"acme", "stray"}
	for _, a := range tree.Accounts {
		names = append(names, a.Name)
	}
	for i, name := range names {
		daily := make([]float64, 35)
		for d := range daily {
			daily[d] = float64(i + 1)
		}
		id := fmt.Sprintf("%012d", i)
		in.Accounts = append(in.Accounts, Account{ID: id, Name: name, Daily: daily})
	}
	return in
}

func TestGroupsFollowTheDesign(t *testing.T) {
	in := acmeInput(t)
	f := 100.0
	in.Forecast = &f
	for by, want := range map[string][]string{
		ByWorkload:    {"payments", "website", "foundation", "other"},
		ByEnvironment: {"prod", "staging", "dev", "foundation", "other"},
		ByResidency:   {"none", "eu", "us", "foundation", "other"},
	} {
		v := Compute(in, by)
		var got []string
		total := v.Management.MonthToDate
		for _, g := range v.Groups {
			got = append(got, g.Name)
			total += g.MonthToDate
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("by %s: groups %v, want %v (largest first)", by, got, want)
		}
		if cents(total) != v.MonthToDate {
			t.Errorf("by %s: groups and management add up to %.2f, the total is %.2f", by, total, v.MonthToDate)
		}
	}
	for i := range in.Accounts[0].Daily {
		in.Accounts[0].Daily[i] = 0.04
	}
	v := Compute(in, ByWorkload)
	// 20 days of November at 4 cents a day for the management account.
	if v.Management == nil || v.Management.MonthToDate != 0.8 || !v.Management.Clean || v.Management.Name != "acme" {
		t.Errorf("management: %+v", v.Management)
	}
	for _, g := range v.Groups {
		if g.Name == Other && strings.Join(g.Accounts, ",") != "stray" {
			t.Errorf("other holds %v; want the account the design does not know", g.Accounts)
		}
		if len(g.Last30) != 30 {
			t.Errorf("%s: %d days of sparkline", g.Name, len(g.Last30))
		}
	}
	// The forecast is the month so far, today aside, and AWS's forecast from today.
	if want := cents(v.MonthToDate*19/20 + 100); *v.Forecast != want {
		t.Errorf("forecast %.2f, want %.2f", *v.Forecast, want)
	}
}

var moneyRe = regexp.MustCompile(`\$([0-9,]+\.[0-9]{2})`)

// TestTextJSONAndCSVCarryTheSameNumbers renders one view three ways and
// finds each group's month to date in all three.
func TestTextJSONAndCSVCarryTheSameNumbers(t *testing.T) {
	in := acmeInput(t)
	v := Compute(in, ByEnvironment)
	var text, js, cs bytes.Buffer
	fetch := Fetch{Requests: 2, PricePerRequest: 0.01}
	if err := Text(&text, "Target: test", v, fetch); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&js, "test", v, fetch); err != nil {
		t.Fatal(err)
	}
	if err := CSV(&cs, v); err != nil {
		t.Fatal(err)
	}
	var doc Document
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil || doc.Version != 1 || doc.Requests != 2 || doc.RequestCost != 0.02 {
		t.Fatalf("json: %v %+v", err, doc)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil || len(rows) != len(v.Groups)+2 {
		t.Fatalf("csv: %v, %d rows for %d groups, the management account and a header", err, len(rows), len(v.Groups))
	}
	for i, g := range doc.Groups {
		amount := strconv.FormatFloat(g.MonthToDate, 'f', 2, 64)
		if rows[i+1][1] != g.Name || rows[i+1][3] != amount {
			t.Errorf("csv row %v, json group %s %s", rows[i+1], g.Name, amount)
		}
		line := ""
		for l := range strings.SplitSeq(text.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), g.Name+" ") {
				line = l
			}
		}
		m := moneyRe.FindStringSubmatch(line)
		if m == nil || strings.ReplaceAll(m[1], ",", "") != amount {
			t.Errorf("text line %q, json %s %s", line, g.Name, amount)
		}
	}
	if !strings.Contains(text.String(), "2 Cost Explorer requests, $0.02 at $0.01 each.") {
		t.Errorf("text does not say what the view cost:\n%s", text.String())
	}
}

func TestNoForecastYet(t *testing.T) {
	in := acmeInput(t)
	in.Current = true
	var text bytes.Buffer
	Text(&text, "Target: test", Compute(in, ByWorkload), Fetch{Requests: 2, PricePerRequest: 0.01})
	if !strings.Contains(text.String(), "AWS has no forecast yet") {
		t.Errorf("no word on the missing forecast:\n%s", text.String())
	}
}

func TestManagementAccountThatRunsWorkloads(t *testing.T) {
	in := acmeInput(t)
	for i := range in.Accounts[0].Daily {
		in.Accounts[0].Daily[i] = 55
	}
	v := Compute(in, ByWorkload)
	var text bytes.Buffer
	Text(&text, "Target: test", v, Fetch{FromCache: true, Age: 12 * time.Minute})
	for _, want := range []string{"Not clean", "$1,100.00 month to date", "0 Cost Explorer requests: from the cache, fetched 12 minutes ago"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("no %q in\n%s", want, text.String())
		}
	}
}

func TestSparklineAndBar(t *testing.T) {
	if got := Sparkline([]float64{0, 1, 2, 3, 4, 5, 6, 7}); got != "▁▂▃▄▅▆▇█" {
		t.Errorf("Sparkline = %q", got)
	}
	if got := Sparkline([]float64{0, 0}); got != "▁▁" {
		t.Errorf("nothing draws %q", got)
	}
	if got := Bar(50, 100, 4); got != "██  " {
		t.Errorf("Bar(50, 100, 4) = %q", got)
	}
	if got := Money(1234567.891, "USD"); got != "$1,234,567.89" {
		t.Errorf("Money = %q", got)
	}
}
